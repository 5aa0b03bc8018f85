"""One endpoint for every AWS service: requests signed for Lambda (or not signed at all, like
a function URL or the simulator's own pages) go to our app; services given an app of their
own (CloudWatch Logs, CloudWatch) go to it; the rest (S3, SQS, SNS, EventBridge, ...) go to
moto's server app mounted in the same process."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from simulator.invocation.tracing import incoming_trace_header
from simulator.models import WSGIApp
from simulator.service_state.store import ServiceState

CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/]+/([^/]+)/aws4_request")
PRESIGNED_SCOPE = re.compile(r"X-Amz-Credential=[^&]*?%2F\d{8}%2F[^%&]+%2F([^%&]+)%2Faws4_request",
                             re.IGNORECASE)
OWN_SERVICES = frozenset({"lambda"})
# Operations AWS serves without a signature (a user pool's sign-up and sign-in), known by
# their target header.
UNSIGNED_TARGETS = ("AWSCognitoIdentityProviderService.", "AWSCognitoIdentityService.")
ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")
HEALTH_PATH = "/_simulator/health"


def signed_service(environ: dict[str, Any]) -> str | None:
    """The AWS service a request is signed for (SigV4 credential scope), if any."""
    match = CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if match is None:
        match = PRESIGNED_SCOPE.search(environ.get("QUERY_STRING", ""))
    return match.group(1) if match else None


def is_unsigned_service_call(environ: dict[str, Any]) -> bool:
    return str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith(UNSIGNED_TARGETS)


def presented_token(environ: dict[str, Any]) -> str | None:
    """The access key a request is signed with, or an `X-Lambda-Sim-Token` header."""
    match = ACCESS_KEY.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else environ.get("HTTP_X_LAMBDA_SIM_TOKEN")


class ServiceDispatcher:
    """`access_token`, when set (a server bound beyond loopback), must be the AWS access key
    id clients sign with, or come in an `X-Lambda-Sim-Token` header; health stays open.

    `service_state`, when given, keeps moto's state in the state folder: restored here, at
    the start, if there is any, and each change saved before its response goes back."""

    def __init__(self, own_app: WSGIApp, account_id: str, access_token: str = "",
                 services: Mapping[str, WSGIApp] | None = None,
                 service_state: ServiceState | None = None) -> None:
        self._own_app = own_app
        self._services = dict(services or {})
        self._account_id = account_id
        self._access_token = access_token
        self._aws_app: WSGIApp | None = None
        self._service_state = service_state
        if self._service_state is not None and self._service_state.has_saved_state():
            _ = self.aws_app  # moto loaded and patched before its state comes back
            self._service_state.restore()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        if self._access_token and environ.get("PATH_INFO") != HEALTH_PATH and \
                presented_token(environ) != self._access_token:
            body = json.dumps({"__type": "UnrecognizedClientException",
                               "message": "The security token included in the request is "
                               "invalid."}).encode()
            start_response("403 Forbidden", [("Content-Type", "application/json"),
                                             ("x-amzn-errortype", "UnrecognizedClientException"),
                                             ("Content-Length", str(len(body)))])
            return [body]
        service = signed_service(environ)
        if (service is None and not is_unsigned_service_call(environ)) or \
                service in OWN_SERVICES:
            return self._own_app(environ, start_response)
        app = self._services.get(service or "")
        if app is None and self._service_state is not None:
            with self._service_state.serving(environ):
                return self._serve(self.aws_app, environ, start_response)
        return self._serve(app or self.aws_app, environ, start_response)

    @staticmethod
    def _serve(app: WSGIApp, environ: dict[str, Any], start_response: Callable[..., Any]
               ) -> Iterable[bytes]:
        # Services that pass a trace on (SQS, SNS, S3, EventBridge) read it while serving.
        token = incoming_trace_header.set(environ.get("HTTP_X_AMZN_TRACE_ID"))
        try:
            return app(environ, start_response)
        finally:
            incoming_trace_header.reset(token)

    @property
    def aws_app_loaded(self) -> bool:
        return self._aws_app is not None

    @property
    def aws_app(self) -> WSGIApp:
        """moto's multi-service app, created on first use (it is large to import)."""
        if self._aws_app is None:
            os.environ.setdefault("MOTO_ACCOUNT_ID", self._account_id)
            from moto.moto_server.werkzeug_app import (
                DomainDispatcherApplication,
                create_backend_app,
            )

            from simulator.events import cognito_user_pools, moto_bridge

            moto_bridge.install()
            cognito_user_pools.install()
            if self._service_state is not None:
                self._service_state.track()
            self._aws_app = DomainDispatcherApplication(create_backend_app)
        return self._aws_app

    def close(self) -> None:
        """Let go of the saved state's files (each change is in them already)."""
        if self._service_state is not None:
            self._service_state.close()
