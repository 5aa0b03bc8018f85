"""The durable-execution operations of the Lambda API (`/2025-12-01/...`: checkpoint, state,
get, history, list by function, stop, and the callback success, failure and heartbeat calls),
answered by the service library's own request handlers over the simulator's executor."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from aws_durable_execution_sdk_python_testing.exceptions import UnknownRouteError
from aws_durable_execution_sdk_python_testing.executor import Executor
from aws_durable_execution_sdk_python_testing.model import (
    ListDurableExecutionsByFunctionRequest,
    ListDurableExecutionsByFunctionResponse,
)
from aws_durable_execution_sdk_python_testing.web.handlers import (
    CheckpointDurableExecutionHandler,
    EndpointHandler,
    GetDurableExecutionHandler,
    GetDurableExecutionHistoryHandler,
    GetDurableExecutionStateHandler,
    ListDurableExecutionsByFunctionHandler,
    SendDurableExecutionCallbackFailureHandler,
    SendDurableExecutionCallbackHeartbeatHandler,
    SendDurableExecutionCallbackSuccessHandler,
    StopDurableExecutionHandler,
)
from aws_durable_execution_sdk_python_testing.web.models import HTTPRequest
from aws_durable_execution_sdk_python_testing.web.routes import (
    BytesPayloadRoute,
    CallbackFailureRoute,
    CallbackHeartbeatRoute,
    CallbackSuccessRoute,
    CheckpointDurableExecutionRoute,
    GetDurableExecutionHistoryRoute,
    GetDurableExecutionRoute,
    GetDurableExecutionStateRoute,
    ListDurableExecutionsByFunctionRoute,
    Route,
    Router,
    StopDurableExecutionRoute,
)
from aws_durable_execution_sdk_python_testing.web.serialization import JSONSerializer

from simulator.errors import InvalidParameterValueException
from simulator.errors import UnknownRouteError as UnknownLambdaRoute

HANDLERS: dict[type[Route], type[EndpointHandler]] = {
    GetDurableExecutionRoute: GetDurableExecutionHandler,
    CheckpointDurableExecutionRoute: CheckpointDurableExecutionHandler,
    StopDurableExecutionRoute: StopDurableExecutionHandler,
    GetDurableExecutionStateRoute: GetDurableExecutionStateHandler,
    GetDurableExecutionHistoryRoute: GetDurableExecutionHistoryHandler,
    ListDurableExecutionsByFunctionRoute: ListDurableExecutionsByFunctionHandler,
    CallbackSuccessRoute: SendDurableExecutionCallbackSuccessHandler,
    CallbackFailureRoute: SendDurableExecutionCallbackFailureHandler,
    CallbackHeartbeatRoute: SendDurableExecutionCallbackHeartbeatHandler,
}

Answer = tuple[int, list[tuple[str, str]], bytes]
DEFAULT_PAGE_SIZE = 100


class DurableOperations:
    def __init__(self, executor: Executor) -> None:
        self._executor = executor
        self._router = Router(list(HANDLERS))
        self._handlers = {route: handler(executor) for route, handler in HANDLERS.items()}

    def answer(self, method: str, raw_path: str, query_string: str,
               headers: dict[str, str], body: bytes) -> Answer:
        """`raw_path` as sent (percent-encoded): an execution ARN holds slashes, which a
        client encodes inside its path segment."""
        try:
            route = self._router.find_route(raw_path, method)
        except UnknownRouteError:
            raise UnknownLambdaRoute(f"No durable-execution operation at {method} {raw_path}"
                                     ) from None
        query = parse_qs(query_string, keep_blank_values=True)
        if isinstance(route, ListDurableExecutionsByFunctionRoute):
            return self._list_by_function(route, query)
        if isinstance(route, BytesPayloadRoute):
            request = HTTPRequest.from_raw_bytes(body_bytes=body, method=method, path=route,
                                                 headers=headers, query_params=query)
        else:
            request = HTTPRequest.from_bytes(body_bytes=body, method=method, path=route,
                                             headers=headers, query_params=query)
        response = self._handlers[type(route)].handle(route, request)
        payload = response.body_to_bytes() if response.body else b""
        answer_headers = [(name, value) for name, value in response.headers.items()
                          if name.lower() != "content-length"]
        if response.status_code >= 400:
            code = _error_type(payload)
            # The SDKs read an error's code from this header; the body says it as every
            # other Lambda error does (the library names the code where AWS says who erred).
            answer_headers.append(("x-amzn-ErrorType", code))
            payload = _error_body(code, payload, response.status_code)
        return response.status_code, answer_headers, payload


    def _list_by_function(self, route: ListDurableExecutionsByFunctionRoute,
                          query: dict[str, list[str]]) -> Answer:
        """ListDurableExecutionsByFunction as the Lambda model has it: any number of
        `Statuses`, a `Qualifier`, newest first unless `ReverseOrder`, 100 a page."""
        request = ListDurableExecutionsByFunctionRequest.from_dict(
            {**query, "FunctionName": [route.function_name]})
        found = []
        statuses: list[str | None] = [*query.get("Statuses", [])] or [None]
        for status in statuses:
            found += self._executor.list_executions_by_function(
                function_name=request.function_name,
                execution_name=request.durable_execution_name, status_filter=status,
                started_after=request.started_after, started_before=request.started_before,
                reverse_order=False).durable_executions
        if request.qualifier:
            found = [e for e in found if e.function_arn.endswith(f":{request.qualifier}")]
        found.sort(key=lambda e: e.start_timestamp, reverse=not request.reverse_order)
        marker = request.marker or "0"
        if not marker.isdigit():
            raise InvalidParameterValueException(f"Invalid Marker: {marker}")
        start, size = int(marker), request.max_items or DEFAULT_PAGE_SIZE
        following = start + size
        page = ListDurableExecutionsByFunctionResponse(
            durable_executions=found[start:following],
            next_marker=str(following) if following < len(found) else None)
        body = JSONSerializer().to_bytes(data=page.to_dict())
        return 200, [("Content-Type", "application/json")], body


def _error_type(payload: bytes) -> str:
    try:
        body = json.loads(payload)
    except ValueError:
        return "ServiceException"
    return str(body.get("Type") or body.get("__type") or "ServiceException") \
        if isinstance(body, dict) else "ServiceException"


def _error_body(code: str, payload: bytes, status: int) -> bytes:
    try:
        body = json.loads(payload)
    except ValueError:
        body = None
    message = str(body.get("Message") or body.get("message") or "") \
        if isinstance(body, dict) else payload.decode(errors="replace")
    return json.dumps({"Type": "User" if status < 500 else "Service", "Message": message,
                       "__type": code}).encode()
