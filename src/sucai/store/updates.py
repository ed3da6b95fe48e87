"""今日更新, subscriptions and feed tokens (issue 19): the part of :class:`~sucai.store.Store`
that keeps them, the same SQL on SQLite and PostgreSQL (see :mod:`sucai.store.base`).

Times are ISO 8601 UTC strings of one shape (:func:`~sucai.store.base.utc_now`), so that a
range of ``added_at`` is a range of strings, found through the ``articles_added`` index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from sucai.store.articles import SUMMARY_SQL
from sucai.store.base import SqlBase, columns, where_sql
from sucai.store.records import ArticleSummary, Subscription

if TYPE_CHECKING:
    from sucai.store.records import ArticleFilter

__all__ = ["SqlUpdates"]

#: What a day's articles are counted by: name and column.
GROUP_COLUMNS: Final = (("genre", "a.genre"), ("role", "a.role"), ("source", "a.source"))


def _added_sql(
    where: ArticleFilter | None, start: str, end: str | None, after_id: int = 0
) -> tuple[str, list[Any]]:
    """``(" WHERE …", params)``: ``where``, ``start <= added_at < end`` (``end`` open) and
    ``id > after_id``."""
    clause, params = where_sql(where)
    clause += (" AND" if clause else " WHERE") + " a.added_at >= ? AND a.id > ?"
    params += [start, after_id]
    if end is not None:
        clause += " AND a.added_at < ?"
        params.append(end)
    return clause, params


class SqlUpdates(SqlBase):
    """Articles by the time they were added; subscriptions; visits and feed tokens."""

    def count_added(self, start: str, end: str | None, where: ArticleFilter | None = None) -> int:
        """How many articles matching ``where`` were added from ``start`` until ``end``."""
        clause, params = _added_sql(where, start, end)
        return self._count(f"SELECT count(*) FROM articles a{clause}", params)

    def added_groups(
        self, start: str, end: str | None, where: ArticleFilter | None = None
    ) -> dict[str, list[tuple[str, int]]]:
        """Counts per genre, role and source of the articles added from ``start`` until
        ``end``, most first (ties by value)."""
        clause, params = _added_sql(where, start, end)
        # One pass over the index (articles_added covers the columns), summed here per column.
        rows = self._fetch(
            f"SELECT a.genre, a.role, a.source, count(*) FROM articles a{clause} "
            "GROUP BY a.genre, a.role, a.source",
            params,
        )
        out: dict[str, list[tuple[str, int]]] = {}
        for n, (name, _) in enumerate(GROUP_COLUMNS):
            counts: dict[str, int] = {}
            for row in rows:
                if row[n]:
                    counts[str(row[n])] = counts.get(str(row[n]), 0) + int(row[3])
            out[name] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return out

    def list_added(
        self,
        start: str,
        end: str | None,
        where: ArticleFilter | None = None,
        *,
        limit: int | None,
        offset: int = 0,
    ) -> list[ArticleSummary]:
        """Articles added from ``start`` until ``end``, latest first (then highest id); at most
        ``limit`` (``None``: all)."""
        clause, params = _added_sql(where, start, end)
        sql = f"{SUMMARY_SQL}{clause} ORDER BY a.added_at DESC, a.id DESC LIMIT ? OFFSET ?"
        limit = self._NO_LIMIT if limit is None else limit
        return self._records(ArticleSummary, sql, [*params, limit, offset])

    def added_ids(
        self,
        start: str,
        end: str | None,
        where: ArticleFilter | None = None,
        limit: int = -1,
        after_id: int = 0,
    ) -> list[int]:
        """Ids above ``after_id`` of the articles added from ``start`` until ``end``, latest
        first (at most ``limit``; negative: all)."""
        clause, params = _added_sql(where, start, end, after_id)
        rows = self._fetch(
            f"SELECT a.id FROM articles a{clause} ORDER BY a.added_at DESC, a.id DESC LIMIT ?",
            [*params, self._NO_LIMIT if limit < 0 else limit],
        )
        return [int(r[0]) for r in rows]

    def added_before(self, moment: str) -> str | None:
        """When the latest article added before ``moment`` was added."""
        row = self._one("SELECT max(added_at) FROM articles WHERE added_at < ?", (moment,))
        return str(row[0]) if row and row[0] else None

    def added_from(self, moment: str) -> str | None:
        """When the first article added at or after ``moment`` was added."""
        row = self._one("SELECT min(added_at) FROM articles WHERE added_at >= ?", (moment,))
        return str(row[0]) if row and row[0] else None

    # --- subscriptions -----------------------------------------------------------------------

    def subscriptions(self, owner: str) -> list[Subscription]:
        """An owner's subscriptions, by name."""
        return self._records(
            Subscription,
            f"SELECT {columns(Subscription)} FROM subscriptions WHERE owner = ? ORDER BY name",
            (owner,),
        )

    def subscription(self, owner: str, name: str) -> Subscription | None:
        """One subscription of an owner."""
        found = self._records(
            Subscription,
            f"SELECT {columns(Subscription)} FROM subscriptions WHERE owner = ? AND name = ?",
            (owner, name),
        )
        return found[0] if found else None

    def add_subscription(self, draft: Subscription) -> bool:
        """Save a subscription (its ``id`` is ignored); ``False`` when the owner already has
        one of that name."""
        names = columns(Subscription).split(", ")[1:]
        cursor = self._write(
            f"INSERT INTO subscriptions ({', '.join(names)}) "
            f"VALUES ({', '.join('?' * len(names))}) ON CONFLICT (owner, name) DO NOTHING",
            (
                draft.owner,
                draft.name,
                draft.query,
                draft.genre,
                draft.role,
                draft.years,
                draft.source,
                draft.created_at,
                draft.opened_at,
                draft.seen_id,
            ),
        )
        return cursor.rowcount == 1

    def open_subscription(self, subscription_id: int, at: str, seen_id: int) -> None:
        """Record that a subscription was opened at ``at``, when ``seen_id`` was the highest
        article id."""
        self._write(
            "UPDATE subscriptions SET opened_at = ?, seen_id = ? WHERE id = ?",
            (at, seen_id, subscription_id),
        )

    def delete_subscription(self, subscription_id: int) -> None:
        """Delete a subscription."""
        self._write("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))

    # --- visits and feed tokens --------------------------------------------------------------

    def record_visit(self, owner: str, at: str, gap_start: str) -> str | None:
        """Record a visit of ``owner`` to 今日更新 at ``at``; return where "since your last
        visit" starts (``None`` on a first visit).

        A visit after a pause (the last one before ``gap_start``) starts anew from the last
        one; visits closer together keep the start, so reloading a page does not empty it.
        """
        with self.atomic():
            row = self._one(
                f"SELECT visit_at, since FROM readers WHERE owner = ?{self._lock_rows}", (owner,)
            )
            if row is None:
                self._execute("INSERT INTO readers (owner, visit_at) VALUES (?, ?)", (owner, at))
                return None
            visit_at, since = row
            if visit_at is not None and visit_at < gap_start:
                since = visit_at
            self._execute(
                "UPDATE readers SET visit_at = ?, since = ? WHERE owner = ?", (at, since, owner)
            )
            return str(since) if since else None

    def feed_token(self, owner: str) -> str | None:
        """The owner's feed token, if any."""
        row = self._one("SELECT feed_token FROM readers WHERE owner = ?", (owner,))
        return str(row[0]) if row and row[0] else None

    def set_feed_token(self, owner: str, token: str | None) -> None:
        """Give the owner the feed token ``token`` (``None``: none); the old one stops working."""
        self._write(
            "INSERT INTO readers (owner, feed_token) VALUES (?, ?) "
            "ON CONFLICT (owner) DO UPDATE SET feed_token = excluded.feed_token",
            (owner, token),
        )

    def feed_token_owner(self, token: str) -> str | None:
        """Whose feed token ``token`` is."""
        row = self._one("SELECT owner FROM readers WHERE feed_token = ?", (token,))
        return str(row[0]) if row else None
