"""Cognito user pool triggers: moto's Cognito keeps the users; this module calls a pool's
Lambda triggers, synchronously, as Cognito does, and reads their answers.

They run at sign-up (pre sign-up, custom message),
AdminCreateUser, the confirmations (post confirmation), ForgotPassword (custom message), the
sign-in flows (pre and post authentication), token issue (pre token generation) and the
custom authentication flow (define, create and verify auth challenge, in
`cognito_custom_auth`); `cognito_user_pools` patches moto where it calls them. A trigger
that fails fails the request with Cognito's error."""

from __future__ import annotations

import contextvars
import json
import logging
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from simulator.errors import AccessDeniedException
from simulator.events.cognito_events import (
    TOKEN_EVENT_VERSIONS,
    TokenOverrides,
    custom_message_request,
    filled_message,
    token_overrides,
    token_request,
    token_response,
    trigger_event,
    user_attributes,
)
from simulator.functions.policy_evaluation import Caller
from simulator.models import InvocationResult

log = logging.getLogger(__name__)

# Runs a function for a service that waits for its answer; None when no function of that ARN
# is this simulator's. Raises AccessDeniedException when the function's policy keeps the
# service out (strict mode).
Answer = Callable[[str, bytes, Caller], "InvocationResult | None"]
PRINCIPAL = "cognito-idp.amazonaws.com"

_answers: list[Answer] = []
_lock = threading.Lock()
# The request moto is serving (its JSON parameters): ClientMetadata and ValidationData.
_request: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "cognito_request", default=None)
# Set while a request may issue tokens: the trigger source they are issued under.
_issue: contextvars.ContextVar[TokenIssue | None] = contextvars.ContextVar(
    "cognito_token_issue", default=None)


def attach(answer: Answer) -> None:
    with _lock:
        _answers.append(answer)


def detach(answer: Answer) -> None:
    with _lock:
        if answer in _answers:
            _answers.remove(answer)


def cognito_error(error_type: str, message: str) -> Exception:
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError(error_type, message)


def configured_arn(pool: Any, trigger: str) -> str | None:
    """The function a pool's LambdaConfig names for a trigger (for pre token generation, the
    versioned config first)."""
    config = pool.extended_config.get("LambdaConfig") or {}
    if trigger == "PreTokenGeneration":
        versioned = config.get("PreTokenGenerationConfig") or {}
        if versioned.get("LambdaArn"):
            return str(versioned["LambdaArn"])
    arn = config.get(trigger)
    return str(arn) if arn else None


def token_event_version(pool: Any) -> str:
    config = pool.extended_config.get("LambdaConfig") or {}
    versioned = config.get("PreTokenGenerationConfig") or {}
    return TOKEN_EVENT_VERSIONS.get(str(versioned.get("LambdaVersion", "V1_0")), "1")


def run_trigger(pool: Any, trigger: str, trigger_source: str, user_name: str,
                client_id: str | None, request: dict[str, Any], response: dict[str, Any],
                version: str = "1") -> dict[str, Any] | None:
    """The trigger's `response`, or None when the pool has no such trigger. The function's
    error and an answer that is not an event fail the request, as on Cognito."""
    arn = configured_arn(pool, trigger)
    if arn is None:
        return None
    event = trigger_event(trigger_source, pool.id, user_name, client_id, request, response,
                          version)
    result = _invoke(arn, json.dumps(event).encode(),
                     Caller(PRINCIPAL, pool.arn, pool.account_id), trigger)
    if result.failed:
        raise cognito_error("UserLambdaValidationException",
                            f"{trigger} failed with error {_error_message(result.payload)}.")
    try:
        answer = json.loads(result.payload or b"null")
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise cognito_error("InvalidLambdaResponseException", "Unrecognizable lambda output")
    answered = answer.get("response")
    return answered if isinstance(answered, dict) else {}


def _invoke(arn: str, payload: bytes, caller: Caller, trigger: str) -> InvocationResult:
    with _lock:
        answers = list(_answers)
    for answer in answers:
        try:
            result = answer(arn, payload, caller)
        except AccessDeniedException:
            raise cognito_error("UnexpectedLambdaException", f"{trigger} invocation failed "
                                "due to error AccessDeniedException.") from None
        if result is not None:
            return result
    log.warning("Cognito trigger %s: no function %s", trigger, arn)
    raise cognito_error("UnexpectedLambdaException",
                        f"{trigger} invocation failed due to error ResourceNotFoundException.")


