"""``sucai user``: the first admin is made on the command line, and accounts are listed,
changed, disabled and given new passwords there (issue 15)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from sucai import open_library
from sucai.cli import cli, user
from sucai.errors import AuthError
from sucai.users import Accounts
from tests.conftest import ROOT

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


def _user(runner: CliRunner, db: str, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(cli, ["user", *args, "--db", db], input=stdin)
    return result.exit_code, result.output


def test_user_set_changes_only_the_options_given_and_an_empty_value_clears(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "library.db")
    runner = CliRunner()
    _user(runner, db, "add", "boss", "--admin", "--password-stdin", stdin="admin-pass-1\n")
    args = ("add", "张三", "--tier", "会员", "--expires", "2027-01-01", "--password-stdin")
    _user(runner, db, *args, stdin="a-long-password\n")
    assert _user(runner, db, "set", "张三", "--quota", "5") == (
        0,
        "Changed 张三: member 会员 until 2027-01-01, 5 downloads a day.\n",
    )
    assert _user(runner, db, "set", "张三", "--tier", "SVIP", "--expires", "") == (
        0,
        "Changed 张三: member SVIP, 5 downloads a day.\n",
    )
    assert _user(runner, db, "set", "张三", "--quota", "", "--role", "admin") == (
        0,
        "Changed 张三: admin.\n",
    )
    listed = json.loads(_user(runner, db, "list", "--json")[1])
    assert [
        (u["name"], u["role"], u["tier"], u["expires_on"], u["daily_quota"]) for u in listed
    ] == [
        ("boss", "admin", None, None, None),
        ("张三", "admin", "SVIP", None, None),
    ]
    code, out = _user(runner, db, "set", "李四", "--quota", "5")
    assert (code, out) == (1, "Error: no user '李四'; `sucai user list` shows the accounts.\n")
    code, out = _user(runner, db, "set", "张三", "--expires", "明年")
    assert code == 1
    assert out == (
        "Error: date '明年' is not understood; write it as YYYY-MM-DD, e.g. 2027-01-01.\n"
    )
    code, out = _user(runner, db, "set", "张三", "--quota", "many")
    assert code == 2 and "Invalid value for '--quota': 'many' is not a whole number" in out


def test_user_disable_enable_and_passwd_act_at_once(tmp_path: Path) -> None:
    db = str(tmp_path / "library.db")
    runner = CliRunner()
    _user(runner, db, "add", "boss", "--admin", "--password-stdin", stdin="admin-pass-1\n")
    _user(runner, db, "add", "张三", "--tier", "会员", "--password-stdin", stdin="a-long-pass\n")
    with open_library(db) as library:
        accounts = Accounts(library.store)
        _, session = accounts.sign_in("张三", "a-long-pass", "127.0.0.1")
        token = accounts.create_token(accounts.from_session(session), "脚本")
    assert _user(runner, db, "disable", "张三") == (
        0,
        "Disabled 张三: signed out everywhere; its API tokens are refused.\n",
    )
    assert "张三" in _user(runner, db, "list")[1].splitlines()[1]
    assert _user(runner, db, "list")[1].splitlines()[1].endswith("  disabled")
    with open_library(db) as library:
        accounts = Accounts(library.store)
        assert accounts.from_session(session).user is None
        assert accounts.from_api_token(token) is None
        with pytest.raises(AuthError):
            accounts.sign_in("张三", "a-long-pass", "127.0.0.1")
    assert _user(runner, db, "enable", "张三") == (0, "Enabled 张三: member 会员.\n")
    code, out = _user(runner, db, "passwd", "张三", "--password-stdin", stdin="new-password-1\n")
    assert (code, out) == (0, "Changed the password of 张三; it is signed out everywhere.\n")
    code, out = _user(runner, db, "passwd", "张三", "--password-stdin", stdin="short\n")
    assert (code, out) == (1, "Error: the password must have at least 8 characters.\n")
    with open_library(db) as library:
        accounts = Accounts(library.store)
        assert accounts.from_api_token(token) is not None
        assert accounts.sign_in("张三", "new-password-1", "127.0.0.1")[0].name == "张三"
    code, out = _user(runner, db, "disable", "boss")
    assert (code, out) == (
        1,
        "Error: boss is the only enabled admin and cannot become a member or be disabled: "
        "make another account an admin first.\n",
    )


def test_every_user_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = user.commands  # type: ignore[attr-defined]
    assert set(commands) == {"add", "list", "set", "disable", "enable", "passwd"}
    for name, command in commands.items():
        assert command.help, f"sucai user {name} is missing its help"
        assert f"sucai user {name}" in readme, f"sucai user {name} is not in the README"
