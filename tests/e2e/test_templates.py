"""The three sample templates served end to end: their functions deployed and their events
wired to the simulator's own S3, SQS, SNS, schedules and API routes."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import boto3
import requests

from simulator.http_server import SimulatorServer
from simulator.templates import load_template
from tests.conftest import require_interpreter

TEMPLATES = Path(__file__).resolve().parents[1] / "fixtures" / "templates"


def aws(server: SimulatorServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


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
    assert len(report.functions) == 2
    base = f"{server.url}/_simulator/http"
    hello = requests.get(f"{base}/ServerlessRestApi/Prod/hello", timeout=60)
    assert hello.status_code == 200
    assert "message" in hello.json()
    greet = requests.get(f"{base}/ServerlessHttpApi/$default/greet", timeout=60)
    assert greet.status_code == 200


def test_s3_thumbnail_processor(server: SimulatorServer) -> None:
    path = TEMPLATES / "s3-thumbnail" / "template.yaml"
    server.simulator.load_template(path)
    template = load_template(path)
    (function,) = template.functions
    source = next(b for b in template.buckets if b.logical_id == "SourceBucket")
    s3 = aws(server, "s3")
    s3.put_object(Bucket=source.name, Key="uploads/cat.jpg", Body=b"jpeg")
    s3.put_object(Bucket=source.name, Key="elsewhere/dog.jpg", Body=b"not matched")
    assert reports(server, function.name) == 1
    time.sleep(0.5)
    assert reports(server, function.name, timeout=0) == 1  # the filter kept the other out
    lines = [e.message for e in server.simulator.logs.events(function.name)]
    assert not any("Traceback" in line for line in lines), lines


def test_sqs_worker_with_dead_letter_queue_schedule_and_topic(server: SimulatorServer) -> None:
    require_interpreter(server.simulator.executor.name, "python3.13")  # the template's runtime
    path = TEMPLATES / "sqs-worker" / "template.yaml"
    report = server.simulator.load_template(path)
    assert any("AWS::DynamoDB::Table" in warning for warning in report.warnings)
    template = load_template(path)
    jobs = next(q for q in template.queues if q.logical_id == "JobsQueue")
    sqs = aws(server, "sqs")
    url = sqs.get_queue_url(QueueName=jobs.name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"jobId": "1"}))
    assert reports(server, "jobs-worker") >= 1
    janitor = next(f for f in template.functions if f.logical_id == "JanitorFunction")
    schedules = requests.get(f"{server.url}/_simulator/schedules", timeout=30).json()
    rule = next(s["name"] for s in schedules["schedules"]
                if janitor.name in json.dumps(s) and "rate(5 minutes)" in json.dumps(s))
    # The template's schedule is an EventBridge rule like any other.
    assert rule in [r["Name"] for r in aws(server, "events").list_rules()["Rules"]]
    fired = requests.post(f"{server.url}/_simulator/schedules/{rule}/fire", timeout=30)
    assert fired.status_code == 200
    assert reports(server, janitor.name) >= 1
    alerts = next(f for f in template.functions if f.logical_id == "AlertFunction")
    topic = next(t for t in template.topics if t.logical_id == "AlertsTopic")
    aws(server, "sns").publish(
        TopicArn=topic.arn, Message="disk full", Subject="alert",
        MessageAttributes={"severity": {"DataType": "String", "StringValue": "high"}})
    assert reports(server, alerts.name) >= 1
