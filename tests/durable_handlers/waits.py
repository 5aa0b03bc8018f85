"""Waits: a few seconds, then (when the event asks) some hours; steps on either side."""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    before = context.step(lambda _: "before", name="before")
    context.wait(Duration.from_seconds(int(event.get("seconds", 2))), name="short_wait")
    hours = int(event.get("hours", 0))
    if hours:
        context.wait(Duration.from_hours(hours), name="long_wait")
    after = context.step(lambda _: "after", name="after")
    return {"steps": [before, after], "hours": hours}
