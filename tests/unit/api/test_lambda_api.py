"""The boto3-facing Lambda API blueprint: its routes, status codes and wire details, through
Flask's test client on the simulator's own app (functions run on the fake executor), and
through a boto3 client whose requests are handed to that test client (no network)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore import xform_name
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from simulator.api.lambda_api import invoke_headers, lambda_api, server_timing
from simulator.app import Simulator
from simulator.botocore_models import service_model
from simulator.config import Settings
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.invocation.invoker import InvokeOutcome
from simulator.models import InvocationResult
from tests.helpers import ROLE, make_zip, unique_name

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
seen: list[tuple[Any, FakeContext]] = []


def echo(event: Any, context: FakeContext) -> Any:
    seen.append((event, context))
    context.print("handling", json.dumps(event))
    return event


def fail(event: Any, context: FakeContext) -> Any:
    raise ValueError("the handler failed")


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({"app.handler": echo,
                                                           "app.fail": fail}))
    yield simulator
    simulator.close()




def zip_b64(text: str = "# the fake executor runs a callable\n") -> str:
    return base64.b64encode(make_zip({"app.py": text})).decode()


def create(client: FlaskClient, name: str | None = None, **fields: Any) -> str:
    name = name or unique_name()
    response = client.post("/2015-03-31/functions", json={
        "FunctionName": name, "Runtime": "python3.12", "Role": ROLE, "Handler": "app.handler",
        "Code": {"ZipFile": zip_b64()}, **fields})
    assert response.status_code == 201, response.get_json()
    return name


def aws_error(response: TestResponse, status: int, code: str) -> str:
    assert response.status_code == status, response.data
    assert response.headers["x-amzn-errortype"] == code
    body = response.get_json()
    assert body["__type"] == code
    return str(body.get("message") or body.get("Message"))


# -- functions ---------------------------------------------------------------------------------

def test_create_answers_201_with_the_configuration_and_get_function_returns_it(
        client: FlaskClient) -> None:
    name = unique_name()
    created = client.post("/2015-03-31/functions/", json={
        "FunctionName": name, "Runtime": "python3.12", "Role": ROLE, "Handler": "app.handler",
        "Code": {"ZipFile": zip_b64()}, "Timeout": 7})

    assert created.status_code == 201
    assert created.content_type == "application/json"
    assert created.get_json()["FunctionArn"] == ARN + name
    assert created.get_json()["State"] == "Pending"
    got = client.get(f"/2015-03-31/functions/{name}").get_json()
    assert got["Configuration"]["Timeout"] == 7
    assert got["Code"]["Location"].endswith(f"/_simulator/code/{name}.zip")


def test_list_functions_pages_by_max_items_and_marker(simulator: Simulator) -> None:
    client = simulator.app.test_client()
    existing = {f["FunctionName"] for f in client.get("/2015-03-31/functions").get_json()[
        "Functions"]}
    names = {create(client) for _ in range(3)}

    listed: list[str] = []
    marker = ""
    pages = 0
    while True:
        page = client.get("/2015-03-31/functions/",
                          query_string={"MaxItems": "2", **({"Marker": marker} if marker else {})})
        assert page.status_code == 200
        body = page.get_json()
        assert len(body["Functions"]) <= 2
        listed += [f["FunctionName"] for f in body["Functions"]]
        pages += 1
        if "NextMarker" not in body:
            break
        marker = body["NextMarker"]

    assert listed == sorted(existing | names)  # each once, in name order
    assert pages == (len(listed) + 1) // 2


def test_list_functions_refuses_a_max_items_that_is_not_a_number(client: FlaskClient) -> None:
    message = aws_error(client.get("/2015-03-31/functions?MaxItems=many"), 400,
                        "InvalidParameterValueException")
    assert "MaxItems" in message


def test_the_configuration_of_a_version_is_read_with_its_qualifier(client: FlaskClient) -> None:
    name = create(client, Timeout=5)
    assert client.post(f"/2015-03-31/functions/{name}/versions").status_code == 201
    client.put(f"/2015-03-31/functions/{name}/configuration", json={"Timeout": 9})

    version = client.get(f"/2015-03-31/functions/{name}/configuration?Qualifier=1").get_json()
    latest = client.get(f"/2015-03-31/functions/{name}/configuration").get_json()

    assert (version["Version"], version["Timeout"]) == ("1", 5)
    assert (latest["Version"], latest["Timeout"]) == ("$LATEST", 9)
    missing = client.get(f"/2015-03-31/functions/{name}/configuration?Qualifier=7")
    assert aws_error(missing, 404, "ResourceNotFoundException") == (
        f"Function not found: {ARN}{name}:7")


def test_update_function_code_stores_the_new_zip(client: FlaskClient) -> None:
    name = create(client)
    new_zip = make_zip({"app.py": "# second\n"})

    updated = client.put(f"/2015-03-31/functions/{name}/code",
                         json={"ZipFile": base64.b64encode(new_zip).decode()})

    assert updated.status_code == 200
    assert updated.get_json()["CodeSha256"] == base64.b64encode(
        hashlib.sha256(new_zip).digest()).decode()
    assert client.get(f"/_simulator/code/{name}.zip").data == new_zip


def test_delete_answers_204_without_a_body_and_the_function_is_gone(
        client: FlaskClient) -> None:
    name = create(client)

    deleted = client.delete(f"/2015-03-31/functions/{name}")

    assert deleted.status_code == 204
    assert deleted.data == b""
    assert aws_error(client.get(f"/2015-03-31/functions/{name}"), 404,
                     "ResourceNotFoundException").startswith("Function not found")


def test_delete_with_a_qualifier_deletes_only_that_version(client: FlaskClient) -> None:
    name = create(client)
    client.post(f"/2015-03-31/functions/{name}/versions")

    assert client.delete(f"/2015-03-31/functions/{name}?Qualifier=1").status_code == 204

    assert client.get(f"/2015-03-31/functions/{name}").status_code == 200
    assert client.get(f"/2015-03-31/functions/{name}?Qualifier=1").status_code == 404


# -- request bodies ----------------------------------------------------------------------------

def test_a_body_that_is_not_json_is_invalid_request_content(client: FlaskClient) -> None:
    name = create(client)
    response = client.put(f"/2015-03-31/functions/{name}/configuration", data=b"{Timeout: 3")

    assert aws_error(response, 400, "InvalidRequestContentException").startswith(
        "Could not parse request body into json: ")


def test_a_json_body_that_is_not_an_object_is_an_unsupported_media_type(
        client: FlaskClient) -> None:
    name = create(client)
    response = client.put(f"/2015-03-31/functions/{name}/configuration", data=b'["Timeout"]')

    assert aws_error(response, 415, "UnsupportedMediaTypeException") == (
        "The request body must be a JSON object.")


def test_json_nested_too_deep_to_parse_is_the_client_s_error_not_the_server_s(
        client: FlaskClient) -> None:
    response = client.post("/2015-03-31/functions", data=b"[" * 100_000)

    assert aws_error(response, 400, "InvalidRequestContentException").startswith(
        "Could not parse request body into json: ")


def test_a_member_of_the_wrong_type_is_a_validation_exception_and_changes_nothing(
        client: FlaskClient) -> None:
    name = create(client, Timeout=4)
    response = client.put(f"/2015-03-31/functions/{name}/configuration",
                          json={"Timeout": "30"})

    assert aws_error(response, 400, "ValidationException") == (
        "1 validation error detected: Value at 'Timeout' failed to satisfy constraint: "
        "Member must be of type int")
    assert client.get(f"/2015-03-31/functions/{name}/configuration").get_json()["Timeout"] == 4


def test_an_empty_body_is_an_empty_object_for_the_operation_to_judge(
        client: FlaskClient) -> None:
    response = client.post("/2015-03-31/functions", data=b"  \n")

    # Not a parse error: CreateFunction's own validation names what is missing.
    assert "functionName" in aws_error(response, 400, "ValidationException")


def test_every_route_is_the_operation_botocore_sends_there(simulator: Simulator) -> None:
    """A route function's name picks the type checks of its body, so each route must be named
    after its operation and have the method and path botocore's model gives it."""
    model = service_model("lambda")
    operations = {xform_name(name): model.operation_model(name)
                  for name in model.operation_names}
    paths = {"{FunctionName}": "<name>", "{Resource}": "<path:resource>"}
    routed = set()
    for rule in simulator.app.url_map.iter_rules():
        blueprint, _, function = rule.endpoint.partition(".")
        if blueprint != lambda_api.name:
            continue
        operation = operations[function]
        uri = operation.http["requestUri"]
        for member, converter in paths.items():
            uri = uri.replace(member, converter)
        assert operation.http["method"] in (rule.methods or set()), rule
        assert rule.rule.rstrip("/") == uri.rstrip("/"), rule
        routed.add(function)
    assert {"create_function", "invoke", "tag_resource", "get_account_settings"} <= routed