def _error_message(payload: bytes) -> str:
    try:
        error = json.loads(payload)
    except ValueError:
        return payload.decode("utf-8", "replace")
    if isinstance(error, dict):
        return str(error.get("errorMessage", ""))
    return str(error)


def client_metadata() -> dict[str, str]:
    metadata = (_request.get() or {}).get("ClientMetadata")
    return metadata if isinstance(metadata, dict) else {}


def validation_data() -> dict[str, str] | None:
    data = (_request.get() or {}).get("ValidationData")
    if not isinstance(data, list):
        return None
    return {str(item.get("Name")): str(item.get("Value")) for item in data
            if isinstance(item, dict)}


def attributes_of(user: Any) -> dict[str, str]:
    return user_attributes(user.attributes, str(getattr(user.status, "value", user.status)))


def pre_authentication(pool: Any, user: Any, client_id: str) -> None:
    """Before a sign-in is judged: a refusal fails it."""
    run_trigger(pool, "PreAuthentication", "PreAuthentication_Authentication", user.username,
                client_id, {"userAttributes": attributes_of(user),
                            "validationData": client_metadata(), "userNotFound": False}, {})


def post_authentication(pool: Any, user: Any, client_id: str) -> None:
    """Once tokens are issued: a refusal withholds them."""
    run_trigger(pool, "PostAuthentication", "PostAuthentication_Authentication", user.username,
                client_id, {"userAttributes": attributes_of(user), "newDeviceUsed": False,
                            "clientMetadata": client_metadata()}, {})


def send_custom_message(pool: Any, user: Any, trigger_source: str, client_id: str | None,
                        destination: str) -> None:
    """Cognito's message to the user goes through the custom message trigger when there is
    one; the simulator sends no mail or SMS, so the message is written to the log."""
    code = f"{random.randint(0, 999_999):06d}"
    response = run_trigger(
        pool, "CustomMessage", trigger_source, user.username, client_id,
        custom_message_request(attributes_of(user), client_metadata(),
                               trigger_source == "CustomMessage_AdminCreateUser"),
        {"smsMessage": None, "emailMessage": None, "emailSubject": None})
    if response is None:
        return
    message = filled_message(response.get("emailMessage") or response.get("smsMessage"),
                             code, user.username)
    log.info("Cognito %s message to %s (code %s): subject %r, message %r", trigger_source,
             destination, code, response.get("emailSubject"), message)


@dataclass
class TokenIssue:
    """One request's token issue: the pre token generation trigger runs once for the ID and
    the access token it issues together."""

    trigger_source: str
    answers: dict[tuple[str, str], TokenOverrides | None] = field(default_factory=dict)

    def overrides(self, pool: Any, client_id: str, username: str) -> TokenOverrides | None:
        key = (pool.id, username)
        if key not in self.answers:
            self.answers[key] = self._ask(pool, client_id, username)
        return self.answers[key]

    def _ask(self, pool: Any, client_id: str, username: str) -> TokenOverrides | None:
        user = pool._get_user(username)
        if user is None or configured_arn(pool, "PreTokenGeneration") is None:
            return None
        version = token_event_version(pool)
        client = pool.clients.get(client_id)
        scopes = list(getattr(client, "extended_config", {}).get("AllowedOAuthScopes") or []) \
            if client is not None else []
        if "aws.cognito.signin.user.admin" not in scopes:
            scopes.append("aws.cognito.signin.user.admin")
        response = run_trigger(
            pool, "PreTokenGeneration", self.trigger_source, user.username, client_id,
            token_request(attributes_of(user), sorted(g.group_name for g in user.groups),
                          scopes, client_metadata(), version),
            token_response(version), version)
        return token_overrides(response or {}, version)


@contextmanager
def issuing_tokens(trigger_source: str) -> Iterator[TokenIssue]:
    issue = TokenIssue(trigger_source)
    token = _issue.set(issue)
    try:
        yield issue
    finally:
        _issue.reset(token)


def current_issue() -> TokenIssue | None:
    return _issue.get()


def serving_request(parameters: dict[str, Any]) -> contextvars.Token[dict[str, Any] | None]:
    return _request.set(parameters)


def done_serving(token: contextvars.Token[dict[str, Any] | None]) -> None:
    _request.reset(token)

