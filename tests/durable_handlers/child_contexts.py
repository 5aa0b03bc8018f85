"""Child contexts: a named one holding two steps, and one nested inside another."""

from typing import Any

from aws_durable_execution_sdk_python import (
    DurableContext,
    durable_execution,
    durable_with_child_context,
)


@durable_with_child_context
def prepare(context: DurableContext, order: str) -> dict[str, str]:
    validated = context.step(lambda _: f"validated-{order}", name="validate")
    reserved = context.step(lambda _: validated.upper(), name="reserve")
    return {"validated": validated, "reserved": reserved}


def inner(context: DurableContext) -> int:
    return context.step(lambda _: 42, name="inner_step")


def outer(context: DurableContext) -> int:
    return context.run_in_child_context(inner, name="inner") + 1


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    prepared = context.run_in_child_context(prepare(event.get("order", "o-1")), name="prepare")
    nested = context.run_in_child_context(outer, name="outer")
    return {"prepared": prepared, "nested": nested}
