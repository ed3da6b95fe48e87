"""The rules of :mod:`sucai.ingest.neardup` against a second, deliberately simple
implementation and hand-worked cases (issue 23).

The brute force: fold, keep letters and digits, take every 5-character window as a Python set;
Jaccard is ``len(a & b) / len(a | b)``. Each threshold (the similarity, 200 counted characters,
the 12 header paragraphs of a law) is checked on both sides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from opencc import OpenCC

from sucai.ingest.neardup import (
    Matcher,
    _Bands,
    _mix,
    fingerprint,
    jaccard,
    law_version,
    read_article,
    title_key,
)
from sucai.models import ArticleDraft, Paragraph
from sucai.search.fold import fold
from sucai.store import ArticleText, Correction, Merge, open_store
from tests.ingest.test_neardup import BODY, OPENING, OTHER

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from sucai.ingest.neardup import Fingerprint


def _counted(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _windows(text: str) -> set[str]:
    chars = _counted(text)
    return {chars[i : i + 5] for i in range(len(chars) - 4)}


def _brute_jaccard(a: str, b: str) -> float:
    one, two = _windows(a), _windows(b)
    return len(one & two) / len(one | two) if one and two else 0.0


def _fp(text: str, genre: str = "讲话", **dates: Any) -> Fingerprint:
    return fingerprint("标题", genre, text.split("\n"), **dates)


SPEECH = "\n".join([OPENING, *BODY])
EDITED = "\n".join(
    [
        "同志们：这次会议是县委、县政府决定召开的一次重要会议。",
        *BODY[:3],
        OpenCC("s2t").convert(BODY[3]),
        *BODY[4:8],
        BODY[8].replace("深化放管服改革，", "持续深化放管服改革，扎实"),
    ]
)


@pytest.fixture
def matcher(tmp_path: Path) -> Iterator[Matcher]:
    store = open_store(tmp_path / "library.db")
    try:
        yield Matcher(store)
    finally:
        store.close()


def _at(matcher: Matcher, threshold: float) -> Matcher:
    """The same empty library's matcher at another threshold."""
    return Matcher(matcher.store, threshold)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (SPEECH, "\n".join(BODY)),
        (SPEECH, EDITED),
        ("\n".join(BODY[:5]), "\n".join(BODY[3:])),
        (SPEECH, "\n".join(OTHER)),
        ("ＡＢＣ党建引领ABC党建引领", "abc党建引领，abc党建引领！"),
    ],
)
def test_counts_shingles_and_similarity_agree_with_a_brute_force(a: str, b: str) -> None:
    one, two = _fp(a), _fp(b)
    assert one.chars == len(_counted(a))
    assert (one.shingles.size, two.shingles.size) == (len(_windows(a)), len(_windows(b)))
    assert jaccard(one, two) == _brute_jaccard(a, b)
    assert jaccard(two, one) == _brute_jaccard(a, b)


def test_hand_worked_similarities() -> None:
    # 一二三四五六 and 一二三四五七 share one of three distinct windows.
    assert jaccard(_fp("一二三四五六"), _fp("一二三四五七")) == 1 / 3
    assert jaccard(_fp("一二三四五，六。"), _fp("一二三四五六")) == 1.0
    four = _fp("一二三四")
    assert (four.chars, four.shingles.size, four.sketch) == (4, 0, None)
    assert jaccard(four, four) == 0.0
    five = _fp("一二三四五")
    assert (five.shingles.size, five.sketch is not None) == (1, True)
    # One window each: the same, or one of the other's two.
    assert jaccard(five, _fp("一二三四五")) == 1.0
    assert jaccard(_fp("一二三四五六"), five) == 1 / 2
    assert jaccard(five, _fp("一二三四五六")) == 1 / 2


def test_a_stored_article_is_read_with_its_genre_and_dates() -> None:
    law = ArticleText(
        id=7,
        title="某省安全生产条例",
        genre="法规",
        issued_on="2020-05-01",
        year=2020,
        paragraphs=("（2020年5月1日某省人民代表大会常务委员会通过）", "第一条 为了安全生产。"),
    )
    found = read_article(law)
    assert (found.genre, found.issued_on, found.year, found.version) == (
        "法规",
        "2020-05-01",
        2020,
        "2020-05-01",
    )


def test_the_similarity_needed_is_the_threshold_itself(matcher: Matcher) -> None:
    exact = _brute_jaccard(SPEECH, EDITED)
    assert 0.8 < exact < 1.0
    assert _at(matcher, exact).similarity(_fp(SPEECH), _fp(EDITED)) == exact
    assert _at(matcher, exact + 1e-9).similarity(_fp(SPEECH), _fp(EDITED)) is None
    assert matcher.similarity(_fp(SPEECH), _fp(EDITED)) == exact


