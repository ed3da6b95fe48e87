"""Structure rules at their edges (issue 23): the article count a header declares (Chinese
numerals worked by hand), and where a speaker role splits off a title.

The compilation is written here, so where its articles are is known by construction.
"""

from __future__ import annotations

import pytest

from sucai.ingest.normalize import normalize
from sucai.ingest.parsers.text import text_blocks
from sucai.ingest.structure import _dates, split_role, structure
from sucai.models import Block, Compilation, ParsedText

ARTICLES = [
    ("在全县经济工作会议上的讲话", "县长", ["同志们：今天我们召开会议。", "要抓好落实。"]),
    ("在全市安全生产会议上的讲话", "市长", ["同志们：今天召开安全会议。", "要抓好安全。"]),
]


def _compilation(count: str) -> str:
    parts = [f"领导讲话汇编（{count}篇）"]
    for title, role, paragraphs in ARTICLES:
        parts.append("\n" + "\n\n".join([f"{title}（{role}）", *paragraphs]))
    return "\n\n".join(parts) + "\n"


@pytest.mark.parametrize(
    ("count", "declared"),
    [
        ("二", 2),
        ("两", None),
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十三", 23),
        ("12", 12),
        ("2", 2),
        # Not read rather than read wrong: hundreds, and numerals no one writes.
        ("一百二十", None),
        ("两十", None),
        ("二十两", None),
    ],
)
def test_the_declared_count_is_read_and_compared_with_the_articles_found(
    count: str, declared: int | None
) -> None:
    found = structure(normalize(ParsedText(tuple(text_blocks(_compilation(count))))), "x.txt")
    assert [(a.title, a.role, [p.text for p in a.paragraphs]) for a in found.articles] == [
        (t, r, p) for t, r, p in ARTICLES
    ]
    head = f"领导讲话汇编（{count}篇）"
    assert (found.title, found.header) == (head, (head,))
    assert found.declared_count == declared
    note = f"the header declares {declared} articles but 2 were found"
    assert found.notes == (() if declared in (2, None) else (note,))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Six characters of title are enough; five are not.
        ("全面深化改革（县长）", ("全面深化改革", "县长", "")),
        ("深化改革啊（县长）", ("深化改革啊（县长）", None, "")),
        # The role: up to 24 characters before the role word.
        ("全面深化改革（" + "甲" * 24 + "县长）", ("全面深化改革", "甲" * 24 + "县长", "")),
        (
            "全面深化改革（" + "甲" * 25 + "县长）",
            ("全面深化改革（" + "甲" * 25 + "县长）", None, ""),
        ),
        ("全面深化改革（县委书记）同志们：", ("全面深化改革", "县委书记", "同志们：")),
        ("全面深化改革（ 县长 ）  今天开会。", ("全面深化改革", "县长", "今天开会。")),
        ("全面深化改革（发展经济）", ("全面深化改革（发展经济）", None, "")),
        ("全面，深化改革（县长）", ("全面，深化改革（县长）", None, "")),
        ("一、全面深化改革（县长）", ("一、全面深化改革（县长）", None, "")),
    ],
)
def test_a_speaker_role_splits_off_a_title_of_six_characters_or_more(
    line: str, expected: tuple[str, str | None, str]
) -> None:
    assert split_role(line) == expected


# --- files written block by block, with every article worked out by hand (issue 23) ---


def _parsed(*blocks: str | tuple[str, str, int] | tuple[str, str]) -> ParsedText:
    """Blocks as a parser hands them over: a string is a text line ("" a blank line), a
    tuple ``(text, kind[, level])`` a title, heading or table."""
    return ParsedText(
        tuple(Block(*b) if isinstance(b, tuple) else Block(b) for b in blocks)  # type: ignore[arg-type]
    )


def _articles(found: Compilation) -> list[tuple[object, ...]]:
    return [
        (a.title, a.role, a.genre, a.issued_on, a.year, [p.text for p in a.paragraphs], a.position)
        for a in found.articles
    ]


def test_a_news_day_splits_at_its_items_of_level_three_and_below() -> None:
    found = structure(
        _parsed(
            ("《新闻联播》（20240315）", "title"),
            "",
            ("新闻摘要", "heading", 2),
            "本期节目主要内容：",
            "1.甲；",
            ("标题一", "heading", 3),
            "段落一。",
            "段落二。",
            ("标题二", "heading", 4),
            "段落三。",
        ),
        "20240315.md",
    )
    assert (found.title, found.header, found.declared_count, found.notes) == (
        "《新闻联播》（20240315）",
        ("《新闻联播》（20240315）", "新闻摘要", "本期节目主要内容：", "1.甲；"),
        None,
        (),
    )
    assert _articles(found) == [
        ("标题一", None, "新闻", "2024-03-15", 2024, ["段落一。", "段落二。"], 0),
        ("标题二", None, "新闻", "2024-03-15", 2024, ["段落三。"], 1),
    ]


def test_a_news_day_without_items_is_one_article_of_that_day() -> None:
    found = structure(
        _parsed(("《新闻联播》（20231231）", "title"), "段落一。", "段落二。"), "x.md"
    )
    assert (found.title, found.header, found.declared_count, found.notes) == (
        "《新闻联播》（20231231）",
        (),
        None,
        (),
    )
    assert _articles(found) == [
        ("《新闻联播》（20231231）", None, "新闻", "2023-12-31", 2023, ["段落一。", "段落二。"], 0)
    ]
    # The day is read from a title only: as a first line of plain text it is no date.
    (plain,) = structure(_parsed("《新闻联播》（20231231）", "段落一。"), "x.txt").articles
    assert plain.issued_on is None


_GOV = "某某市人民政府"


