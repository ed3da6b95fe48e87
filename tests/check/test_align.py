"""align(): a span is an anchor of ≥ 10 exact characters grown past small edits (issue 18).

The snippets are realistic: the false copies of issue 18 (4-character phrases two texts
share across bigger differences, a real match padded to an unrelated run) and the edits a
writer makes to a copied sentence.
"""

from __future__ import annotations

import random
import re
import time

import pytest

from sucai.check.align import ANCHOR, GRAM, Chain, DraftIndex, _backward, _forward, align
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


# --- texts built so that the truth is known by construction (issue 23) ------------------------
#
# A source of random characters (no 4 characters repeat by chance) and a draft made of pieces of
# it between runs of characters the source never uses: every copied piece is a span exactly
# when it is at least min_span long, at the place it was copied from, whatever its neighbours.

_SOURCE_CHARS = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
_FRESH_CHARS = [chr(c) for c in range(0x6000, 0x6000 + 500)]


def _fresh(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_FRESH_CHARS) for _ in range(n))


def _pieces(rng: random.Random, source: str, count: int) -> list[tuple[int, int]]:
    """Up to ``count`` pieces of ``source`` (start, length), apart from each other by ≥ 3."""
    cuts = sorted(rng.sample(range(len(source) + 1), min(len(source), 2 * count)))
    pieces = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if end - start >= 1 and (not pieces or start >= sum(pieces[-1]) + 3):
            pieces.append((start, end - start))
    rng.shuffle(pieces)
    return pieces


def _chains(paragraphs: list[str], source: str, min_span: int) -> list[Chain]:
    index = DraftIndex(paragraphs, min(GRAM, ANCHOR, min_span))
    return align(index, source, min_span)


@pytest.mark.parametrize("min_span", [13, 8, 20])
def test_copied_pieces_are_spans_exactly_when_long_enough(min_span: int) -> None:
    rng = random.Random(min_span)
    for _ in range(150):
        source = "".join(rng.sample(_SOURCE_CHARS, rng.randint(30, 200)))
        paragraphs: list[str] = []
        expected = set()
        at = 0
        for start, length in _pieces(rng, source, rng.randint(1, 5)):
            before, after = _fresh(rng, rng.choice([0, 3, 5])), _fresh(rng, rng.choice([0, 3, 4]))
            piece = source[start : start + length]
            if length >= min_span:
                expected.add((at + len(before), at + len(before) + length, start, start + length))
            paragraphs.append(before + piece + after)
            at += len(paragraphs[-1])
        chains = _chains(paragraphs, source, min_span)
        assert {(c.i, c.i_end, c.j, c.j_end) for c in chains} == expected
        for c in chains:
            assert c.matched == c.i_end - c.i
            assert all(c.source_offset(p) == c.j + p - c.i for p in range(c.i, c.i_end))


@pytest.mark.parametrize("cut", [5, 12, 13, 20])
def test_a_span_never_crosses_a_paragraph_break(cut: int) -> None:
    source = "".join(random.Random(cut).sample(_SOURCE_CHARS, 40))
    piece = source[5:30]  # 25 characters, broken after `cut`
    chains = _chains(["甲乙丙" + piece[:cut], piece[cut:] + "丁戊己"], source, 13)
    expected = set()
    if cut >= 13:
        expected.add((3, 3 + cut, 5, 5 + cut))
    if 25 - cut >= 13:
        expected.add((3 + cut, 3 + 25, 5 + cut, 30))
    assert {(c.i, c.i_end, c.j, c.j_end) for c in chains} == expected


