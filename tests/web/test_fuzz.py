"""Schemathesis over ``/openapi.json`` against the real app, as visitor, member and admin
(issue 15): requests generated from the description — valid ones and ones that break it —
and every answer checked against it.

Assertions, for every request: no server error (no 5xx at all: the documented 503s need a
database or an index that is down, which these libraries are not), a status the operation
documents, a content type and a body that match the description (so every error is the JSON
envelope ``{ok: false, error, errors, status}``).

A second test sends each of a list of edge values (:data:`EDGES`: numbers past a database
integer, invisible characters, a long value …) alone in each query parameter and form field
of each operation: generation keeps to the documented bounds or steps just past them, and a
form field that is a number in the app but text on the wire (``daily_quota=10**30``, a 500)
is found only this way.

Each role fuzzes its own copy of the seed library. Members and admins send an API token
(``Authorization: Bearer``); the visitor sends its browser's CSRF cookie and the form token
the pages give. Rate limits are off (tests/web/test_limits.py tests them), and the fuzzer
does not revoke the token it signs in with. The figures of a run are printed (``-s``) and
written down in docs/security.md.
"""

from __future__ import annotations

import resource
import sys
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.python.asgi import ASGIClient
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from sucai.web import create_app
from sucai.web.render import CSRF_COOKIE
from tests.web.conftest import csrf_of, sign_in

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sucai import Library
    from sucai.web import WebSettings

pytestmark = pytest.mark.slow(seconds=30)

#: Examples per operation and role (valid and not): 306 requests, 5-8 s a role on the shared
#: 2-core machine.
EXAMPLES = 15
BASE_URL = "http://testserver"
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


class Fuzzer:
    """Sends generated cases as one role and counts what came back."""

    def __init__(self, app: Any, role: str, client: TestClient) -> None:
        self.session = ASGIClient(app)  # not entered: the TestClient runs the app's lifespan
        # Every answer in JSON (schemathesis sends a case's own Accept header as */*).
        self.session.headers["Accept"] = "application/json"
        self.headers: dict[str, str] = {}
        self.csrf = ""
        self.token_id: int | None = None
        if role == "visitor":
            self.csrf = csrf_of(client, "/check")
            self.session.cookies.set(CSRF_COOKIE, client.cookies[CSRF_COOKIE])
        else:
            sign_in(client, role)
            made = client.post(
                "/account/tokens",
                data={"label": "fuzz", "csrf": csrf_of(client, "/account")},
                headers={"accept": "application/json"},
            ).json()
            self.headers["authorization"] = f"Bearer {made['token']}"
            self.token_id = made["tokens"][-1]["id"]
        self.statuses: Counter[int] = Counter()
        self.requests = 0

    def send(self, case: Any) -> None:
        if isinstance(case.body, dict) and self.csrf:
            case.body["csrf"] = self.csrf
        if case.path_parameters and case.path_parameters.get("token_id") == self.token_id:
            case.path_parameters["token_id"] = 0  # not the fuzzer's own credentials
        case.headers = {**(case.headers or {}), **self.headers}
        response = case.call_and_validate(base_url=BASE_URL, session=self.session, checks=CHECKS)
        self.requests += 1
        self.statuses[response.status_code] += 1
        assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
        if response.status_code >= 400:
            body = response.json()
            assert body["ok"] is False and body["status"] == response.status_code, body
            assert body["errors"] and all(isinstance(e, str) and e for e in body["errors"])


@pytest.fixture
def fuzz_client(library: Library, settings: WebSettings) -> Iterator[TestClient]:
    app = create_app(library, settings)
    with TestClient(app) as client:
        yield client
    app.state.imports.wait(60)


@pytest.mark.parametrize("role", ["visitor", "member", "admin"])
def test_the_api_answers_every_generated_request_as_it_describes(
    fuzz_client: TestClient, role: str
) -> None:
    fuzzer = Fuzzer(fuzz_client.app, role, fuzz_client)
    schema = schemathesis.openapi.from_dict(fuzz_client.get("/openapi.json").json())
    started = time.monotonic()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases)
        def run(case: Any) -> None:
            fuzzer.send(case)

        run()
    seconds = time.monotonic() - started
    sys.stderr.write(  # the figures docs/security.md gives
        f"\n{role}: {operations} operations, {fuzzer.requests} requests in {seconds:.1f} s, "
        f"statuses {dict(sorted(fuzzer.statuses.items()))}, peak RSS of the test process "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB\n"
    )
    assert fuzzer.requests >= operations * 5


#: Values that sit on the edges of what a form field or query parameter may hold: numbers past
#: a database integer, negative, fractional, full-width and exponent forms, invisible and
#: control characters, a long value. Each goes alone into each field of each operation.
EDGES = [
    "",
    "0",
    "-1",
    " 7 ",
    "1.5",
    "1e5",
    "１２",
    str(2**63),
    str(10**30),
    "\x00",
    "\u202e",
    "😀",
    "营" * 5000,
]
#: A value for each path parameter that reaches a handler.
PATH_VALUES = {
    "article_id": 1,
    "token_id": 0,
    "user_id": 2,
    "job_id": "x",
    "name": "素材篮",
    # 今日更新, its digest and the feeds (issue 19).
    "day": "2026-12-06",
    "fmt": "md",
    "kind": "kind",
    "value": "讲话",
}


def _fields(operation: dict[str, Any]) -> tuple[list[str], list[str], str | None]:
    """``(query parameters, text form fields, form media type)`` of a described operation."""
    query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    body = operation.get("requestBody", {}).get("content", {})
    for media_type, content in body.items():
        properties = content["schema"]["properties"]
        texts = [
            name
            for name, field in properties.items()
            if name != "csrf" and field.get("format") != "binary" and field.get("type") != "array"
        ]
        return query, texts, media_type
    return query, [], None


@pytest.mark.parametrize("role", ["visitor", "member", "admin"])
def test_every_field_takes_its_edge_values_without_a_server_error(
    fuzz_client: TestClient, role: str
) -> None:
    fuzzer = Fuzzer(fuzz_client.app, role, fuzz_client)
    described = fuzz_client.get("/openapi.json").json()
    schema = schemathesis.openapi.from_dict(described)
    started = time.monotonic()
    for path, operations in described["paths"].items():
        for method, operation in operations.items():
            query, texts, media_type = _fields(operation)
            parameters = {k: v for k, v in PATH_VALUES.items() if "{" + k + "}" in path}
            api = schema[path][method.upper()]
            for name in query + texts:
                for value in EDGES:
                    form = {"body": {name: value} if name in texts else {}}
                    case = api.Case(
                        path_parameters=parameters,
                        query={name: value} if name in query else {},
                        media_type=media_type,
                        **(form if media_type else {}),
                    )
                    fuzzer.send(case)
    sys.stderr.write(
        f"\n{role} edges: {fuzzer.requests} requests in {time.monotonic() - started:.1f} s, "
        f"statuses {dict(sorted(fuzzer.statuses.items()))}\n"
    )
