"""The 金句 and 提法 methods of :class:`~sucai.library.Library` (issue 20): the sentences worth
quoting that import found (:mod:`sucai.jinju`), and how often the library uses a phrase, year
by year (docs/jinju.md says how both are counted, and what a visitor gets)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

from sucai.classics import HAN
from sucai.errors import UserError
from sucai.hygiene import Finding, LineFinding
from sucai.i18n import N_
from sucai.jinju import EXTRACTOR, KINDS
from sucai.models import Jinju, Tifa, TifaRow
from sucai.search.fold import fold
from sucai.search.phrases import phrase_rowids
from sucai.search.query import MAX_QUERY_CHARS
from sucai.search.tokenize import tifa_terms

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sucai.search.index import SearchIndex
    from sucai.store import Store, YearText

__all__ = [
    "JINJU_EXTRACTOR",
    "JINJU_KINDS",
    "MAX_PHRASES",
    "STALE_MIN_USES",
    "TIFA_GROUPS",
    "JinjuMethods",
    "saying",
]

#: A clause citing the saying after it, at the start of a 金句: 习近平总书记指出：, 他强调，,
#: 古人云： (云, 道 and 曰 only before a colon: 天下有道，… is the saying itself).
_CITING: Final = re.compile(
    r"^[^，。：；“”]{0,16}?(?:(?:指出|强调|说过?|讲过?|所说)[：:，]|[云道曰][：:])"
)


def saying(text: str) -> str:
    """What two 金句 quoting one saying share: its Chinese characters, folded, without its
    marks, its punctuation or a citing clause before it (习近平总书记指出：“民之所忧，我必念之。”
    and “民之所忧，我必念之。” are one)."""
    return "".join(HAN.findall(fold(_CITING.sub("", text, count=1)))) or text


#: The kinds of 金句, in the order pages list them.
JINJU_KINDS: Final = KINDS
#: The version of the rules that find 金句 (a library found by others finds them again).
JINJU_EXTRACTOR: Final = EXTRACTOR
#: What a 提法's rows can be.
TIFA_GROUPS: Final = ("year", "source", "genre")
#: Phrases compared at once (one chart's lines).
MAX_PHRASES: Final = 8
#: The longest phrase counted, in characters.
MAX_PHRASE: Final = 40
#: Uses in older material from which a 提法 the newest material lacks is stale.
STALE_MIN_USES: Final = 3
#: A quoted term of a draft (“放管服”): a candidate 提法 besides the dictionary's.
_QUOTED_TERM: Final = re.compile(r"“([\u4e00-\u9fff、]{2,12})”")


class JinjuMethods:
    """What :class:`~sucai.library.Library` does with 金句 and 提法, over its store and index."""

    store: Store
    index: SearchIndex

    def _catch_up(self) -> None:
        """Bring the index up to date (:meth:`sucai.library.Library._catch_up`)."""

    def jinju(
        self,
        query: str = "",
        *,
        kinds: Sequence[str] | None = None,
        limit: int | None = 20,
        offset: int = 0,
        paid: bool = True,
        repeats: bool = False,
    ) -> tuple[int, list[Jinju]]:
        """金句 whose sentence holds every word of ``query`` (width, case and traditional
        characters folded as in search), newest first; all of them for a blank query. A
        saying quoted in several places is listed once, at its newest, with how many others
        quote it (``elsewhere``; :func:`saying` says when two are one).

        Args:
            query: words separated by spaces.
            kinds: only these kinds (``引用``, ``排比``, ``对仗``, ``警句``; ``None``: all).
            limit: at most this many (``None``: all); ``offset``: skip as many first.
            paid: include those of paid paragraphs (``False`` for a visitor who may not read
                the paid part: they are neither listed nor counted, nor counted in
                ``elsewhere``).
            repeats: list every place, a repeated saying as often as it stands.

        Returns:
            ``(total, the page)``.

        Raises:
            UserError: an unknown kind, or a query too long.
        """
        if len(query) > MAX_QUERY_CHARS:
            raise UserError.of(
                N_("the query is longer than {most} characters."), most=MAX_QUERY_CHARS
            )
        words = [fold(w) for w in query.split()]
        rows = [
            row
            for row in self.store.jinju(kinds=check_kinds(kinds), paid=paid)
            if all(w in fold(row.text) for w in words)
        ]
        if not repeats:
            places: dict[str, list[Jinju]] = {}
            for row in rows:
                places.setdefault(saying(row.text), []).append(row)
            rows = [replace(same[0], elsewhere=len(same) - 1) for same in places.values()]
        end = None if limit is None else offset + limit
        return len(rows), rows[offset:end]

    def refind_jinju(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Find the 金句 of the stored articles again if they were found by other rules than
        this sucai's (a library written before the rules changed); :func:`open_library`
        does it on open.

        Args:
            on_progress: called with ``(articles done, articles in all)`` as it goes.

        Returns:
            The articles read again (0: the 金句 were up to date).
        """
        return self.store.refind_jinju(on_progress)

    def article_jinju(self, article_id: int, *, paid: bool = True) -> list[Jinju]:
        """An article's 金句 in text order (``paid``: as in :meth:`jinju`)."""
        return self.store.jinju(article_id=article_id, paid=paid)

    def tifa(self, phrases: Sequence[str], *, by: str = "year", paid: bool = True) -> list[Tifa]:
        """How often the library uses each phrase: exact uses and uses per million
        characters, per year (or source, or 文种) of the dated articles.

        The index's phrase query finds the paragraphs; the uses are counted in their stored
        text (as ``str.count``: the phrase as written, not overlapping), by the store.

        Args:
            phrases: one phrase or more (at most :data:`MAX_PHRASES`).
            by: ``year``, ``source`` or ``genre``.
            paid: count the paid part too; ``False`` counts the free paragraphs alone, uses
                and characters both (a visitor's counts say nothing of the paid text).

        Raises:
            UserError: no phrase, too many or too long, or an unknown ``by``.
            IndexBuildingError: this server's index is not built yet.
        """
        wanted = check_phrases(phrases)
        if by not in TIFA_GROUPS:
            raise UserError.of(
                N_("--by must be one of {choices}, not '{by}'."), choices=TIFA_GROUPS, by=by
            )
        self._catch_up()
        view = self.index.view(paid=paid)
        years, chars = self._tifa_base(paid)
        out = []
        for phrase in wanted:
            uses: Counter[tuple[int, str, str]] = Counter()
            for article_id, n in self.store.phrase_counts(
                phrase_rowids(view, phrase), phrase, paid=paid
            ):
                head = years.get(article_id)
                if head is not None and n:
                    uses[(head.year, head.source, head.genre)] += n
            out.append(_tifa(phrase, by, chars, uses))
        return out

    def stale_tifa(
        self, lines: Sequence[str], *, recent: int = 2, paid: bool = True
    ) -> list[LineFinding]:
        """提法 of a draft that the library's newest material no longer uses (issue 20).

        The candidates are the draft's entries of the 提法 dictionary and its quoted terms
        (“放管服”). One is stale when the library's last ``recent`` years with text do not use
        it, while the years before do, :data:`STALE_MIN_USES` times or more: each gets one
        finding, at its first place in the draft, naming the years.

        Args:
            lines: the draft, one line each (as :func:`sucai.hygiene.read_draft` reads it).
            recent: how many of the newest years count as current.
            paid: count the paid part too.
        """
        text = "\n".join(lines)
        candidates = [t for t in tifa_terms() if t in text]
        candidates += [t for t in _QUOTED_TERM.findall(text) if t not in candidates]
        if not candidates:
            return []
        self._catch_up()
        view = self.index.view(paid=paid)
        years, chars = self._tifa_base(paid)
        newest = sorted({year for year, _, _, n in chars if n}, reverse=True)[:recent]
        if len(newest) < recent:
            return []
        found = []
        for phrase in dict.fromkeys(candidates):
            used: Counter[int] = Counter()
            for article_id, n in self.store.phrase_counts(
                phrase_rowids(view, phrase), phrase, paid=paid
            ):
                head = years.get(article_id)
                if head is not None:
                    used[head.year] += n
            older = sum(n for year, n in used.items() if year < newest[-1])
            if older < STALE_MIN_USES or any(used[year] for year in newest):
                continue
            last = max(year for year, n in used.items() if n)
            span = f"{newest[-1]}–{newest[0]}"
            message = (
                f"提法“{phrase}”：库中最新材料（{span} 年）已不再使用，最后见于 {last} 年"
                f"（此前共 {older} 次）。请核对是否仍是现行提法。"
            )
            number, line = next((n, s) for n, s in enumerate(lines, 1) if phrase in s)
            start = line.index(phrase)
            finding = Finding("stale-tifa", start, start + len(phrase), phrase, message)
            found.append(LineFinding(number, start + 1, finding))
        return sorted(found, key=lambda f: (f.line, f.column))

    def _tifa_base(self, paid: bool) -> tuple[dict[int, YearText], list[tuple[int, str, str, int]]]:
        """The year of each article's text and the characters per year, source and 文种,
        kept until the library changes (reading them takes longer than counting)."""
        seq = self.store.last_change()
        cache: dict[bool, tuple[int, Any]] = self.__dict__.setdefault("_tifa_cache", {})
        if paid not in cache or cache[paid][0] != seq:
            cache[paid] = (seq, (self.store.text_years(), self.store.year_chars(paid=paid)))
        base: tuple[dict[int, YearText], list[tuple[int, str, str, int]]] = cache[paid][1]
        return base


