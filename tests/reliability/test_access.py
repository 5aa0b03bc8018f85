"""Who may talk to the server. With `--access-token T` it answers only requests signed with T
as their secret access key (or carrying `X-Lambda-Sim-Token: T`); health stays open. Bound
beyond loopback without a token it generates one, which this machine needs not give but
other machines and functions must. The simulator's own clients (SQS pollers, destinations,
dead-letter queues) and the functions' SDKs sign with it. Loopback by default is checked in
`tests/e2e/test_cli_serve.py`. Only 127.0.0.1 is ever sent to."""

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


def client(service: str, url: str, secret: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="anyone", aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}))


def refused(call: Any, code: str) -> None:
    with pytest.raises(ClientError) as error:
        call()
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error.value.response["Error"]["Code"] == code


def test_access_token_beyond_loopback(tmp_path: Path) -> None:
    server = ServeProcess(tmp_path / "state", "process", "--host", "0.0.0.0",
                          "--access-token", TOKEN).wait_ready()
    try:
        listening = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout
        assert f"0.0.0.0:{server.port}" in listening
        functions = f"{server.url}/2015-03-31/functions"
        unsigned = requests.get(functions, timeout=10)
        assert unsigned.status_code == 403
        assert unsigned.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
        assert requests.get(functions, headers={"X-Lambda-Sim-Token": "wrong"},
                            timeout=10).status_code == 403
        assert requests.get(functions, headers={"X-Lambda-Sim-Token": TOKEN}, timeout=10).ok
        assert requests.get(f"{server.url}/_simulator/health", timeout=10).ok
        refused(lambda: client("lambda", server.url, "test").list_functions(),
                "InvalidSignatureException")
        refused(lambda: client("sqs", server.url, "test").list_queues(),
                "InvalidSignatureException")
        refused(lambda: client("s3", server.url, "test").list_buckets(),
                "SignatureDoesNotMatch")
        refused(lambda: client("sns", server.url, "test").list_topics(),
                "SignatureDoesNotMatch")
        allowed = client("lambda", server.url, TOKEN)
        name = create_function(allowed, "def handler(event, context):\n    return 'in'\n")
        assert json.loads(allowed.invoke(FunctionName=name)["Payload"].read()) == "in"
        refused(lambda: client("lambda", server.url, "test").invoke(FunctionName=name),
                "InvalidSignatureException")
        s3 = client("s3", server.url, TOKEN)
        s3.create_bucket(Bucket="signed")
        s3.put_object(Bucket="signed", Key="a key", Body=b"x" * 100_000)
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "signed",
                                                              "Key": "a key"})
        assert requests.get(url, timeout=10).content == b"x" * 100_000
        assert requests.get(url.replace("Signature=", "Signature=0"), timeout=10
                            ).status_code == 403
    finally:
        server.stop()
    output = " ".join(server.output().split())
    assert "reachable from other machines, which must sign requests with the access token" \
        in output and "generated" not in output


def test_binding_beyond_loopback_without_a_token_generates_one(tmp_path: Path) -> None:
    server = ServeProcess(tmp_path / "state", "process", "--host", "0.0.0.0").wait_ready()
    try:
        token = (tmp_path / "state" / "access-token").read_text().strip()
        # This machine (loopback) needs none; the token works as everywhere else.
        assert client("lambda", server.url, "test").list_functions()["Functions"] == []
        assert client("lambda", server.url, token).list_functions()["Functions"] == []
    finally:
        server.stop()
    output = " ".join(server.output().split())
    assert "reachable from other machines" in output
    assert "an access token was generated" in output


def test_own_clients_and_functions_work_behind_the_token(tmp_path: Path) -> None:
    """An SQS event source mapping, a dead-letter queue, and a function calling S3 on a
    server with a token."""
    with running_server(tmp_path / "state", "process", access_token=TOKEN,
                        async_retry_delay=0.2) as server:
        lam, sqs = client("lambda", server.url, TOKEN), client("sqs", server.url, TOKEN)
        queue = sqs.create_queue(QueueName=unique_name("queue"))["QueueUrl"]
        dead = sqs.create_queue(QueueName=unique_name("dlq"))["QueueUrl"]
        arns = [sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"] for url in (queue, dead)]
        name = create_function(lam, """
            import boto3
            def handler(event, context):
                if "Records" in event:
                    print("GOT", event["Records"][0]["body"])
                    return None
                if event.get("list"):
                    return [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]
                raise RuntimeError("to the dead-letter queue")
        """, DeadLetterConfig={"TargetArn": arns[1]})
        client("s3", server.url, TOKEN).create_bucket(Bucket="seen-by-the-function")
        listed = json.loads(lam.invoke(FunctionName=name, Payload=b'{"list": 1}')[
            "Payload"].read())
        assert "seen-by-the-function" in listed
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
