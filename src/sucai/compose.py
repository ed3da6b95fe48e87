"""写作台 (issue 20): a topic's 提纲 patterns, grouped, and the material for each heading.

A writer asks for a topic (优化营商环境); :mod:`sucai.library_compose` finds the articles that
match it best and hands their outlines here. This module holds the rules, pure functions over
models, and no language model.

**Which headings make an article's skeleton.** The outline entries of its top level that has
at least :data:`MIN_HEADINGS` entries, leaving out the 条 of a law (第十二条 is a provision, not
a part of a skeleton), enumerations (一是/二是) and lead sentences. An article whose top level
has more than :data:`MAX_HEADINGS` entries (a law without chapters) has no skeleton.

**Where a heading stands.** By its place among its article's skeleton headings: the first is
the *opening* (开头), the last the *closing* (结尾), the others the *body* (主体). A skeleton
of two headings has an opening and a closing.

**Which headings say the same thing.** Two steps:

1. *Themes.* The three moves every 讲话 makes have stock wording: raising awareness at the
   opening (提高站位 · 统一思想: 站位, 认识, 意义, 思想 …), the focus of the work in the body
   (聚焦重点 · 精准发力: 重点, 聚焦, 精准, 发力, 突出 …) and making it happen at the close
   (强化保障 · 狠抓落实: 保障, 落实, 领导, 责任, 考核 …). A heading that holds a cue of a
   theme joins it when it stands where the theme belongs, or holds two of its cues anywhere
   (认识 in a body heading is no opening, 提高认识 统一思想 is). The cues are
   :data:`THEMES`, a short list a writer can read.
2. *Shared words.* The other headings of the same position are linked when they share a
   content word: a segmenter word (the 提法 dictionary of :mod:`sucai.search.tokenize` keeps
   营商环境, 乡村振兴 … whole) of two or more characters that is neither in the topic nor one
   of the verbs and fillers every heading has (加强, 推进, 工作 …: :data:`FILLERS`). Linked
   headings form a group (single link), named by their most shared word.

Groups come opening first, then body groups by how many articles they span (most first), then
the closing; a heading no other heading joins is a group of its own.

**Near-duplicate paragraphs** among a heading's candidates are folded: a paragraph whose
5-character shingles (as :mod:`sucai.ingest.neardup` counts them) overlap an earlier, better
ranked one's by :data:`FOLD_SIMILARITY` or more (Jaccard) is counted on it, not shown again.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final, Literal

from sucai.groups import connected_groups
from sucai.ingest.neardup import fingerprint, jaccard
from sucai.search.tokenize import index_text, word_tokens

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sucai.ingest.neardup import Fingerprint
    from sucai.models import Article

__all__ = [
    "FILLERS",
    "FOLD_SIMILARITY",
    "MAX_HEADINGS",
    "MIN_HEADINGS",
    "THEMES",
    "Composition",
    "Heading",
    "HeadingGroup",
    "LawQuote",
    "LawStatus",
    "Piece",
    "Position",
    "Skeleton",
    "fold_pieces",
    "group_headings",
    "heading_words",
    "skeleton",
]

Position = Literal["opening", "body", "closing"]

#: Fewest and most entries of the outline level that is an article's skeleton.
MIN_HEADINGS: Final = 3
MAX_HEADINGS: Final = 14
#: Jaccard similarity of shingle sets from which two candidate paragraphs are one (folded).
FOLD_SIMILARITY: Final = 0.5

#: (name, where it belongs, cue words): the stock moves of a 讲话 (see the module docstring).
THEMES: Final[tuple[tuple[str, Position, tuple[str, ...]], ...]] = (
    (
        "提高站位 · 统一思想",
        "opening",
        ("站位", "认识", "意义", "思想", "形势", "使命", "重要性", "紧迫"),
    ),
    ("聚焦重点 · 精准发力", "body", ("重点", "聚焦", "精准", "发力", "突出", "主攻", "关键")),
    (
        "强化保障 · 狠抓落实",
        "closing",
        ("保障", "落实", "领导", "责任", "考核", "督查", "督导", "作风", "合力", "组织"),
    ),
)

#: Words every heading may hold, which say nothing of what it is about.
FILLERS: Final = frozenset(
    {
        "加强",
        "推进",
        "推动",
        "坚持",
        "持续",
        "全面",
        "深化",
        "进一步",
        "着力",
        "大力",
        "切实",
        "不断",
        "扎实",
        "积极",
        "努力",
        "工作",
        "建设",
        "发展",
        "提升",
        "提高",
        "加快",
        "强化",
        "完善",
        "健全",
        "做好",
        "抓好",
        "抓实",
        "实施",
        "促进",
        "优化",
        "打造",
        "构建",
        "坚决",
        "始终",
        "更加",
        "总则",
        "附则",
        "我们",
        "今年",
        "当前",
        "主要",
        "方面",
        "一步",
        "有效",
        "进行",
        "全力",
        "突出",
        "重点",
        "关于",
        "问题",
        "体系",
        "机制",
        "水平",
        "能力",
        "质量",
        "一要",
        "二要",
        "三要",
        "四要",
        "五要",
    }
)

_CUES: Final = frozenset(cue for _name, _position, cues in THEMES for cue in cues)
_WORD: Final = re.compile(r"[\u4e00-\u9fff]{2,}")
#: An outline marker at a heading's start (一、（二）3.), dropped before words are taken.
_MARKER: Final = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[编章节]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.．、])\s*"
)
_ARTICLE_ENTRY: Final = re.compile(r"^第[一二三四五六七八九十百千零〇\d]+条")


@dataclass(frozen=True, slots=True)
class Heading:
    """One heading of a skeleton.

    Attributes:
        article_id: its article.
        entry: its outline entry's index in the article.
        paragraph: the paragraph it stands on.
        text: the heading as written.
        position: where it stands in its skeleton (see the module docstring).
        words: its content words (:func:`heading_words`).
    """

    article_id: int
    entry: int
    paragraph: int
    text: str
    position: Position
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LawStatus:
    """Whether a law is in force, as the library's linked versions tell (issue 20).

    Attributes:
        status: ``现行有效``, ``已修正`` or ``已废止``.
        by_id, by_title, by_version: the later version that amends it, or the law that
            repeals it (``None`` for one in force).
    """

    status: str
    by_id: int | None = None
    by_title: str | None = None
    by_version: str | None = None

    @property
    def label(self) -> str:
        """``已修正（2021-06-10 版）``: the status and what changed it, for a page or a table."""
        if self.by_id is None:
            return self.status
        if self.status == "已废止":
            return f"{self.status}（{self.by_title}）"
        return f"{self.status}（{self.by_version or self.by_title} 版）"


@dataclass(frozen=True, slots=True)
class LawQuote:
    """A draft quoting a law that is no longer in force (``check-hygiene``, issue 20).

    Attributes:
        paragraph: 0-based index of the draft paragraph (line) it is in.
        start, end: ``[start, end)`` character offsets in that paragraph.
        text: the quoted text, or the law's title as the draft writes it.
        article_id: the law it quotes (a superseded version, or a repealed law).
        status: that law's status.
        message: what to do, in Chinese for writers.
    """

    paragraph: int
    start: int
    end: int
    text: str
    article_id: int
    status: LawStatus
    message: str


@dataclass(frozen=True, slots=True)
class Skeleton:
    """One matched article and its skeleton headings, in order."""

    article_id: int
    title: str
    role: str | None
    genre: str
    issued_on: str | None
    year: int | None
    headings: tuple[Heading, ...]
    status: LawStatus | None = None


@dataclass(frozen=True, slots=True)
class Piece:
    """A candidate paragraph for a heading, with where it comes from.

    Attributes:
        article_id, paragraph: the source passage (``/article/ID#pN`` opens it marked).
        title, role, genre, issued_on, year: its article.
        text: the paragraph as stored.
        highlights: ``[start, end)`` character offsets of the search terms in ``text``.
        score: its search score (0 for a paragraph taken from under a heading).
        folded: how many near-duplicate paragraphs were folded into it.
        status: for a law, whether it is in force.
    """

    article_id: int
    paragraph: int
    title: str
    role: str | None
    genre: str
    issued_on: str | None
    year: int | None
    text: str
    highlights: tuple[tuple[int, int], ...]
    score: float
    folded: int = 0
    status: LawStatus | None = None


@dataclass(frozen=True, slots=True)
class HeadingGroup:
    """Headings of several articles that say the same thing.

    Attributes:
        number: 1-based, in the order shown (what ``--pick`` names).
        label: the theme, or the most shared word.
        position: where most of its headings stand.
        headings: its headings, by article rank.
        words: the words that tie them (empty for a theme or a lone heading).
        pieces: candidate paragraphs, best first (filled for the groups asked for).
    """

    number: int
    label: str
    position: Position
    headings: tuple[Heading, ...]
    words: tuple[str, ...]
    pieces: tuple[Piece, ...] = ()


@dataclass(frozen=True, slots=True)
class Composition:
    """What the 写作台 shows for a topic.

    Attributes:
        topic: the topic as asked.
        genre, role, year_from, year_to: the filters the articles were chosen with (the genre
            may have been widened: see ``notes``).
        skeletons: the best-matching articles with an outline, best first.
        groups: their headings grouped (see the module docstring).
        jinju: 金句 for the topic (issue 20, part 2), each with its source passage.
        notes: what the writer should know (a widened genre, no article found).
    """

    topic: str
    genre: str | None
    role: str | None
    year_from: int | None
    year_to: int | None
    skeletons: tuple[Skeleton, ...]
    groups: tuple[HeadingGroup, ...]
    jinju: tuple[Piece, ...] = ()
    notes: tuple[str, ...] = ()


def heading_words(text: str, topic: str) -> tuple[str, ...]:
    """The content words of a heading: segmenter words of ≥ 2 characters, folded, that are
    not in ``topic``, :data:`FILLERS` or the cues of :data:`THEMES`, in order, each once."""
    body = _bare(text)
    topic_folded = index_text(topic)
    words: dict[str, None] = {}
    for word in word_tokens(index_text(body)).split(" "):
        if (
            _WORD.fullmatch(word)
            and word not in FILLERS
            and word not in _CUES
            and word not in topic_folded
        ):
            words.setdefault(word, None)
    return tuple(words)


def skeleton(article: Article, topic: str) -> tuple[Heading, ...]:
    """The skeleton headings of ``article`` (see the module docstring); empty when it has
    none. Outline entries on paragraphs without text (withheld paid ones) are left out."""
    texts = {p.index: p.text for p in article.paragraphs}
    provisions: set[int] = set()  # a law's 条 and the entries under them
    for e in article.outline:
        if _ARTICLE_ENTRY.match(e.text) or e.parent in provisions:
            provisions.add(e.index)
    entries = [
        e
        for e in article.outline
        if e.kind not in ("lead", "enum") and e.index not in provisions and texts.get(e.paragraph)
    ]
    levels = sorted({e.level for e in entries})
    for level in levels:
        chosen = [e for e in entries if e.level == level]
        if len(chosen) >= MIN_HEADINGS:
            break
    else:
        return ()
    if len(chosen) > MAX_HEADINGS:
        return ()
    last = len(chosen) - 1
    return tuple(
        Heading(
            article.id,
            e.index,
            e.paragraph,
            e.text,
            "opening" if n == 0 else "closing" if n == last else "body",
            heading_words(e.text, topic),
        )
        for n, e in enumerate(chosen)
    )


def _theme(heading: Heading) -> int | None:
    """The theme a heading joins (index into :data:`THEMES`), if any."""
    for n, (_name, position, cues) in enumerate(THEMES):
        found = sum(1 for cue in cues if cue in heading.text)
        if found >= 2 or (found and heading.position == position):
            return n
    return None


def group_headings(skeletons: Sequence[tuple[Heading, ...]]) -> list[HeadingGroup]:
    """Group the headings of several skeletons (see the module docstring)."""
    themed: dict[int, list[Heading]] = {}
    rest: list[Heading] = []
    for headings in skeletons:
        for heading in headings:
            theme = _theme(heading)
            # A body theme takes only the headings that share no word with another (below).
            if theme is None or THEMES[theme][1] == "body":
                rest.append(heading)
            else:
                themed.setdefault(theme, []).append(heading)

    # Single link over shared words, within a position.
    first_with: dict[tuple[Position, str], int] = {}
    links: list[tuple[int, int]] = []
    for i, heading in enumerate(rest):
        # The same bare heading (总则, 附则) links as a word would.
        for word in (*heading.words, _bare(heading.text)):
            links.append((i, first_with.setdefault((heading.position, word), i)))
    clusters = {
        n: [rest[i] for i in members]
        for n, members in enumerate(connected_groups(range(len(rest)), links))
    }
    for cluster, members in list(clusters.items()):
        theme = _theme(members[0])
        if len(members) == 1 and theme is not None:
            themed.setdefault(theme, []).append(members[0])
            del clusters[cluster]

    groups: list[tuple[tuple[int, int, float], str, Position, list[Heading], tuple[str, ...]]] = []
    for n, members in themed.items():
        name, position, _cues = THEMES[n]
        order = {"opening": 0, "body": 1, "closing": 3}[position]
        groups.append(((order, -_spread(members), n), name, position, members, ()))
    for members in clusters.values():
        position = Counter(h.position for h in members).most_common(1)[0][0]
        counts = Counter(w for h in members for w in set(h.words))
        shared = tuple(w for w, c in counts.most_common() if c > 1)
        label = shared[0] if shared else _bare(members[0].text)
        order = {"opening": 0, "body": 2, "closing": 3}[position]
        groups.append(
            ((order, -_spread(members), _first_place(members)), label, position, members, shared)
        )
    groups.sort(key=lambda g: g[0])
    return [
        HeadingGroup(number, label, position, tuple(members), words)
        for number, (_key, label, position, members, words) in enumerate(groups, start=1)
    ]


def _bare(text: str) -> str:
    """A heading without its outline marker and spaces (``第一章　总　　则`` → ``总则``)."""
    return re.sub(r"\s+", "", _MARKER.sub("", text.strip()))


def _spread(members: Sequence[Heading]) -> int:
    """How many articles a group's headings come from."""
    return len({h.article_id for h in members})


def _first_place(members: Sequence[Heading]) -> float:
    """The earliest outline entry of a group's headings (orders body groups as written)."""
    return float(min(h.entry for h in members))


def fold_pieces(pieces: Sequence[Piece], limit: int) -> list[Piece]:
    """The best ``limit`` pieces, each near-duplicate of a better one folded into it (see
    :data:`FOLD_SIMILARITY`); ``pieces`` come best first."""
    kept: list[tuple[Piece, Fingerprint]] = []
    for piece in pieces:
        print_ = fingerprint("", "", [piece.text])
        for n, (other, other_print) in enumerate(kept):
            if jaccard(print_, other_print) >= FOLD_SIMILARITY:
                kept[n] = (_folded(other), other_print)
                break
        else:
            if len(kept) < limit:
                kept.append((piece, print_))
    return [piece for piece, _ in kept]


def _folded(piece: Piece) -> Piece:
    return replace(piece, folded=piece.folded + 1)
