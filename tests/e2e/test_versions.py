"""Versions, aliases with weighted routing, qualified invokes and provisioned concurrency."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.helpers import create_function, make_zip

VERSIONED = """
import os
def handler(event, context):
    return {"code": CODE, "version": context.function_version,
            "arn": context.invoked_function_arn,
            "init": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]}
CODE = 1
"""


def invoke(client: Any, name: str, qualifier: str | None = None) -> tuple[dict, str]:
    options = {"Qualifier": qualifier} if qualifier else {}
    response = client.invoke(FunctionName=name, **options)
    return json.loads(response["Payload"].read()), response["ExecutedVersion"]


def test_versions_are_immutable_snapshots(client: Any) -> None:
    name = create_function(client, VERSIONED)
    first = client.publish_version(FunctionName=name, Description="first")
    assert first["Version"] == "1"
    assert first["FunctionArn"].endswith(f":function:{name}:1")
    assert client.publish_version(FunctionName=name)["Version"] == "1"  # nothing changed
    client.update_function_code(FunctionName=name,
                                ZipFile=make_zip({"app.py": VERSIONED.replace("CODE = 1",
                                                                              "CODE = 2")}))
    client.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert client.publish_version(FunctionName=name)["Version"] == "2"
    versions = [v["Version"] for v in client.list_versions_by_function(FunctionName=name)
                ["Versions"]]
    assert versions == ["$LATEST", "1", "2"]
    body, executed = invoke(client, name, "1")
    assert (body["code"], body["version"], executed) == (1, "1", "1")
    assert body["arn"].endswith(f":function:{name}:1")
    body, executed = invoke(client, f"{name}:2")
    assert (body["code"], executed) == (2, "2")
    assert invoke(client, name)[1] == "$LATEST"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        invoke(client, name, "9")


def test_aliases_route_to_versions(client: Any) -> None:
    name = create_function(client, VERSIONED)
    client.publish_version(FunctionName=name)
    client.update_function_code(FunctionName=name,
                                ZipFile=make_zip({"app.py": VERSIONED.replace("CODE = 1",
                                                                              "CODE = 2")}))
    client.get_waiter("function_updated_v2").wait(FunctionName=name)
    client.publish_version(FunctionName=name)
    alias = client.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    assert alias["AliasArn"].endswith(f":function:{name}:live")
    with pytest.raises(client.exceptions.ResourceConflictException):
        client.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.create_alias(FunctionName=name, Name="ghost", FunctionVersion="9")
    body, executed = invoke(client, name, "live")
    assert (body["code"], executed) == (1, "1")
    assert body["arn"].endswith(f":function:{name}:live")  # the ARN it was invoked by
    client.update_alias(FunctionName=name, Name="live", FunctionVersion="1",
                        RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    executed_versions = {invoke(client, name, "live")[1] for _ in range(40)}
    assert executed_versions == {"1", "2"}
    assert client.get_alias(FunctionName=name, Name="live")["RoutingConfig"] == {
        "AdditionalVersionWeights": {"2": 0.5}}
    assert [a["Name"] for a in client.list_aliases(FunctionName=name)["Aliases"]] == ["live"]
    client.delete_alias(FunctionName=name, Name="live")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_alias(FunctionName=name, Name="live")


def settled(client: Any, name: str, qualifier: str, timeout: float = 60) -> dict[str, Any]:
    """The config once it is no longer IN_PROGRESS (or time's up)."""
    deadline = time.time() + timeout
    while True:
        config: dict[str, Any] = client.get_provisioned_concurrency_config(
            FunctionName=name, Qualifier=qualifier)
        if config["Status"] != "IN_PROGRESS" or time.time() > deadline:
            return config
        time.sleep(0.1)


def test_provisioned_concurrency_is_in_progress_until_ready_and_fails_with_its_reason(
        client: Any) -> None:
    name = create_function(client, VERSIONED)
    client.publish_version(FunctionName=name)
    client.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    broken = create_function(client, "raise RuntimeError('no init for you')\n")
    client.publish_version(FunctionName=broken)

    put = client.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=1)
    client.put_provisioned_concurrency_config(
        FunctionName=broken, Qualifier="1", ProvisionedConcurrentExecutions=1)

    assert (put["Status"], put["AvailableProvisionedConcurrentExecutions"]) == ("IN_PROGRESS", 0)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    ready = settled(client, name, "live")
    assert (ready["Status"], ready["AvailableProvisionedConcurrentExecutions"],
            ready["AllocatedProvisionedConcurrentExecutions"]) == ("READY", 1, 1)
    failed = settled(client, broken, "1")
    # Its init raises: AWS's reason for that.
    assert (failed["Status"], failed["StatusReason"]) == ("FAILED", "FUNCTION_ERROR_INIT_FAILURE")
    [listed] = client.list_provisioned_concurrency_configs(FunctionName=name)[
        "ProvisionedConcurrencyConfigs"]
    assert listed["FunctionArn"].endswith(f":function:{name}:live")
    with pytest.raises(client.exceptions.ResourceConflictException) as conflict:
        client.put_provisioned_concurrency_config(
            FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=1)
    assert conflict.value.response["Error"]["Message"] == (
        "Version is pointed by a Provisioned Concurrency alias")
    with pytest.raises(client.exceptions.InvalidParameterValueException) as too_many:
        client.put_provisioned_concurrency_config(
            FunctionName=broken, Qualifier="1", ProvisionedConcurrentExecutions=5000)
    assert "greater than account's unreserved concurrency" in too_many.value.response[
        "Error"]["Message"]

    client.delete_alias(FunctionName=name, Name="live")
    assert client.list_provisioned_concurrency_configs(FunctionName=name)[
        "ProvisionedConcurrencyConfigs"] == []


def test_provisioned_concurrency_keeps_environments_warm(client: Any, server: Any) -> None:
    name = create_function(client, VERSIONED)
    client.publish_version(FunctionName=name)
    put = client.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=2)
    assert put["RequestedProvisionedConcurrentExecutions"] == 2
    client.get_waiter("function_active_v2").wait(FunctionName=name)
    deadline = time.time() + 30
    while time.time() < deadline and server.simulator.pool.counts(name).warm < 2:
        time.sleep(0.1)
    assert server.simulator.pool.counts(name).warm == 2
    body, executed = invoke(client, name, "1")
    assert body["init"] == "provisioned-concurrency" and executed == "1"
    got = settled(client, name, "1")
    assert (got["Status"], got["AvailableProvisionedConcurrentExecutions"]) == ("READY", 2)
    with pytest.raises(client.exceptions.InvalidParameterValueException):
        client.put_provisioned_concurrency_config(
            FunctionName=name, Qualifier="$LATEST", ProvisionedConcurrentExecutions=1)
    client.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
