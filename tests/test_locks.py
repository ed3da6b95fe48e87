"""One file lock for the processes of a machine (issue 17): what it excludes is checked with
``fcntl`` itself, on a handle of its own (a lock belongs to an open file, so a second handle in
this process is excluded as another process would be)."""

from __future__ import annotations

import fcntl
from typing import TYPE_CHECKING

from sucai.locks import file_lock

if TYPE_CHECKING:
    from pathlib import Path


def _free(path: Path, kind: int) -> bool:
    """Whether a lock of ``kind`` on ``path`` could be taken now (then given back)."""
    with path.open("rb") as handle:
        try:
            fcntl.flock(handle, kind | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def test_an_exclusive_lock_excludes_every_other_until_the_block_ends(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    path.write_bytes(b"kept")
    with file_lock(path) as held:
        assert held
        assert not _free(path, fcntl.LOCK_SH)
        with file_lock(path, wait=False) as again:
            assert not again
    assert _free(path, fcntl.LOCK_EX)
    assert path.read_bytes() == b"kept"  # never truncated


def test_a_shared_lock_admits_shared_ones_and_excludes_an_exclusive_one(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    with file_lock(path, shared=True) as held:
        assert held
        assert _free(path, fcntl.LOCK_SH)
        assert not _free(path, fcntl.LOCK_EX)
        with file_lock(path, wait=False, shared=True) as also:
            assert also
        with file_lock(path, wait=False) as exclusive:
            assert not exclusive
    assert _free(path, fcntl.LOCK_EX)


def test_a_lock_is_given_back_when_the_block_raises(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    try:
        with file_lock(path):
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert _free(path, fcntl.LOCK_EX)
