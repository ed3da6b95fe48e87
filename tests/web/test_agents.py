"""``sucai mcp`` (issue 20) driven by the MCP SDK's own client over stdio, in a real subprocess:
every tool is called, answers carry their sources, errors are messages, and a visitor's tools
never return the paid part that a member's do."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from sucai import open_library
from sucai.cli import cli
from sucai.users import Accounts
from tests.test_compose import PAID_WORDS, ROOT, SPEECHES

if TYPE_CHECKING:
    from pathlib import Path

OLD_RULE = "全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假。"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mcp") / "lib.db"
    with open_library(path) as library:
        assert not library.ingest([SPEECHES, ROOT / "samples"]).failed
        Accounts(library.store).add(
            "会员甲", "correct-horse-1", tier="会员", expires_on="2099-12-31"
        )
    return path


def _run(db: Path, *options: str, calls: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Start ``sucai mcp`` and call the tools; the tool names, then each call's answer."""

    async def session() -> dict[str, Any]:
        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "sucai", "mcp", "--db", str(db), *options],
            env={**os.environ, "SUCAI_MCP_TOKEN": ""},
        )
        answers: dict[str, Any] = {}
        async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            listed = await client.list_tools()
            answers["tools"] = {t.name: t for t in listed.tools}
            for n, (name, arguments) in enumerate(calls):
                result = await client.call_tool(name, arguments)
                answers[f"{n}:{name}"] = (
                    result.content[0].text if result.is_error else result.structured_content  # type: ignore[union-attr]
                )
        return answers

    return asyncio.run(session())


def test_every_tool_answers_over_stdio_with_its_sources(db: Path) -> None:
    with open_library(db) as library:
        ids = {a.title: a.id for a in library.list()}
    speech = ids["在全市优化营商环境推进会上的讲话"]
    answers = _run(
        db,
        calls=[
            ("search", {"query": "政务服务", "genre": "讲话", "limit": 3}),
            ("show", {"article_id": speech}),
            ("compose", {"topic": "优化营商环境", "genre": "讲话", "picks": [2]}),
            (
                "check",
                {"text": "要推进政务服务“一网通办”，压缩审批时限，以数字化改革带动优化营商环境。"},
            ),
            ("show", {"article_id": 99999}),
            ("search", {"query": '"未闭合'}),
        ],
    )
    tools = answers["tools"]
    assert sorted(tools) == ["check", "compose", "search", "show"]  # read-only: no basket_add
    assert all(t.annotations.read_only_hint for t in tools.values())
    assert tools["compose"].input_schema["required"] == ["topic"]
    search = answers["0:search"]
    links = [h["link"] for h in search["hits"]]
    assert search["total"] == 2 and f"/article/{speech}#p6" in links  # and its heading
    show = answers["1:show"]
    assert show["title"] == "在全市优化营商环境推进会上的讲话" and show["role"] == "市长"
    assert show["status"] is None and show["link"] == f"/article/{speech}"
    compose = answers["2:compose"]
    assert compose["groups"][1]["label"] == "政务"
    assert compose["groups"][1]["pieces"][0]["link"] == f"/article/{speech}#p6"
    check = answers["3:check"]
    assert check["sources"][0]["article_id"] == speech and check["law_quotes"] == []
    assert answers["4:show"].startswith("Error executing tool show: no article 99999 in ")
    assert "quote" in answers["5:search"]


def test_a_visitor_gets_no_paid_text_and_a_member_does(db: Path) -> None:
    with open_library(db) as library:
        ids = {a.title: a.id for a in library.list()}
    speech = ids["在全市优化营商环境推进会上的讲话"]
    calls: list[tuple[str, dict[str, Any]]] = [
        ("search", {"query": "紫薇花开"}),
        ("show", {"article_id": speech}),
        ("compose", {"topic": "优化营商环境", "genre": "讲话", "picks": [1, 2, 3, 4]}),
        ("check", {"text": "会员专享：优化营商环境的独门诀窍是紫薇花开三步走，务必保密。"}),
    ]
    visitor = _run(db, calls=calls)
    assert visitor["0:search"]["total"] == 0
    shown = json.dumps([visitor["1:show"], visitor["2:compose"]], ensure_ascii=False)
    assert not [w for w in PAID_WORDS if w in shown]
    assert visitor["3:check"]["sources"] == []  # the draft (echoed) matches paid text only
    member = _run(
        db,
        "--user",
        "会员甲",
        "--allow-writes",
        calls=[*calls, ("basket_add", {"basket": "稿", "refs": [f"{speech}:7"]})],
    )
    assert member["0:search"]["total"] == 1
    assert "紫薇花开" in json.dumps(member["1:show"], ensure_ascii=False)
    assert member["3:check"]["sources"][0]["article_id"] == speech
    assert member["4:basket_add"] == {"ok": True, "basket": "稿", "items": 1}
    assert "basket_add" in member["tools"]


def test_mcp_refuses_an_unknown_token_and_two_accounts(db: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(cli, ["mcp", "--db", str(db), "--token", "sc_nope"])
    assert bad.exit_code == 1
    assert bad.output == "Error: the token is unknown, revoked or its account disabled.\n"
    both = runner.invoke(cli, ["mcp", "--db", str(db), "--token", "sc_x", "--user", "会员甲"])
    assert both.exit_code == 2 and "give --user or --token, not both." in both.output
    nobody = runner.invoke(cli, ["mcp", "--db", str(db), "--user", "无名"])
    assert nobody.output == "Error: no user '无名'; `sucai user list` shows the accounts.\n"