@pytest.mark.parametrize(
    ("edit", "spans"),
    [
        # One or two characters changed, inserted or deleted: one span over the whole piece.
        ("change 1", 1),
        ("insert 1", 1),
        ("delete 1", 1),
        ("change 2", 1),
        ("insert 2", 1),
        ("delete 2", 1),
        # Three: the piece is two copies, each long enough to be a span of its own.
        ("insert 3", 2),
        ("change 3", 2),
    ],
)
def test_an_edit_inside_a_copied_piece_joins_or_splits_it_by_its_size(
    edit: str, spans: int
) -> None:
    rng = random.Random(edit)
    for _ in range(40):
        source = "".join(rng.sample(_SOURCE_CHARS, 80))
        start, left, right = rng.randint(0, 20), rng.randint(14, 25), rng.randint(14, 25)
        kind, size = edit.split()
        n = int(size)
        skipped = n if kind in ("change", "delete") else 0
        added = _fresh(rng, n) if kind in ("change", "insert") else ""
        head = source[start : start + left]
        tail = source[start + left + skipped : start + left + skipped + right]
        draft = "".join(_fresh(rng, 3)) + head + added + tail + _fresh(rng, 3)
        chains = sorted(_chains([draft], source, 13), key=lambda c: c.i)
        assert len(chains) == spans, (edit, draft, source)
        assert (chains[0].i, chains[0].j) == (3, start)
        assert (chains[-1].i_end, chains[-1].j_end) == (
            3 + left + len(added) + right,
            start + left + skipped + right,
        )
        assert sum(c.matched for c in chains) == left + right
        if spans == 1:
            # Across the edit, positions map by the nearest run on their left.
            assert chains[0].source_offset(3 + left - 1) == start + left - 1
            assert chains[0].source_offset(3 + left + len(added)) == start + left + skipped


# --- each growth rule on its own, by construction (issue 23) ----------------------------------
#
# S is 60 distinct characters; 甲乙丙 are never in it. Spans are (i, i_end, j, j_end, matched).

_S = "".join(random.Random(23).sample(_SOURCE_CHARS, 60))


def _found(paragraphs: list[str], min_span: int = 13) -> set[tuple[int, int, int, int, int]]:
    return {(c.i, c.i_end, c.j, c.j_end, c.matched) for c in _chains(paragraphs, _S, min_span)}


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        # A 2-character run after an edit joins at the end of the draft's paragraph …
        (_S[10:30] + "甲" + _S[31:33], (0, 23, 10, 33, 22)),
        # … at the end of the source …
        (_S[30:57] + "甲" + _S[58:60] + "乙乙乙", (0, 30, 30, 60, 29)),
        # … at the start of the draft's paragraph …
        (_S[11:13] + "甲" + _S[14:34], (0, 23, 11, 34, 22)),
        # … and at the start of the source.
        ("乙乙乙乙乙" + _S[0:2] + "甲" + _S[3:25], (5, 30, 0, 25, 24)),
        # Elsewhere it does not: the span stops before the edit.
        (_S[10:30] + "甲" + _S[31:33] + "乙乙乙", (0, 20, 10, 30, 20)),
        ("乙乙乙" + _S[11:13] + "甲" + _S[14:34], (6, 26, 14, 34, 20)),
    ],
)
def test_a_short_run_joins_only_at_the_ends_of_both_texts(
    draft: str, expected: tuple[int, int, int, int, int]
) -> None:
    assert _found([draft]) == {expected}


@pytest.mark.parametrize(("run", "joined"), [(4, True), (3, False)])
def test_past_an_edit_a_run_of_four_joins_and_a_run_of_three_does_not(
    run: int, joined: bool
) -> None:
    draft = _S[0:20] + "甲" + _S[21 : 21 + run] + "乙乙乙"
    end = 21 + run if joined else 20
    assert _found([draft]) == {(0, end, 0, end, end - 1 if joined else 20)}


def test_two_edits_close_together_join_and_three_do_not() -> None:
    two = _S[0:20] + "甲" + _S[21:23] + "乙" + _S[24:44]
    assert _found([two]) == {(0, 44, 0, 44, 42)}
    three = _S[0:20] + "甲" + _S[21:23] + "乙" + _S[24:26] + "丙" + _S[27:47]
    assert _found([three]) == {(0, 20, 0, 20, 20), (27, 47, 27, 47, 20)}


def test_a_span_is_measured_with_its_edits_not_by_its_matched_characters() -> None:
    # 13 draft characters, 12 of them matched: a span of 13.
    assert _found([_S[0:10] + "甲" + _S[11:13]]) == {(0, 13, 0, 13, 12)}
    assert _found([_S[0:10] + "甲" + _S[11:12]]) == set()


