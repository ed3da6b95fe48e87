"""Where a :class:`~sucai.library.Library` is and what it may hold there, for the front ends
(issues 17 and 22): its file or URL, a PostgreSQL library's replica and connection budget, and
this server's search index folder — so that ``cli/`` and ``web/`` never read the store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from sucai.search.index import SearchIndex
    from sucai.store import Store
    from sucai.store.records import ConnectionUse

__all__ = ["LocationMethods"]


class LocationMethods:
    """Where the library is, and the connections a PostgreSQL library may hold."""

    store: Store
    index: SearchIndex

    @property
    def db(self) -> Path | str:
        """Where the library is: a SQLite file's path, or its ``postgresql://`` URL."""
        url: str | None = getattr(self.store, "url", None)
        return url or Path(str(getattr(self.store, "path", "")))

    @property
    def read_url(self) -> str | None:
        """The streaming replica that serves a PostgreSQL library's reads, if any."""
        url: str | None = getattr(self.store, "read_url", None)
        return url

    def connection_budget(self, servers: int) -> int | None:
        """PostgreSQL: the connections each of ``servers`` servers may hold by default (its
        ``max_connections`` less reserved slots, shared); ``None`` for SQLite (issue 22).

        Raises:
            ConfigError: nothing is left for a server.
        """
        budget = getattr(self.store, "connection_budget", None)
        return None if budget is None else int(budget(servers))

    def limit_connections(self, connections: int) -> None:
        """PostgreSQL: hold at most ``connections`` connections in this process (a server
        process's share of its budget); nothing for SQLite.

        Raises:
            ConfigError: too few for the connection pools.
        """
        limit = getattr(self.store, "limit_connections", None)
        if limit is not None:
            limit(connections)

    def connection_use(self) -> ConnectionUse | None:
        """PostgreSQL: this process's connection budget and its use per pool; ``None`` for
        SQLite."""
        use = getattr(self.store, "connection_use", None)
        return None if use is None else cast("ConnectionUse", use())

    @property
    def index_dir(self) -> Path:
        """This server's search index folder."""
        return self.index.path
