"""Calling a user pool's trigger: which function, the event it gets, and Cognito's errors
when the function fails, answers nonsense, is missing or keeps Cognito out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from moto.core.exceptions import JsonRESTError

from simulator.errors import AccessDeniedException
from simulator.events import cognito_triggers
from simulator.functions.policy_evaluation import Caller
from simulator.models import InvocationResult

ARN = "arn:aws:lambda:us-east-1:123456789012:function:trigger"


def pool(**lambda_config: Any) -> Any:
    return SimpleNamespace(id="us-east-1_pool", account_id="123456789012",
                           arn="arn:aws:cognito-idp:us-east-1:123456789012:userpool/pool",
                           extended_config={"LambdaConfig": lambda_config})


class Function:
    """A simulator holding one function, answering as the test says."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.callers: list[Caller] = []
        self.result = InvocationResult(b"")

    def __call__(self, arn: str, payload: bytes, caller: Caller) -> InvocationResult | None:
        if arn != ARN:
            return None
        self.events.append(json.loads(payload))
        self.callers.append(caller)
        if not self.result.payload and self.result.error_type is None:
            return InvocationResult(payload)
        return self.result


@pytest.fixture
def function() -> Iterator[Function]:
    attached = Function()
    cognito_triggers.attach(attached)
    yield attached
    cognito_triggers.detach(attached)


def test_a_pool_without_the_trigger_calls_nothing(function: Function) -> None:
    assert cognito_triggers.run_trigger(pool(), "PreSignUp", "PreSignUp_SignUp", "ana",
                                        None, {}, {}) is None
    assert function.events == []


def test_the_trigger_gets_the_event_as_cognito_and_its_response_comes_back(
        function: Function) -> None:
    answer = cognito_triggers.run_trigger(
        pool(PreSignUp=ARN), "PreSignUp", "PreSignUp_SignUp", "ana", "client",
        {"userAttributes": {"email": "a@b.c"}}, {"autoConfirmUser": False})
    assert answer == {"autoConfirmUser": False}
    assert function.events[0]["triggerSource"] == "PreSignUp_SignUp"
    assert function.callers[0] == Caller("cognito-idp.amazonaws.com", pool().arn,
                                         "123456789012")


def test_a_failing_function_fails_the_request_with_its_message(function: Function) -> None:
    function.result = InvocationResult(json.dumps({"errorMessage": "No thanks",
                                                   "errorType": "Exception"}).encode(),
                                       error_type="Unhandled")
    with pytest.raises(JsonRESTError) as failed:
        cognito_triggers.run_trigger(pool(PostConfirmation=ARN), "PostConfirmation",
                                     "PostConfirmation_ConfirmSignUp", "ana", None, {}, {})
    assert failed.value.error_type == "UserLambdaValidationException"
    assert failed.value.message == "PostConfirmation failed with error No thanks."


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b"null"])
def test_an_answer_that_is_not_an_event_is_unrecognizable(function: Function,
                                                         payload: bytes) -> None:
    function.result = InvocationResult(payload)
    with pytest.raises(JsonRESTError) as failed:
        cognito_triggers.run_trigger(pool(PreSignUp=ARN), "PreSignUp", "PreSignUp_SignUp",
                                     "ana", None, {}, {})
    assert failed.value.error_type == "InvalidLambdaResponseException"
    assert failed.value.message == "Unrecognizable lambda output"


def test_a_missing_function_is_an_unexpected_lambda_error(function: Function) -> None:
    with pytest.raises(JsonRESTError) as failed:
        cognito_triggers.run_trigger(pool(PreSignUp=ARN + "-gone"), "PreSignUp",
                                     "PreSignUp_SignUp", "ana", None, {}, {})
    assert failed.value.error_type == "UnexpectedLambdaException"
    assert failed.value.message == (
        "PreSignUp invocation failed due to error ResourceNotFoundException.")


def test_a_function_whose_policy_keeps_cognito_out_is_access_denied() -> None:
    def refusing(arn: str, payload: bytes, caller: Caller) -> InvocationResult | None:
        raise AccessDeniedException("no")

    cognito_triggers.attach(refusing)
    try:
        with pytest.raises(JsonRESTError) as failed:
            cognito_triggers.run_trigger(pool(PreSignUp=ARN), "PreSignUp",
                                         "PreSignUp_SignUp", "ana", None, {}, {})
    finally:
        cognito_triggers.detach(refusing)
    assert failed.value.message == (
        "PreSignUp invocation failed due to error AccessDeniedException.")


def test_the_versioned_token_config_wins_and_names_the_event_version() -> None:
    versioned = pool(PreTokenGeneration=ARN + "-v1", PreTokenGenerationConfig={
        "LambdaVersion": "V2_0", "LambdaArn": ARN})
    assert cognito_triggers.configured_arn(versioned, "PreTokenGeneration") == ARN
    assert cognito_triggers.token_event_version(versioned) == "2"
    assert cognito_triggers.token_event_version(pool(PreTokenGeneration=ARN)) == "1"


def test_client_metadata_and_validation_data_come_from_the_request_served() -> None:
    token = cognito_triggers.serving_request({
        "ClientMetadata": {"k": "v"}, "ValidationData": [{"Name": "n", "Value": "1"}]})
    try:
        assert cognito_triggers.client_metadata() == {"k": "v"}
        assert cognito_triggers.validation_data() == {"n": "1"}
    finally:
        cognito_triggers.done_serving(token)
    assert cognito_triggers.client_metadata() == {}
    assert cognito_triggers.validation_data() is None
