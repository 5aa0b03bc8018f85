"""The boto3-facing Lambda API: routes and wire details only; the work is the service's."""

from __future__ import annotations

import json
import time
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from simulator.api.wire_types import check_body_types
from simulator.errors import (
    InvalidRequestContentException,
    RequestEntityTooLargeException,
    ResourceNotFoundException,
    UnsupportedMediaTypeException,
)
from simulator.functions.account_settings import account_settings
from simulator.functions.event_invoke_configs import EventInvokeConfigs
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.tag_operations import MAPPING_ARN, TagService
from simulator.invocation.invoker import InvokeOutcome, Invoker
from simulator.models import InvocationResult

lambda_api = Blueprint("lambda_api", __name__)


def functions() -> FunctionOperations:
    return current_app.extensions["functions"]  # type: ignore[no-any-return]


def event_invoke_configs() -> EventInvokeConfigs:
    """Stateless: each configuration is kept in the records of the function it belongs to."""
    return EventInvokeConfigs(functions())


def invoker() -> Invoker:
    return current_app.extensions["invoker"]  # type: ignore[no-any-return]


def json_body() -> dict[str, Any]:
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise InvalidRequestContentException(
            f"Could not parse request body into json: {error}"
        ) from None
    if not isinstance(body, dict):
        raise UnsupportedMediaTypeException("The request body must be a JSON object.")
    if request.endpoint:
        check_body_types(request.endpoint.rsplit(".", 1)[-1], body)
    return body


