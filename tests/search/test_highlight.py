"""Highlights and snippets are in characters and cut at sentence boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sucai.search.fold import fold
from sucai.search.highlight import find_spans, mark, snippet


def test_spans_are_character_offsets_even_after_astral_characters() -> None:
    text = "𠀀𠀁两字之后，优化营商环境。"
    spans = find_spans(text, (fold("营商环境"),))
    assert spans == [(9, 13)]  # 𠀀 and 𠀁 count one character each, not two (UTF-16) or four
    assert text[9:13] == "营商环境"


def test_folding_keeps_offsets_aligned_for_traditional_and_fullwidth_text() -> None:
    text = "深化「放管服」改革，優化營商環境，ＡＢＣ。"
    assert len(fold(text)) == len(text)
    (start, end), (start2, end2) = find_spans(text, (fold("营商环境"), "abc"))
    assert text[start:end] == "營商環境"
    assert text[start2:end2] == "ＡＢＣ"


def test_overlapping_terms_are_merged_into_one_mark() -> None:
    spans = find_spans("高质量发展是首要任务。", ("高质量", "质量发展"))
    assert spans == [(0, 5)]
    assert mark("高质量发展是首要任务。", spans, "<mark>", "</mark>") == (
        "<mark>高质量发展</mark>是首要任务。"
    )


def test_snippet_starts_at_a_sentence_and_keeps_the_mark_whole() -> None:
    text = "第一句话讲背景情况。" * 8 + "第二句提到招商引资工作。" + "第三句继续展开论述。" * 8
    spans = find_spans(text, ("招商引资",))
    cut, inside = snippet(text, spans, width=60)
    assert cut.startswith("…第二句提到招商引资工作。")
    (start, end), *_ = inside
    assert cut[start:end] == "招商引资"
    assert cut.endswith("。…")


def test_short_text_is_its_own_snippet() -> None:
    text = "坚持稳中求进工作总基调。"
    assert snippet(text, [(2, 6)]) == (text, [(2, 6)])


def test_terms_that_touch_are_one_mark() -> None:
    # 优化|营商环境: one mark for the writer's phrase, not two side by side.
    text = "持续优化营商环境。"
    spans = find_spans(text, ("优化", "营商环境"))
    assert spans == [(2, 8)]
    assert mark(text, spans, "[", "]") == "持续[优化营商环境]。"
    # Terms apart stay apart.
    assert find_spans("优化和营商环境", ("优化", "营商环境")) == [(0, 2), (3, 7)]


# --- an independent reading of the rules, and exact snippets worked out by hand (issue 23) ---


def _covered(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """The runs of characters that some occurrence of some term covers, found by brute force."""
    folded = fold(text)
    covered = [False] * len(text)
    for term in filter(None, terms):
        for i in range(len(folded) - len(term) + 1):
            if folded[i : i + len(term)] == term:
                covered[i : i + len(term)] = [True] * len(term)
    runs, start = [], None
    for i, flag in enumerate([*covered, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    return runs


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="发展改革营商环境优化。，aA", max_size=40),
    terms=st.lists(st.text(alphabet="发展改革营商环境优化a", max_size=3), max_size=3),
)
def test_spans_are_the_runs_brute_force_finds(text: str, terms: list[str]) -> None:
    folded_terms = tuple(fold(t) for t in terms)
    assert find_spans(text, folded_terms) == _covered(text, folded_terms)


def test_overlapping_occurrences_of_one_term_are_all_found() -> None:
    assert find_spans("发发发展", ("发发",)) == [(0, 3)]
    assert find_spans("展展展展展", ("展展",)) == [(0, 5)]
    assert find_spans("优化营商环境", ("", "营商")) == [(2, 4)]  # an empty term is skipped


def test_mark_wraps_every_span_in_order() -> None:
    text = "优化营商环境，深化改革开放。"
    assert mark(text, [(0, 2), (7, 9)], "[", "]") == "[优化]营商环境，[深化]改革开放。"
    assert mark(text, [], "[", "]") == text


@pytest.mark.parametrize(
    ("text", "terms", "width", "expected"),
    [
        # The highlight is 30 characters into its sentence, more than half a width: the
        # snippet starts a third of a width before it and is cut with ellipses.
        ("背景。" + "甲" * 30 + "招商" + "乙" * 30 + "。", ("招商",), 20,
         ("…" + "甲" * 6 + "招商" + "乙" * 12 + "…", [(7, 9)])),
        # Exactly half a width into its sentence: the snippet starts at the sentence.
        ("背景。" + "甲" * 10 + "招商" + "乙" * 40 + "。", ("招商",), 20,
         ("…" + "甲" * 10 + "招商" + "乙" * 8 + "…", [(11, 13)])),
        # A highlight at the very start of its sentence.
        ("背景。招商" + "乙" * 40, ("招商",), 20, ("…招商" + "乙" * 18 + "…", [(1, 3)])),
        ("。招商" + "乙" * 40, ("招商",), 20, ("…招商" + "乙" * 18 + "…", [(1, 3)])),
        # The sentence ends half a width after the start: the snippet ends with it.
        ("甲甲招商乙乙乙乙乙。" + "丙" * 30 + "。", ("招商",), 20,
         ("甲甲招商乙乙乙乙乙。…", [(2, 4)])),
        # With an odd width, half a width is rounded down: 10 of 21 characters is enough.
        ("甲甲招商乙乙乙乙乙。" + "丙" * 30 + "。", ("招商",), 21,
         ("甲甲招商乙乙乙乙乙。…", [(2, 4)])),
        # The snippet reaches the end of the text: no ellipsis after it.
        ("背景。" + "甲" * 10 + "招商" + "乙" * 8, ("招商",), 20,
         ("…" + "甲" * 10 + "招商" + "乙" * 8, [(11, 13)])),
        # It ends sooner: the snippet keeps its width rather than stop after six characters.
        ("背景。招商乙乙乙。" + "丙" * 40, ("招商",), 20,
         ("…招商乙乙乙。" + "丙" * 14 + "…", [(1, 3)])),
        # A sentence end inside the highlight is not the end of the snippet.
        ("甲" * 10 + "工作。" + "乙" * 30 + "。", ("工作。",), 20,
         ("甲" * 10 + "工作。" + "乙" * 7 + "…", [(10, 13)])),
        # A highlight across the cut is kept whole; one that starts at the cut is left out.
        ("招商" + "乙" * 16 + "引资引资" + "丙" * 30, ("招商", "引资"), 20,
         ("招商" + "乙" * 16 + "引资引资…", [(0, 2), (18, 22)])),
        ("招商" + "乙" * 18 + "引资" + "丙" * 30, ("招商", "引资"), 20,
         ("招商" + "乙" * 18 + "…", [(0, 2)])),
        ("招商" + "乙" * 16 + "引资" + "丙" * 30, ("招商", "引资"), 20,
         ("招商" + "乙" * 16 + "引资…", [(0, 2), (18, 20)])),
        # No highlight: the text's first sentence.
        ("。" + "甲" * 11 + "。" + "乙" * 30, (), 20, ("。" + "甲" * 11 + "。…", [])),
        # A text exactly as long as the width is whole, even with a sentence end inside.
        ("甲" * 5 + "招商" + "乙" * 5 + "。" + "丙" * 7, ("招商",), 20,
         ("甲" * 5 + "招商" + "乙" * 5 + "。" + "丙" * 7, [(5, 7)])),
    ],
)  # fmt: skip
def test_snippets_worked_out_by_hand(
    text: str, terms: tuple[str, ...], width: int, expected: tuple[str, list[tuple[int, int]]]
) -> None:
    assert snippet(text, find_spans(text, terms), width=width) == expected


def test_a_snippet_is_120_characters_unless_told() -> None:
    assert snippet("甲" * 200, [(0, 1)]) == ("甲" * 120 + "…", [(0, 1)])
    assert snippet("甲" * 120, [(0, 1)]) == ("甲" * 120, [(0, 1)])
