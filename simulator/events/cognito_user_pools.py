"""moto's Cognito user pools with their Lambda triggers: patched, once per process, where
Cognito calls them. Each patched operation runs moto's own first where Cognito checks the
request before its trigger (a taken user name, a weak password), and undoes what moto did
when a trigger refuses."""

from __future__ import annotations

import json
import threading
from typing import Any

from simulator.events.cognito_custom_auth import CustomAuthFlow
from simulator.events.cognito_events import overridden_claims
from simulator.events.cognito_triggers import (
    attributes_of,
    client_metadata,
    current_issue,
    done_serving,
    issuing_tokens,
    post_authentication,
    pre_authentication,
    run_trigger,
    send_custom_message,
    serving_request,
    validation_data,
)

PASSWORD_FLOWS = frozenset({"USER_PASSWORD_AUTH", "USER_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH",
                            "ADMIN_NO_SRP_AUTH"})
REFRESH_FLOWS = frozenset({"REFRESH_TOKEN", "REFRESH_TOKEN_AUTH"})

_lock = threading.Lock()
_installed = False


def install() -> None:
    with _lock:
        global _installed
        if not _installed:
            _patch()
            _installed = True


def pool_of_client(backend: Any, client_id: str) -> Any:
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            return pool
    return None


def _patch() -> None:  # noqa: C901 - one closure per patched operation
    from moto.cognitoidp import models, responses

    backend_class = models.CognitoIdpBackend
    pool_class = models.CognitoIdpUserPool

    original_call_action = responses.CognitoIdpResponse.call_action

    def call_action(response: Any) -> Any:
        try:
            parameters = json.loads(response.body) if response.body else {}
        except ValueError:
            parameters = {}
        token = serving_request(parameters if isinstance(parameters, dict) else {})
        try:
            return original_call_action(response)
        finally:
            done_serving(token)

    responses.CognitoIdpResponse.call_action = (  # type: ignore[method-assign]
        call_action)  # type: ignore[assignment]

    original_sign_up = backend_class.sign_up

    def sign_up(backend: Any, client_id: str, username: str, password: str,
                attributes: list[dict[str, str]]) -> Any:
        user, delivery = original_sign_up(backend, client_id, username, password, attributes)
        pool = pool_of_client(backend, client_id)
        answer = _pre_sign_up(pool, user, "PreSignUp_SignUp", client_id)
        if answer.get("autoConfirmUser") is True:
            user.status = models.UserStatus.CONFIRMED
            return user, None
        if delivery:
            send_custom_message(pool, user, "CustomMessage_SignUp", client_id,
                                str(delivery.get("Destination", "")))
        return user, delivery

    original_admin_create_user = backend_class.admin_create_user

    def admin_create_user(backend: Any, user_pool_id: str, username: str, message_action: str,
                          temporary_password: str, attributes: list[dict[str, str]]) -> Any:
        user = original_admin_create_user(backend, user_pool_id, username, message_action,
                                          temporary_password, attributes)
        pool = backend.describe_user_pool(user_pool_id)
        if message_action != "RESEND":
            _pre_sign_up(pool, user, "PreSignUp_AdminCreateUser", None)
        if message_action != "SUPPRESS":
            send_custom_message(pool, user, "CustomMessage_AdminCreateUser", None,
                                user.attribute_lookup.get("email", user.username))
        return user

    def _pre_sign_up(pool: Any, user: Any, trigger_source: str, client_id: str | None
                     ) -> dict[str, Any]:
        """A refused sign-up leaves no user behind."""
        attributes = {k: v for k, v in attributes_of(user).items()
                      if k not in ("sub", "cognito:user_status")}
        try:
            answer = run_trigger(
                pool, "PreSignUp", trigger_source, user.username, client_id,
                {"userAttributes": attributes, "validationData": validation_data(),
                 "clientMetadata": client_metadata()},
                {"autoConfirmUser": False, "autoVerifyEmail": False,
                 "autoVerifyPhone": False}) or {}
        except Exception:
            pool.users.pop(user.username, None)
            raise
        verified = []
        if answer.get("autoVerifyEmail") is True and "email" in user.attribute_lookup:
            verified.append({"Name": "email_verified", "Value": "true"})
        if answer.get("autoVerifyPhone") is True and "phone_number" in user.attribute_lookup:
            verified.append({"Name": "phone_number_verified", "Value": "true"})
        if verified:
            user.update_attributes(verified)
        return answer

    def _post_confirmation(pool: Any, username: str, trigger_source: str,
                           client_id: str | None) -> None:
        user = pool._get_user(username)
        run_trigger(pool, "PostConfirmation", trigger_source, user.username, client_id,
                    {"userAttributes": attributes_of(user),
                     "clientMetadata": client_metadata()}, {})

    original_confirm_sign_up = backend_class.confirm_sign_up

    def confirm_sign_up(backend: Any, client_id: str, username: str) -> str:
        answer: str = original_confirm_sign_up(backend, client_id, username)
        _post_confirmation(pool_of_client(backend, client_id), username,
                           "PostConfirmation_ConfirmSignUp", client_id)
        return answer

    original_admin_confirm_sign_up = backend_class.admin_confirm_sign_up

    def admin_confirm_sign_up(backend: Any, user_pool_id: str, username: str) -> str:
        answer: str = original_admin_confirm_sign_up(backend, user_pool_id, username)
        _post_confirmation(backend.describe_user_pool(user_pool_id), username,
                           "PostConfirmation_ConfirmSignUp", None)
        return answer

    original_confirm_forgot_password = backend_class.confirm_forgot_password

    def confirm_forgot_password(backend: Any, client_id: str, username: str, password: str,
                                confirmation_code: str) -> None:
        original_confirm_forgot_password(backend, client_id, username, password,
                                         confirmation_code)
        _post_confirmation(pool_of_client(backend, client_id), username,
                           "PostConfirmation_ConfirmForgotPassword", client_id)

    original_forgot_password = backend_class.forgot_password

    def forgot_password(backend: Any, client_id: str, username: str) -> Any:
        code, answer = original_forgot_password(backend, client_id, username)
        pool = pool_of_client(backend, client_id)
        user = pool._get_user(username) if pool is not None else None
        if user is not None:
            send_custom_message(pool, user, "CustomMessage_ForgotPassword", client_id,
                                str(answer["CodeDeliveryDetails"].get("Destination", "")))
        return code, answer

    def _authenticate(pool: Any, client_id: str, auth_flow: str,
                      auth_parameters: dict[str, str], run: Any) -> dict[str, Any]:
        if auth_flow in REFRESH_FLOWS:
            with issuing_tokens("TokenGeneration_RefreshTokens"):
                return dict(run())
        if auth_flow not in PASSWORD_FLOWS or pool is None:
            return dict(run())
        user = pool._get_user(auth_parameters.get("USERNAME") or "")
        if user is not None:
            pre_authentication(pool, user, client_id)
        with issuing_tokens("TokenGeneration_Authentication"):
            answer = dict(run())
        if user is not None and "AuthenticationResult" in answer:
            post_authentication(pool, user, client_id)
        return answer

    def _log_in(pool: Any, client: Any, username: str) -> dict[str, Any]:
        backend = pool.backend
        with issuing_tokens("TokenGeneration_Authentication"):
            answer: dict[str, Any] = backend._log_user_in(pool, client, username)
        post_authentication(pool, pool._get_user(username), client.id)
        return answer

    custom_auth = CustomAuthFlow(_log_in)
    original_initiate_auth = backend_class.initiate_auth

    def initiate_auth(backend: Any, client_id: str, auth_flow: str,
                      auth_parameters: dict[str, str]) -> dict[str, Any]:
        pool = pool_of_client(backend, client_id)
        if auth_flow == "CUSTOM_AUTH" and pool is not None:
            return custom_auth.start(pool, pool.clients[client_id], auth_parameters or {})
        return _authenticate(pool, client_id, auth_flow, auth_parameters or {},
                             lambda: original_initiate_auth(backend, client_id, auth_flow,
                                                            auth_parameters))

    original_admin_initiate_auth = backend_class.admin_initiate_auth

    def admin_initiate_auth(backend: Any, user_pool_id: str, client_id: str, auth_flow: str,
                            auth_parameters: dict[str, str]) -> dict[str, Any]:
        pool = backend.describe_user_pool(user_pool_id)
        if auth_flow == "CUSTOM_AUTH" and client_id in pool.clients:
            return custom_auth.start(pool, pool.clients[client_id], auth_parameters or {})
        return _authenticate(pool, client_id, auth_flow, auth_parameters or {},
                             lambda: original_admin_initiate_auth(
                                 backend, user_pool_id, client_id, auth_flow,
                                 auth_parameters))

    original_respond = backend_class.respond_to_auth_challenge

    def respond_to_auth_challenge(backend: Any, session: str, client_id: str,
                                  challenge_name: str, challenge_responses: dict[str, str]
                                  ) -> dict[str, Any]:
        if challenge_name == "CUSTOM_CHALLENGE" and custom_auth.holds(session):
            return custom_auth.respond(session, client_id, challenge_responses or {})
        source = "TokenGeneration_NewPasswordChallenge" \
            if challenge_name == "NEW_PASSWORD_REQUIRED" else "TokenGeneration_Authentication"
        username = (challenge_responses or {}).get("USERNAME")
        with issuing_tokens(source):
            answer: dict[str, Any] = original_respond(backend, session, client_id,
                                                      challenge_name, challenge_responses)
        pool = pool_of_client(backend, client_id)
        if pool is not None and username and "AuthenticationResult" in answer:
            user = pool._get_user(username)
            if user is not None:
                post_authentication(pool, user, client_id)
        return answer

    original_create_jwt = pool_class.create_jwt

    def create_jwt(pool: Any, client_id: str, username: str, token_use: str,
                   expires_in: int = 60 * 60, extra_data: dict[str, Any] | None = None
                   ) -> Any:
        issue = current_issue()
        if issue is not None and token_use in ("id", "access"):
            overrides = issue.overrides(pool, client_id, username)
            if overrides is not None:
                extra_data = overridden_claims(extra_data or {}, token_use, overrides)
        return original_create_jwt(pool, client_id, username, token_use, expires_in,
                                   extra_data)

    for name, patched in (("sign_up", sign_up), ("admin_create_user", admin_create_user),
                          ("confirm_sign_up", confirm_sign_up),
                          ("admin_confirm_sign_up", admin_confirm_sign_up),
                          ("confirm_forgot_password", confirm_forgot_password),
                          ("forgot_password", forgot_password),
                          ("initiate_auth", initiate_auth),
                          ("admin_initiate_auth", admin_initiate_auth),
                          ("respond_to_auth_challenge", respond_to_auth_challenge)):
        setattr(backend_class, name, patched)
    pool_class.create_jwt = create_jwt  # type: ignore[method-assign, assignment]
