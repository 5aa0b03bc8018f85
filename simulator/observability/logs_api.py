"""The CloudWatch Logs wire protocol (JSON 1.1: `X-Amz-Target: Logs_20140328.<Operation>`)
in front of `LogQueries`. The gateway sends it every request signed for `logs`."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from simulator.errors import LambdaError
from simulator.observability.errors import LogsInvalidParameter, LogsUnknownOperation
from simulator.observability.json_body import json_object
from simulator.observability.log_queries import LogQueries

TARGET_PREFIX = "Logs_20140328."
CONTENT_TYPE = "application/x-amz-json-1.1"

log = logging.getLogger(__name__)


def create_logs_app(queries: LogQueries) -> Flask:
    operations: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "DescribeLogGroups": queries.describe_log_groups,
        "DescribeLogStreams": queries.describe_log_streams,
        "GetLogEvents": queries.get_log_events,
        "FilterLogEvents": queries.filter_log_events,
        "PutRetentionPolicy": queries.put_retention_policy,
        "DeleteRetentionPolicy": queries.delete_retention_policy,
    }
    app = Flask("cloudwatch_logs")

    @app.post("/")
    def dispatch() -> Response:
        target = request.headers.get("X-Amz-Target", "")
        operation = operations.get(target.removeprefix(TARGET_PREFIX)) \
            if target.startswith(TARGET_PREFIX) else None
        if operation is None:
            raise LogsUnknownOperation(f"Unknown operation {target or '(no X-Amz-Target)'}")
        body = json_object(request.get_data(cache=False), LogsInvalidParameter)
        return _answer(200, operation(body))

    @app.errorhandler(LambdaError)
    def error(error: LambdaError) -> Response:
        response = _answer(error.status, {"__type": error.code, "message": error.message})
        response.headers["x-amzn-errortype"] = error.code
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return _answer(error.code or 400, {"__type": "InvalidParameterException",
                                           "message": error.description or str(error)})

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unexpected error in %s", request.headers.get("X-Amz-Target"))
        return _answer(500, {"__type": "ServiceUnavailableException", "message": str(error)})

    return app


def _answer(status: int, body: dict[str, Any]) -> Response:
    response = Response(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
    return response
