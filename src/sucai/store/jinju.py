"""金句 and 提法 counts (issue 20): the part of :class:`~sucai.store.Store` that reads them, the
same SQL on SQLite and PostgreSQL. The 金句 rows are written with their paragraphs
(:meth:`~sucai.store.articles.SqlArticles._insert_text`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from sucai.jinju import EXTRACTOR, UNQUOTED_GENRE, jinju_rows
from sucai.models import ArticleHead, Jinju
from sucai.store.base import SqlBase
from sucai.store.records import YearText

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["EXTRACTOR_KEY", "TEXT_YEAR", "SqlJinju"]

#: The ``meta`` key of the rules (:data:`sucai.jinju.EXTRACTOR`) the stored 金句 were found
#: with; none in a library whose 金句 were found before rules had a version.
EXTRACTOR_KEY: Final = "jinju_extractor"
#: Articles whose paragraphs are read and searched for 金句 at once when they are found again.
_REFIND_BATCH: Final = 500
_QUOTABLE: Final = (
    "SELECT p.article_id, p.idx, p.text FROM paragraphs p JOIN articles a "
    f"ON a.id = p.article_id WHERE p.kind = 'text' AND p.heading = 0 AND a.genre <> "
    f"'{UNQUOTED_GENRE}' AND p.article_id {{}} ORDER BY p.article_id, p.idx"
)

#: The year of an article's text: of a law's latest 修正/修订 when linked versions know it
#: (a law first passed in 1996 and revised in 2024 speaks the words of 2024), else the
#: article's year.
TEXT_YEAR = "coalesce(CAST(substr(k.version, 1, 4) AS INTEGER), a.year)"
_VERSION = "LEFT JOIN article_sketches k ON k.article_id = a.id"

_JINJU_SQL = (
    "SELECT j.article_id, j.paragraph, j.start, j.stop, j.kind, "
    "substr(p.text, j.start + 1, j.stop - j.start), p.paid, a.title, a.role, a.genre, "
    "a.issued_on, a.year FROM jinju j "
    "JOIN paragraphs p ON p.article_id = j.article_id AND p.idx = j.paragraph "
    "JOIN articles a ON a.id = j.article_id"
)


def _jinju(
    article_id: int,
    paragraph: int,
    start: int,
    stop: int,
    kind: str,
    text: str,
    paid: int,
    *head: Any,
) -> Jinju:
    return Jinju(kind, text, ArticleHead(article_id, *head), paragraph, start, stop, bool(paid))


class SqlJinju(SqlBase):
    """金句 and the text 提法 are counted in."""

    def jinju(
        self,
        *,
        kinds: Sequence[str] | None = None,
        paid: bool = True,
        article_id: int | None = None,
    ) -> list[Jinju]:
        """The stored 金句 with their sentence and article: of one article in text order, or
        of the library newest first (by date, then article id, then place).

        Args:
            kinds: only these kinds (``None``: all).
            paid: include those of paid paragraphs.
            article_id: only this article's.
        """
        clauses: list[str] = []
        params: list[object] = []
        if kinds is not None:
            clauses.append(f"j.kind IN ({', '.join('?' * len(kinds))})" if kinds else "1 = 0")
            params.extend(kinds)
        if not paid:
            clauses.append("p.paid = 0")
        if article_id is not None:
            clauses.append("j.article_id = ?")
            params.append(article_id)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        order = (
            "j.paragraph, j.start"
            if article_id is not None
            else "coalesce(a.issued_on, a.year || '-00-00') DESC NULLS LAST, a.id DESC, "
            "j.paragraph, j.start"
        )
        return self._records(_jinju, f"{_JINJU_SQL}{where} ORDER BY {order}", params)

    def jinju_extractor(self) -> str | None:
        """The rules the stored 金句 were found with (:data:`EXTRACTOR_KEY`), if recorded."""
        row = self._one("SELECT value FROM meta WHERE key = ?", (EXTRACTOR_KEY,), primary=True)
        return None if row is None else str(row[0])

    def forget_jinju_extractor(self) -> None:
        """Drop the record of the rules the 金句 were found with (a library copied into this
        one brings its own record, or none, with its 金句)."""
        self._execute("DELETE FROM meta WHERE key = ?", (EXTRACTOR_KEY,))

    def refind_jinju(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Find the 金句 of every stored paragraph again when they were found by other rules
        than :data:`sucai.jinju.EXTRACTOR` (or rules without a version), and record the
        rules; nothing when they are the same. One transaction, one process at a time (a
        second one waits, then finds the work done).

        Args:
            on_progress: called with ``(articles done, articles in all)`` after each batch.

        Returns:
            The articles whose 金句 were found again (0: they were up to date).
        """
        if self.jinju_extractor() == str(EXTRACTOR):
            return 0
        with self.atomic():
            self._lock_writes()
            if self.jinju_extractor() == str(EXTRACTOR):
                return 0
            self._execute("DELETE FROM jinju")
            ids = [
                int(r[0])
                for r in self._fetch(
                    "SELECT id FROM articles WHERE genre <> ? ORDER BY id",
                    (UNQUOTED_GENRE,),
                    primary=True,
                )
            ]
            for done in range(0, len(ids), _REFIND_BATCH):
                batch = ids[done : done + _REFIND_BATCH]
                paragraphs = self._fetch_in(_QUOTABLE, batch, primary=True)
                rows = jinju_rows((int(a), int(i), t) for a, i, t in paragraphs)
                if rows:
                    self._executemany(
                        "INSERT INTO jinju (article_id, paragraph, start, stop, kind) "
                        "VALUES (?, ?, ?, ?, ?)",
                        rows,
                    )
                if on_progress is not None:
                    on_progress(done + len(batch), len(ids))
            self._execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (EXTRACTOR_KEY, str(EXTRACTOR)),
            )
        return len(ids)

    def phrase_counts(
        self, rowids: Sequence[int], phrase: str, *, paid: bool = True
    ) -> list[tuple[int, int]]:
        """``(article_id, uses)`` of paragraphs by rowid: how often each holds ``phrase``, not
        overlapping (as ``str.count``; paid paragraphs only when ``paid``)."""
        return [
            (int(aid), int(uses))
            for aid, uses in self._fetch_in(
                "SELECT article_id, (length(text) - length(replace(text, ?, ''))) / ? "
                f"FROM paragraphs WHERE {'' if paid else 'paid = 0 AND '}rowid {{}}",
                list(rowids),
                (phrase, len(phrase)),
            )
        ]

    def text_years(self) -> dict[int, YearText]:
        """The year of each dated article's text (:data:`TEXT_YEAR`), its source and 文种,
        by article id."""
        rows = self._fetch(
            f"SELECT a.id, {TEXT_YEAR}, a.source, a.genre FROM articles a {_VERSION} "
            f"WHERE {TEXT_YEAR} IS NOT NULL"
        )
        return {int(r[0]): YearText(int(r[1]), r[2], r[3]) for r in rows}

    def year_chars(self, *, paid: bool = True) -> list[tuple[int, str, str, int]]:
        """``(year, source, 文种, characters)`` of the dated articles (their text's year,
        :data:`TEXT_YEAR`): all their text, or
        only the free paragraphs' unless ``paid``."""
        totals: dict[tuple[int, str, str], int] = {}
        group = f"{TEXT_YEAR}, a.source, a.genre"
        for year, source, genre, chars in self._fetch(
            f"SELECT {group}, sum(a.chars) FROM articles a {_VERSION} "
            f"WHERE {TEXT_YEAR} IS NOT NULL GROUP BY {group}"
        ):
            totals[(int(year), source, genre)] = int(chars)
        if not paid:
            for year, source, genre, chars in self._fetch(
                f"SELECT {group}, sum(length(p.text)) FROM paragraphs p "
                f"JOIN articles a ON a.id = p.article_id {_VERSION} WHERE p.paid = 1 "
                f"AND {TEXT_YEAR} IS NOT NULL GROUP BY {group}"
            ):
                totals[(int(year), source, genre)] -= int(chars)
        return [(*key, chars) for key, chars in sorted(totals.items())]
