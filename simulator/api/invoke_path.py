"""The route that carries the load, Invoke, answered without Flask's request context,
routing and response objects: they cost more than the rest of the route's handling, a share
of the server's CPU on a warm invoke that docs/MEASUREMENTS.md gives. A request that is
anything but a plain invoke goes on to the full application, which stays the reference for
every other route and for requests this path declines."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from simulator.api.error_shapes import Headers, error_parts
from simulator.api.http_api import URL_HOST_PATTERN
from simulator.api.lambda_api import invoke_headers
from simulator.errors import LambdaError, ServiceException
from simulator.invocation.invoker import Invoker
from simulator.models import WSGIApp

log = logging.getLogger(__name__)

INVOKE_PATH = re.compile(r"/2015-03-31/functions/(?P<name>[^/]+)/invocations")


class InvokePath:
    def __init__(self, app: WSGIApp, invoker: Invoker, max_request_bytes: int) -> None:
        self._app = app
        self._invoker = invoker
        self._max_request_bytes = max_request_bytes

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        match = INVOKE_PATH.fullmatch(environ.get("PATH_INFO", ""))
        length = environ.get("CONTENT_LENGTH") or ""
        if (match is None or environ["REQUEST_METHOD"] != "POST" or not length.isdigit()
                or environ.get("wsgi.input_terminated")  # chunked: the full app de-chunks
                or int(length) > self._max_request_bytes
                or URL_HOST_PATTERN.fullmatch(environ.get("HTTP_HOST", ""))):
            return self._app(environ, start_response)
        received = time.monotonic()
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        after_answer = AnswerThen()
        try:
            outcome = self._invoker.invoke(
                match.group("name"),
                query["Qualifier"][0] if "Qualifier" in query else None,
                environ["wsgi.input"].read(int(length)),
                invocation_type=environ.get("HTTP_X_AMZ_INVOCATION_TYPE", "RequestResponse"),
                log_type=environ.get("HTTP_X_AMZ_LOG_TYPE"),
                client_context=environ.get("HTTP_X_AMZ_CLIENT_CONTEXT"),
                trace_header=environ.get("HTTP_X_AMZN_TRACE_ID"),
                durable_execution_name=environ.get("HTTP_X_AMZ_DURABLE_EXECUTION_NAME"),
                handler_only=environ.get("HTTP_X_DEX_HANDLER_INVOKE") == "true",
                tenant_id=environ.get("HTTP_X_AMZ_TENANT_ID") or None,
                after_answer=after_answer.later.append,
            )
            answer = _answer(start_response, outcome.status, invoke_headers(outcome, received),
                             outcome.payload)
        except LambdaError as error:
            answer = _answer(start_response, *error_parts(error))
        except Exception as error:
            log.exception("unexpected error on invoke of %s", match.group("name"))
            answer = _answer(start_response, *error_parts(
                ServiceException(f"An internal error occurred: {error}")))
        after_answer.extend(answer)
        return after_answer


class AnswerThen(list[bytes]):
    """An answer's body whose close(), which the server calls once the answer is out, runs
    what was left for after it: the caller waits for none of it."""

    def __init__(self) -> None:
        super().__init__()
        self.later: list[Callable[[], None]] = []

    def close(self) -> None:
        for work in self.later:
            work()


def _answer(start_response: Callable[..., Any], status: int, headers: Headers,
            body: bytes) -> list[bytes]:
    headers.append(("Content-Length", str(len(body))))
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [body]
