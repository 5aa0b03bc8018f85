"""The resource provisioners against a real simulator: each creates, reports its `Ref` and
`Fn::GetAtt` values, updates, and deletes through the simulator's own endpoint, as the stack
engine drives them."""

from __future__ import annotations

import json

import pytest

from simulator.http_server import SimulatorServer
from tests.e2e.stack_context import context_of, inline_function, provisioner
from tests.helpers import ROLE, make_zip

ECHO = "def handler(event, context):\n    return {'echo': event, 'version': 1}\n"


def test_function_create_update_delete(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Echo")
    functions = provisioner("AWS::Lambda::Function")
    lam = context.client("lambda")
    created = functions.create(context, inline_function(ECHO, Timeout="10"))
    name = created.physical_id
    assert name.startswith(f"{context.stack_name}-Echo-")
    arn = f"arn:aws:lambda:us-east-1:{context.account_id}:function:{name}"
    assert created.attributes["Arn"] == arn
    config = lam.get_function_configuration(FunctionName=name)
    assert config["State"] == "Active" and config["Timeout"] == 10
    answer = lam.invoke(FunctionName=name, Payload=b'{"a": 1}')["Payload"].read()
    assert b'"echo": {"a": 1}' in answer

    old = inline_function(ECHO, Timeout="10")
    new = inline_function(ECHO.replace("1}", "2}"), MemorySize=256)
    assert not functions.replaces(old, new)
    functions.update(context, name, old, new)
    config = lam.get_function_configuration(FunctionName=name)
    assert (config["MemorySize"], config["Timeout"]) == (256, 3)
    assert b'"version": 2' in lam.invoke(FunctionName=name)["Payload"].read()
    assert functions.replaces(new, {**new, "FunctionName": "other"})

    functions.delete(context, name, new)
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function(FunctionName=name)
    functions.delete(context, name, new)  # already gone: nothing to do


def test_function_versions_alias_permission_url(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Api")
    lam = context.client("lambda")
    name = provisioner("AWS::Lambda::Function").create(context, inline_function(ECHO)).physical_id

    versions = provisioner("AWS::Lambda::Version")
    version = versions.create(context, {"FunctionName": name, "Description": "first"})
    function_arn = lam.get_function_configuration(FunctionName=name)["FunctionArn"]
    assert version.physical_id == f"{function_arn}:1"
    assert version.attributes == {"FunctionArn": version.physical_id, "Version": "1"}

    aliases = provisioner("AWS::Lambda::Alias")
    alias_properties = {"FunctionName": name, "Name": "live", "FunctionVersion": "1"}
    alias = aliases.create(context, alias_properties)
    assert alias.physical_id.endswith(f":function:{name}:live")
    assert alias.attributes["AliasArn"] == alias.physical_id
    lam.update_function_configuration(FunctionName=name, Description="second")
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    second = versions.create(context, {"FunctionName": name})
    routed = {**alias_properties, "RoutingConfig": {"AdditionalVersionWeights": [
        {"FunctionVersion": second.attributes["Version"], "FunctionWeight": 0.25}]}}
    assert not aliases.replaces(alias_properties, routed)
    assert aliases.replaces(alias_properties, {**alias_properties, "Name": "other"})
    aliases.update(context, alias.physical_id, alias_properties, routed)
    assert lam.get_alias(FunctionName=name, Name="live")["RoutingConfig"] == {
        "AdditionalVersionWeights": {"2": 0.25}}

    permissions = provisioner("AWS::Lambda::Permission")
    permission_properties = {"FunctionName": name, "Action": "lambda:InvokeFunction",
                             "Principal": "s3.amazonaws.com",
                             "SourceArn": "arn:aws:s3:::some-bucket"}
    permission = permissions.create(context, permission_properties)
    policy = json.loads(lam.get_policy(FunctionName=name)["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == [permission.physical_id]
    assert permissions.replaces(permission_properties,
                                {**permission_properties, "Principal": "sns.amazonaws.com"})

    urls = provisioner("AWS::Lambda::Url")
    url_properties = {"TargetFunctionArn": name, "AuthType": "NONE"}
    url = urls.create(context, url_properties)
    assert url.attributes["FunctionUrl"] == lam.get_function_url_config(
        FunctionName=name)["FunctionUrl"]
    assert url.attributes["FunctionArn"].endswith(f":function:{name}")
    urls.update(context, url.physical_id, url_properties, {**url_properties,
                                                            "AuthType": "AWS_IAM"})
    assert lam.get_function_url_config(FunctionName=name)["AuthType"] == "AWS_IAM"

    invoke_configs = provisioner("AWS::Lambda::EventInvokeConfig")
    invoke_properties = {"FunctionName": name, "Qualifier": "$LATEST",
                         "MaximumRetryAttempts": "1"}
    invoke_config = invoke_configs.create(context, invoke_properties)
    assert lam.get_function_event_invoke_config(
        FunctionName=name, Qualifier="$LATEST")["MaximumRetryAttempts"] == 1

    invoke_configs.delete(context, invoke_config.physical_id, invoke_properties)
    urls.delete(context, url.physical_id, url_properties)
    permissions.delete(context, permission.physical_id, permission_properties)
    aliases.delete(context, alias.physical_id, routed)
    versions.delete(context, second.physical_id, {"FunctionName": name})
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]
            ] == ["$LATEST", "1"]
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function_url_config(FunctionName=name)
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_alias(FunctionName=name, Name="live")


def test_role_with_inline_and_managed_policies(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Role")
    iam = context.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    managed = provisioner("AWS::IAM::ManagedPolicy")
    managed_policy = managed.create(context, {"PolicyDocument": document})
    assert managed_policy.physical_id.startswith(
        f"arn:aws:iam::{context.account_id}:policy/{context.stack_name}-Role-")
    assert managed_policy.attributes["PolicyArn"] == managed_policy.physical_id

    roles = provisioner("AWS::IAM::Role")
    role_properties = {"AssumeRolePolicyDocument": trust,
                       "Policies": [{"PolicyName": "read", "PolicyDocument": document}],
                       "ManagedPolicyArns": [managed_policy.physical_id]}
    role = roles.create(context, role_properties)
    assert role.attributes["Arn"] == f"arn:aws:iam::{context.account_id}:role/{role.physical_id}"
    assert role.attributes["RoleId"] == iam.get_role(RoleName=role.physical_id)["Role"]["RoleId"]
    assert iam.list_role_policies(RoleName=role.physical_id)["PolicyNames"] == ["read"]

    changed = {"AssumeRolePolicyDocument": trust, "Description": "changed",
               "Policies": [{"PolicyName": "write", "PolicyDocument": document}]}
    assert not roles.replaces(role_properties, changed)
    assert roles.replaces(role_properties, {**role_properties, "Path": "/other/"})
    roles.update(context, role.physical_id, role_properties, changed)
    assert iam.list_role_policies(RoleName=role.physical_id)["PolicyNames"] == ["write"]
    assert iam.list_attached_role_policies(RoleName=role.physical_id)["AttachedPolicies"] == []
    assert iam.get_role(RoleName=role.physical_id)["Role"]["Description"] == "changed"

    policies = provisioner("AWS::IAM::Policy")
    policy_properties = {"PolicyName": "extra", "PolicyDocument": document,
                         "Roles": [role.physical_id]}
    policy = policies.create(context, policy_properties)
    assert "extra" in iam.list_role_policies(RoleName=role.physical_id)["PolicyNames"]
    policies.delete(context, policy.physical_id, policy_properties)
    assert "extra" not in iam.list_role_policies(RoleName=role.physical_id)["PolicyNames"]

    writes = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}
    managed.update(context, managed_policy.physical_id, {"PolicyDocument": document},
                   {"PolicyDocument": writes, "Roles": [role.physical_id]})
    assert iam.get_policy(PolicyArn=managed_policy.physical_id)["Policy"][
        "DefaultVersionId"] == "v2"
    roles.delete(context, role.physical_id, changed)  # detaches the managed policy first
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName=role.physical_id)
    managed.delete(context, managed_policy.physical_id, {"PolicyDocument": writes})
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_policy(PolicyArn=managed_policy.physical_id)


def test_queue_and_queue_policy(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Jobs")
    sqs = context.client("sqs")
    queues = provisioner("AWS::SQS::Queue")
    queue = queues.create(context, {"VisibilityTimeout": 45, "Tags": [
        {"Key": "team", "Value": "a"}]})
    url = queue.physical_id
    assert queue.attributes["QueueUrl"] == url == sqs.get_queue_url(
        QueueName=queue.attributes["QueueName"])["QueueUrl"]
    assert queue.attributes["QueueName"].startswith(f"{context.stack_name}-Jobs-")
    assert queue.attributes["Arn"] == (f"arn:aws:sqs:us-east-1:{context.account_id}:"
                                       f"{queue.attributes['QueueName']}")
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])[
        "Attributes"]["VisibilityTimeout"] == "45"
    fifo = queues.create(context, {"FifoQueue": "true"})
    assert fifo.attributes["QueueName"].endswith(".fifo")
    assert queues.replaces({}, {"FifoQueue": True})

    queues.update(context, url, {"VisibilityTimeout": 45}, {"DelaySeconds": "5"})
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attributes["VisibilityTimeout"], attributes["DelaySeconds"]) == ("30", "5")

    policies = provisioner("AWS::SQS::QueuePolicy")
    document = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": queue.attributes["Arn"]}]}
    policy = policies.create(context, {"Queues": [url], "PolicyDocument": document})
    assert json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])[
        "Attributes"]["Policy"]) == document
    policies.delete(context, policy.physical_id, {"Queues": [url], "PolicyDocument": document})
    assert "Policy" not in sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {})

    for created in (queue, fifo):
        queues.delete(context, created.physical_id, {})
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=queue.attributes["QueueName"])


