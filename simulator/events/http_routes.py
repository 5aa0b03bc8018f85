"""Where an HTTP request goes: API routes (`GET /items/{id}`, `ANY /{proxy+}`, `$default`)
matched as API Gateway matches them, and function URLs. Both are held in memory for the request
path and written through to SQLite in the state folder so that they survive a restart."""

from __future__ import annotations

import dataclasses
import json
import re
import secrets
import string
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simulator.errors import InvalidParameterValueException
from simulator.events.http_events import DEFAULT_ROUTE, DEFAULT_STAGE
from simulator.state_db import Schema, open_database

ROUTE_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"})
PAYLOAD_FORMAT_VERSIONS = ("1.0", "2.0")
API_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
STAGE_PATTERN = re.compile(r"\$default|[A-Za-z0-9_-]{1,128}")
VARIABLE_PATTERN = re.compile(r"\{(?P<name>[A-Za-z0-9._-]+)(?P<greedy>\+)?\}")
URL_ID_ALPHABET = string.ascii_lowercase + string.digits
URL_ID_LENGTH = 32
RESERVED_API_IDS = frozenset({"routes"})

LITERAL, VARIABLE, GREEDY = 0, 1, 2


# Routes and function URLs share one file, so one schema holds both tables.
SCHEMA = Schema("HTTP routes and function URLs", steps=[[
    "CREATE TABLE IF NOT EXISTS routes (api_id TEXT NOT NULL, stage TEXT NOT NULL, "
    "route_key TEXT NOT NULL, function_name TEXT NOT NULL, "
    "payload_format_version TEXT NOT NULL, PRIMARY KEY (api_id, stage, route_key))",
    "CREATE TABLE IF NOT EXISTS function_urls (url_id TEXT PRIMARY KEY, "
    "function_name TEXT NOT NULL, qualifier TEXT NOT NULL, config TEXT NOT NULL, "
    "UNIQUE (function_name, qualifier))",
]])


# -- API routes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One route of one API stage, bound to a function and a payload format version."""

    api_id: str
    route_key: str
    function_name: str
    payload_format_version: str = "2.0"
    stage: str = DEFAULT_STAGE

    @property
    def method(self) -> str:
        return self.route_key.split(" ", 1)[0] if self.route_key != DEFAULT_ROUTE else "ANY"

    @property
    def resource(self) -> str:
        """The path pattern (`/items/{id}`), or `$default`."""
        return self.route_key.split(" ", 1)[1] if self.route_key != DEFAULT_ROUTE else DEFAULT_ROUTE

    def to_api(self) -> dict[str, str]:
        return {"apiId": self.api_id, "stage": self.stage, "routeKey": self.route_key,
                "functionName": self.function_name,
                "payloadFormatVersion": self.payload_format_version}


@dataclass(frozen=True)
class RouteMatch:
    route: Route
    path_parameters: dict[str, str]


def validate_route(route: Route) -> None:
    """Reject what API Gateway would: unknown methods, malformed paths, misplaced greedy
    variables, unknown payload versions."""
    if not API_ID_PATTERN.fullmatch(route.api_id) or route.api_id in RESERVED_API_IDS:
        raise InvalidParameterValueException(f"Invalid apiId: {route.api_id!r}")
    if not STAGE_PATTERN.fullmatch(route.stage):
        raise InvalidParameterValueException(f"Invalid stage: {route.stage!r}")
    if route.payload_format_version not in PAYLOAD_FORMAT_VERSIONS:
        raise InvalidParameterValueException(
            f"Invalid payloadFormatVersion {route.payload_format_version!r}: use 1.0 or 2.0"
        )
    if route.route_key == DEFAULT_ROUTE:
        return
    method, _, path = route.route_key.partition(" ")
    if method not in ROUTE_METHODS or not path.startswith("/"):
        raise InvalidParameterValueException(
            f"Invalid routeKey {route.route_key!r}: expected '$default' or 'METHOD /path' "
            f"with METHOD one of {', '.join(sorted(ROUTE_METHODS))}"
        )
    segments = _segments(path)
    for position, segment in enumerate(segments):
        kind = _segment_kind(segment)
        if kind is None:
            raise InvalidParameterValueException(
                f"Invalid routeKey {route.route_key!r}: bad path segment {segment!r}"
            )
        if kind == GREEDY and position != len(segments) - 1:
            raise InvalidParameterValueException(
                f"Invalid routeKey {route.route_key!r}: a greedy variable must be the last "
                "path segment"
            )


