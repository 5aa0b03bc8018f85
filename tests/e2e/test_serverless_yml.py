"""Serverless Framework service files served end to end: examples from serverless/examples
and a service of our own loaded into a real server, their functions invoked by the names the
framework gives them, their `http` and `httpApi` routes called over HTTP (API Gateway 1.0 and
2.0 events), an SQS message and a schedule delivered; and `lambda-sim serve --template
serverless.yml` as users run it."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventModel,
    APIGatewayProxyEventV2Model,
    SqsModel,
)
from botocore.exceptions import EndpointConnectionError

from simulator.http_server import SimulatorServer
from tests.conftest import require_interpreter
from tests.e2e.test_cli_serve import free_port
from tests.helpers import lambda_client, running_server

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "serverless"
# The examples name runtimes AWS has since deprecated (python3.9, nodejs18.x), which the
# simulator does not run either; they (and our own service) are served with runtimes the
# process executor finds on this machine: the Python running the tests, Node.js 20.
PYTHON = f"python{sys.version_info.major}.{sys.version_info.minor}"
CURRENT_RUNTIMES = {"python3.9": PYTHON, "python3.12": PYTHON, "nodejs18.x": "nodejs20.x"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    with running_server(tmp_path_factory.mktemp("state"), "process") as running:
        yield running


def service_copy(example: str, tmp_path: Path) -> Path:
    """The example's folder copied (so that running it writes nothing into the fixtures),
    its runtime made a current one; the path of its serverless.yml."""
    folder = shutil.copytree(FIXTURES / example, tmp_path / example)
    path = folder / "serverless.yml"
    text = path.read_text()
    for old, new in CURRENT_RUNTIMES.items():
        text = text.replace(old, new)
    path.write_text(text)
    return path


def aws(server: SimulatorServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def route(url: str, stack: str, api: str, path: str) -> str:
    """Where a route of the stack's API answers: the framework's REST API
    (`ApiGatewayRestApi`) on a stage named after the service's, its HTTP API (SAM's
    `ServerlessHttpApi`) on `$default`."""
    cloudformation = boto3.client("cloudformation", endpoint_url=url, region_name="us-east-1",
                                  aws_access_key_id="test", aws_secret_access_key="test")
    api_id = cloudformation.describe_stack_resource(
        StackName=stack, LogicalResourceId=api)["StackResourceDetail"]["PhysicalResourceId"]
    stage = "$default" if api == "ServerlessHttpApi" else stack.rsplit("-", 1)[1]
    return f"{url}/_simulator/http/{api_id}/{stage}{path}"


def logged(server: SimulatorServer, name: str, prefix: str, count: int = 1,
           timeout: float = 30) -> list[str]:
    """The log lines of `name` that start with `prefix`, once there are `count` of them."""
    deadline = time.time() + timeout
    while True:
        lines = [event.message.strip() for event in server.simulator.logs.events(name)
                 if prefix in event.message]
        if len(lines) >= count or time.time() >= deadline:
            return lines
        time.sleep(0.1)


def test_rest_api_example_answers_on_its_http_route(server: SimulatorServer,
                                                    tmp_path: Path) -> None:
    require_interpreter(server.simulator.executor.name, PYTHON)
    report = server.simulator.load_template(service_copy("aws-python-rest-api", tmp_path))
    assert report.functions == ["aws-python-rest-api-dev-hello"]
    invoked = lambda_client(server.url).invoke(FunctionName="aws-python-rest-api-dev-hello",
                                               Payload=b'{"direct": true}')
    body = json.loads(json.loads(invoked["Payload"].read())["body"])
    assert body["input"] == {"direct": True}
    answer = requests.get(route(server.url, report.stack, "ApiGatewayRestApi", "/"), timeout=60)
    assert answer.status_code == 200
    event = answer.json()["input"]
    APIGatewayProxyEventModel.model_validate(event)
    assert (event["httpMethod"], event["resource"], event["path"]) == ("GET", "/", "/")


def test_http_api_example_answers_on_its_http_api_route(server: SimulatorServer,
                                                        tmp_path: Path) -> None:
    require_interpreter(server.simulator.executor.name, PYTHON)
    report = server.simulator.load_template(service_copy("aws-python-http-api", tmp_path))
    answer = requests.get(route(server.url, report.stack, "ServerlessHttpApi", "/"), timeout=60)
    assert answer.status_code == 200
    event = answer.json()["input"]
    APIGatewayProxyEventV2Model.model_validate(event)
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /"


def test_own_service_routes_layer_queue_and_schedule(server: SimulatorServer,
                                                     tmp_path: Path) -> None:
    require_interpreter(server.simulator.executor.name, PYTHON)
    path = service_copy("simulator-worker", tmp_path)
    report = server.simulator.load_template(path, {"stage": "prod"})
    assert sorted(report.functions) == ["simulator-worker-prod-api",
                                        "simulator-worker-prod-janitor",
                                        "simulator-worker-prod-jobs-worker"]

    rest = requests.get(route(server.url, report.stack, "ApiGatewayRestApi", "/items/abc"),
                        timeout=60)
    assert rest.status_code == 200, rest.text
    answer = rest.json()
    assert (answer["layer"], answer["colour"]) == ("from-the-layer", "red")
    assert answer["function"] == "simulator-worker-prod-api"
    APIGatewayProxyEventModel.model_validate(answer["event"])
    assert answer["event"]["resource"] == "/items/{id}"
    assert answer["event"]["pathParameters"] == {"id": "abc"}

    posted = requests.post(route(server.url, report.stack, "ServerlessHttpApi", "/items"),
                           json={"n": 1}, timeout=60)
    assert posted.status_code == 200, posted.text
    event = posted.json()["event"]
    APIGatewayProxyEventV2Model.model_validate(event)
    assert event["routeKey"] == "POST /items"
    assert json.loads(event["body"]) == {"n": 1}

    sqs = aws(server, "sqs")
    url = sqs.get_queue_url(QueueName="simulator-worker-prod-jobs")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="job-1")
    [line] = logged(server, "simulator-worker-prod-jobs-worker", "EVENT ")
    delivered = json.loads(line.split("EVENT ", 1)[1])
    SqsModel.model_validate(delivered)
    assert [record["body"] for record in delivered["Records"]] == ["job-1"]

    schedules = requests.get(f"{server.url}/_simulator/schedules", timeout=30).json()
    [rule] = [row["name"] for row in schedules["schedules"]
              if "simulator-worker-prod-janitor" in json.dumps(row)]
    assert requests.post(f"{server.url}/_simulator/schedules/{rule}/fire",
                         timeout=30).status_code == 200
    [line] = logged(server, "simulator-worker-prod-janitor", "EVENT ")
    assert json.loads(line.split("EVENT ", 1)[1]) == {"task": "sweep"}


def test_scheduled_cron_example_fires(server: SimulatorServer, tmp_path: Path) -> None:
    require_interpreter(server.simulator.executor.name, "nodejs20.x")
    server.simulator.load_template(service_copy("aws-node-scheduled-cron", tmp_path))
    schedules = requests.get(f"{server.url}/_simulator/schedules", timeout=30).json()
    rows = {row["expression"]: row for row in schedules["schedules"]
            if "aws-node-scheduled-cron-dev" in json.dumps(row)}
    assert set(rows) == {"rate(1 minute)", "cron(0/2 * ? * MON-FRI *)"}
    rule = rows["rate(1 minute)"]["name"]
    assert requests.post(f"{server.url}/_simulator/schedules/{rule}/fire",
                         timeout=30).status_code == 200
    lines = logged(server, "aws-node-scheduled-cron-dev-rateHandler", "Your cron function")
    assert lines and '"aws-node-scheduled-cron-dev-rateHandler" ran at' in lines[0]


def test_serve_command_takes_a_serverless_yml(tmp_path: Path) -> None:
    require_interpreter("process", PYTHON)
    path = service_copy("aws-python-http-api", tmp_path)
    output: list[str] = []
    with serving(tmp_path, path, output) as port:
        answer = requests.get(route(f"http://127.0.0.1:{port}", "aws-python-http-api-dev",
                                    "ServerlessHttpApi", "/"), timeout=60)
        assert answer.status_code == 200
        assert answer.json()["input"]["requestContext"]["http"]["method"] == "GET"
    assert "1 functions (aws-python-http-api-dev-hello)" in output[0]


@contextmanager
def serving(tmp_path: Path, template: Path, output: list[str]) -> Iterator[int]:
    """`lambda-sim serve --template <path>` in its own process on a free port, until its
    stack is deployed; its console output is added to `output` once it has stopped."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", str(port),
         "--state-dir", str(tmp_path / "state"), "--executor", "process",
         "--template", str(template)],
        env={**os.environ, "COLUMNS": "200"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        cloudformation = boto3.client(
            "cloudformation", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test")
        deadline = time.time() + 60
        while True:
            try:
                stacks = cloudformation.list_stacks(StackStatusFilter=["CREATE_COMPLETE"])
                if stacks["StackSummaries"]:
                    break
            except (requests.ConnectionError, EndpointConnectionError):
                pass
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError("serve did not deploy the service:\n" +
                                     process.communicate(timeout=30)[0].decode())
            time.sleep(0.2)
        yield port
    finally:
        if process.poll() is None:
            process.terminate()
            output.append(process.communicate(timeout=30)[0].decode())


STREAMING_SERVICE = """\
service: streaming
frameworkVersion: "4"
provider:
  name: aws
  runtime: {runtime}
functions:
  reader:
    handler: handler.main
    events:
      - stream:
          type: kinesis
          arn: {{ "Fn::GetAtt": [Clicks, Arn] }}
          batchSize: 10
          startingPosition: TRIM_HORIZON
      - eventBridge:
          eventBus: orders-{suffix}
          pattern:
            source: [shop]
resources:
  Resources:
    Clicks:
      Type: AWS::Kinesis::Stream
      Properties:
        Name: clicks-{suffix}
        ShardCount: 1
"""
RECORDING_HANDLER = """\
import base64
import json

def main(event, context):
    print("EVENT " + json.dumps(event))
"""


def test_lambda_sim_deploy_takes_a_v4_service_file_with_stream_and_event_bridge_events(
        server: SimulatorServer, tmp_path: Path) -> None:
    """`lambda-sim deploy serverless.yml` as a user runs it: the service's stack, its Kinesis
    `stream` event a mapping that delivers the stream's records, its `eventBridge` pattern a
    rule on the bus the framework creates."""
    require_interpreter(server.simulator.executor.name, PYTHON)
    suffix = uuid.uuid4().hex[:8]
    folder = tmp_path / "streaming"
    folder.mkdir()
    (folder / "handler.py").write_text(RECORDING_HANDLER)
    (folder / "serverless.yml").write_text(
        STREAMING_SERVICE.format(runtime=PYTHON, suffix=suffix))
    deployed = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "deploy", str(folder / "serverless.yml"),
         "--json", "--endpoint", server.url], capture_output=True, text=True, timeout=300)
    assert deployed.returncode == 0, deployed.stderr
    report = json.loads(deployed.stdout)
    assert (report["stack"], report["functions"]) == ("streaming-dev", ["streaming-dev-reader"])
    (stack,) = aws(server, "cloudformation").describe_stacks(StackName="streaming-dev")["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"

    aws(server, "kinesis").put_record(StreamName=f"clicks-{suffix}", Data=b"click-1",
                                      PartitionKey="k")
    aws(server, "events").put_events(Entries=[
        {"Source": "shop", "DetailType": "Order Placed", "Detail": "{}",
         "EventBusName": f"orders-{suffix}"}])

    lines = logged(server, "streaming-dev-reader", "EVENT ", count=2, timeout=60)
    events = [json.loads(line.split("EVENT ", 1)[1]) for line in lines]
    kinesis = next(event for event in events if "Records" in event)
    assert base64.b64decode(kinesis["Records"][0]["kinesis"]["data"]) == b"click-1"
    assert any(event.get("source") == "shop" for event in events)
