"""The inbox (issue 19): ``sucai watch`` and ``sucai serve --watch`` on real folders.

Each test runs the real command in a subprocess (inotify or polling, real SQLite, real
tantivy), drops files the way people and programs do, and waits — bounded — until the inbox
is empty. What must have happened is known from the files the test wrote, and is checked
in the library file with plain SQL (not through sucai).
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pytest

from tests.pgserver import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator

# Common characters: random sentences of them are never near-duplicates of each other.
_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器"
    "压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安"
    "场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集"
    "温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
    "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精"
    "值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属"
    "圆包火住调满县局照参红细引听该铁价严"
)


def _text(rng: random.Random, title: str, paragraphs: int = 3) -> str:
    """A 通知 of random sentences: one article, unlike any other."""
    body = [
        "，".join("".join(rng.choices(_CHARS, k=rng.randint(6, 14))) for _ in range(4)) + "。"
        for _ in range(paragraphs)
    ]
    return f"{title}\n\n各有关单位：\n\n" + "\n\n".join(body) + "\n"


def _watch(
    db: Path, inbox: Path, *options: str, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """``sucai watch --json`` in a process group of its own (its output in ``log``)."""
    with (log or Path(os.devnull)).open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "sucai", "watch", "--db", str(db), "--json", *options, inbox],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(60)


def _waiting(inbox: Path) -> list[Path]:
    """Files still in the inbox (not under .done/.failed/.importing, not the lock nor ``~$``
    files). Folders the watcher removes meanwhile are passed over, not an error."""
    found = []
    for folder, subfolders, names in os.walk(inbox):
        top = Path(folder) == inbox
        if top:
            subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        found += [Path(folder, n) for n in names if not (top and n.startswith("."))]
    return [p for p in found if not p.name.startswith("~$")]


def _wait_until(test: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if test():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


#: The day these tests began: a file imported since is under a date folder from this day to
#: today (a run that goes past midnight moves files under both).
_STARTED: Final = date.today()


def _moved(inbox: Path, folder: str) -> dict[str, str]:
    """Files under ``.done``/``.failed`` by name (relative to their date folder), with text."""
    root = inbox / folder
    found = {}
    for path in root.rglob("*"):
        if path.is_file() and not path.name.endswith(".error.txt"):
            rel = path.relative_to(root)
            if folder == ".done":
                assert _STARTED <= date.fromisoformat(rel.parts[0]) <= date.today()
                rel = rel.relative_to(rel.parts[0])
            found[rel.as_posix()] = path.read_bytes().decode("utf-8", "replace")
    return found


def _library(db: Path) -> tuple[str, int, int, list[str]]:
    """integrity_check, files stored, articles, and every article's text, in plain SQL."""
    with sqlite3.connect(db) as con:
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
        files = con.execute("SELECT count(*) FROM files").fetchone()[0]
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        texts = [
            row[0]
            for row in con.execute(
                "SELECT group_concat(text, '\n') FROM "
                "(SELECT article_id, text FROM paragraphs ORDER BY article_id, rowid) "
                "GROUP BY article_id"
            )
        ]
    con.close()
    return check, files, articles, texts


def _slow_writer(path: Path, lines: list[str], pause: float) -> None:
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(line)
            out.flush()
            time.sleep(pause)


