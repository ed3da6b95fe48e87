"""compose.yaml's set-up run without Docker (issue 17): nginx with ``deploy/nginx.conf`` in
front of two ``sucai serve`` on one PostgreSQL library, each with its own index folder.

The machines of this project have no Docker engine; the same programs run here as processes,
with the servers' host names (app1, app2) replaced by their loopback ports.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from typing import TYPE_CHECKING

import pytest

from sucai import open_library
from tests.conftest import ROOT
from tests.pgserver import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def _get(port: int, path: str) -> tuple[int, dict[str, object]]:
    """One request on a new connection."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        con.request("GET", path)
        response = con.getresponse()
        body = response.read()
    finally:
        con.close()
    return response.status, json.loads(body) if body.startswith(b"{") else {}


def _wait(port: int, what: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if _get(port, "/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} did not answer /health")


@pytest.fixture
def servers(pg_url: str, tmp_path: Path) -> Iterator[list[int]]:
    """app1 and app2 of compose.yaml: ``sucai serve`` with an index folder each."""
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "sucai", "serve", "--db", pg_url),
                *("--index-dir", str(tmp_path / f"index{n}")),
                *("--port", str(port), "--workers", "1", "--trusted-proxies", "127.0.0.1"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for n, port in enumerate(ports, 1)
    ]
    try:
        for n, port in enumerate(ports, 1):
            _wait(port, f"app{n}")
        yield ports
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(30)


@pytest.fixture
def proxy(servers: list[int], tmp_path: Path) -> Iterator[int]:
    """nginx with deploy/nginx.conf (one process, in the foreground) on a loopback port."""
    nginx = shutil.which("nginx")
    if nginx is None:
        pytest.skip("nginx is not installed (make test installs it with apt when it can)")
    port = free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for n, upstream in enumerate(servers, 1):
        site = site.replace(f"server app{n}:8000", f"server 127.0.0.1:{upstream}")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    assert "app1" not in site and "app2" not in site
    folder = tmp_path / "nginx"
    folder.mkdir()
    (folder / "site.conf").write_text(site, encoding="utf-8")
    temp = " ".join(
        f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    (folder / "nginx.conf").write_text(
        f"daemon off;\nmaster_process off;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  {temp}\n  include {folder}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(port, "nginx")
        yield port
    finally:
        process.terminate()
        process.wait(30)


def test_nginx_spreads_searches_over_two_servers_that_follow_one_library(
    pg_url: str, servers: list[int], proxy: int, tmp_path: Path
) -> None:
    # An import from another machine (the CLI, its own index folder); a visitor's total there.
    with open_library(pg_url, index_dir=tmp_path / "cli-index") as lib:
        report = lib.ingest([ROOT / "samples" / "reports"])
        assert report.files and not report.failed
        expected = lib.search("高质量发展", paid=False).total
    assert expected > 0
    query = "/search.json?q=" + urllib.parse.quote("高质量发展")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # each server follows the change log every half second
        if all(_get(port, query)[1]["total"] == expected for port in servers):
            break
        time.sleep(0.2)
    for n, port in enumerate(servers, 1):  # each from its own index
        assert _get(port, query)[1]["total"] == expected, f"app{n}"
        assert any((tmp_path / f"index{n}").iterdir())
    # Through nginx: both servers take turns, and both give the library's answer.
    pids = {_get(proxy, "/health")[1]["pid"] for _ in range(4)}
    assert len(pids) == 2, pids
    for _ in range(4):
        status, found = _get(proxy, query)
        assert status == 200 and found["total"] == expected, found
    # Uploads go to app1 alone (its progress pages are kept there).
    site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream sucai_import \{\s*server (\S+);\s*\}", site)
    assert upstream is not None and upstream[1] == "app1:8000"
