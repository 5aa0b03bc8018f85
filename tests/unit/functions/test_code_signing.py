"""Code signing configurations and the functions that use them: AWS's answers, checks and
wording, and the links' lifetime (made by CreateFunction or PutFunctionCodeSigningConfig,
gone with the function, in the way of deleting the configuration).

Expected answers and messages follow responses recorded against AWS (LocalStack's Lambda API
snapshots, Apache-2.0, recorded Nov 2025)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    CodeSigningConfigNotFoundException,
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
    UntypedResourceNotFoundException,
    ValidationException,
)
from simulator.functions.code_signing import CodeSigningConfigs
from tests.unit.functions.control_plane import ControlPlane
from tests.unit.lambda_service import LambdaService
from tests.unit.lambda_service import create as create_function

PROFILE = "arn:aws:signer:us-east-1:000000000000:/signing-profiles/test"
ACCOUNT = "arn:aws:lambda:us-east-1:000000000000"
CONFIG_ARN = re.compile(ACCOUNT + r":code-signing-config:(csc-[a-z0-9]{17})")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000")


@pytest.fixture
def plane(tmp_path: Path, pool: EnvironmentPool) -> Iterator[ControlPlane]:
    opened = ControlPlane.open(tmp_path, pool)
    opened.create()
    yield opened
    opened.close()


@pytest.fixture
def signing(plane: ControlPlane) -> CodeSigningConfigs:
    return CodeSigningConfigs(plane.settings, plane.functions, plane.code_signing)


def create(signing: CodeSigningConfigs, **body: Any) -> str:
    answer = signing.create({"AllowedPublishers": {"SigningProfileVersionArns": [PROFILE]},
                             **body})
    return str(answer["CodeSigningConfig"]["CodeSigningConfigArn"])


def missing(arn: str) -> str:
    """An ARN of the right shape that names no configuration (as AWS's test made one)."""
    return arn[:-1] + ("x" if arn[-1] != "x" else "y")


# -- configurations -----------------------------------------------------------------------


def test_a_configuration_as_aws_answers_it(signing: CodeSigningConfigs) -> None:
    answer = signing.create({
        "Description": "Testing CodeSigning Config",
        "AllowedPublishers": {"SigningProfileVersionArns": [PROFILE]},
        "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Enforce"}})

    config = dict(answer["CodeSigningConfig"])
    match = CONFIG_ARN.fullmatch(config["CodeSigningConfigArn"])
    assert match is not None and config["CodeSigningConfigId"] == match[1]
    assert TIMESTAMP.fullmatch(config.pop("LastModified"))
    assert config == {
        "CodeSigningConfigId": match[1], "CodeSigningConfigArn": match[0],
        "Description": "Testing CodeSigning Config",
        "AllowedPublishers": {"SigningProfileVersionArns": [PROFILE]},
        "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Enforce"}}
    assert signing.get(match[0]) == answer


def test_untrusted_artifacts_warn_unless_told_otherwise(signing: CodeSigningConfigs) -> None:
    arn = create(signing)

    config = signing.get(arn)["CodeSigningConfig"]

    assert config["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Warn"}
    assert config["Description"] == ""


def test_an_update_changes_only_the_members_given(signing: CodeSigningConfigs) -> None:
    arn = create(signing, Description="kept")

    updated = signing.update(arn, {"CodeSigningPolicies": {
        "UntrustedArtifactOnDeployment": "Enforce"}})["CodeSigningConfig"]
    unchanged = signing.update(arn, {})["CodeSigningConfig"]

    assert updated["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Enforce"}
    assert updated["Description"] == "kept"
    assert unchanged == updated == signing.get(arn)["CodeSigningConfig"]


@pytest.mark.parametrize("body, message", [
    ({}, "Value null at 'allowedPublishers' failed to satisfy constraint: Member must not be "
         "null"),
    ({"AllowedPublishers": {"SigningProfileVersionArns": []}},
     "Value '[]' at 'allowedPublishers.signingProfileVersionArns' failed to satisfy "
     "constraint: Member must have length greater than or equal to 1"),
    ({"AllowedPublishers": {"SigningProfileVersionArns": [PROFILE] * 21}},
     "Member must have length less than or equal to 20"),
    ({"AllowedPublishers": {"SigningProfileVersionArns": ["not-an-arn"]}},
     "Value '[not-an-arn]' at 'allowedPublishers.signingProfileVersionArns' failed to satisfy "
     "constraint: Member must satisfy constraint: [Member must satisfy regular expression "
     "pattern: arn:"),
    ({"AllowedPublishers": {"SigningProfileVersionArns": [PROFILE]},
      "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Block"}},
     "Value 'Block' at 'codeSigningPolicies.untrustedArtifactOnDeployment' failed to satisfy "
     "constraint: Member must satisfy enum value set: [Warn, Enforce]"),
    ({"AllowedPublishers": {"SigningProfileVersionArns": [PROFILE]}, "Description": "d" * 257},
     "at 'description' failed to satisfy constraint: Member must have length less than or "
     "equal to 256"),
])
def test_a_configuration_is_checked_as_aws_checks_it(
        signing: CodeSigningConfigs, body: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationException, match=re.escape(message)):
        signing.create(body)
    assert signing.list(None, None) == {"CodeSigningConfigs": []}