def test_an_inbox_imports_each_file_once_and_moves_it(tmp_path: Path) -> None:
    rng = random.Random(19)
    inbox, db = tmp_path / "收件箱", tmp_path / "lib.db"
    inbox.mkdir()
    log = tmp_path / "watch.log"
    watcher = _watch(db, inbox, "--settle", "1.5", log=log)
    try:
        _wait_until(lambda: "Watching" in log.read_text(), 60, "the watcher starts")
        # A download, written as .part and renamed later; Office's lock file stays.
        part = inbox / "下载.txt.part"
        part.write_text(_text(rng, "关于下载事项的通知"), encoding="utf-8")
        (inbox / "~$草稿.docx").write_bytes(b"owner lock")
        # A slow writer: a line every 0.3 s for 3 s (each pause shorter than --settle), while
        # a folder comes and goes all the time (the watcher looks at the inbox on each event).
        slow_lines = [_text(rng, "关于缓慢写入的通知", 1)] + [
            "".join(rng.choices(_CHARS, k=20)) + "。\n\n" for _ in range(10)
        ]
        writer = threading.Thread(target=_slow_writer, args=(inbox / "缓慢.txt", slow_lines, 0.3))
        writer.start()
        while writer.is_alive():
            (inbox / "tick").mkdir()
            (inbox / "tick").rmdir()
            time.sleep(0.05)
        writer.join()
        # A burst of files, written straight into the inbox.
        burst = {f"burst/{n:03}.txt": _text(rng, f"关于第{n}项工作的通知") for n in range(60)}
        (inbox / "burst").mkdir()
        for name, text in burst.items():
            (inbox / name).write_text(text, encoding="utf-8")
        # A folder made elsewhere and dropped whole.
        made = tmp_path / "made" / "汇编"
        (made / "二级").mkdir(parents=True)
        dropped = {
            "汇编/甲.txt": _text(rng, "关于甲事项的通知"),
            "汇编/二级/乙.txt": _text(rng, "关于乙事项的通知"),
        }
        for name, text in dropped.items():
            (tmp_path / "made" / name).write_text(text, encoding="utf-8")
        made.rename(inbox / "汇编")
        # A duplicate (same bytes as a burst file) and files that fail.
        (inbox / "副本.txt").write_text(burst["burst/007.txt"], encoding="utf-8")
        (inbox / "坏.pdf").write_bytes(b"%PDF-1.4 this is not a PDF")
        (inbox / "照片.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a document")
        _wait_until(lambda: _waiting(inbox) == [part], 90, "all but the .part leave the inbox")
        time.sleep(2)  # longer than --settle: a .part is not imported however long it waits
        assert _waiting(inbox) == [part]
        renamed = part.read_text(encoding="utf-8")
        part.rename(inbox / "下载.txt")
        _wait_until(lambda: not _waiting(inbox), 30, "下载.txt leaves the inbox")
        # The same name again, another text: it is moved beside the first, never over it.
        (inbox / "下载.txt").write_text(_text(rng, "关于同名文件的通知"), encoding="utf-8")
        _wait_until(lambda: not _waiting(inbox), 30, "the second 下载.txt leaves the inbox")
        tidied = lambda: not (inbox / "汇编").exists() and not (inbox / "burst").exists()  # noqa: E731
        _wait_until(tidied, 30, "the folders left empty are removed")
    finally:
        _stop(watcher)
    slow = "".join(slow_lines)
    done, failed = _moved(inbox, ".done"), _moved(inbox, ".failed")
    expected_done = {
        **burst,
        **dropped,
        "下载.txt": renamed,
        "缓慢.txt": slow,
        "副本.txt": burst["burst/007.txt"],
    }
    assert {k: v for k, v in done.items() if k != "下载~2.txt"} == expected_done
    assert "下载~2.txt" in done and done["下载~2.txt"] != renamed
    assert set(failed) == {"坏.pdf", "照片.jpg"}
    for name, code in (("坏.pdf", "damaged"), ("照片.jpg", "unsupported")):
        error = (inbox / ".failed" / f"{name}.error.txt").read_text(encoding="utf-8")
        assert f"错误代码：{code}" in error and "未能导入" in error
    assert (inbox / "~$草稿.docx").exists()  # never touched
    check, files, articles, texts = _library(db)
    assert check == "ok"
    # Every distinct text that was dropped is stored once, whole (the slow one with its
    # last line); the duplicate added nothing.
    assert files == articles == len(expected_done) - 1 + 1  # 副本 is no file; 下载~2 is
    last = slow_lines[-1].strip()
    assert sum(last in text for text in texts) == 1
    said = log.read_text().splitlines()
    lines = [json.loads(line) for line in said if line.startswith("{")]
    statuses = {line["name"]: line["status"] for line in lines}
    # Whichever of the two same files comes first is imported, the other is a duplicate.
    assert sorted([statuses["副本.txt"], statuses["burst/007.txt"]]) == ["duplicate", "imported"]
    assert statuses["坏.pdf"] == statuses["照片.jpg"] == "failed"
    assert len(lines) == len(done) + len(failed)


