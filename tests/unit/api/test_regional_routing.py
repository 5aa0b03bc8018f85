"""Which account and region a request is served by: the SigV4 scope's region (of a header or
a presigned URL), the access key when it is a 12-digit account id, the configured ones for
everything else; and the routing that hands the request to that namespace's app."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from simulator.api.regional_routing import RegionalRouting, namespace_of
from simulator.errors import ServiceException

DEFAULT = ("000000000000", "us-east-1")
REGIONS = frozenset({"us-east-1", "eu-west-1", "ap-southeast-2"})


def signed(key: str, region: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"AWS4-HMAC-SHA256 Credential={key}/20261207/{region}/"
                                  "lambda/aws4_request, SignedHeaders=host, Signature=ab12"}


@pytest.mark.parametrize(("environ", "namespace"), [
    (signed("test", "eu-west-1"), ("000000000000", "eu-west-1")),
    (signed("111122223333", "us-east-1"), ("111122223333", "us-east-1")),
    (signed("111122223333", "ap-southeast-2"), ("111122223333", "ap-southeast-2")),
    (signed("AKIA12345678901234", "eu-west-1"), ("000000000000", "eu-west-1")),
    (signed("1234", "eu-west-1"), ("000000000000", "eu-west-1")),
    (signed("test", "mars-north-1"), DEFAULT),
    ({"QUERY_STRING": "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=111122223333%2F"
                      "20261207%2Feu-west-1%2Flambda%2Faws4_request&X-Amz-Signature=ab"},
     ("111122223333", "eu-west-1")),
    ({"QUERY_STRING": "X-Amz-Credential=broken"}, DEFAULT),
    ({}, DEFAULT),
])
def test_the_namespace_is_the_scopes_region_and_an_account_keys_account(
        environ: dict[str, Any], namespace: tuple[str, str]) -> None:
    assert namespace_of(environ, DEFAULT, REGIONS) == namespace


def app(name: str) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    def answer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [])
        return [name.encode()]
    return answer


def test_the_configured_namespace_is_served_at_home_and_the_others_by_their_planes() -> None:
    asked: list[tuple[str, str]] = []

    def plane(account: str, region: str) -> Any:
        asked.append((account, region))
        return app(f"{account}/{region}")

    routing = RegionalRouting(app("home"), plane, DEFAULT, ["eu-west-1"])

    def served(environ: dict[str, Any]) -> bytes:
        return b"".join(routing(environ, lambda status, headers: None))

    assert served({}) == b"home"
    assert served(signed("test", "us-east-1")) == b"home"
    assert served(signed("test", "eu-west-1")) == b"000000000000/eu-west-1"
    assert served(signed("111122223333", "us-east-1")) == b"111122223333/us-east-1"
    assert served(signed("test", "ap-southeast-2")) == b"home"  # not a region given
    assert asked == [("000000000000", "eu-west-1"), ("111122223333", "us-east-1")]


def test_a_namespace_that_cannot_be_served_is_answered_as_an_aws_error() -> None:
    def plane(account: str, region: str) -> Any:
        raise ServiceException("The simulator serves at most 32 other accounts and regions")

    routing = RegionalRouting(app("home"), plane, DEFAULT, ["eu-west-1"])
    statuses: list[str] = []
    body = b"".join(routing(signed("test", "eu-west-1"),
                            lambda status, headers: statuses.append(status)))

    assert statuses == ["500 Internal Server Error"]
    assert json.loads(body)["Message"].startswith("The simulator serves at most 32")
