"""Shape tests: the public API, the docs, and that the CLI commands are documented."""

from __future__ import annotations

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
