"""Structure rules at their edges (issue 23): the article count a header declares (Chinese
numerals worked by hand), and where a speaker role splits off a title.

The compilation is written here, so where its articles are is known by construction.
"""

from __future__ import annotations

import pytest

from sucai.ingest.normalize import normalize
from sucai.ingest.parsers.text import text_blocks
from sucai.ingest.structure import split_role, structure
from sucai.models import ParsedText

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
    ],
)
def test_the_declared_count_is_read_and_compared_with_the_articles_found(
    count: str, declared: int | None
) -> None:
    found = structure(normalize(ParsedText(tuple(text_blocks(_compilation(count))))), "x.txt")
    assert [(a.title, a.role, [p.text for p in a.paragraphs]) for a in found.articles] == [
        (t, r, p) for t, r, p in ARTICLES
    ]
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
