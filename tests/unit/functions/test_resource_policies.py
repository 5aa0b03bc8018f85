"""Whole resource-based policies by ARN: the same policy AddPermission builds, replaced by a
Put, removed by a Delete, with revision checks and the refusal of public policies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceNotFoundException,
    ValidationException,
)
from simulator.functions.policies import FunctionPolicies
from simulator.functions.resource_policies import PublicPolicyException, ResourcePolicies
from tests.unit.functions.control_plane import ControlPlane

ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"
S3 = {"Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
      "Action": "lambda:InvokeFunction", "Resource": ARN}


@pytest.fixture
def plane(tmp_path: Path, pool: EnvironmentPool) -> Iterator[ControlPlane]:
    opened = ControlPlane.open(tmp_path, pool)
    opened.create()
    yield opened
    opened.close()


@pytest.fixture
def function_policies(plane: ControlPlane) -> FunctionPolicies:
    return FunctionPolicies(plane.settings, plane.functions, plane.version_store,
                            plane.policies)


@pytest.fixture
def policies(plane: ControlPlane, function_policies: FunctionPolicies) -> ResourcePolicies:
    return ResourcePolicies(plane.functions, function_policies, plane.policies)


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_a_put_policy_is_the_policy_get_policy_reads(
        policies: ResourcePolicies, function_policies: FunctionPolicies) -> None:
    put = policies.put(ARN, {"Policy": document(S3)})

    assert json.loads(put["Policy"]) == {"Version": "2012-10-17", "Id": "default",
                                         "Statement": [S3]}
    assert policies.get(ARN) == put == function_policies.get_policy("fn", None)


def test_a_put_replaces_what_add_permission_added(
        policies: ResourcePolicies, function_policies: FunctionPolicies) -> None:
    function_policies.add_permission("fn", None, {
        "StatementId": "sns", "Action": "lambda:InvokeFunction",
        "Principal": "sns.amazonaws.com"})

    policies.put(f"{ARN}:$LATEST", {"Policy": json.dumps({"Statement": S3})})

    assert json.loads(policies.get(ARN)["Policy"])["Statement"] == [S3]


def test_a_version_has_a_policy_of_its_own(plane: ControlPlane,
                                           policies: ResourcePolicies) -> None:
    version = plane.publish()

    policies.put(f"{ARN}:{version}", {"Policy": document(S3)})

    assert json.loads(policies.get(f"{ARN}:{version}")["Policy"])["Statement"] == [S3]
    with pytest.raises(ResourceNotFoundException):
        policies.get(ARN)


def test_revisions_guard_a_put_and_a_delete(policies: ResourcePolicies) -> None:
    revision = policies.put(ARN, {"Policy": document(S3)})["RevisionId"]

    with pytest.raises(PreconditionFailedException, match="GetResourcePolicy"):
        policies.put(ARN, {"Policy": document(S3), "RevisionId": "0" * 36})
    with pytest.raises(PreconditionFailedException):
        policies.delete(ARN, "0" * 36)
    policies.delete(ARN, revision)
    with pytest.raises(ResourceNotFoundException,
                       match="No policy is associated with the given resource."):
        policies.delete(ARN, None)


@pytest.mark.parametrize("statement", [
    {"Sid": "anyone", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"},
    {"Sid": "anyone", "Effect": "Allow", "Principal": {"AWS": ["*"]},
     "Action": "lambda:InvokeFunction"},
])
def test_a_public_policy_is_refused(policies: ResourcePolicies,
                                    statement: dict[str, Any]) -> None:
    with pytest.raises(PublicPolicyException, match="would grant public access"):
        policies.put(ARN, {"Policy": document(statement)})


def test_anyone_on_a_condition_is_not_public(policies: ResourcePolicies) -> None:
    url = {"Sid": "url", "Effect": "Allow", "Principal": "*",
           "Action": "lambda:InvokeFunctionUrl",
           "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}

    assert json.loads(policies.put(ARN, {"Policy": document(url)})["Policy"])[
        "Statement"] == [url]


@pytest.mark.parametrize("text, error", [
    ("{not json", InvalidParameterValueException),
    (json.dumps({"Version": "2012-10-17"}), InvalidParameterValueException),
    (document({"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}}),
     InvalidParameterValueException),
    ("x" * 20481, ValidationException),
])
def test_a_policy_document_is_checked(policies: ResourcePolicies, text: str,
                                      error: type[Exception]) -> None:
    with pytest.raises(error):
        policies.put(ARN, {"Policy": text})


@pytest.mark.parametrize("arn, error", [
    ("fn", ValidationException),
    (f"{ARN}x", ResourceNotFoundException),
    (f"{ARN}:live", ResourceNotFoundException),
    ("arn:aws:lambda:us-east-1:000000000000:runtime/python3.12", ResourceNotFoundException),
])
def test_the_resource_must_exist(policies: ResourcePolicies, arn: str,
                                 error: type[Exception]) -> None:
    with pytest.raises(error):
        policies.get(arn)
