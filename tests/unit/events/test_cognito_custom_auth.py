"""The custom authentication flow: define decides each round, create makes the challenge,
verify judges the answer; sessions expire and are bounded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from moto.core.exceptions import JsonRESTError

from simulator.events import cognito_custom_auth, cognito_triggers
from simulator.events.cognito_custom_auth import CustomAuthFlow
from simulator.functions.policy_evaluation import Caller
from simulator.models import InvocationResult

ARN = "arn:aws:lambda:us-east-1:123456789012:function:auth"
TRIGGERS = ("DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse",
            "PreAuthentication")


def challenge_function(arn: str, payload: bytes, caller: Caller) -> InvocationResult | None:
    """Two tries at "what is 2+2"."""
    event = json.loads(payload)
    source, request, answer = event["triggerSource"], event["request"], event["response"]
    if source.startswith("DefineAuthChallenge"):
        rounds = request["session"]
        if rounds and rounds[-1]["challengeResult"]:
            answer["issueTokens"] = True
        elif len(rounds) >= 2:
            answer["failAuthentication"] = True
        else:
            answer["challengeName"] = "CUSTOM_CHALLENGE"
    elif source.startswith("CreateAuthChallenge"):
        answer.update(publicChallengeParameters={"q": "2+2"},
                      privateChallengeParameters={"a": "4"}, challengeMetadata="M")
    elif source.startswith("VerifyAuthChallengeResponse"):
        answer["answerCorrect"] = request["challengeAnswer"] == \
            request["privateChallengeParameters"]["a"]
    return InvocationResult(json.dumps(event).encode())


@pytest.fixture(autouse=True)
def triggers() -> Iterator[None]:
    cognito_triggers.attach(challenge_function)
    yield
    cognito_triggers.detach(challenge_function)


def user_pool(**config: Any) -> Any:
    user = SimpleNamespace(username="ana", enabled=True, status="CONFIRMED",
                           attributes=[{"Name": "sub", "Value": "s-1"}])
    return SimpleNamespace(
        id="us-east-1_p", account_id="123456789012", arn="arn:pool",
        extended_config={"LambdaConfig": config if config else
                         {name: ARN for name in TRIGGERS}},
        _get_user=lambda name: user if name == "ana" else None)


CLIENT = SimpleNamespace(id="client")


def flow() -> CustomAuthFlow:
    return CustomAuthFlow(lambda pool, client, username: {
        "AuthenticationResult": {"IdToken": f"token-of-{username}"}})


def test_a_right_answer_signs_the_user_in() -> None:
    auth = flow()
    challenge = auth.start(user_pool(), CLIENT, {"USERNAME": "ana"})
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenge["ChallengeParameters"] == {"q": "2+2", "USERNAME": "ana"}
    wrong = auth.respond(challenge["Session"], "client", {"ANSWER": "5"})
    assert wrong["Session"] != challenge["Session"]
    assert auth.respond(wrong["Session"], "client", {"ANSWER": "4"}) == {
        "AuthenticationResult": {"IdToken": "token-of-ana"}}


def test_define_can_fail_the_sign_in() -> None:
    auth = flow()
    session = auth.start(user_pool(), CLIENT, {"USERNAME": "ana"})["Session"]
    session = auth.respond(session, "client", {"ANSWER": "1"})["Session"]
    with pytest.raises(JsonRESTError) as failed:
        auth.respond(session, "client", {"ANSWER": "2"})
    assert failed.value.error_type == "NotAuthorizedException"
    assert failed.value.message == "Incorrect username or password."


def test_a_session_is_used_once_and_expires() -> None:
    auth = flow()
    session = auth.start(user_pool(), CLIENT, {"USERNAME": "ana"})["Session"]
    auth.respond(session, "client", {"ANSWER": "1"})
    with pytest.raises(JsonRESTError) as reused:
        auth.respond(session, "client", {"ANSWER": "4"})
    assert reused.value.error_type == "NotAuthorizedException"
    assert not auth.holds(session)


def test_an_expired_session_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    auth = flow()
    session = auth.start(user_pool(), CLIENT, {"USERNAME": "ana"})["Session"]
    monkeypatch.setattr(cognito_custom_auth, "SESSION_SECONDS", -1)
    with pytest.raises(JsonRESTError) as expired:
        auth.respond(session, "client", {"ANSWER": "4"})
    assert expired.value.message == "Invalid session for the user, session is expired."


def test_sessions_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cognito_custom_auth, "MAX_SESSIONS", 2)
    auth = flow()
    sessions = [auth.start(user_pool(), CLIENT, {"USERNAME": "ana"})["Session"]
                for _ in range(3)]
    assert [auth.holds(s) for s in sessions] == [False, True, True]


def test_a_pool_without_define_cannot_run_the_flow() -> None:
    with pytest.raises(JsonRESTError) as refused:
        flow().start(user_pool(PreSignUp=ARN), CLIENT, {"USERNAME": "ana"})
    assert refused.value.error_type == "InvalidParameterException"
    assert refused.value.message == (
        "Custom auth lambda trigger is not configured for the user pool.")


def test_an_unknown_user_is_not_found() -> None:
    with pytest.raises(JsonRESTError) as missing:
        flow().start(user_pool(), CLIENT, {"USERNAME": "bob"})
    assert missing.value.error_type == "UserNotFoundException"
