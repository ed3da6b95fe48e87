"""Near-duplicate material (查重 at import, issue 6): one speech, many compilations.

The same speech reaches a library many times — under another title, with a changed opening
or a few edited sentences. Each article's text is reduced to the set of its 5-character
shingles after :func:`~sucai.search.fold.fold` (width, case, traditional → simplified) with
punctuation and spaces dropped, so changed punctuation and variant characters do not count.
Two articles are the same material when the Jaccard similarity of these sets reaches the
threshold (0.8 by default).

Finding candidates follows MinHash-LSH (Broder 1997; Leskovec et al., *Mining of Massive
Datasets*, ch. 3), with one-permutation hashing (Li et al. 2012) so that a sketch costs one
hash per shingle, vectorised with numpy: each shingle hash falls into one of 128 bins, the bin
keeps its minimum, and empty bins borrow from the next non-empty one (rotation densification,
Shrivastava & Li 2014). Bands of ``r`` bins find candidates; ``r`` is chosen for the threshold
so that a pair at the threshold becomes a candidate with probability ≥ 0.999. A candidate is
then checked on its sketch (cheap) and merged only on the *exact* Jaccard similarity of the
two shingle sets, which is what the import report shows.

Three rules keep distinct texts apart:

* **Dates**: texts that state different dates (or years) are two events — the same
  template reused a year later (十四届全国人大二次会议 and 三次会议 news), a press release
  for each language edition of a book — however alike their words.
* **Short articles** (fewer than 200 counted characters: a news brief, a short notice) merge
  only when their folded text is identical: one changed name, date or number alters up to
  five of their < 200 shingles, so a similarity of 0.8 cannot tell an edited copy from a
  different brief written to the same template.
* **Laws** (genre 法规) are identified by title and version: the latest 通过/修正/修订/公布
  date of their header. The same title in another version is linked as a *version*, never
  merged (amended laws often share over 90 % of their shingles); the same title and version
  merges like any text; different titles never merge (provinces copy each other's
  regulations). The books of 中华人民共和国民法典 share title and date but hardly any text:
  they are neither merged nor versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Final

import numpy as np

from sucai.search.fold import fold, fold_table
from sucai.store import Merge

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from sucai.models import ArticleDraft
    from sucai.store import ArticleText, Correction, Store

__all__ = [
    "DEFAULT_SIMILARITY",
    "LAW_GENRE",
    "MIN_CHARS",
    "SHINGLE",
    "SKETCH_SIZE",
    "Fingerprint",
    "Matcher",
    "fingerprint",
    "jaccard",
    "law_version",
    "read_article",
    "register",
    "title_key",
]

#: Jaccard similarity of shingle sets from which two texts are the same material.
DEFAULT_SIMILARITY: Final = 0.8
#: Shingle length in characters (the published choice for Chinese near-duplicates).
SHINGLE: Final = 5
#: Bins of a one-permutation MinHash sketch.
SKETCH_SIZE: Final = 128
#: Below this many counted characters an article merges only with an identical text.
MIN_CHARS: Final = 200
#: The genre whose articles are versioned by title and date rather than merged.
LAW_GENRE: Final = "法规"
#: Probability that a pair exactly at the threshold becomes an LSH candidate.
_RECALL: Final = 0.999
#: Candidates whose sketch estimate is this far below the threshold are not checked exactly
#: (about four standard deviations of a 128-bin estimate at 0.8).
_MARGIN: Final = 0.15
_BIN_SHIFT: Final = 57  # 64 - log2(SKETCH_SIZE): the top bits pick the bin
_VALUE_SHIFT: Final = _BIN_SHIFT - 32  # the next 32 bits are the value kept per bin
_MASK32: Final = np.uint64(0xFFFFFFFF)
_PRIME: Final = np.uint64(0x100000001B3)
_MIX1: Final = np.uint64(0xBF58476D1CE4E5B9)
_MIX2: Final = np.uint64(0x94D049BB133111EB)
_DENSIFY: Final = np.uint64(0x9E3779B9)
_BAND_SALT: Final = np.uint64(0x632BE59BD9B4E019)
_PENDING_LIMIT: Final = 50_000  # band keys kept in a dict before they join the sorted arrays
_FINGERPRINT_CACHE: Final = 256

_DATE: Final = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_ENACTED: Final = re.compile(r"通过|修正|修订|修改|公布|发布|批准|颁布")
_BODY_START: Final = re.compile(r"^\s*第[一二三四五六七八九十百千零〇]+[编章节条]")
_HEADER_PARAGRAPHS: Final = 12
_TITLE_VERSION: Final = re.compile(r"[（(][^（()）]*(?:修正|修订|修改)[^（()）]*[）)]\s*$")
_STATE_PREFIX: Final = "中华人民共和国"


@cache
def _tables() -> tuple[NDArray[np.uint32], NDArray[np.bool_]]:
    """:func:`fold` as a lookup array over the BMP, and which folded characters count."""
    table = np.arange(0x10000, dtype=np.uint32)
    for source, target in fold_table().items():
        if source < 0x10000:
            table[source] = target
    keep = np.fromiter((chr(c).isalnum() for c in range(0x10000)), dtype=np.bool_, count=0x10000)
    return table, keep


def _codes(text: str) -> NDArray[np.uint64]:
    """The folded code points of ``text`` that count (CJK, letters, digits)."""
    table, keep = _tables()
    raw = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    bmp = raw < 0x10000
    folded: NDArray[np.uint32] = np.where(bmp, table[raw & 0xFFFF], raw)
    counted: NDArray[np.uint64] = folded[~bmp | keep[folded & 0xFFFF]].astype(np.uint64)
    return counted


def _mix(h: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """splitmix64's finaliser: every input bit moves every output bit."""
    h = h ^ (h >> np.uint64(30))
    h = h * _MIX1
    h = h ^ (h >> np.uint64(27))
    h = h * _MIX2
    return h ^ (h >> np.uint64(31))