# -- invoke ------------------------------------------------------------------------------------

def test_invoke_answers_with_the_payload_and_aws_headers(client: FlaskClient) -> None:
    name = create(client)

    response = client.post(f"/2015-03-31/functions/{name}/invocations", data=b'{"n": 1}')

    assert response.status_code == 200
    assert json.loads(response.data) == {"n": 1}
    assert response.headers["X-Amz-Executed-Version"] == "$LATEST"
    assert response.headers["x-amzn-RequestId"] == seen[-1][1].aws_request_id
    assert "X-Amz-Function-Error" not in response.headers
    assert 'start;desc="cold"' in response.headers["Server-Timing"]
    again = client.post(f"/2015-03-31/functions/{name}/invocations", data=b'{"n": 2}')
    assert 'start;desc="warm"' in again.headers["Server-Timing"]


def test_a_failed_invoke_is_a_200_with_the_function_error_header(client: FlaskClient) -> None:
    name = create(client, Handler="app.fail")

    response = client.post(f"/2015-03-31/functions/{name}/invocations", data=b"{}")

    assert response.status_code == 200
    assert response.headers["X-Amz-Function-Error"] == "Unhandled"
    assert json.loads(response.data) == {"errorMessage": "the handler failed",
                                         "errorType": "ValueError", "stackTrace": []}