@pytest.mark.parametrize(
    ("blocks", "title", "paragraphs"),
    [
        # Lines whose join ends in a 文种 word the first line lacks: up to four lines.
        ([_GOV, "办公室", "关于做好", "安全生产工作的通知", "现通知如下。"],
         _GOV + "办公室关于做好安全生产工作的通知", ["现通知如下。"]),
        ([_GOV, "办公室", "关于做好", "安全生产", "工作的通知", "现通知如下。"],
         _GOV, ["办公室", "关于做好", "安全生产", "工作的通知", "现通知如下。"]),
        ([_GOV, "甲" * 37 + "的通知", "正文。"], _GOV + "甲" * 37 + "的通知", ["正文。"]),
        ([_GOV, "甲" * 38 + "的通知", "正文。"], _GOV, ["甲" * 38 + "的通知", "正文。"]),
        ([_GOV, "关于做好安全生产工作。", "的通知"], _GOV, ["关于做好安全生产工作。", "的通知"]),
        ([_GOV, "关于做好，安全生产工作的通知", "正文。"],
         _GOV, ["关于做好，安全生产工作的通知", "正文。"]),
        ([_GOV, "——关于安全生产工作的通知", "正文。"],
         _GOV, ["——关于安全生产工作的通知", "正文。"]),
        ([_GOV, "-关于安全生产工作的通知", "正文。"], _GOV, ["-关于安全生产工作的通知", "正文。"]),
        ([_GOV, "－关于安全生产工作的通知", "正文。"],
         _GOV, ["－关于安全生产工作的通知", "正文。"]),
        ([_GOV, "(关于安全生产工作的通知)", "正文。"],
         _GOV, ["(关于安全生产工作的通知)", "正文。"]),
        ([_GOV, "一、关于安全生产工作的通知", "正文。"],
         _GOV, ["一、关于安全生产工作的通知", "正文。"]),
        ([_GOV, "（关于安全生产工作的通知）", "正文。"],
         _GOV, ["（关于安全生产工作的通知）", "正文。"]),
        ([_GOV, "附件", "安全生产工作的通知"], _GOV, ["附件", "安全生产工作的通知"]),
        ([_GOV, "（某某）关于安全生产工作的通知", "正文。"],
         _GOV, ["（某某）关于安全生产工作的通知", "正文。"]),
        ([_GOV, "(某某)关于安全生产工作的通知", "正文。"],
         _GOV, ["(某某)关于安全生产工作的通知", "正文。"]),
        ([_GOV, ("关于安全生产工作的通知", "title"), "正文。"],
         _GOV + "关于安全生产工作的通知", ["正文。"]),
        # Spaces inside a title are kept unless it is one spaced-out word.
        (["关于做好 2024 年工作的通知", "正文。"], "关于做好 2024 年工作的通知", ["正文。"]),
        ([_GOV, "安全生产工作的讲话（县长）", "正文。"],
         _GOV, ["安全生产工作的讲话（县长）", "正文。"]),
        ([_GOV, ("安全生产工作的通知", "heading", 2), "正文。"],
         _GOV, ["安全生产工作的通知", "正文。"]),
        # A line opening with a conjunction continues the title, up to 40 characters.
        (["关于印发测评标准", "及" + "甲" * 36 + "的通知", "现印发。"],
         "关于印发测评标准及" + "甲" * 36 + "的通知", ["现印发。"]),
        (["关于印发测评标准", "及" + "甲" * 37 + "的通知", "现印发。"],
         "关于印发测评标准", ["及" + "甲" * 37 + "的通知", "现印发。"]),
        (["关于印发测评标准", ("及实施规范的通知", "title"), "正文。"],
         "关于印发测评标准及实施规范的通知", ["正文。"]),
        (["关于印发测评标准", ("及实施规范的通知", "heading", 1), "正文。"],
         "关于印发测评标准", ["及实施规范的通知", "正文。"]),
        (["关于印发测评标准", "及实施规范：", "现印发给你们。"],
         "关于印发测评标准", ["及实施规范：", "现印发给你们。"]),
        (["关于印发测评标准", "及实施规范:", "现印发给你们。"],
         "关于印发测评标准", ["及实施规范:", "现印发给你们。"]),
        (["关于印发测评标准", "及实施规范的通知"], "关于印发测评标准及实施规范的通知", []),
        (["关于印发测评标准"], "关于印发测评标准", []),
        # A first line that ends in a 文种 word already is the whole title …
        ([("关于印发方案", "title"), ("的通知", "title"), "正文。"],
         "关于印发方案", ["的通知", "正文。"]),
        (["关于印发方案的通知", "各单位：", "正文。"],
         "关于印发方案的通知", ["各单位：", "正文。"]),
        # … but for a bracketed suffix.
        (["关于印发方案的通知", "（第一批）", "正文。"],
         "关于印发方案的通知（第一批）", ["正文。"]),
        (["洪泽区人民政府", "2023年政府信息公开工作年度报告", "（2024年修订）",
          "本报告依据条例编制。"],
         "洪泽区人民政府2023年政府信息公开工作年度报告（2024年修订）", ["本报告依据条例编制。"]),
        # A 文种 spaced out in a 版头 is closed up; a video tag is no part of a title.
        (["通    知", "各单位：", "现印发给你们。"], "通知", ["各单位：", "现印发给你们。"]),
        (["【视频】习近平主持召开会议", "新华社北京3月1日电 会议指出。"],
         "习近平主持召开会议", ["新华社北京3月1日电 会议指出。"]),
    ],
)  # fmt: skip
def test_titles_broken_over_lines_worked_out_by_hand(
    blocks: list[str | tuple[str, str, int] | tuple[str, str]], title: str, paragraphs: list[str]
) -> None:
    (article,) = structure(_parsed(*blocks), "文件名.txt").articles
    assert (article.title, [p.text for p in article.paragraphs]) == (title, paragraphs)


