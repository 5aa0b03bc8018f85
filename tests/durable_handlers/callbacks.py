"""Callbacks: one made with `create_callback`, one with `wait_for_callback`; both are completed
from outside (SendDurableExecutionCallbackSuccess) with a JSON document the handler returns."""

import json
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.types import WaitForCallbackContext


def submit(callback_id: str, context: WaitForCallbackContext) -> None:
    """Where a real handler would hand the id to another system; the test finds it in history."""
    context.logger.info("waiting for callback %s", callback_id)


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    callback = context.create_callback(name="approval")
    approval = callback.result()
    second = context.wait_for_callback(submit, name="second_approval")
    return {
        "approval": json.loads(approval) if approval else None,
        "second": json.loads(second) if second else None,
    }
