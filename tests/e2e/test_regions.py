"""Each region and each account its own Lambda, through boto3: a function of one name in two
regions is two functions, each with its region's ARN and environment; a client whose access
key is a 12-digit account id works in that account, whose functions others do not see; a
region's SQS mapping delivers that region's queue; and all of it is there after a restart."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from simulator.http_server import SimulatorServer
from tests.helpers import ROLE, eventually, make_zip, running_server

HANDLER = """\
import json, os

def handler(event, context):
    return {"answer": os.environ["ANSWER"], "region": os.environ["AWS_REGION"],
            "arn": context.invoked_function_arn}
"""
RECORDER = """\
import json
import uuid
import uuid

def handler(event, context):
    print("BODIES " + json.dumps([record["body"] for record in event["Records"]]))
"""
OTHER_ACCOUNT = "111111111111"


def client(server: SimulatorServer, service: str, region: str, key: str = "test") -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name=region,
                        aws_access_key_id=key, aws_secret_access_key="test")


def create(lam: Any, name: str, answer: str, code: str = HANDLER) -> dict[str, Any]:
    created: dict[str, Any] = lam.create_function(
        FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": make_zip({"app.py": code})},
        Environment={"Variables": {"ANSWER": answer}})
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    return created


def invoke(lam: Any, name: str) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(lam.invoke(FunctionName=name)["Payload"].read())
    return answer


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def server(state_dir: Path) -> Iterator[SimulatorServer]:
    with running_server(state_dir, "process") as running:
        yield running


def test_one_name_in_two_regions_is_two_functions_each_of_its_region(
        server: SimulatorServer) -> None:
    east, west = client(server, "lambda", "us-east-1"), client(server, "lambda", "eu-west-1")
    account = server.simulator.settings.account_id

    create(east, "greeter", "east")
    created = create(west, "greeter", "west")

    assert created["FunctionArn"] == f"arn:aws:lambda:eu-west-1:{account}:function:greeter"
    assert invoke(east, "greeter") == {
        "answer": "east", "region": "us-east-1",
        "arn": f"arn:aws:lambda:us-east-1:{account}:function:greeter"}
    assert invoke(west, "greeter") == {
        "answer": "west", "region": "eu-west-1",
        "arn": f"arn:aws:lambda:eu-west-1:{account}:function:greeter"}
    create(west, "only-west", "west")
    assert [f["FunctionName"] for f in east.list_functions()["Functions"]] == ["greeter"]
    assert sorted(f["FunctionName"] for f in west.list_functions()["Functions"]) == [
        "greeter", "only-west"]
    with pytest.raises(east.exceptions.ResourceNotFoundException):
        east.get_function(FunctionName="only-west")
    west.delete_function(FunctionName="greeter")
    assert invoke(east, "greeter")["answer"] == "east"


def test_a_twelve_digit_access_key_is_the_account_whose_functions_others_do_not_see(
        server: SimulatorServer) -> None:
    other = client(server, "lambda", "us-east-1", key=OTHER_ACCOUNT)
    default = client(server, "lambda", "us-east-1")

    created = create(other, "private", "theirs")

    assert created["FunctionArn"] == \
        f"arn:aws:lambda:us-east-1:{OTHER_ACCOUNT}:function:private"
    assert invoke(other, "private")["arn"] == created["FunctionArn"]
    with pytest.raises(default.exceptions.ResourceNotFoundException):
        default.get_function(FunctionName="private")
    # Another account's ARN is answered as AWS answers it, not served as a local function.
    with pytest.raises(default.exceptions.ClientError) as refused:
        default.get_function(FunctionName=created["FunctionArn"])
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"


def test_a_regions_mapping_delivers_its_regions_queue(server: SimulatorServer) -> None:
    west = client(server, "lambda", "eu-west-1")
    sqs = client(server, "sqs", "eu-west-1")
    create(west, "recorder", "-", code=RECORDER)
    queue = sqs.create_queue(QueueName="west-jobs")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    assert ":eu-west-1:" in arn
    west.create_event_source_mapping(FunctionName="recorder", EventSourceArn=arn, BatchSize=1)

    sqs.send_message(QueueUrl=queue, MessageBody="from the west")

    plane = server.simulator.planes[(server.simulator.settings.account_id, "eu-west-1")]
    assert eventually(lambda: any(
        "from the west" in event.message for event in plane.logs.events("recorder")), 30)


def test_other_regions_and_accounts_are_served_again_after_a_restart(state_dir: Path) -> None:
    """Their functions, and their accounts' embedded services, kept in the state folder."""
    bucket = f"kept-{uuid.uuid4().hex[:8]}"
    with running_server(state_dir, "process") as first:
        create(client(first, "lambda", "ap-southeast-2"), "kept", "south")
        create(client(first, "lambda", "us-east-1", key=OTHER_ACCOUNT), "kept", "theirs")
        client(first, "s3", "us-east-1", key=OTHER_ACCOUNT).create_bucket(Bucket=bucket)

    with running_server(state_dir, "process") as second:
        assert invoke(client(second, "lambda", "ap-southeast-2"), "kept")["answer"] == "south"
        assert invoke(client(second, "lambda", "us-east-1", key=OTHER_ACCOUNT),
                      "kept")["answer"] == "theirs"
        with pytest.raises(client(second, "lambda", "us-east-1").exceptions
                           .ResourceNotFoundException):
            client(second, "lambda", "us-east-1").get_function(FunctionName="kept")
        # The embedded services live in the test process, shared with other tests' servers:
        # only this test's bucket is looked for.
        their_buckets = client(second, "s3", "us-east-1", key=OTHER_ACCOUNT).list_buckets()
        assert bucket in [b["Name"] for b in their_buckets["Buckets"]]
        our_buckets = client(second, "s3", "us-east-1").list_buckets()["Buckets"]
        assert bucket not in [b["Name"] for b in our_buckets]


