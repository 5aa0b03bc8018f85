"""The body of a JSON-protocol request (CloudWatch Logs, X-Ray): one JSON object, or the
service's own invalid-request error."""

from __future__ import annotations

import json
from typing import Any

from simulator.errors import LambdaError


def json_object(raw: bytes, invalid: type[LambdaError]) -> dict[str, Any]:
    """An empty body is an empty object, as the SDKs send for an operation without input."""
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise invalid(f"The request body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    return body
