"""Recursion and runtime management configurations: AWS's defaults, what a Put keeps and
answers, its checks, and the settings' lifetime (per function, per version, gone with them).

The recursion answers and messages follow responses recorded against AWS (LocalStack's Lambda
API snapshots, Apache-2.0, recorded Nov 2025); runtime management follows AWS's API reference."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
    ValidationException,
)
from simulator.functions.function_settings import FunctionSettings
from tests.unit.functions.control_plane import ControlPlane

ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"
RUNTIME = "arn:aws:lambda:us-east-1::runtime:0b8ec1b6f9d2e0d3e8c0a3e5b7f3c0d4"


@pytest.fixture
def plane(tmp_path: Path, pool: EnvironmentPool) -> Iterator[ControlPlane]:
    opened = ControlPlane.open(tmp_path, pool)
    opened.create()
    yield opened
    opened.close()


@pytest.fixture
def settings(plane: ControlPlane) -> FunctionSettings:
    return FunctionSettings(plane.settings, plane.functions, plane.function_settings)


# -- recursion ----------------------------------------------------------------------------


def test_recursive_loops_are_terminated_by_default(settings: FunctionSettings) -> None:
    assert settings.get_recursion_config("fn") == {"RecursiveLoop": "Terminate"}


def test_a_put_recursion_config_is_kept(settings: FunctionSettings) -> None:
    assert settings.put_recursion_config("fn", {"RecursiveLoop": "Allow"}) == {
        "RecursiveLoop": "Allow"}
    assert settings.get_recursion_config(ARN) == {"RecursiveLoop": "Allow"}
    settings.put_recursion_config("fn", {"RecursiveLoop": "Terminate"})
    assert settings.get_recursion_config("fn") == {"RecursiveLoop": "Terminate"}


def test_an_unknown_recursive_loop_value_in_aws_words(settings: FunctionSettings) -> None:
    with pytest.raises(ValidationException) as raised:
        settings.put_recursion_config("fn", {"RecursiveLoop": "InvalidValue"})

    assert raised.value.message == (
        "1 validation error detected: Value 'InvalidValue' at 'recursiveLoop' failed to "
        "satisfy constraint: Member must satisfy enum value set: [Terminate, Allow]")


def test_recursion_is_the_whole_functions(settings: FunctionSettings) -> None:
    with pytest.raises(ValidationException, match="Value 'fn:1' at 'functionName'"):
        settings.get_recursion_config("fn:1")
    with pytest.raises(ResourceNotFoundException, match=re.escape(
            "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope")):
        settings.put_recursion_config("nope", {"RecursiveLoop": "Allow"})


def test_a_recreated_function_starts_from_the_default(plane: ControlPlane,
                                                      settings: FunctionSettings) -> None:
    settings.put_recursion_config("fn", {"RecursiveLoop": "Allow"})

    plane.functions.delete_function("fn")
    plane.create()

    assert settings.get_recursion_config("fn") == {"RecursiveLoop": "Terminate"}


# -- runtime management -------------------------------------------------------------------


def test_runtimes_update_automatically_by_default(settings: FunctionSettings) -> None:
    assert settings.get_runtime_management_config("fn", None) == {
        "UpdateRuntimeOn": "Auto", "FunctionArn": ARN}
    assert settings.get_runtime_management_config("fn", "$LATEST") == {
        "UpdateRuntimeOn": "Auto", "FunctionArn": f"{ARN}:$LATEST"}


def test_manual_mode_keeps_its_runtime_version(settings: FunctionSettings) -> None:
    put = settings.put_runtime_management_config(
        "fn", None, {"UpdateRuntimeOn": "Manual", "RuntimeVersionArn": RUNTIME})

    assert put == {"UpdateRuntimeOn": "Manual", "FunctionArn": ARN,
                   "RuntimeVersionArn": RUNTIME}
    assert settings.get_runtime_management_config(f"{ARN}:$LATEST", None) == {
        **put, "FunctionArn": f"{ARN}:$LATEST"}


def test_a_runtime_version_counts_only_in_manual_mode(settings: FunctionSettings) -> None:
    put = settings.put_runtime_management_config(
        "fn", None, {"UpdateRuntimeOn": "FunctionUpdate", "RuntimeVersionArn": RUNTIME})

    assert put == {"UpdateRuntimeOn": "FunctionUpdate", "FunctionArn": ARN}


def test_manual_mode_needs_a_runtime_version(settings: FunctionSettings) -> None:
    with pytest.raises(InvalidParameterValueException, match="RuntimeVersionArn is required"):
        settings.put_runtime_management_config("fn", None, {"UpdateRuntimeOn": "Manual"})
    assert settings.get_runtime_management_config("fn", None)["UpdateRuntimeOn"] == "Auto"


@pytest.mark.parametrize("body, message", [
    ({}, "Value null at 'updateRuntimeOn' failed to satisfy constraint: Member must not be "
         "null"),
    ({"UpdateRuntimeOn": "Sometimes"},
     "Value 'Sometimes' at 'updateRuntimeOn' failed to satisfy constraint: Member must "
     "satisfy enum value set: [Auto, Manual, FunctionUpdate]"),
    ({"UpdateRuntimeOn": "Manual", "RuntimeVersionArn": "python3.12"},
     "Value 'python3.12' at 'runtimeVersionArn' failed to satisfy constraint: Member must "
     "satisfy regular expression pattern"),
])
def test_runtime_management_is_checked_as_aws_checks_it(
        settings: FunctionSettings, body: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationException, match=re.escape(message)):
        settings.put_runtime_management_config("fn", None, body)


def test_each_version_has_its_own_runtime_management(plane: ControlPlane,
                                                     settings: FunctionSettings) -> None:
    version = plane.publish()
    plane.alias("live", version)

    settings.put_runtime_management_config("fn", version, {"UpdateRuntimeOn": "Manual",
                                                           "RuntimeVersionArn": RUNTIME})

    assert settings.get_runtime_management_config("fn", None)["UpdateRuntimeOn"] == "Auto"
    assert settings.get_runtime_management_config("fn", "live") == {
        "UpdateRuntimeOn": "Manual", "FunctionArn": f"{ARN}:live", "RuntimeVersionArn": RUNTIME}
    plane.functions.delete_function("fn", version)
    with pytest.raises(ResourceNotFoundException):
        settings.get_runtime_management_config("fn", version)
    assert plane.function_settings.runtime_management("fn", version) is None


def test_a_missing_version_is_not_found(settings: FunctionSettings) -> None:
    with pytest.raises(ResourceNotFoundException, match=re.escape(f"{ARN}:7")):
        settings.get_runtime_management_config("fn", "7")