def test_a_metadata_table_gives_the_fields_and_its_title_is_not_repeated_in_the_text() -> None:
    meta = (
        "标　　题：关于做好2024年安全生产工作的通知",
        "文　　号：安委办〔2024〕1号",
        "发布单位：某某市安全生产委员会办公室",
        "成文日期：2024年01月05日",
    )
    found = structure(
        _parsed(
            *meta,
            "",
            "关于做好2024年安全生产工作的 通知",
            "各区县安委会：",
            "现将有关事项通知如下。",
        ),
        "x.txt",
    )
    assert (found.title, found.header) == ("关于做好2024年安全生产工作的通知", meta)
    (article,) = found.articles
    assert (
        article.title,
        [p.text for p in article.paragraphs],
        article.doc_number,
        article.issuer,
        article.addressee,
        article.issued_on,
        article.genre,
    ) == (
        "关于做好2024年安全生产工作的通知",
        ["各区县安委会：", "现将有关事项通知如下。"],
        "安委办〔2024〕1号",
        "某某市安全生产委员会办公室",
        "各区县安委会",
        "2024-01-05",
        "通知",
    )


def test_a_news_day_copied_as_text_splits_at_headlines_above_or_glued_to_a_dateline() -> None:
    found = structure(
        _parsed(
            "全屏播放",
            "标题一二三四",
            "央视网消息（新闻联播）：正文一。",
            "正文二。",
            "标题五六七八央视网消息（新闻联播）：正文三。",
            "标题九十",
            "新华社北京3月1日电 正文四。",
        ),
        "新闻.txt",
    )
    assert (found.title, found.header) == ("全屏播放", ("全屏播放",))
    assert [(a.title, a.role, [p.text for p in a.paragraphs]) for a in found.articles] == [
        ("标题一二三四", None, ["央视网消息（新闻联播）：正文一。", "正文二。"]),
        ("标题五六七八", None, ["央视网消息（新闻联播）：正文三。"]),
        ("标题九十", None, ["新华社北京3月1日电 正文四。"]),
    ]
    assert {a.genre for a in found.articles} == {"新闻"}


def _day(*headlines: str | tuple[str, str, int]) -> list[str]:
    """The titles of the articles of a day's news copied as text, each headline followed by
    a dateline paragraph."""
    blocks: list[str | tuple[str, str, int]] = ["全屏播放"]
    for n, headline in enumerate(headlines):
        blocks += [headline, f"本台消息：正文{n}。"]
    return [a.title for a in structure(_parsed(*blocks), "新闻.txt").articles]


def test_news_headlines_at_their_edges() -> None:
    # Four characters to 120; no 。, and not ending in a pause (，、；：).
    assert _day("甲乙丙丁", "标题五六七八") == ["甲乙丙丁", "标题五六七八"]
    assert _day("甲乙丙", "标题五六七八") == ["全屏播放"]
    assert _day("甲" * 120, "标题五六七八") == ["甲" * 120, "标题五六七八"]
    assert _day("甲" * 121, "标题五六七八") == ["全屏播放"]
    assert _day("甲，乙丙丁，戊", "标题五六七八") == ["甲，乙丙丁，戊", "标题五六七八"]
    assert _day("马斯克的SpaceX", "标题五六七八") == ["马斯克的SpaceX", "标题五六七八"]
    for pause in "，、；：":
        assert _day("标题一二三" + pause, "标题五六七八") == ["全屏播放"], pause
    assert _day("标题一二。三", "标题五六七八") == ["全屏播放"]
    # Outline markers and headings are no headlines; the lines after them are still read.
    assert _day("一、标题一二三", "标题四五六", "标题七八九") == ["标题四五六", "标题七八九"]
    assert _day(("标题一二三", "table", 0), "标题四五六", "标题七八九") == [
        "标题四五六",
        "标题七八九",
    ]
    assert _day(("标题一二三", "heading", 2), "标题四五六", "标题七八九") == [
        "标题四五六",
        "标题七八九",
    ]


def test_a_metadata_block_is_read_from_its_first_twelve_lines() -> None:
    found = structure(
        _parsed("标题：关于做好安全生产工作的通知", *["分　类：综合"] * 12, "正文。"), "x.txt"
    )
    assert found.header == ("标题：关于做好安全生产工作的通知", *["分　类：综合"] * 11)
    (article,) = found.articles
    assert [p.text for p in article.paragraphs] == ["分　类：综合", "正文。"]


def test_metadata_fields_run_together_keep_the_first_value_of_each() -> None:
    found = structure(
        _parsed(
            "标题：关于做好安全生产工作的通知 文号：安委办〔2024〕1号",
            "发布单位：某某市\t安委办",
            "发文机关：乙机关",
            "文　号：",
            "发布日期：2024年2月3日",
            "正文。",
        ),
        "x.txt",
    )
    (article,) = found.articles
    assert (article.title, article.doc_number, article.issuer, article.issued_on) == (
        "关于做好安全生产工作的通知",
        "安委办〔2024〕1号",
        "某某市 安委办",
        "2024-02-03",
    )
    assert [p.text for p in article.paragraphs] == ["正文。"]
    # A date that is no date is dropped; a block that names no title is no metadata.
    (undated,) = structure(
        _parsed("标题：关于做好安全生产工作的通知", "成文日期：不详", "正文。"), "x.txt"
    ).articles
    assert (undated.title, undated.issued_on) == ("关于做好安全生产工作的通知", None)
    untitled = structure(_parsed("分类：综合", "文号：安委办〔2024〕1号", "正文。"), "x.txt")
    assert untitled.header == ()