def test_a_watcher_killed_mid_import_loses_nothing_and_imports_nothing_twice(
    tmp_path: Path,
) -> None:
    rng = random.Random(9)
    inbox, db = tmp_path / "inbox", tmp_path / "lib.db"
    inbox.mkdir()
    texts = {f"{n:04}.txt": _text(rng, f"关于第{n}批材料的通知", 12) for n in range(400)}
    for name, text in texts.items():
        (inbox / name).write_text(text, encoding="utf-8")
    log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = _watch(db, inbox, "--settle", "0.3", log=log)
    second = None
    try:
        _wait_until(lambda: log.read_text().count('"imported"') >= 20, 120, "an import starts")
        # A second watcher of the folder waits while the first holds its lock…
        second = _watch(db, inbox, "--settle", "0.3", log=second_log)
        waits = "another inbox imports this folder; waiting for it"
        _wait_until(lambda: waits in second_log.read_text(), 30, "the second one waits")
        # …and takes over when the first is killed in the middle of its import.
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(30)
        assert _waiting(inbox), "the import ended before the kill: nothing was tested"
        # A kill between a file's commit and its move leaves it stored, in the killed
        # watcher's claim folder: as if that happened to five files, they go there.
        claims = inbox / ".importing" / f"{socket.gethostname()}-{first.pid}"
        claims.mkdir(parents=True, exist_ok=True)
        day = max((inbox / ".done").iterdir())  # the day's folder (the last, past midnight)
        for path in sorted(day.iterdir())[:5]:
            path.rename(claims / path.name)
        assert '"status"' not in second_log.read_text()  # it imported nothing meanwhile
        _wait_until(lambda: not _waiting(inbox), 240, "every file leaves the inbox")
        # The killed watcher's claims went back into the inbox and were imported.
        _wait_until(lambda: not claims.exists(), 30, "the claims of the killed one go back")
        _wait_until(lambda: not _waiting(inbox), 60, "the files given back leave the inbox")
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
    done = _moved(inbox, ".done")
    assert done == texts  # each file moved once (no 0001~2.txt), none failed
    assert not (inbox / ".failed").exists()
    check, files, articles, stored = _library(db)
    assert check == "ok"
    assert files == articles == len(texts)
    assert len(set(stored)) == len(texts)


def test_a_file_renamed_into_the_inbox_is_imported_without_waiting_settle(
    tmp_path: Path,
) -> None:
    # --settle is for files whose writer the inbox cannot know of: a file renamed in, or
    # written in place and closed, that no process holds open for writing is complete.
    rng = random.Random(5)
    inbox, db = tmp_path / "inbox", tmp_path / "lib.db"
    inbox.mkdir()
    log = tmp_path / "watch.log"
    watcher = _watch(db, inbox, "--settle", "120", log=log)
    try:
        _wait_until(lambda: "Watching" in log.read_text(), 60, "the watcher starts")
        made = tmp_path / "改名.txt"
        made.write_text(_text(rng, "关于改名放入的通知"), encoding="utf-8")
        made.rename(inbox / made.name)
        (inbox / "写入.txt").write_text(_text(rng, "关于直接写入的通知"), encoding="utf-8")
        _wait_until(lambda: not _waiting(inbox), 60, "both leave the inbox before --settle")
    finally:
        _stop(watcher)
    assert set(_moved(inbox, ".done")) == {"改名.txt", "写入.txt"}
    assert _library(db)[1:3] == (2, 2)


def test_a_file_held_open_for_writing_waits_however_long_its_writer_pauses(
    tmp_path: Path,
) -> None:
    rng = random.Random(6)
    inbox, db = tmp_path / "inbox", tmp_path / "lib.db"
    inbox.mkdir()
    log = tmp_path / "watch.log"
    watcher = _watch(db, inbox, "--settle", "0.3", log=log)
    try:
        _wait_until(lambda: "Watching" in log.read_text(), 60, "the watcher starts")
        # Each pause is five times --settle: size and time alone would call it complete.
        lines = [_text(rng, "关于停顿写入的通知", 1)] + [
            "".join(rng.choices(_CHARS, k=20)) + "。\n\n" for _ in range(3)
        ]
        _slow_writer(inbox / "停顿.txt", lines, 1.5)
        _wait_until(lambda: not _waiting(inbox), 60, "停顿.txt leaves the inbox")
    finally:
        _stop(watcher)
    check, files, articles, texts = _library(db)
    assert (check, files, articles) == ("ok", 1, 1)
    assert lines[-1].strip() in texts[0]  # whole, not the part before a pause


def _imported(log: Path) -> bool:
    """Whether a ``--json`` watcher's log reports a file imported."""
    return '"imported"' in log.read_text(encoding="utf-8")


