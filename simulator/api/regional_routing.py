"""Each region, and each account, its own Lambda: a request signed for a region (SigV4's
credential scope) is served by that region's functions, and one signed with a 12-digit access
key id by that account's, as local AWS endpoints take the key for the account. Unsigned
requests, requests of the configured region and account, and regions AWS does not have go to
the configured ones."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from simulator.api.error_shapes import error_parts
from simulator.errors import LambdaError
from simulator.models import WSGIApp

AUTHORIZATION_SCOPE = re.compile(r"Credential=(?P<key>[^/,\s]+)/\d{8}/(?P<region>[^/]+)/")
PRESIGNED_SCOPE = re.compile(r"(?:^|&)X-Amz-Credential=(?P<credential>[^&]+)", re.IGNORECASE)
ACCOUNT_KEY = re.compile(r"\d{12}")

Namespace = tuple[str, str]  # (account id, region)
PlaneApp = Callable[[str, str], WSGIApp]


def namespace_of(environ: dict[str, Any], default: Namespace,
                 regions: frozenset[str]) -> Namespace:
    """(account, region) a request is signed for; `default`'s part for what it does not say
    or for a region outside `regions`."""
    key, region = _credential(environ)
    account = key if ACCOUNT_KEY.fullmatch(key) else default[0]
    return account, region if region in regions else default[1]


def account_of(environ: dict[str, Any], default: str) -> str:
    """The account a request is signed for: its 12-digit access key id, else `default`."""
    key = _credential(environ)[0]
    return key if ACCOUNT_KEY.fullmatch(key) else default


def _credential(environ: dict[str, Any]) -> tuple[str, str]:
    """(access key id, region) of the signature's credential; empty when there is none."""
    match = AUTHORIZATION_SCOPE.search(str(environ.get("HTTP_AUTHORIZATION", "")))
    if match is not None:
        return match.group("key"), match.group("region")
    presigned = PRESIGNED_SCOPE.search(str(environ.get("QUERY_STRING", "")))
    if presigned is None:
        return "", ""
    parts = unquote(presigned.group("credential")).split("/")
    return (parts[0], parts[2]) if len(parts) >= 3 else ("", "")


class RegionalRouting:
    """`home` serves the configured account and region; `plane(account, region)` gives the
    app of another (made on first use, by the caller)."""

    def __init__(self, home: WSGIApp, plane: PlaneApp, default: Namespace,
                 regions: Iterable[str]) -> None:
        self._home = home
        self._plane = plane
        self._default = default
        self._regions = frozenset(regions) | {default[1]}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        namespace = namespace_of(environ, self._default, self._regions)
        if namespace == self._default:
            return self._home(environ, start_response)
        try:
            app = self._plane(*namespace)
        except LambdaError as error:  # the namespace cannot be served (too many already)
            status, headers, body = error_parts(error)
            headers.append(("Content-Length", str(len(body))))
            start_response(f"{status} {HTTPStatus(status).phrase}", headers)
            return [body]
        return app(environ, start_response)