def test_a_gongwen_header_above_the_title_within_four_lines() -> None:
    found = structure(
        _parsed(
            "某某市人民政府文件",
            "某政发〔2024〕1号",
            "关于做好安全生产工作的通知",
            "各区县人民政府：",
            "现通知如下。",
            "某某市人民政府",
            "2024年1月5日",
        ),
        "x.txt",
    )
    assert found.header == ("某某市人民政府文件", "某政发〔2024〕1号")
    (article,) = found.articles
    assert (article.title, article.doc_number, article.issuer, article.issued_on) == (
        "关于做好安全生产工作的通知",
        "某政发〔2024〕1号",
        "某某市人民政府",
        "2024-01-05",
    )
    late = structure(
        _parsed(
            "某某市人民政府文件",
            "甲",
            "乙",
            "丙",
            "某政发〔2024〕1号",
            "关于做好安全生产工作的通知",
        ),
        "x.txt",
    )
    assert (late.header, late.articles[0].doc_number) == ((), None)


def test_a_single_speech_keeps_its_role_and_first_paragraph() -> None:
    (article,) = structure(
        _parsed("在全县经济工作会议上的讲话（县长）", "同志们：今天开会。"), "x.txt"
    ).articles
    assert (article.title, article.role, [p.text for p in article.paragraphs]) == (
        "在全县经济工作会议上的讲话",
        "县长",
        ["同志们：今天开会。"],
    )


def test_without_a_title_line_the_title_is_the_page_title_else_the_file_name() -> None:
    lines = ("本文件自发布之日起施行。", "正文。")
    (named,) = structure(_parsed(*lines), "文件名.txt").articles
    (hinted,) = structure(
        ParsedText(tuple(Block(t) for t in lines), title_hint="网页标题"), "文件名.txt"
    ).articles
    assert (named.title, [p.text for p in named.paragraphs]) == ("文件名", list(lines))
    assert (hinted.title, [p.text for p in hinted.paragraphs]) == ("网页标题", list(lines))


_NOTICE = "关于做好安全生产工作的通知"
_SIGNED = ["某某市人民政府", "2024年1月5日"]
_OPENING = ["各单位：", "现印发给你们。"]
_ITEMS = [f"{n}．方案{n}" for n in range(1, 14)]


@pytest.mark.parametrize(
    ("body", "attachments"),
    [
        # Listed in the 落款 block: numbered items, or one title …
        ([*_OPENING, "附件：1．某某方案", "2．某某名单", *_SIGNED], ("某某方案", "某某名单")),
        ([*_OPENING, "附件：某某市安全生产实施方案", *_SIGNED], ("某某市安全生产实施方案",)),
        # … wrapped onto a short next line (20 characters at most) that is not the signature
        # above the date, not a sentence, not another 附件 and not in a table.
        ([*_OPENING, "附件：某某市安全生产专项整治三年行动", "实施方案", *_SIGNED],
         ("某某市安全生产专项整治三年行动实施方案",)),
        ([*_OPENING, "附件：某某市安全生产专项整治三年行动", "甲" * 20, *_SIGNED],
         ("某某市安全生产专项整治三年行动" + "甲" * 20,)),
        ([*_OPENING, "附件：某某市安全生产专项整治三年行动", "甲" * 21, *_SIGNED],
         ("某某市安全生产专项整治三年行动",)),
        ([*_OPENING, "附件：某某市安全生产专项整治三年行动", ("实施方案", "table"), *_SIGNED],
         ("某某市安全生产专项整治三年行动",)),
        ([*_OPENING, "附件：某某市安全生产专项整治三年行动", "实施方案"],
         ("某某市安全生产专项整治三年行动实施方案",)),
        ([*_OPENING, "附件：某某市安全生产专项整治三年行动"], ("某某市安全生产专项整治三年行动",)),
        ([*_OPENING, "附件：某某市安全生产专项整治三年行动", "附件2：名单"],
         ("某某市安全生产专项整治三年行动",)),
        ([*_OPENING, "附件：某某市安全生产专项整治三年行动", "实施方案。"],
         ("某某市安全生产专项整治三年行动",)),
        # Items are read from the eleven lines after the label's.
        ([*_OPENING, "附件：1．方案1", *_ITEMS[1:13]], tuple(f"方案{n}" for n in range(1, 13))),
        ([*_OPENING, *_SIGNED, "附件", *_ITEMS[:12]], tuple(f"方案{n}" for n in range(1, 12))),
        # A lone 附件 label heading the attachments: its numbered items, or the title below.
        ([*_OPENING, *_SIGNED, "附件", "1．甲方案", "2．乙名单"], ("甲方案", "乙名单")),
        ([*_OPENING, *_SIGNED, "附件", "某某市安全生产实施方案", "一、总体要求"],
         ("某某市安全生产实施方案",)),
        ([*_OPENING, *_SIGNED, "附件"], ()),
        ([*_OPENING, *_SIGNED, "附件", ("某某市安全生产实施方案", "table")], ()),
        # Not in the first two lines, and not in a table.
        (["附件：某某方案", "现印发给你们。"], ()),
        (["各单位：", "附件：某某方案", "现印发给你们。"], ()),
        ([*_OPENING, ("附件：某某方案", "table")], ()),
        ([*_OPENING, ("附件：某某方案", "table"), "附件：另一方案"], ("另一方案",)),
    ],
)  # fmt: skip
def test_attachments_worked_out_by_hand(
    body: list[str | tuple[str, str]], attachments: tuple[str, ...]
) -> None:
    (article,) = structure(_parsed(_NOTICE, *body), "x.txt").articles
    assert article.attachments == attachments
    assert [p.text for p in article.paragraphs] == [b if isinstance(b, str) else b[0] for b in body]


