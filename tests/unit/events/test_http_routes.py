"""The HTTP route table and function URLs: path matching, the most specific route, and
persistence across a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.errors import InvalidParameterValueException
from simulator.events.http_routes import FunctionUrlConfig, FunctionUrls, HttpRoutes, match_path


def test_match_path() -> None:
    assert match_path("/items/{id}", "/items/42") == ((0, 1), {"id": "42"})
    assert match_path("/items/{id}", "/items/42/more") is None
    assert match_path("/{proxy+}", "/a/b/c") == ((2,), {"proxy": "a/b/c"})
    assert match_path("/{proxy+}", "/") is None
    assert match_path("/", "/") == ((), {})


@pytest.fixture
def routes(tmp_path: Path) -> HttpRoutes:
    table = HttpRoutes(tmp_path / "http.db")
    for key in ("GET /items/{id}", "GET /items/special", "ANY /items/{id}", "ANY /{proxy+}",
                "GET /items/{id}/{rest+}", "$default"):
        table.add("api", key, f"fn for {key}")
    return table


@pytest.mark.parametrize(("method", "path", "route_key", "parameters"), [
    ("GET", "/items/special", "GET /items/special", {}),
    ("GET", "/items/7", "GET /items/{id}", {"id": "7"}),
    ("DELETE", "/items/7", "ANY /items/{id}", {"id": "7"}),
    ("GET", "/items/7/a/b", "GET /items/{id}/{rest+}", {"id": "7", "rest": "a/b"}),
    ("POST", "/items/7/a/b", "ANY /{proxy+}", {"proxy": "items/7/a/b"}),
    ("GET", "/other", "ANY /{proxy+}", {"proxy": "other"}),
    ("GET", "/", "$default", {}),
])
def test_most_specific_route_wins(routes: HttpRoutes, method: str, path: str, route_key: str,
                                  parameters: dict[str, str]) -> None:
    matched = routes.match("api", "$default", method, path)
    assert matched is not None
    assert (matched.route.route_key, matched.path_parameters) == (route_key, parameters)


def test_routes_are_per_api_and_stage(routes: HttpRoutes) -> None:
    assert routes.match("other", "$default", "GET", "/items/1") is None
    assert routes.match("api", "prod", "GET", "/items/1") is None


@pytest.mark.parametrize("route_key", ["FETCH /x", "GET x", "GET /{proxy+}/more", "GET /a/{b",
                                       "GET /a//b"])
def test_invalid_route_keys(routes: HttpRoutes, route_key: str) -> None:
    with pytest.raises(InvalidParameterValueException):
        routes.add("api", route_key, "fn")


def test_routes_and_urls_survive_a_restart(tmp_path: Path) -> None:
    database = tmp_path / "http.db"
    HttpRoutes(database).add("api", "GET /a", "fn", "1.0", "prod")
    FunctionUrls(database).add(FunctionUrlConfig("u" * 32, "fn", None, "NONE",
                                                 cors={"AllowOrigins": ["*"]}))
    routes = HttpRoutes(database)
    assert [r.to_api() for r in routes.all()] == [{
        "apiId": "api", "stage": "prod", "routeKey": "GET /a", "functionName": "fn",
        "payloadFormatVersion": "1.0"}]
    assert routes.remove_api("api") == 1 and HttpRoutes(database).all() == []
    urls = FunctionUrls(database)
    config = urls.by_id("u" * 32)
    assert config is not None and config.cors == {"AllowOrigins": ["*"]}
    assert not urls.add(FunctionUrlConfig("v" * 32, "fn", None, "NONE"))
    assert urls.remove("fn", None) == config and FunctionUrls(database).get("fn", None) is None
