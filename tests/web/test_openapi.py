"""``/openapi.json`` describes the whole JSON API (issue 15): every route that answers JSON is
described, and every described operation is a route of the app.

Which routes answer JSON is asked of the app itself, not of a list kept beside it: each route
of the route table is requested with ``Accept: application/json`` as an admin, and one whose
answer is ``application/json`` must be described — itself, or through its ``.json`` twin
(``/search`` → ``/search.json``, ``POST /check`` → ``POST /check.json``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import schemathesis
from starlette.routing import Mount, Route

from sucai.web.limits import RateLimiter, parse_rate_limits
from sucai.web.openapi_updates import OPENAPI
from tests.web.conftest import assert_described, sign_in

if TYPE_CHECKING:
    from starlette.testclient import TestClient

JSON_ACCEPT = {"accept": "application/json"}
#: A value for each kind of path parameter, to reach the handler.
SAMPLES = {"id": "1", "str": "x"}


def _template(path: str) -> str:
    """A Starlette route path as an OpenAPI path: ``{article_id:id}`` → ``{article_id}``."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def _concrete(path: str) -> str:
    return re.sub(r"\{\w+:(\w+)\}", lambda m: SAMPLES[m.group(1)], path)


def _routes(client: TestClient) -> list[tuple[str, str]]:
    """``(path, method)`` of every route of the app (the static files left out)."""
    found = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Mount):
            continue
        assert isinstance(route, Route)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            found.append((route.path, method))
    return found


def _described(path: str, method: str) -> bool:
    operation = OPENAPI["paths"].get(path, {})
    return method.lower() in operation


def test_every_route_that_answers_json_is_described(app_client: TestClient) -> None:
    sign_in(app_client, "admin")
    missing = []
    answering_json = 0
    for path, method in _routes(app_client):
        response = app_client.request(
            method, _concrete(path), headers=JSON_ACCEPT, follow_redirects=False
        )
        if not response.headers.get("content-type", "").startswith("application/json"):
            continue
        answering_json += 1
        template = _template(path)
        twins = [template, template + ".json"] + (["/search.json"] if template == "/" else [])
        if not any(_described(twin, method) for twin in twins):
            missing.append(f"{method} {template} ({response.status_code})")
    assert not missing, f"answer JSON but /openapi.json does not describe them: {missing}"
    # Every route but the style sheet answers JSON when asked.
    assert answering_json == len(_routes(app_client)) - 1


def test_every_described_operation_is_a_route_of_the_app(app_client: TestClient) -> None:
    routes = {(_template(path), method.lower()) for path, method in _routes(app_client)}
    described = {
        (path, method)
        for path, operations in OPENAPI["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert described - routes == set()


def test_the_served_description_is_a_valid_openapi_document(app_client: TestClient) -> None:
    served = app_client.get("/openapi.json").json()
    assert served == OPENAPI
    schema = schemathesis.openapi.from_dict(served)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(
        1 for ops in OPENAPI["paths"].values() for m in ops if m in ("get", "post")
    )


def test_a_rate_limit_answer_matches_its_description(app_client: TestClient) -> None:
    # The fixture turns limits off; one search a minute, answered at once, turns them on.
    app = app_client.app
    app.state.limiter = RateLimiter(  # type: ignore[attr-defined]
        parse_rate_limits("visitor.search=1/min"), delay=0
    )
    assert app_client.get("/search.json", params={"q": "招商"}).status_code == 200
    response = app_client.get("/search.json", params={"q": "招商"})
    assert response.status_code == 429
    assert response.json()["retry_after"] == int(response.headers["Retry-After"]) > 0
    assert_described("/search.json", "GET", response)


def test_the_draft_limit_of_each_viewer_is_in_the_check_form(app_client: TestClient) -> None:
    visitor = app_client.get("/check", headers=JSON_ACCEPT).json()
    sign_in(app_client, "member")
    member = app_client.get("/check", headers=JSON_ACCEPT).json()
    assert (visitor["max_chars"], member["max_chars"]) == (10_000, 100_000)
    assert visitor["min_span"] == 13
