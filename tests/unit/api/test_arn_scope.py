"""Routes that name a function answer another region's or account's ARN before the app."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from simulator.api.arn_scope import ArnScope

ACCOUNT = "123456789012"


def answer(path: str) -> tuple[str, dict[str, str], Any, bool]:
    reached = []

    def app(environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        reached.append(environ["PATH_INFO"])
        start("200 OK", [])
        return [b"{}"]

    started: list[tuple[str, list[tuple[str, str]]]] = []
    body = b"".join(ArnScope(app, "us-east-1", ACCOUNT)(
        {"PATH_INFO": path}, lambda status, headers: started.append((status, headers))))
    status, headers = started[0]
    return status, dict(headers), json.loads(body), bool(reached)


def test_a_local_function_goes_on_to_the_app() -> None:
    for reference in ("fn", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn:prod"):
        assert answer(f"/2015-03-31/functions/{quote(reference)}/invocations")[3]
    assert answer("/2015-03-31/functions/")[3]  # ListFunctions names no function


def test_another_regions_arn_is_not_reachable() -> None:
    status, headers, body, reached = answer(
        f"/2015-03-31/functions/arn:aws:lambda:eu-central-1:{ACCOUNT}:function:fn")
    assert (status, reached) == ("404 Not Found", False)
    assert headers["x-amzn-errortype"] == "ResourceNotFoundException"
    assert body["Message"] == (
        "Functions from 'eu-central-1' are not reachable in this region ('us-east-1')")


def test_another_accounts_arn_is_denied() -> None:
    status, headers, body, reached = answer(
        "/2019-09-25/functions/arn:aws:lambda:us-east-1:210987654321:function:fn"
        "/event-invoke-config")
    assert (status, reached) == ("403 Forbidden", False)
    assert headers["x-amzn-errortype"] == "AccessDeniedException"
    assert body == {"__type": "AccessDeniedException", "Message": None}


def test_a_malformed_reference_is_left_to_the_apps_validation() -> None:
    assert answer("/2015-03-31/functions/not:a:valid:reference:at:all")[3]