def answer(body: dict[str, Any], status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def empty(status: int) -> Response:
    return Response(status=status)


# AWS's own limit on a CreateFunction request, below the server's limit on any request.
CREATE_FUNCTION_REQUEST_BYTES = 70_167_211


@lambda_api.post("/2015-03-31/functions")
@lambda_api.post("/2015-03-31/functions/")
def create_function() -> Response:
    if (request.content_length or 0) > CREATE_FUNCTION_REQUEST_BYTES:
        raise RequestEntityTooLargeException(
            f"Request must be smaller than {CREATE_FUNCTION_REQUEST_BYTES} bytes for the "
            "CreateFunction operation")
    return answer(functions().create_function(json_body()), 201)


@lambda_api.get("/2015-03-31/functions")
@lambda_api.get("/2015-03-31/functions/")
def list_functions() -> Response:
    return answer(functions().list_functions(request.args.get("Marker"),
                                             request.args.get("MaxItems"),
                                             request.args.get("FunctionVersion")))


@lambda_api.get("/2015-03-31/functions/<name>/configuration")
def get_function_configuration(name: str) -> Response:
    return answer(functions().get_function_configuration(name, request.args.get("Qualifier")))


@lambda_api.put("/2015-03-31/functions/<name>/configuration")
def update_function_configuration(name: str) -> Response:
    return answer(functions().update_function_configuration(name, json_body()))


@lambda_api.put("/2015-03-31/functions/<name>/code")
def update_function_code(name: str) -> Response:
    return answer(functions().update_function_code(name, json_body()))


@lambda_api.post("/2015-03-31/functions/<name>/invocations")
def invoke(name: str) -> Response:
    received = time.monotonic()
    outcome = invoker().invoke(
        name,
        request.args.get("Qualifier"),
        request.get_data(cache=False),
        invocation_type=request.headers.get("X-Amz-Invocation-Type", "RequestResponse"),
        log_type=request.headers.get("X-Amz-Log-Type"),
        client_context=request.headers.get("X-Amz-Client-Context"),
        trace_header=request.headers.get("X-Amzn-Trace-Id"),
        durable_execution_name=request.headers.get("X-Amz-Durable-Execution-Name"),
        handler_only=request.headers.get(HANDLER_INVOKE_HEADER) == "true",
        tenant_id=request.headers.get("X-Amz-Tenant-Id") or None,
    )
    return Response(outcome.payload, status=outcome.status,
                    headers=invoke_headers(outcome, received))


# How AWS's durable-execution testing runner marks an invoke that runs a handler once.
HANDLER_INVOKE_HEADER = "X-Dex-Handler-Invoke"


def invoke_headers(outcome: InvokeOutcome, received: float) -> list[tuple[str, str]]:
    """An Invoke answer's headers, as AWS sends them, and our Server-Timing split."""
    headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", outcome.request_id)]
    if outcome.function_error:
        headers.append(("X-Amz-Function-Error", outcome.function_error))
    if outcome.log_result is not None:
        headers.append(("X-Amz-Log-Result", outcome.log_result))
    if outcome.executed_version:
        headers.append(("X-Amz-Executed-Version", outcome.executed_version))
    if outcome.durable_execution_arn:
        headers.append(("X-Amz-Durable-Execution-Arn", outcome.durable_execution_arn))
    if outcome.result is not None:
        headers.append(("Server-Timing", server_timing(outcome.result, received)))
    return headers


def server_timing(result: InvocationResult, received: float) -> str:
    """Where the time went, for benchmarks and the curious: the standard Server-Timing header
    with the handler's duration as the server sees it (dispatch to answer), the runtime's
    own account of it when the runtime gives one, the phases of this invoke, and the whole
    server side."""
    metrics = [f"handler;dur={result.duration_ms:.3f}"]
    if result.runtime_ms is not None:
        metrics.append(f"runtime;dur={result.runtime_ms:.3f}")
    metrics += [f"{phase};dur={ms:.3f}" for phase, ms in result.phases_ms.items()]
    metrics.append(f"total;dur={(time.monotonic() - received) * 1000:.3f}")
    metrics.append(f'start;desc="{"cold" if result.cold else "warm"}"')
    return ", ".join(metrics)


@lambda_api.get("/2015-03-31/functions/<name>")
def get_function(name: str) -> Response:
    return answer(functions().get_function(name, request.args.get("Qualifier")))


@lambda_api.delete("/2015-03-31/functions/<name>")
def delete_function(name: str) -> Response:
    functions().delete_function(name, request.args.get("Qualifier"))
    return empty(204)


@lambda_api.put("/2017-10-31/functions/<name>/concurrency")
def put_function_concurrency(name: str) -> Response:
    return answer(functions().put_function_concurrency(name, json_body()))


@lambda_api.get("/2019-09-30/functions/<name>/concurrency")
def get_function_concurrency(name: str) -> Response:
    return answer(functions().get_function_concurrency(name))


@lambda_api.delete("/2017-10-31/functions/<name>/concurrency")
def delete_function_concurrency(name: str) -> Response:
    functions().delete_function_concurrency(name)
    return empty(204)


@lambda_api.put("/2019-09-25/functions/<name>/event-invoke-config")
def put_function_event_invoke_config(name: str) -> Response:
    return answer(event_invoke_configs().put(name, request.args.get("Qualifier"), json_body()))


@lambda_api.post("/2019-09-25/functions/<name>/event-invoke-config")
def update_function_event_invoke_config(name: str) -> Response:
    return answer(event_invoke_configs().put(name, request.args.get("Qualifier"), json_body(),
                                             merge=True))


@lambda_api.get("/2019-09-25/functions/<name>/event-invoke-config")
def get_function_event_invoke_config(name: str) -> Response:
    return answer(event_invoke_configs().get(name, request.args.get("Qualifier")))


@lambda_api.get("/2019-09-25/functions/<name>/event-invoke-config/list")
def list_function_event_invoke_configs(name: str) -> Response:
    return answer(event_invoke_configs().list(name))


@lambda_api.delete("/2019-09-25/functions/<name>/event-invoke-config")
def delete_function_event_invoke_config(name: str) -> Response:
    event_invoke_configs().delete(name, request.args.get("Qualifier"))
    return empty(204)


def tags() -> TagService:
    return current_app.extensions["tag_service"]  # type: ignore[no-any-return]


@lambda_api.post("/2017-03-31/tags/<path:resource>")
def tag_resource(resource: str) -> Response:
    check_mapping_exists(resource)
    tags().tag(resource, json_body())
    return empty(204)


@lambda_api.delete("/2017-03-31/tags/<path:resource>")
def untag_resource(resource: str) -> Response:
    check_mapping_exists(resource)
    tags().untag(resource, request.args.getlist("tagKeys"))
    return empty(204)


@lambda_api.get("/2017-03-31/tags/<path:resource>")
def list_tags(resource: str) -> Response:
    check_mapping_exists(resource)
    return answer(tags().list_tags(resource))


def check_mapping_exists(resource: str) -> None:
    """The tags of an event source mapping are the tag service's, the mapping itself is the
    event sources'; one that does not exist answers AWS's "not found"."""
    match = MAPPING_ARN.fullmatch(resource)
    if match is None:
        return
    try:
        current_app.extensions["event_source_mappings"].get(match["uuid"])
    except ResourceNotFoundException:
        raise ResourceNotFoundException(
            f"Event source mapping not found: {resource}") from None


@lambda_api.get("/2016-08-19/account-settings")
@lambda_api.get("/2016-08-19/account-settings/")
def get_account_settings() -> Response:
    return answer(account_settings(functions(), current_app.extensions["layer_service"]))
