"""The three sample templates served end to end, each as a stack of the simulator's own
CloudFormation: their functions deployed and their events wired to the simulator's own S3,
SQS, SNS, schedules and API routes, the stack and its Outputs there to describe."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import boto3
import requests

from simulator.http_server import SimulatorServer
from tests.conftest import require_interpreter

TEMPLATES = Path(__file__).resolve().parents[1] / "fixtures" / "templates"


def aws(server: SimulatorServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def physical(server: SimulatorServer, stack: str, logical_id: str) -> str:
    """The physical id the stack gave a resource of the template."""
    described = aws(server, "cloudformation").describe_stack_resource(
        StackName=stack, LogicalResourceId=logical_id)
    return str(described["StackResourceDetail"]["PhysicalResourceId"])


def reports(server: SimulatorServer, name: str, count: int = 1, timeout: float = 30) -> int:
    """How many invocations of `name` have finished, once there are `count` (or time's up)."""
    deadline = time.time() + timeout
    while True:
        done = sum(e.message.startswith("REPORT") for e in server.simulator.logs.events(name))
        if done >= count or time.time() >= deadline:
            return done
        time.sleep(0.1)


def test_hello_world_api(server: SimulatorServer) -> None:
    report = server.simulator.load_template(TEMPLATES / "hello-world-api" / "template.yaml")
    assert report.stack == "hello-world-api"
    assert len(report.functions) == 2
    (stack,) = aws(server, "cloudformation").describe_stacks(
        StackName="hello-world-api")["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}
    rest_api = physical(server, "hello-world-api", "ServerlessRestApi")
    assert outputs["HelloWorldApi"] == \
        f"https://{rest_api}.execute-api.us-east-1.amazonaws.com/Prod/hello/"
    assert "ProdOnly" not in outputs  # its condition does not hold
    base = f"{server.url}/_simulator/http"
    hello = requests.get(f"{base}/{rest_api}/Prod/hello", timeout=60)
    assert hello.status_code == 200
    assert "message" in hello.json()
    http_api = physical(server, "hello-world-api", "ServerlessHttpApi")
    greet = requests.get(f"{base}/{http_api}/$default/greet", timeout=60)
    assert greet.status_code == 200
    greet_function = aws(server, "lambda").get_function_configuration(
        FunctionName="hello-world-api-greet-dev")
    assert greet_function["MemorySize"] == 512


def test_s3_thumbnail_processor(server: SimulatorServer) -> None:
    path = TEMPLATES / "s3-thumbnail" / "template.yaml"
    server.simulator.load_template(path)
    function = physical(server, "s3-thumbnail", "ThumbnailFunction")
    source = physical(server, "s3-thumbnail", "SourceBucket")
    s3 = aws(server, "s3")
    s3.put_object(Bucket=source, Key="uploads/cat.jpg", Body=b"jpeg")
    s3.put_object(Bucket=source, Key="elsewhere/dog.jpg", Body=b"not matched")
    assert reports(server, function) == 1
    time.sleep(0.5)
    assert reports(server, function, timeout=0) == 1  # the filter kept the other out
    lines = [e.message for e in server.simulator.logs.events(function)]
    assert not any("Traceback" in line for line in lines), lines


def test_sqs_worker_with_dead_letter_queue_schedule_and_topic(server: SimulatorServer,
                                                              tmp_path: Path) -> None:
    require_interpreter(server.simulator.executor.name, "python3.13")  # the template's runtime
    # A stack of its own per executor: the two servers share the embedded services, where a
    # second stack of one name would find the first one's schedule, as on one AWS account.
    folder = shutil.copytree(TEMPLATES / "sqs-worker",
                             tmp_path / f"sqs-worker-{server.simulator.executor.name}")
    stack = server.simulator.load_template(folder / "template.yaml").stack
    # The table is made in the embedded DynamoDB, as CloudFormation would make it.
    table = physical(server, stack, "ResultsTable")
    assert aws(server, "dynamodb").describe_table(TableName=table)["Table"]["TableName"] == table
    sqs = aws(server, "sqs")
    url = physical(server, stack, "JobsQueue")
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"jobId": "1"}))
    assert reports(server, "jobs-worker") >= 1
    janitor = physical(server, stack, "JanitorFunction")
    rule = next(r["Name"] for r in aws(server, "events").list_rules()["Rules"]
                if r.get("ScheduleExpression") == "rate(5 minutes)"
                and r["Name"].startswith(f"{stack}-"))
    fired = requests.post(f"{server.url}/_simulator/schedules/{rule}/fire", timeout=30)
    assert fired.status_code == 200
    assert reports(server, janitor) >= 1
    alerts = physical(server, stack, "AlertFunction")
    topic = physical(server, stack, "AlertsTopic")
    aws(server, "sns").publish(
        TopicArn=topic, Message="disk full", Subject="alert",
        MessageAttributes={"severity": {"DataType": "String", "StringValue": "high"}})
    assert reports(server, alerts) >= 1
