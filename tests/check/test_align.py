"""align(): a span is an anchor of ≥ 10 exact characters grown past small edits (issue 18).

The snippets are realistic: the false copies of issue 18 (4-character phrases two texts
share across bigger differences, a real match padded to an unrelated run) and the edits a
writer makes to a copied sentence.
"""

from __future__ import annotations

import time

import pytest

from sucai.check.align import ANCHOR, GRAM, Chain, DraftIndex, align
from sucai.check.text import compact


def spans(draft: str, source: str, min_span: int = 13) -> list[str]:
    """The draft text of each span ``source`` gives, both written as people write them."""
    text = compact(draft).text
    index = DraftIndex([text], min(GRAM, ANCHOR, min_span))
    chains: list[Chain] = align(index, compact(source).text, min_span)
    return [text[c.i : c.i_end] for c in chains]


def test_shared_four_character_phrases_across_differences_are_not_a_copy() -> None:
    # Issue 18: runs of 4 chained across gaps made these "copies".
    assert spans("时代楷模”、全国道德模范、全国最美人物", "时代楷模”、“道德模范”、最美人物") == []
    assert spans("为退役军人提供5万个就业岗位", "为高校毕业生提供合适的就业岗位") == []


def test_a_real_match_is_not_padded_to_an_unrelated_run() -> None:
    # 14 characters shared verbatim; 3 characters later the texts share 4 more by chance.
    draft = "推动高质量发展取得新的明显成效我省坚持创新驱动发展"
    source = "推动高质量发展取得新的明显成效全市上下创新驱动"
    assert spans(draft, source) == ["推动高质量发展取得新的明显成效"]


@pytest.mark.parametrize(
    ("draft", "source"),
    [
        # 我国→我省: one changed character inside the sentence.
        (
            "我省经济实力、科技实力、综合国力跃上新台阶，人民生活水平显著提高",
            "我国经济实力、科技实力、综合国力跃上新台阶，人民生活水平显著提高",
        ),
        # A year changed (two digits) and 切实 inserted.
        (
            "2026年要切实抓好粮食生产，稳定粮食播种面积，加强高标准农田建设",
            "2024年要抓好粮食生产，稳定粮食播种面积，加强高标准农田建设",
        ),
        # The same two edits close together after the anchor.
        (
            "加强高标准农田建设，2026年要切实抓好粮食生产",
            "加强高标准农田建设，2024年要抓好粮食生产",
        ),
        # A character deleted.
        (
            "坚持以人民为中心的发展思想，着力解决群众急难愁盼问题",
            "坚持以人民为中心的发展思想，着力解决人民群众急难愁盼问题",
        ),
    ],
)
def test_small_edits_inside_a_copied_sentence_do_not_break_it(draft: str, source: str) -> None:
    assert spans(draft, source) == [compact(draft).text]


def test_an_edit_near_either_end_keeps_the_end() -> None:
    # Issue 18: an edit within 3 characters of a span's end lost the end.
    source = "全面推进乡村振兴，加快建设农业强国"
    assert spans("全面推进乡村振兴，加快建设农林强国", source) == [
        "全面推进乡村振兴加快建设农林强国"
    ]
    # A changed last character is not carried over: the span ends before it.
    assert spans("全面推进乡村振兴，加快建设农业强省", source) == ["全面推进乡村振兴加快建设农业强"]
    assert spans("全面推进乡村振兴，加快建设农业大强国", source) == [
        "全面推进乡村振兴加快建设农业大强国"
    ]
    assert spans("全力推进乡村振兴，加快建设农业强国", source) == [
        "全力推进乡村振兴加快建设农业强国"
    ]


def test_a_span_needs_an_anchor_of_ten_exact_characters() -> None:
    # 13 characters with an edit every 4: no exact run of 10, so no span.
    assert spans("深化改革甲扩大开放乙推动发展丙", "深化改革一扩大开放二推动发展三") == []


def test_a_source_repeating_a_phrase_thousands_of_times_stays_fast() -> None:
    source = "坚持稳中求进工作总基调" * 3000
    draft = "坚持稳中求进工作总基调" * 300
    started = time.perf_counter()
    found = spans(draft, source)
    assert time.perf_counter() - started < 5
    assert sum(map(len, found)) == len(compact(draft).text)