def test_invoke_reads_qualifier_log_type_and_client_context(client: FlaskClient) -> None:
    name = create(client)
    client.post(f"/2015-03-31/functions/{name}/versions")
    context = base64.b64encode(json.dumps({"custom": {"who": "test"}}).encode()).decode()

    response = client.post(f"/2015-03-31/functions/{name}/invocations?Qualifier=1",
                           data=b'{"n": 3}',
                           headers={"X-Amz-Log-Type": "Tail", "X-Amz-Client-Context": context})

    assert response.headers["X-Amz-Executed-Version"] == "1"
    assert 'handling {"n": 3}' in base64.b64decode(response.headers["X-Amz-Log-Result"]).decode()
    assert seen[-1][1].client_context == {"custom": {"who": "test"}}
    assert seen[-1][1].invoked_function_arn == f"{ARN}{name}:1"


def test_an_event_invoke_is_accepted_with_202_and_a_dry_run_with_204(
        client: FlaskClient) -> None:
    name = create(client)

    queued = client.post(f"/2015-03-31/functions/{name}/invocations", data=b'{"async": 1}',
                         headers={"X-Amz-Invocation-Type": "Event"})
    dry = client.post(f"/2015-03-31/functions/{name}/invocations", data=b"{}",
                      headers={"X-Amz-Invocation-Type": "DryRun"})

    assert (queued.status_code, queued.data) == (202, b"")
    assert "Server-Timing" not in queued.headers
    assert queued.headers["x-amzn-RequestId"]
    assert (dry.status_code, dry.data) == (204, b"")


def test_an_unknown_invocation_type_is_refused(client: FlaskClient) -> None:
    name = create(client)
    response = client.post(f"/2015-03-31/functions/{name}/invocations", data=b"{}",
                           headers={"X-Amz-Invocation-Type": "Sometimes"})

    assert aws_error(response, 400, "InvalidParameterValueException") == (
        "Unsupported invocation type Sometimes")


def test_boto3_invokes_and_reads_the_answer(client: FlaskClient, boto: Any) -> None:
    name = create(client)

    response = boto.invoke(FunctionName=ARN + name, Payload=b'{"via": "boto3"}', LogType="Tail")

    assert json.loads(response["Payload"].read()) == {"via": "boto3"}
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert "handling" in base64.b64decode(response["LogResult"]).decode()


def test_server_timing_lists_the_handler_the_phases_in_order_the_total_and_the_start() -> None:
    result = InvocationResult(b"{}", duration_ms=1.23456, cold=True,
                              phases_ms={"launch": 2.0, "init": 0.5, "invoke": 1.25})

    timing = server_timing(result, received=0.0).split(", ")

    assert timing[:4] == ["handler;dur=1.235", "launch;dur=2.000", "init;dur=0.500",
                          "invoke;dur=1.250"]
    assert timing[4].startswith("total;dur=")
    assert timing[5] == 'start;desc="cold"'
    assert server_timing(InvocationResult(b"{}"), 0.0).endswith('start;desc="warm"')
    told = InvocationResult(b"{}", duration_ms=1.0, runtime_ms=0.25)
    assert server_timing(told, 0.0).split(", ")[:2] == ["handler;dur=1.000",
                                                        "runtime;dur=0.250"]


def test_invoke_headers_carry_only_what_the_outcome_has() -> None:
    bare = dict(invoke_headers(InvokeOutcome(202, request_id="r-1"), received=0.0))
    full = dict(invoke_headers(InvokeOutcome(
        200, b"{}", function_error="Unhandled", log_result="bG9n", executed_version="3",
        result=InvocationResult(b"{}"), request_id="r-2"), received=0.0))

    assert bare == {"Content-Type": "application/json", "x-amzn-RequestId": "r-1"}
    assert full["X-Amz-Function-Error"] == "Unhandled"
    assert full["X-Amz-Log-Result"] == "bG9n"
    assert full["X-Amz-Executed-Version"] == "3"
    assert full["Server-Timing"].startswith("handler;dur=0.000")


