"""normalize()'s rules one by one on small hand-made blocks, each threshold on both sides
(issue 23). Expected blocks are worked out by hand from the rules in the module docstring."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sucai.ingest import normalize as normalize_module
from sucai.ingest.limits import MAX_LINE_CHARS
from sucai.ingest.normalize import (
    Wrapped,
    is_structural,
    join_wrapped,
    normalize,
    removal_reason,
)
from sucai.models import Block, BlockKind, ParsedText, RemovedLine


@pytest.fixture(autouse=True)
def _fresh_format_table() -> Iterator[None]:
    """Each test looks up the categories of the characters it meets afresh, rather than find
    them cached by an earlier test (so ``make mutate`` sees the lookup reached)."""
    normalize_module._FORMAT.clear()
    yield


def _clean(*lines: str | Block, title_hint: str | None = None) -> ParsedText:
    """normalize() of lines numbered from 1 (a str is a text block)."""
    blocks = tuple(
        Block(item, line=n) if isinstance(item, str) else replace_line(item, n)
        for n, item in enumerate(lines, 1)
    )
    return normalize(ParsedText(blocks, title_hint=title_hint))


def replace_line(block: Block, line: int) -> Block:
    return Block(block.text, block.kind, block.level, block.paid, line)


def _texts(parsed: ParsedText) -> list[tuple[str, bool]]:
    return [(b.text, b.paid) for b in parsed.blocks]


# --- the paywall markers -----------------------------------------------------------------------


def test_lines_between_the_markers_are_paid_and_the_marker_lines_go() -> None:
    parsed = _clean("公开段。", "##paidbegin##", "付费段。", "", "##paidend##", "公开尾。")
    assert _texts(parsed) == [
        ("公开段。", False),
        ("付费段。", True),
        ("", True),
        ("公开尾。", False),
    ]


def test_markers_inside_a_line_split_it_into_paid_and_free_pieces() -> None:
    parsed = _clean("前文。##paidbegin##付费文。##paidend##后文。")
    assert _texts(parsed) == [("前文。", False), ("付费文。", True), ("后文。", False)]
    assert [b.line for b in parsed.blocks] == [1, 1, 1]


def test_a_table_is_paid_as_it_starts_and_its_markers_set_what_follows() -> None:
    parsed = _clean(
        Block("甲\t乙\n##paidbegin##丙\u200b\t丁", "table"),
        "付费。",
        Block("##paidend##", "table"),
        "公开。",
    )
    assert [(b.text, b.kind, b.paid) for b in parsed.blocks] == [
        ("甲\t乙\n丙\t丁", "table", False),
        ("付费。", "text", True),
        ("公开。", "text", False),
    ]


def test_a_table_holding_both_markers_leaves_what_follows_free() -> None:
    parsed = _clean(Block("##paidbegin##甲\t乙##paidend##", "table"), "公开。")
    assert [(b.text, b.paid) for b in parsed.blocks] == [("甲\t乙", False), ("公开。", False)]


def test_a_paid_line_does_not_join_the_free_line_before_it() -> None:
    parsed = _clean("甲" * 60, "##paidbegin##乙。")
    assert _texts(parsed) == [("甲" * 60, False), ("乙。", True)]


# --- characters --------------------------------------------------------------------------------


def test_every_control_character_but_tab_and_line_breaks_is_left_out_and_counted() -> None:
    parsed = _clean("营\x00商\x08环\x0b境\x0c的\x0e通\x1f知\x7f。甲\t乙。")
    assert _texts(parsed) == [("营商环境的通知。甲\t乙。", False)]
    assert parsed.notes == ("7 control character(s), which are not text, were left out.",)


def test_format_characters_are_dropped_without_a_note() -> None:
    # Zero width space, right-to-left override, soft hyphen, word joiner, byte-order mark.
    parsed = _clean("营\u200b商\u202e环\u00ad境\u2060。营\ufeff商。", title_hint="标\x00题")
    assert _texts(parsed) == [("营商环境。营商。", False)]
    assert parsed.notes == ()
    assert parsed.title_hint == "标题"


# --- paragraphs run together -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        ("第一段。　　第二段。  第三段。", ["第一段。", "第二段。", "第三段。"]),
        ("甲乙　　丙丁", ["甲乙", "丙丁"]),
        ("他说“好。”  下一段。", ["他说“好。”", "下一段。"]),
        ("第一段。\t\t第二段。", ["第一段。", "第二段。"]),
        # One indent, one space, or spaces after no sentence end: one paragraph.
        ("第一段。　第二段。", ["第一段。　第二段。"]),
        ("第一段。 第二段。", ["第一段。 第二段。"]),
        ("甲乙  丙丁", ["甲乙  丙丁"]),
    ],
)
def test_paragraphs_run_together_are_split_at_indents(line: str, parts: list[str]) -> None:
    assert [text for text, _ in _texts(_clean(line))] == parts


def test_a_heading_is_never_split() -> None:
    parsed = _clean(Block("一、总体要求　　二、主要任务", "heading", 1))
    assert _texts(parsed) == [("一、总体要求　　二、主要任务", False)]


# --- a title repeated below itself -------------------------------------------------------------


def test_a_title_repeated_below_itself_is_removed_even_across_blank_lines() -> None:
    parsed = _clean("关于X的通知", "", "关于X的通知", "正文。")
    assert _texts(parsed) == [("关于X的通知", False), ("", False), ("正文。", False)]
    assert parsed.removed == (RemovedLine(3, "关于X的通知", "duplicate-line"),)


@pytest.mark.parametrize("first", ["XXXX", "甲"])
def test_the_first_line_repeats_nothing(first: str) -> None:
    assert _texts(_clean(first, "正文。")) == [(first, False), ("正文。", False)]


@pytest.mark.parametrize(("line", "removed"), [(10, True), (11, False)])
def test_a_repeat_counts_only_in_the_first_ten_lines(line: int, removed: bool) -> None:
    lines = [f"第{n}段。" for n in range(1, line - 1)] + ["重复", "重复"]
    parsed = _clean(*lines)
    assert [b.text for b in parsed.blocks][-2:] == (
        [f"第{line - 2}段。", "重复"] if removed else ["重复", "重复"]
    )
    assert parsed.removed == ((RemovedLine(line, "重复", "duplicate-line"),) if removed else ())


@pytest.mark.parametrize(("kind", "kept"), [("heading", True), ("text", False)])
def test_a_heading_may_repeat_the_title(kind: BlockKind, kept: bool) -> None:
    parsed = _clean(
        Block("关于X的通知", "title"), Block("关于X的通知", kind, 1 if kind == "heading" else 0)
    )
    assert len(parsed.blocks) == (2 if kept else 1)


# --- advertising and chrome --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("下载", "web-chrome"),
        ("【字号：加大 还原 减小】", "web-chrome"),
        ("Copyright © 2024 某某网 版权所有", "web-chrome"),
        ("Copyright © 2024 某某网。版权所有", None),
        ("[查看原文](https://x.cn/a)", "web-chrome"),
        ("责任编辑：张三", "web-chrome"),
        ("责任编辑：" + "张" * 31, None),
        ("【法宝引证码】CLI.2.123", "pkulaw-header"),
        ("原文链接：https://x.cn", "pkulaw-header"),
        ("【公文素材库】每天更新", "advert"),
        ("每日更新各类材料", "advert"),
        ("加入SVIP", "advert"),
        ("添加客服微信领取", "contact"),
        ("联系qq", "contact"),
        ("扫码进群", "contact"),
        ("电话：13812345678", "contact"),
        ("电话：12812345678", None),
        ("电话：010-12345678", None),
        ("优化营商环境", None),
    ],
)
def test_each_kind_of_page_furniture_has_its_reason(text: str, reason: str | None) -> None:
    assert removal_reason(text) == reason


@pytest.mark.parametrize(("size", "reason"), [(159, "contact"), (160, None)])
def test_an_advert_or_contact_line_is_shorter_than_160_characters(
    size: int, reason: str | None
) -> None:
    text = "添加客服微信" + "的" * (size - 6)
    assert removal_reason(text) == reason
    assert removal_reason("【公文素材库】" + "的" * (size - 7)) == (reason and "advert")


def test_a_removed_line_is_reported_with_its_number_and_a_size_switch_is_cut_off() -> None:
    parsed = _clean("正文。", "添加客服微信", "发稿时间：2019/3/25 【 字体：大 中 小 】")
    assert _texts(parsed) == [("正文。", False), ("发稿时间：2019/3/25", False)]
    assert parsed.removed == (RemovedLine(2, "添加客服微信", "contact"),)


# --- wrapped lines -----------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "joined"), [(60, True), (59, False)])
def test_a_line_of_sixty_characters_without_a_sentence_end_is_wrapped(
    size: int, joined: bool
) -> None:
    parsed = _clean("甲" * size, "乙乙。")
    assert [b.text for b in parsed.blocks] == (
        ["甲" * size + "乙乙。"] if joined else ["甲" * size, "乙乙。"]
    )


@pytest.mark.parametrize(
    "second", ["一、乙。", "（二）乙。", "第三条 乙。", "新华社北京1月15日电 乙。"]
)
def test_an_outline_marker_or_a_dateline_opens_a_paragraph(second: str) -> None:
    assert [b.text for b in _clean("甲" * 60, second).blocks] == ["甲" * 60, second]


def test_a_sentence_end_is_not_wrapped() -> None:
    assert [b.text for b in _clean("甲" * 59 + "。", "乙。").blocks] == ["甲" * 59 + "。", "乙。"]


def test_a_line_of_closing_punctuation_joins_the_line_before_it() -> None:
    assert [b.text for b in _clean("甲甲甲", "。”").blocks] == ["甲甲甲。”"]
    assert [b.text for b in _clean("甲甲甲", "。”", "乙乙乙。").blocks] == ["甲甲甲。”", "乙乙乙。"]
    # A paragraph of one character too.
    assert [b.text for b in _clean("好", "！”").blocks] == ["好！”"]


@pytest.mark.parametrize(("paragraphs", "joined"), [(5, True), (4, False)])
def test_in_blank_separated_text_a_single_break_is_a_wrap(paragraphs: int, joined: bool) -> None:
    lines: list[str] = []
    for n in range(paragraphs):
        lines += [f"第{n}句。", ""]
    lines += ["这一段被", "折断了。"]
    texts = [b.text for b in _clean(*lines).blocks]
    assert texts[-2:] == (["", "这一段被折断了。"] if joined else ["这一段被", "折断了。"])


def test_only_a_full_stop_or_a_mark_of_exclamation_or_question_ends_a_sentence() -> None:
    """Four sentence ends to a blank line: one short of the evidence for blank-separated text,
    which a fifth line ending in a letter does not make up."""
    lines: list[str] = []
    for n in range(4):
        lines += [f"第{n}句。", ""]
    lines += ["型号为X", "", "这一段被", "折断了。"]
    assert [b.text for b in _clean(*lines).blocks][-2:] == ["这一段被", "折断了。"]


def test_in_blank_separated_text_an_outline_heading_is_not_joined_to_the_next_line() -> None:
    lines: list[str] = []
    for n in range(5):
        lines += [f"第{n}句。", ""]
    texts = [b.text for b in _clean(*lines, "一、总体要求", "折断了。").blocks]
    assert texts[-2:] == ["一、总体要求", "折断了。"]


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("营商", "环境", "营商环境"),
        ("open", "data", "open data"),
        ("word,", "next", "word, next"),
        ("中文", "abc", "中文abc"),
        ("abc", "中文", "abc中文"),
        ("a", "(b", "a (b"),
        ("a", ")", "a)"),
        ("", "x", "x"),
        ("x", "", "x"),
    ],
)
def test_wrapped_pieces_join_with_a_space_only_between_latin_words(
    left: str, right: str, joined: str
) -> None:
    assert join_wrapped(left, right) == joined


def test_other_invisible_or_spacing_characters_are_kept() -> None:
    # An ideographic space, a no-break space and a line separator are no format characters.
    assert _texts(_clean("营\u3000商\u00a0环\u2028境。")) == [
        ("营\u3000商\u00a0环\u2028境。", False)
    ]


@pytest.mark.parametrize(
    ("text", "structural"),
    [
        ("一、总体要求", True),
        ("（三）工作措施", True),
        ("第十二条 本办法自发布之日起施行。", True),
        ("各区县人民政府：", True),
        ("同志们:", True),
        ("现将有关事项通知如下。", False),
        ("一是要加强领导", False),
    ],
)
def test_outline_markers_and_salutations_are_structural(text: str, structural: bool) -> None:
    assert is_structural(text) is structural


def test_a_wrapped_paragraph_counts_its_characters_and_the_spaces_it_adds() -> None:
    paragraph = Wrapped("open")
    paragraph.add("data")
    assert (paragraph.size, paragraph.last, paragraph.marker) == (9, "a", False)
    paragraph.add("中b")
    paragraph.add("x")
    paragraph.add(")", wrapped=False)
    paragraph.add("")
    assert (paragraph.text(), paragraph.size, paragraph.last) == ("open data中b x)", 14, ")")
    assert paragraph.text() == "open data中b x)"
    assert Wrapped("一、总体要求").marker


def test_latin_lines_wrapped_at_sixty_characters_join_with_a_space() -> None:
    first = "This line of an English annex was wrapped by the editor at it"
    assert len(first) == 61
    parsed = _clean(first, "word", "and the paragraph goes on.")
    assert _texts(parsed) == [(first + " word and the paragraph goes on.", False)]


def test_a_paragraph_fits_up_to_the_limit_on_one_line() -> None:
    paragraph = Wrapped("甲" * (MAX_LINE_CHARS - 2))
    assert paragraph.fits("乙")  # with the space a join may add: exactly the limit
    assert not paragraph.fits("乙乙")


def test_control_characters_of_every_line_are_counted_together() -> None:
    parsed = _clean("营\x00商环境。", "", "优化\x07营商\x1b环境。")
    assert _texts(parsed) == [("营商环境。", False), ("", False), ("优化营商环境。", False)]
    assert parsed.notes == ("3 control character(s), which are not text, were left out.",)


def test_every_kind_of_space_at_either_end_of_a_line_is_trimmed() -> None:
    for space in " \t\u3000\u00a0\u2002\u2003\u2009\u202f\u2028":
        assert _texts(_clean(f"{space}营商环境。{space}")) == [("营商环境。", False)], hex(
            ord(space)
        )


def test_a_table_inside_the_paid_part_is_paid() -> None:
    parsed = _clean("##paidbegin##", Block("甲\t乙", "table"), "正文。")
    assert [(b.text, b.kind, b.paid) for b in parsed.blocks] == [
        ("甲\t乙", "table", True),
        ("正文。", "text", True),
    ]


def test_blank_lines_and_split_paragraphs_keep_their_kind_level_and_line() -> None:
    parsed = _clean("第一段。", "", "第二段。　　第三段。", Block("", "heading", 2))
    assert parsed.blocks == (
        Block("第一段。", "text", 0, False, 1),
        Block("", "text", 0, False, 2),
        Block("第二段。", "text", 0, False, 3),
        Block("第三段。", "text", 0, False, 3),
        Block("", "heading", 2, False, 4),
    )


def test_a_removed_line_is_reported_as_it_was_with_its_size_switch() -> None:
    parsed = _clean("下载 打印 【字体：大 中 小】", "正文。")
    assert parsed.removed == (RemovedLine(1, "下载 打印 【字体：大 中 小】", "web-chrome"),)


def test_the_piece_after_a_removed_piece_of_a_line_is_kept() -> None:
    parsed = _clean("客服微信：abc123##paidbegin##正文。")
    assert _texts(parsed) == [("正文。", True)]
    assert parsed.removed == (RemovedLine(1, "客服微信：abc123", "contact"),)


def test_the_parser_s_notes_are_kept_beside_the_note_on_controls() -> None:
    parsed = normalize(ParsedText((Block("营\x00商。", line=1),), notes=("parser note",)))
    assert parsed.notes == (
        "parser note",
        "1 control character(s), which are not text, were left out.",
    )


def test_text_hard_wrapped_at_twenty_characters_is_joined() -> None:
    lines = [f"第{n:02d}行" + "甲" * 16 for n in range(12)]
    assert {len(line) for line in lines} == {20}
    assert _texts(_clean(*lines, "完。")) == [("".join(lines) + "完。", False)]


@pytest.mark.parametrize(("blank", "joined"), [(4, True), (3, False)])
def test_text_is_blank_separated_when_four_of_five_sentence_ends_go_to_a_blank_line(
    blank: int, joined: bool
) -> None:
    # Five lines end a sentence; ``blank`` of them are followed by a blank line.
    lines = ["第一段被", "折断了。", ""]
    for n in range(blank - 1):
        lines += [f"第{n}段。", ""]
    lines += [f"第{n}段。" for n in range(5 - blank)] + ["末段。"]
    texts = [b.text for b in _clean(*lines).blocks]
    assert texts[:2] == (["第一段被折断了。", ""] if joined else ["第一段被", "折断了。"])


@pytest.mark.parametrize(("length", "joined"), [(18, True), (17, False)])
def test_a_line_two_short_of_the_wrap_width_is_still_wrapped(length: int, joined: bool) -> None:
    # Twenty characters to a line, each ending a sentence, set the width; then a paragraph
    # whose first line has ``length`` characters.
    sentences = [f"第{n:02d}句" + "甲" * 15 + "。" for n in range(12)]
    first = "乙" * length
    texts = [b.text for b in _clean(*sentences, first, "完。").blocks]
    assert texts[-2:] == ([sentences[-1], first + "完。"] if joined else [first, "完。"])


def test_a_long_heading_is_not_joined_to_the_text_below_it() -> None:
    parsed = _clean(Block("甲" * 61, "heading", 1), "正文。")
    assert [(b.text, b.kind) for b in parsed.blocks] == [("甲" * 61, "heading"), ("正文。", "text")]


@pytest.mark.parametrize(
    ("lengths", "width"),
    [
        # The most common length, or up to two more when such lines exist.
        ([20] * 10 + [22, 23], 22),
        # Three in ten lines within two characters of the width: a width …
        ([40, 40, 40, *range(25, 32)], 40),
        ([40, 40, 38, *range(25, 32)], 40),
        # … two in ten are not, nor a line three short; nor fewer than ten lines.
        ([40, 40, *range(25, 33)], None),
        ([40, 40, 37, *range(25, 32)], None),
        ([40] * 9, None),
    ],
)
def test_the_wrap_width_of_a_file_worked_by_hand(lengths: list[int], width: int | None) -> None:
    blocks = [Block("甲" * n) for n in lengths]
    assert normalize_module._wrap_width(blocks) == width
