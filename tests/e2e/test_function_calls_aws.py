"""A function that calls AWS services with boto3 reaches the simulator's own, from a process
or a container, through the `AWS_ENDPOINT_URL` its environment carries."""

from __future__ import annotations

import json
from typing import Any

import boto3

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, unique_name

WRITER = """
import boto3, os
def handler(event, context):
    s3 = boto3.client("s3")
    s3.put_object(Bucket=event["bucket"], Key="from-the-function.txt", Body=b"written inside")
    return {"endpoint": os.environ["AWS_ENDPOINT_URL"]}
"""


def test_function_uses_the_simulators_s3(client: Any, server: SimulatorServer) -> None:
    bucket = unique_name("inside")
    s3 = boto3.client("s3", endpoint_url=server.url, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")
    s3.create_bucket(Bucket=bucket)
    name = create_function(client, WRITER, Timeout=30)
    response = client.invoke(FunctionName=name, Payload=json.dumps({"bucket": bucket}))
    assert "FunctionError" not in response, response["Payload"].read()
    body = s3.get_object(Bucket=bucket, Key="from-the-function.txt")["Body"].read()
    assert body == b"written inside"
