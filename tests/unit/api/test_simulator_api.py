"""The simulator's own endpoints under `/_simulator/` (health, code and layer downloads,
functions and environments, logs, template deployment): what the `lambda-sim` client commands
read, through Flask's test client on the simulator's app with the fake executor."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from simulator import __version__
from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.workspace.local_functions import DeployReport
from tests.helpers import ROLE, eventually, make_zip, unique_name

release = threading.Event()

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Environment: {Variables: {STAGE: !Ref Stage}}
"""


def talk(event: Any, context: FakeContext) -> Any:
    context.print("said", json.dumps(event))
    return event


def wait(event: Any, context: FakeContext) -> Any:
    release.wait(5)
    return "released"


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({"app.handler": talk,
                                                           "app.wait": wait}))
    yield simulator
    release.set()
    simulator.close()


@pytest.fixture
def client(simulator: Simulator) -> FlaskClient:
    return simulator.app.test_client()


def create(client: FlaskClient, code: bytes | None = None, **fields: Any) -> str:
    name = unique_name()
    zip_bytes = code or make_zip({"app.py": "# the fake executor runs a callable\n"})
    response = client.post("/2015-03-31/functions", json={
        "FunctionName": name, "Runtime": "python3.12", "Role": ROLE, "Handler": "app.handler",
        "Code": {"ZipFile": base64.b64encode(zip_bytes).decode()}, **fields})
    assert response.status_code == 201, response.get_json()
    return name


def error_of(response: Any) -> tuple[int, str, str]:
    body = response.get_json()
    return response.status_code, body["__type"], body.get("message") or body.get("Message")


# -- health, downloads ---------------------------------------------------------------------------

def test_health_names_the_executor_the_version_and_counts_the_functions(
        client: FlaskClient) -> None:
    before = client.get("/_simulator/health")
    create(client)
    create(client)

    assert before.status_code == 200
    health = before.get_json()
    assert (health["status"], health["executor"], health["version"]) == (
        "ok", "fake", __version__)
    assert client.get("/_simulator/health").get_json()["functions"] == health["functions"] + 2


def test_the_code_download_is_the_zip_that_was_uploaded(client: FlaskClient) -> None:
    uploaded = make_zip({"app.py": "def handler(event, context):\n    return 1\n"})
    name = create(client, code=uploaded)

    response = client.get(f"/_simulator/code/{name}.zip")

    assert response.status_code == 200
    assert response.content_type == "application/zip"
    assert response.data == uploaded
    location = client.get(f"/2015-03-31/functions/{name}").get_json()["Code"]["Location"]
    assert location.endswith(f"/_simulator/code/{name}.zip")


def test_the_layer_download_is_the_zip_that_was_published(client: FlaskClient) -> None:
    uploaded = make_zip({"python/helper.py": "VALUE = 1\n"})
    layer = unique_name("layer")
    client.post(f"/2018-10-31/layers/{layer}/versions",
                json={"Content": {"ZipFile": base64.b64encode(uploaded).decode()}})

    response = client.get(f"/_simulator/layers/{layer}/1.zip")

    assert (response.status_code, response.content_type) == (200, "application/zip")
    assert response.data == uploaded
    assert error_of(client.get(f"/_simulator/layers/{layer}/2.zip"))[:2] == (
        404, "ResourceNotFoundException")


def test_downloads_of_unknown_functions_are_not_found(client: FlaskClient) -> None:
    assert error_of(client.get("/_simulator/code/ghost.zip")) == (
        404, "ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:ghost")


# -- functions and environments ------------------------------------------------------------------

def test_function_rows_count_warm_and_busy_environments(client: FlaskClient) -> None:
    name = create(client, Handler="app.wait")
    release.clear()

    def row() -> dict[str, Any]:
        rows = client.get("/_simulator/functions").get_json()["functions"]
        return next(r for r in rows if r["name"] == name)

    assert row() == {"name": name, "runtime": "python3.12", "warm": 0, "busy": 0,
                     "starting": 0}
    invoking = threading.Thread(
        target=lambda: client.post(f"/2015-03-31/functions/{name}/invocations", data=b"{}"))
    invoking.start()
    try:
        assert eventually(lambda: row()["busy"] == 1)
    finally:
        release.set()
        invoking.join(5)
    assert eventually(lambda: (row()["warm"], row()["busy"]) == (1, 0))


def test_environments_say_which_function_version_state_and_runtime(client: FlaskClient) -> None:
    name = create(client)
    client.post(f"/2015-03-31/functions/{name}/invocations", data=b"{}")

    environments = [environment for environment
                    in client.get("/_simulator/environments").get_json()["environments"]
                    if environment["function"] == name]

    assert len(environments) == 1
    environment = environments[0]
    assert (environment["function"], environment["version"], environment["state"]) == (
        name, "$LATEST", "idle")
    assert environment["runtime"].startswith("thread ")
    assert len(environment["id"]) == 32


# -- logs ----------------------------------------------------------------------------------------

