"""The Lambda service as the simulator composes it (control plane and data plane over the fake
executor), and the calls the tests of both make through it."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from simulator.functions.function_operations import FunctionOperations
from simulator.invocation.invoker import Invoker
from tests.helpers import ROLE, make_zip

ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"


def zip_of(source: str) -> str:
    return base64.b64encode(make_zip({"app.py": source})).decode()


@dataclass
class LambdaService:
    """The control plane and the data plane, as the simulator composes them."""

    functions: FunctionOperations
    invoker: Invoker
    segments: list[dict[str, Any]] = field(default_factory=list)  # X-Ray, as recorded


def create(service: LambdaService, name: str = "fn", **fields: Any) -> dict[str, Any]:
    body = {"FunctionName": name, "Runtime": "python3.12", "Role": ROLE,
            "Handler": "app.handler", "Code": {"ZipFile": zip_of("# first\n")}, **fields}
    return service.functions.create_function(body)
