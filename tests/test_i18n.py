"""The message catalogue (issue 21): the .po file in the repository, read at run time; the
command line follows the locale; import reports on the web are Chinese."""

from __future__ import annotations

import io
import re
from importlib.resources import files
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po as babel_read_po
from babel.messages.pofile import write_po
from click.testing import CliRunner

from sucai import open_library
from sucai.cli import cli
from sucai.i18n import FAILURES, catalogue, read_po

if TYPE_CHECKING:
    from pathlib import Path

PO = files("sucai").joinpath("locale/zh_CN/LC_MESSAGES/sucai.po")
CJK = re.compile(r"[\u4e00-\u9fff]")
WORDS = re.compile(r"[A-Za-z]")


def test_the_catalogue_reads_as_babel_reads_it() -> None:
    with PO.open("rb") as po:
        babel = {m.id: m.string for m in babel_read_po(po) if m.id and m.string}
    assert read_po(PO.read_text(encoding="utf-8")) == babel


def _marked() -> set[str]:
    """The messages marked ``N_`` in the source, as ``pybabel extract -k N_`` finds them."""
    return {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(files("sucai")), keywords={"N_": None}, method_map=[("**.py", "python")]
        )
    }


def test_every_marked_message_has_a_chinese_translation() -> None:
    marked = _marked()
    assert len(marked) > len(FAILURES)
    chinese = catalogue("zh_CN.UTF-8").gettext
    # Chinese for every message in words; a separator (", ") has its own Chinese ("、").
    untranslated = [
        m for m in marked if chinese(m) == m or (WORDS.search(m) and not CJK.search(chinese(m)))
    ]
    assert not untranslated
    # Placeholders survive the translation (a translation may leave one out, never add one).
    for message in marked:
        assert sorted(re.findall(r"%\(\w+\)d", message)) == sorted(
            re.findall(r"%\(\w+\)d", chinese(message))
        )
        assert set(re.findall(r"\{\w+\}", chinese(message))) <= set(re.findall(r"\{\w+\}", message))


def test_the_catalogue_is_as_pybabel_update_leaves_it() -> None:
    """The .po holds exactly the marked messages of the source, sorted, written as
    ``pybabel extract`` and ``pybabel update`` write them (docs/web.md): no message missing,
    none left over, nothing edited by hand out of shape."""
    template = Catalog(domain="sucai")
    for message in sorted(_marked()):
        template.add(message)
    with PO.open("rb") as po:
        catalogue_ = babel_read_po(po, locale="zh_CN", domain="sucai")
    catalogue_.update(template, no_fuzzy_matching=True)
    written = io.BytesIO()
    write_po(written, catalogue_, ignore_obsolete=True, omit_header=True, width=76)
    text = PO.read_text(encoding="utf-8")
    body = text[text.index("\n\n", text.index('msgid ""')) + 2 :]
    assert written.getvalue().decode("utf-8").strip() == body.strip()
    assert not catalogue_.obsolete


def _import(tmp_path: Path, language: str) -> str:
    folder = tmp_path / f"in-{language}"
    folder.mkdir()
    (folder / "空文件.txt").write_text("", encoding="utf-8")
    (folder / "通知.txt").write_text(
        "关于做好冬季防火工作的通知\n\n各单位要落实责任。", encoding="utf-8"
    )
    done = CliRunner(
        env={"LANG": language, "LC_ALL": "", "LANGUAGE": "", "LC_MESSAGES": ""}
    ).invoke(cli, ["import", "--db", str(tmp_path / f"{language}.db"), str(folder)])
    assert done.exit_code == 1  # one file failed
    return done.output


def test_the_import_report_follows_the_locale(tmp_path: Path) -> None:
    chinese = _import(tmp_path, "zh_CN.UTF-8")
    assert "失败 " in chinese and "空文件.txt：文件是空的，没有可导入的内容。" in chinese
    assert (
        "共 2 个文件：导入 1，重复 0，跳过 0，失败 1 · 文章 1 篇（新增 1）· 去除广告/网页杂项 0 行"
        in chinese
    )
    english = _import(tmp_path, "C.UTF-8")
    assert "FAIL " in english and "the file is empty" in english.lower()
    assert "2 files: 1 imported, 0 duplicates, 0 skipped, 1 failed · 1 articles (1 new)" in english


