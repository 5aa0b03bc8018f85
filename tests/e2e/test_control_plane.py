"""CreateFunction … DeleteFunction and the concurrency settings, through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers import ROLE, create_function, make_zip, unique_name

HANDLER = """
def handler(event, context):
    return {"version": 1}
"""


def test_create_get_list_update_delete(client: Any) -> None:
    name = unique_name()
    created = client.create_function(
        FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": make_zip({"app.py": HANDLER})}, Description="first",
        Environment={"Variables": {"GREETING": "hello"}},
    )
    assert created["State"] == "Pending"
    assert created["StateReasonCode"] == "Creating"
    assert created["FunctionArn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    assert created["Version"] == "$LATEST"
    assert created["Timeout"] == 3 and created["MemorySize"] == 128
    client.get_waiter("function_active_v2").wait(FunctionName=name)

    got = client.get_function(FunctionName=name)
    assert got["Configuration"]["State"] == "Active"
    assert got["Configuration"]["LastUpdateStatus"] == "Successful"
    assert got["Configuration"]["CodeSha256"] == created["CodeSha256"]
    assert got["Code"]["RepositoryType"] == "S3"
    config = client.get_function_configuration(FunctionName=name)
    assert config["Environment"] == {"Variables": {"GREETING": "hello"}}

    updated = client.update_function_configuration(
        FunctionName=name, Handler="app.handler", Timeout=30, MemorySize=256,
        Description="second", Environment={"Variables": {"GREETING": "bye"}},
    )
    assert updated["LastUpdateStatus"] == "InProgress"
    client.get_waiter("function_updated_v2").wait(FunctionName=name)
    config = client.get_function_configuration(FunctionName=name)
    assert (config["Timeout"], config["MemorySize"], config["Description"]) == (30, 256, "second")
    assert config["RevisionId"] != created["RevisionId"]

    code = client.update_function_code(
        FunctionName=name, ZipFile=make_zip({"app.py": HANDLER.replace("1", "2")})
    )
    assert code["CodeSha256"] != created["CodeSha256"]
    client.get_waiter("function_updated_v2").wait(FunctionName=name)

    arn_lookup = client.get_function(FunctionName=created["FunctionArn"])
    assert arn_lookup["Configuration"]["FunctionName"] == name

    client.delete_function(FunctionName=name)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as missing:
        client.get_function(FunctionName=name)
    assert f"function:{name}" in missing.value.response["Error"]["Message"]


def test_list_functions_pages_by_fifty(client: Any) -> None:
    prefix = unique_name("page")
    names = {f"{prefix}-{i:02d}" for i in range(55)}
    for name in names:
        client.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                               Handler="app.handler",
                               Code={"ZipFile": make_zip({"app.py": HANDLER})})
    first = client.list_functions()
    assert len(first["Functions"]) == 50
    assert "NextMarker" in first
    seen: set[str] = set()
    for page in client.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 7}):
        assert len(page["Functions"]) <= 7
        seen |= {f["FunctionName"] for f in page["Functions"]}
    assert names <= seen
    for name in names:
        client.delete_function(FunctionName=name)


def test_duplicate_and_missing_functions(client: Any) -> None:
    name = create_function(client, HANDLER)
    with pytest.raises(client.exceptions.ResourceConflictException) as conflict:
        create_function(client, HANDLER, name=name)
    assert conflict.value.response["Error"]["Message"] == f"Function already exist: {name}"
    assert conflict.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    for call in (client.get_function, client.get_function_configuration, client.delete_function):
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            call(FunctionName=unique_name("missing"))
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.invoke(FunctionName=unique_name("missing"))


@pytest.mark.parametrize(
    ("overrides", "exception", "fragment"),
    [
        ({"FunctionName": "bad name!"}, "ValidationException", "at 'functionName'"),
        # AWS answers a name over 64 characters with an InvalidParameterValueException.
        ({"FunctionName": "x" * 65}, "InvalidParameterValueException", "at 'functionName'"),
        ({"Role": "not-an-arn"}, "ValidationException", "at 'role'"),
        ({"Timeout": 901}, "ValidationException",
         "Member must have value less than or equal to 900"),
        ({"MemorySize": 10241}, "ValidationException",
         "Member must have value less than or equal to 10240"),
        ({"Runtime": "cobol85"}, "InvalidParameterValueException", "runtime"),
        ({"Environment": {"Variables": {"BIG": "x" * 5000}}},
         "InvalidParameterValueException", "exceeded the 4KB limit"),
        ({"Environment": {"Variables": {"1BAD": "x"}}}, "ValidationException",
         "environment.variables"),
        ({"Code": {"ZipFile": b"not a zip"}}, "InvalidParameterValueException",
         "Could not unzip uploaded file"),
    ],
)
def test_create_validation(client: Any, overrides: dict[str, Any], exception: str,
                           fragment: str) -> None:
    request = {
        "FunctionName": unique_name(), "Runtime": "python3.11", "Role": ROLE,
        "Handler": "app.handler", "Code": {"ZipFile": make_zip({"app.py": HANDLER})},
        **overrides,
    }
    with pytest.raises(ClientError) as error:
        client.create_function(**request)
    assert error.value.response["Error"]["Code"] == exception
    assert fragment in error.value.response["Error"]["Message"]
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_update_with_stale_revision_is_refused(client: Any) -> None:
    name = create_function(client, HANDLER)
    with pytest.raises(client.exceptions.PreconditionFailedException):
        client.update_function_configuration(FunctionName=name, Timeout=5, RevisionId="stale")


def test_function_concurrency(client: Any) -> None:
    name = create_function(client, HANDLER)
    assert "ReservedConcurrentExecutions" not in client.get_function_concurrency(FunctionName=name)
    put = client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=3)
    assert put["ReservedConcurrentExecutions"] == 3
    got = client.get_function_concurrency(FunctionName=name)
    assert got["ReservedConcurrentExecutions"] == 3
    assert client.get_function(FunctionName=name)["Concurrency"] == {
        "ReservedConcurrentExecutions": 3}
    client.delete_function_concurrency(FunctionName=name)
    assert "ReservedConcurrentExecutions" not in client.get_function_concurrency(FunctionName=name)
    with pytest.raises(client.exceptions.InvalidParameterValueException) as error:
        client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=950)
    assert "UnreservedConcurrentExecution below its minimum value of [100]" in str(error.value)


def test_unknown_route_is_an_aws_error(server: Any) -> None:
    import requests

    response = requests.get(f"{server.url}/2015-03-31/nothing-here", timeout=5)
    assert response.status_code == 404
    assert response.headers["x-amzn-errortype"] == "UnknownOperationException"
    response = requests.patch(f"{server.url}/2015-03-31/functions", timeout=5)
    assert response.status_code == 405
    assert "Traceback" not in response.text


def test_health(server: Any, executor_name: str) -> None:
    import requests

    health = requests.get(f"{server.url}/_simulator/health", timeout=5).json()
    assert health["status"] == "ok"
    assert health["executor"] == executor_name
    assert health["version"]