def test_a_sentence_copied_into_several_paragraphs_is_found_in_each() -> None:
    sentence = compact("着力扩大国内需求，推动消费和投资协同发力，增强经济内生动力。").text
    paragraphs = [
        "今年" + sentence + "为此" + sentence,  # twice in one paragraph
        "我们要" + sentence,  # again in a later one
        "此外还要" + sentence[:12] + "等等",  # 12 characters: too short
        sentence + "这是关键",
    ]
    index = DraftIndex(paragraphs, min(GRAM, ANCHOR, 13))
    found = sorted((c.i, c.i_end) for c in align(index, sentence, 13))
    text = "".join(paragraphs)
    where = [m.start() for m in re.finditer(sentence, text)]
    assert len(where) == 4
    assert found == [(at, at + len(sentence)) for at in where]


@pytest.mark.parametrize(("run", "joined"), [(4, True), (3, False)])
def test_before_an_edit_a_run_of_four_joins_and_a_run_of_three_does_not(
    run: int, joined: bool
) -> None:
    draft = "乙乙乙" + _S[20 - run : 20] + "甲" + _S[21:41]
    start = 3 if joined else 3 + run + 1
    assert _found([draft]) == {
        (start, 3 + run + 21, 20 - run if joined else 21, 41, 20 + run if joined else 20)
    }


def test_an_edit_one_character_from_the_end_tries_every_gap() -> None:
    """A character the source has and the draft lacks, one character before the end of the
    draft's paragraph (and after its start): the last character still joins."""
    assert _found([_S[10:30] + _S[31]]) == {(0, 21, 10, 32, 21)}
    assert _found([_S[9] + _S[11:31]]) == {(0, 21, 9, 31, 21)}


def test_with_a_span_of_six_every_source_position_is_probed() -> None:
    """Anchor and gram are both 6: the source is probed at each position, its first and its
    last included."""
    draft = "乙乙" + _S[0:6] + "丙丙" + _S[54:60] + "乙"
    assert _found([draft], min_span=6) == {(2, 8, 0, 6, 6), (10, 16, 54, 60, 6)}


def test_a_span_ending_at_a_paragraph_break_does_not_hide_the_next_paragraph() -> None:
    # The next paragraph continues the source on the same diagonal, probed only where the
    # first one ends.
    assert _found([_S[0:10], _S[10:20]], min_span=10) == {
        (0, 10, 0, 10, 10),
        (10, 20, 10, 20, 10),
    }


def test_every_draft_place_of_a_probe_is_tried() -> None:
    """The draft places of one probe are tried in turn: one inside a span found already, or
    too short to anchor, does not stop the next."""
    source = _S[0:12]
    index = DraftIndex([_S[0:12], "甲乙丙丁" + _S[2:12]], GRAM)
    found = {(c.i, c.i_end, c.j, c.j_end) for c in align(index, source, 10)}
    assert found == {(0, 12, 0, 12), (16, 26, 2, 12)}
    index = DraftIndex(["甲乙" + _S[0:7] + "丙丁", _S[0:10]], GRAM)
    found = {(c.i, c.i_end, c.j, c.j_end) for c in align(index, _S[0:10], 10)}
    assert found == {(11, 21, 0, 10)}


def test_a_short_run_does_not_hide_a_longer_one_after_an_edit() -> None:
    # 9 characters (no anchor), a changed character, 10 more: one span of 20, whose anchor
    # is probed 4 characters past the short run's end.
    draft = "乙乙" + _S[2:11] + "甲" + _S[12:22] + "乙乙"
    assert _found([draft]) == {(2, 22, 2, 22, 19)}


def test_two_edits_before_the_anchor_map_positions_by_their_own_run() -> None:
    # _S[2] and _S[5] left out: draft 0–1 is source 0–1, 2–3 is 3–4, 4–5 is 6–7.
    (chain,) = _chains([_S[0:2] + _S[3:5] + _S[6:26]], _S, 13)
    assert (chain.i, chain.i_end, chain.j, chain.j_end, chain.matched) == (0, 24, 0, 26, 24)
    assert [chain.source_offset(p) for p in range(6)] == [0, 1, 3, 4, 6, 7]


