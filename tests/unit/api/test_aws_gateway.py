"""The gateway: routing signed requests to each service's app, and who it lets in (the
access token as the secret of a signature, a generated token asked only of other machines and
functions, the management routes closed to functions)."""

from __future__ import annotations

import json
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from werkzeug.test import Client

from simulator.api.aws_gateway import ServiceDispatcher
from simulator.api.request_sources import RequestSources
from simulator.executors.base import GuestNetwork


def test_gateway_routes_services_to_their_apps() -> None:
    def app_saying(word: bytes) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            start_response("200 OK", [])
            return [word]
        return app

    dispatcher = ServiceDispatcher(app_saying(b"lambda"), "000000000000",
                                   services={"logs": app_saying(b"logs")})
    client = Client(dispatcher)

    def signed(service: str) -> dict[str, str]:
        return {"Authorization": f"AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/"
                                 f"{service}/aws4_request, SignedHeaders=host, Signature=x"}

    assert client.post("/", headers=signed("logs")).data == b"logs"
    assert client.post("/", headers=signed("lambda")).data == b"lambda"
    assert client.get("/_simulator/ui").data == b"lambda"


def test_unsigned_cognito_calls_go_to_the_aws_services_and_other_unsigned_ones_stay() -> None:
    seen: list[str] = []

    def own_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return [b"own"]

    def aws_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(environ["HTTP_X_AMZ_TARGET"])
        start_response("200 OK", [])
        return [b"aws"]

    dispatcher = ServiceDispatcher(own_app, "000000000000")
    dispatcher._aws_app = aws_app
    client = Client(dispatcher)

    sign_up = {"X-Amz-Target": "AWSCognitoIdentityProviderService.SignUp"}
    assert client.post("/", headers=sign_up).data == b"aws"
    assert seen == ["AWSCognitoIdentityProviderService.SignUp"]
    assert client.post("/", headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"}
                       ).data == b"own"


TOKEN = "the-token"
NETWORK = GuestNetwork("172.30.0.0/16", "172.30.0.1")


def own(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [])
    return [b"own"]


def gateway(**options: Any) -> Client:
    return Client(ServiceDispatcher(own, "000000000000", access_token=TOKEN,
                                    sources=RequestSources(lambda: NETWORK), **options))


def lambda_signed(secret: str) -> dict[str, str]:
    request = AWSRequest(method="GET", url="http://localhost/2015-03-31/functions/")
    SigV4Auth(Credentials("test", secret), "lambda", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def test_with_a_token_a_request_must_be_signed_with_it_as_the_secret() -> None:
    client = gateway()
    assert client.get("/2015-03-31/functions/", headers=lambda_signed(TOKEN)).data == b"own"
    wrong = client.get("/2015-03-31/functions/", headers=lambda_signed("guess"))
    assert wrong.status_code == 403
    assert wrong.headers["x-amzn-errortype"] == "InvalidSignatureException"
    unsigned = client.get("/2015-03-31/functions/")
    assert json.loads(unsigned.data)["__type"] == "MissingAuthenticationTokenException"
    assert client.get("/_simulator/health").data == b"own"


def test_the_token_header_is_an_alternative_to_a_signature() -> None:
    client = gateway()
    assert client.get("/_simulator/ui", headers={"X-Lambda-Sim-Token": TOKEN}).data == b"own"
    refused = client.get("/_simulator/ui", headers={"X-Lambda-Sim-Token": "wrong"})
    assert refused.headers["x-amzn-errortype"] == "UnrecognizedClientException"


def test_an_s3_request_is_refused_in_s3s_own_shape() -> None:
    request = AWSRequest(method="GET", url="http://localhost/bucket",
                         headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    SigV4Auth(Credentials("test", "guess"), "s3", "us-east-1").add_auth(request)
    refused = gateway().get("/bucket", headers=dict(request.headers.items()))
    assert refused.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in refused.data


def test_a_generated_token_is_asked_only_of_other_machines_and_functions() -> None:
    client = gateway(token_generated=True)
    for address, answered in (("127.0.0.1", 200), ("172.30.0.1", 200), ("172.30.0.7", 403),
                              ("192.0.2.10", 403)):
        response = client.get("/2015-03-31/functions/",
                              environ_overrides={"REMOTE_ADDR": address})
        assert response.status_code == answered, address
    given = gateway()
    assert given.get("/2015-03-31/functions/",
                     environ_overrides={"REMOTE_ADDR": "127.0.0.1"}).status_code == 403


def test_functions_do_not_reach_the_management_routes_unless_let() -> None:
    function = {"REMOTE_ADDR": "172.30.0.7"}
    token = {"X-Lambda-Sim-Token": TOKEN}
    refused = gateway().get("/_simulator/functions", headers=token, environ_overrides=function)
    assert refused.status_code == 403
    assert refused.headers["x-amzn-errortype"] == "AccessDeniedException"
    assert gateway().get("/_simulator/health", environ_overrides=function).status_code == 200
    assert gateway().get("/2015-03-31/functions/", headers=token,
                         environ_overrides=function).data == b"own"
    assert gateway(functions_manage=True).get("/_simulator/functions", headers=token,
                                              environ_overrides=function).data == b"own"
