"""Packaging a maintainer can trust (issue 17): the version follows the schema, the lock file
follows pyproject.toml, and the deployment files of docs/deploy.md pass the checks that run
without a Docker engine (hadolint, the compose client, nginx -t, systemd-analyze verify).

A check whose tool is missing is skipped with the tool's name; ``make test`` installs them with
apt when it can (the ``deploy-tools`` target).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from sucai.store.migrations import SCHEMA_VERSION
from sucai.store.pg_migrations import PG_MIGRATIONS
from tests.conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(BIN))
    if found is None:
        pytest.skip(f"{name} is not installed (make test installs it with apt when it can)")
    return found


# --- versions ------------------------------------------------------------------------------


def test_the_minor_version_is_the_schema_version() -> None:
    major, schema, patch = PROJECT["version"].split(".")
    assert (major, schema) == ("0", str(SCHEMA_VERSION)), "CHANGELOG.md says the rule"
    assert patch.isdigit()
    assert len(PG_MIGRATIONS) == SCHEMA_VERSION


def test_the_changelog_has_a_section_for_the_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d\d-\d\d))?$", changelog, re.M)
    assert sections[0] == ("Unreleased", "")
    assert sections[1][0] == PROJECT["version"] and sections[1][1], sections[1]


def test_sucai_reports_its_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sucai", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.split()[-1] == PROJECT["version"]


# --- the lock file -------------------------------------------------------------------------


def _locked() -> dict[str, list[tuple[str, str]]]:
    """``requirements.lock`` as {name: [(version, marker)]}; hash and comment lines skipped."""
    locked: dict[str, list[tuple[str, str]]] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        found = re.match(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)(?: ; ([^\\]+?))? *\\?$", line)
        if found:
            name, version, marker = found.groups()
            locked.setdefault(canonicalize_name(name), []).append((version, marker or ""))
    return locked


def test_the_lock_file_pins_every_dependency_within_its_declared_bounds() -> None:
    locked = _locked()
    declared = [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["postgres"]]
    assert len(declared) > 10
    for text in declared:
        requirement = Requirement(text)
        pins = locked.get(canonicalize_name(requirement.name))
        assert pins, f"{requirement.name} is not in requirements.lock: run make lock"
        for version, _ in pins:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"requirements.lock pins {requirement.name}=={version}, outside {text}: "
                "run make lock"
            )


def test_every_locked_package_has_its_hashes() -> None:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9._-]+==)", text.split("\n", 1)[1])
    pinned = [b for b in blocks if re.match(r"[A-Za-z0-9._-]+==", b)]
    assert len(pinned) == sum(len(v) for v in _locked().values())
    for block in pinned:
        assert "--hash=sha256:" in block, block.splitlines()[0]
    assert "sucai==" not in text


# --- the deployment files ------------------------------------------------------------------


def test_the_dockerfile_passes_hadolint() -> None:
    done = subprocess.run(
        [_tool("hadolint"), "--no-color", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_dockerfile_installs_the_lock_file_with_hashes() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for needed in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.M):
        for name in needed.split():
            assert f"!{name}" in ignored or f"!{name}/" in ignored, name


def _compose() -> list[str]:
    docker = shutil.which("docker")
    if docker is not None:
        plugin = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
        if plugin.returncode == 0:
            return [docker, "compose"]
    return [_tool("docker-compose")]


def test_the_compose_file_is_valid_and_asks_for_the_database_password() -> None:
    compose = [*_compose(), "--project-directory", str(ROOT), "-f", str(ROOT / "compose.yaml")]
    env = {k: v for k, v in os.environ.items() if k != "SUCAI_DB_PASSWORD"}
    unset = subprocess.run(
        [*compose, "config", "--quiet"], env=env, capture_output=True, text=True, check=False
    )
    assert unset.returncode != 0
    assert "set SUCAI_DB_PASSWORD to the database password" in unset.stderr
    env["SUCAI_DB_PASSWORD"] = "test"
    for command in (["config", "--quiet"], ["config", "--services"], ["config", "--volumes"]):
        done = subprocess.run(
            [*compose, *command], env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        if command[1] == "--services":
            assert set(done.stdout.split()) == {"db", "app1", "app2", "watch", "nginx"}
        if command[1] == "--volumes":
            # The database's, and one index folder for each server.
            assert set(done.stdout.split()) == {"db", "app1", "app2"}


def test_the_compose_file_runs_one_inbox_watcher_beside_the_servers() -> None:
    """Issue 22: exactly one ``sucai watch`` per inbox for the whole set, and no server
    watching as well; it shares app1's volume (and so its index folder)."""
    compose = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    commands = re.findall(r"^\s*command: \[(.*)\]$", compose, re.M)
    assert [c for c in commands if '"watch"' in c] == ['"sucai", "watch", "/var/lib/sucai/inbox"']
    assert not [c for c in commands if "--watch" in c]  # no server watches as well
    watch = compose.split("\n  watch:\n", 1)[1].split("\n\n", 1)[0]
    assert "- app1:/var/lib/sucai\n" in watch and ":/var/lib/sucai/inbox" in watch
    assert "replicas" not in watch and "scale" not in watch


