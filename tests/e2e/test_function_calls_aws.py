"""A function that calls AWS services with boto3 reaches the simulator's own, from a process
or a container, through the `AWS_ENDPOINT_URL` its environment carries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from simulator.http_server import SimulatorServer
from tests.conftest import require_docker
from tests.helpers import create_function, running_server, unique_name

TOKEN = "container-token"

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


GUARDED = """
import boto3, os, urllib.error, urllib.request
def handler(event, context):
    try:
        urllib.request.urlopen(os.environ["AWS_ENDPOINT_URL"] + "/_simulator/functions",
                               timeout=10)
        management = 200
    except urllib.error.HTTPError as error:
        management = error.code
    buckets = [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]
    return {"management": management, "buckets": buckets}
"""


def test_a_container_signs_with_the_token_and_is_kept_from_the_management_routes(
        tmp_path: Path) -> None:
    require_docker()
    with running_server(tmp_path / "state", "docker", docker_network="lambda-sim-test",
                        docker_network_internal=True, access_token=TOKEN) as server:
        lam, s3 = (boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                                aws_access_key_id="test", aws_secret_access_key=TOKEN)
                   for service in ("lambda", "s3"))
        bucket = unique_name("guarded")
        s3.create_bucket(Bucket=bucket)
        name = create_function(lam, GUARDED, Timeout=30)
        answer = json.loads(lam.invoke(FunctionName=name)["Payload"].read())
        assert answer["management"] == 403
        assert bucket in answer["buckets"]
