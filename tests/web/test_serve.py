"""``sucai serve --workers 2``: several server processes over one library behave as one server.

Sessions, import jobs and the library live in the library file, not in a process: a sign-in
made through one worker holds in the other, and both find the same material.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

from tests.web.conftest import PASSWORD

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sucai import Library

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(db: str, port: int) -> subprocess.Popen[bytes]:
    """``sucai serve --workers 2`` on ``db``, in its own process group, once it answers."""
    # 40 searches in a row: these tests are about sharing, not about rate limits
    command = ["serve", "--db", db, "--port", str(port), "--workers", "2", "--rate-limits", "off"]
    server = subprocess.Popen(
        [sys.executable, "-m", "sucai", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(port, "/health")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(30)
    raise AssertionError("sucai serve --workers 2 did not answer /health")


def _stop(server: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    server.wait(30)


@pytest.fixture
def served(library: Library) -> Iterator[tuple[str, int, subprocess.Popen[bytes]]]:
    """The seed library's file, a port, and ``sucai serve --workers 2`` on them."""
    port = _free_port()
    db = str(library.store.path)  # type: ignore[attr-defined]
    library.close()
    server = _serve(db, port)
    try:
        yield db, port, server
    finally:
        _stop(server)


@pytest.fixture
def workers(served: tuple[str, int, subprocess.Popen[bytes]]) -> int:
    """The port of ``sucai serve --workers 2`` on the seed library."""
    return served[1]


def _get(port: int, path: str, cookie: str = "") -> tuple[int, dict[str, object]]:
    """One request on a new connection (so the kernel may hand it to either worker)."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    con.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = con.getresponse()
    body = response.read()
    con.close()
    return response.status, json.loads(body) if body.startswith(b"{") else {}


def _sign_in(port: int) -> str:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    con.request("GET", "/login")
    page = con.getresponse()
    html = page.read().decode()
    csrf_cookie = page.getheader("set-cookie", "").split(";")[0]
    token = re.search(r'name="csrf" value="([^"]+)"', html)
    assert token
    form = urllib.parse.urlencode({"name": "会员甲", "password": PASSWORD, "csrf": token[1]})
    con.request(
        "POST",
        "/login",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": csrf_cookie},
    )
    response = con.getresponse()
    response.read()
    con.close()
    assert response.status == 303
    session = [c for c in response.headers.get_all("set-cookie") or [] if "session" in c]
    assert session, "no session cookie after signing in"
    return session[0].split(";")[0]


def test_two_workers_share_sessions_and_the_library(workers: int) -> None:
    _worker_pids(workers)
    cookie = _sign_in(workers)
    seen: set[object] = set()
    rounds = 0
    # 40 rounds at least, and on until both workers have answered (a busy machine may hand
    # one worker many connections in a row); bounded.
    while (rounds < 40 or len(seen) < 2) and rounds < 1000:
        rounds += 1
        status, account = _get(workers, "/account.json", cookie)
        assert status == 200
        user = account["user"]
        assert isinstance(user, dict)
        assert user["name"] == "会员甲"  # the session holds whichever worker answers
        seen.add(_get(workers, "/health")[1]["pid"])
        status, found = _get(workers, "/search.json?q=" + urllib.parse.quote("高质量发展"), cookie)
        assert status == 200
        assert int(str(found["total"])) > 0
    assert len(seen) == 2


def _worker_pids(port: int) -> set[int]:
    pids: set[int] = set()
    deadline = time.monotonic() + 30  # the second worker may still be starting
    while len(pids) < 2 and time.monotonic() < deadline:
        pids.add(int(str(_get(port, "/health")[1]["pid"])))
    assert len(pids) == 2, f"expected two worker processes to answer, got {pids}"
    return pids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (dead, not yet reaped by init) holds no port
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_workers_die_with_their_parent_and_the_port_is_free_at_once(
    served: tuple[str, int, subprocess.Popen[bytes]],
) -> None:
    """``kill -9`` of the ``sucai serve`` parent left its workers serving on the port, and a
    restart failed with "Address already in use" (issue 22)."""
    db, port, server = served
    pids = _worker_pids(port)
    server.kill()
    server.wait(10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids), "a worker outlived its parent"
    again = _serve(db, port)  # the same port, at once
    try:
        assert _get(port, "/health")[0] == 200
    finally:
        _stop(again)


def test_reads_run_at_most_readers_at_a_time_each_with_its_own_reader(library: Library) -> None:
    """Page views and searches queue for the app's few read threads (first come, first
    served) instead of all dividing the GIL, and no two at once share a reader."""
    import asyncio
    import threading

    from sucai.search.query import parse_query
    from sucai.web.render import Readers

    readers = Readers(library, 2)
    guard = threading.Lock()
    busy: set[int] = set()
    threads: set[int] = set()
    most = 0

    def read(reader: Library) -> int:
        nonlocal most
        with guard:
            assert id(reader) not in busy
            busy.add(id(reader))
            threads.add(threading.get_ident())
            most = max(most, len(busy))
        time.sleep(0.05)
        total = reader.search(parse_query("发展")).total
        with guard:
            busy.discard(id(reader))
        return total

    async def many() -> list[int]:
        return await asyncio.gather(*(readers.run(read) for _ in range(8)))

    try:
        totals = asyncio.run(many())
    finally:
        readers.close()
    assert most == 2
    assert len(threads) == 2  # not one thread per waiting request
    assert totals == [library.search(parse_query("发展")).total] * 8
    assert totals[0] > 0
