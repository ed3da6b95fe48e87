"""A throw-away PostgreSQL cluster for the tests (issue 7).

``make test`` installs Debian's ``postgresql`` package (the ``postgres`` Makefile target); this
module runs its binaries directly: ``initdb`` into a folder under pytest's temp folder, then
``postgres`` on a free loopback port with durability switched off (the data is thrown away).
PostgreSQL refuses to run as root, so as root the binaries run as the ``postgres`` OS user.

On a machine without the binaries the PostgreSQL tests skip with a reason.

The cluster lives in a folder of its own under the system temp folder, not under pytest's
``pytest-of-root``: pytest makes that folder private (0700) again at the start of every session,
which would lock the ``postgres`` user out of a running cluster whenever another test session
starts beside it. :func:`cluster_folder` makes the folder; :meth:`PgCluster.remove` removes it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["PgCluster", "cluster_folder", "find_bindir", "free_port", "replicated_pair"]

#: Where Debian puts the server binaries (highest version first).
_DEBIAN: Final = Path("/usr/lib/postgresql")

#: Settings of a test cluster: fast and small, nothing durable.
TEST_SETTINGS: Final = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "16MB",
    "max_connections": "100",
    "listen_addresses": "127.0.0.1",
    "unix_socket_directories": "",
    "log_min_messages": "warning",
}


def find_bindir() -> Path | None:
    """The folder of ``initdb``/``postgres``/``pg_ctl``, or ``None`` when not installed."""
    env = os.environ.get("SUCAI_PG_BINDIR")
    candidates = [Path(env)] if env else []
    if _DEBIAN.is_dir():
        versions = sorted(
            (p for p in _DEBIAN.iterdir() if p.name.isdigit()), key=lambda p: -int(p.name)
        )
        candidates += [v / "bin" for v in versions]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    return None


def cluster_folder(name: str) -> Path:
    """A new folder ``sucai-<name>-…`` under the system temp folder for one cluster."""
    return Path(tempfile.mkdtemp(prefix=f"sucai-{name}-"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgCluster:
    """One PostgreSQL server in ``folder/data`` on ``127.0.0.1:port`` (superuser ``sucai``).

    Args:
        bindir: the server binaries (see :func:`find_bindir`).
        folder: an empty folder for the data and the log.
        settings: extra ``postgresql.conf`` lines.
    """

    def __init__(self, bindir: Path, folder: Path, settings: dict[str, str] | None = None) -> None:
        self.bindir = bindir
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.port = free_port()
        self.settings = {**TEST_SETTINGS, "port": str(self.port), **(settings or {})}
        self._as_postgres = os.geteuid() == 0

    @property
    def url(self) -> str:
        """The URL of the ``postgres`` maintenance database."""
        return f"postgresql://sucai@127.0.0.1:{self.port}/postgres"

    def url_of(self, database: str) -> str:
        """The URL of one database of this cluster."""
        return f"postgresql://sucai@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(a) for a in args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def _own(self) -> None:
        """As root, hand the folder to the ``postgres`` user (the server refuses root)."""
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")

    def init(self) -> None:
        """Create the cluster (``initdb``) with trust authentication on loopback."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._own()
        self._run(
            self.bindir / "initdb",
            "-D",
            self.data,
            "-U",
            "sucai",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.configure(self.settings)

    def follow(self, primary: PgCluster) -> None:
        """Make this cluster a streaming replica of ``primary`` (``pg_basebackup -R``)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._own()
        self._run(
            self.bindir / "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "sucai"),
            *("-D", self.data, "-R", "-X", "stream", "--no-sync", "--checkpoint=fast"),
        )
        self.configure({"port": str(self.port), "hot_standby": "on"})

    def configure(self, settings: dict[str, str]) -> None:
        """Append settings to ``postgresql.conf``."""
        lines = "".join(f"{k} = '{v}'\n" for k, v in settings.items())
        conf = self.data / "postgresql.conf"
        with conf.open("a", encoding="utf-8") as out:
            out.write(lines)

    def start(self) -> None:
        """Start the server and wait until it accepts connections.

        Another process may take the free port between choosing it and starting (tests run
        side by side): then a new port is chosen, a few times.
        """
        if self._as_postgres and not self.log.exists():
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")
        for _attempt in range(5):
            result = self._run(
                self.bindir / "pg_ctl",
                *("-D", self.data, "-l", self.log, "-w", "-t", "60", "start"),
                check=False,
            )
            if result.returncode == 0:
                return
            if "already in use" not in self.log.read_text(encoding="utf-8", errors="replace"):
                break
            self.port = free_port()
            self.configure({"port": str(self.port)})
        raise RuntimeError(
            f"PostgreSQL did not start: {result.stderr.strip()}; see {self.log}:\n"
            + self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: disconnect clients; ``immediate``: like a crash)."""
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    @property
    def running(self) -> bool:
        """True while the server runs (its lock file exists)."""
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        """Stop the server at once and delete its folder."""
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def restart(self) -> None:
        """Stop and start again, disconnecting every client."""
        self.stop()
        self.start()

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL with the ``psql`` next to the server; return its unaligned output."""
        result = subprocess.run(
            [
                str(self.bindir / "psql"),
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                self.url_of(database),
                "-c",
                sql,
            ],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql -c {sql!r} on port {self.port}: {result.stderr.strip()}")
        return result.stdout.strip()

    def wait_ready(self, timeout: float = 30) -> None:
        """Wait until the server accepts a TCP connection."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return
            time.sleep(0.1)
        raise TimeoutError(f"PostgreSQL on port {self.port} did not start; see {self.log}")


@contextlib.contextmanager
def replicated_pair(name: str) -> Iterator[tuple[PgCluster, PgCluster]]:
    """A primary with a database ``lib`` and a streaming replica of it (``pg_basebackup
    -R``), in folders named after ``name``; both removed at the end. Skips the test when the
    PostgreSQL server binaries are missing."""
    import pytest

    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found: apt-get install postgresql")
    primary = PgCluster(bindir, cluster_folder(f"{name}-primary"))
    replica = PgCluster(bindir, cluster_folder(f"{name}-replica"))
    try:
        primary.init()
        primary.start()
        primary.psql("CREATE DATABASE lib")
        replica.follow(primary)
        replica.start()
        yield primary, replica
    finally:
        replica.remove()
        primary.remove()
