"""Exact best matches of a large result set in the PostgreSQL index: score bounds per block.

Scoring every match of a common term in SQL takes seconds; tantivy finds its best ones in
milliseconds because it knows, for each block of documents, how high a score in that block
can be (block-max WAND). This module does the same over data a rebuild keeps beside the
bitmaps (see :func:`sucai.search.pg._add_bitmaps`):

* per kind, **columns** indexed by a document's ordinal ``n``: the one-byte lengths BM25
  reads (as codes into tantivy's length table), the heading flag, the article, the order of
  equal scores and the filters (``search_columns``);
* per lexeme with a bitmap, the documents holding it **more than once** and how often
  (``tfs``), and the most it occurs in one document of each block of :data:`BLOCK` ordinals
  (``peaks``); the same per segmenter word (``search_words``; a rare word's postings).

A document's score is a sum of clauses (:class:`Clause`), each growing with a term
frequency and shrinking with a length. A word's frequency is known; a substring occurs no
more often than any of its bigrams, so their frequencies bound the clauses of longer terms
and of the terms written together (exactly for a term of one or two characters). The bound
of a block takes its highest frequencies and shortest lengths — apart for the documents of
articles whose title holds a word of the query and the others, since the title clause lifts
only the former; the bound of a document its own. :func:`best` opens blocks best bound
first, scores the documents with the highest bounds exactly in SQL, and stops when the best
``wanted`` scores found beat every bound left: the same documents, in the same order, as
scoring every match.
"""

from __future__ import annotations

import itertools
import json
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

__all__ = [
    "BLOCK",
    "Cache",
    "Clause",
    "Columns",
    "Found",
    "Lexeme",
    "Scoring",
    "Tally",
    "Titled",
    "best",
    "build_columns",
    "lexemes_of",
    "stored",
]

#: Documents per block: the unit whose highest score is bounded.
BLOCK: Final = 1024
#: Bytes of a block in a bitmap.
_BLOCK_BYTES: Final = BLOCK // 8
#: A bound is raised by this much (relative) before it is rounded to the 32-bit float the
#: ranking compares: NumPy's sums may round differently from PostgreSQL's in the last bits.
_MARGIN: Final = 1e-12
#: The per-ordinal columns of a kind and their types (see :func:`build_columns`).
_COLUMN_TYPES: Final = {
    "un": np.uint8,
    "bn": np.uint8,
    "wn": np.uint8,
    "tn": np.uint8,
    "heading": np.bool_,
    "article": np.int32,
    "pos": np.int32,
    "rid": np.int64,
    "year": np.int16,
    "genre": np.int32,
    "role": np.int32,
    "source": np.int32,
}
#: Bytes of lexeme data a server keeps decoded between searches.
_CACHE_BYTES: Final = 256 * 1024 * 1024


# --- building -------------------------------------------------------------------------------


def _keys(terms: Iterable[str]) -> dict[int, str]:
    """A number for each character or bigram: its code points side by side."""
    return {(ord(t[0]) << 21 | ord(t[1])) if len(t) == 2 else ord(t): t for t in terms}


Postings = tuple[np.ndarray, np.ndarray]


class Tally:
    """Counts, over a kind's documents read chunk by chunk, how often each of some lexemes
    occurs in each document (overlapping occurrences too, as the ranking counts them) and
    each segmenter word."""

    def __init__(self, terms: Sequence[str]) -> None:
        self.keys = _keys(terms)
        self.wanted = np.array(sorted(self.keys), dtype=np.uint64)
        self.vocabulary: dict[str, int] = {}
        self.found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.words: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, ordinals: np.ndarray, texts: list[str], words: list[str]) -> None:
        """Count the documents of ``ordinals``: their folded texts and their words (as
        stored: each word in its own spaces)."""
        ordinals = ordinals.astype(np.uint64)
        if len(self.keys):
            lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
            points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
            points = points.astype(np.uint64)
            doc = np.repeat(ordinals << np.uint64(42), lengths)
            same = doc[:-1] == doc[1:]
            pairs = (points[:-1] << np.uint64(21) | points[1:])[same] | doc[:-1][same]
            for combined in (doc | points, pairs):
                lexeme, ordinal, count = _counted(combined, 42)
                many = (count > 1) & np.isin(lexeme, self.wanted)
                self.found.append((lexeme[many], ordinal[many], count[many]))
        split = [w.split() for w in words]
        vocabulary = self.vocabulary
        ids = np.fromiter(
            (vocabulary.setdefault(w, len(vocabulary)) for ws in split for w in ws),
            dtype=np.uint64,
        )
        doc = np.repeat(ordinals << np.uint64(32), [len(ws) for ws in split])
        self.words.append(_counted(doc | ids, 32))

    def repeats(self) -> dict[str, Postings]:
        """For each lexeme, the documents holding it more than once and how often."""
        return {self.keys[int(k)]: p for k, p in _grouped(self.found)}

    def postings(self) -> dict[str, Postings]:
        """For each word, the documents holding it and how often."""
        words = list(self.vocabulary)
        return {words[int(k)]: p for k, p in _grouped(self.words)}