def test_short_texts_merge_only_when_identical_from_200_counted_characters(
    matcher: Matcher,
) -> None:
    chars = _counted("".join(BODY))
    for length, merges in ((200, True), (199, False)):
        text = chars[:length]
        edited = text[:-1] + ("甲" if text[-1] != "甲" else "乙")
        exact = _brute_jaccard(text, edited)
        assert exact > 0.95
        found = matcher.similarity(_fp(text), _fp(edited))
        assert found == (exact if merges else None), length
        # Beside a longer text, the shorter of the two decides.
        longer = chars[: length + 10]
        near = _brute_jaccard(longer, edited)
        assert near > 0.9
        assert matcher.similarity(_fp(longer), _fp(edited)) == (near if merges else None)
        assert matcher.similarity(_fp(text), _fp(text)) == 1.0


def test_texts_stating_different_dates_are_two_events(matcher: Matcher) -> None:
    exact = _brute_jaccard(SPEECH, EDITED)
    cases: list[tuple[dict[str, Any], dict[str, Any], float | None]] = [
        ({"issued_on": "2024-12-18"}, {"issued_on": "2023-12-20"}, None),
        ({"issued_on": "2024-12-18"}, {"issued_on": "2024-12-18"}, exact),
        ({"issued_on": "2024-12-18"}, {}, exact),
        ({"year": 2024}, {"year": 2023}, None),
        ({"year": 2024}, {"year": 2024}, exact),
        ({"year": 2024}, {}, exact),
        ({"issued_on": "2024-12-18", "year": 2024}, {"year": 2023}, None),
        (
            {"issued_on": "2024-12-18", "year": 2024},
            {"issued_on": "2024-12-18", "year": 2023},
            exact,
        ),
    ]
    for one, two, expected in cases:
        assert matcher.similarity(_fp(SPEECH, **one), _fp(EDITED, **two)) == expected, (one, two)
        assert matcher.similarity(_fp(EDITED, **two), _fp(SPEECH, **one)) == expected, (two, one)


def _law(title: str, header: str, body: str = SPEECH, **dates: Any) -> Fingerprint:
    return fingerprint(title, "法规", [header, *body.split("\n")], **dates)


def test_laws_merge_only_with_the_same_title_and_version(matcher: Matcher) -> None:
    exact = _brute_jaccard("2020年1月1日通过\n" + SPEECH, "2020年1月1日通过\n" + EDITED)
    # A law's stated date is that of its first adoption, shared by all its versions.
    law = _law("某某条例", "2020年1月1日通过", issued_on="2020-01-01")
    assert law.version == "2020-01-01"
    same = _law("某某条例（2020修正）", "2020年1月1日通过", EDITED, issued_on="2019-05-05")
    assert matcher.similarity(law, same) == exact
    assert matcher.similarity(law, _law("某某条例", "2021年1月1日修正", EDITED)) is None
    assert matcher.similarity(law, _law("另一条例", "2020年1月1日通过", EDITED)) is None
    unversioned = _law("某某条例", "本条例自公布之日起施行")
    assert unversioned.version is None
    assert matcher.similarity(unversioned, unversioned) is None
    assert matcher.similarity(law, _fp("2020年1月1日通过\n" + EDITED)) is None
    assert matcher.similarity(_fp("2020年1月1日通过\n" + EDITED), law) is None


def test_a_laws_version_is_the_latest_enactment_in_its_header() -> None:
    assert law_version(["1990年9月7日通过", "2001年10月27日修正", "自2002年1月1日起施行"]) == (
        "2001-10-27"
    )
    assert law_version(["2020年5月1日修订", "2010年1月1日通过"]) == "2020-05-01"
    assert law_version(["2018年3月2日修改"]) == "2018-03-02"
    assert law_version(["自2021年1月1日起施行"]) is None
    assert law_version(["2019年1月1日起施行，2018年6月5日公布"]) == "2018-06-05"
    assert law_version(["第一条 2030年1月1日通过"]) is None
    assert law_version(["2000年1月1日通过", "第一章 总则", "2030年1月1日通过"]) == "2000-01-01"
    filler = ["（说明）"] * 10
    assert law_version(["2000年1月1日通过", *filler, "2012年1月1日修正"]) == "2012-01-01"
    assert law_version(["2000年1月1日通过", *filler, "（说明）", "2013年1月1日修正"]) == (
        "2000-01-01"
    )


