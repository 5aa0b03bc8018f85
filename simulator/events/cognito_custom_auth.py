"""Cognito's custom authentication flow (CUSTOM_AUTH), which moto does not run: the define
auth challenge trigger decides each round, the create trigger makes a challenge, the verify
trigger judges the answer, until define issues tokens or fails the sign-in.

A session lives three minutes, as Cognito's do, and at most `MAX_SESSIONS` are kept."""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.events.cognito_triggers import (
    attributes_of,
    client_metadata,
    cognito_error,
    configured_arn,
    pre_authentication,
    run_trigger,
)

SESSION_SECONDS = 180
MAX_SESSIONS = 1000
CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"
# Signs the user in (tokens issued under the given trigger source) and returns moto's answer.
SignIn = Callable[[Any, Any, str], dict[str, Any]]


@dataclass
class CustomAuthSession:
    pool: Any
    client: Any
    username: str
    started: float
    challenges: list[dict[str, Any]] = field(default_factory=list)
    private_parameters: dict[str, Any] = field(default_factory=dict)
    challenge_metadata: str | None = None


class CustomAuthFlow:
    def __init__(self, sign_in: SignIn) -> None:
        self._sign_in = sign_in
        self._sessions: OrderedDict[str, CustomAuthSession] = OrderedDict()
        self._lock = threading.Lock()

    def holds(self, session_id: str | None) -> bool:
        with self._lock:
            return session_id in self._sessions

    def start(self, pool: Any, client: Any, auth_parameters: dict[str, str]) -> dict[str, Any]:
        """InitiateAuth with CUSTOM_AUTH: the first round of define auth challenge."""
        if configured_arn(pool, "DefineAuthChallenge") is None:
            raise cognito_error("InvalidParameterException",
                                "Custom auth lambda trigger is not configured for the user "
                                "pool.")
        username = auth_parameters.get("USERNAME") or ""
        user = pool._get_user(username)
        if user is None:
            raise cognito_error("UserNotFoundException", "User does not exist.")
        if not user.enabled:
            raise cognito_error("NotAuthorizedException", "User is disabled.")
        pre_authentication(pool, user, client.id)
        return self._next_round(CustomAuthSession(pool, client, user.username, time.time()))

    def respond(self, session_id: str, client_id: str, responses: dict[str, str]
                ) -> dict[str, Any]:
        """RespondToAuthChallenge with CUSTOM_CHALLENGE: verify the answer, then define the
        next round."""
        with self._lock:
            session = self._sessions.pop(session_id, None)
        if session is None or time.time() - session.started > SESSION_SECONDS:
            raise cognito_error("NotAuthorizedException", "Invalid session for the user, "
                                "session is expired.")
        if session.client.id != client_id:
            raise cognito_error("NotAuthorizedException", "Invalid session for the user.")
        user = session.pool._get_user(session.username)
        verdict = run_trigger(
            session.pool, "VerifyAuthChallengeResponse",
            "VerifyAuthChallengeResponse_Authentication", session.username, client_id,
            {"userAttributes": attributes_of(user),
             "privateChallengeParameters": session.private_parameters,
             "challengeAnswer": responses.get("ANSWER", ""),
             "clientMetadata": client_metadata(), "userNotFound": False},
            {"answerCorrect": None}) or {}
        session.challenges.append({"challengeName": CUSTOM_CHALLENGE,
                                   "challengeResult": verdict.get("answerCorrect") is True,
                                   "challengeMetadata": session.challenge_metadata})
        return self._next_round(session)

    def _next_round(self, session: CustomAuthSession) -> dict[str, Any]:
        user = session.pool._get_user(session.username)
        decision = run_trigger(
            session.pool, "DefineAuthChallenge", "DefineAuthChallenge_Authentication",
            session.username, session.client.id,
            {"userAttributes": attributes_of(user), "session": list(session.challenges),
             "clientMetadata": client_metadata(), "userNotFound": False},
            {"challengeName": None, "issueTokens": None, "failAuthentication": None}) or {}
        if decision.get("failAuthentication") is True:
            raise cognito_error("NotAuthorizedException", "Incorrect username or password.")
        if decision.get("issueTokens") is True:
            return self._sign_in(session.pool, session.client, session.username)
        if decision.get("challengeName") != CUSTOM_CHALLENGE:
            raise cognito_error("InvalidLambdaResponseException",
                                "Invalid lambda response: the simulator runs only "
                                "CUSTOM_CHALLENGE rounds of a custom authentication flow")
        challenge = run_trigger(
            session.pool, "CreateAuthChallenge", "CreateAuthChallenge_Authentication",
            session.username, session.client.id,
            {"userAttributes": attributes_of(user), "challengeName": CUSTOM_CHALLENGE,
             "session": list(session.challenges), "clientMetadata": client_metadata(),
             "userNotFound": False},
            {"publicChallengeParameters": None, "privateChallengeParameters": None,
             "challengeMetadata": None}) or {}
        public = challenge.get("publicChallengeParameters")
        private = challenge.get("privateChallengeParameters")
        session.private_parameters = private if isinstance(private, dict) else {}
        session.challenge_metadata = challenge.get("challengeMetadata")
        session_id = str(uuid.uuid4())
        with self._lock:
            self._sessions[session_id] = session
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return {"ChallengeName": CUSTOM_CHALLENGE, "Session": session_id,
                "ChallengeParameters": {**(public if isinstance(public, dict) else {}),
                                        "USERNAME": session.username}}