def test_two_watchers_at_once_on_one_folder_import_each_file_once(tmp_path: Path) -> None:
    """Where the folder's lock does not hold — a share mounted without working locks, or, as
    here, a lock file deleted under a running watcher — two watchers import from one folder
    at once: each file is claimed by one of them, imported once and moved once."""
    rng = random.Random(22)
    inbox, db = tmp_path / "inbox", tmp_path / "lib.db"
    inbox.mkdir()
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    first = _watch(db, inbox, "--settle", "0.3", log=logs[0])
    second = None
    try:
        _wait_until(lambda: "Watching" in logs[0].read_text(), 60, "the first one starts")
        (inbox / ".sucai-watch.lock").unlink()  # the second one locks a new file: no wait
        second = _watch(db, inbox, "--settle", "0.3", log=logs[1])
        _wait_until(lambda: "Watching" in logs[1].read_text(), 60, "the second one starts")
        # Files come in waves until each watcher has imported some: a watcher claims all it
        # finds ready at once, so one wave alone may all go to whichever looked first.
        texts: dict[str, str] = {}
        while len(texts) < 300 or not all(_imported(log) for log in logs):
            assert len(texts) < 2000, "one watcher never imported: they did not run at once"
            for n in range(len(texts), len(texts) + 25):
                texts[f"{n:04}.txt"] = _text(rng, f"关于第{n}份材料的通知", 2)
                (inbox / f"{n:04}.txt").write_text(texts[f"{n:04}.txt"], encoding="utf-8")
            time.sleep(0.4)
        _wait_until(lambda: not _waiting(inbox), 180, "every file leaves the inbox")
        time.sleep(1)  # a watcher that found a file gone says so within its settle time
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
    said = [log.read_text(encoding="utf-8").splitlines() for log in logs]
    lines = [json.loads(line) for out in said for line in out if line.startswith("{")]
    names = [line["name"] for line in lines]
    assert sorted(names) == sorted(texts), "each file reported once, by one watcher"
    assert {line["status"] for line in lines} == {"imported"}
    others = [ln for out in said for ln in out if not ln.startswith(("{", "Watching", "Stopped"))]
    assert others == []  # no "not moved", no file gone from under a watcher
    assert _moved(inbox, ".done") == texts  # each moved once (no 007~2.txt)
    assert not (inbox / ".failed").exists()
    assert not [p for p in (inbox / ".importing").rglob("*") if p.is_file()]
    check, files, articles, stored = _library(db)
    assert check == "ok"
    assert files == articles == len(set(stored)) == len(texts)


def _chattr(flag: str, path: Path) -> bool:
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False)
    return done.returncode == 0


def test_a_file_the_watcher_cannot_move_is_said_once_and_taken_once_it_can(
    tmp_path: Path,
) -> None:
    """A file in a folder the watcher may not change (here: immutable, which binds root too)
    is not imported — it could not be moved out — and the log says so once, with what to do;
    the watcher goes on with the others, and takes the file once the folder is writable."""
    rng = random.Random(7)
    inbox, db = tmp_path / "inbox", tmp_path / "lib.db"
    (inbox / "锁定").mkdir(parents=True)
    (inbox / "锁定" / "甲.txt").write_text(_text(rng, "关于甲的通知"), encoding="utf-8")
    if not _chattr("+i", inbox / "锁定"):
        pytest.skip("chattr +i is not allowed here (needs root on ext4 or similar)")
    log = tmp_path / "watch.log"
    watcher = _watch(db, inbox, "--settle", "0.3", log=log)
    try:
        (inbox / "乙.txt").write_text(_text(rng, "关于乙的通知"), encoding="utf-8")
        _wait_until(lambda: '"乙.txt"' in log.read_text(), 60, "the other file is imported")
        time.sleep(1.5)  # several looks at the folder meanwhile
        said = log.read_text(encoding="utf-8")
        assert said.count("cannot be moved out of the inbox") == 1, said
        assert "give the watcher's user write access to its folder" in said
        assert (inbox / "锁定" / "甲.txt").exists()
        assert _chattr("-i", inbox / "锁定")
        _wait_until(lambda: not _waiting(inbox), 30, "甲.txt is taken once it can be")
    finally:
        _chattr("-i", inbox / "锁定")
        _stop(watcher)
    assert set(_moved(inbox, ".done")) == {"乙.txt", "锁定/甲.txt"}
    assert _library(db)[1:3] == (2, 2)


