"""Code from the simulator's own S3, tags on functions and GetAccountSettings, through boto3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.http_server import SimulatorServer
from tests.helpers import (
    ROLE,
    create_function,
    invoke_ok,
    lambda_client,
    make_zip,
    running_server,
    s3_client,
    unique_name,
)

ARN_PREFIX = "arn:aws:lambda:us-east-1:000000000000:function:"


@pytest.fixture
def lam(process_server: SimulatorServer) -> Any:
    return lambda_client(process_server.url)


@pytest.fixture
def s3(process_server: SimulatorServer) -> Any:
    return s3_client(process_server.url)


def returns(value: str) -> bytes:
    return make_zip({"app.py": f"def handler(event, context):\n    return {value!r}\n"})


def test_function_code_from_s3_on_create_and_update(lam: Any, s3: Any) -> None:
    bucket = unique_name("code")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="fn.zip", Body=returns("first"))["VersionId"]
    s3.put_object(Bucket=bucket, Key="fn.zip", Body=returns("second"))
    name = unique_name()
    created = lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                                  Handler="app.handler",
                                  Code={"S3Bucket": bucket, "S3Key": "fn.zip"})
    assert created["CodeSize"] == len(returns("second"))
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    assert invoke_ok(lam, name) == "second"
    lam.update_function_code(FunctionName=name, S3Bucket=bucket, S3Key="fn.zip",
                             S3ObjectVersion=first)
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert invoke_ok(lam, name) == "first"


def test_code_from_s3_that_is_not_there(lam: Any, s3: Any) -> None:
    bucket = unique_name("code")
    s3.create_bucket(Bucket=bucket)
    name = unique_name()
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as no_key:
        lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                            Handler="app.handler", Code={"S3Bucket": bucket, "S3Key": "no.zip"})
    assert no_key.value.response["Error"]["Message"] == (
        "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The "
        "specified key does not exist.")
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as no_bucket:
        lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                            Handler="app.handler",
                            Code={"S3Bucket": unique_name("absent"), "S3Key": "fn.zip"})
    assert "S3 Error Code: NoSuchBucket" in no_bucket.value.response["Error"]["Message"]
    existing = create_function(lam, "def handler(e, c): return 1")
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as update:
        lam.update_function_code(FunctionName=existing, S3Bucket=bucket, S3Key="no.zip")
    assert "S3 Error Code: NoSuchKey" in update.value.response["Error"]["Message"]


def test_tags_on_create_tag_untag_and_list(lam: Any) -> None:
    name = create_function(lam, "def handler(e, c): return 1", Tags={"team": "core"})
    arn = ARN_PREFIX + name
    assert lam.get_function(FunctionName=name)["Tags"] == {"team": "core"}
    lam.tag_resource(Resource=arn, Tags={"stage": "dev", "team": "edge"})
    assert lam.list_tags(Resource=arn)["Tags"] == {"team": "edge", "stage": "dev"}
    lam.untag_resource(Resource=arn, TagKeys=["team", "absent"])
    assert lam.list_tags(Resource=arn)["Tags"] == {"stage": "dev"}
    lam.untag_resource(Resource=arn, TagKeys=["stage"])
    assert "Tags" not in lam.get_function(FunctionName=name)
    assert lam.list_tags(Resource=arn)["Tags"] == {}


def test_tag_requests_aws_refuses(lam: Any) -> None:
    missing = ARN_PREFIX + unique_name("gone")
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as not_found:
        lam.list_tags(Resource=missing)
    assert not_found.value.response["Error"]["Message"] == f"Function not found: {missing}"
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.tag_resource(Resource=missing, Tags={"a": "b"})
    with pytest.raises(lam.exceptions.ClientError) as not_arn:
        lam.list_tags(Resource="just-a-name")
    assert not_arn.value.response["Error"]["Code"] == "ValidationException"
    name = create_function(lam, "def handler(e, c): return 1")
    with pytest.raises(lam.exceptions.InvalidParameterValueException):
        lam.tag_resource(Resource=f"{ARN_PREFIX}{name}:$LATEST", Tags={"a": "b"})
    with pytest.raises(lam.exceptions.InvalidParameterValueException):
        lam.tag_resource(Resource=ARN_PREFIX + name, Tags={"aws:reserved": "x"})
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as too_many:
        lam.tag_resource(Resource=ARN_PREFIX + name, Tags={f"k{i}": "v" for i in range(51)})
    assert "tag limit" in too_many.value.response["Error"]["Message"]


def test_account_settings_count_what_the_registry_holds(tmp_path: Path) -> None:
    with running_server(tmp_path / "state", "process", account_concurrency=400) as server:
        client = lambda_client(server.url)
        empty = client.get_account_settings()
        assert empty["AccountUsage"] == {"TotalCodeSize": 0, "FunctionCount": 0}
        assert empty["AccountLimit"] == {
            "TotalCodeSize": 80530636800, "CodeSizeUnzipped": 262144000,
            "CodeSizeZipped": 52428800, "ConcurrentExecutions": 400,
            "UnreservedConcurrentExecutions": 400}
        first = create_function(client, "def handler(e, c): return 1")
        create_function(client, "def handler(e, c): return 2")
        client.put_function_concurrency(FunctionName=first, ReservedConcurrentExecutions=50)
        client.publish_version(FunctionName=first)
        layer = client.publish_layer_version(LayerName="lib", Content={
            "ZipFile": make_zip({"python/lib.py": "X = 1\n"})})
        sizes = [f["CodeSize"] for f in client.list_functions()["Functions"]]
        version_size = client.get_function_configuration(FunctionName=first,
                                                          Qualifier="1")["CodeSize"]
        settings = client.get_account_settings()
        assert settings["AccountUsage"] == {
            "TotalCodeSize": sum(sizes) + version_size + layer["Content"]["CodeSize"],
            "FunctionCount": 2}
        assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 350