def check_kinds(kinds: Sequence[str] | None) -> list[str] | None:
    """``kinds`` as a list; raises :class:`UserError` for one that is not a kind."""
    if kinds is None:
        return None
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise UserError.of(
            N_("unknown 金句 kind '{kind}': use one of {choices}."), kind=unknown[0], choices=KINDS
        )
    return list(kinds)


def check_phrases(phrases: Sequence[str]) -> list[str]:
    """The distinct phrases, stripped; raises :class:`UserError` for none, too many or a
    too long one."""
    wanted = list(dict.fromkeys(p.strip() for p in phrases if p.strip()))
    if not wanted:
        raise UserError.of(N_("give a phrase to count, e.g. sucai tifa 新质生产力"))
    if len(wanted) > MAX_PHRASES:
        raise UserError.of(
            N_("compare at most {most} phrases at once, not {count}."),
            most=MAX_PHRASES,
            count=len(wanted),
        )
    long = next((p for p in wanted if len(p) > MAX_PHRASE), None)
    if long is not None:
        raise UserError.of(
            N_("a phrase is at most {most} characters: '{phrase}…'."),
            most=MAX_PHRASE,
            phrase=long[:MAX_PHRASE],
        )
    return wanted


def _tifa(
    phrase: str,
    by: str,
    chars: list[tuple[int, str, str, int]],
    uses: Counter[tuple[int, str, str]],
) -> Tifa:
    """Group ``uses`` and the characters of ``chars`` (both by year, source and 文种) by
    ``by``."""
    index = TIFA_GROUPS.index(by)
    groups: dict[int | str, dict[str, dict[str, list[int]]]] = {}
    for year, source, genre, n_chars in chars:
        key = (year, source, genre)
        group = groups.setdefault(key[index], {"source": {}, "genre": {}})
        for split, name in (("source", source), ("genre", genre)):
            tally = group[split].setdefault(name, [0, 0])
            tally[0] += uses[key]
            tally[1] += n_chars
    rows = [
        TifaRow(
            key,
            sum(u for u, _ in split["source"].values()),
            sum(c for _, c in split["source"].values()),
            _split(split["source"]),
            _split(split["genre"]),
        )
        for key, split in groups.items()
    ]
    rows.sort(key=(lambda r: r.key) if by == "year" else (lambda r: (-r.uses, -r.chars)))
    years = sorted(y for (y, _, _), n in uses.items() if n)
    first, last = (years[0], years[-1]) if years else (None, None)
    return Tifa(phrase, by, tuple(rows), first, last, sum(uses.values()))


def _split(tallies: dict[str, list[int]]) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        sorted(((name, u, c) for name, (u, c) in tallies.items()), key=lambda t: (-t[1], -t[2]))
    )