def _counted(combined: np.ndarray, shift: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(what, ordinal)`` pairs packed as ``ordinal << shift | what``, counted: each
    distinct pair's ``what``, ordinal and count."""
    values, counts = np.unique(combined, return_counts=True)
    what = values & np.uint64((1 << shift) - 1)
    return what, (values >> np.uint64(shift)).astype(np.int32), counts.astype(np.int32)


def _grouped(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> Iterator[tuple[np.uint64, Postings]]:
    """The counted pairs of every chunk by ``what``: ordinals ascending and their counts."""
    if not parts:
        return
    what = np.concatenate([p[0] for p in parts])
    ordinal = np.concatenate([p[1] for p in parts])
    count = np.concatenate([p[2] for p in parts])
    order = np.lexsort((ordinal, what))
    what, ordinal, count = what[order], ordinal[order], count[order]
    cuts = [0, *(np.flatnonzero(np.diff(what)) + 1).tolist(), len(what)]
    for a, b in itertools.pairwise(cuts):
        if b > a:
            yield what[a], (ordinal[a:b], count[a:b])


def stored(
    size: int, ordinals: np.ndarray, counts: np.ndarray, *, common: bool
) -> tuple[bytes | None, bytes | None, bytes | None]:
    """``(bits, tfs, peaks)`` of a lexeme or word as stored, from every document holding it
    (``ordinals`` ascending, among ``size``) and how often. A common one: its bitmap
    (little-endian bits), the documents holding it more than once with their counts
    (``tfs``) and the most it occurs in one document of each block (``peaks``), compressed;
    a rare one: its postings (``tfs``) only. :class:`Lexeme` reads either."""
    if not common:
        return None, _pack(ordinals, counts), None
    many = counts > 1
    return (
        zlib.compress(_bitmap(size, ordinals).tobytes(), 1),
        _pack(ordinals[many], counts[many]),
        zlib.compress(_peaks(size, ordinals, counts).tobytes(), 1),
    )


def _bitmap(size: int, ordinals: np.ndarray) -> np.ndarray:
    """The packed bitmap (little-endian bits, whole blocks) of ``ordinals`` among ``size``."""
    bits = np.zeros(-(-size // BLOCK) * BLOCK, dtype=bool)
    bits[ordinals] = True
    return np.packbits(bits, bitorder="little")


def _peaks(size: int, ordinals: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The highest of ``counts`` in each block of ``size`` ordinals (0 where none)."""
    top = np.zeros(-(-size // BLOCK), dtype="<i4")
    np.maximum.at(top, ordinals // BLOCK, counts)
    return top


def _blocked(values: np.ndarray, size: int, fill: object) -> np.ndarray:
    """``values`` of ``size`` documents as one row per block, the last one filled up."""
    blocks = -(-size // BLOCK)
    padded = np.full(blocks * BLOCK, fill, dtype=values.dtype)
    padded[:size] = values
    return padded.reshape(blocks, BLOCK)


#: The narrowest unsigned type for a non-negative value, and its code in :func:`_pack`.
_WIDTHS: Final = ((np.uint8, 255), (np.uint16, 65535), (np.uint32, 2**32 - 1))


def _pack(ordinals: np.ndarray, counts: np.ndarray) -> bytes | None:
    """Postings as stored, compressed (``None`` for none): a byte naming the widths, then the
    gaps between the ascending ordinals and the counts, each in the narrowest unsigned type
    that holds them (decompressing fewer bytes is most of reading them)."""
    if not len(ordinals):
        return None
    gaps = np.diff(ordinals.astype(np.int64), prepend=0)
    parts = []
    code = 0
    for shift, values in ((0, gaps), (2, counts)):
        width = next(i for i, (_, top) in enumerate(_WIDTHS) if values.max() <= top)
        code |= width << shift
        parts.append(values.astype(_WIDTHS[width][0]).tobytes())
    return zlib.compress(bytes([code]) + b"".join(parts), 1)


def _unpack(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """What :func:`_pack` stored: ordinals (int64) and counts."""
    raw = zlib.decompress(data)
    gap_type, count_type = _WIDTHS[raw[0] & 3][0], _WIDTHS[raw[0] >> 2][0]
    size = (len(raw) - 1) // (np.dtype(gap_type).itemsize + np.dtype(count_type).itemsize)
    split = 1 + size * np.dtype(gap_type).itemsize
    ordinals = np.cumsum(np.frombuffer(raw, dtype=gap_type, count=size, offset=1), dtype=np.int64)
    return ordinals, np.frombuffer(raw, dtype=count_type, offset=split)


def build_columns(rows: dict[str, np.ndarray], values: dict[str, list[object]]) -> dict[str, bytes]:
    """The stored form of a kind's columns (see :data:`_COLUMN_TYPES`), by name."""
    out = {
        name: zlib.compress(rows[name].astype(kind).tobytes(), 1)
        for name, kind in _COLUMN_TYPES.items()
    }
    out["values"] = zlib.compress(json.dumps(values, ensure_ascii=False).encode(), 1)
    return out


# --- reading ---------------------------------------------------------------------------------


def lexemes_of(text: str) -> list[str]:
    """The characters or bigrams that a document holding ``text`` holds (each at least as
    often): the text itself when it is one or two characters long, else its bigrams."""
    if len(text) <= 2:
        return [text]
    return list(dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)))


@dataclass(frozen=True, slots=True)
class Clause:
    """One addend of the score: ``c1·tf / (tf + c2 + c3·length)`` (BM25), or a constant.

    ``what``: ``one`` (a character term: tf 1), ``text`` (a term, or the terms written
    together: tf its occurrences in the text, bounded by its lexemes'), ``word`` (a segmenter
    word: tf its occurrences in the words, known exactly), ``title`` (tf 1 when the
    article's title holds the word ``text``), ``heading`` (``c1`` for a heading). ``norm``:
    the length's column (``un``, ``bn``, ``wn``, ``tn``).
    """

    what: str
    text: str
    norm: str
    c1: float
    c2: float = 0.0
    c3: float = 0.0

    def lexemes(self) -> list[str]:
        """The characters or bigrams whose frequencies bound this clause's tf."""
        return lexemes_of(self.text) if self.what == "text" else []

    def value(self, tf: np.ndarray | float, length: np.ndarray) -> np.ndarray:
        """The clause for ``tf`` and ``length`` (as SQL computes it, operation by operation)."""
        return np.asarray(self.c1 * tf / (tf + self.c2 + self.c3 * length), dtype=np.float64)


class Columns:
    """A kind's per-ordinal columns (see :data:`_COLUMN_TYPES`), decoded, and per block the
    shortest lengths and whether it holds a heading."""

    def __init__(self, stored: dict[str, bytes], norms: np.ndarray) -> None:
        self.data: dict[str, np.ndarray] = {
            name: np.frombuffer(zlib.decompress(stored[name]), dtype=kind)
            for name, kind in _COLUMN_TYPES.items()
        }
        self.values: dict[str, list[object]] = json.loads(zlib.decompress(stored["values"]))
        self.size = len(self.data["un"])
        blocks = -(-self.size // BLOCK)
        self.blocks = blocks
        self.norms = norms
        self.least = {
            name: norms[_blocked(self.data[name], self.size, 255).min(axis=1)]
            for name in ("un", "bn", "wn", "tn")
        }
        self.headed = np.asarray(_blocked(self.data["heading"], self.size, False).any(axis=1))
        # The ordinals by article, to find the documents of some articles.
        self.by_article = np.argsort(self.data["article"], kind="stable").astype(np.int32)
        self.articles = self.data["article"][self.by_article]
        self.nbytes = (
            sum(a.nbytes for a in self.data.values())
            + self.by_article.nbytes
            + self.articles.nbytes
        )

    def of_articles(self, articles: np.ndarray) -> np.ndarray:
        """The ordinals of the documents of ``articles`` (distinct ids)."""
        low = np.searchsorted(self.articles, articles, "left")
        lengths = np.searchsorted(self.articles, articles, "right") - low
        starts = np.repeat(low - np.cumsum(lengths) + lengths, lengths)
        return np.asarray(self.by_article[starts + np.arange(int(lengths.sum()))])

    def length(self, name: str, ordinals: np.ndarray) -> np.ndarray:
        return np.asarray(self.norms[self.data[name][ordinals]], dtype=np.float64)

    def mask(self, filters: dict[str, object]) -> np.ndarray | None:
        """The documents passing the filters (``None``: no filter)."""
        if not filters:
            return None
        keep = np.ones(self.size, dtype=bool)
        for name, wanted in filters.items():
            if name == "year_from":
                keep &= self.data["year"] >= int(wanted)  # type: ignore[call-overload]
            elif name == "year_to":
                year = self.data["year"]
                keep &= (year >= 1) & (year <= int(wanted))  # type: ignore[call-overload]
            else:
                values = self.values[name]
                if wanted not in values:
                    return np.zeros(self.size, dtype=bool)
                keep &= self.data[name] == values.index(wanted)
        return keep


class Lexeme:
    """The documents holding a lexeme or a word, and how often, decoded: as stored for a
    common one (a bitmap, the repeats, the peaks) or a rare one (its postings)."""

    def __init__(
        self, size: int, bits: bytes | None, tfs: bytes | None, tops: bytes | None
    ) -> None:
        blocks = -(-size // BLOCK)
        ordinals = counts = np.zeros(0, dtype=np.int64)
        if tfs is not None:
            ordinals, counts = _unpack(tfs)
        if bits is None:
            # A rare one: its postings are every document holding it.
            ordinals = ordinals[ordinals < size]
            counts = counts[: len(ordinals)]
            self.bits = _bitmap(size, ordinals)
            peaks = _peaks(size, ordinals, counts)
        else:
            self.bits = np.zeros(blocks * _BLOCK_BYTES, dtype=np.uint8)
            packed = np.frombuffer(zlib.decompress(bits), dtype=np.uint8)[: len(self.bits)]
            self.bits[: len(packed)] = packed
            peaks = np.zeros(blocks, dtype="<i4")
            if tops is not None:
                peaks = np.frombuffer(zlib.decompress(tops), dtype="<i4")[:blocks]
        self.peaks = peaks.astype(np.float64)
        many = counts > 1
        # Only the documents holding it more than once (the others hold it once).
        self.ordinals, self.counts = ordinals[many], counts[many]
        self.nbytes = self.bits.nbytes + self.ordinals.nbytes * 2 + self.peaks.nbytes

    def tf(self, ordinals: np.ndarray) -> np.ndarray:
        """How often the lexeme occurs in each document of ``ordinals`` (0: not at all)."""
        byte = self.bits[ordinals >> 3]
        held: np.ndarray = ((byte >> (ordinals & 7).astype(np.uint8)) & 1).astype(np.float64)
        if len(self.ordinals):
            where = np.minimum(np.searchsorted(self.ordinals, ordinals), len(self.ordinals) - 1)
            hit = self.ordinals[where] == ordinals
            held[hit] = self.counts[where[hit]]
        return held


class Titled:
    """The articles whose title holds a word (a flag by article id), and the blocks of a
    kind holding a document of one of them."""

    def __init__(self, columns: Columns, articles: np.ndarray) -> None:
        self.flags = np.zeros(int(articles.max()) + 1 if len(articles) else 0, dtype=bool)
        self.flags[articles] = True
        #: The documents of those articles, as a packed bitmap.
        self.bits = _bitmap(columns.size, columns.of_articles(np.unique(articles)))
        self.blocks = np.asarray(self.bits.reshape(columns.blocks, _BLOCK_BYTES).any(axis=1))
        self.nbytes = self.flags.nbytes + self.blocks.nbytes + self.bits.nbytes

    def held(self, articles: np.ndarray) -> np.ndarray:
        """Whether the title of each of ``articles`` holds the word."""
        out = np.zeros(len(articles), dtype=bool)
        inside = articles < len(self.flags)
        out[inside] = self.flags[articles[inside]]
        return out


class Cache:
    """Decoded columns and lexemes of one index build, kept between searches (LRU by bytes)."""

    def __init__(self, limit: int = _CACHE_BYTES) -> None:
        self.limit = limit
        self.build = ""
        self.items: OrderedDict[tuple[object, ...], Any] = OrderedDict()
        self.used = 0
        self.lock = threading.Lock()

    def peek(self, build: str, key: tuple[object, ...]) -> Any:
        """What is kept under ``key`` for ``build`` (``None``: nothing)."""
        with self.lock:
            if build != self.build:
                self.items.clear()
                self.used = 0
                self.build = build
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, build: str, key: tuple[object, ...], value: Any) -> None:
        """Keep ``value`` (with its ``nbytes``), dropping the least recently used."""
        with self.lock:
            if build == self.build and key not in self.items:
                self.items[key] = value
                self.used += value.nbytes
                while self.used > self.limit and len(self.items) > 1:
                    _, old = self.items.popitem(last=False)
                    self.used -= old.nbytes

    def drop(self, *what: str) -> None:
        """Forget every item whose key starts with one of ``what`` (``columns``, ``lexeme``,
        ``word``, ``titled``)."""
        with self.lock:
            for key in [k for k in self.items if k[0] in what]:
                self.used -= self.items.pop(key).nbytes

    def get(self, build: str, key: tuple[object, ...], make: Callable[[], Any]) -> Any:
        """What is kept under ``key``, made and kept first if need be."""
        value = self.peek(build, key)
        if value is None:
            value = make()
            self.put(build, key, value)
        return value


@dataclass(frozen=True, slots=True)
class Found:
    """A document scored exactly: its score (as the ranking compares it) and tie order."""

    score: float
    key: tuple[int, int]
    row: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Scoring:
    """What bounds a query's scores in one kind.

    Attributes:
        columns: the kind's columns.
        clauses: the score.
        lexemes: the data of lexemes the ``text`` clauses name (a clause whose lexemes are
            all missing takes its highest value).
        words: the data of the words of the ``word`` clauses.
        titled: for each ``title`` clause's word, the articles whose title holds it.
        paragraphs: equal scores go by row id (else by article and position).
    """

    columns: Columns
    clauses: Sequence[Clause]
    lexemes: dict[str, Lexeme]
    words: dict[str, Lexeme]
    titled: dict[str, Titled]
    paragraphs: bool


def _rank(found: Found) -> tuple[float, tuple[int, int]]:
    return (-found.score, found.key)


def best(
    scoring: Scoring,
    candidates: np.ndarray,
    wanted: int,
    score: Callable[[np.ndarray], list[Found]],
    found: list[Found],
) -> list[Found]:
    """The best ``wanted`` documents, best first (equal scores by key): of ``found`` and of
    the documents among ``candidates`` that ``score`` finds to match.

    Args:
        scoring: the score and what bounds it.
        candidates: the packed bitmap of the documents that may match (every match with an
            ordinal is among them), :data:`BLOCK` bits to a block.
        wanted: how many.
        score: the exact scores of the documents of some ordinals that match.
        found: documents scored already (the matches without an ordinal).
    """
    blocks = scoring.columns.blocks
    # The documents of articles whose title holds a word of a title clause, and the others:
    # each block is bounded twice, with the title clauses for the former only.
    inside = np.zeros_like(candidates)
    for clause in scoring.clauses:
        if clause.what == "title":
            inside |= scoring.titled[clause.text].bits
    parts = [candidates & inside, candidates & ~inside]
    columns = scoring.columns

    def title_blocks(word: str) -> np.ndarray | None:
        return scoring.titled[word].blocks

    bound = np.concatenate(
        [
            _total(
                scoring,
                blocks,
                length=lambda norm: columns.least[norm],
                heading=columns.headed,
                titled=titled,
                tf=lambda data: data.peaks,
            )
            # The first part's blocks may hold titled documents, the second's none.
            for titled in (title_blocks, lambda word: None)
        ]
    )
    present = np.concatenate([p.reshape(blocks, _BLOCK_BYTES).any(axis=1) for p in parts])
    # As the ranking compares them (32-bit floats), rounded up.
    bound = (bound * (1 + 1e-9)).astype(np.float32).astype(np.float64)
    order = np.argsort(-bound, kind="stable")
    order = order[present[order]]
    opened = 0
    group = 4
    # The unscored candidates of the opened blocks, best bound first (equal ones by key).
    pending = np.zeros(0, dtype=np.float64)
    keys = np.zeros((0, 2), dtype=np.int64)
    ordinals = np.zeros(0, dtype=np.int64)
    ranked = sorted(found, key=_rank)
    batch = max(wanted, 16)
    while True:
        next_block = bound[order[opened]] if opened < len(order) else -np.inf
        top = pending[0] if len(pending) else -np.inf
        if next_block == -np.inf and top == -np.inf:
            break
        if len(ranked) >= wanted:
            kth = ranked[wanted - 1]
            # Nothing left can come before the last one wanted.
            if kth.score > next_block and (
                kth.score > top or (kth.score == top and tuple(keys[0]) > kth.key)
            ):
                break
        if next_block > top:
            chosen = order[opened : opened + group]
            chosen = chosen[bound[chosen] > top]
            opened += len(chosen)
            group *= 2
            for part, bits in enumerate(parts):
                mine = chosen[chosen // blocks == part] % blocks
                b, k, o = _open(scoring, mine, bits)
                pending = np.concatenate([pending, b])
                keys = np.concatenate([keys, k])
                ordinals = np.concatenate([ordinals, o])
            sort = np.lexsort((keys[:, 1], keys[:, 0], -pending))
            pending, keys, ordinals = pending[sort], keys[sort], ordinals[sort]
            continue
        take = min(batch, len(pending))
        if len(ranked) >= wanted:
            # Only those that may beat the last one wanted.
            take = min(
                take, max(1, int(np.searchsorted(-pending, -ranked[wanted - 1].score, "right")))
            )
        ranked = sorted([*ranked, *score(ordinals[:take])], key=_rank)
        pending, keys, ordinals = pending[take:], keys[take:], ordinals[take:]
        batch *= 2
    return ranked[:wanted]


def _total(
    scoring: Scoring,
    size: int,
    *,
    length: Callable[[str], np.ndarray],
    heading: np.ndarray,
    titled: Callable[[str], np.ndarray | None],
    tf: Callable[[Lexeme], np.ndarray],
) -> np.ndarray:
    """The highest score each of ``size`` blocks or documents can have: the clauses summed
    in the score's order (as SQL sums them) from their ``length`` (by column), ``heading``
    flags, whether the article's title holds a word (``titled``; ``None``: none does), and the
    highest ``tf`` of a lexeme's or word's data."""
    total = np.zeros(size, dtype=np.float64)
    for clause in scoring.clauses:
        if clause.what == "heading":
            value = np.where(heading, clause.c1, 0.0)
        elif clause.what == "one":
            value = clause.value(1.0, length(clause.norm))
        elif clause.what == "title":
            held = titled(clause.text)
            if held is None:
                continue
            value = np.where(held, clause.value(1.0, length(clause.norm)), 0.0)
        else:
            if clause.what == "word":
                data = [scoring.words[clause.text]]
            else:
                data = [scoring.lexemes[g] for g in clause.lexemes() if g in scoring.lexemes]
            most = _least([tf(d) for d in data])
            # Without data, BM25 stays below c1.
            value = (
                np.full(size, clause.c1)
                if most is None
                else clause.value(most, length(clause.norm))
            )
        total = total + value
    return total


def _least(arrays: list[np.ndarray]) -> np.ndarray | None:
    """The elementwise minimum (``None`` of none)."""
    if not arrays:
        return None
    out = arrays[0]
    for a in arrays[1:]:
        out = np.minimum(out, a)
    return out


def _open(
    scoring: Scoring, chosen: np.ndarray, candidates: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``candidates`` of the blocks ``chosen``: their bounds (rounded up to the 32-bit
    floats the ranking compares), keys and ordinals."""
    columns = scoring.columns
    rows = candidates.reshape(columns.blocks, _BLOCK_BYTES)[chosen]
    # Only the bytes holding a candidate are unpacked (candidates are often sparse).
    block, byte = np.nonzero(rows)
    bits = np.unpackbits(rows[block, byte][:, None], axis=1, bitorder="little")
    at, bit = np.nonzero(bits)
    ordinals = (chosen[block[at]].astype(np.int64) * BLOCK) + byte[at] * 8 + bit
    ordinals = ordinals[ordinals < columns.size]
    total = _total(
        scoring,
        len(ordinals),
        length=lambda norm: columns.length(norm, ordinals),
        heading=np.asarray(columns.data["heading"][ordinals]),
        titled=lambda word: scoring.titled[word].held(columns.data["article"][ordinals]),
        tf=lambda data: data.tf(ordinals),
    )
    rounded = (total * (1 + _MARGIN)).astype(np.float32).astype(np.float64)
    if scoring.paragraphs:
        first = columns.data["rid"][ordinals].astype(np.int64)
        second = np.zeros(len(ordinals), dtype=np.int64)
    else:
        first = columns.data["article"][ordinals].astype(np.int64)
        second = columns.data["pos"][ordinals].astype(np.int64)
    return rounded, np.stack([first, second], axis=1), ordinals
