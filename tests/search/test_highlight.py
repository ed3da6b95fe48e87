"""Highlights and snippets are in characters and cut at sentence boundaries."""

from __future__ import annotations

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
