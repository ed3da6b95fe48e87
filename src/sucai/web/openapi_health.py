"""The answer of ``/health`` in the API description (beside ``openapi.py``, which is full):
liveness, the search index's state, a PostgreSQL library's connections (issue 22), and which
server process answered."""

from __future__ import annotations

from typing import Any, Final

__all__ = ["HEALTH"]

_INT: Final = {"type": "integer", "minimum": 0}


def _closed(properties: dict[str, Any]) -> dict[str, Any]:
    """An object with every one of ``properties``, and nothing else."""
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


_POOL: Final = _closed(
    {"name": {"enum": ["write", "read"]}, "in_use": _INT, "idle": _INT, "max": _INT}
)

#: ``/health``'s body: ``db`` is ``null`` for a SQLite library; ``replica`` is ``null``
#: without one, ``down`` while reads go to the primary instead (``status``: degraded).
HEALTH: Final = _closed(
    {
        "ok": {"const": True},
        "status": {"enum": ["ok", "degraded"]},
        "articles": _INT,
        "index": _closed(
            {
                "ready": {"type": "boolean"},
                "behind": _INT,
                "building": {"anyOf": [_closed({"done": _INT, "total": _INT}), {"type": "null"}]},
            }
        ),
        "db": {
            "anyOf": [
                _closed(
                    {
                        "budget": _INT,
                        "pools": {"type": "array", "items": _POOL},
                        "replica": {"enum": ["up", "down", None]},
                    }
                ),
                {"type": "null"},
            ]
        },
        "pid": _INT,
    }
)
