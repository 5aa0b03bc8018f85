"""A JSON-protocol request's body: an object, or the service's own error."""

from __future__ import annotations

import pytest

from simulator.observability.errors import LogsInvalidParameter, XRayInvalidRequest
from simulator.observability.json_body import json_object


def test_an_object_is_read_and_an_empty_body_is_an_empty_object() -> None:
    assert json_object(b'{"a": 1}', XRayInvalidRequest) == {"a": 1}
    assert json_object(b"  ", XRayInvalidRequest) == {}


@pytest.mark.parametrize("raw, message", [
    (b"{nope", "The request body is not JSON"),
    (b"\xff", "The request body is not JSON"),
    (b"[" * 100_000, "The request body is not JSON"),
    (b"[1, 2]", "The request body must be a JSON object."),
])
def test_anything_else_is_the_services_own_error(raw: bytes, message: str) -> None:
    with pytest.raises(LogsInvalidParameter, match=message):
        json_object(raw, LogsInvalidParameter)