def test_a_region_aws_does_not_have_is_the_configured_one(server: SimulatorServer) -> None:
    create(client(server, "lambda", "us-east-1"), "home", "home")
    assert invoke(client(server, "lambda", "mars-north-1"), "home")["region"] == "us-east-1"


STACK = json.dumps({"Resources": {"Greeter": {"Type": "AWS::Lambda::Function", "Properties": {
    "Runtime": "python3.11", "Handler": "index.handler", "Role": ROLE,
    "Code": {"ZipFile": "def handler(event, context):\n    return 'hi'\n"}}}}})


def test_a_stack_is_made_in_the_account_and_region_it_is_signed_for(
        server: SimulatorServer) -> None:
    cloudformation = client(server, "cloudformation", "eu-west-1", key=OTHER_ACCOUNT)
    cloudformation.create_stack(StackName="regional", TemplateBody=STACK)
    cloudformation.get_waiter("stack_create_complete").wait(
        StackName="regional", WaiterConfig={"Delay": 1})

    (stack,) = cloudformation.describe_stacks(StackName="regional")["Stacks"]
    assert stack["StackId"].startswith(
        f"arn:aws:cloudformation:eu-west-1:{OTHER_ACCOUNT}:stack/regional/")
    name = cloudformation.describe_stack_resource(
        StackName="regional", LogicalResourceId="Greeter")["StackResourceDetail"][
        "PhysicalResourceId"]
    lam = client(server, "lambda", "eu-west-1", key=OTHER_ACCOUNT)
    assert lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"] == \
        f"arn:aws:lambda:eu-west-1:{OTHER_ACCOUNT}:function:{name}"
    home = client(server, "cloudformation", "us-east-1")
    with pytest.raises(home.exceptions.ClientError, match="does not exist"):
        home.describe_stacks(StackName="regional")



CALLER = """\
import boto3, json

def handler(event, context):
    answer = boto3.client("lambda").invoke(FunctionName="target")
    return json.loads(answer["Payload"].read())
"""


def test_a_function_calls_the_lambda_of_its_own_account_and_region(
        server: SimulatorServer) -> None:
    other = client(server, "lambda", "eu-west-1", key=OTHER_ACCOUNT)
    create(other, "target", "theirs")
    create(client(server, "lambda", "us-east-1"), "target", "ours")
    create(other, "caller", "-", code=CALLER)

    answer = json.loads(other.invoke(FunctionName="caller")["Payload"].read())

    assert (answer["answer"], answer["region"]) == ("theirs", "eu-west-1")
    assert answer["arn"] == f"arn:aws:lambda:eu-west-1:{OTHER_ACCOUNT}:function:target"


LISTER = """\
import boto3

def handler(event, context):
    return sorted(bucket["Name"] for bucket in boto3.client("s3").list_buckets()["Buckets"])
"""


def test_each_account_has_its_own_embedded_services_and_its_functions_use_them(
        server: SimulatorServer) -> None:
    suffix = uuid.uuid4().hex[:8]
    theirs = client(server, "s3", "us-east-1", key=OTHER_ACCOUNT)
    theirs.create_bucket(Bucket=f"theirs-{suffix}")
    client(server, "s3", "us-east-1").create_bucket(Bucket=f"ours-{suffix}")
    assert f"ours-{suffix}" not in [b["Name"] for b in theirs.list_buckets()["Buckets"]]
    identity = client(server, "sts", "us-east-1", key=OTHER_ACCOUNT).get_caller_identity()
    assert identity["Account"] == OTHER_ACCOUNT
    other = client(server, "lambda", "us-east-1", key=OTHER_ACCOUNT)
    create(other, "lister", "-", code=LISTER)

    buckets = json.loads(other.invoke(FunctionName="lister")["Payload"].read())

    assert f"theirs-{suffix}" in buckets and f"ours-{suffix}" not in buckets
