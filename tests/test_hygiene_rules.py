"""Hygiene rules worked by hand (issue 23): restoring a compilation and putting the original
back, the findings of an article, the messages a writer reads, and the edges of the
placeholder and sentence-start rules.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sucai.errors import DecodeError, UserError
from sucai.hygiene import (
    ArticleHygiene,
    Finding,
    ParagraphFindings,
    apply_originals,
    article_findings,
    find_issues,
    read_draft,
    restore_compilation,
    restore_text,
)
from sucai.models import Article, ArticleDraft, Compilation, OutlineEntry, Paragraph
from sucai.store import Correction


def _spans(text: str) -> list[tuple[str, int, int, str]]:
    return [(f.kind, f.start, f.end, f.text) for f in find_issues(text)]


def test_placeholder_offsets_worked_by_hand() -> None:
    # 请0 于1 x2-5 年6 x7 月8 前9 报10 送11 某12 某13 县14 ×15-17 材18
    assert _spans("请于xxxx年x月前报送某某县×××材料。") == [
        ("placeholder", 2, 7, "xxxx年"),
        ("placeholder", 7, 9, "x月"),
        ("placeholder", 12, 14, "某某"),
        ("placeholder", 15, 18, "×××"),
    ]
    assert _spans("○○年○○月，二〇二〇年") == [
        ("placeholder", 0, 2, "○○"),
        ("placeholder", 3, 5, "○○"),
    ]
    assert _spans("某单位") == [] and _spans("○○○○为分隔") == []
    assert _spans("x.x亿元") == [("placeholder", 0, 3, "x.x")]
    # Beside a digit a lone x is arithmetic, on either side (a full-width digit too).
    for text in ("共２x台", "乘x３倍", "共2x台", "乘x3倍"):
        assert _spans(text) == [], text
    assert _spans("共x台") == [("placeholder", 1, 2, "x")]
    (found,) = find_issues("xx县")
    assert found.message == "“xx县”是待填写的占位符。"


def test_a_speech_opening_a_sentence_lacks_its_speaker_only_there() -> None:
    assert _spans("的重要讲话精神") == [("missing-name", 0, 5, "的重要讲话")]
    for before in '。！？；!?;“"\n':
        assert _spans(f"好{before}的重要指示") == [("missing-name", 2, 7, "的重要指示")], before
    assert _spans("好，的重要批示") == []


def test_sanitised_findings_say_whether_to_correct_or_to_check() -> None:
    assert find_issues("全体D员") == []
    (restore,) = find_issues("全体D员", sanitised=True)
    assert restore == Finding("sanitised", 2, 3, "D", "“D”应为“党”（D员），请改正。")
    flagged = find_issues("方案A通过后，全体D员")
    assert flagged == [
        Finding("sanitised", 9, 10, "D", "“D”可能代指“党”（D员），但同段有其他字母，请核对。")
    ]
    assert find_issues("方案A通过后，全体D员", sanitised=True) == flagged
    (phone,) = find_issues("联系电话13812345678。")
    assert (phone.kind, phone.start, phone.end) == ("personal", 4, 15)
    assert phone.message == "疑似手机号（个人信息），请核对是否应删去或遮盖。"


def test_the_original_comes_back_from_the_restored_text_and_its_corrections() -> None:
    original = "全D上下，D员干部要管D治D"
    restored, changes = restore_text(original)
    assert restored == "全党上下，党员干部要管党治党"
    assert [(off, rule) for off, _, _, rule in changes] == [
        (1, "全D"),
        (5, "D员"),
        (11, "管D"),
        (13, "治D"),
    ]
    corrections = [Correction("paragraph", 0, o, old, new, r) for o, old, new, r in changes]
    assert apply_originals(restored, corrections) == original
    assert apply_originals(restored, reversed(corrections)) == original
    # A correction whose text has been edited since is left out, the others still apply.
    edited = "全党上下，党员干部要管严治党"
    assert apply_originals(edited, corrections) == "全D上下，D员干部要管严治D"


def _draft(title: str, paragraphs: tuple[str, ...], role: str | None = None) -> ArticleDraft:
    return ArticleDraft(
        title,
        role,
        "讲话",
        None,
        None,
        tuple(Paragraph(i, t, False, 1 if i == 0 else 0, 0) for i, t in enumerate(paragraphs)),
        (OutlineEntry(0, 1, paragraphs[0], 0, None, "marker"),),
    )


def test_a_compilation_is_restored_and_every_change_recorded_once() -> None:
    compilation = Compilation(
        title="D建工作讲话汇编",
        header=("D建工作讲话汇编", "D委办公室编"),
        declared_count=2,
        articles=(
            _draft("在全D大会上的讲话", ("一、加强D的建设", "全体D员。"), role="D委书记"),
            _draft("工作报告", ("一、总体情况", "没有要改的。")),
        ),
    )
    restored, record = restore_compilation(compilation)
    first, second = restored.articles
    assert (first.title, first.role) == ("在全党大会上的讲话", "党委书记")
    assert [p.text for p in first.paragraphs] == ["一、加强党的建设", "全体党员。"]
    assert [e.text for e in first.outline] == ["一、加强党的建设"]
    assert second == compilation.articles[1]
    assert (restored.title, restored.header) == (
        "党建工作讲话汇编",
        ("党建工作讲话汇编", "党委办公室编"),
    )
    assert record.articles == (
        (
            Correction("title", 0, 2, "D", "党", "全D"),
            Correction("role", 0, 0, "D", "党", "D委"),
            Correction("paragraph", 0, 4, "D", "党", "D的"),
            Correction("paragraph", 1, 2, "D", "党", "D员"),
        ),
        (),
    )
    # The title is one of the header lines: its correction is recorded there only.
    assert record.file == (
        Correction("header", 0, 0, "D", "党", "D建"),
        Correction("header", 1, 0, "D", "党", "D委"),
    )
    assert record.count == 6
    _, apart = restore_compilation(Compilation("D建汇编", ("目录",), None, compilation.articles))
    assert apart.file == (Correction("file-title", 0, 0, "D", "党", "D建"),)
    assert apart.count == 5


def test_an_articles_findings_are_kept_per_paragraph_with_the_title_first() -> None:
    article = Article(
        id=3,
        title="关于xx县工作的报告",
        role=None,
        genre="报告",
        issued_on=None,
        year=None,
        paragraphs=(
            Paragraph(0, "没有问题。", False),
            Paragraph(1, "某某同志、×××同志负责。", False),
        ),
        outline=(),
        sources=(),
        added_at="2026-01-01T08:00:00+00:00",
        chars=20,
    )
    hygiene = article_findings(article)
    assert hygiene == ArticleHygiene(
        3,
        (
            ParagraphFindings(
                -1, (Finding("placeholder", 2, 5, "xx县", "“xx县”是待填写的占位符。"),)
            ),
            ParagraphFindings(
                1,
                (
                    Finding("placeholder", 0, 2, "某某", "“某某”是待填写的占位符。"),
                    Finding("placeholder", 5, 8, "×××", "“×××”是待填写的占位符。"),
                ),
            ),
        ),
        (),
    )
    assert hygiene.count == 3
    assert [f.text for f in hygiene.of(1)] == ["某某", "×××"]
    assert hygiene.of(0) == ()
    assert hygiene.of(-1)[0].text == "xx县"


def test_corrections_of_other_lengths_are_put_back_from_the_end() -> None:
    # Applied from the start, the first would shift the second out of place.
    corrections = [
        Correction("paragraph", 0, 0, "AB", "甲", "x"),
        Correction("paragraph", 0, 2, "CD", "丙", "x"),
    ]
    assert apply_originals("甲乙丙丁", corrections) == "AB乙CD丁"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # A lone x at either end of the text (nothing before it, nothing after it).
        ("x个问题共3", [(0, 1, "x")]),
        ("共有x", [(2, 3, "x")]),
        # A capital X after 第 is a blank even before a word that counts nothing.
        ("进入第X阶段", [(3, 4, "X")]),
        ("进入X阶段", []),
        # x starting a word (x射线) is no blank.
        ("请做x射线检查", []),
        # An x after an opening quote, or before Chinese text, is a blank.
        ("提出“x 计划”", [(3, 4, "x")]),
        ("有 x家企业", [(2, 3, "x")]),
        ("type x here", []),
        # Nothing before or after it is no quote.
        ("x-ray", []),
        ("type x", []),
    ],
)
def test_a_lone_x_worked_by_hand(text: str, found: list[tuple[int, int, str]]) -> None:
    assert [(f.start, f.end, f.text) for f in find_issues(text)] == found


def test_a_draft_is_read_as_lines_of_txt_md_text_or_docx(tmp_path: Path) -> None:
    for name in ("a.txt", "b.md", "c.text", "D.TXT"):
        (tmp_path / name).write_text("第一行\n第二行", encoding="utf-8")
        assert read_draft(tmp_path / name) == ["第一行", "第二行"], name
    # An encoding the writer names is used, not detected.
    (tmp_path / "named.txt").write_bytes("中文".encode())
    assert read_draft(tmp_path / "named.txt", "gb18030") == ["中文".encode().decode("gb18030")]


def test_a_draft_that_cannot_be_read_says_why_and_what_to_do(tmp_path: Path) -> None:
    missing = tmp_path / "无.txt"
    with pytest.raises(UserError) as error:
        read_draft(missing)
    assert (
        str(error.value) == f"{missing}: no such file. Give the path of a .txt, .md or .docx draft."
    )
    broken = tmp_path / "坏.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(
        UserError,
        match=rf"^{re.escape(str(broken))}: not a readable \.docx \(.+\)\. "
        r"Save it again from Word\.$",
    ):
        read_draft(broken)
    other = tmp_path / "稿.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(UserError) as error:
        read_draft(other)
    assert str(error.value) == f"{other}: check-hygiene reads .txt, .md and .docx drafts, not .pdf."
    damaged = tmp_path / "乱.txt"
    damaged.write_bytes(b"\xe4\xb8\xad\xff\xfe")
    with pytest.raises(DecodeError) as decode_error:
        read_draft(damaged, "utf-8")
    assert str(damaged) in str(decode_error.value)


def test_a_full_width_d_is_restored_like_a_latin_one() -> None:
    assert find_issues("全体Ｄ员", sanitised=True) == [
        Finding("sanitised", 2, 3, "Ｄ", "“Ｄ”应为“党”（D员），请改正。")
    ]


def test_a_speech_at_a_meeting_lacks_its_speaker_after_a_verb_not_after_a_name() -> None:
    assert find_issues("认真学习在全市大会上的重要讲话") == [
        Finding(
            "missing-name",
            4,
            15,
            "在全市大会上的重要讲话",
            "“在…上的重要讲话”前没有讲话人，可能被删去，请核对补全。",
        )
    ]
    assert find_issues("他在全市大会上的重要讲话") == []
    # After a verb, the gap runs to the first 重要… that follows.
    assert [(f.start, f.end, f.text) for f in find_issues("学习重要讲话和重要指示")] == [
        (0, 6, "学习重要讲话")
    ]


def test_the_file_title_apart_from_the_header_is_recorded_beside_the_header() -> None:
    compilation = Compilation("D建汇编", ("D委办公室编",), None, ())
    restored, record = restore_compilation(compilation)
    assert (restored.title, restored.header) == ("党建汇编", ("党委办公室编",))
    assert record.file == (
        Correction("header", 0, 0, "D", "党", "D委"),
        Correction("file-title", 0, 0, "D", "党", "D建"),
    )


def test_a_d_in_a_lettered_list_or_after_a_noun_that_names_letters() -> None:
    # D、E and D、X: items of a list of letters, not 党.
    assert find_issues("全D、E两类", sanitised=True) == []
    assert find_issues("全D、X两类", sanitised=True) == []
    # 方案D is a letter; 方案的D员 is 党员 (的 links no letter to its noun).
    assert find_issues("方案D", sanitised=True) == []
    assert find_issues("方案的D员", sanitised=True) == [
        Finding("sanitised", 3, 4, "D", "“D”应为“党”（D员），请改正。")
    ]


@pytest.mark.parametrize(
    ("char", "cjk"),
    [
        ("\u4e00", True),  # 一, first of the CJK Unified Ideographs
        ("\u9fff", True),  # their last
        ("\u3400", True),  # 㐀, first of Extension A
        ("\u4dbf", True),  # its last
        ("\u33ff", False),  # a CJK compatibility square, not an ideograph
        ("\u4dc0", False),  # ䷀, a hexagram between the two blocks
        ("\ua000", False),  # ꀀ, Yi
    ],
)
def test_a_lone_x_after_an_ideograph_is_a_blank(char: str, cjk: bool) -> None:
    found = [(f.start, f.text) for f in find_issues(char + "x")]
    assert found == ([(1, "x")] if cjk else [])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # A letter across spaces makes D a letter of a Latin phrase, on either side …
        ("X D的建设", []),
        ("A D员", []),
        ("中A D员", []),
        ("中文A D员", []),
        ("全D B", []),
        ("全D X", []),
        ("全D BC", []),
        # D after a letter and a list separator: the next item of a list.
        ("A、D员", []),
        ("全D、E两类工作", []),
        # A letter two characters back is no neighbour: the other letter only flags the D.
        ("A全D员", [(2, "“D”可能代指“党”（D员），但同段有其他字母，请核对。")]),
        ("Plan D的方案", []),
        # … a Chinese character across the space does not.
        ("全体 D员", [(3, "“D”应为“党”（D员），请改正。")]),
        # … nor does a letter across a full-width space (Chinese layout, not a Latin phrase).
        ("全面从严治D\u3000AI赋能", [(5, "“D”应为“党”（治D），请改正。")]),
        ("AI\u3000D员带头", [(3, "“D”应为“党”（D员），请改正。")]),
        # A letter D (方案D) does not stop the search for the D员 after it.
        ("方案D，全体D员", [(6, "“D”应为“党”（D员），请改正。")]),
        # Nothing before a D at the start, whatever ends the line.
        ("D员带头，选A", [(0, "“D”可能代指“党”（D员），但同段有其他字母，请核对。")]),
    ],
)
def test_the_nearest_characters_across_spaces_decide_a_d(
    text: str, found: list[tuple[int, str]]
) -> None:
    assert [(f.start, f.message) for f in find_issues(text, sanitised=True)] == found


def test_personal_information_is_reported_with_the_text_it_covers() -> None:
    found = find_issues("联系电话13812345678。")
    assert [(f.kind, f.start, f.end, f.text) for f in found] == [("personal", 4, 15, "13812345678")]
