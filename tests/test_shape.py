"""Shape tests: the public API, the docs, and that the CLI commands are documented."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sucai
from sucai.cli import cli
from tests.conftest import ROOT


def test_all_public_names_are_exported_and_sorted() -> None:
    assert sucai.__all__ == sorted(sucai.__all__)
    for name in sucai.__all__:
        assert hasattr(sucai, name), name


def test_every_error_class_name_ends_in_error() -> None:
    from sucai import errors

    for name in errors.__all__:
        assert name.endswith("Error"), name
        assert issubclass(getattr(errors, name), errors.SucaiError)


def test_every_cli_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"sucai {name} is missing its help"
        assert f"sucai {name}" in readme, f"sucai {name} is not in the README"


def test_every_setting_is_documented_in_the_readme() -> None:
    from sucai.config import SETTINGS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"SUCAI_{setting.name.upper()}" in readme, setting.name


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make run" in first_block
    assert "make test" in first_block


# --- the library is the only door (issue 17) ------------------------------------------------

#: What the front ends may import of sucai besides their own package: the facade, and plain
#: data and type modules that hold no behaviour of the layers below.
FRONT_END_IMPORTS = {
    "sucai.library": "the facade: every call into the layers below, and what they name",
    "sucai.errors": "the exception tree, which the front ends turn into messages and statuses",
    "sucai.models": "the frozen records the facade returns (Article, IngestReport …)",
    "sucai.store.records": "the frozen records of the store the facade returns (User …)",
    "sucai.config": "the settings table and load_settings (the CLI's flags and environment)",
    "sucai.serialize": "records → JSON-shaped dicts, the one JSON shape of CLI and web",
}


def _front_end_faults(package: str, source: str, allowed: set[str]) -> list[str]:
    """Each import of a sucai module outside ``allowed`` (or the front end's own package),
    and each use of ``.store`` or of a library's ``.index``, in one module's source."""
    faults = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.Attribute) and node.attr in ("store", "index"):
            # ``.index`` is also a paragraph's or an outline entry's number: only a library's.
            if node.attr == "store" or "library" in ast.unparse(node.value):
                faults.append(f"line {node.lineno}: .{node.attr} (ask the Library instead)")
            continue
        else:
            continue
        for module in modules:
            own = module == package or module.startswith(package + ".")
            if module.split(".")[0] == "sucai" and not own and module not in allowed:
                faults.append(f"line {node.lineno}: imports {module}")
    return faults


@pytest.mark.parametrize("package", ["sucai.cli", "sucai.web"])
def test_front_ends_use_only_the_library_facade(package: str) -> None:
    allowed = set(FRONT_END_IMPORTS) | ({"sucai.web"} if package == "sucai.cli" else set())
    folder = ROOT / "src" / Path(*package.split("."))
    modules = sorted(folder.rglob("*.py"))
    assert len(modules) > 3, folder
    faults = [
        f"{path.relative_to(ROOT)} {fault}"
        for path in modules
        for fault in _front_end_faults(package, path.read_text(encoding="utf-8"), allowed)
    ]
    assert faults == []


def test_the_door_test_finds_a_forbidden_import_and_a_store_access() -> None:
    source = (
        "from sucai.library import Library\n"
        "from sucai.store.sqlite import SqliteStore\n"
        "import sucai.search.engine\n"
        "def f(library):\n"
        "    return library.store.path, library.index.path, paragraph.index\n"
    )
    assert _front_end_faults("sucai.web", source, set(FRONT_END_IMPORTS)) == [
        "line 2: imports sucai.store.sqlite",
        "line 3: imports sucai.search.engine",
        "line 5: .store (ask the Library instead)",
        "line 5: .index (ask the Library instead)",
    ]


def test_no_module_is_over_800_lines() -> None:
    paths = (ROOT / "src" / "sucai").rglob("*.py")
    long = {
        str(path.relative_to(ROOT)): n
        for path in paths
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 800
    }
    assert long == {}
