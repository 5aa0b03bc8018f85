"""A deploy as the deploy tools run it through a CloudFormation client: create the stack, or
update it, and wait for the outcome; a failure is told by the first resource that failed.
`lambda-sim deploy` and a template served by `lambda-sim serve` both go this way."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
SUCCEEDED = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE"})
STACK_TYPE = "AWS::CloudFormation::Stack"
OPERATION_STARTS = frozenset({"CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS"})
POLL_SECONDS = 0.1
NO_UPDATES = "No updates are to be performed"


class StackDeployFailed(Exception):
    """The stack did not reach CREATE_COMPLETE or UPDATE_COMPLETE; the message says why."""


@dataclass(frozen=True)
class DeployedStack:
    name: str
    stack_id: str
    status: str
    changed: bool
    outputs: dict[str, str]


def deploy_stack(cloudformation: Any, name: str, source: Mapping[str, str],
                 parameters: Mapping[str, str],
                 tags: Mapping[str, str] | None = None) -> DeployedStack:
    """Create the stack `name` from `source` (TemplateBody or TemplateURL), or update it; one
    left in ROLLBACK_COMPLETE by a failed creation cannot be updated, so it is deleted and
    created anew. `tags`: None keeps an existing stack's tags."""
    arguments: dict[str, Any] = {
        "StackName": name, **source, "Capabilities": CAPABILITIES,
        "Parameters": [{"ParameterKey": key, "ParameterValue": value}
                       for key, value in parameters.items()]}
    if tags is not None:  # an update's empty list would take the stack's tags away
        arguments["Tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
    existing = existing_stack(cloudformation, name)
    if existing is not None and existing["StackStatus"] == "ROLLBACK_COMPLETE":
        cloudformation.delete_stack(StackName=existing["StackId"])
        settled(cloudformation, existing["StackId"])
        existing = None
    if existing is None:
        stack_id = cloudformation.create_stack(**arguments)["StackId"]
    else:
        stack_id = existing["StackId"]
        try:
            cloudformation.update_stack(**arguments)
        except ClientError as error:
            if NO_UPDATES not in str(error.response["Error"].get("Message")):
                raise
            return deployed(name, existing, changed=False)
    final = settled(cloudformation, stack_id)
    if final["StackStatus"] not in SUCCEEDED:
        raise StackDeployFailed(f"stack {name} {final['StackStatus']}: "
                                f"{failure_reason(cloudformation, final)}")
    return deployed(name, final, changed=True)


def existing_stack(cloudformation: Any, name: str) -> dict[str, Any] | None:
    try:
        (found,) = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error.response["Error"].get("Message")):
            return None
        raise
    return dict(found)


def settled(cloudformation: Any, stack_id: str) -> dict[str, Any]:
    """The stack once its operation has ended (CloudFormation bounds how long that takes)."""
    while True:
        (stack,) = cloudformation.describe_stacks(StackName=stack_id)["Stacks"]
        if not stack["StackStatus"].endswith("_IN_PROGRESS"):
            return dict(stack)
        time.sleep(POLL_SECONDS)


def failure_reason(cloudformation: Any, stack: Mapping[str, Any]) -> str:
    """The first resource that failed in the stack's last operation, with CloudFormation's
    reason; the stack's own reason when no resource failed."""
    failures = [event for event in _last_operation_events(cloudformation, stack["StackId"])
                if event["ResourceType"] != STACK_TYPE
                and event["ResourceStatus"].endswith("_FAILED")]
    if not failures:
        return str(stack.get("StackStatusReason") or "no reason given")
    first = failures[-1]
    return (f"{first['LogicalResourceId']} ({first['ResourceType']}) {first['ResourceStatus']}: "
            f"{first.get('ResourceStatusReason', '')}")


def _last_operation_events(cloudformation: Any, stack_id: str) -> Iterator[dict[str, Any]]:
    """Newest first, back to the stack's own event that began its last create or update."""
    for page in cloudformation.get_paginator("describe_stack_events").paginate(
            StackName=stack_id):
        for event in page["StackEvents"]:
            if event["ResourceType"] == STACK_TYPE and event["ResourceStatus"] in OPERATION_STARTS:
                return
            yield event


def deployed(name: str, stack: Mapping[str, Any], changed: bool) -> DeployedStack:
    return DeployedStack(name, stack["StackId"], stack["StackStatus"], changed, {
        output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])})
