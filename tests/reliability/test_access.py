"""Who may talk to the server. Bound beyond loopback it warns, and with `--access-token T` it
answers only requests signed with access key T (or carrying `X-Lambda-Sim-Token: T`); health
stays open. The simulator's own clients (SQS pollers, destinations, dead-letter queues) keep
working behind the token. Loopback by default is checked in `tests/e2e/test_cli_serve.py`.
Only 127.0.0.1 is ever sent to."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.helpers import create_function, running_server, unique_name
from tests.reliability.support import ServeProcess, wait_until

TOKEN = "s3cr3t-token"


def client(service: str, url: str, access_key: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=access_key, aws_secret_access_key="anything",
                        config=Config(retries={"max_attempts": 1}))


def refused(call: Any) -> None:
    with pytest.raises(ClientError) as error:
        call()
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_access_token_beyond_loopback(tmp_path: Path) -> None:
    server = ServeProcess(tmp_path / "state", "process", "--host", "0.0.0.0",
                          "--access-token", TOKEN).wait_ready()
    try:
        listening = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout
        assert f"0.0.0.0:{server.port}" in listening
        functions = f"{server.url}/2015-03-31/functions"
        unsigned = requests.get(functions, timeout=10)
        assert unsigned.status_code == 403
        assert unsigned.headers["x-amzn-errortype"] == "UnrecognizedClientException"
        assert requests.get(functions, headers={"X-Lambda-Sim-Token": "wrong"},
                            timeout=10).status_code == 403
        assert requests.get(functions, headers={"X-Lambda-Sim-Token": TOKEN}, timeout=10).ok
        assert requests.get(f"{server.url}/_simulator/health", timeout=10).ok
        refused(lambda: client("lambda", server.url, "test").list_functions())
        refused(lambda: client("sqs", server.url, "test").list_queues())
        allowed = client("lambda", server.url, TOKEN)
        name = create_function(allowed, "def handler(event, context):\n    return 'in'\n")
        assert json.loads(allowed.invoke(FunctionName=name)["Payload"].read()) == "in"
        refused(lambda: client("lambda", server.url, "test").invoke(FunctionName=name))
    finally:
        server.stop()
    output = server.output()
    assert "warning" in output and "0.0.0.0" in output and "consider --access-token" not in output


def test_binding_beyond_loopback_without_a_token_warns(tmp_path: Path) -> None:
    server = ServeProcess(tmp_path / "state", "process", "--host", "0.0.0.0").wait_ready()
    server.stop()
    output = " ".join(server.output().split())
    assert "reachable from other machines" in output
    assert "consider --access-token" in output


def test_own_clients_work_behind_the_token(tmp_path: Path) -> None:
    """An SQS event source mapping and a dead-letter queue on a server with a token."""
    with running_server(tmp_path / "state", "process", access_token=TOKEN,
                        async_retry_delay=0.2) as server:
        lam, sqs = client("lambda", server.url, TOKEN), client("sqs", server.url, TOKEN)
        queue = sqs.create_queue(QueueName=unique_name("queue"))["QueueUrl"]
        dead = sqs.create_queue(QueueName=unique_name("dlq"))["QueueUrl"]
        arns = [sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"] for url in (queue, dead)]
        name = create_function(lam, """
            def handler(event, context):
                if "Records" in event:
                    print("GOT", event["Records"][0]["body"])
                    return None
                raise RuntimeError("to the dead-letter queue")
        """, DeadLetterConfig={"TargetArn": arns[1]})
        lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
        mapping = lam.create_event_source_mapping(FunctionName=name, EventSourceArn=arns[0])
        try:
            sqs.send_message(QueueUrl=queue, MessageBody="through-the-token")
            lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"n": 1}')
            assert wait_until(lambda: any(
                "GOT through-the-token" in e.message
                for e in server.simulator.logs.events(name)), 30), "the poller never delivered"
            received = wait_until(lambda: sqs.receive_message(
                QueueUrl=dead, WaitTimeSeconds=1).get("Messages"), 30)
            assert received and json.loads(received[0]["Body"]) == {"n": 1}
        finally:
            lam.delete_event_source_mapping(UUID=mapping["UUID"])
