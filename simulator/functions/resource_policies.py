"""GetResourcePolicy, PutResourcePolicy and DeleteResourcePolicy: a function's, a version's or
an alias's resource-based policy read, replaced or removed as one document, named by its ARN.
It is the very policy AddPermission, GetPolicy and RemovePermission work on statement by
statement (a Put overwrites what AddPermission added, as AWS documents), so it lives in the
same store.

What the simulator keeps of a document is its statements: the document read back has Version
`2012-10-17` and Id `default`, as every policy GetPolicy answers. Each statement needs a `Sid`,
which RemovePermission names it by. A policy that would let anyone invoke without a condition
is refused, as AWS refuses public policies. Nothing here is enforced on invokes."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from simulator.errors import (
    InvalidParameterValueException,
    LambdaError,
    PreconditionFailedException,
    ResourceNotFoundException,
)
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.policies import NO_SUCH_RESOURCE, FunctionPolicies
from simulator.functions.policy_store import Policy, PolicyStore
from simulator.functions.validation import Violations, check_length, check_pattern
from simulator.models import LATEST

# The members' constraints, as botocore's model states them.
RESOURCE_ARN = re.compile(
    r"arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:"
    r"(function:[a-zA-Z0-9-_]+(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_])+)?|runtime/[a-zA-Z0-9-_./]+)")
FUNCTION_ARN = re.compile(r"arn:[^:]+:lambda:[^:]+:\d{12}:function:(?P<name>[a-zA-Z0-9-_]+)"
                          r"(:(?P<qualifier>.+))?")
MAX_POLICY = 20480
NO_POLICY = "No policy is associated with the given resource."
STALE_REVISION = ("The Revision Id provided does not match the latest Revision Id. Call the "
                  "GetResourcePolicy API to retrieve the latest Revision Id")


class PublicPolicyException(LambdaError):
    code = "PublicPolicyException"
    status = 400
    error_type = "User"
    message_key = "Message"


class ResourcePolicies:
    def __init__(self, functions: FunctionOperations, policies: FunctionPolicies,
                 store: PolicyStore) -> None:
        self._functions = functions
        self._policies = policies
        self._store = store
        self._lock = threading.Lock()  # a revision check and the write it allows

    def get(self, arn: str) -> dict[str, Any]:
        name, qualifier = self._resource(arn)
        return self._policies.get_policy(name, qualifier or None)

    def put(self, arn: str, body: dict[str, Any]) -> dict[str, Any]:
        """The document replaces the whole policy; RevisionId, if given, must name the
        policy it replaces."""
        text = body.get("Policy")
        v = Violations()
        if text is None:
            v.messages.append("Value null at 'policy' failed to satisfy constraint: Member "
                              "must not be null")
        else:
            check_length(v, text, "policy", MAX_POLICY)
        v.raise_if_any()
        name, qualifier = self._resource(arn)
        statements = _statements(str(text))
        with self._lock:
            _check_revision(body.get("RevisionId"), self._store.function_policy(name, qualifier))
            self._store.put_function_policy(name, qualifier, Policy(statements))
        return self._policies.get_policy(name, qualifier or None)

    def delete(self, arn: str, revision_id: str | None) -> None:
        name, qualifier = self._resource(arn)
        with self._lock:
            policy = self._store.function_policy(name, qualifier)
            if policy is None:
                raise ResourceNotFoundException(NO_POLICY)
            _check_revision(revision_id, policy)
            self._store.put_function_policy(name, qualifier, Policy())

    def _resource(self, arn: str) -> tuple[str, str]:
        """The function and qualifier a complete ARN names, which must exist ("" for the
        function itself, whose policy `$LATEST` shares)."""
        v = Violations()
        check_pattern(v, arn, "resourceArn", RESOURCE_ARN)
        if not v.messages:
            check_length(v, arn, "resourceArn", 512)
        v.raise_if_any()
        match = FUNCTION_ARN.fullmatch(arn)
        if match is None:  # a runtime's policy: the simulator has no such resource
            raise ResourceNotFoundException(NO_SUCH_RESOURCE)
        name, qualifier = match["name"], match["qualifier"] or ""
        if self._functions.lookup(f"{name}:{qualifier}" if qualifier else name) is None:
            raise ResourceNotFoundException(f"Function not found: {arn}")
        return name, "" if qualifier == LATEST else qualifier


def _statements(text: str) -> tuple[dict[str, Any], ...]:
    try:
        document = json.loads(text)
    except ValueError:
        raise InvalidParameterValueException(
            "The policy is not valid JSON: send a policy document as JSON text.") from None
    found = document.get("Statement") if isinstance(document, dict) else None
    statements = [found] if isinstance(found, dict) else found
    if not isinstance(statements, list) or not statements or not all(
            isinstance(statement, dict) for statement in statements):
        raise InvalidParameterValueException(
            "The policy must have a Statement: one statement or a list of them.")
    for statement in statements:
        if not isinstance(statement.get("Sid"), str) or not statement["Sid"]:
            raise InvalidParameterValueException(
                "Each statement of the policy needs a Sid: the simulator names statements by "
                "it, as RemovePermission does.")
        if _is_public(statement):
            raise PublicPolicyException(
                "The resource-based policy you tried to add to the Lambda resource would grant "
                "public access to it, which isn't allowed.")
    return tuple(statements)


def _is_public(statement: dict[str, Any]) -> bool:
    """Anyone allowed, on no condition."""
    principal = statement.get("Principal")
    accounts = principal.get("AWS") if isinstance(principal, dict) else None
    anyone = principal == "*" or accounts == "*" or (
        isinstance(accounts, list) and "*" in accounts)
    return statement.get("Effect") == "Allow" and anyone and not statement.get("Condition")


def _check_revision(given: str | None, policy: Policy | None) -> None:
    if given and (policy is None or given != policy.revision_id):
        raise PreconditionFailedException(STALE_REVISION)
