"""A function or an API named on the command line by a template's logical id
(`HelloWorldFunction`, `ServerlessHttpApi`), as a README's commands name it: found among the
deployed stacks' resources when nothing has that name."""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import ClientError

FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
API_TYPES = ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api")
API_ID = re.compile(r"[a-z0-9]{10}")
ACTIVE = ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE",
          "IMPORT_COMPLETE", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"]


class AmbiguousLogicalId(Exception):
    """A logical id that names a resource in several stacks."""


def function_name(lam: Any, cloudformation: Any, name: str) -> str:
    """`name` itself when a function has it; else the function of that logical id in the
    one stack that has one (`STACK/LOGICAL-ID` picks the stack)."""
    if "/" not in name and _exists(lam, name):
        return name
    return physical_id(cloudformation, name, FUNCTION_TYPES, "a function")


def api_id(cloudformation: Any, name: str) -> str:
    """`name` itself when it is an API id; else the API of that logical id, as above."""
    if API_ID.fullmatch(name):
        return name
    return physical_id(cloudformation, name, API_TYPES, "an API")


def physical_id(cloudformation: Any, name: str, types: tuple[str, ...], what: str) -> str:
    """The physical id of the resource of one of `types` that logical id `name` names in
    the one stack that has it; `name` as it is when no stack has it."""
    stack_name, _, logical_id = name.rpartition("/")
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
        if resource.get("ResourceType") in types and resource.get("PhysicalResourceId"):
            found[stack] = resource["PhysicalResourceId"]
    if len(found) > 1:
        raise AmbiguousLogicalId(
            f"{logical_id} names {what} in stacks {', '.join(sorted(found))}: say which, "
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
