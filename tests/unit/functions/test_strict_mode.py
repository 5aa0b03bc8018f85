"""Strict mode refuses; the default mode warns once for each thing it lets pass."""

from __future__ import annotations

import logging

import pytest

from simulator.config import Settings
from simulator.errors import InvalidParameterValueException
from simulator.functions.strict_mode import StrictMode, trusts_lambda


def mode(strict: bool, machine: str = "x86_64") -> StrictMode:
    return StrictMode(Settings(strict=strict), lambda: machine)


def test_the_default_mode_warns_once_per_thing(caplog: pytest.LogCaptureFixture) -> None:
    friendly = mode(False)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            friendly.check_architecture("fn", ["arm64"], interpreted=True)
            assert friendly.lets_pass("key", "a warning")
    assert [r.getMessage() for r in caplog.records] == [
        "function fn declares arm64, but the engine runs x86_64: it runs on x86_64 (strict "
        "mode refuses it)", "a warning"]


def test_strict_mode_refuses() -> None:
    strict = mode(True)
    with pytest.raises(InvalidParameterValueException):
        strict.check_architecture("fn", ["arm64"], interpreted=True)
    assert not strict.lets_pass("key", "a warning")


def test_a_function_of_the_engines_architecture_passes_silently(
        caplog: pytest.LogCaptureFixture) -> None:
    mode(True, "aarch64").check_architecture("fn", ["arm64"], interpreted=True)
    mode(True).check_architecture("fn", ["x86_64"], interpreted=False)
    assert caplog.records == []


def test_a_runtime_without_an_executor_deploys_with_a_warning_unless_strict(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        mode(False).check_runtime("fn", "java21")
        mode(False).check_runtime("fn", "python3.13")
    assert [r.getMessage() for r in caplog.records] == [
        "function fn: the java21 runtime cannot run in this simulator: it deploys, but its "
        "invokes fail (strict mode refuses it)"]
    with pytest.raises(InvalidParameterValueException,
                       match="The runtime parameter of java21 is not supported by this"):
        mode(True).check_runtime("fn", "java21")


def test_trust_policies() -> None:
    def trust(principal: object, action: object = "sts:AssumeRole") -> dict[str, object]:
        return {"Statement": [{"Effect": "Allow", "Principal": principal, "Action": action}]}

    assert trusts_lambda(trust({"Service": "lambda.amazonaws.com"}))
    assert trusts_lambda(trust({"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}))
    assert trusts_lambda('{"Statement": {"Effect": "Allow", "Principal": {"Service": '
                         '"lambda.amazonaws.com"}, "Action": ["sts:AssumeRole"]}}')
    assert not trusts_lambda(trust({"Service": "ec2.amazonaws.com"}))
    assert not trusts_lambda(trust({"Service": "lambda.amazonaws.com"}, "s3:GetObject"))
    assert not trusts_lambda({})
