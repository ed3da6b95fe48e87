"""The message catalogue (issue 21): the .po file in the repository, read at run time; the
command line follows the locale; import reports on the web are Chinese."""

from __future__ import annotations

import re
from importlib.resources import files
from typing import TYPE_CHECKING

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po as babel_read_po
from click.testing import CliRunner

from sucai.cli import cli
from sucai.i18n import FAILURES, catalogue, read_po

if TYPE_CHECKING:
    from pathlib import Path

PO = files("sucai").joinpath("locale/zh_CN/LC_MESSAGES/sucai.po")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_catalogue_reads_as_babel_reads_it() -> None:
    with PO.open("rb") as po:
        babel = {m.id: m.string for m in babel_read_po(po) if m.id and m.string}
    assert read_po(PO.read_text(encoding="utf-8")) == babel


def test_every_marked_message_has_a_chinese_translation() -> None:
    source = files("sucai")
    marked = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(source), keywords={"N_": None}, method_map=[("**.py", "python")]
        )
    }
    assert len(marked) > len(FAILURES)
    chinese = catalogue("zh_CN.UTF-8").gettext
    untranslated = [m for m in marked if not CJK.search(chinese(m))]
    assert not untranslated
    # Placeholders survive the translation (a translation may leave one out, never add one).
    for message in marked:
        assert sorted(re.findall(r"%\(\w+\)d", message)) == sorted(
            re.findall(r"%\(\w+\)d", chinese(message))
        )
        assert set(re.findall(r"\{\w+\}", chinese(message))) <= set(re.findall(r"\{\w+\}", message))


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
