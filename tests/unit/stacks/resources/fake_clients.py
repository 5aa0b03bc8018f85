"""A stand-in for boto3 clients: records each call, answers from canned responses (or a
callable), so a provisioner's API calls can be checked without a server."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from simulator.stacks.provisioning import ProvisioningContext


class FakeWaiter:
    def __init__(self, client: FakeClient, name: str) -> None:
        self._client, self._name = client, name

    def wait(self, **parameters: Any) -> None:
        self._client.calls.append((f"wait:{self._name}", parameters))


class FakePaginator:
    """Answers one page: the client's answer for the operation."""

    def __init__(self, client: FakeClient, operation: str) -> None:
        self._client, self._operation = client, operation

    def paginate(self, **parameters: Any) -> list[Any]:
        self._client.calls.append((f"paginate:{self._operation}", parameters))
        answer = self._client.answers.get(self._operation, {})
        return [answer(**parameters) if callable(answer) else answer]


def refusal(code: str, message: str = "refused", status: int = 400) -> Callable[..., Any]:
    """An answer that is the service refusing the call with `code`."""
    def refuse(**_: Any) -> Any:
        raise ClientError({"Error": {"Code": code, "Message": message},
                           "ResponseMetadata": {"HTTPStatusCode": status,
                                                "RequestId": "req-1"}}, "Operation")
    return refuse


@dataclass
class FakeClient:
    service: str
    answers: dict[str, Any] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __getattr__(self, operation: str) -> Callable[..., Any]:
        if operation.startswith("_"):
            raise AttributeError(operation)

        def call(*positional: Any, **parameters: Any) -> Any:
            self.calls.append((operation, {**parameters, "_positional": positional}
                               if positional else parameters))
            answer = self.answers.get(operation, {})
            return answer(**parameters) if callable(answer) else answer
        return call

    def get_waiter(self, name: str) -> FakeWaiter:
        return FakeWaiter(self, name)

    def get_paginator(self, operation: str) -> FakePaginator:
        return FakePaginator(self, operation)

    def operations(self) -> list[str]:
        return [name for name, _ in self.calls]

    def parameters(self, operation: str) -> dict[str, Any]:
        return next(p for name, p in self.calls if name == operation)

    def all_parameters(self, operation: str) -> list[dict[str, Any]]:
        return [p for name, p in self.calls if name == operation]


def fake_context(*clients: FakeClient, logical_id: str = "Thing") -> ProvisioningContext:
    by_service = {client.service: client for client in clients}
    return ProvisioningContext(
        stack_name="shop", stack_id=f"arn:aws:cloudformation:us-east-1:123456789012:stack/"
        f"shop/{uuid.UUID(int=1)}", logical_id=logical_id, region="us-east-1",
        account_id="123456789012", client=by_service.__getitem__,
        generated_name=lambda max_length: f"shop-{logical_id}-ABCDEF123456"[:max_length])
