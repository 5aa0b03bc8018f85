"""CloudWatch (the `monitoring` service) in front of `MetricQueries`: Lambda's metrics are
answered here; every other request (custom metrics, alarms, dashboards) goes on to
`fallback`, the backend that had the service before (moto), body and all."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask, Response, g, request
from werkzeug.wrappers import Response as BaseResponse

from simulator.errors import LambdaError
from simulator.models import WSGIApp
from simulator.observability import cloudwatch_wire as wire
from simulator.observability.errors import (
    CloudWatchError,
    InvalidAction,
    InvalidParameterValue,
)
from simulator.observability.metric_queries import MetricQueries

log = logging.getLogger(__name__)


def create_cloudwatch_app(queries: MetricQueries, fallback: WSGIApp) -> Flask:
    operations: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "GetMetricStatistics": queries.get_metric_statistics,
        "GetMetricData": queries.get_metric_data,
        "ListMetrics": queries.list_metrics,
    }
    app = Flask("cloudwatch")

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @app.route("/<path:path>", methods=["GET", "POST"])
    def dispatch(path: str) -> BaseResponse:
        body = request.get_data(cache=False)
        if path or request.method != "POST":
            return _forward(fallback, body)
        target = request.headers.get("X-Amz-Target", "")
        g.json_protocol = bool(target)
        if target:
            name = target.removeprefix(wire.TARGET_PREFIX)
            parsed_json = _json_object(body)
            operation = wire.operation_model(name)
            params = wire.from_json(parsed_json, operation and operation.input_shape) or {}
        else:
            fields = dict(parse_qsl(body.decode(errors="replace"), keep_blank_values=True))
            name = fields.get("Action", "")
            operation = wire.operation_model(name)
            try:
                params = wire.from_query(fields, operation and operation.input_shape)
            except ValueError as problem:
                raise InvalidParameterValue(f"A parameter has an invalid value: {problem}"
                                            ) from None
        if operation is None or name not in operations or not queries.handles(name, params):
            return _forward(fallback, body)
        result = operations[name](params)
        if g.json_protocol:
            return Response(wire.to_json(result), content_type=wire.JSON_CONTENT_TYPE,
                            headers={"x-amzn-RequestId": str(uuid.uuid4())})
        return Response(wire.to_xml(operation, result, str(uuid.uuid4())),
                        content_type=wire.XML_CONTENT_TYPE)

    @app.errorhandler(LambdaError)
    def error(error: LambdaError) -> Response:
        if not isinstance(error, CloudWatchError):
            error = CloudWatchError(error.message)
        return _error_response(error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unexpected error answering CloudWatch %s", request.path)
        return _error_response(CloudWatchError(f"An internal error occurred: {error}"))

    return app


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body) if body.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise InvalidAction("The request body is not JSON.") from None
    return parsed if isinstance(parsed, dict) else {}


def _forward(fallback: WSGIApp, body: bytes) -> BaseResponse:
    environ = dict(request.environ)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return BaseResponse.from_app(fallback, environ, buffered=True)


def _error_response(error: CloudWatchError) -> Response:
    request_id = str(uuid.uuid4())
    sender = error.status < 500
    if g.get("json_protocol", True):
        response = Response(wire.to_json({"__type": error.shape, "message": error.message}),
                            status=error.status, content_type=wire.JSON_CONTENT_TYPE)
        response.headers["x-amzn-query-error"] = \
            f"{error.code};{'Sender' if sender else 'Receiver'}"
        response.headers["x-amzn-RequestId"] = request_id
        return response
    return Response(wire.error_xml(error.code, error.message, sender, request_id),
                    status=error.status, content_type=wire.XML_CONTENT_TYPE)
