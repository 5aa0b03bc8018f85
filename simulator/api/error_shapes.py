"""How an AWS error leaves the server: status, headers and body as botocore reads them (the
`x-amzn-errortype` header, `__type` and the modeled fields in the body)."""

from __future__ import annotations

import json
import uuid

from simulator.errors import LambdaError

Headers = list[tuple[str, str]]


def error_parts(error: LambdaError) -> tuple[int, Headers, bytes]:
    body = json.dumps({"__type": error.code, **error.body()}).encode()
    headers = [("Content-Type", "application/json"), ("x-amzn-errortype", error.code),
               ("x-amzn-RequestId", str(uuid.uuid4()))]
    retry_after = getattr(error, "retry_after_seconds", None)
    if retry_after is not None:
        headers.append(("Retry-After", str(retry_after)))
    return error.status, headers, body