def _shingles(codes: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """Sorted distinct 64-bit hashes of the ``SHINGLE``-character windows."""
    n = codes.size - SHINGLE + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    h = codes[:n].copy()
    for i in range(1, SHINGLE):
        h = h * _PRIME + codes[i : i + n]
    # Sort and drop repeats by hand: np.unique is many times slower on numpy 2.x here.
    h = np.sort(_mix(h))
    return h[np.concatenate(([True], h[1:] != h[:-1]))]


def _sketch(shingles: NDArray[np.uint64]) -> NDArray[np.uint32] | None:
    """One-permutation MinHash of sorted shingle hashes, densified by rotation."""
    if shingles.size == 0:
        return None
    bins = np.arange(SKETCH_SIZE, dtype=np.uint64) << np.uint64(_BIN_SHIFT)
    first = np.searchsorted(shingles, bins)
    at = np.minimum(first, shingles.size - 1)
    filled = (first < shingles.size) & (
        (shingles[at] >> np.uint64(_BIN_SHIFT)) == np.arange(SKETCH_SIZE, dtype=np.uint64)
    )
    values = (shingles[at] >> np.uint64(_VALUE_SHIFT)) & _MASK32
    full = np.flatnonzero(filled)
    # An empty bin takes the next non-empty bin's value, salted by the distance to it.
    index = np.arange(SKETCH_SIZE)
    source = full[np.searchsorted(full, index) % full.size]
    distance = ((source - index) % SKETCH_SIZE).astype(np.uint64)
    return ((values[source] + distance * _DENSIFY) & _MASK32).astype(np.uint32)


def title_key(title: str) -> str:
    """A title as laws are compared: folded, without a version suffix such as ``（2018修正）``,
    the ``中华人民共和国`` prefix, punctuation and spaces."""
    text = _TITLE_VERSION.sub("", fold(title).strip())
    text = text.removeprefix(_STATE_PREFIX)
    return "".join(ch for ch in text if ch.isalnum())


def law_version(paragraphs: Sequence[str]) -> str | None:
    """The version of a law: the latest date its header says it was passed or amended.

    Only the lines before the first 编/章/节/条 count, and only dates followed by 通过, 修正,
    修订, 修改, 公布 … (not 施行: a law's books are enacted together but take effect apart).

    Returns:
        ``YYYY-MM-DD``, or ``None`` when the header names no such date.
    """
    best: str | None = None
    for text in paragraphs[:_HEADER_PARAGRAPHS]:
        if _BODY_START.match(text):
            break
        dates = list(_DATE.finditer(text))
        for n, found in enumerate(dates):
            end = dates[n + 1].start() if n + 1 < len(dates) else len(text)
            if not _ENACTED.search(text, found.end(), end):
                continue
            year, month, day = (int(g) for g in found.groups())
            date = f"{year:04d}-{month:02d}-{day:02d}"
            best = date if best is None or date > best else best
    return best


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What near-duplicate detection knows of one article.

    Attributes:
        shingles: sorted distinct hashes of the folded text's 5-character shingles.
        sketch: the 128-bin MinHash sketch, or ``None`` for a text under 5 characters.
        chars: counted characters (CJK, letters, digits) of the text.
        genre: the article's genre.
        title_key: see :func:`title_key`.
        version: for a law, see :func:`law_version`; else ``None``.
        issued_on: the date the article states (``YYYY-MM-DD``), if any.
        year: the year it states or implies, if any.
    """

    shingles: NDArray[np.uint64]
    sketch: NDArray[np.uint32] | None
    chars: int
    genre: str
    title_key: str
    version: str | None
    issued_on: str | None = None
    year: int | None = None

    @property
    def is_law(self) -> bool:
        """Whether the article is versioned rather than merged."""
        return self.genre == LAW_GENRE


def fingerprint(
    title: str,
    genre: str,
    paragraphs: Sequence[str],
    *,
    issued_on: str | None = None,
    year: int | None = None,
) -> Fingerprint:
    """The fingerprint of an article's text (the title is not part of it)."""
    codes = _codes("\n".join(paragraphs))
    shingles = _shingles(codes)
    return Fingerprint(
        shingles=shingles,
        sketch=_sketch(shingles),
        chars=int(codes.size),
        genre=genre,
        title_key=title_key(title),
        version=law_version(paragraphs) if genre == LAW_GENRE else None,
        issued_on=issued_on,
        year=year,
    )


def read_article(text: ArticleText) -> Fingerprint:
    """The fingerprint of a stored article or merged copy."""
    return fingerprint(
        text.title, text.genre, text.paragraphs, issued_on=text.issued_on, year=text.year
    )


def _dates_differ(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether two texts state different dates (both known): then they are two events."""
    if a.issued_on is not None and b.issued_on is not None:
        return a.issued_on != b.issued_on
    return a.year is not None and b.year is not None and a.year != b.year


def jaccard(a: Fingerprint, b: Fingerprint) -> float:
    """Exact Jaccard similarity of two articles' shingle sets (0.0–1.0)."""
    if a.shingles.size == 0 or b.shingles.size == 0:
        return 0.0
    common = np.intersect1d(a.shingles, b.shingles, assume_unique=True).size
    return common / (a.shingles.size + b.shingles.size - common)


def register(store: Store, article_id: int, fp: Fingerprint) -> None:
    """Store an article's sketch and link it to the other versions of its law.

    Another version is a law of the same title whose version date differs (or is unknown on
    either side); the same title and date is the same version (or another book of it).
    """
    blob = fp.sketch.astype("<u4").tobytes() if fp.sketch is not None else None
    store.set_sketch(article_id, blob, fp.title_key, fp.version)
    if fp.is_law:
        for other, version in store.same_title(fp.title_key, LAW_GENRE):
            if other != article_id and (version != fp.version or version is None):
                store.link_articles(article_id, other, "version")


def _rows_per_band(threshold: float) -> int:
    """The most sketch bins per LSH band that still find a pair at ``threshold`` with
    probability ≥ 0.999 (more bins per band: fewer chance candidates)."""
    best = 1
    for rows in range(1, SKETCH_SIZE + 1):
        bands = SKETCH_SIZE // rows
        if 1 - (1 - threshold**rows) ** bands >= _RECALL:
            best = rows
    return best


class _Bands:
    """LSH bands of sketches: sorted key arrays for the library, a dict for recent additions."""

    def __init__(self, threshold: float) -> None:
        self.rows = _rows_per_band(threshold)
        self.bands = SKETCH_SIZE // self.rows
        weights = _mix(np.arange(1, self.rows + 1, dtype=np.uint64))
        self._weights = weights | np.uint64(1)
        self._salt = _mix(np.arange(self.bands, dtype=np.uint64) * _BAND_SALT)
        self._keys = np.empty(0, dtype=np.uint64)
        self._ids = np.empty(0, dtype=np.int64)
        self._pending: dict[int, list[int]] = {}
        self._pending_ids: list[int] = []
        self._pending_keys: list[NDArray[np.uint64]] = []

    def keys(self, sketches: NDArray[np.uint32]) -> NDArray[np.uint64]:
        """Band keys of sketches, shape ``(n, bands)``."""
        used = sketches[:, : self.bands * self.rows].astype(np.uint64)
        parts = used.reshape(len(sketches), self.bands, self.rows) * self._weights
        return _mix(parts.sum(axis=2, dtype=np.uint64) ^ self._salt)

    def add_many(self, ids: NDArray[np.int64], sketches: NDArray[np.uint32]) -> None:
        """Add many sketches at once (the library at the start of an import)."""
        if len(ids):
            self._merge(np.repeat(ids, self.bands), self.keys(sketches).ravel())

    def add(self, article_id: int, sketch: NDArray[np.uint32]) -> None:
        """Add one sketch (an article just stored)."""
        keys = self.keys(sketch[None, :])[0]
        for key in keys.tolist():
            self._pending.setdefault(key, []).append(article_id)
        self._pending_ids.append(article_id)
        self._pending_keys.append(keys)
        if len(self._pending) > _PENDING_LIMIT:
            self._merge(
                np.repeat(np.array(self._pending_ids, dtype=np.int64), self.bands),
                np.concatenate(self._pending_keys),
            )
            self._pending.clear()
            self._pending_ids.clear()
            self._pending_keys.clear()

    def _merge(self, ids: NDArray[np.int64], keys: NDArray[np.uint64]) -> None:
        all_keys = np.concatenate([self._keys, keys])
        order = np.argsort(all_keys, kind="stable")
        self._keys = all_keys[order]
        self._ids = np.concatenate([self._ids, ids])[order]

    def query(self, sketch: NDArray[np.uint32]) -> set[int]:
        """Ids sharing at least one band with ``sketch``."""
        keys = self.keys(sketch[None, :])[0]
        low = np.searchsorted(self._keys, keys, side="left")
        high = np.searchsorted(self._keys, keys, side="right")
        found: set[int] = set()
        for start, end in zip(low.tolist(), high.tolist(), strict=True):
            if end > start:
                found.update(self._ids[start:end].tolist())
        for key in keys.tolist():
            found.update(self._pending.get(key, ()))
        return found


def _estimate(a: NDArray[np.uint32], b: NDArray[np.uint32]) -> float:
    return float(np.count_nonzero(a == b)) / SKETCH_SIZE


class Matcher:
    """Decides, article by article of an import, which are copies of material already stored.

    Opening a matcher sketches the library's articles that have no sketch yet (a library from
    before issue 6, or articles imported with merging off) and loads all sketches into
    memory (512 bytes per article).

    Args:
        store: the library.
        threshold: the Jaccard similarity from which texts are merged (0 < threshold ≤ 1).
    """

    def __init__(self, store: Store, threshold: float = DEFAULT_SIMILARITY) -> None:
        self.store = store
        self.threshold = threshold
        self._floor = threshold - _MARGIN
        self._bands = _Bands(threshold)
        self._sketches: dict[int, NDArray[np.uint32]] = {}
        self._cache: dict[int, Fingerprint] = {}
        self.register_missing()
        ids: list[int] = []
        rows: list[NDArray[np.uint32]] = []
        for article_id, blob in store.iter_sketches():
            sketch = np.frombuffer(blob, dtype="<u4").astype(np.uint32)
            self._sketches[article_id] = sketch
            ids.append(article_id)
            rows.append(sketch)
        if rows:
            self._bands.add_many(np.array(ids, dtype=np.int64), np.stack(rows))

    def register_missing(self) -> int:
        """Sketch (and link the law versions of) stored articles that have no sketch yet."""
        count = 0
        for batch in self.store.iter_unsketched(batch=200):
            with self.store.atomic():
                for text in batch:
                    self.register(text.id, read_article(text), index=False)
                    count += 1
        return count

    def register(self, article_id: int, fp: Fingerprint, *, index: bool = True) -> None:
        """:func:`register` a new canonical article and add it to the candidates."""
        register(self.store, article_id, fp)
        if index and fp.sketch is not None:
            self._sketches[article_id] = fp.sketch
            self._bands.add(article_id, fp.sketch)
            self._remember(article_id, fp)

    def _remember(self, article_id: int, fp: Fingerprint) -> None:
        """Keep the most recent fingerprints (a copy tends to follow its original closely)."""
        if len(self._cache) >= _FINGERPRINT_CACHE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[article_id] = fp

    def _stored(self, article_id: int) -> Fingerprint:
        found = self._cache.get(article_id)
        if found is None:
            found = read_article(self.store.article_text(article_id))
            self._remember(article_id, found)
        return found

    def similarity(self, a: Fingerprint, b: Fingerprint) -> float | None:
        """The exact similarity of ``a`` and ``b`` when they may merge, else ``None``.

        Laws merge only with the same title and version (their dates are those of the
        first adoption, shared by all versions); other texts only when they do not state
        different dates; short texts only when identical.
        """
        same_law = (
            a.is_law
            and b.is_law
            and a.title_key == b.title_key
            and a.version is not None
            and a.version == b.version
        )
        if (a.is_law or b.is_law) and not same_law:
            return None
        if not a.is_law and _dates_differ(a, b):
            return None
        needed = self.threshold if min(a.chars, b.chars) >= MIN_CHARS else 1.0
        value = jaccard(a, b)
        return value if value >= needed else None

    def best_match(self, fp: Fingerprint) -> tuple[int, float] | None:
        """The stored article ``fp`` is a copy of, with the similarity; ``None`` if new."""
        if fp.sketch is None:
            return None
        best: tuple[int, float] | None = None
        for candidate in sorted(self._bands.query(fp.sketch)):
            if _estimate(fp.sketch, self._sketches[candidate]) < self._floor:
                continue
            value = self.similarity(fp, self._stored(candidate))
            if value is not None and (best is None or value > best[1]):
                best = (candidate, value)
        return best

    def decide(
        self, drafts: Sequence[ArticleDraft], corrections: Sequence[tuple[Correction, ...]]
    ) -> tuple[list[Fingerprint], dict[int, Merge]]:
        """Fingerprints of a file's articles and which of them to store as copies.

        Each article is compared with the library (including earlier files of this import)
        and with the earlier articles of its own file that are not copies themselves.

        Args:
            drafts: the file's articles.
            corrections: per article, what hygiene changed in it (kept with a copy).

        Returns:
            ``(fingerprints, merges)``: merges by article index in the file.
        """
        fps = [
            fingerprint(
                d.title,
                d.genre,
                [p.text for p in d.paragraphs],
                issued_on=d.issued_on,
                year=d.year,
            )
            for d in drafts
        ]
        merges: dict[int, Merge] = {}
        for i, fp in enumerate(fps):
            if fp.sketch is None:
                continue
            found = self.best_match(fp)
            best: tuple[float, int | None, int | None] | None = (
                (found[1], found[0], None) if found else None
            )
            for j in range(i):
                other = fps[j].sketch
                if j in merges or other is None or _estimate(fp.sketch, other) < self._floor:
                    continue
                value = self.similarity(fp, fps[j])
                if value is not None and (best is None or value > best[0]):
                    best = (value, None, j)
            if best is not None:
                merges[i] = Merge(
                    best[0], article_id=best[1], draft=best[2], corrections=corrections[i]
                )
        return fps, merges
