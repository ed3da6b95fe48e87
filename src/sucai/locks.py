"""File locks across the processes of one machine (``flock``): the search index's write lock,
an inbox folder's lock and the import lock beside a SQLite library are each one of these."""

from __future__ import annotations

import contextlib
import fcntl
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["file_lock"]


@contextlib.contextmanager
def file_lock(path: Path, *, wait: bool = True, shared: bool = False) -> Iterator[bool]:
    """Hold a lock on ``path`` (created when missing, never truncated) for the block.

    Args:
        path: the lock file.
        wait: wait while another process holds the lock; ``False``: yield ``False`` at once.
        shared: a shared lock, which others may hold too (an exclusive one excludes them).

    Yields:
        Whether the lock is held (always ``True`` when ``wait``).

    Raises:
        OSError: the file cannot be opened (its folder is missing, or not writable).
    """
    with path.open("ab") as handle:
        kind = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(handle, kind | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