def test_layer_and_function_code_from_s3(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Shared")
    s3, lam = context.client("s3"), context.client("lambda")
    bucket = provisioner("AWS::S3::Bucket").create(context, {}).physical_id
    s3.put_object(Bucket=bucket, Key="layer.zip", Body=make_zip(
        {"python/greeting.py": "WORD = 'hello from the layer'\n"}))
    s3.put_object(Bucket=bucket, Key="code.zip", Body=make_zip(
        {"app.py": "import greeting\n\ndef handler(event, context):\n"
                   "    return greeting.WORD\n"}))
    layers = provisioner("AWS::Lambda::LayerVersion")
    layer_properties = {"Content": {"S3Bucket": bucket, "S3Key": "layer.zip"},
                        "CompatibleRuntimes": ["python3.11"]}
    layer = layers.create(context, layer_properties)
    assert layer.physical_id.startswith(
        f"arn:aws:lambda:us-east-1:{context.account_id}:layer:{context.stack_name}-Shared-")
    assert layer.physical_id.endswith(":1")
    assert layer.attributes == {"LayerVersionArn": layer.physical_id}
    assert layers.replaces(layer_properties, {**layer_properties, "Description": "new"})

    function = provisioner("AWS::Lambda::Function").create(context, {
        "Runtime": "python3.11", "Handler": "app.handler", "Role": ROLE,
        "Code": {"S3Bucket": bucket, "S3Key": "code.zip"}, "Layers": [layer.physical_id]})
    answer = lam.invoke(FunctionName=function.physical_id)["Payload"].read()
    assert json.loads(answer) == "hello from the layer"

    permissions = provisioner("AWS::Lambda::LayerVersionPermission")
    permission_properties = {"LayerVersionArn": layer.physical_id,
                             "Action": "lambda:GetLayerVersion", "Principal": "*"}
    permission = permissions.create(context, permission_properties)
    assert permission.physical_id.startswith(f"{layer.physical_id}#")
    layer_name, number = layer.physical_id.rsplit(":", 1)
    policy = json.loads(lam.get_layer_version_policy(LayerName=layer_name,
                                                     VersionNumber=int(number))["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == [permission.physical_id.split("#")[1]]
    permissions.delete(context, permission.physical_id, permission_properties)
    layers.delete(context, layer.physical_id, layer_properties)
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_layer_version(LayerName=layer_name, VersionNumber=int(number))
