from __future__ import annotations

import io
import zipfile
from typing import Any

from simulator.stacks.resources.lambda_function import (
    FunctionProvisioner,
    code_parameter,
    configuration,
    inline_zip,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context

ARN = "arn:aws:lambda:us-east-1:123456789012:function:shop-Thing-ABCDEF123456"


def names_in(archive: bytes) -> list[str]:
    return sorted(zipfile.ZipFile(io.BytesIO(archive)).namelist())


def test_inline_code_is_written_as_cloudformation_names_it() -> None:
    assert names_in(inline_zip("x = 1", "python3.12")) == ["cfnresponse.py", "index.py"]
    assert names_in(inline_zip("x", "nodejs20.x")) == ["index.js",
                                                      "node_modules/cfn-response.js"]
    assert names_in(inline_zip("x", "provided.al2023")) == ["index.py"]
    archive = zipfile.ZipFile(io.BytesIO(inline_zip("source text", "python3.12")))
    assert archive.read("index.py") == b"source text"


def test_code_from_s3_or_an_image() -> None:
    assert code_parameter({"Code": {"S3Bucket": "b", "S3Key": "k"}}) == {"S3Bucket": "b",
                                                                          "S3Key": "k"}
    assert code_parameter({"Code": {"ImageUri": "repo:tag"}}) == {"ImageUri": "repo:tag"}


def test_configuration_is_typed() -> None:
    assert configuration({"MemorySize": "256", "Timeout": "9", "Code": {},
                          "Environment": {"Variables": {"N": 1}},
                          "EphemeralStorage": {"Size": "1024"}}) == {
        "MemorySize": 256, "Timeout": 9, "Environment": {"Variables": {"N": "1"}},
        "EphemeralStorage": {"Size": 1024}}


def lambda_client() -> FakeClient:
    return FakeClient("lambda", {"get_function_configuration": {"FunctionArn": ARN}})


def test_create_waits_for_active_and_sets_reserved_concurrency() -> None:
    client = lambda_client()
    provisioned = FunctionProvisioner().create(fake_context(client), {
        "Runtime": "python3.12", "Handler": "index.handler", "Role": "r",
        "Code": {"ZipFile": "x"}, "ReservedConcurrentExecutions": "2",
        "Tags": [{"Key": "a", "Value": "b"}]})
    assert provisioned.physical_id == "shop-Thing-ABCDEF123456"
    assert provisioned.attributes["Arn"] == ARN
    assert client.operations()[:3] == ["create_function", "wait:function_active_v2",
                                       "put_function_concurrency"]
    assert client.parameters("create_function")["Tags"] == {"a": "b"}


def test_update_resets_removed_properties_and_replaces_code() -> None:
    client = lambda_client()
    old: dict[str, Any] = {"Runtime": "python3.12", "Handler": "index.handler", "Role": "r",
                           "Code": {"ZipFile": "x"}, "Timeout": 10,
                           "Environment": {"Variables": {"A": "1"}},
                           "ReservedConcurrentExecutions": 2}
    new = {**old, "Code": {"ZipFile": "y"}}
    del new["Timeout"], new["Environment"], new["ReservedConcurrentExecutions"]
    FunctionProvisioner().update(fake_context(client), "fn", old, new)
    updated = client.parameters("update_function_configuration")
    assert (updated["Timeout"], updated["Environment"]) == (3, {"Variables": {}})
    assert "update_function_code" in client.operations()
    assert "delete_function_concurrency" in client.operations()


def test_an_unchanged_function_is_left_alone() -> None:
    client = lambda_client()
    properties = {"Runtime": "python3.12", "Handler": "index.handler", "Role": "r",
                  "Code": {"ZipFile": "x"}}
    FunctionProvisioner().update(fake_context(client), "fn", properties, properties)
    assert client.operations() == ["get_function_configuration"]
    assert FunctionProvisioner().replaces(properties, {**properties, "FunctionName": "x"})
