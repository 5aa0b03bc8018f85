"""Event invoke configurations: one for `$LATEST` and one for each published version, as AWS
keeps them, answered in AWS's shape."""

from __future__ import annotations

import pytest

from simulator.errors import ResourceNotFoundException
from simulator.functions.event_invoke_configs import EventInvokeConfigs
from tests.unit.lambda_service import ARN, LambdaService, create


def test_each_version_has_its_own_event_invoke_config(service: LambdaService) -> None:
    create(service)
    configs = EventInvokeConfigs(service.functions)
    configs.put("fn", None, {"MaximumRetryAttempts": 1})
    service.functions.publish(service.functions.function("fn"))

    with pytest.raises(ResourceNotFoundException) as missing:
        configs.get("fn", "1")
    assert missing.value.message == (
        f"The function {ARN}:1 doesn't have an EventInvokeConfig")
    put = configs.put("fn", "1", {"MaximumRetryAttempts": 0})
    assert put["FunctionArn"] == f"{ARN}:1"
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    configs.delete("fn", None)
    listed = configs.list("fn")["FunctionEventInvokeConfigs"]
    assert [config["FunctionArn"] for config in listed] == [f"{ARN}:1"]