def _sucai(tmp_path: Path, language: str, *args: str) -> tuple[int, str]:
    done = CliRunner(
        env={"LANG": language, "LC_ALL": "", "LANGUAGE": "", "LC_MESSAGES": ""}
    ).invoke(cli, [*args[:1], "--db", str(tmp_path / "lib.db"), *args[1:]])
    return done.exit_code, done.output


def test_the_command_lines_errors_and_lines_follow_the_locale(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    assert _sucai(tmp_path, "zh_CN.UTF-8", "list") == (
        1,
        f"Error: 没有找到素材库 {db}。请检查路径（--db 或 SUCAI_DB），或先导入素材：sucai import "
        f"--db {db} 路径 …\n",
    )
    assert _sucai(tmp_path, "C.UTF-8", "list")[1].startswith(f"Error: There is no library at {db}.")
    assert not db.exists()
    open_library(db).close()
    assert _sucai(tmp_path, "zh_CN.UTF-8", "list") == (
        0,
        "库中还没有文章。导入素材：sucai import 路径 …\n",
    )
    assert _sucai(tmp_path, "C.UTF-8", "list") == (
        0,
        "No articles. Add material with: sucai import PATH …\n",
    )
    assert _sucai(tmp_path, "zh_CN.UTF-8", "search", "发展", "--year", "2025..2020") == (
        1,
        "Error: 年份范围 2025..2020 前后颠倒：请把较早的年份写在前面（2020..2025）。\n",
    )
    assert _sucai(tmp_path, "en_US.UTF-8", "search", "发展", "--year", "2025..2020") == (
        1,
        "Error: year range 2025..2020 runs backwards; write the earlier year first (2020..2025).\n",
    )
    # LANGUAGE comes first, as gettext reads it.
    done = CliRunner(env={"LANG": "C.UTF-8", "LANGUAGE": "zh_CN:en", "LC_ALL": ""}).invoke(
        cli, ["show", "--db", str(tmp_path / "lib.db"), "99"]
    )
    assert done.output == "Error: 库中没有编号为 99 的文章。\n"


def test_the_command_lines_summaries_follow_the_locale(tmp_path: Path) -> None:
    notice = tmp_path / "通知.txt"
    notice.write_text("关于做好冬季防火工作的通知\n\n各单位要落实防火责任。", encoding="utf-8")
    assert _sucai(tmp_path, "C.UTF-8", "import", str(notice))[0] == 0
    code, out = _sucai(tmp_path, "zh_CN.UTF-8", "search", "防火", "--in", "title")
    assert code == 0 and out.startswith("1 个标题匹配（显示 1–1）\n")
    code, out = _sucai(tmp_path, "C.UTF-8", "search", "防火", "--in", "title")
    assert code == 0 and out.startswith("1 matching titles (1–1 shown)\n")
    assert "\n共 1 篇文章，显示第 1–1 篇：\n" in _sucai(tmp_path, "zh_CN.UTF-8", "browse")[1]
    assert "\n1 articles, 1–1 shown:\n" in _sucai(tmp_path, "C.UTF-8", "browse")[1]
    db = tmp_path / "lib.db"
    assert _sucai(tmp_path, "zh_CN.UTF-8", "info")[1].splitlines()[:4] == [
        f"素材库：{db}",
        "共 1 篇文章，来自 1 个文件。",
        "按文种：通知 1",
        f"检索索引：{db}-search，已是最新。",
    ]
    assert _sucai(tmp_path, "C.UTF-8", "info")[1].splitlines()[:4] == [
        f"Library: {db}",
        "1 articles from 1 files.",
        "By genre: 通知 1",
        f"Search index: {db}-search, up to date.",
    ]