# -- concurrency, event invoke configs, tags, account ---------------------------------------------

def test_reserved_concurrency_is_put_read_and_deleted(client: FlaskClient) -> None:
    name = create(client)

    put = client.put(f"/2017-10-31/functions/{name}/concurrency",
                     json={"ReservedConcurrentExecutions": 5})

    assert (put.status_code, put.get_json()) == (200, {"ReservedConcurrentExecutions": 5})
    assert client.get(f"/2019-09-30/functions/{name}/concurrency").get_json() == {
        "ReservedConcurrentExecutions": 5}
    assert client.delete(f"/2017-10-31/functions/{name}/concurrency").status_code == 204
    assert client.get(f"/2019-09-30/functions/{name}/concurrency").get_json() == {}


def test_event_invoke_config_put_replaces_and_post_merges(client: FlaskClient) -> None:
    name = create(client)
    path = f"/2019-09-25/functions/{name}/event-invoke-config"

    put = client.put(path, json={"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 120})
    merged = client.post(path, json={"MaximumRetryAttempts": 0}).get_json()
    replaced = client.put(path, json={"MaximumRetryAttempts": 2}).get_json()

    assert put.status_code == 200
    assert put.get_json()["FunctionArn"] == f"{ARN}{name}:$LATEST"
    assert (merged["MaximumRetryAttempts"], merged["MaximumEventAgeInSeconds"]) == (0, 120)
    assert replaced["MaximumRetryAttempts"] == 2
    assert "MaximumEventAgeInSeconds" not in replaced
    assert client.get(path).get_json()["MaximumRetryAttempts"] == 2
    listed = client.get(path + "/list").get_json()["FunctionEventInvokeConfigs"]
    assert [config["MaximumRetryAttempts"] for config in listed] == [2]


def test_a_deleted_event_invoke_config_is_not_found(client: FlaskClient) -> None:
    name = create(client)
    path = f"/2019-09-25/functions/{name}/event-invoke-config"
    client.put(path, json={"MaximumRetryAttempts": 1})

    assert client.delete(path).status_code == 204

    assert aws_error(client.get(path), 404, "ResourceNotFoundException") == (
        f"The function {ARN}{name}:$LATEST doesn't have an EventInvokeConfig")


def test_tags_by_arn_with_several_keys_removed_at_once(client: FlaskClient) -> None:
    arn = ARN + create(client)

    tagged = client.post(f"/2017-03-31/tags/{arn}", json={"Tags": {"a": "1", "b": "2",
                                                                   "c": "3"}})
    untagged = client.delete(f"/2017-03-31/tags/{arn}?tagKeys=a&tagKeys=b")

    assert (tagged.status_code, untagged.status_code) == (204, 204)
    assert client.get(f"/2017-03-31/tags/{arn}").get_json() == {"Tags": {"c": "3"}}


def test_boto3_tags_and_untags_a_function(client: FlaskClient, boto: Any) -> None:
    arn = ARN + create(client)

    boto.tag_resource(Resource=arn, Tags={"team": "core", "env": "dev"})
    boto.untag_resource(Resource=arn, TagKeys=["env"])

    assert boto.list_tags(Resource=arn)["Tags"] == {"team": "core"}


def test_account_settings_count_the_functions_and_their_code(simulator: Simulator) -> None:
    client = simulator.app.test_client()
    before = client.get("/2016-08-19/account-settings/").get_json()["AccountUsage"]
    create(client)

    after = client.get("/2016-08-19/account-settings").get_json()

    assert after["AccountUsage"]["FunctionCount"] == before["FunctionCount"] + 1
    assert after["AccountUsage"]["TotalCodeSize"] > before["TotalCodeSize"]
    assert after["AccountLimit"]["ConcurrentExecutions"] == 1000


def test_an_unknown_function_is_not_found_on_every_route(client: FlaskClient) -> None:
    for method, path in [("GET", "/2015-03-31/functions/ghost"),
                         ("GET", "/2015-03-31/functions/ghost/configuration"),
                         ("POST", "/2015-03-31/functions/ghost/invocations"),
                         ("GET", "/2019-09-30/functions/ghost/concurrency"),
                         ("DELETE", "/2015-03-31/functions/ghost")]:
        response = client.open(path, method=method, data=b"{}")
        assert aws_error(response, 404, "ResourceNotFoundException").startswith(
            "Function not found"), (method, path)
