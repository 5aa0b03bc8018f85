"""Requests told apart by what they may change, from the request alone."""

from __future__ import annotations

import io
from typing import Any

from simulator.service_state.requests import ANY_REGION, classify


def signed(service: str, method: str = "POST", path: str = "/", **extra: Any
           ) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=test/20240101/eu-west-1/"
                                  f"{service}/aws4_request, SignedHeaders=host, Signature=x",
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", **extra}


def test_json_operations_by_their_target() -> None:
    send = classify(signed("sqs", HTTP_X_AMZ_TARGET="AmazonSQS.SendMessage"))
    assert send is not None and send.changes_service and send.operation == "SendMessage"
    assert send.region == "eu-west-1"
    receive = classify(signed("sqs", HTTP_X_AMZ_TARGET="AmazonSQS.ReceiveMessage"))
    assert receive is not None and receive.changes_service
    read = classify(signed("sqs", HTTP_X_AMZ_TARGET="AmazonSQS.GetQueueUrl"))
    assert read is not None and not read.changes_service


def test_query_operations_by_their_action_leaving_the_body_readable() -> None:
    body = b"Action=CreateTopic&Name=t&Version=2010-03-31"
    environ = signed("sns", CONTENT_TYPE="application/x-www-form-urlencoded",
                     CONTENT_LENGTH=str(len(body)), **{"wsgi.input": io.BytesIO(body)})
    request = classify(environ)
    assert request is not None and request.operation == "CreateTopic" and \
        request.changes_service
    assert environ["wsgi.input"].read() == body


def test_deliveries_do_not_change_their_own_service() -> None:
    for service, target in (("sns", None), ("events", "AWSEvents.PutEvents")):
        extra = {"HTTP_X_AMZ_TARGET": target} if target else {"QUERY_STRING": "Action=Publish"}
        request = classify(signed(service, **extra))
        assert request is not None and not request.changes_service


def test_s3_requests_by_method_bucket_and_key() -> None:
    put = classify(signed("s3", "PUT", "/bucket/dir/a%20b"))
    assert put is not None and put.changes_service
    assert (put.bucket, put.key, put.s3_bucket_level) == ("bucket", "dir/a%20b", False)
    tagged = classify(signed("s3", "PUT", "/bucket/key", HTTP_X_AMZ_TAGGING="a=b"))
    assert tagged is not None and tagged.s3_bucket_level
    policy = classify(signed("s3", "PUT", "/bucket", QUERY_STRING="policy"))
    assert policy is not None and policy.s3_bucket_level and policy.key == ""
    get = classify(signed("s3", "GET", "/bucket/key"))
    assert get is not None and not get.changes_service


def test_unsigned_requests_are_not_classified() -> None:
    assert classify({"REQUEST_METHOD": "GET", "PATH_INFO": "/"}) is None


def test_unsigned_cognito_operations_are_classified_for_any_region() -> None:
    sign_up = classify({"REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "",
                        "HTTP_X_AMZ_TARGET": "AWSCognitoIdentityProviderService.SignUp"})
    assert sign_up is not None and sign_up.service == "cognito-idp"
    assert sign_up.region == ANY_REGION and sign_up.changes_service
    assert classify({"REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "",
                     "HTTP_X_AMZ_TARGET": "DynamoDB_20120810.PutItem"}) is None
