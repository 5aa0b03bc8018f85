"""One endpoint for every AWS service: requests signed for Lambda (or not signed at all, like
a function URL or the simulator's own pages) go to our app; services given an app of their
own (CloudWatch Logs, CloudWatch) go to it; the rest (S3, SQS, SNS, EventBridge, ...) go to
moto's server app mounted in the same process."""

from __future__ import annotations

import hmac
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

from simulator.api.embedded_answers import EmbeddedAnswers
from simulator.api.regional_routing import account_of
from simulator.api.request_signatures import SignatureRejected, answers_in_xml, verify
from simulator.api.request_sources import RequestSources
from simulator.invocation.tracing import incoming_trace_header
from simulator.models import WSGIApp
from simulator.service_state.store import ServiceState

CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/]+/([^/]+)/aws4_request")
PRESIGNED_SCOPE = re.compile(r"X-Amz-Credential=[^&]*?%2F\d{8}%2F[^%&]+%2F([^%&]+)%2Faws4_request",
                             re.IGNORECASE)
S3_PRESIGNED_V2 = re.compile(r"(?:^|&)AWSAccessKeyId=[^&]+.*&Signature=|(?:^|&)Signature=[^&]+"
                             r".*&AWSAccessKeyId=")
OWN_SERVICES = frozenset({"lambda"})
# Operations AWS serves without a signature (a user pool's sign-up and sign-in), known by
# their target header.
UNSIGNED_TARGETS = ("AWSCognitoIdentityProviderService.", "AWSCognitoIdentityService.")
HEALTH_PATH = "/_simulator/health"
MANAGEMENT_PREFIX = "/_simulator/"


def signed_service(environ: dict[str, Any]) -> str | None:
    """The AWS service a request is signed for (SigV4 credential scope), if any."""
    match = CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if match is None:
        match = PRESIGNED_SCOPE.search(environ.get("QUERY_STRING", ""))
    if match is None and S3_PRESIGNED_V2.search(environ.get("QUERY_STRING", "")):
        return "s3"  # S3's older presigned URLs (boto3's default in us-east-1) name no scope
    return match.group(1) if match else None


def is_unsigned_service_call(environ: dict[str, Any]) -> bool:
    return str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith(UNSIGNED_TARGETS)


class ServiceDispatcher:
    """`access_token`, when set, is the secret access key requests must be signed with (or
    it comes in an `X-Lambda-Sim-Token` header); health stays open. A token the server
    generated for itself is asked only of other machines and of functions: requests from
    this machine need none. Function containers never reach the management routes
    (`/_simulator/*`) unless `functions_manage`.

    `service_state`, when given, keeps moto's state in the state folder: restored here, at
    the start, if there is any, and each change saved before its response goes back."""

    def __init__(self, own_app: WSGIApp, account_id: str, access_token: str = "",
                 services: Mapping[str, WSGIApp] | None = None,
                 service_state: ServiceState | None = None,
                 sources: RequestSources | None = None, token_generated: bool = False,
                 functions_manage: bool = False) -> None:
        self._own_app = own_app
        self._services = dict(services or {})
        self._account_id = account_id
        self._access_token = access_token
        self._sources = sources or RequestSources()
        self._token_generated = token_generated
        self._functions_manage = functions_manage
        self._aws_app: WSGIApp | None = None
        self._service_state = service_state
        if self._service_state is not None and self._service_state.has_saved_state():
            _ = self.aws_app  # moto loaded and patched before its state comes back
            self._service_state.restore()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        address = str(environ.get("REMOTE_ADDR", ""))
        if path.startswith(MANAGEMENT_PREFIX) and path != HEALTH_PATH and \
                not self._functions_manage and self._sources.from_a_function(address):
            return _refused(start_response, "AccessDeniedException",
                            "Functions may not call the simulator's own routes (set "
                            "LAMBDA_SIM_FUNCTIONS_MANAGE=1 to let them).", "")
        if self._access_token and path != HEALTH_PATH and not (
                self._token_generated and self._sources.from_this_machine(address)):
            rejection = self._rejection(environ)
            if rejection is not None:
                return _refused(start_response, rejection.code, rejection.message,
                                rejection.service)
        # The embedded services serve the account the request is signed for, as the
        # simulator's own Lambda does; a client's own account header is not taken.
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = account_of(environ, self._account_id)
        service = signed_service(environ)
        if (service is None and not is_unsigned_service_call(environ)) or \
                service in OWN_SERVICES:
            return self._own_app(environ, start_response)
        app = self._services.get(service or "")
        if app is None and self._service_state is not None:
            with self._service_state.serving(environ):
                return self._serve(self.aws_app, environ, start_response)
        return self._serve(app or self.aws_app, environ, start_response)

    def _rejection(self, environ: dict[str, Any]) -> SignatureRejected | None:
        header = environ.get("HTTP_X_LAMBDA_SIM_TOKEN")
        if header is not None:
            if hmac.compare_digest(str(header).encode(), self._access_token.encode()):
                return None
            return SignatureRejected("UnrecognizedClientException",
                                     "The security token included in the request is invalid.",
                                     "")
        try:
            verify(environ, self._access_token)
        except SignatureRejected as rejection:
            return rejection
        return None

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
        """moto's multi-service app, created on first use (it is large to import), its
        answers in AWS's shape where they differ (`embedded_answers`)."""
        if self._aws_app is None:
            from moto.moto_server.werkzeug_app import (
                DomainDispatcherApplication,
                create_backend_app,
            )

            from simulator.events import (
                cognito_user_pools,
                moto_bridge,
                queue_attributes,
                sns_signatures,
            )

            moto_bridge.install()
            cognito_user_pools.install()
            sns_signatures.install()
            queue_attributes.install()
            if self._service_state is not None:
                self._service_state.track()
            self._aws_app = EmbeddedAnswers(DomainDispatcherApplication(create_backend_app))
        return self._aws_app

    def close(self) -> None:
        """Let go of the saved state's files (each change is in them already)."""
        if self._service_state is not None:
            self._service_state.close()


def _refused(start_response: Callable[..., Any], code: str, message: str, service: str
             ) -> Iterable[bytes]:
    """A 403 in the shape the service's clients parse: S3's XML, the query protocol's
    ErrorResponse, or JSON with the error type in a header."""
    if service == "s3":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>"
                f"<Message>{escape(message)}</Message></Error>").encode()
        content_type = "application/xml"
    elif answers_in_xml(service):
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>"
                f"{escape(message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId>"
                "</ErrorResponse>").encode()
        content_type = "text/xml"
    else:
        body = json.dumps({"__type": code, "message": message}).encode()
        content_type = "application/json"
    start_response("403 Forbidden", [("Content-Type", content_type),
                                     ("x-amzn-errortype", code),
                                     ("Content-Length", str(len(body)))])
    return [body]
