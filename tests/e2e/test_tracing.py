"""X-Ray as Lambda runs it, on both executors: functions with active tracing get their trace
header and the daemon's address, the unmodified X-Ray SDK and Powertools' Tracer send their
segments to the simulator's daemon endpoint, Lambda's own segments join them, the trace goes
on through SQS to the next function, and `aws xray` reads it all back."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, eventually, unique_name

# The function's own copy of what it imports, as a developer's zip would hold it.
PACKAGES = ("aws_xray_sdk", "wrapt", "aws_lambda_powertools", "jmespath", "typing_extensions")

SDK_HANDLER = """
import json, os
import boto3
from aws_xray_sdk.core import patch, xray_recorder

patch(["boto3"])

def handler(event, context):
    with xray_recorder.in_subsegment("work") as subsegment:
        subsegment.put_annotation("order", 7)
    if event.get("queue"):
        boto3.client("sqs").send_message(QueueUrl=event["queue"], MessageBody="onwards")
    return {"trace": os.environ["_X_AMZN_TRACE_ID"],
            "daemon": os.environ.get("AWS_XRAY_DAEMON_ADDRESS"),
            "missing": os.environ.get("AWS_XRAY_CONTEXT_MISSING")}
"""

POWERTOOLS_HANDLER = """
from aws_lambda_powertools import Tracer

tracer = Tracer(service="checkout")

@tracer.capture_method
def price(n):
    return n * 3

@tracer.capture_lambda_handler
def handler(event, context):
    return {"price": price(event.get("n", 1))}
"""


def function_zip_files(source: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {"app.py": source}
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, f"{name} is not installed"
        if spec.submodule_search_locations:
            top = Path(next(iter(spec.submodule_search_locations)))
            for path in top.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    files[f"{name}/{path.relative_to(top).as_posix()}"] = path.read_bytes()
        else:
            files[Path(spec.origin).name] = Path(spec.origin).read_bytes()
    return files


def aws(server: SimulatorServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def trace_documents(server: SimulatorServer, root: str) -> list[dict[str, Any]]:
    traces = aws(server, "xray").batch_get_traces(TraceIds=[root])["Traces"]
    return [json.loads(s["Document"]) for t in traces for s in t["Segments"]]


def flattened(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    pending = list(documents)
    while pending:
        document = pending.pop()
        found.append(document)
        pending.extend(document.get("subsegments", []))
    return found


def named(documents: list[dict[str, Any]]) -> set[str]:
    return {d["name"] for d in flattened(documents)}


def root_of(header: str) -> str:
    return dict(part.split("=", 1) for part in header.split(";"))["Root"]


@pytest.fixture(scope="module")
def sdk_function(server: SimulatorServer) -> str:
    client = boto3.client("lambda", endpoint_url=server.url, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    return create_function(client, function_zip_files(SDK_HANDLER), Timeout=30,
                           MemorySize=256, TracingConfig={"Mode": "Active"})


def test_the_x_ray_sdk_and_lambdas_segments_make_one_trace(
        client: Any, server: SimulatorServer, sdk_function: str) -> None:
    response = client.invoke(FunctionName=sdk_function, Payload=b"{}")

    answer = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, answer
    assert answer["missing"] == "LOG_ERROR" and answer["daemon"]
    root = root_of(answer["trace"])
    assert ";Sampled=1" in answer["trace"]
    assert eventually(lambda: "work" in named(trace_documents(server, root)), timeout=10)
    documents = trace_documents(server, root)
    by_origin = {d.get("origin"): d for d in documents}
    service, function = by_origin["AWS::Lambda"], by_origin["AWS::Lambda::Function"]
    assert function["parent_id"] == service["id"]
    assert f"Parent={function['id']}" in answer["trace"]
    assert {"Initialization", "Invocation", "Overhead", "work"} <= named([function])
    [work] = [d for d in flattened([function]) if d["name"] == "work"]
    assert work["annotations"] == {"order": 7}


def test_the_trace_goes_on_through_sqs_to_the_next_function(
        client: Any, server: SimulatorServer, sdk_function: str) -> None:
    sqs = aws(server, "sqs")
    queue = sqs.create_queue(QueueName=unique_name("traced"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    consumer = create_function(client, "def handler(event, context):\n    return 1\n",
                               TracingConfig={"Mode": "PassThrough"})
    client.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=consumer,
                                       BatchSize=1)

    response = client.invoke(FunctionName=sdk_function,
                             Payload=json.dumps({"queue": queue}).encode())

    answer = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, answer
    root = root_of(answer["trace"])

    def consumer_traced() -> bool:
        return any(d.get("origin") == "AWS::Lambda::Function" and d["name"] == consumer
                   for d in trace_documents(server, root))

    assert eventually(consumer_traced, timeout=20)
    # the SDK's own subsegment of the call, in the same trace
    assert "sqs" in {name.lower() for name in named(trace_documents(server, root))}


def test_powertools_tracer_segments_arrive(client: Any, server: SimulatorServer) -> None:
    name = create_function(client, function_zip_files(POWERTOOLS_HANDLER), Timeout=30,
                           MemorySize=256, TracingConfig={"Mode": "Active"})

    response = client.invoke(FunctionName=name, Payload=b'{"n": 2}')

    assert json.loads(response["Payload"].read()) == {"price": 6}
    summaries: list[dict[str, Any]] = []

    def traced() -> bool:
        summaries[:] = aws(server, "xray").get_trace_summaries(
            StartTime=time.time() - 120, EndTime=time.time() + 5,
            FilterExpression=f'service("{name}")')["TraceSummaries"]
        return bool(summaries) and "## handler" in named(
            trace_documents(server, summaries[0]["Id"]))

    assert eventually(traced, timeout=10)
    documents = flattened(trace_documents(server, summaries[0]["Id"]))
    [handler] = [d for d in documents if d["name"] == "## handler"]
    assert handler["annotations"]["ColdStart"] is True
    assert handler["annotations"]["Service"] == "checkout"
    assert "## app.price" in {d["name"] for d in documents}


def test_the_aws_cli_reads_the_traces(client: Any, server: SimulatorServer,
                                      sdk_function: str) -> None:
    response = client.invoke(FunctionName=sdk_function, Payload=b"{}")
    root = root_of(json.loads(response["Payload"].read())["trace"])
    assert eventually(lambda: "work" in named(trace_documents(server, root)), timeout=10)
    environment = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                   "AWS_DEFAULT_REGION": "us-east-1"}

    def cli(*arguments: str) -> Any:
        done = subprocess.run(["aws", "--endpoint-url", server.url, "xray", *arguments,
                               "--output", "json"], capture_output=True, text=True,
                              env=environment, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    summaries = cli("get-trace-summaries", "--start-time", str(int(time.time()) - 300),
                    "--end-time", str(int(time.time()) + 5))
    assert root in {s["Id"] for s in summaries["TraceSummaries"]}
    traces = cli("batch-get-traces", "--trace-ids", root)
    [trace] = traces["Traces"]
    origins = {json.loads(s["Document"]).get("origin") for s in trace["Segments"]}
    assert {"AWS::Lambda", "AWS::Lambda::Function"} <= origins


def test_an_unsampled_invoke_records_no_trace(client: Any, server: SimulatorServer) -> None:
    name = create_function(client, "import os\ndef handler(event, context):\n"
                                   "    return os.environ['_X_AMZN_TRACE_ID']\n")

    header = json.loads(client.invoke(FunctionName=name)["Payload"].read())

    assert ";Sampled=0" in header
    time.sleep(0.5)
    assert trace_documents(server, root_of(header)) == []


PUBLISHER = """
import json
import boto3