@pytest.mark.parametrize(("before", "found"), [(39, "各区县安委会"), (40, None)])
def test_the_addressee_is_looked_for_in_the_first_forty_lines(
    before: int, found: str | None
) -> None:
    body = [f"第{n}段。" for n in range(before)]
    (article,) = structure(_parsed(_NOTICE, *body, "各区县安委会：", "正文。"), "x.txt").articles
    assert article.addressee == found


@pytest.mark.parametrize(
    ("body", "issuer"),
    [
        (_SIGNED, "某某市人民政府"),
        ([*_OPENING, *_SIGNED], "某某市人民政府"),
        (["某某市人民政府", ("2024年1月5日", "table")], None),
        (["现通知如下。", "2024年1月5日"], None),
        (["附件", "2024年1月5日"], None),
        (["一、总体要求", "2024年1月5日"], None),
        # Only the first date alone on its line is the 落款's.
        (["现通知如下。", "2024年1月5日", "某某市人民政府", "2024年1月6日"], None),
    ],
)
def test_the_issuer_signs_above_the_first_date_alone_on_its_line(
    body: list[str | tuple[str, str]], issuer: str | None
) -> None:
    (article,) = structure(_parsed(_NOTICE, *body), "x.txt").articles
    assert article.issuer == issuer


def test_a_document_number_below_the_title_is_read_from_the_first_three_lines() -> None:
    def number(*body: str) -> str | None:
        return structure(_parsed(_NOTICE, *body), "x.txt").articles[0].doc_number

    assert number("某政发〔2024〕1号", "各单位：", "现印发。") == "某政发〔2024〕1号"
    assert number("现印发。", "甲", "某政发〔2024〕1号") == "某政发〔2024〕1号"
    assert number("现印发。", "甲", "乙", "某政发〔2024〕1号") is None
    (signed,) = structure(
        _parsed(_NOTICE, "某政发〔2024〕1号 签发人：张三", "现印发。"), "x.txt"
    ).articles
    assert (signed.doc_number, signed.signer) == ("某政发〔2024〕1号", "张三")


def test_a_gongwen_header_names_the_signer_and_its_issuer_outranks_the_signature() -> None:
    found = structure(
        _parsed(
            "某某市人民政府文件",
            "某政发〔2024〕1号",
            "签发人：张　三",
            _NOTICE,
            "现印发。",
            "某某市人民政府办公室",
            "2024年1月5日",
        ),
        "x.txt",
    )
    assert found.header == ("某某市人民政府文件", "某政发〔2024〕1号", "签发人：张　三")
    (article,) = found.articles
    assert (article.title, article.doc_number, article.issuer, article.signer) == (
        _NOTICE,
        "某政发〔2024〕1号",
        "某某市人民政府",
        "张　三",
    )
    assert [p.text for p in article.paragraphs] == [
        "现印发。",
        "某某市人民政府办公室",
        "2024年1月5日",
    ]
    (beside,) = structure(
        _parsed("某某市人民政府文件", "某政发〔2024〕1号 签发人：张三", _NOTICE, "现印发。"),
        "x.txt",
    ).articles
    assert (beside.title, beside.signer) == (_NOTICE, "张三")
    # A header is taken only above a title: not above a sentence, nor at the end of the file.
    for tail in (["签发人：张三"], ["签发人：张三", "现印发。"], []):
        found = structure(_parsed("某某市人民政府文件", "某政发〔2024〕1号", *tail), "x.txt")
        assert found.header == ()
        assert found.articles[0].title == "某某市人民政府文件"


def _split_titles(
    *blocks: str | tuple[str, str],
) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
    found = structure(_parsed(*blocks), "x.txt")
    return found.header, [
        (a.title, [p.text for p in a.paragraphs], a.position) for a in found.articles
    ]


def test_a_compilation_splits_at_short_titles_after_two_blank_lines() -> None:
    head = "安全生产材料汇编"
    first, second, third = "第一篇标题在这里", "第二篇标题在这里", "第三篇标题在这里"
    assert _split_titles(head, "", "", first, "正文一。", "", "", second, "正文二。") == (
        (head,),
        [(first, ["正文一。"], 0), (second, ["正文二。"], 1)],
    )
    # One blank line is a paragraph break, not an article's.
    assert _split_titles(head, "", first, "正文一。", "", "", second, "正文二。") == (
        (),
        [(head, [first, "正文一。", second, "正文二。"], 0)],
    )
    # Outline markers, tables and lines over 40 characters are no titles.
    rest = ("", "", second, "正文二。", "", "", third, "正文三。")
    expected = [(second, ["正文二。"], 0), (third, ["正文三。"], 1)]
    assert _split_titles(head, "", "", "一、第一篇标题", "正文一。", *rest) == (
        (head, "一、第一篇标题", "正文一。"),
        expected,
    )
    assert _split_titles(head, "", "", (first, "table"), "正文一。", *rest) == (
        (head, first, "正文一。"),
        expected,
    )
    assert _split_titles(
        head,
        "",
        "",
        "甲" * 40,
        "正文一。",
        "",
        "",
        "甲" * 41,
        "正文二。",
        "",
        "",
        third,
        "正文三。",
    ) == (
        (head,),
        [("甲" * 40, ["正文一。", "甲" * 41, "正文二。"], 0), (third, ["正文三。"], 1)],
    )
    # A stated title (Markdown #) is one document unless it calls itself a compilation.
    assert _split_titles(
        (head, "title"), "", "", first, "正文一。", "", "", second, "正文二。"
    ) == (
        (head,),
        [(first, ["正文一。"], 0), (second, ["正文二。"], 1)],
    )
    assert _split_titles(
        ("安全生产材料", "title"), "", "", first, "正文一。", "", "", second, "正文二。"
    ) == (
        (),
        [("安全生产材料", [first, "正文一。", second, "正文二。"], 0)],
    )


