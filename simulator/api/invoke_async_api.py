"""InvokeAsync (`POST /2014-11-13/functions/{name}/invoke-async/`), the deprecated forerunner
of Invoke with `X-Amz-Invocation-Type: Event`: the body is the event, queued exactly as an
Event invoke queues it, and the answer is 202 with that status in the body."""

from __future__ import annotations

from flask import Blueprint, Response, request

from simulator.api.lambda_api import answer, invoker

invoke_async_api = Blueprint("invoke_async_api", __name__)


@invoke_async_api.post("/2014-11-13/functions/<name>/invoke-async")
@invoke_async_api.post("/2014-11-13/functions/<name>/invoke-async/")
def invoke_async(name: str) -> Response:
    outcome = invoker().invoke(name, None, request.get_data(cache=False),
                               invocation_type="Event",
                               trace_header=request.headers.get("X-Amzn-Trace-Id"))
    return answer({"Status": outcome.status}, outcome.status)
