"""moto's user pools with their triggers, called on moto's own backend: where each trigger
runs, and what its answer or refusal leaves behind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from moto.cognitoidp.models import cognitoidp_backends
from moto.core.exceptions import JsonRESTError

from simulator.events import cognito_triggers, cognito_user_pools
from simulator.functions.policy_evaluation import Caller
from simulator.models import InvocationResult
from tests.helpers import unique_name

ARN = "arn:aws:lambda:us-east-1:123456789012:function:triggers"
TRIGGERS = ("PreSignUp", "PostConfirmation", "PreAuthentication", "PostAuthentication",
            "CustomMessage", "PreTokenGeneration")
PASSWORD = "Passw0rd!Passw0rd"


class Recorder:
    def __init__(self) -> None:
        self.sources: list[str] = []
        self.refuse = ""

    def __call__(self, arn: str, payload: bytes, caller: Caller) -> InvocationResult | None:
        event = json.loads(payload)
        self.sources.append(event["triggerSource"])
        if self.refuse and event["triggerSource"].startswith(self.refuse):
            return InvocationResult(b'{"errorMessage": "refused"}', error_type="Unhandled")
        return InvocationResult(payload)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    cognito_user_pools.install()
    attached = Recorder()
    cognito_triggers.attach(attached)
    yield attached
    cognito_triggers.detach(attached)


def pool_and_client() -> tuple[Any, Any, str]:
    backend = cognitoidp_backends["123456789012"]["us-east-1"]
    pool = backend.create_user_pool(unique_name("pool"), {
        "LambdaConfig": {name: ARN for name in TRIGGERS}})
    client = backend.create_user_pool_client(pool.id, False, {"ClientName": "app"})
    return backend, pool, client.id


def test_a_refused_sign_up_leaves_no_user(recorder: Recorder) -> None:
    backend, pool, client_id = pool_and_client()
    recorder.refuse = "PreSignUp"
    with pytest.raises(JsonRESTError) as refused:
        backend.sign_up(client_id, "ana", PASSWORD, [])
    assert refused.value.message == "PreSignUp failed with error refused."
    assert pool._get_user("ana") is None


def test_a_sign_up_moto_refuses_calls_no_trigger(recorder: Recorder) -> None:
    backend, _, client_id = pool_and_client()
    with pytest.raises(JsonRESTError):
        backend.sign_up(client_id, "ana", "short", [])
    assert recorder.sources == []


def test_an_administrators_user_gets_pre_sign_up_and_a_message_unless_suppressed(
        recorder: Recorder) -> None:
    backend, pool, _ = pool_and_client()
    backend.admin_create_user(pool.id, "ana", "", PASSWORD, [])
    backend.admin_create_user(pool.id, "bob", "SUPPRESS", PASSWORD, [])
    assert recorder.sources == ["PreSignUp_AdminCreateUser", "CustomMessage_AdminCreateUser",
                                "PreSignUp_AdminCreateUser"]


def test_a_password_reset_sends_its_message_and_confirms_after(recorder: Recorder) -> None:
    backend, pool, client_id = pool_and_client()
    backend.sign_up(client_id, "ana", PASSWORD,
                    [{"Name": "email", "Value": "ana@example.com"}])
    backend.admin_confirm_sign_up(pool.id, "ana")
    code, _ = backend.forgot_password(client_id, "ana")
    backend.confirm_forgot_password(client_id, "ana", PASSWORD + "2", code)
    assert recorder.sources == ["PreSignUp_SignUp", "PostConfirmation_ConfirmSignUp",
                                "CustomMessage_ForgotPassword",
                                "PostConfirmation_ConfirmForgotPassword"]


def test_a_refused_post_authentication_withholds_the_tokens(recorder: Recorder) -> None:
    backend, pool, client_id = pool_and_client()
    backend.admin_create_user(pool.id, "ana", "SUPPRESS", PASSWORD, [])
    backend.admin_confirm_sign_up(pool.id, "ana")
    recorder.sources.clear()
    recorder.refuse = "PostAuthentication"
    with pytest.raises(JsonRESTError) as refused:
        backend.admin_initiate_auth(pool.id, client_id, "ADMIN_USER_PASSWORD_AUTH",
                                    {"USERNAME": "ana", "PASSWORD": PASSWORD})
    assert refused.value.message == "PostAuthentication failed with error refused."
    assert recorder.sources == ["PreAuthentication_Authentication",
                                "TokenGeneration_Authentication",
                                "PostAuthentication_Authentication"]


def test_a_new_password_challenge_issues_tokens_under_its_own_source(
        recorder: Recorder) -> None:
    backend, pool, client_id = pool_and_client()
    backend.admin_create_user(pool.id, "ana", "SUPPRESS", PASSWORD, [])
    challenge = backend.admin_initiate_auth(pool.id, client_id, "ADMIN_USER_PASSWORD_AUTH",
                                            {"USERNAME": "ana", "PASSWORD": PASSWORD})
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    recorder.sources.clear()
    answer = backend.respond_to_auth_challenge(
        challenge["Session"], client_id, "NEW_PASSWORD_REQUIRED",
        {"USERNAME": "ana", "NEW_PASSWORD": PASSWORD + "2"})
    assert "AuthenticationResult" in answer
    assert recorder.sources == ["TokenGeneration_NewPasswordChallenge",
                                "PostAuthentication_Authentication"]


def test_tokens_issued_outside_a_sign_in_call_no_trigger(recorder: Recorder) -> None:
    backend, pool, client_id = pool_and_client()
    backend.admin_create_user(pool.id, "ana", "SUPPRESS", PASSWORD, [])
    recorder.sources.clear()
    pool.create_id_token(client_id, "ana", "jti")
    assert recorder.sources == []
