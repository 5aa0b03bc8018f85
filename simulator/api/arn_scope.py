"""Every route whose path names a function (`/<api-version>/functions/<name or ARN>/...`)
first answers an ARN of another region or account as AWS does; the rest goes on unchanged."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

from simulator.api.error_shapes import error_parts
from simulator.errors import LambdaError
from simulator.functions.arn_scope import refuse_foreign
from simulator.functions.validation import REFERENCE_PATTERN
from simulator.models import WSGIApp

FUNCTION_PATH = re.compile(r"/\d{4}-\d{2}-\d{2}/functions/(?P<reference>[^/]+)")


class ArnScope:
    def __init__(self, app: WSGIApp, region: str, account_id: str) -> None:
        self._app = app
        self._region = region
        self._account_id = account_id

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        match = FUNCTION_PATH.match(environ.get("PATH_INFO", ""))
        if match is not None:
            reference = unquote(match.group("reference"))
            if REFERENCE_PATTERN.fullmatch(reference):
                try:
                    refuse_foreign(reference, self._region, self._account_id)
                except LambdaError as error:
                    status, headers, body = error_parts(error)
                    headers.append(("Content-Length", str(len(body))))
                    start_response(f"{status} {_REASONS[status]}", headers)
                    return [body]
        return self._app(environ, start_response)


_REASONS = {403: "Forbidden", 404: "Not Found"}
