"""The 写作台 methods of :class:`~sucai.library.Library` (issue 20): a topic's skeletons and
material (the rules are in :mod:`sucai.compose`), and whether a law is in force.

**Which articles.** The topic is searched in paragraphs and in outline headings (a heading
match counts :data:`HEADING_WEIGHT` times a paragraph's score); articles are ranked by the sum
of their hits' scores and the best :data:`DEFAULT_ARTICLES` that have a skeleton are kept.
When the asked genre has fewer than two such articles (the shared corpus has one 讲话), others
fill in, and a note says so: first articles about the topic (it is in their title: a 条例 on
优化营商环境 outlines it better than a 报告 that mentions it), then the genres a writer would
borrow a skeleton from (:data:`KINDRED`), then any.

**Which paragraphs.** For a group the writer picks, the topic and the group's word (its most
shared word, or the theme cue its headings use most) are searched, keeping paragraphs of
sentences (not heading lines); the paragraphs written under the group's headings follow.
Near-duplicates are folded (:func:`sucai.compose.fold_pieces`).

**Law status.** A law (genre 法规) linked to later versions (issue 6) is 已修正 by the latest;
one that a later law's text repeals (``《X》同时废止``, ``废止《X》``) is 已废止; any other law is
现行有效 as far as the library knows.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from sucai.compose import (
    THEMES,
    Composition,
    Heading,
    HeadingGroup,
    LawQuote,
    LawStatus,
    Piece,
    Skeleton,
    fold_pieces,
    group_headings,
    skeleton,
)
from sucai.errors import QueryError
from sucai.i18n import N_
from sucai.ingest.neardup import LAW_GENRE, title_key
from sucai.library_jinju import saying
from sucai.search.fold import fold
from sucai.search.highlight import find_spans
from sucai.search.query import parse_query
from sucai.store.records import ArticleFilter

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sucai.check import OverlapReport
    from sucai.models import Article, ArticleHead, Jinju
    from sucai.search.engine import SearchHit, SearchPage
    from sucai.search.query import Query
    from sucai.store import LawVersion, Store

__all__ = [
    "DEFAULT_ARTICLES",
    "DEFAULT_PIECES",
    "KINDRED",
    "ComposeMethods",
]

#: Articles whose skeletons are shown, and candidate paragraphs per picked group.
DEFAULT_ARTICLES: Final = 6
DEFAULT_PIECES: Final = 5
#: A heading that matches the topic weighs this many paragraphs of the same score.
HEADING_WEIGHT: Final = 3.0
#: Genres whose skeletons stand in for an asked genre the library has too few of.
KINDRED: Final = {
    "讲话": ("讲话", "发言", "报告", "文章"),
    "发言": ("发言", "讲话", "报告", "文章"),
    "报告": ("报告", "讲话", "发言"),
}
#: Hits read to rank articles, and articles looked at for a skeleton (per kept one).
_PARAGRAPH_HITS: Final = 120
_HEADING_HITS: Final = 40
_LOOKED_AT: Final = 3
_PIECE_HITS: Final = 30
_REPEAL: Final = "废止"
#: A law's title as a draft writes it.
_TITLE: Final = re.compile(r"《([^《》]{2,60})》")
#: How a paragraph of sentences ends.
SENTENCE_CLOSE: Final = frozenset("。！？；…”）")


class ComposeMethods:
    """What :class:`~sucai.library.Library` does for the 写作台, over its search and store."""

    store: Store
    get: Callable[[int], Article]
    search: Callable[..., SearchPage]
    check: Callable[..., OverlapReport]
    jinju: Callable[..., tuple[int, list[Jinju]]]
    article_jinju: Callable[..., list[Jinju]]

    def compose(
        self,
        topic: str,
        *,
        where: ArticleFilter | None = None,
        picks: Sequence[int] = (),
        articles: int = DEFAULT_ARTICLES,
        pieces: int = DEFAULT_PIECES,
        paid: bool = True,
        view: Callable[[Article], Article] | None = None,
    ) -> Composition:
        """The 写作台 for ``topic``: skeletons, grouped headings, and material for ``picks``.

        Args:
            topic: what the draft is about (a query: 优化营商环境, ``安全生产 -煤矿``).
            where: which articles to take skeletons and paragraphs from (文种, 角色, 年份,
                来源: the folder they were imported from); a 文种 with too few of them is
                widened to kindred ones, and said.
            picks: the numbers of the groups whose candidate paragraphs are wanted (``[]``:
                none; the groups are numbered in the result).
            articles: how many skeletons to show.
            pieces: candidate paragraphs per picked group.
            paid: search and read the paid part too (``False``: a visitor's free text).
            view: applied to each article read (the web app passes paid redaction).

        Raises:
            QueryError: an empty topic or one that cannot be searched, a pick that is no
                group, a count below 1.
        """
        if not topic.strip():
            raise QueryError.of(N_("give a topic, e.g. sucai compose 优化营商环境 --genre 讲话"))
        if articles < 1 or pieces < 1:
            raise QueryError.of(N_("the number of articles and of pieces must be at least 1."))
        notes: list[str] = []
        where = where or ArticleFilter()
        genre = where.genre
        # The genre is chosen per search (it may be widened); the other filters always hold.
        held = replace(where, genre=None)
        base = parse_query(topic, where=held, limit=None)
        chosen = self._skeletons(base, genre, topic, articles, paid, view)
        if genre is not None and len(chosen) < 2:
            kindred = KINDRED.get(genre, (genre,))
            wider_chosen = list(chosen)
            for wider_genre in (*kindred[1:], None):
                have = {s[0].article_id for s in wider_chosen}
                more = self._skeletons(base, wider_genre, topic, articles, paid, view)
                wider_chosen += [s for s in more if s[0].article_id not in have]
            # The asked genre first, then articles about the topic (it is in their title),
            # then kindred genres: a 条例 on the topic outlines it better than a 报告 that
            # mentions it.
            terms = [fold(t) for t in base.terms]

            def order(found: tuple[Skeleton, tuple[Heading, ...], Article]) -> tuple[int, int]:
                about = all(t in fold(found[0].title) for t in terms)
                near = kindred.index(found[0].genre) if found[0].genre in kindred else 99
                return (0 if near == 0 else 1 if about else 2, near)

            if len(wider_chosen) > len(chosen):
                chosen = sorted(wider_chosen, key=order)[:articles]
                wider = "、".join(g for g in kindred if g != genre)
                notes.append(
                    f"库中「{genre}」有提纲的相关材料不足两篇，已补入"
                    + (f"相近文种（{wider}）及其他文种" if wider else "其他文种")
                    + "的材料。"
                )
        if not chosen:
            notes.append("没有找到带提纲的相关材料：换一个说法，或放宽文种、职务、年份、来源。")
        groups = group_headings([headings for _s, headings, _a in chosen])
        articles_by_id = {a.id: a for _s, _h, a in chosen}
        wanted = set(picks)
        unknown = sorted(wanted - {g.number for g in groups})
        if unknown and not groups:
            raise QueryError.of(
                N_(
                    "there is no group {group}: the 写作台 for {topic} has no groups of headings "
                    "(too few of the articles found have an outline)."
                ),
                group=unknown[0],
                topic=topic,
            )
        if unknown:
            raise QueryError.of(
                N_("there is no group {group}: the 写作台 for {topic} has groups 1–{count}."),
                group=unknown[0],
                topic=topic,
                count=len(groups),
            )
        widened = genre if not notes else None
        filled = tuple(
            replace(g, pieces=self._pieces(g, topic, held, widened, pieces, paid, articles_by_id))
            if g.number in wanted
            else g
            for g in groups
        )
        # A law's status, once per law shown.
        laws = {s.article_id for s, _h, _a in chosen if s.genre == LAW_GENRE}
        laws |= {p.article_id for g in filled for p in g.pieces if p.genre == LAW_GENRE}
        statuses = {law: self.law_status(law, paid=paid) for law in sorted(laws)}
        return Composition(
            topic=topic,
            genre=genre,
            role=where.role,
            year_from=where.year_from,
            year_to=where.year_to,
            skeletons=tuple(replace(s, status=statuses.get(s.article_id)) for s, _h, _a in chosen),
            groups=tuple(
                replace(
                    g, pieces=tuple(replace(p, status=statuses.get(p.article_id)) for p in g.pieces)
                )
                for g in filled
            ),
            jinju=self._topic_jinju(
                topic, [s.article_id for s, _h, _a in chosen], paid=paid, limit=pieces
            ),
            notes=tuple(notes),
        )

    def _topic_jinju(
        self, topic: str, article_ids: Sequence[int], *, paid: bool, limit: int
    ) -> tuple[Piece, ...]:
        """金句 for the 写作台 (issue 20), each with its source passage: those whose sentence
        holds every word of ``topic`` first (newest first), then those of the articles whose
        skeletons are shown, in their order; a saying quoted in several places once (the
        first), however it is cited (:func:`saying`)."""
        words = [w for w in topic.split() if not w.startswith(("-", "－"))]
        _total, found = self.jinju(" ".join(words), paid=paid, limit=limit)
        for article_id in article_ids:
            found += self.article_jinju(article_id, paid=paid)
        seen: set[str] = set()
        pieces: list[Piece] = []
        for j in found:
            key = saying(j.text)
            if key in seen or len(pieces) == limit:
                continue
            seen.add(key)
            pieces.append(
                Piece(
                    article_id=j.article.id,
                    paragraph=j.paragraph,
                    title=j.article.title,
                    role=j.article.role,
                    genre=j.article.genre,
                    issued_on=j.article.issued_on,
                    year=j.article.year,
                    text=j.text,
                    highlights=tuple(find_spans(j.text, tuple(fold(w) for w in words))),
                    score=0.0,
                )
            )
        return tuple(pieces)

    def _skeletons(
        self,
        base: Query,
        genre: str | None,
        topic: str,
        wanted: int,
        paid: bool,
        view: Callable[[Article], Article] | None,
    ) -> list[tuple[Skeleton, tuple[Heading, ...], Article]]:
        """The best-matching articles with a skeleton: (skeleton, headings, article)."""
        scores: dict[int, float] = {}
        for query, weight in (
            (replace(base, genre=genre, scope="all", limit=_PARAGRAPH_HITS), 1.0),
            (replace(base, genre=genre, scope="outline", limit=_HEADING_HITS), HEADING_WEIGHT),
        ):
            for hit in self._free_hits(query, paid):
                scores[hit.article_id] = scores.get(hit.article_id, 0.0) + weight * hit.score
        out: list[tuple[Skeleton, tuple[Heading, ...], Article]] = []
        best = sorted(scores, key=lambda a: -scores[a])[: wanted * _LOOKED_AT]
        for article_id in best:
            article = self.get(article_id)
            if view is not None:
                article = view(article)
            headings = skeleton(article, topic)
            if headings:
                found = Skeleton(
                    article.id,
                    article.title,
                    article.role,
                    article.genre,
                    article.issued_on,
                    article.year,
                    headings,
                )
                out.append((found, headings, article))
                if len(out) == wanted:
                    break
        return out

    def _free_hits(self, query: Query, paid: bool) -> tuple[SearchHit, ...]:
        """Hits as the reader may have them (a visitor's never lie in the paid part)."""
        hits = self.search(query, paid=paid, suggest=False).hits
        return hits if paid else tuple(h for h in hits if not h.paid)

    def _pieces(
        self,
        group: HeadingGroup,
        topic: str,
        held: ArticleFilter,
        genre: str | None,
        limit: int,
        paid: bool,
        articles: dict[int, Article],
    ) -> tuple[Piece, ...]:
        """Candidate paragraphs for one group (see the module docstring)."""
        word = _group_word(group)
        text = f"{topic} {word}" if word else topic
        query = replace(parse_query(text, where=held, limit=_PIECE_HITS), genre=genre)
        hits = self._free_hits(query, paid)
        heads = self.store.article_heads(sorted({h.article_id for h in hits}))
        found = [
            _piece(heads[h.article_id], h.paragraph_index or 0, h.text, h.highlights, h.score)
            for h in hits
            if h.article_id in heads and h.paragraph_index is not None and _is_prose(h.text)
        ]
        for heading in group.headings:
            article = articles[heading.article_id]
            under = [
                p
                for p in article.paragraphs
                if p.section == heading.entry and p.text and not p.heading
            ]
            have = {(f.article_id, f.paragraph) for f in found}
            found += [
                _piece(article, p.index, p.text, (), 0.0)
                for p in under[:2]
                if (article.id, p.index) not in have
            ]
        return tuple(fold_pieces(found, limit))

    def law_status(self, article_id: int, *, paid: bool = True) -> LawStatus | None:
        """Whether a law is in force (see the module docstring); ``None`` for other articles.

        Args:
            article_id: the article.
            paid: look for a repeal in the paid part too (``False``: in free text alone).

        Raises:
            NotFoundError: no such article.
        """
        head = self.store.article_heads([article_id]).get(article_id)
        if head is None:
            self.get(article_id)  # raises NotFoundError
            return None
        if head.genre != LAW_GENRE:
            return None
        versions: list[LawVersion] = [
            v for group in self.store.law_versions(article_id) for v in group
        ]
        if versions:
            latest = versions[-1] if versions[-1].version is not None else None
            mine = next(v for v in versions if v.article_id == article_id)
            if (
                latest is not None
                and latest.article_id != article_id
                and (
                    mine.version is None or latest.version > mine.version  # type: ignore[operator]
                )
            ):
                return LawStatus("已修正", latest.article_id, latest.title, latest.version)
        repeal = self._repeal(head, paid)
        return repeal or LawStatus("现行有效")

    def law_quotes(self, lines: Sequence[str], *, paid: bool = True) -> list[LawQuote]:
        """Where a draft quotes a law that is not in force (issue 20), line by line.

        Two ways: 查重 alignment (:meth:`check`) finds a passage of a superseded version or a
        repealed law (a passage that the law's current version also holds is fine: the
        amendment left it as it was); and a title in 《》 that names only repealed laws.

        Args:
            lines: the draft's lines (empty ones are skipped; offsets count from each line's
                start).
            paid: compare with the paid part too.
        """
        kept = [(n, line) for n, line in enumerate(lines) if line.strip()]
        if not kept:
            return []
        report = self.check([line for _n, line in kept], paid=paid)
        found: list[LawQuote] = []
        statuses: dict[int, LawStatus | None] = {}

        def status_of(article_id: int) -> LawStatus | None:
            if article_id not in statuses:
                statuses[article_id] = self.law_status(article_id, paid=paid)
            return statuses[article_id]

        for checked, (number, line) in zip(report.paragraphs, kept, strict=True):
            shift = len(line) - len(line.lstrip())  # the check reads the line stripped
            for span in checked.spans:
                status = status_of(span.article_id)
                if status is None or status.by_id is None:
                    continue
                if status.status == "已修正" and self._still_in(status.by_id, span.source_text):
                    continue
                title = self.store.article_heads([span.article_id])[span.article_id].title
                found.append(
                    LawQuote(
                        number,
                        span.start + shift,
                        span.end + shift,
                        checked.text[span.start : span.end],
                        span.article_id,
                        status,
                        _quote_message(title, status),
                    )
                )
            for match in _TITLE.finditer(line):
                found += self._repealed_title(number, match, paid, status_of)
        return sorted(found, key=lambda q: (q.paragraph, q.start))

    def _still_in(self, article_id: int, text: str) -> bool:
        """Whether ``text`` (folded, punctuation and spaces left out) is in the article."""
        wanted = _bare(text)
        return any(wanted in _bare(p.text) for p in self.get(article_id).paragraphs)

    def _repealed_title(
        self,
        number: int,
        match: re.Match[str],
        paid: bool,
        status_of: Callable[[int], LawStatus | None],
    ) -> list[LawQuote]:
        """A 《title》 that names repealed laws only (none of that title in force)."""
        name = match.group(1)
        key = title_key(name)
        query = replace(parse_query(f'"{name}"', limit=20, scope="title"), genre=LAW_GENRE)
        laws = [h.article_id for h in self._free_hits(query, paid) if title_key(h.title) == key]
        statuses = [(law, status_of(law)) for law in laws]
        repealed = [(law, s) for law, s in statuses if s is not None and s.status == "已废止"]
        if not repealed or len(repealed) < len(statuses):
            return []
        law, status = repealed[0]
        return [
            LawQuote(
                number,
                match.start(),
                match.end(),
                match.group(0),
                law,
                status,
                _quote_message(name, status),
            )
        ]

    def _repeal(self, head: ArticleHead, paid: bool) -> LawStatus | None:
        """The later law whose text repeals ``head`` (``《title》…废止`` in one sentence)."""
        name = re.sub(r"[（(][^（()）]*[）)]\s*$", "", head.title).strip()
        if not name:
            return None
        query = replace(parse_query(f'"《{name}》" {_REPEAL}', limit=20), genre=LAW_GENRE)
        key = title_key(head.title)
        pattern = re.compile(
            rf"《{re.escape(name)}》[^。；]*{_REPEAL}|{_REPEAL}[^。；]*《{re.escape(name)}》"
        )
        hits = [h for h in self._free_hits(query, paid) if h.article_id != head.id]
        later = self.store.article_heads(sorted({h.article_id for h in hits}))
        for hit in hits:
            other = later.get(hit.article_id)
            if (
                other is not None
                and pattern.search(hit.text)
                and title_key(other.title) != key
                and (other.issued_on or "") > (head.issued_on or "")
            ):
                return LawStatus("已废止", other.id, other.title, other.issued_on)
        return None


def _bare(text: str) -> str:
    """Folded text without punctuation and spaces: what 查重 compares."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _quote_message(title: str, status: LawStatus) -> str:
    """What a writer quoting a law that is not in force should do."""
    if status.status == "已废止":
        return f"《{title}》已废止（见《{status.by_title}》），请勿作为依据引用。"
    return (
        f"此处引用的是《{title}》的旧版本，该法已修正（现行为 {status.by_version or '新'} 版）："
        "请按现行版本核对引文。"
    )


def _is_prose(text: str) -> bool:
    """Whether a paragraph is written in sentences (a heading line is no candidate piece)."""
    return bool(text) and text[-1] in SENTENCE_CLOSE


def _group_word(group: HeadingGroup) -> str:
    """The word a group's material is searched with: its most shared word, else the theme
    cue its headings use most, else a lone heading's first content word."""
    if group.words:
        return group.words[0]
    for name, _position, cues in THEMES:
        if name == group.label:
            used = Counter(c for h in group.headings for c in cues if c in h.text)
            return used.most_common(1)[0][0] if used else ""
    return group.headings[0].words[0] if group.headings[0].words else ""


def _piece(
    head: ArticleHead,
    paragraph: int,
    text: str,
    highlights: tuple[tuple[int, int], ...],
    score: float,
) -> Piece:
    return Piece(
        head.id,
        paragraph,
        head.title,
        head.role,
        head.genre,
        head.issued_on,
        head.year,
        text,
        highlights,
        score,
    )
