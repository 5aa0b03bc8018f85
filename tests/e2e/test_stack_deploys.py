"""A SAM app deployed and then updated through CloudFormation as a pipeline would: a function
with the role SAM makes for it (AWS managed policy attached), an SQS trigger and a layer from
S3; its update changes what runs; its deletion removes what it made."""

from __future__ import annotations

import io
import json
import textwrap
import zipfile
from typing import Any

from simulator.http_server import SimulatorServer
from tests.e2e.test_cloudformation_api import FAST, aws, outputs
from tests.helpers import eventually, lambda_client, unique_name

HANDLER = textwrap.dedent("""\
    import os
    import greeting
    def handler(event, context):
        return {"greeting": greeting.WORD, "mood": os.environ["MOOD"]}
""")


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def sam_app(bucket: str, mood: str) -> str:
    return json.dumps({
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Jobs": {"Type": "AWS::SQS::Queue"},
            "Words": {"Type": "AWS::Serverless::LayerVersion", "Properties": {
                "ContentUri": f"s3://{bucket}/layer.zip", "CompatibleRuntimes": ["python3.11"]}},
            "Greeter": {"Type": "AWS::Serverless::Function", "Properties": {
                "Runtime": "python3.11", "Handler": "app.handler",
                "CodeUri": f"s3://{bucket}/code.zip", "Layers": [{"Ref": "Words"}],
                "Environment": {"Variables": {"MOOD": mood}},
                "Events": {"Work": {"Type": "SQS", "Properties": {
                    "Queue": {"Fn::GetAtt": ["Jobs", "Arn"]}, "BatchSize": 1}}}}},
        },
        "Outputs": {"Function": {"Value": {"Ref": "Greeter"}},
                    "Role": {"Value": {"Fn::GetAtt": ["GreeterRole", "Arn"]}},
                    "Queue": {"Value": {"Ref": "Jobs"}}},
    })


def invoke(server: SimulatorServer, name: str) -> Any:
    answer = lambda_client(server.url).invoke(FunctionName=name)
    return json.loads(answer["Payload"].read())


def test_a_sam_app_deploys_updates_and_goes(server: SimulatorServer) -> None:
    cloudformation, s3 = aws(server, "cloudformation"), aws(server, "s3")
    bucket, stack = unique_name("artifacts"), unique_name("app")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="code.zip", Body=zipped({"app.py": HANDLER}))
    s3.put_object(Bucket=bucket, Key="layer.zip",
                  Body=zipped({"python/greeting.py": "WORD = 'hello'\n"}))

    cloudformation.create_stack(StackName=stack, TemplateBody=sam_app(bucket, "calm"),
                                Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    cloudformation.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig=FAST)
    made = outputs(cloudformation, stack)
    assert invoke(server, made["Function"]) == {"greeting": "hello", "mood": "calm"}
    role = aws(server, "iam").get_role(RoleName=made["Role"].rsplit("/", 1)[-1])["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": ["lambda.amazonaws.com"]}
    aws(server, "sqs").send_message(QueueUrl=made["Queue"], MessageBody="job")
    assert eventually(lambda: sum(e.message.startswith("REPORT") for e in
                                  server.simulator.logs.events(made["Function"])) >= 2, 60)

    cloudformation.update_stack(StackName=stack, TemplateBody=sam_app(bucket, "glad"),
                                Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    cloudformation.get_waiter("stack_update_complete").wait(StackName=stack, WaiterConfig=FAST)
    assert invoke(server, made["Function"]) == {"greeting": "hello", "mood": "glad"}

    cloudformation.delete_stack(StackName=stack)
    cloudformation.get_waiter("stack_delete_complete").wait(StackName=stack, WaiterConfig=FAST)
    names = {f["FunctionName"] for f in lambda_client(server.url).list_functions()["Functions"]}
    assert made["Function"] not in names
    assert made["Queue"] not in aws(server, "sqs").list_queues().get("QueueUrls", [])