def test_a_copy_number_and_a_classified_marking_head_the_header() -> None:
    notice = "关于做好安全生产工作的通知"
    found = structure(
        _parsed(
            "000051", "秘密★1年", "某某市人民政府文件", "某政发〔2024〕1号", notice, "现印发。"
        ),
        "x.txt",
    )
    assert found.header == ("000051", "秘密★1年", "某某市人民政府文件", "某政发〔2024〕1号")
    assert (found.articles[0].title, found.articles[0].doc_number) == (notice, "某政发〔2024〕1号")
    found = structure(_parsed("秘密★1年", notice), "x.txt")
    assert (found.header, found.articles[0].title) == (("秘密★1年",), notice)
    # A marking that is the whole file is its title; nine digits are no copy number.
    assert structure(_parsed("秘密★1年"), "x.txt").header == ()
    assert structure(_parsed("123456789", "秘密★1年", notice), "x.txt").header == ()


def test_an_attachment_label_above_the_title_goes_to_the_header() -> None:
    found = structure(_parsed("附件3", "某某市安全生产实施方案", "一、总体要求"), "x.txt")
    assert (found.header, found.title) == (("附件3",), "某某市安全生产实施方案")
    assert [p.text for p in found.articles[0].paragraphs] == ["一、总体要求"]
    # Not from a table, and not when it is all the file holds.
    for blocks in ([("附件3", "table"), "某某市安全生产实施方案"], ["附件3"]):
        found = structure(_parsed(*blocks), "x.txt")
        assert (found.header, found.title) == ((), "x")


_META_TITLE = "标题：关于做好安全生产工作的通知"


@pytest.mark.parametrize(
    ("blocks", "issued_on"),
    [
        # The page's date when the text states none …
        (["关于做好安全生产工作的通知", "现印发。"], "2024-03-01"),
        # … after a 发布日期 field, after a 成文日期 field, after the 落款's date.
        ([_META_TITLE, "发布日期：2024-02-03", "现印发。"], "2024-02-03"),
        ([_META_TITLE, "发布日期：2024-02-03", "成文日期：2024-01-05", "现印发。"], "2024-01-05"),
        ([_META_TITLE, "发布日期：2024-02-03", "现印发。", *_SIGNED], "2024-01-05"),
        (["关于做好安全生产工作的通知", "现印发。", *_SIGNED], "2024-01-05"),
    ],
)  # fmt: skip
def test_the_date_of_a_document_in_order_of_evidence(blocks: list[str], issued_on: str) -> None:
    parsed = ParsedText(tuple(Block(b) for b in blocks), date_hint="2024-03-01")
    (article,) = structure(parsed, "x.txt").articles
    assert (article.issued_on, article.year) == (issued_on, int(issued_on[:4]))


def test_a_metadata_table_outranks_the_gongwen_header_and_its_title_is_dropped_nearby() -> None:
    found = structure(
        _parsed(
            "标题：关于做好安全生产工作的通知",
            "文号：甲〔2024〕1号",
            "发布单位：甲单位",
            "某某市人民政府文件",
            "乙〔2024〕2号",
            "关于做好安全生产工作的通知",
            "现印发。",
        ),
        "x.txt",
    )
    (article,) = found.articles
    assert (article.doc_number, article.issuer) == ("甲〔2024〕1号", "甲单位")
    assert [p.text for p in article.paragraphs] == ["现印发。"]

    def body(*lines: str) -> list[str]:
        (article,) = structure(
            _parsed("标题：关于做好安全生产工作的通知", *lines), "x.txt"
        ).articles
        return [p.text for p in article.paragraphs]

    title = "关于做好安全生产工作的通知"
    assert body("第一段。", "第二段。", title, "第三段。") == ["第一段。", "第二段。", "第三段。"]
    assert body("第一段。", "第二段。", "第三段。", title) == [
        "第一段。",
        "第二段。",
        "第三段。",
        title,
    ]
    assert body() == ["标题：关于做好安全生产工作的通知"]


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("dir/附件1：某某职位表.docx", "某某职位表"),
        ("a.zip!附件： 某某职位表.docx", "某某职位表"),
        ("dir\\附件三  某某职位表.docx", "某某职位表"),
        ("dir\\附件.docx", "附件"),
        # The member's name of an archive, and a name holding spaces.
        ("a.zip!某某职位表.docx", "某某职位表"),
        ("dir/某某 职位表.docx", "某某 职位表"),
        ("某某职位表.docx", "某某职位表"),
    ],
)
def test_an_empty_file_is_named_after_its_file_without_an_attachment_label(
    path: str, title: str
) -> None:
    assert structure(_parsed(), path) == Compilation(title, (), None, ())


def test_the_document_number_of_the_gongwen_header_is_not_replaced_by_one_in_the_text() -> None:
    found = structure(
        _parsed(
            "某某市人民政府文件",
            "某政发〔2024〕1号",
            "关于转发某部通知的通知",
            "某部发〔2023〕5号",
            "现转发给你们。",
        ),
        "x.txt",
    )
    assert found.articles[0].doc_number == "某政发〔2024〕1号"


_TWO_SPEECHES = (
    "在全县经济工作会议上的讲话（县长）",
    "同志们：今天我们召开会议。",
    "在全市安全生产会议上的讲话（市长）",
    "同志们：今天召开安全会议。",
)


