"""`map` over the event's items (a step per item) and `parallel` over two branches."""

from collections.abc import Sequence
from typing import Any

from aws_durable_execution_sdk_python import BatchResult, DurableContext, durable_execution


def square(context: DurableContext, item: int, index: int, items: Sequence[int]) -> int:
    return context.step(lambda _: item * item, name=f"square-{index}")


def branch_a(context: DurableContext) -> str:
    return context.step(lambda _: "a", name="branch_a")


def branch_b(context: DurableContext) -> str:
    return context.step(lambda _: "b", name="branch_b")


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    squares: BatchResult[int] = context.map(event.get("items", [1, 2, 3]), square, name="squares")
    branches = context.parallel([branch_a, branch_b], name="fan_out")
    return {"squares": squares.get_results(), "branches": branches.get_results()}