def _segments(path: str) -> list[str]:
    """`/a/b/` → `["a", "b"]`; the root is no segments."""
    trimmed = path.strip("/")
    return trimmed.split("/") if trimmed else []


def _segment_kind(segment: str) -> int | None:
    variable = VARIABLE_PATTERN.fullmatch(segment)
    if variable:
        return GREEDY if variable.group("greedy") else VARIABLE
    if not segment or "{" in segment or "}" in segment:
        return None
    return LITERAL


def match_path(pattern: str, path: str) -> tuple[tuple[int, ...], dict[str, str]] | None:
    """Match `path` against a route's path pattern: the kinds of the segments that matched
    (for ranking) and the captured path parameters, or None. A greedy variable takes one or
    more segments, never none."""
    wanted, given = _segments(pattern), _segments(path)
    kinds: list[int] = []
    parameters: dict[str, str] = {}
    for position, segment in enumerate(wanted):
        if position >= len(given):
            return None
        variable = VARIABLE_PATTERN.fullmatch(segment)
        if variable and variable.group("greedy"):
            parameters[variable.group("name")] = "/".join(given[position:])
            return (*kinds, GREEDY), parameters
        if variable:
            parameters[variable.group("name")] = given[position]
            kinds.append(VARIABLE)
        elif segment == given[position]:
            kinds.append(LITERAL)
        else:
            return None
    if len(wanted) != len(given):
        return None
    return tuple(kinds), parameters


def best_match(candidates: Iterable[Route], method: str, path: str) -> RouteMatch | None:
    """The most specific route for the request, as API Gateway picks it: routes without a
    greedy variable first; then, segment by segment, a literal over a variable over a
    greedy one (so the longest literal prefix wins); an exact method over `ANY`; the
    `$default` route only when nothing else matches."""
    best: tuple[tuple[Any, ...], RouteMatch] | None = None
    fallback: Route | None = None
    for route in candidates:
        if route.route_key == DEFAULT_ROUTE:
            fallback = route
            continue
        if route.method not in (method.upper(), "ANY"):
            continue
        matched = match_path(route.resource, path)
        if matched is None:
            continue
        kinds, parameters = matched
        rank = (GREEDY in kinds, kinds, route.method == "ANY")
        if best is None or rank < best[0]:
            best = (rank, RouteMatch(route, parameters))
    if best is not None:
        return best[1]
    return RouteMatch(fallback, {}) if fallback is not None else None


class HttpRoutes:
    """The route tables of every API and stage. `add` replaces a route with the same key."""

    def __init__(self, database: Path) -> None:
        self._db = open_database(database, SCHEMA)
        self._lock = threading.Lock()
        self._routes: dict[tuple[str, str, str], Route] = {}
        rows = self._db.execute("SELECT api_id, route_key, function_name, "
                                "payload_format_version, stage FROM routes")
        for row in rows:
            route = Route(*row)
            self._routes[(route.api_id, route.stage, route.route_key)] = route

    def add(self, api_id: str, route_key: str, function_name: str,
            payload_format_version: str = "2.0", stage: str = DEFAULT_STAGE) -> Route:
        route = Route(api_id, route_key, function_name, payload_format_version, stage)
        validate_route(route)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO routes (api_id, stage, route_key, function_name, "
                "payload_format_version) VALUES (?, ?, ?, ?, ?)",
                (api_id, stage, route_key, function_name, payload_format_version),
            )
            self._routes[(api_id, stage, route_key)] = route
        return route

    def remove_api(self, api_id: str) -> int:
        """Forget every route of the API, in all stages; how many there were."""
        with self._lock:
            self._db.execute("DELETE FROM routes WHERE api_id = ?", (api_id,))
            keys = [key for key in self._routes if key[0] == api_id]
            for key in keys:
                del self._routes[key]
        return len(keys)

    def all(self) -> list[Route]:
        return sorted(self._routes.values(), key=lambda r: (r.api_id, r.stage, r.route_key))

    def match(self, api_id: str, stage: str, method: str, path: str) -> RouteMatch | None:
        with self._lock:
            candidates = [r for (a, s, _), r in self._routes.items() if a == api_id and s == stage]
        return best_match(candidates, method, path)

    def close(self) -> None:
        self._db.close()