def test_law_titles_compare_without_version_prefix_punctuation_or_script() -> None:
    for title in (
        "中华人民共和国广告法（2018年修正）",
        "广告法(2015修订)",
        "中华人民共和国 廣告法",
        "广告法（根据2021年决定修改）",
    ):
        assert title_key(title) == "广告法", title
    assert title_key("关于中华人民共和国广告法的解释") == "关于中华人民共和国广告法的解释"
    assert title_key("广告法（2018年版）") == "广告法2018年版"


def _draft(text: str, issued_on: str | None = None, year: int | None = None) -> ArticleDraft:
    paragraphs = tuple(Paragraph(i, p, False, 0, None) for i, p in enumerate(text.split("\n")))
    return ArticleDraft("讲话", None, "讲话", issued_on, year, paragraphs, ())


def test_a_files_articles_merge_with_the_closest_earlier_original(matcher: Matcher) -> None:
    shorter = "\n".join(BODY[:9])
    other = "\n".join(OTHER)
    drafts = [_draft(SPEECH), _draft(shorter), _draft(shorter), _draft(other)]
    fps, merges = matcher.decide(drafts, ((), (), (), ()))
    assert [fp.chars for fp in fps] == [len(_counted(t)) for t in (SPEECH, shorter, shorter, other)]
    # The third is identical to the second, but the second is a copy: it merges with the first.
    expected = _brute_jaccard(SPEECH, shorter)
    assert merges == {1: Merge(expected, draft=0), 2: Merge(expected, draft=0)}
    # Two originals of other dates (never merged together) and an undated copy of both:
    # the closer one wins, whichever comes first.
    body = "\n".join(BODY)
    near, far = sorted([SPEECH, shorter], key=lambda t: -_brute_jaccard(t, body))
    assert _brute_jaccard(near, body) > _brute_jaccard(far, body) > 0.8
    for first, second in ((near, far), (far, near)):
        originals = [_draft(first, "2024-12-18"), _draft(second, "2023-12-20"), _draft(body)]
        _, merges = matcher.decide(originals, ((), (), ()))
        winner = 0 if first is near else 1
        assert merges == {2: Merge(_brute_jaccard(near, body), draft=winner)}


def test_bands_find_every_sketch_sharing_a_bin_before_and_after_recent_keys_are_merged() -> None:
    """At a threshold of 0.1 a band is one bin (two bins find a pair with probability
    1 − (1 − 0.1²)⁶⁴ ≈ 0.47 < 0.999), so a sketch's candidates are exactly the sketches holding
    the same value in some bin: a brute force over the sketches. Sketches added one by one wait
    in a dict until it holds over 50,000 keys; 400 sketches of 128 bins drawn from 20,000 values
    hold about 50,700 distinct (bin, value) keys, so the dict is merged into the sorted arrays
    once on the way."""
    bands = _Bands(0.1)
    assert (bands.rows, bands.bands) == (1, 128)
    rng = np.random.default_rng(23)
    sketches = rng.integers(0, 20_000, size=(500, 128), dtype=np.uint32)
    probes = rng.integers(0, 20_000, size=(40, 128), dtype=np.uint32)

    def expected(sketch: np.ndarray[Any, Any], upto: int) -> set[int]:
        return {j for j in range(upto) if (sketches[j] == sketch).any()}

    bands.add_many(np.arange(100, dtype=np.int64), sketches[:100])
    for j in range(100, 500):
        bands.add(j, sketches[j])
        if j in (100, 300, 499):
            for probe in (*probes, sketches[j], sketches[0]):
                assert bands.query(probe) == expected(probe, j + 1), j
    assert bands._keys.size > 100 * 128  # the recent keys were merged on the way
    assert sum(len(found) for found in map(bands.query, probes)) > 40  # not all singletons


def test_a_files_articles_of_other_years_stay_apart_and_a_short_or_other_one_stops_nothing(
    matcher: Matcher,
) -> None:
    exact = _brute_jaccard(SPEECH, EDITED)
    drafts = [_draft(SPEECH, year=2024), _draft(EDITED, year=2023), _draft(EDITED, year=2024)]
    fps, merges = matcher.decide(drafts, ((), (), ()))
    assert [fp.year for fp in fps] == [2024, 2023, 2024]
    assert merges == {2: Merge(exact, draft=0)}
    # A text under five counted characters has no sketch: the articles after it still merge.
    fps, merges = matcher.decide([_draft(SPEECH), _draft("一二三"), _draft(EDITED)], ((), (), ()))
    assert fps[1].sketch is None
    assert merges == {2: Merge(exact, draft=0)}
    # Nor does an unrelated text before them.
    other = "\n".join(OTHER)
    _, merges = matcher.decide([_draft(other), _draft(SPEECH), _draft(EDITED)], ((), (), ()))
    assert merges == {2: Merge(exact, draft=1)}