def test_logs_are_the_function_s_lines_oldest_first(client: FlaskClient) -> None:
    name = create(client)
    client.post(f"/2015-03-31/functions/{name}/invocations", data=b'{"n": 1}')

    def logged() -> list[dict]:  # END and REPORT follow the answer by a moment
        return list(client.get(f"/_simulator/logs/{name}").get_json()["events"])

    assert eventually(lambda: any(e["message"].startswith("REPORT") for e in logged()))
    events = logged()

    messages = [event["message"] for event in events]
    assert messages[0].startswith("START RequestId: ")
    assert 'said {"n": 1}\n' in messages
    assert any(message.startswith("REPORT RequestId: ") for message in messages)
    timestamps = [event["timestamp"] for event in events]
    assert timestamps == sorted(timestamps)


def test_logs_after_since_leave_out_what_came_before(client: FlaskClient) -> None:
    name = create(client)
    client.post(f"/2015-03-31/functions/{name}/invocations", data=b'{"n": 1}')
    events = client.get(f"/_simulator/logs/{name}").get_json()["events"]
    since = max(event["timestamp"] for event in events)
    time.sleep(0.005)
    client.post(f"/2015-03-31/functions/{name}/invocations", data=b'{"n": 2}')

    later = client.get(f"/_simulator/logs/{name}?since={since}").get_json()["events"]

    messages = [event["message"] for event in later]
    assert 'said {"n": 2}\n' in messages
    assert 'said {"n": 1}\n' not in messages
    assert all(event["timestamp"] > since for event in later)
    assert client.get(f"/_simulator/logs/{name}?since=").get_json()["events"][:len(events)] \
        == events


def test_logs_refuse_a_since_that_is_not_digits_and_an_unknown_function(
        client: FlaskClient) -> None:
    name = create(client)

    assert error_of(client.get(f"/_simulator/logs/{name}?since=yesterday")) == (
        400, "InvalidParameterValueException", "since: milliseconds since the epoch, as digits")
    assert error_of(client.get("/_simulator/logs/ghost"))[:2] == (
        404, "ResourceNotFoundException")


# -- deploy --------------------------------------------------------------------------------------

def project(tmp_path: Path) -> Path:
    folder = tmp_path / "shop"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    (folder / "template.yaml").write_text(TEMPLATE)
    return folder / "template.yaml"


def test_deploy_hands_the_template_and_its_parameters_over_and_answers_the_stack(
        client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deploy itself (a stack through the server's own endpoint) runs in the e2e tests;
    here, what the API takes and what it answers."""
    template = project(tmp_path)
    calls: list[tuple[Path, dict[str, str]]] = []

    def load_template(path: Path, parameters: dict[str, str]) -> DeployReport:
        calls.append((path, parameters))
        return DeployReport("shop", ["shop-Hello-ABC"], ["shop-Old-DEF"], ["a warning"],
                            {"Url": "https://example"})

    monkeypatch.setitem(client.application.extensions, "load_template", load_template)
    response = client.post("/_simulator/deploy", json={"template": str(template),
                                                       "parameters": {"Stage": "prod"}})

    assert response.status_code == 200
    assert calls == [(template, {"Stage": "prod"})]
    assert response.get_json() == {"stack": "shop", "functions": ["shop-Hello-ABC"],
                                   "removed": ["shop-Old-DEF"], "warnings": ["a warning"],
                                   "outputs": {"Url": "https://example"}}


@pytest.mark.parametrize(("body", "message"), [
    ({}, "template: the path of a SAM template is required"),
    ({"template": ""}, "template: the path of a SAM template is required"),
    ({"template": 7}, "template: the path of a SAM template is required"),
    ({"template": "t.yaml", "parameters": {"Stage": 1}},
     "parameters: an object of strings is expected"),
    ({"template": "t.yaml", "parameters": ["Stage=prod"]},
     "parameters: an object of strings is expected"),
])
def test_deploy_refuses_a_body_without_a_template_path_or_with_odd_parameters(
        client: FlaskClient, body: dict[str, Any], message: str) -> None:
    assert error_of(client.post("/_simulator/deploy", json=body)) == (
        400, "InvalidParameterValueException", message)


def test_deploy_of_a_body_that_is_not_json_asks_for_the_template(client: FlaskClient) -> None:
    response = client.post("/_simulator/deploy", data=b"template.yaml")

    assert error_of(response)[2] == "template: the path of a SAM template is required"


def test_deploy_words_a_missing_or_broken_template_as_the_client_s_error(
        client: FlaskClient, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("Resources: [1\n")

    missing = client.post("/_simulator/deploy", json={"template": str(tmp_path / "no.yaml")})
    syntax = client.post("/_simulator/deploy", json={"template": str(broken)})

    assert error_of(missing)[:2] == (400, "InvalidParameterValueException")
    assert error_of(missing)[2].startswith(f"template: {tmp_path / 'no.yaml'} does not exist")
    assert error_of(syntax)[:2] == (400, "InvalidParameterValueException")
    assert error_of(syntax)[2].startswith(f"template: {broken}, line 2")