# -- function URLs --------------------------------------------------------------------------


def url_timestamp() -> str:
    """Function URL times: ISO 8601 with microseconds, `2026-11-27T07:00:00.123456Z`."""
    return datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_url_id() -> str:
    """32 lowercase letters and digits, like the first label of a real function URL."""
    return "".join(secrets.choice(URL_ID_ALPHABET) for _ in range(URL_ID_LENGTH))


@dataclass(frozen=True)
class FunctionUrlConfig:
    url_id: str
    function_name: str
    qualifier: str | None
    auth_type: str
    invoke_mode: str = "BUFFERED"
    cors: dict[str, Any] | None = None
    # Whether a create or update named InvokeMode: AWS's answers to both show it from then on.
    invoke_mode_given: bool = False
    creation_time: str = dataclasses.field(default_factory=url_timestamp)
    last_modified_time: str = dataclasses.field(default_factory=url_timestamp)


class FunctionUrls:
    """Function URL configurations, one per function and qualifier, found by URL id."""

    def __init__(self, database: Path) -> None:
        self._db = open_database(database, SCHEMA)
        self._lock = threading.Lock()
        self._configs: dict[str, FunctionUrlConfig] = {
            url_id: FunctionUrlConfig(**json.loads(config))
            for url_id, config in self._db.execute("SELECT url_id, config FROM function_urls")
        }

    def add(self, config: FunctionUrlConfig) -> bool:
        """Store a new configuration; False if the function (and qualifier) already has one."""
        with self._lock:
            if self._find(config.function_name, config.qualifier) is not None:
                return False
            self._write(config)
            return True

    def put(self, config: FunctionUrlConfig) -> None:
        with self._lock:
            self._write(config)

    def get(self, function_name: str, qualifier: str | None) -> FunctionUrlConfig | None:
        with self._lock:
            return self._find(function_name, qualifier)

    def by_id(self, url_id: str) -> FunctionUrlConfig | None:
        return self._configs.get(url_id)

    def for_function(self, function_name: str) -> list[FunctionUrlConfig]:
        with self._lock:
            found = [c for c in self._configs.values() if c.function_name == function_name]
        return sorted(found, key=lambda config: config.qualifier or "")

    def remove(self, function_name: str, qualifier: str | None) -> FunctionUrlConfig | None:
        with self._lock:
            config = self._find(function_name, qualifier)
            if config is not None:
                self._db.execute("DELETE FROM function_urls WHERE url_id = ?", (config.url_id,))
                del self._configs[config.url_id]
            return config

    def close(self) -> None:
        self._db.close()

    def _find(self, function_name: str, qualifier: str | None) -> FunctionUrlConfig | None:
        return next((c for c in self._configs.values()
                     if c.function_name == function_name and c.qualifier == qualifier), None)

    def _write(self, config: FunctionUrlConfig) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO function_urls (url_id, function_name, qualifier, config) "
            "VALUES (?, ?, ?, ?)",
            (config.url_id, config.function_name, config.qualifier or "",
             json.dumps(dataclasses.asdict(config))),
        )
        self._configs[config.url_id] = config
