"""Retries: a step that fails on its first attempt and succeeds on its second under a retry
strategy, then (when the event asks) a step that fails for good, which fails the execution."""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration, JitterStrategy, StepConfig
from aws_durable_execution_sdk_python.retries import (
    RetryPresets,
    RetryStrategyConfig,
    create_retry_strategy,
)

RETRY_ONCE = StepConfig(retry_strategy=create_retry_strategy(RetryStrategyConfig(
    max_attempts=3, initial_delay=Duration.from_seconds(1),
    jitter_strategy=JitterStrategy.NONE)))
NO_RETRY = StepConfig(retry_strategy=RetryPresets.none())


def flaky(step_context: StepContext) -> int:
    if step_context.attempt < 2:
        raise RuntimeError(f"transient failure on attempt {step_context.attempt}")
    return step_context.attempt


def broken(step_context: StepContext) -> None:
    raise ValueError("permanent failure")


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    attempts = context.step(flaky, name="flaky", config=RETRY_ONCE)
    if event.get("fail"):
        context.step(broken, name="broken", config=NO_RETRY)
    return {"flaky_succeeded_on_attempt": attempts}
