"""``sucai user add`` / ``sucai user list``: the first admin is made on the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from click.testing import CliRunner

from sucai import open_library
from sucai.cli import cli
from sucai.users import Accounts

if TYPE_CHECKING:
    from pathlib import Path


def test_user_add_reads_the_password_from_stdin_and_user_list_shows_it(tmp_path: Path) -> None:
    db = str(tmp_path / "library.db")
    runner = CliRunner()
    added = runner.invoke(
        cli,
        [
            "user",
            "add",
            "张三",
            "--tier",
            "会员",
            "--expires",
            "2027-01-01",
            "--password-stdin",
            "--db",
            db,
        ],
        input="a-long-password\n",
    )
    assert added.exit_code == 0, added.output
    assert added.output == "Created 张三: member 会员 until 2027-01-01.\n"
    admin = runner.invoke(
        cli, ["user", "add", "boss", "--admin", "--db", db], input="admin-pass-1\nadmin-pass-1\n"
    )
    assert admin.exit_code == 0, admin.output
    assert admin.output.endswith("Created boss: admin.\n")
    listed = runner.invoke(cli, ["user", "list", "--db", db])
    assert "张三" in listed.output and "boss" in listed.output
    with open_library(db) as library:
        user, _ = Accounts(library.store).sign_in("张三", "a-long-password", "127.0.0.1")
        assert user.tier == "会员"


def test_user_add_refuses_a_short_password_and_a_taken_name(tmp_path: Path) -> None:
    db = str(tmp_path / "library.db")
    runner = CliRunner()
    short = runner.invoke(cli, ["user", "add", "a", "--password-stdin", "--db", db], input="x\n")
    assert short.exit_code == 1
    assert "Error: the password must have at least 8 characters." in short.output
    args = ["user", "add", "a", "--password-stdin", "--db", db]
    assert runner.invoke(cli, args, input="password-1\n").exit_code == 0
    again = runner.invoke(cli, args, input="password-1\n")
    assert again.exit_code == 1 and "already exists" in again.output
