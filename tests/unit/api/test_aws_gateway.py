"""The gateway's routing of signed requests to each service's app."""

from __future__ import annotations

from typing import Any

from werkzeug.test import Client

from simulator.api.aws_gateway import ServiceDispatcher


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
