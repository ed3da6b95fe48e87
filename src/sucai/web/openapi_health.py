"""``/health``'s ``db``: a PostgreSQL library's connections in this process (issue 22)."""

from __future__ import annotations

from typing import Final

from sucai.web.openapi_parts import INT, Schema, array, closed_object

__all__ = ["HEALTH_DB"]

#: ``null`` for SQLite (see ``/health``); ``replica``: ``null`` without one, ``down`` while
#: reads go to the primary instead (``status``: degraded).
HEALTH_DB: Final[Schema] = closed_object(
    {
        "budget": INT,
        "pools": array(
            closed_object(
                {"name": {"enum": ["write", "read"]}, "in_use": INT, "idle": INT, "max": INT}
            )
        ),
        "replica": {"enum": ["up", "down", None]},
    }
)
