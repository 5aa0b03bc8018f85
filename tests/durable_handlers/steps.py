"""Steps whose results are passed along: each step's result is checkpointed and replayed."""

from typing import Any

from aws_durable_execution_sdk_python import (
    DurableContext,
    StepContext,
    durable_execution,
    durable_step,
)


@durable_step
def add(step_context: StepContext, a: int, b: int) -> int:
    return a + b


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    start = int(event.get("start", 1))
    doubled = context.step(lambda _: start * 2, name="double")
    added = context.step(add(doubled, 10), name="add_ten")
    return context.step(lambda _: {"value": added, "label": f"v{added}"}, name="wrap")