def test_a_missing_inbox_folder_is_made_and_said_or_refused_when_its_parent_is_missing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "lib.db"
    inbox = tmp_path / "新收件箱"
    log = tmp_path / "watch.log"
    watcher = _watch(db, inbox, log=log)
    try:
        _wait_until(lambda: "Watching" in log.read_text(), 60, "the watcher starts")
    finally:
        _stop(watcher)
    said = log.read_text(encoding="utf-8")
    assert f"Created the inbox folder {inbox} (it did not exist)." in said
    assert inbox.is_dir()
    # A mistyped path (its parent missing too) is refused, and nothing is made.
    for command in ("watch", "serve"):
        missing = tmp_path / "不存在" / "收件箱"
        args = [missing] if command == "watch" else ["--watch", missing, "--port", "1"]
        done = subprocess.run(
            [sys.executable, "-m", "sucai", command, "--db", str(db), *map(str, args)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert f"Error: {missing}: no such folder, nor its parent" in done.stderr
        assert "Traceback" not in done.stderr and "Watching" not in done.stderr
        assert "Serving" not in done.stdout
        assert not (tmp_path / "不存在").exists()


def _drop(inbox: Path, name: str, text: str) -> None:
    (inbox / name).write_text(text, encoding="utf-8")
    _wait_until(lambda: not _waiting(inbox), 60, f"{name} leaves the inbox")


def test_a_polling_inbox_merges_near_duplicates_of_what_it_and_others_imported(
    tmp_path: Path,
) -> None:
    inbox, db = tmp_path / "share", tmp_path / "lib.db"
    rng = random.Random(1)
    first, second = _text(rng, "关于轮询的通知", 6), _text(rng, "关于另一事项的通知", 6)
    # The same texts with one sentence's last characters changed: near-duplicates (Jaccard
    # of 5-character shingles ≈ 0.95, over the 0.8 from which they are merged).
    edited = [t.replace("。", "，另有改动。", 1) for t in (first, second)]
    log = tmp_path / "watch.log"
    watcher = _watch(db, inbox, "--poll", "0.5", "--settle", "0.5", log=log)
    try:
        _wait_until(lambda: log.exists() and "Watching" in log.read_text(), 60, "it starts")
        _drop(inbox, "a.txt", first)
        _drop(inbox, "a2.txt", edited[0])  # a copy of what the inbox imported itself
        other = tmp_path / "b.txt"
        other.write_text(second, encoding="utf-8")
        subprocess.run(  # another import into the library meanwhile
            [sys.executable, "-m", "sucai", "import", "--db", str(db), str(other)],
            check=True,
            capture_output=True,
        )
        _drop(inbox, "b2.txt", edited[1])  # a copy of what the other import stored
    finally:
        _stop(watcher)
    assert "looking every 0.5 s" in log.read_text()
    assert _library(db)[1:3] == (4, 2)  # four files, two articles
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM merged_copies").fetchone()[0] == 2
    con.close()


def _search(port: int, query: str) -> int:
    url = f"http://127.0.0.1:{port}/search.json?q={urllib.parse.quote(query)}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(json.load(response)["total"])
    except OSError:
        return -1


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, Path, int]]:
    """``sucai serve --watch`` with two server processes: one inbox imports."""
    port, inbox = free_port(), tmp_path / "inbox"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "sucai", "serve", "--db", str(tmp_path / "lib.db")),
            *("--port", str(port), "--workers", "2", "--watch", str(inbox)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_until(lambda: _search(port, "通知") >= 0, 90, "the server answers")
        yield port, inbox, process.pid  # the session's id (start_new_session)
    finally:
        _stop(process)


def _nice_values(session: int) -> dict[int, int]:
    """The nice value of every process of a session, by pid (from ``/proc``)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[3]) == session:  # fields from the state on: session is the 4th
            found[int(stat.parent.name)] = int(fields[16])
    return found


def test_a_server_with_an_inbox_imports_what_is_dropped(server: tuple[int, Path, int]) -> None:
    port, inbox, session = server
    rng = random.Random(4)
    word = "".join(rng.choices(_CHARS, k=8))
    text = _text(rng, "关于服务收件箱的通知").replace("各有关单位：", f"各有关单位：{word}")
    (inbox / "a.txt").write_text(text, encoding="utf-8")
    _wait_until(lambda: _search(port, f'"{word}"') == 1, 30, "the dropped file is found")
    assert not _waiting(inbox)
    # The inbox runs at a lower CPU priority than the server's processes (their searches
    # go first on busy cores): of the server's processes, one alone is nicer, by 19.
    nice = _nice_values(session)
    assert len(nice) >= 4, nice  # the server, its two workers, the inbox
    assert sorted(nice.values()) == [0] * (len(nice) - 1) + [19], nice
