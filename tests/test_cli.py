"""The command line, driven through CliRunner against real library files."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sucai import open_library
from sucai.cli import cli
from sucai.errors import IngestError
from sucai.ingest.sources import Candidate, load_file
from sucai.search.query import parse_query
from tests.conftest import ROOT, SEED


def _run(*args: str, db: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    return result.exit_code, result.output


def test_import_list_show_and_dump_the_seed(tmp_path: Path, shared: Path) -> None:
    db = tmp_path / "lib.db"
    code, out = _run("import", str(SEED), db=db)
    assert code == 0, out
    assert out.splitlines()[0] == f"ok    {SEED}: 7 articles, utf-8, 4 lines removed"
    assert "note: the header declares 8 articles but 7 were found" in out
    assert out.splitlines()[-1] == (
        "1 files: 1 imported, 0 duplicates, 0 skipped, 0 failed · 7 articles (7 new) · "
        "4 advertising/chrome lines removed"
    )
    code, out = _run("list", "--json", db=db)
    rows = json.loads(out)
    assert [r["role"] for r in rows] == [
        "县长",
        "县长",
        None,
        None,
        "市长",
        "副市长",
        "市委副书记、市长",
    ]
    code, out = _run("show", "2", "--json", db=db)
    article = json.loads(out)
    assert article["title"] == "聚焦精准招商再掀招商热潮"
    assert article["sources"][0]["position"] == 1
    assert all(
        {"index", "text", "paid", "heading", "section"} <= set(p) for p in article["paragraphs"]
    )
    assert "\\u" not in out  # Chinese stays readable
    code, out = _run("dump", db=db)
    lines = out.splitlines()
    assert len(lines) == 7
    assert [json.loads(line)["id"] for line in lines] == [1, 2, 3, 4, 5, 6, 7]
    assert json.loads(lines[1]) == article


def test_show_prints_outline_and_marks_the_paid_part(tmp_path: Path, shared: Path) -> None:
    db = tmp_path / "lib.db"
    _run("import", str(SEED), db=db)
    code, out = _run("show", "1", db=db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "勇争高质量发展排头兵（县长）"
    assert "提纲:" in lines
    assert "  在对外开放上再发力，打造“融沈对接”先导区。" in lines
    first_paid = next(
        i for i, line in enumerate(lines) if line.startswith("　　在对外开放上再发力")
    )
    assert lines[first_paid - 1] == "—— 以下为会员内容 ——"
    assert lines.count("—— 以下为会员内容 ——") == 1


def test_reimporting_the_same_file_is_a_no_op(tmp_path: Path, shared: Path) -> None:
    db = tmp_path / "lib.db"
    _run("import", str(SEED), db=db)
    code, out = _run("import", "--json", str(SEED), db=db)
    assert code == 0
    report = json.loads(out)
    assert (report["imported"], report["duplicates"], report["new_articles"]) == (0, 1, 0)
    with open_library(db) as lib:
        assert lib.count() == 7


def test_show_of_a_missing_article_says_how_to_find_ids(tmp_path: Path) -> None:
    open_library(tmp_path / "lib.db").close()
    code, out = _run("show", "99", db=tmp_path / "lib.db")
    assert code == 1
    assert out == f"Error: no article 99 in {tmp_path / 'lib.db'}. `sucai list` shows the ids.\n"


def test_a_non_library_file_is_refused_without_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("this is not sqlite" * 100)
    code, out = _run("list", db=junk)
    assert code == 1
    assert out.startswith(f"Error: {junk} is not a sucai library (")
    assert "Traceback" not in out


def test_a_read_replica_is_passed_to_the_library_and_refused_for_sqlite(tmp_path: Path) -> None:
    runner = CliRunner(env={"SUCAI_DB_READ": "postgresql://sucai@replica1/sucai"})
    result = runner.invoke(cli, ["list", "--db", str(tmp_path / "lib.db")])
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: db_read: a read replica needs a PostgreSQL library (--db postgresql://…)"
    )


def test_bad_inputs_fail_one_by_one_and_leave_the_library_intact(
    tmp_path: Path, shared: Path
) -> None:
    db = tmp_path / "lib.db"
    _run("import", str(SEED), db=db)
    with open_library(db) as lib:
        before = [json.dumps(a.paragraphs, default=str) for a in lib.articles()]
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "junk.txt").write_bytes(bytes(range(256)) * 64)
    (bad / "truncated.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    (bad / "huge.txt").write_bytes(b"")  # replaced below by a sparse 200 MB file
    with (bad / "huge.txt").open("wb") as f:
        f.truncate(200 * 1024 * 1024)
    (bad / "good.txt").write_text("新的讲话稿\n同志们：\n今天我们召开会议。\n", encoding="utf-8")
    code, out = _run("import", "--json", str(bad), db=db)
    assert code == 1
    report = json.loads(out)
    by_name = {d["path"].rsplit("/", 1)[-1]: d for d in report["details"]}
    assert by_name["good.txt"]["status"] == "imported"
    assert by_name["empty.txt"]["code"] == "empty"
    assert by_name["junk.txt"]["code"] == "binary"
    assert by_name["truncated.docx"]["status"] == "failed"
    assert by_name["huge.txt"]["code"] == "too-large"
    for name in ("empty.txt", "junk.txt", "truncated.docx", "huge.txt"):
        message = by_name[name]["message"]
        assert message.startswith(str(bad / name) + ": "), message
        assert "\n" not in message
    with open_library(db) as lib:
        after = [json.dumps(a.paragraphs, default=str) for a in lib.articles()]
        assert after[:7] == before
        assert lib.count() == 8


def test_a_file_that_vanishes_mid_import_is_reported(tmp_path: Path) -> None:

    gone = tmp_path / "gone.txt"
    with pytest.raises(IngestError) as info:
        load_file(Candidate(str(gone), fs_path=gone))
    assert info.value.code == "missing"
    assert "disappeared" in info.value.message


def test_interrupted_import_leaves_a_consistent_library_and_rerun_completes(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        (folder / f"{i}.txt").write_text(f"第{i}号讲话\n同志们：\n内容{i}。\n", encoding="utf-8")
    db = tmp_path / "lib.db"
    seen = []

    def stop_after_two(report: object) -> None:
        seen.append(report)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with open_library(db) as lib:
        with contextlib.suppress(KeyboardInterrupt):
            lib.ingest([folder], on_file=stop_after_two)
        assert lib.count() == 2
    code, out = _run("import", "--json", str(folder), db=db)
    assert code == 0
    report = json.loads(out)
    assert (report["imported"], report["duplicates"]) == (3, 2)
    with open_library(db) as lib:
        assert lib.count() == 5


def test_unsupported_file_named_directly_exits_non_zero(tmp_path: Path) -> None:
    picture = tmp_path / "a.png"
    picture.write_bytes(b"\x89PNG")
    code, out = _run("import", str(picture), db=tmp_path / "lib.db")
    assert code == 1
    assert out.startswith(f"FAIL  {picture}: sucai cannot read '.png' files; it reads ")


def test_default_library_location_is_announced(tmp_path: Path) -> None:
    runner = CliRunner(env={"XDG_DATA_HOME": str(tmp_path), "SUCAI_DB": None})
    result = runner.invoke(cli, ["list"])
    default = tmp_path / "sucai" / "library.db"
    assert f"Library: {default} (the default" in result.output
    assert result.exit_code == 1  # none there yet: list makes none
    assert runner.invoke(cli, ["import", str(SEED)]).exit_code == 0
    result = runner.invoke(cli, ["list", "--limit", "1"])
    assert result.exit_code == 0
    assert f"Library: {default} (the default" in result.output


def test_a_search_that_finds_nothing_offers_the_wider_searches_that_do(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    assert _run("import", str(ROOT / "samples" / "reports"), db=db)[0] == 0
    with sqlite3.connect(db) as con:  # counted apart from the index: paragraphs holding it
        (holding,) = con.execute(
            "SELECT count(*) FROM paragraphs WHERE instr(text, '营商环境') > 0"
        ).fetchone()
    assert holding > 0
    code, out = _run("search", "营商环境", "--source", "没有这个来源", db=db)
    assert code == 0
    assert out.splitlines()[1:] == [f"Without the filters: 营商环境  ({holding} matching)"]
    code, out = _run("search", "营商环境", "--in", "title", "--year", "2023..2025", db=db)
    assert out.splitlines()[1:] == [
        f"In the whole text (--in all): 营商环境 年份:2023..2025  ({holding} matching)"
    ]
    code, out = _run("search", "营商环境", "--in", "title", "--genre", "讲话", db=db)
    assert out.splitlines()[1:] == []  # neither wider search alone finds it: none offered


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["search", "发展"],
        ["show", "1"],
        ["info"],
        ["compose", "营商环境"],
        ["tifa", "发展"],
        ["export", "1"],
        ["backup", "--to", "copy.db"],
        ["user", "list"],
    ],
)
def test_a_command_that_reads_refuses_a_missing_library_and_makes_none(
    tmp_path: Path, command: list[str]
) -> None:
    """A mistyped --db is not taken for a new, empty library ("No matches" would mislead)."""
    db = tmp_path / "typo" / "lib.db"
    (tmp_path / "typo").mkdir()
    result = CliRunner().invoke(cli, [*command, "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: There is no library at {db}. Check the path (--db or SUCAI_DB), or import "
        f"material into it first: sucai import --db {db} PATH …\n"
    )
    assert list((tmp_path / "typo").iterdir()) == []


@pytest.mark.slow(seconds=150)
def test_the_whole_shared_corpus_imports_without_a_failure(tmp_path: Path, shared: Path) -> None:
    code, out = _run(
        "import", "--json", str(shared / "corpus"), str(shared / "seed"), db=tmp_path / "all.db"
    )
    report = json.loads(out)
    assert code == 0, [d for d in report["details"] if d["status"] == "failed"]
    assert report["failed"] == 0
    assert report["imported"] >= 5000
    assert report["articles"] >= 24000


def _stored(db: Path) -> int:
    """Files stored in the library so far (0 while it does not exist yet)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            return int(con.execute("SELECT count(*) FROM files").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not made yet
        return 0


def _holders(db: Path) -> list[int]:
    """The other processes that have the library file open (from /proc)."""
    holders = []
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if fd.readlink() == db and int(fd.parts[2]) != os.getpid():
                holders.append(int(fd.parts[2]))
        except OSError:  # gone, or not ours to read
            continue
    return holders


@pytest.mark.slow
def test_a_killed_import_leaves_a_sound_library_and_rerunning_completes_it(
    tmp_path: Path, shared: Path
) -> None:
    # 150 laws: the kill lands mid-import, and the three imports take seconds, not minutes.
    everything = shared / "corpus" / "laws"
    laws = tmp_path / "laws"
    for law in sorted(everything.rglob("*.md"))[:150]:
        (laws / law.relative_to(everything)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(law, laws / law.relative_to(everything))
    db = tmp_path / "lib.db"
    command = [sys.executable, "-m", "sucai", "import", "--db", str(db), str(laws)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Killed once files are being stored (however loaded the machine is), never before.
    deadline = time.monotonic() + 300
    while _stored(db) == 0:
        assert process.poll() is None and time.monotonic() < deadline, "the import never stored"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    # Nothing it started goes on holding the library (the process indexing alongside).
    deadline = time.monotonic() + 10
    while _holders(db) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _holders(db)
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        partial = con.execute("SELECT count(*) FROM files").fetchone()[0]
        orphans = con.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM article_sources s WHERE s.article_id = a.id)"
        ).fetchone()[0]
    assert 0 < partial < 150
    assert orphans == 0
    code, out = _run("import", "--json", str(laws), db=db)
    assert code == 0
    report = json.loads(out)
    assert report["duplicates"] >= partial
    fresh = tmp_path / "fresh.db"
    _run("import", str(laws), db=fresh)
    with open_library(db) as resumed, open_library(fresh) as clean:
        assert resumed.count() == clean.count()
        assert len(resumed.files()) == len(clean.files())


def test_the_library_its_index_and_backups_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    """The library holds password and session hashes, the index the paid text (issue 15)."""
    db = tmp_path / "lib.db"
    code, out = _run("import", str(ROOT / "samples" / "laws" / "宪法.md"), db=db)
    assert code == 0, out
    backup = tmp_path / "backups" / "lib-copy.db"
    assert _run("backup", "--to", str(backup), db=db)[0] == 0
    with open_library(db) as library:
        library.search(parse_query("宪法"))
        private = [db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-search"), backup]
        for path in private:
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode & 0o077 == 0, f"{path.name} is {oct(mode)}"
        assert stat.S_IMODE(Path(f"{db}-search").stat().st_mode) == 0o700


def test_files_skipped_in_a_folder_are_named_in_the_summary(tmp_path: Path) -> None:
    folder = tmp_path / "下载"
    folder.mkdir()
    (folder / "通知.txt").write_text("关于召开会议的通知\n\n请准时参加。\n", encoding="utf-8")
    (folder / "附件1.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "照片.jpg").write_bytes(b"\xff\xd8")
    (folder / "Thumbs.db").write_bytes(b"\0")
    code, output = _run("import", str(folder), db=tmp_path / "lib.db")
    assert code == 0
    lines = output.splitlines()
    assert lines[-3].startswith("4 files: 1 imported, 0 duplicates, 3 skipped, 0 failed")
    assert lines[-2:] == [
        f"      skipped (hidden or system file): {folder / 'Thumbs.db'}",
        f"      skipped (other type): {folder / '照片.jpg'}, {folder / '附件1.xlsx'}",
    ]


def test_a_refused_classified_file_fails_the_import_and_is_named(tmp_path: Path) -> None:
    """A file refused for its 密级 marking (issue 16) makes the exit status 1, as a failed
    file does, and the summary names it; the other files are imported all the same."""
    folder = tmp_path / "收文"
    folder.mkdir()
    head = "000123\n机密★1年\n特急\n\n国务院办公厅文件\n\n国办发〔2024〕7号\n\n"
    body = "关于做好安全生产工作的通知\n\n各省、自治区、直辖市人民政府：\n\n现将有关事项通知如下。"
    (folder / "机密通知.txt").write_text(f"{head}{body}\n", encoding="utf-8")
    (folder / "通知.txt").write_text(body, encoding="utf-8")
    db = tmp_path / "lib.db"
    code, output = _run("import", str(folder), db=db)
    assert code == 1, output
    lines = output.splitlines()
    assert lines[-2].startswith(
        "2 files: 1 imported, 0 duplicates, 0 skipped, 1 refused (classified), 0 failed"
    )
    assert lines[-1] == f"      refused (classified): {folder / '机密通知.txt'}"
    code, output = _run("import", str(folder / "机密通知.txt"), "--json", db=db)
    assert code == 1 and json.loads(output)["refused"] == 1
    code, output = _run("import", str(folder), "--allow-classified", db=db)
    assert code == 0, output
    assert "refused (classified)" not in output and "1 imported" in output


def test_backup_of_a_postgresql_library_says_to_use_pg_dump(tmp_path: Path, pg_url: str) -> None:
    target = tmp_path / "library.db"
    result = CliRunner().invoke(cli, ["backup", "--to", str(target), "--db", pg_url])
    assert result.exit_code == 1
    assert result.output == (
        "Error: backup copies SQLite libraries; back a PostgreSQL library up with pg_dump "
        "(see docs/deploy.md).\n"
    )
    assert not target.exists()


@pytest.mark.parametrize(
    ("command", "flag", "least", "default"),
    [
        ("compose", "--articles", 1, "6"),
        ("compose", "--pieces", 1, "5"),
        ("check", "--min-span", 5, "13"),
        ("serve", "--max-upload-mb", 1, "200"),
        ("serve", "--servers", 1, "1"),
        ("serve", "--workers", 1, None),
    ],
)
def test_count_options_refuse_too_small_a_number_and_show_their_default(
    command: str, flag: str, least: int, default: str | None
) -> None:
    result = CliRunner().invoke(cli, [command, flag, str(least - 1), "x"])
    assert result.exit_code == 2
    assert f"Invalid value for '{flag}': {least - 1} is not in the range x>={least}." in (
        result.output
    )
    shown = CliRunner().invoke(cli, [command, "--help"], terminal_width=500).output
    (line,) = [line for line in shown.splitlines() if line.strip().startswith(flag)]
    assert line.strip().startswith(f"{flag} INTEGER RANGE")
    assert line.endswith(
        f"[x>={least}]" if default is None else f"[default: {default}; x>={least}]"
    )


def test_source_keeps_list_search_and_compose_to_one_folder(tmp_path: Path) -> None:
    """--source (来源: the folder a file was imported from) filters every command that has it:
    search and compose used to accept it and ignore it."""
    db = tmp_path / "lib.db"
    meetings = ("优化营商环境工作会议", "优化营商环境推进大会", "安全生产工作会议")
    for folder, place in (("县里", "县"), ("市里", "市")):
        (tmp_path / folder).mkdir()
        for n, meeting in enumerate(meetings):
            topic = meeting[:6] if meeting.startswith("优化") else meeting[:4]
            (tmp_path / folder / f"{n}.txt").write_text(
                f"在全{place}{meeting}上的讲话\n\n"
                f"一、提高站位，深刻认识{topic}的重要意义\n\n"
                f"同志们，{topic}是全{place}今年的重点工作，第{n + 1}次会议要抓紧抓实。\n\n"
                f"二、突出重点，扎实推进{topic}各项任务\n\n"
                f"要把{topic}摆在突出位置，全{place}各部门要各司其职、密切配合，第{n + 1}项。\n\n"
                f"三、强化保障，确保{topic}工作落到实处\n\n"
                f"全{place}上下要加强督查考核，以钉钉子精神抓好{topic}各项工作落实。\n",
                encoding="utf-8",
            )
    assert _run("import", str(tmp_path / "县里"), str(tmp_path / "市里"), db=db)[0] == 0
    code, out = _run("search", "营商环境", "--source", "县里", "--json", db=db)
    assert code == 0, out
    titles = {h["title"] for h in json.loads(out)["hits"]}
    assert titles == {"在全县优化营商环境工作会议上的讲话", "在全县优化营商环境推进大会上的讲话"}
    code, out = _run("compose", "优化营商环境", "--source", "市里", "--pick", "1", "--json", db=db)
    assert code == 0, out
    found = json.loads(out)
    assert {s["title"] for s in found["skeletons"]} == {
        "在全市优化营商环境工作会议上的讲话",
        "在全市优化营商环境推进大会上的讲话",
    }
    pieces = [p for g in found["groups"] for p in g["pieces"]]
    assert pieces and all("全市" in p["text"] for p in pieces), pieces
    code, out = _run("list", "--source", "县里", "--json", db=db)
    assert sorted(a["title"] for a in json.loads(out)) == sorted(
        f"在全县{m}上的讲话" for m in meetings
    )
    code, out = _run("compose", "优化营商环境", "--source", "省里", "--pick", "1", db=db)
    assert code == 1
    assert "Error: there is no group 1: the 写作台 for 优化营商环境 has no groups" in out
    # Nothing found: the note alone, not the headings of empty sections under it.
    code, out = _run("compose", "优化营商环境", "--source", "省里", db=db)
    assert (code, out.strip()) == (
        0,
        "注：没有找到带提纲的相关材料：换一个说法，或放宽文种、职务、年份、来源。",
    )