def test_a_missing_configuration_is_not_found_in_aws_words(signing: CodeSigningConfigs) -> None:
    absent = missing(create(signing))
    message = f"The Lambda code signing configuration {absent} can not be found."

    for call in (lambda: signing.get(absent), lambda: signing.update(absent, {}),
                 lambda: signing.delete(absent),
                 lambda: signing.list_functions(absent, None, None)):
        with pytest.raises(UntypedResourceNotFoundException) as raised:
            call()
        assert raised.value.message == message
        assert "Type" not in raised.value.body()


def test_a_malformed_configuration_arn_fails_the_members_pattern(
        signing: CodeSigningConfigs) -> None:
    with pytest.raises(ValidationException, match="at 'codeSigningConfigArn' failed to "
                       "satisfy constraint: Member must satisfy regular expression pattern"):
        signing.get(f"{ACCOUNT}:code-signing-config:nope")


def test_configurations_list_in_pages(signing: CodeSigningConfigs) -> None:
    arns = sorted(create(signing) for _ in range(3))

    first = signing.list(None, "2")
    rest = signing.list(first["NextMarker"], "2")

    assert [c["CodeSigningConfigArn"] for c in first["CodeSigningConfigs"]] == arns[:2]
    assert [c["CodeSigningConfigArn"] for c in rest["CodeSigningConfigs"]] == arns[2:]
    assert "NextMarker" not in rest


# -- the configuration a function uses ------------------------------------------------


def test_a_function_uses_a_configuration_until_it_is_removed(
        signing: CodeSigningConfigs) -> None:
    arn = create(signing)

    put = signing.put_function("fn", {"CodeSigningConfigArn": arn})

    assert put == {"CodeSigningConfigArn": arn, "FunctionName": "fn"}
    assert signing.get_function(f"{ACCOUNT}:function:fn") == put
    assert signing.list_functions(arn, None, None) == {
        "FunctionArns": [f"{ACCOUNT}:function:fn"]}
    signing.delete_function("fn")
    assert signing.get_function("fn") == {}
    assert signing.list_functions(arn, None, None) == {"FunctionArns": []}


def test_a_function_without_a_configuration_answers_empty_and_deletes_nothing(
        signing: CodeSigningConfigs) -> None:
    assert signing.get_function("fn") == {}
    signing.delete_function("fn")


def test_the_configuration_is_looked_for_before_the_function(
        signing: CodeSigningConfigs) -> None:
    absent = missing(create(signing))

    with pytest.raises(CodeSigningConfigNotFoundException) as raised:
        signing.put_function("csc-test-doesnotexist", {"CodeSigningConfigArn": absent})

    assert raised.value.message == (
        "The code signing configuration cannot be found. Check that the provided "
        f"configuration is not deleted: {absent}.")
    assert raised.value.body()["Type"] == "User"


def test_a_missing_function_is_named_by_its_unqualified_arn(
        signing: CodeSigningConfigs) -> None:
    arn = create(signing)
    message = f"Function not found: {ACCOUNT}:function:csc-test-doesnotexist"

    for call in (lambda: signing.put_function("csc-test-doesnotexist",
                                              {"CodeSigningConfigArn": arn}),
                 lambda: signing.get_function("csc-test-doesnotexist"),
                 lambda: signing.delete_function("csc-test-doesnotexist")):
        with pytest.raises(ResourceNotFoundException, match=re.escape(message)):
            call()


def test_a_configuration_in_use_cannot_be_deleted(signing: CodeSigningConfigs) -> None:
    arn = create(signing)
    signing.put_function("fn", {"CodeSigningConfigArn": arn})

    with pytest.raises(ResourceConflictException, match="used by one or more functions"):
        signing.delete(arn)

    signing.delete_function("fn")
    signing.delete(arn)
    assert signing.list(None, None) == {"CodeSigningConfigs": []}


# -- CreateFunction and DeleteFunction ------------------------------------------------


def test_create_function_attaches_its_code_signing_config(
        plane: ControlPlane, signing: CodeSigningConfigs) -> None:
    arn = create(signing)

    plane.create("signed", CodeSigningConfigArn=arn)

    assert signing.get_function("signed") == {"CodeSigningConfigArn": arn,
                                              "FunctionName": "signed"}


def test_create_function_refuses_a_configuration_that_does_not_exist(
        plane: ControlPlane, signing: CodeSigningConfigs) -> None:
    absent = missing(create(signing))

    with pytest.raises(CodeSigningConfigNotFoundException):
        plane.create("unsigned", CodeSigningConfigArn=absent)

    assert plane.functions.latest("unsigned") is None


def test_a_deleted_function_no_longer_uses_its_configuration(
        plane: ControlPlane, signing: CodeSigningConfigs) -> None:
    arn = create(signing)
    plane.create("signed", CodeSigningConfigArn=arn)

    plane.functions.delete_function("signed")
    plane.create("signed")

    assert signing.get_function("signed") == {}
    signing.delete(arn)


def test_a_control_plane_without_code_signing_finds_no_configuration(
        service: LambdaService) -> None:
    with pytest.raises(CodeSigningConfigNotFoundException):
        create_function(service, CodeSigningConfigArn=f"{ACCOUNT}:code-signing-config:csc-"
                                                      + "a" * 17)


def test_tags_are_checked(signing: CodeSigningConfigs) -> None:
    with pytest.raises(InvalidParameterValueException, match="reserved prefix"):
        create(signing, Tags={"aws:owner": "me"})
