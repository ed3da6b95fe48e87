"""Every error a web page or the JSON API shows is Chinese (issue 21): real requests that go
wrong in the ways people make them go wrong — a bad filter, an unknown article, a bad date,
too many downloads, a basket or an account that cannot be — each answered in Chinese, with no
English word in it besides the names of formats, values and commands the message quotes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.web.conftest import csrf_of, sign_in

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from sucai import Library

#: ASCII words a Chinese message may hold: values to type (a sort, a scope, a role, a date
#: pattern, a tier) and names of formats and commands, quoted as they are written.
ALLOWED = {
    "relevance", "date", "added", "title", "outline", "member", "admin", "YYYY", "SVIP",
    "year", "source", "genre", "kind", "subscription", "docx", "html", "sucai", "digest",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z]{4,}")
CJK = re.compile(r"[\u4e00-\u9fff]")
JSON = {"Accept": "application/json"}


def assert_chinese(response: Any, status: int) -> str:
    """The one message of an error envelope, checked: the status, Chinese, no English."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status
    (message,) = body["errors"]
    assert CJK.search(message), message
    assert not set(WORD.findall(message)) - ALLOWED, message
    return str(message)


def test_a_visitors_mistakes_are_told_in_chinese(app_client: TestClient) -> None:
    too_long = "角" * 101
    for path, params, status in (
        ("/search.json", {"q": "发展", "year": "去年"}, 400),
        ("/search.json", {"q": "发展", "year": "2025..2020"}, 400),
        ("/search.json", {"q": "发展 文种:" + too_long}, 400),
        ("/search.json", {"q": "发展", "role": too_long}, 400),
        ("/search.json", {"q": "“发展"}, 400),
        ("/search.json", {"q": "发展 -"}, 400),
        ("/search.json", {"q": "发展 文种:"}, 400),
        ("/search.json", {"q": "-发展"}, 400),
        ("/search.json", {"q": "发" * 201}, 400),
        ("/search.json", {"q": "发展", "in": "正文"}, 400),
        ("/search.json", {"q": "发展", "sort": "热度"}, 400),
        ("/search.json", {"q": "发展", "page": "第二页"}, 400),
        ("/browse.json", {"sort": "热度"}, 400),
        ("/article/99999999.json", {}, 404),
        ("/updates/2026-13-45.json", {}, 404),
        ("/jinju.json", {"kind": "比喻"}, 400),
        ("/jinju.json", {"q": "发" * 201}, 400),
        ("/tifa.json", {"q": [f"词{n}" for n in range(9)]}, 400),
        ("/tifa.json", {"q": "发" * 41}, 400),
        ("/tifa.json", {"q": "发展", "by": "月份"}, 400),
        ("/compose.json", {"topic": "营商环境", "pick": "99"}, 400),
        ("/feeds/月份/发展.atom", {}, 404),
    ):
        assert_chinese(app_client.get(path, params=params, headers=JSON), status)
    # The page shows the same message as the envelope.
    page = app_client.get("/search", params={"q": "发展", "year": "去年"})
    assert page.status_code == 400 and "年份“去年”无法识别" in page.text


def test_a_members_mistakes_are_told_in_chinese(app_client: TestClient, library: Library) -> None:
    sign_in(app_client, "member")
    token = csrf_of(app_client, "/basket")
    article = library.list(limit=1)[0]

    def post(path: str, status: int, **form: Any) -> str:
        response = app_client.post(path, data={**form, "csrf": token}, headers=JSON)
        return assert_chinese(response, status)

    assert post("/basket/add", 404, article_id="99999999") == "没有编号为 99999999 的文章。"
    assert post("/basket/add", 400, article_id="12a") == ("文章编号和段落、提纲的序号须是整数。")
    post("/basket/add", 400, article_id=str(article.id), kind="paragraph", ref="9999")
    post("/basket/add", 400, article_id=str(article.id), kind="section", ref="9999")
    post("/basket/add", 400, article_id=str(article.id), kind="全文")
    post("/basket/new", 400, name="")
    post("/basket/new", 400, name="篮" * 200)
    made = app_client.post("/basket/new", data={"name": "讲话素材", "csrf": token}, headers=JSON)
    assert made.json()["ok"] is True
    assert post("/basket/new", 400, name="讲话素材") == "已有名为“讲话素材”的素材篮：请换一个名称。"
    post("/basket/不存在的篮/move", 400, position="1", to="2")
    post("/basket/讲话素材/move", 400, position="第一", to="2")
    post("/subscriptions", 400, name="")
    post("/subscriptions", 400, name="a/b", q="发展")
    made = app_client.post(
        "/subscriptions", data={"name": "发展动态", "q": "发展", "csrf": token}, headers=JSON
    )
    assert made.json()["ok"] is True
    post("/subscriptions", 400, name="发展动态", q="发展")
    post("/download", 400, id=[str(n) for n in range(1, 60)])
    post("/download", 400)
    post("/account/password", 401, old="wrong", new="short-but-ok", confirm="short-but-ok")
    post("/account/password", 400, old="correct-horse-1", new="short", confirm="short")


def test_an_admins_mistakes_are_told_in_chinese(app_client: TestClient, library: Library) -> None:
    sign_in(app_client, "admin")
    token = csrf_of(app_client, "/admin")
    admin = library.store.get_user_by_name("admin")
    assert admin is not None

    def post(path: str, status: int, **form: Any) -> str:
        response = app_client.post(path, data={**form, "csrf": token}, headers=JSON)
        return assert_chinese(response, status)

    good = {"password": "correct-horse-2"}
    post("/admin/users", 400, name="坏 名字", **good)
    post("/admin/users", 400, name="会员甲", **good)
    post("/admin/users", 400, name="新会员", password="short")
    post("/admin/users", 400, name="新会员", expires_on="明年", **good)
    post("/admin/users", 400, name="新会员", daily_quota="很多", **good)
    post("/admin/users", 400, name="新会员", daily_quota="99999999", **good)
    post("/admin/users", 400, name="新会员", tier="级" * 41, **good)
    post(f"/admin/users/{admin.id}", 400, role="member")
    post(f"/admin/users/{admin.id}", 400, role="超级")
    post(f"/admin/users/{admin.id}", 400, disabled="也许")
    post("/admin/stock-phrases", 400, phrase="……")
    post("/admin/stock-phrases/remove", 400, phrase="没有这句套话")


@pytest.mark.parametrize("language", ["zh_CN.UTF-8", "zh_TW"])
def test_the_catalogue_is_read_for_any_chinese_locale(language: str) -> None:
    from sucai.errors import UserError
    from sucai.i18n import N_, user_message

    error = UserError.of(N_("name at least one piece of material to add."))
    assert user_message(error, language) == "请至少指定一条要加入的素材。"
    assert user_message(error, "C.UTF-8") == str(error)