@pytest.mark.parametrize(
    "line",
    [
        ("全县工作会议材料（县长）", "heading", 2),
        ("全县工作会议材料（县长）", "table", 0),
        # A run-in title must run into a sentence or an opening.
        "在全县工作会议上的讲话（县长）摘要",
    ],
)
def test_a_titled_role_opens_no_article_in_a_heading_a_table_or_before_a_fragment(
    line: str | tuple[str, str, int],
) -> None:
    found = structure(_parsed("领导讲话汇编（2篇）", line, *_TWO_SPEECHES), "x.txt")
    text = line if isinstance(line, str) else line[0]
    assert found.header == ("领导讲话汇编（2篇）", text)
    assert [(a.title, a.role, [p.text for p in a.paragraphs]) for a in found.articles] == [
        ("在全县经济工作会议上的讲话", "县长", ["同志们：今天我们召开会议。"]),
        ("在全市安全生产会议上的讲话", "市长", ["同志们：今天召开安全会议。"]),
    ]


@pytest.mark.parametrize(
    ("first", "title"),
    [
        # Four characters to 80, with no comma in the first four.
        ("甲乙丙丁", True),
        ("甲乙丙", False),
        ("甲" * 80, True),
        ("甲" * 81, False),
        ("甲乙丙丁，戊己", True),
        ("甲乙丙，丁戊己", False),
    ],
)
def test_a_first_line_is_a_title_when_it_looks_like_one(first: str, title: bool) -> None:
    (article,) = structure(_parsed(first, "正文。"), "文件名.txt").articles
    assert (article.title, [p.text for p in article.paragraphs]) == (
        (first, ["正文。"]) if title else ("文件名", [first, "正文。"])
    )


_NOTE = "（2024年1月5日某某市第十六届人民代表大会第三次会议通过）"
_TABLE_AT_2 = ["text", "text", "table", "text"]
_JAN5, _FEB3 = ("2024-01-05", 2024), ("2024-02-03", 2024)


@pytest.mark.parametrize(
    ("title", "paragraphs", "kinds", "found"),
    [
        # A 成文日期 field in the first six paragraphs outranks the 落款; the seventh is not read.
        ("通知", ["现印发。", "成文日期：2024年1月5日", "某某", "2024年2月3日"], None, _JAN5),
        ("通知", [*"一二三四五六", "成文日期：2024年1月5日"], None, (None, None)),
        # The 落款: the first date alone from the third paragraph on, not in a table …
        ("通知", ["甲。", "乙。", "2024年1月5日", "丙。", "2024年2月3日"], None, _JAN5),
        ("通知", ["甲。", "乙。", "2024年1月5日", "2024年2月3日"], _TABLE_AT_2, _FEB3),
        # … else a 题注 in the first three paragraphs, else the title's date …
        ("通知", [_NOTE, "甲。"], None, _JAN5),
        ("通知", ["甲。", "乙。", "丙。", _NOTE], None, (None, None)),
        ("2024年1月5日", ["甲。"], None, _JAN5),
        # … else a page's date field in the first six paragraphs; else the title's year alone.
        ("通知", ["发布日期：2024年2月3日", "正文。"], None, _FEB3),
        ("通知", [*"一二三四五六", "发布日期：2024年2月3日"], None, (None, None)),
        ("2024年工作要点", ["甲。"], None, (None, 2024)),
    ],
)  # fmt: skip
def test_the_date_and_year_of_a_text_worked_out_by_hand(
    title: str, paragraphs: list[str], kinds: list[str] | None, found: tuple[str | None, int | None]
) -> None:
    kinds_of = [(k, 0) for k in kinds or ["text"] * len(paragraphs)]
    assert _dates(title, paragraphs, kinds_of) == found


def test_a_file_that_states_its_own_title_is_one_document_unless_a_compilation() -> None:
    (single,) = structure(_parsed(("某某县会议材料", "title"), *_TWO_SPEECHES), "x.md").articles
    assert (single.title, [p.text for p in single.paragraphs]) == (
        "某某县会议材料",
        list(_TWO_SPEECHES),
    )
    found = structure(_parsed(("领导讲话汇编", "title"), *_TWO_SPEECHES), "x.md")
    assert [a.title for a in found.articles] == [
        "在全县经济工作会议上的讲话",
        "在全市安全生产会议上的讲话",
    ]


def test_a_compilation_splits_at_titles_run_into_any_sentence() -> None:
    run_in = (
        "在全县经济工作会议上的讲话（县长）今天我们召开会议。",
        "在全市安全生产会议上的讲话（市长）今天召开安全会议。",
    )
    found = structure(_parsed("领导讲话汇编", *run_in), "x.txt")
    assert [(a.title, a.role, [p.text for p in a.paragraphs]) for a in found.articles] == [
        ("在全县经济工作会议上的讲话", "县长", ["今天我们召开会议。"]),
        ("在全市安全生产会议上的讲话", "市长", ["今天召开安全会议。"]),
    ]


def _titled(found: Compilation) -> list[tuple[str, str | None, list[str]]]:
    return [(a.title, a.role, [p.text for p in a.paragraphs]) for a in found.articles]


_SPEECH_ONE = ("在全县经济工作会议上的讲话", "县长", ["同志们：今天我们召开会议。"])
_SPEECH_TWO = ("在全市安全生产会议上的讲话", "市长", ["同志们：今天召开安全会议。"])


def test_two_titled_roles_split_any_file_and_one_splits_a_compilation_below_its_header() -> None:
    found = structure(_parsed("某某会议材料", *_TWO_SPEECHES), "x.txt")
    assert (found.header, _titled(found)) == (("某某会议材料",), [_SPEECH_ONE, _SPEECH_TWO])
    found = structure(_parsed("领导讲话汇编", *_TWO_SPEECHES[:2]), "x.txt")
    assert (found.header, _titled(found)) == (("领导讲话汇编",), [_SPEECH_ONE])