def test_two_edits_after_the_anchor_map_positions_by_their_own_run() -> None:
    # _S[20] and _S[23] left out: draft 20–21 is source 21–22 (a run of two between the
    # edits), draft 22– is source 24–.
    (chain,) = _chains([_S[0:20] + _S[21:23] + _S[24:44]], _S, 13)
    assert (chain.i, chain.i_end, chain.j, chain.j_end, chain.matched) == (0, 42, 0, 44, 42)
    assert [chain.source_offset(p) for p in range(18, 25)] == [18, 19, 21, 22, 24, 25, 26]


def test_the_clock_is_read_for_a_probe_found_at_more_than_32_places() -> None:
    # Past the deadline: 32 places of the probe are not yet repetition, 33 are.
    assert align(DraftIndex(["坚持稳中求进" * 32]), "坚持稳中求进", 13, deadline=0.0) == []
    with pytest.raises(TimeoutError):
        align(DraftIndex(["坚持稳中求进" * 33]), "坚持稳中求进", 13, deadline=0.0)


def test_a_short_run_on_another_diagonal_does_not_hide_a_probe() -> None:
    """The source is probed every 5 characters (span 10, gram 6). At 5 the draft's second
    copy of _S[5:11] is 6 characters, too short to anchor; at 10 the first paragraph's run
    _S[6:16] is found. The short run's diagonal (draft 19 − source 5 = 14) is the sum of the
    second probe's draft and source places (4 + 10), not its difference: it hides nothing."""
    draft = _S[6:16] + "甲乙丙甲乙丙甲乙丙" + _S[5:11]
    assert _found([draft], min_span=10) == {(0, 10, 6, 16, 10)}


def test_a_span_on_another_diagonal_does_not_hide_a_probe() -> None:
    """_S[5:15] at draft 0 is found by the probe at 5 (diagonal −5); _S[6:16] after a
    character of the draft's own is found only by the probe at 10, at draft 15 (diagonal 5,
    which is 0 + 5, the first span's draft and source starts added)."""
    draft = _S[5:15] + "甲" + _S[6:16]
    assert _found([draft], min_span=10) == {(0, 10, 5, 15, 10), (11, 21, 6, 16, 10)}


def test_a_span_reaching_past_the_next_on_another_diagonal_does_not_hide_it() -> None:
    """_S[10:40] at draft 30 (diagonal 20) is found first, by the probe at 10; then _S[20:30]
    at draft 0 (diagonal −20, 0 + 20 = 20 the other's), which three characters of the draft's
    own end; after them _S[33:43] at draft 13, on the same diagonal −20, is found by the
    probe at 35 — before the end of the first span's source (40), not of its own run's (30)."""
    draft = _S[20:30] + "甲乙丙" + _S[33:43] + "甲乙丙甲乙丙甲" + _S[10:40]
    assert _found([draft], min_span=10) == {
        (30, 60, 10, 40, 30),
        (0, 10, 20, 30, 10),
        (13, 23, 33, 43, 10),
    }


def test_a_phrase_twice_in_a_later_paragraph_is_found_at_both_places() -> None:
    # The second paragraph repeats its grams, so they are listed one by one: at their
    # places in the whole draft (from 3 on), not in the paragraph.
    assert _found(["乙乙乙", _S[0:13] + "甲" + _S[0:13]]) == {
        (3, 16, 0, 13, 13),
        (17, 30, 0, 13, 13),
    }


def test_an_exact_copy_in_a_repetitive_text_is_found_whole() -> None:
    """Draft 5–22 is source 14–31 exactly (17 characters, worked out by hand: 新发新发新发新发
    展展展展展发发展展). A run past an edit of another alignment lies on that diagonal further
    on; the probe at source 14 comes before that run's start and is not skipped for it."""
    draft = "甲展甲展展" + "新发新发新发新发展展展展展发发展展"
    source = "展展新展展新发发展新发发展发" + "新发新发新发新发展展展展展发发展展"
    assert draft[5:22] == source[14:31]
    found = {(c.i, c.i_end, c.j, c.j_end, c.matched) for c in _chains([draft], source, 6)}
    assert (5, 22, 14, 31, 17) in found


