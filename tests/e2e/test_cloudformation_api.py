"""CloudFormation end to end: real boto3 clients and the AWS CLI against a running simulator
deploy templates whose functions then run through the Lambda API."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, WaiterError

from simulator.http_server import SimulatorServer
from tests.helpers import eventually, lambda_client, unique_name

FAST = {"Delay": 1, "MaxAttempts": 120}
ROLE = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                            "Principal": {"Service": "lambda.amazonaws.com"}}]}}}
HANDLER = textwrap.dedent("""\
    import os
    def handler(event, context):
        return {"queue": os.environ["QUEUE"], "got": event}
""")


def aws(server: SimulatorServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def reports(server: SimulatorServer, function: str) -> int:
    """How many invocations of `function` have finished."""
    return sum(event.message.startswith("REPORT")
               for event in server.simulator.logs.events(function))


def outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    (described,) = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    return {output["OutputKey"]: output["OutputValue"] for output in described["Outputs"]}


def queue_function_template() -> str:
    return json.dumps({
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Role": ROLE,
            "Function": {"Type": "AWS::Lambda::Function", "Properties": {
                "Runtime": "python3.11", "Handler": "index.handler",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": HANDLER},
                "Environment": {"Variables": {"QUEUE": {"Fn::GetAtt": ["Queue", "QueueName"]}}},
            }},
            "Mapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
                "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]},
                "FunctionName": {"Ref": "Function"}, "BatchSize": 5}},
        },
        "Outputs": {"Function": {"Value": {"Ref": "Function"}},
                    "Queue": {"Value": {"Fn::GetAtt": ["Queue", "QueueName"]}},
                    "Mapping": {"Value": {"Ref": "Mapping"}}},
    })


def test_a_stack_deploys_a_queue_a_function_and_its_mapping(
        process_server: SimulatorServer) -> None:
    cloudformation, name = aws(process_server, "cloudformation"), unique_name("stack")
    cloudformation.create_stack(StackName=name, TemplateBody=queue_function_template(),
                                Capabilities=["CAPABILITY_IAM"])
    cloudformation.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    made = outputs(cloudformation, name)
    answer = lambda_client(process_server.url).invoke(FunctionName=made["Function"],
                                                      Payload=b'{"n": 1}')
    assert json.loads(answer["Payload"].read()) == {"queue": made["Queue"], "got": {"n": 1}}
    mapping = lambda_client(process_server.url).get_event_source_mapping(UUID=made["Mapping"])
    assert mapping["BatchSize"] == 5
    assert mapping["FunctionArn"].endswith(f":function:{made['Function']}")
    sqs = aws(process_server, "sqs")
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=made["Queue"])["QueueUrl"],
                     MessageBody="through the mapping")
    assert eventually(lambda: reports(process_server, made["Function"]) >= 2, timeout=30)
    resources = cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]
    assert {r["LogicalResourceId"]: r["ResourceStatus"] for r in resources} == {
        "Queue": "CREATE_COMPLETE", "Role": "CREATE_COMPLETE", "Function": "CREATE_COMPLETE",
        "Mapping": "CREATE_COMPLETE"}

    cloudformation.delete_stack(StackName=name)
    cloudformation.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=FAST)
    with pytest.raises(ClientError) as gone:
        lambda_client(process_server.url).get_function(FunctionName=made["Function"])
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_sam_template_deploys_through_a_change_set(process_server: SimulatorServer) -> None:
    cloudformation, name = aws(process_server, "cloudformation"), unique_name("sam")
    template = textwrap.dedent("""\
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Greeting: {Type: String, Default: hello}
        Resources:
          LambdaRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement: [{Effect: Allow, Action: sts:AssumeRole,
                             Principal: {Service: lambda.amazonaws.com}}]
          Greeter:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.11
              Handler: index.handler
              Role: !GetAtt LambdaRole.Arn
              Environment: {Variables: {GREETING: !Ref Greeting}}
              InlineCode: |
                import os
                def handler(event, context):
                    return os.environ["GREETING"] + " " + event["name"]
        Outputs:
          Function: {Value: !Ref Greeter}
        """)
    created = cloudformation.create_change_set(
        StackName=name, ChangeSetName="initial", ChangeSetType="CREATE", TemplateBody=template,
        Capabilities=["CAPABILITY_IAM"],
        Parameters=[{"ParameterKey": "Greeting", "ParameterValue": "hi"}])
    cloudformation.get_waiter("change_set_create_complete").wait(
        ChangeSetName=created["Id"], WaiterConfig=FAST)
    described = cloudformation.describe_change_set(ChangeSetName="initial", StackName=name)
    assert {(c["ResourceChange"]["Action"], c["ResourceChange"]["ResourceType"])
            for c in described["Changes"]} == {("Add", "AWS::IAM::Role"),
                                               ("Add", "AWS::Lambda::Function")}
    cloudformation.execute_change_set(ChangeSetName=created["Id"])
    cloudformation.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    function = outputs(cloudformation, name)["Function"]
    answer = lambda_client(process_server.url).invoke(FunctionName=function,
                                                      Payload=b'{"name": "sam"}')
    assert json.loads(answer["Payload"].read()) == "hi sam"
    processed = cloudformation.get_template(StackName=name, TemplateStage="Processed")
    assert "AWS::Lambda::Function" in json.dumps(processed["TemplateBody"])
    cloudformation.delete_stack(StackName=name)
    cloudformation.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=FAST)


def test_a_failed_resource_rolls_the_stack_back(process_server: SimulatorServer) -> None:
    cloudformation, name = aws(process_server, "cloudformation"), unique_name("broken")
    template = json.dumps({"Resources": {
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Odd": {"Type": "AWS::Made::Up", "DependsOn": "Queue"}}})
    cloudformation.create_stack(StackName=name, TemplateBody=template)
    with pytest.raises(WaiterError, match="ROLLBACK_COMPLETE"):
        cloudformation.get_waiter("stack_create_complete").wait(StackName=name,
                                                                WaiterConfig=FAST)
    (stack,) = cloudformation.describe_stacks(StackName=name)["Stacks"]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    events = cloudformation.describe_stack_events(StackName=name)["StackEvents"]
    failed = [e for e in events if e["ResourceStatus"] == "CREATE_FAILED"]
    assert [e["LogicalResourceId"] for e in failed] == ["Odd"]
    assert "AWS::Made::Up" in failed[0]["ResourceStatusReason"]
    assert ("Queue", "DELETE_COMPLETE") in [(e["LogicalResourceId"], e["ResourceStatus"])
                                           for e in events]


def test_a_template_url_on_the_simulators_s3(process_server: SimulatorServer) -> None:
    cloudformation, name = aws(process_server, "cloudformation"), unique_name("url")
    s3, bucket = aws(process_server, "s3"), unique_name("templates")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="t.json", Body=json.dumps({
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]},
                            "Export": {"Name": f"{name}-arn"}}}}).encode())
    url = f"https://{bucket}.s3.amazonaws.com/t.json"
    summary = cloudformation.get_template_summary(TemplateURL=url)
    assert summary["ResourceTypes"] == ["AWS::SQS::Queue"]
    cloudformation.create_stack(StackName=name, TemplateURL=url)
    cloudformation.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    exports = {e["Name"]: e["Value"] for e in cloudformation.list_exports()["Exports"]}
    assert exports[f"{name}-arn"].startswith("arn:aws:sqs:us-east-1:")
    cloudformation.delete_stack(StackName=name)
    cloudformation.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=FAST)


@pytest.mark.parametrize(("call", "code", "message"), [
    (lambda cf: cf.describe_stacks(StackName="no-such-stack"), "ValidationError",
     "Stack with id no-such-stack does not exist"),
    (lambda cf: cf.validate_template(TemplateBody='{"Resources": {}}'), "ValidationError",
     "Template format error: At least one Resources member must be defined."),
    (lambda cf: cf.create_stack(StackName="cycle", TemplateBody=json.dumps({"Resources": {
        "A": {"Type": "AWS::SQS::Queue", "DependsOn": "B"},
        "B": {"Type": "AWS::SQS::Queue", "DependsOn": "A"}}})), "ValidationError",
     "Circular dependency between resources: [A, B]"),
    (lambda cf: cf.list_stack_sets(), "InvalidAction", None),
])
def test_errors_are_cloudformations(process_server: SimulatorServer, call: Any, code: str,
                                    message: str | None) -> None:
    with pytest.raises(ClientError) as raised:
        call(aws(process_server, "cloudformation"))
    assert raised.value.response["Error"]["Code"] == code
    if message is not None:
        assert raised.value.response["Error"]["Message"] == message


def test_aws_cli_deploy(process_server: SimulatorServer, tmp_path: Path) -> None:
    cli = shutil.which("aws")
    assert cli is not None, "the AWS CLI is part of the test environment"
    name = unique_name("cli")
    template = tmp_path / "template.yaml"
    template.write_text(textwrap.dedent("""\
        Parameters:
          Visibility: {Type: Number, Default: 30}
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties: {VisibilityTimeout: !Ref Visibility}
        Outputs:
          Url: {Value: !Ref Queue}
        """))
    environment = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                   "AWS_DEFAULT_REGION": "us-east-1"}

    def deploy(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [cli, "--endpoint-url", process_server.url, "cloudformation", "deploy",
             "--template-file", str(template), "--stack-name", name, *extra],
            env=environment, capture_output=True, text=True, timeout=300, check=False)

    first = deploy("--parameter-overrides", "Visibility=45")
    assert first.returncode == 0, first.stderr
    cloudformation = aws(process_server, "cloudformation")
    url = outputs(cloudformation, name)["Url"]
    attributes = aws(process_server, "sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "45"
    again = deploy("--parameter-overrides", "Visibility=45")
    assert f"No changes to deploy. Stack {name} is up to date" in again.stderr

    cloudformation.update_stack(StackName=name, UsePreviousTemplate=True,
                                Parameters=[{"ParameterKey": "Visibility",
                                             "ParameterValue": "60"}])
    cloudformation.get_waiter("stack_update_complete").wait(StackName=name, WaiterConfig=FAST)
    attributes = aws(process_server, "sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "60"
    cloudformation.delete_stack(StackName=name)
    cloudformation.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=FAST)
