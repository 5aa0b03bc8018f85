"""A function named on the command line by a template's logical id (`HelloWorldFunction`),
as a README's commands name it: found among the deployed stacks' resources when no function
has that name."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
ACTIVE = ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE",
          "IMPORT_COMPLETE", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"]


class AmbiguousLogicalId(Exception):
    """A logical id that names a function in several stacks."""


def function_name(lam: Any, cloudformation: Any, name: str) -> str:
    """`name` itself when a function has it; else the function of that logical id in the
    one stack that has one (`STACK/LOGICAL-ID` picks the stack)."""
    stack_name, _, logical_id = name.rpartition("/")
    if not stack_name and _exists(lam, name):
        return name
    stacks = [stack_name] if stack_name else [
        summary["StackName"] for page in
        cloudformation.get_paginator("list_stacks").paginate(StackStatusFilter=ACTIVE)
        for summary in page["StackSummaries"]]
    found = {}
    for stack in stacks:
        try:
            resource = cloudformation.describe_stack_resource(
                StackName=stack, LogicalResourceId=logical_id)["StackResourceDetail"]
        except ClientError:
            continue
        if resource.get("ResourceType") in FUNCTION_TYPES and resource.get("PhysicalResourceId"):
            found[stack] = resource["PhysicalResourceId"]
    if len(found) > 1:
        raise AmbiguousLogicalId(
            f"{logical_id} names a function in stacks {', '.join(sorted(found))}: say which, "
            f"as STACK/{logical_id}")
    return next(iter(found.values()), name)


def _exists(lam: Any, name: str) -> bool:
    try:
        lam.get_function(FunctionName=name)
    except ClientError as error:
        if error.response["Error"].get("Code") == "ResourceNotFoundException":
            return False
        raise
    return True