def test_a_phrase_the_source_says_twice_is_followed_past_its_first_place() -> None:
    """The source says P (12 characters) at 0 and again at 30, followed there by Q (7); the
    draft copies P Q. P at 0 is found first (source start 0); P Q at 30 starts inside it,
    and its probes (every 5 characters of the source: 30, 35, 40) all fall in P's span —
    Q's own characters hold no probe. It is still followed, for Q."""
    p, q = _S[0:12], _S[12:19]
    source = p + _S[30:48] + p + q + _S[50:56]
    assert source[30:49] == p + q
    assert {(c.i, c.i_end, c.j, c.j_end, c.matched) for c in _chains([p + q], source, 10)} == {
        (0, 12, 0, 12, 12),
        (0, 19, 30, 49, 19),
    }


def _common_stretches(draft: str, source: str, length: int) -> set[int]:
    """Brute force: the draft positions inside an exact common stretch of ``length`` or more
    characters (the longest common suffix of every pair of prefixes)."""
    inside: set[int] = set()
    previous = [0] * (len(source) + 1)
    for i in range(1, len(draft) + 1):
        current = [0] * (len(source) + 1)
        for j in range(1, len(source) + 1):
            if draft[i - 1] == source[j - 1]:
                current[j] = previous[j - 1] + 1
                if current[j] >= length:
                    inside.update(range(i - current[j], i))
        previous = current
    return inside


def test_every_exact_common_stretch_of_the_shortest_span_is_covered() -> None:
    """Against brute force, in repetitive texts of 2–4 characters (where spans on other
    alignments overlap most): whatever the source repeats and wherever a probe falls, every
    draft character inside an exact common stretch of ``min_span`` characters is in a span."""
    rng = random.Random(18)
    for _ in range(400):
        letters = "发展改革稳"[: rng.randint(2, 4)]
        source = "".join(rng.choice(letters) for _ in range(rng.randint(20, 60)))
        draft = ""
        while len(draft) < 40:
            start = rng.randrange(len(source))
            draft += source[start : start + rng.randint(3, 25)] + rng.choice(letters)
        min_span = rng.randint(10, 16)
        covered = {p for c in _chains([draft], source, min_span) for p in range(c.i, c.i_end)}
        missed = _common_stretches(draft, source, min_span) - covered
        assert not missed, (draft, source, min_span, sorted(missed))


def test_shared_lengths_are_those_counted_a_character_at_a_time() -> None:
    """_forward and _backward compare slices (8, 16, 32 … then halving): checked against a
    count one character at a time, on copies of 0–300 characters with a changed one."""
    rng = random.Random(9704)
    for _ in range(3000):
        b = "".join(rng.choice("发展改革") for _ in range(rng.randint(1, 320)))
        a = list(b)
        if rng.random() < 0.8:
            a[rng.randrange(len(a))] = "稳"
        text = "".join(a)
        i = rng.randrange(len(text) + 1)
        j = i if rng.random() < 0.7 else rng.randrange(len(b) + 1)  # mostly a long copy
        lo, hi = rng.randint(0, i), rng.randint(i, len(text))
        ahead = 0
        while i + ahead < hi and j + ahead < len(b) and text[i + ahead] == b[j + ahead]:
            ahead += 1
        behind = 0
        while i - behind > lo and j - behind > 0 and text[i - behind - 1] == b[j - behind - 1]:
            behind += 1
        assert _forward(text, i, hi, b, j) == ahead, (text, i, hi, b, j)
        assert _backward(text, i, lo, b, j) == behind, (text, i, lo, b, j)


def test_grams_no_longer_than_the_probe_step_are_refused() -> None:
    # A probe's hit continues the previous probe's run only where their grams overlap: with
    # 5-character grams and a span of 10 the probes are 6 apart, with 6-character ones 5.
    with pytest.raises(ValueError, match="longer than the step"):
        align(DraftIndex([_S[0:20]], 5), _S, 10)
    with pytest.raises(ValueError, match="longer than the step"):  # 5 apart: just touching
        align(DraftIndex([_S[0:20]], 5), _S, 9)
    assert len(align(DraftIndex([_S[0:20]], 6), _S, 10)) == 1
