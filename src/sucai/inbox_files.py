"""What the inbox (:mod:`sucai.inbox`) asks the system about its files and folders: whether
a process of this machine has a file open for writing, and whether a folder is on a network
share (where change events and leases say nothing of other machines' writers)."""

from __future__ import annotations

import errno
import fcntl
import os
import signal
from pathlib import Path
from typing import Final

__all__ = ["on_network_share", "open_for_writing"]

#: File systems whose files other machines write (inotify and leases see none of it).
_NETWORK_FS: Final = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs"}
)


def open_for_writing(path: Path) -> bool | None:
    """Whether a process of this machine has ``path`` open for writing; ``None`` when the
    kernel does not say (a file of another user, a file system without leases).

    A read lease is granted only while no one has the file open for writing. It is let go at
    once; a writer that opens the file meanwhile is held up for that moment, and the lease's
    break is told by SIGURG (ignored by default) rather than SIGIO, which would end us.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except OSError as exc:
        return True if exc.errno == errno.EAGAIN else None
    else:
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
        return False
    finally:
        os.close(fd)


def on_network_share(folder: Path) -> bool:
    """Whether ``folder`` is on a file system where inotify sees no one else's changes."""
    best, kind = "", ""
    target = os.path.realpath(folder)
    try:
        with Path("/proc/self/mounts").open(encoding="utf-8") as mounts:
            for line in mounts:
                fields = line.split()
                if len(fields) < 3:
                    continue
                point = fields[1].replace("\\040", " ")
                inside = target == point or target.startswith(point.rstrip("/") + "/")
                if inside and len(point) > len(best):
                    best, kind = point, fields[2]
    except OSError:
        return False
    return kind in _NETWORK_FS