def test_a_file_stating_its_own_title_is_not_split_at_news_headlines() -> None:
    news = ("标题一二三四", "央视网消息：正文一。", "标题五六七八", "央视网消息：正文二。")
    found = structure(_parsed(("某某新闻", "title"), *news), "x.txt")
    assert (found.header, _titled(found)) == ((), [("某某新闻", None, list(news))])


def test_news_split_at_headlines_keep_the_count_the_header_declares() -> None:
    news = ("标题一二三四", "央视网消息：正文一。", "标题五六七八", "央视网消息：正文二。")
    found = structure(_parsed("全屏播放（3篇）", *news), "x.txt")
    assert (found.declared_count, found.notes) == (
        3,
        ("the header declares 3 articles but 2 were found",),
    )


def test_a_compilation_splits_at_titles_after_two_blank_lines_never_at_its_own() -> None:
    blocks = (
        "",
        "",
        "领导讲话汇编",
        "",
        "",
        "在全县经济工作会议上的讲话",
        "同志们：今天我们召开会议。",
    )
    found = structure(
        _parsed(*blocks, "", "", "在全市安全生产会议上的讲话", "同志们：今天召开安全会议。"),
        "x.txt",
    )
    assert (found.header, _titled(found)) == (
        ("领导讲话汇编",),
        [(t, None, p) for t, _, p in (_SPEECH_ONE, _SPEECH_TWO)],
    )


@pytest.mark.parametrize(("number", "marked"), [("00000001", True), ("000000001", False)])
def test_a_copy_number_has_up_to_eight_digits(number: str, marked: bool) -> None:
    found = structure(_parsed(number, "秘密★1年", _NOTICE, "正文。"), "x.txt")
    assert (found.header[:2] == (number, "秘密★1年")) is marked
    assert (found.articles[0].title == _NOTICE) is marked


def test_the_genre_of_a_split_article_comes_from_its_role_or_the_compilation_s_title() -> None:
    found = structure(
        _parsed(
            "全县经济工作的几点思考（县长）",
            "今天谈几点看法。",
            "全市安全工作的几点思考（市长）",
            "再谈。",
        ),
        "x.txt",
    )
    assert [(a.role, a.genre) for a in found.articles] == [("县长", "讲话"), ("市长", "讲话")]
    blocks = ("", "", "第一篇学习收获", "今天学习了。", "", "", "第二篇学习收获", "明天再学习。")
    found = structure(_parsed("学习心得汇编", *blocks), "x.txt")
    assert [(a.title, a.genre) for a in found.articles] == [
        ("第一篇学习收获", "心得体会"),
        ("第二篇学习收获", "心得体会"),
    ]


@pytest.mark.parametrize(
    ("head", "declared", "notes"),
    [
        ("领导讲话汇编（3篇）", 3, ("the header declares 3 articles but 1 were found",)),
        ("领导讲话汇编（1篇）", 1, ()),
    ],
)
def test_a_compilation_found_to_hold_one_article_keeps_its_declared_count(
    head: str, declared: int, notes: tuple[str, ...]
) -> None:
    found = structure(_parsed(head, "正文。"), "x.txt")
    assert (found.declared_count, found.notes, len(found.articles)) == (declared, notes, 1)


def test_a_label_above_the_title_goes_to_the_header_in_a_file_of_two_lines() -> None:
    found = structure(_parsed("附件3", "某某市安全生产实施方案"), "x.txt")
    assert (found.header, found.title) == (("附件3",), "某某市安全生产实施方案")


def test_a_table_stays_a_table_paragraph_and_text_a_text_paragraph() -> None:
    blocks = ("现将有关事项通知如下。", ("项目 | 负责人", "table"), "特此通知。")
    (article,) = structure(_parsed(_NOTICE, *blocks), "x.txt").articles
    assert [(p.text, p.kind) for p in article.paragraphs] == [
        ("现将有关事项通知如下。", "text"),
        ("项目 | 负责人", "table"),
        ("特此通知。", "text"),
    ]


def test_the_sentence_a_stated_title_runs_into_is_a_free_first_paragraph() -> None:
    title = ("在全县经济工作会议上的讲话（县长）同志们：今天我们召开会议。", "title")
    (article,) = structure(_parsed(title, "正文。"), "x.txt").articles
    assert (article.title, article.role) == ("在全县经济工作会议上的讲话", "县长")
    assert [(p.text, p.paid) for p in article.paragraphs] == [
        ("同志们：今天我们召开会议。", False),
        ("正文。", False),
    ]


def test_a_compilation_whose_only_titled_role_is_its_own_title_is_one_speech() -> None:
    found = structure(_parsed("领导讲话汇编（县长）", "同志们：今天我们召开会议。"), "x.txt")
    assert (found.title, found.header) == ("领导讲话汇编", ())
    assert _titled(found) == [("领导讲话汇编", "县长", ["同志们：今天我们召开会议。"])]


def test_a_compilations_title_in_a_heading_gives_the_genre_of_its_one_document() -> None:
    """A file opening with a heading, not a title: its title is the page's, else the file's
    name. A compilation's title in that heading is the context of the one document's genre
    (心得体会 from 学习心得体会汇编); a heading that names no compilation is only its first
    paragraph, and 心得 in it names no genre."""
    body = ("今年以来，我认真学习了党的创新理论。", "收获很大。")
    for head, hint, genre in (
        ("党员学习心得体会汇编", None, "心得体会"),
        ("党员学习心得体会汇编", "第3期", "心得体会"),
        ("我的学习心得体会", None, "文章"),
    ):
        parsed = ParsedText((Block(head, "heading", 1), *map(Block, body)), title_hint=hint)
        found = structure(parsed, "2023年第3期.md")
        assert [(a.title, a.genre, [p.text for p in a.paragraphs]) for a in found.articles] == [
            (hint or "2023年第3期", genre, [head, *body])
        ]
