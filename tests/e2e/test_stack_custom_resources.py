"""Custom resources against a real simulator: the provisioner invokes a real function
asynchronously with CloudFormation's request, and the function answers by PUTting to the
presigned ResponseURL, with urllib or with the cfnresponse module CloudFormation puts beside
inline code."""

from __future__ import annotations

import json

import pytest

from simulator.http_server import SimulatorServer
from simulator.stacks.provisioning import ResourceFailed
from tests.conftest import require_interpreter
from tests.e2e.stack_context import context_of, inline_function, provisioner

ANSWERS_WITH_URLLIB = """\
import json
import urllib.request


def handler(event, context):
    properties = event["ResourceProperties"]
    failing = properties.get("FailOn") == event["RequestType"]
    answer = {
        "Status": "FAILED" if failing else "SUCCESS",
        "Reason": "asked to fail on " + event["RequestType"],
        "PhysicalResourceId": properties.get("Id") or event.get("PhysicalResourceId"),
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {
            "RequestType": event["RequestType"],
            "ResourceType": event["ResourceType"],
            "Count": properties.get("Count"),
            "ServiceToken": properties["ServiceToken"],
            "Old": json.dumps(event.get("OldResourceProperties")),
            "Previous": event.get("PhysicalResourceId", ""),
        },
    }
    body = json.dumps(answer).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                     headers={"Content-Type": ""})
    with urllib.request.urlopen(request) as response:
        response.read()
"""

ANSWERS_WITH_CFNRESPONSE = """\
import cfnresponse


def handler(event, context):
    size = int(event["ResourceProperties"]["Size"])
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {"Double": size * 2}, "fixed-id")
"""

ANSWERS_WITH_NODE_CFN_RESPONSE = """\
const response = require("cfn-response");

exports.handler = function (event, context) {
  const word = event.ResourceProperties.Word;
  response.send(event, context, response.SUCCESS, { Upper: word.toUpperCase() }, "node-id");
};
"""

NEVER_ANSWERS = "def handler(event, context):\n    return None\n"


def test_custom_resource_lifecycle(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Setup")
    function = provisioner("AWS::Lambda::Function").create(
        context, inline_function(ANSWERS_WITH_URLLIB))
    token = function.attributes["Arn"]
    custom = provisioner("Custom::Setup")
    properties = {"ServiceToken": token, "Id": "first", "Count": 3}
    created = custom.create(context, properties)
    assert created.physical_id == "first"
    assert created.attributes == {"RequestType": "Create", "ResourceType": "Custom::Setup",
                                  "Count": "3", "ServiceToken": token, "Old": "null",
                                  "Previous": ""}

    changed = {"ServiceToken": token, "Id": "first", "Count": 4}
    assert not custom.replaces(properties, changed)
    updated = custom.update(context, "first", properties, changed)
    assert updated.physical_id == "first"
    assert updated.attributes["RequestType"] == "Update"
    assert updated.attributes["Previous"] == "first"
    assert json.loads(updated.attributes["Old"]) == {"ServiceToken": token, "Id": "first",
                                                     "Count": "3"}
    with pytest.raises(ResourceFailed, match="service token"):
        custom.update(context, "first", changed, {**changed, "ServiceToken": token + ":1"})

    failing_delete = {**changed, "FailOn": "Delete"}
    with pytest.raises(ResourceFailed, match="asked to fail on Delete"):
        custom.delete(context, "first", failing_delete)
    custom.delete(context, "first", changed)


def test_custom_resource_failure_reaches_the_stack(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Broken")
    function = provisioner("AWS::Lambda::Function").create(
        context, inline_function(ANSWERS_WITH_URLLIB))
    with pytest.raises(ResourceFailed, match="^asked to fail on Create$"):
        provisioner("AWS::CloudFormation::CustomResource").create(
            context, {"ServiceToken": function.attributes["Arn"], "Id": "x",
                      "FailOn": "Create"})


def test_inline_code_answers_with_cfnresponse(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Doubler")
    function = provisioner("AWS::Lambda::Function").create(
        context, inline_function(ANSWERS_WITH_CFNRESPONSE))
    created = provisioner("Custom::Doubler").create(
        context, {"ServiceToken": function.attributes["Arn"], "Size": 21})
    assert (created.physical_id, created.attributes) == ("fixed-id", {"Double": 42})


def test_inline_node_code_answers_with_cfn_response(process_server: SimulatorServer) -> None:
    require_interpreter("process", "nodejs20.x")
    context = context_of(process_server, "Upper")
    function = provisioner("AWS::Lambda::Function").create(context, inline_function(
        ANSWERS_WITH_NODE_CFN_RESPONSE, Runtime="nodejs20.x"))
    created = provisioner("Custom::Upper").create(
        context, {"ServiceToken": function.attributes["Arn"], "Word": "loud"})
    assert (created.physical_id, created.attributes) == ("node-id", {"Upper": "LOUD"})


def test_no_answer_times_out(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Silent", custom_resource_timeout=0.5)
    function = provisioner("AWS::Lambda::Function").create(
        context, inline_function(NEVER_ANSWERS))
    with pytest.raises(ResourceFailed, match="did not receive a response"):
        provisioner("Custom::Silent").create(context, {"ServiceToken":
                                                       function.attributes["Arn"]})
