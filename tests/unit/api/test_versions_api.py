"""The routes for versions, aliases and provisioned concurrency, through Flask's test client on
the simulator's app and through a boto3 client whose requests that test client answers
(functions run on the fake executor)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeContext, FakeExecutor
from tests.helpers import ROLE, eventually, make_zip, unique_name

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


def invoked_as(event: Any, context: FakeContext) -> Any:
    return {"arn": context.invoked_function_arn, "variables": context.variables.get("STAGE")}


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({"app.handler": invoked_as}))
    yield simulator
    simulator.close()




def create(client: FlaskClient, stage: str = "one") -> str:
    name = unique_name()
    response = client.post("/2015-03-31/functions", json={
        "FunctionName": name, "Runtime": "python3.12", "Role": ROLE, "Handler": "app.handler",
        "Code": {"ZipFile": base64.b64encode(make_zip({"app.py": "# fake\n"})).decode()},
        "Environment": {"Variables": {"STAGE": stage}}})
    assert response.status_code == 201, response.get_json()
    return name


def set_stage(client: FlaskClient, name: str, stage: str) -> None:
    response = client.put(f"/2015-03-31/functions/{name}/configuration",
                          json={"Environment": {"Variables": {"STAGE": stage}}})
    assert response.status_code == 200, response.get_json()


def publish(client: FlaskClient, name: str, **body: Any) -> TestResponse:
    return client.post(f"/2015-03-31/functions/{name}/versions", json=body)


def error_of(response: TestResponse) -> tuple[int, str, str]:
    body = response.get_json()
    return response.status_code, body["__type"], body.get("message") or body.get("Message")


def invoke(client: FlaskClient, reference: str) -> tuple[Any, str]:
    response = client.post(f"/2015-03-31/functions/{reference}/invocations", data=b"{}")
    assert response.status_code == 200, response.data
    return json.loads(response.data), response.headers["X-Amz-Executed-Version"]


# -- versions ----------------------------------------------------------------------------------

def test_publish_answers_201_with_the_new_version(client: FlaskClient) -> None:
    name = create(client)

    published = publish(client, name, Description="first release")

    assert published.status_code == 201
    body = published.get_json()
    assert (body["Version"], body["FunctionArn"]) == ("1", f"{ARN}{name}:1")
    assert body["Description"] == "first release"


def test_publish_without_a_body_and_without_a_change_gives_the_same_version(
        client: FlaskClient) -> None:
    name = create(client)
    first = client.post(f"/2015-03-31/functions/{name}/versions")

    unchanged = client.post(f"/2015-03-31/functions/{name}/versions", data=b"")
    set_stage(client, name, "two")
    changed = client.post(f"/2015-03-31/functions/{name}/versions")

    assert first.get_json()["Version"] == unchanged.get_json()["Version"] == "1"
    assert changed.get_json()["Version"] == "2"


def test_versions_are_immutable_snapshots_an_invoke_can_name(client: FlaskClient) -> None:
    name = create(client, stage="one")
    publish(client, name)
    set_stage(client, name, "two")

    assert invoke(client, f"{name}:1") == ({"arn": f"{ARN}{name}:1", "variables": "one"}, "1")
    assert invoke(client, name) == ({"arn": ARN + name, "variables": "two"}, "$LATEST")


def test_publish_refuses_a_stale_code_hash_or_revision(client: FlaskClient) -> None:
    name = create(client)

    stale_code = publish(client, name, CodeSha256="c3RhbGU=")
    stale_revision = publish(client, name, RevisionId="0f7e2c36-0000-0000-0000-000000000000")

    assert error_of(stale_code)[:2] == (400, "InvalidParameterValueException")
    assert error_of(stale_code)[2].startswith("CodeSHA256 (c3RhbGU=) is different from")
    assert error_of(stale_revision)[:2] == (412, "PreconditionFailedException")
    assert client.get(f"/2015-03-31/functions/{name}/versions").get_json()["Versions"][-1][
        "Version"] == "$LATEST"


def test_boto3_lists_latest_first_then_the_versions_in_order(client: FlaskClient,
                                                             boto: Any) -> None:
    name = create(client)
    publish(client, name)
    set_stage(client, name, "two")
    publish(client, name)

    versions = boto.list_versions_by_function(FunctionName=name)["Versions"]

    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"]


# -- aliases -----------------------------------------------------------------------------------

def test_an_alias_is_created_read_and_invoked(client: FlaskClient) -> None:
    name = create(client)
    publish(client, name)

    created = client.post(f"/2015-03-31/functions/{name}/aliases",
                          json={"Name": "live", "FunctionVersion": "1", "Description": "prod"})

    assert created.status_code == 201
    alias = created.get_json()
    assert alias["AliasArn"] == f"{ARN}{name}:live"
    assert (alias["Name"], alias["FunctionVersion"], alias["Description"]) == (
        "live", "1", "prod")
    assert alias["RevisionId"]
    assert client.get(f"/2015-03-31/functions/{name}/aliases/live").get_json() == alias
    body, executed = invoke(client, f"{name}:live")
    assert (body["variables"], executed) == ("one", "1")


def test_an_alias_name_is_taken_once(client: FlaskClient) -> None:
    name = create(client)
    publish(client, name)
    client.post(f"/2015-03-31/functions/{name}/aliases",
                json={"Name": "live", "FunctionVersion": "1"})

    again = client.post(f"/2015-03-31/functions/{name}/aliases",
                        json={"Name": "live", "FunctionVersion": "$LATEST"})

    assert error_of(again) == (409, "ResourceConflictException",
                               f"Alias already exists: {ARN}{name}:live")


def test_aliases_are_listed_and_filtered_by_version(client: FlaskClient, boto: Any) -> None:
    name = create(client)
    publish(client, name)
    for alias, version in [("blue", "1"), ("green", "$LATEST"), ("canary", "1")]:
        client.post(f"/2015-03-31/functions/{name}/aliases",
                    json={"Name": alias, "FunctionVersion": version})

    everything = boto.list_aliases(FunctionName=name)["Aliases"]
    on_one = boto.list_aliases(FunctionName=name, FunctionVersion="1")["Aliases"]

    assert sorted(a["Name"] for a in everything) == ["blue", "canary", "green"]
    assert sorted(a["Name"] for a in on_one) == ["blue", "canary"]


def test_update_moves_an_alias_and_refuses_a_stale_revision(client: FlaskClient) -> None:
    name = create(client)
    publish(client, name)
    set_stage(client, name, "two")
    publish(client, name)
    path = f"/2015-03-31/functions/{name}/aliases/live"
    created = client.post(f"/2015-03-31/functions/{name}/aliases",
                          json={"Name": "live", "FunctionVersion": "1"}).get_json()

    moved = client.put(path, json={"FunctionVersion": "2",
                                   "RevisionId": created["RevisionId"]})
    stale = client.put(path, json={"FunctionVersion": "1",
                                   "RevisionId": created["RevisionId"]})

    assert moved.status_code == 200
    assert moved.get_json()["FunctionVersion"] == "2"
    assert moved.get_json()["RevisionId"] != created["RevisionId"]
    assert error_of(stale)[:2] == (412, "PreconditionFailedException")
    assert invoke(client, f"{name}:live")[1] == "2"


def test_weights_may_only_name_published_versions(client: FlaskClient) -> None:
    name = create(client)
    publish(client, name)

    response = client.post(f"/2015-03-31/functions/{name}/aliases", json={
        "Name": "split", "FunctionVersion": "1",
        "RoutingConfig": {"AdditionalVersionWeights": {"9": 0.5}}})

    assert error_of(response) == (404, "ResourceNotFoundException",
                                  f"Function not found: {ARN}{name}:9")


def test_a_deleted_alias_is_not_found(client: FlaskClient) -> None:
    name = create(client)
    client.post(f"/2015-03-31/functions/{name}/aliases",
                json={"Name": "gone", "FunctionVersion": "$LATEST"})

    deleted = client.delete(f"/2015-03-31/functions/{name}/aliases/gone")

    assert (deleted.status_code, deleted.data) == (204, b"")
    assert error_of(client.get(f"/2015-03-31/functions/{name}/aliases/gone")) == (
        404, "ResourceNotFoundException", f"Cannot find alias arn: {ARN}{name}:gone")


def test_an_alias_body_of_the_wrong_type_is_a_validation_exception(client: FlaskClient) -> None:
    name = create(client)

    response = client.post(f"/2015-03-31/functions/{name}/aliases",
                           json={"Name": "live", "FunctionVersion": 1})

    assert error_of(response) == (
        400, "ValidationException", "1 validation error detected: Value at 'FunctionVersion' "
        "failed to satisfy constraint: Member must be of type str")


# -- provisioned concurrency -------------------------------------------------------------------

def test_provisioned_concurrency_starts_environments_for_the_version(
        simulator: Simulator, client: FlaskClient) -> None:
    name = create(client)
    publish(client, name)
    path = f"/2019-09-30/functions/{name}/provisioned-concurrency?Qualifier=1"

    put = client.put(path, json={"ProvisionedConcurrentExecutions": 2})

    assert put.status_code == 202
    assert put.get_json()["Status"] == "IN_PROGRESS"
    assert put.get_json()["RequestedProvisionedConcurrentExecutions"] == 2
    assert eventually(lambda: simulator.pool.counts(name).warm == 2)
    got = client.get(path).get_json()
    assert (got["Status"], got["AvailableProvisionedConcurrentExecutions"]) == ("READY", 2)
    environments = client.get("/_simulator/environments").get_json()["environments"]
    assert sorted(e["version"] for e in environments if e["function"] == name) == ["1", "1"]


def test_provisioned_concurrency_needs_a_published_version_and_at_least_one(
        client: FlaskClient) -> None:
    name = create(client)
    publish(client, name)
    base = f"/2019-09-30/functions/{name}/provisioned-concurrency"

    unqualified = client.put(base, json={"ProvisionedConcurrentExecutions": 1})
    latest = client.put(base + "?Qualifier=$LATEST", json={"ProvisionedConcurrentExecutions": 1})
    none = client.put(base + "?Qualifier=1", json={"ProvisionedConcurrentExecutions": 0})

    message = ("Provisioned Concurrency Configs cannot be applied to unpublished function "
               "versions.")
    assert error_of(unqualified) == (400, "InvalidParameterValueException", message)
    assert error_of(latest) == (400, "InvalidParameterValueException", message)
    assert error_of(none)[:2] == (400, "ValidationException")


def test_boto3_sees_a_deleted_provisioned_config_as_its_modeled_error(
        client: FlaskClient, boto: Any) -> None:
    name = create(client)
    publish(client, name)
    boto.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                            ProvisionedConcurrentExecutions=1)

    boto.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")

    with pytest.raises(boto.exceptions.ProvisionedConcurrencyConfigNotFoundException):
        boto.get_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
