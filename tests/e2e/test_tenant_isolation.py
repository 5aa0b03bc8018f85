"""Tenant isolation (TenancyConfig PER_TENANT) through boto3, on each executor: a tenant's
invokes reuse its own warm environments and never another tenant's, the handler sees its
tenant in its context, and an invoke without a tenant (or with one, of a function without
tenant isolation) is refused as AWS refuses it."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from simulator.http_server import SimulatorServer
from tests.conftest import require_interpreter
from tests.helpers import ROLE, create_function, eventually

PER_TENANT = {"TenantIsolationMode": "PER_TENANT"}
SLOW_MACHINE_TIMEOUT = 30  # a cold start on a loaded machine must not time out

# A module-level marker tells one execution environment from another.
TENANT_HANDLER = """
import uuid
ENVIRONMENT = str(uuid.uuid4())
def handler(event, context):
    print("tenant", context.tenant_id)
    return {"tenant": context.tenant_id, "environment": ENVIRONMENT}
"""

NODE_TENANT_HANDLER = """
const environment = `${process.pid}-${Math.random()}`;
exports.handler = async (event, context) => ({ tenant: context.tenantId, environment });
"""


def invoke(client: Any, name: str, tenant: str | None = None,
           invocation_type: str = "RequestResponse") -> dict[str, Any]:
    tenancy = {} if tenant is None else {"TenantId": tenant}
    response = client.invoke(FunctionName=name, Payload=b"{}",
                             InvocationType=invocation_type, **tenancy)
    body = response["Payload"].read()
    assert "FunctionError" not in response, body
    return json.loads(body) if body else {"status": response["StatusCode"]}


def test_tenants_never_share_an_environment_and_each_reuses_its_own(client: Any) -> None:
    name = create_function(client, TENANT_HANDLER, TenancyConfig=PER_TENANT,
                           Timeout=SLOW_MACHINE_TIMEOUT)

    blue = invoke(client, name, "blue")
    green = invoke(client, name, "green")
    blue_again = invoke(client, name, "blue")
    green_again = invoke(client, name, "green")

    assert (blue["tenant"], green["tenant"]) == ("blue", "green")
    assert blue["environment"] != green["environment"]
    assert blue_again == blue and green_again == green


def test_the_function_shows_its_tenancy_config(client: Any) -> None:
    name = create_function(client, TENANT_HANDLER, TenancyConfig=PER_TENANT,
                           Timeout=SLOW_MACHINE_TIMEOUT)
    plain = create_function(client, TENANT_HANDLER, Timeout=SLOW_MACHINE_TIMEOUT)

    assert client.get_function(FunctionName=name)["Configuration"]["TenancyConfig"] == (
        PER_TENANT)
    assert client.publish_version(FunctionName=name)["TenancyConfig"] == PER_TENANT
    assert "TenancyConfig" not in client.get_function_configuration(FunctionName=plain)
    with pytest.raises(ClientError) as invalid:
        client.create_function(FunctionName=f"{name}-bad", Runtime="python3.11", Role=ROLE,
                               Handler="app.handler", Code={"ZipFile": b"PK"},
                               TenancyConfig={"TenantIsolationMode": "SHARED"})
    assert invalid.value.response["Error"]["Code"] == "ValidationException"
    assert "Member must satisfy enum value set: [PER_TENANT]" in str(invalid.value)


def test_a_missing_or_unexpected_tenant_is_refused(client: Any) -> None:
    isolated = create_function(client, TENANT_HANDLER, TenancyConfig=PER_TENANT,
                               Timeout=SLOW_MACHINE_TIMEOUT)
    plain = create_function(client, TENANT_HANDLER, Timeout=SLOW_MACHINE_TIMEOUT)

    for name, tenant in ((isolated, None), (plain, "blue")):
        with pytest.raises(ClientError) as refused:
            invoke(client, name, tenant)
        error = refused.value.response
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert error["Error"]["Code"] == "InvalidParameterValueException"
        assert name in error["Error"]["Message"]
        assert "tenant" in error["Error"]["Message"]
    assert invoke(client, plain)["tenant"] is None


def test_an_event_invoke_runs_for_its_tenant(client: Any, server: SimulatorServer) -> None:
    name = create_function(client, TENANT_HANDLER, TenancyConfig=PER_TENANT,
                           Timeout=SLOW_MACHINE_TIMEOUT)
    logs = boto3.client("logs", endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")

    assert invoke(client, name, "violet", "Event") == {"status": 202}

    def logged() -> bool:
        try:
            events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        except logs.exceptions.ResourceNotFoundException:  # nothing logged yet
            return False
        return any("tenant violet" in event["message"] for event in events)

    assert eventually(logged, timeout=60)


def test_a_nodejs_function_sees_its_tenant_id(client: Any, executor_name: str) -> None:
    require_interpreter(executor_name, "nodejs20.x")
    name = create_function(client, {"index.js": NODE_TENANT_HANDLER}, Runtime="nodejs20.x",
                           Handler="index.handler", TenancyConfig=PER_TENANT,
                           Timeout=SLOW_MACHINE_TIMEOUT)

    blue = invoke(client, name, "blue")
    green = invoke(client, name, "green")

    assert (blue["tenant"], green["tenant"]) == ("blue", "green")
    assert blue["environment"] != green["environment"]
    assert invoke(client, name, "blue") == blue


def test_a_streamed_invoke_runs_in_its_tenants_environment(client: Any) -> None:
    name = create_function(client, TENANT_HANDLER, TenancyConfig=PER_TENANT,
                           Timeout=SLOW_MACHINE_TIMEOUT)
    blue = invoke(client, name, "blue")

    streamed = client.invoke_with_response_stream(FunctionName=name, TenantId="blue")
    chunks = [event["PayloadChunk"]["Payload"] for event in streamed["EventStream"]
              if "PayloadChunk" in event]

    assert json.loads(b"".join(chunks)) == blue