def handler(event, context):
    boto3.client("sns").publish(TopicArn=event["topic"], Message="traced")
    boto3.client("events").put_events(Entries=[{
        "Source": "shop", "DetailType": "order", "Detail": json.dumps({"n": 1})}])
    return 1
"""


def test_the_trace_goes_on_through_sns_and_eventbridge(client: Any,
                                                       server: SimulatorServer) -> None:
    """boto3 inside a function sends its trace header on by itself (as on Lambda); SNS and
    EventBridge pass it to the functions they deliver to."""
    subscriber = create_function(client, "def handler(event, context):\n    return 1\n")
    target = create_function(client, "def handler(event, context):\n    return 1\n")
    publisher = create_function(client, PUBLISHER, Timeout=30)
    topic = aws(server, "sns").create_topic(Name=unique_name("traced"))["TopicArn"]
    aws(server, "sns").subscribe(TopicArn=topic, Protocol="lambda", Endpoint=client.get_function(
        FunctionName=subscriber)["Configuration"]["FunctionArn"])
    rule = unique_name("traced")
    events = aws(server, "events")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": client.get_function(
        FunctionName=target)["Configuration"]["FunctionArn"]}])
    root = f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"
    traced_client = boto3.client("lambda", endpoint_url=server.url, region_name="us-east-1",
                                 aws_access_key_id="test", aws_secret_access_key="test")
    traced_client.meta.events.register(
        "before-sign.lambda.Invoke",
        lambda request, **_: request.headers.__setitem__("X-Amzn-Trace-Id",
                                                         f"Root={root};Sampled=1"))

    response = traced_client.invoke(FunctionName=publisher,
                                    Payload=json.dumps({"topic": topic}).encode())

    assert "FunctionError" not in response, response["Payload"].read()

    def traced_functions() -> set[str]:
        return {d["name"] for d in trace_documents(server, root)
                if d.get("origin") == "AWS::Lambda::Function"}

    assert eventually(lambda: traced_functions() == {publisher, subscriber, target},
                      timeout=20), traced_functions()


def test_tracing_config_reads_back_and_updates(client: Any, sdk_function: str) -> None:
    assert client.get_function_configuration(FunctionName=sdk_function)["TracingConfig"] == {
        "Mode": "Active"}
    name = create_function(client, "def handler(event, context):\n    return 1\n")

    client.update_function_configuration(FunctionName=name, TracingConfig={"Mode": "Active"})
    client.get_waiter("function_updated_v2").wait(FunctionName=name)

    assert client.get_function(FunctionName=name)["Configuration"]["TracingConfig"] == {
        "Mode": "Active"}
    with pytest.raises(client.exceptions.ClientError, match="tracingConfig.mode"):
        client.update_function_configuration(FunctionName=name,
                                              TracingConfig={"Mode": "Always"})
