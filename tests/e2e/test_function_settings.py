"""The newer settings of a function through boto3 against a running simulator: code signing
configurations (and which function uses one), recursion and runtime management
configurations, InvokeAsync, and Lambda Managed Instances, which cannot exist locally; what is
kept survives a restart.

Expected answers and messages follow responses recorded against AWS (LocalStack's Lambda API
snapshots, Apache-2.0, recorded Nov 2025) and AWS's API reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.http_server import SimulatorServer
from tests.helpers import (
    ROLE,
    create_function,
    eventually,
    lambda_client,
    running_server,
    unique_name,
)

ACCOUNT_ARN = "arn:aws:lambda:us-east-1:000000000000"
PUBLISHERS = {"SigningProfileVersionArns": [
    "arn:aws:signer:us-east-1:000000000000:/signing-profiles/test"]}
RUNTIME = "arn:aws:lambda:us-east-1::runtime:0b8ec1b6f9d2e0d3e8c0a3e5b7f3c0d4"
HANDLER = "def handler(event, context):\n    return 'ok'\n"
REMEMBER = "import json\ndef handler(event, context):\n    print('GOT ' + json.dumps(event))\n"


@pytest.fixture
def lam(process_server: SimulatorServer) -> Any:
    return lambda_client(process_server.url)


def error_of(raised: pytest.ExceptionInfo[Any]) -> tuple[int, str, str]:
    response = raised.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["Error"]["Message"])


def new_config(lam: Any, **body: Any) -> str:
    created = lam.create_code_signing_config(AllowedPublishers=PUBLISHERS, **body)
    return str(created["CodeSigningConfig"]["CodeSigningConfigArn"])


# -- code signing configurations ----------------------------------------------------------


def test_a_code_signing_config_is_created_read_updated_listed_and_deleted(lam: Any) -> None:
    created = lam.create_code_signing_config(
        Description="Testing CodeSigning Config", AllowedPublishers=PUBLISHERS,
        CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"})
    config = created["CodeSigningConfig"]
    arn = config["CodeSigningConfigArn"]

    updated = lam.update_code_signing_config(
        CodeSigningConfigArn=arn, CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Warn"})
    fetched = lam.get_code_signing_config(CodeSigningConfigArn=arn)
    listed = lam.list_code_signing_configs()["CodeSigningConfigs"]
    deleted = lam.delete_code_signing_config(CodeSigningConfigArn=arn)

    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert arn == f"{ACCOUNT_ARN}:code-signing-config:{config['CodeSigningConfigId']}"
    assert config["CodeSigningConfigId"].startswith("csc-")
    assert len(config["CodeSigningConfigId"]) == 21
    assert (config["Description"], config["AllowedPublishers"]) == (
        "Testing CodeSigning Config", PUBLISHERS)
    assert updated["CodeSigningConfig"]["CodeSigningPolicies"] == {
        "UntrustedArtifactOnDeployment": "Warn"}
    assert fetched["CodeSigningConfig"] == updated["CodeSigningConfig"]
    assert fetched["CodeSigningConfig"] in listed
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as raised:
        lam.get_code_signing_config(CodeSigningConfigArn=arn)
    assert error_of(raised) == (
        404, "ResourceNotFoundException",
        f"The Lambda code signing configuration {arn} can not be found.")


def test_a_function_uses_a_config_until_detached(lam: Any) -> None:
    name = create_function(lam, HANDLER)
    arn = new_config(lam)

    put = lam.put_function_code_signing_config(FunctionName=name, CodeSigningConfigArn=arn)
    got = lam.get_function_code_signing_config(FunctionName=name)
    users = lam.list_functions_by_code_signing_config(CodeSigningConfigArn=arn)
    with pytest.raises(lam.exceptions.ResourceConflictException):
        lam.delete_code_signing_config(CodeSigningConfigArn=arn)
    lam.delete_function_code_signing_config(FunctionName=name)

    assert (put["CodeSigningConfigArn"], put["FunctionName"]) == (arn, name)
    assert (got["CodeSigningConfigArn"], got["FunctionName"]) == (arn, name)
    assert users["FunctionArns"] == [f"{ACCOUNT_ARN}:function:{name}"]
    assert "CodeSigningConfigArn" not in lam.get_function_code_signing_config(FunctionName=name)
    assert lam.list_functions_by_code_signing_config(CodeSigningConfigArn=arn)[
        "FunctionArns"] == []
    lam.delete_code_signing_config(CodeSigningConfigArn=arn)


def test_create_function_attaches_a_config_and_delete_function_detaches_it(lam: Any) -> None:
    arn = new_config(lam)
    name = create_function(lam, HANDLER, CodeSigningConfigArn=arn)

    assert lam.get_function_code_signing_config(FunctionName=name)[
        "CodeSigningConfigArn"] == arn
    lam.delete_function(FunctionName=name)
    assert lam.list_functions_by_code_signing_config(CodeSigningConfigArn=arn)[
        "FunctionArns"] == []
    lam.delete_code_signing_config(CodeSigningConfigArn=arn)


def test_missing_configs_and_functions_in_aws_words(lam: Any) -> None:
    arn = new_config(lam)
    absent = arn[:-1] + ("x" if arn[-1] != "x" else "y")
    name = create_function(lam, HANDLER)

    with pytest.raises(lam.exceptions.CodeSigningConfigNotFoundException) as missing_config:
        lam.put_function_code_signing_config(FunctionName="csc-test-doesnotexist",
                                             CodeSigningConfigArn=absent)
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as missing_function:
        lam.get_function_code_signing_config(FunctionName="csc-test-doesnotexist")
    with pytest.raises(lam.exceptions.CodeSigningConfigNotFoundException):
        create_function(lam, HANDLER, CodeSigningConfigArn=absent)

    assert error_of(missing_config) == (
        404, "CodeSigningConfigNotFoundException",
        "The code signing configuration cannot be found. Check that the provided "
        f"configuration is not deleted: {absent}.")
    assert error_of(missing_function)[2] == (
        f"Function not found: {ACCOUNT_ARN}:function:csc-test-doesnotexist")
    assert lam.delete_function_code_signing_config(FunctionName=name)[
        "ResponseMetadata"]["HTTPStatusCode"] == 204


# -- recursion and runtime management -------------------------------------------------


def test_recursion_config_defaults_to_terminate_and_keeps_allow(lam: Any) -> None:
    name = create_function(lam, HANDLER)

    default = lam.get_function_recursion_config(FunctionName=name)["RecursiveLoop"]
    put = lam.put_function_recursion_config(FunctionName=name, RecursiveLoop="Allow")
    with pytest.raises(ClientError) as raised:
        lam.put_function_recursion_config(FunctionName=name, RecursiveLoop="InvalidValue")

    assert (default, put["RecursiveLoop"]) == ("Terminate", "Allow")
    assert lam.get_function_recursion_config(FunctionName=name)["RecursiveLoop"] == "Allow"
    assert error_of(raised) == (
        400, "ValidationException",
        "1 validation error detected: Value 'InvalidValue' at 'recursiveLoop' failed to "
        "satisfy constraint: Member must satisfy enum value set: [Terminate, Allow]")


def test_runtime_management_per_version(lam: Any) -> None:
    name = create_function(lam, HANDLER)
    version = lam.publish_version(FunctionName=name)["Version"]
    arn = f"{ACCOUNT_ARN}:function:{name}"

    default = lam.get_runtime_management_config(FunctionName=name)
    manual = lam.put_runtime_management_config(FunctionName=name, Qualifier=version,
                                               UpdateRuntimeOn="Manual",
                                               RuntimeVersionArn=RUNTIME)
    with pytest.raises(lam.exceptions.InvalidParameterValueException):
        lam.put_runtime_management_config(FunctionName=name, UpdateRuntimeOn="Manual")

    assert (default["UpdateRuntimeOn"], default["FunctionArn"]) == ("Auto", arn)
    assert "RuntimeVersionArn" not in default
    assert (manual["UpdateRuntimeOn"], manual["FunctionArn"], manual["RuntimeVersionArn"]) == (
        "Manual", f"{arn}:{version}", RUNTIME)
    assert lam.get_runtime_management_config(FunctionName=name, Qualifier=version)[
        "RuntimeVersionArn"] == RUNTIME
    assert lam.get_runtime_management_config(FunctionName=name)["UpdateRuntimeOn"] == "Auto"


# -- InvokeAsync ------------------------------------------------------------------------


def test_invoke_async_runs_the_function_with_the_event(lam: Any,
                                                      process_server: SimulatorServer) -> None:
    name = create_function(lam, REMEMBER)

    answer = lam.invoke_async(FunctionName=name, InvokeArgs=json.dumps({"order": 42}))

    assert answer["Status"] == 202
    assert eventually(lambda: any(
        event.message.strip() == 'GOT {"order": 42}'
        for event in process_server.simulator.logs.events(name)), timeout=30)


# -- Lambda Managed Instances -------------------------------------------------------------


def test_capacity_providers_answer_as_for_an_account_without_any(lam: Any) -> None:
    name = create_function(lam, HANDLER)

    listed = lam.list_capacity_providers()
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as missing:
        lam.get_capacity_provider(CapacityProviderName="fleet")
    with pytest.raises(lam.exceptions.CapacityProviderLimitExceededException):
        lam.create_capacity_provider(
            CapacityProviderName="fleet",
            VpcConfig={"SubnetIds": ["subnet-1"], "SecurityGroupIds": []},
            PermissionsConfig={"CapacityProviderOperatorRoleArn": ROLE})
    with pytest.raises(ClientError) as no_scaling:
        lam.get_function_scaling_config(FunctionName=name, Qualifier="$LATEST.PUBLISHED")

    assert listed["CapacityProviders"] == []
    assert error_of(missing) == (
        404, "ResourceNotFoundException",
        f"Capacity provider not found: {ACCOUNT_ARN}:capacity-provider:fleet")
    assert error_of(no_scaling) == (
        403, "AccessDeniedException",
        "The function provided by the arn does not contain a capacity provider configuration")


# -- across a restart ---------------------------------------------------------------------


def test_what_is_set_survives_a_restart(tmp_path: Path) -> None:
    name = unique_name()
    with running_server(tmp_path, "process") as server:
        lam = lambda_client(server.url)
        create_function(lam, HANDLER, name=name)
        arn = new_config(lam, Description="kept")
        lam.put_function_code_signing_config(FunctionName=name, CodeSigningConfigArn=arn)
        lam.put_function_recursion_config(FunctionName=name, RecursiveLoop="Allow")
        lam.put_runtime_management_config(FunctionName=name, UpdateRuntimeOn="FunctionUpdate")

    with running_server(tmp_path, "process") as server:
        lam = lambda_client(server.url)
        assert lam.get_code_signing_config(CodeSigningConfigArn=arn)["CodeSigningConfig"][
            "Description"] == "kept"
        assert lam.get_function_code_signing_config(FunctionName=name)[
            "CodeSigningConfigArn"] == arn
        assert lam.get_function_recursion_config(FunctionName=name)["RecursiveLoop"] == "Allow"
        assert lam.get_runtime_management_config(FunctionName=name)[
            "UpdateRuntimeOn"] == "FunctionUpdate"