def test_a_copy_equally_close_to_two_originals_joins_the_first_and_keeps_its_corrections(
    matcher: Matcher,
) -> None:
    """The speech twice, stated on two dates (two events, never merged together), and an
    undated edited copy exactly as close to both: it joins the first, and the corrections
    hygiene made in it go with the merge."""
    exact = _brute_jaccard(SPEECH, EDITED)
    fixed = (Correction("paragraph", 1, 4, "D", "党", "D员"),)
    drafts = [_draft(SPEECH, "2024-12-18"), _draft(SPEECH, "2023-12-20"), _draft(EDITED)]
    _, merges = matcher.decide(drafts, ((), (), fixed))
    assert merges == {2: Merge(exact, draft=0, corrections=fixed)}


def test_the_shingle_hash_is_splitmix64s_finaliser() -> None:
    """Stored sketches stay comparable only while the hash is the same: the first three
    outputs of splitmix64 seeded with 0, as its reference implementation (Vigna) prints them,
    are its finaliser applied to 1, 2 and 3 times the golden gamma 0x9E3779B97F4A7C15."""
    gamma = 0x9E3779B97F4A7C15
    states = np.array([gamma * k % 2**64 for k in (1, 2, 3)], dtype=np.uint64)
    assert _mix(states).tolist() == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]


def test_characters_beyond_the_bmp_count_from_the_first() -> None:
    """U+10000, the first code point past the BMP, is counted as it is (not looked up in the
    BMP's fold table, where it would alias U+0000, which does not count)."""
    beyond = _fp("一二三四\U00010000")
    assert (beyond.chars, beyond.shingles.size) == (5, 1)
    assert _fp("一二三四\uffff五").chars == 5  # U+FFFF is a noncharacter: not counted


def _splitmix(h: int) -> int:
    mask = 2**64 - 1
    h ^= h >> 30
    h = h * 0xBF58476D1CE4E5B9 & mask
    h ^= h >> 27
    h = h * 0x94D049BB133111EB & mask
    return h ^ (h >> 31)


def _brute_sketch(text: str) -> list[int]:
    """The sketch as the module's docstring describes it, in plain Python integers: each
    5-character window hashed (code points as a base-0x100000001B3 number modulo 2⁶⁴, then
    splitmix64's finaliser); the top 7 bits of a hash pick one of 128 bins, which keeps the
    next 32 bits of its smallest hash; an empty bin takes the next filled bin's value (round
    the end) plus 0x9E3779B9 per bin of distance, modulo 2³²."""
    codes = [ord(ch) for ch in _counted(text)]
    hashes = set()
    for i in range(len(codes) - 4):
        h = 0
        for code in codes[i : i + 5]:
            h = (h * 0x100000001B3 + code) % 2**64
        hashes.add(_splitmix(h))
    kept: dict[int, int] = {}
    for h in hashes:
        kept[h >> 57] = min(kept.get(h >> 57, h), h)
    sketch = []
    for b in range(128):
        distance = next(d for d in range(128) if (b + d) % 128 in kept)
        value = (kept[(b + distance) % 128] >> 25) & 0xFFFFFFFF
        sketch.append((value + distance * 0x9E3779B9) % 2**32)
    return sketch


@pytest.mark.parametrize("text", [SPEECH, "一二三四五六七", "一二三四五", "\n".join(OTHER)])
def test_shingles_and_sketches_agree_with_a_plain_python_computation(text: str) -> None:
    found = _fp(text)
    assert found.sketch is not None
    assert found.sketch.tolist() == _brute_sketch(text)
    codes = [ord(ch) for ch in _counted(text)]
    assert len(set(found.shingles.tolist())) == found.shingles.size == len(_windows(text))
    assert found.shingles.tolist() == sorted(found.shingles.tolist())
    assert found.shingles[0] == min(
        _splitmix(sum(c * 0x100000001B3 ** (4 - k) for k, c in enumerate(codes[i : i + 5])) % 2**64)
        for i in range(len(codes) - 4)
    )


def test_only_laws_have_a_version() -> None:
    assert _fp("2020年1月1日通过\n" + SPEECH).version is None
    assert _fp("2020年1月1日通过\n" + SPEECH, genre="法规").version == "2020-01-01"