def _nginx_check(tmp_path: Path, site: str) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` of ``site`` (a conf.d file) inside a minimal main configuration."""
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    return subprocess.run(
        [_tool("nginx"), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )


def _upstreams_on_loopback(config: str) -> str:
    """The servers' host names (app1, app2 …) resolve only inside their network."""
    return re.sub(r"\bserver app(\d+):8000", r"server 127.0.0.1:1800\1", config)


def test_the_compose_nginx_configuration_is_valid(tmp_path: Path) -> None:
    site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "server app1:8000" in site and "server app2:8000" in site
    done = _nginx_check(tmp_path, _upstreams_on_loopback(site))
    assert done.returncode == 0, done.stderr
    broken = _nginx_check(tmp_path, _upstreams_on_loopback(site).replace("32;", ";"))
    assert broken.returncode != 0  # the check can fail


def _doc_blocks(language: str) -> list[str]:
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", deploy, re.M | re.S)


def test_the_nginx_configuration_in_the_docs_is_valid(tmp_path: Path) -> None:
    (block,) = _doc_blocks("nginx")
    openssl = _tool("openssl")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=sucai.example.org", "-keyout", str(tmp_path / "key.pem"),
         "-out", str(tmp_path / "cert.pem")],
        capture_output=True,
        check=True,
    )  # fmt: skip
    site = _upstreams_on_loopback(block)
    site = re.sub(r"ssl_certificate +\S+;", f"ssl_certificate {tmp_path}/cert.pem;", site)
    site = re.sub(r"ssl_certificate_key +\S+;", f"ssl_certificate_key {tmp_path}/key.pem;", site)
    done = _nginx_check(tmp_path, site)
    assert done.returncode == 0, done.stderr


def test_the_systemd_units_in_the_docs_are_valid(tmp_path: Path) -> None:
    analyze = _tool("systemd-analyze")
    units = [b for b in _doc_blocks("ini") if b.startswith("# /etc/systemd/system/")]
    # One machine (SQLite) and its inbox (issue 19), a server of a PostgreSQL library and
    # the one inbox watcher of the several servers (issue 22).
    assert len(units) == 4
    sucai = BIN / "sucai"
    watchers = [u for u in units if "sucai watch" in u]
    assert len(watchers) == 2
    several = [u for u in watchers if "SUCAI_DB=postgresql://" in u]
    assert len(several) == 1
    # The watcher of a PostgreSQL library uses app1's index folder, and no server watches.
    (app,) = [u for u in units if "SUCAI_DB=postgresql://" in u and u not in watchers]
    index = re.search(r"^Environment=SUCAI_INDEX_DIR=(.+)$", app, re.M)
    assert index and f"SUCAI_INDEX_DIR={index.group(1)}\n" in several[0]
    assert "--watch" not in app
    for unit in units:
        name = unit.split("\n", 1)[0].rsplit("/", 1)[1]
        command = "watch" if name == "sucai-watch.service" else "serve"
        assert f"ExecStart=/opt/sucai/.venv/bin/sucai {command}" in unit
        (tmp_path / name).write_text(
            unit.replace("/opt/sucai/.venv/bin/sucai", str(sucai)), encoding="utf-8"
        )
        done = subprocess.run(
            [analyze, "verify", "--man=no", str(tmp_path / name)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0 and name not in done.stderr, done.stderr
