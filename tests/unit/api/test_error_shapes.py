"""How an AWS error leaves the server, read back the way users read it: by botocore's own
Lambda client, fed the status, headers and body `error_parts` makes (no network)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError

from simulator.api.error_shapes import error_parts
from simulator.errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    LambdaError,
    MethodNotAllowedError,
    PreconditionFailedException,
    RequestEntityTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
    ServiceException,
    TooManyRequestsException,
    UnknownRouteError,
    UnsupportedMediaTypeException,
    ValidationException,
)
from tests.unit.botocore_answers import ResponseBody


class ErrorClient:
    """One boto3 Lambda client (they are slow to make) whose every request gets the parts
    `error_parts` makes of the error set last as its HTTP answer."""

    def __init__(self) -> None:
        self.error: LambdaError = ServiceException("no error set")
        self.client = boto3.session.Session().client(
            "lambda", region_name="us-east-1", endpoint_url="http://lambda.invalid",
            aws_access_key_id="test", aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}))
        self.client.meta.events.register("before-send.lambda.*", self._answer)

    def _answer(self, request: Any, **_: Any) -> AWSResponse:
        status, headers, body = error_parts(self.error)
        return AWSResponse(request.url, status, headers, ResponseBody(body))

    def answering(self, error: LambdaError) -> Any:
        self.error = error
        return self.client

    def raised_by(self, error: LambdaError) -> ClientError:
        with pytest.raises(ClientError) as raised:
            self.answering(error).get_function(FunctionName="fn")
        return raised.value


@pytest.fixture(scope="module")
def boto() -> ErrorClient:
    return ErrorClient()


ERRORS = [
    ResourceNotFoundException("Function not found: arn:aws:lambda:us-east-1:1:function:fn"),
    ResourceConflictException("The operation cannot be performed at this time."),
    InvalidParameterValueException("Unsupported invocation type Sometimes"),
    ValidationException("1 validation error detected: Value at 'Timeout' failed ..."),
    InvalidRequestContentException("Could not parse request body into json"),
    RequestEntityTooLargeException("Request must be smaller than 6291456 bytes"),
    PreconditionFailedException("The Revision Id provided does not match"),
    UnsupportedMediaTypeException("The request body must be a JSON object."),
    TooManyRequestsException("Rate Exceeded.",
                             reason="ReservedFunctionConcurrentInvocationLimitExceeded"),
    ServiceException("An internal error occurred: boom"),
    UnknownRouteError("Unknown operation: GET /nowhere"),
    MethodNotAllowedError("The method PATCH is not allowed on /2015-03-31/functions"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: error.code)
def test_botocore_reads_the_code_message_and_status(boto: ErrorClient,
                                                    error: LambdaError) -> None:
    raised = boto.raised_by(error)

    assert raised.response["Error"]["Code"] == error.code
    assert raised.response["Error"]["Message"] == error.message
    assert raised.response["ResponseMetadata"]["HTTPStatusCode"] == error.status


@pytest.mark.parametrize("error", [
    ResourceNotFoundException("Function not found"),
    InvalidParameterValueException("bad value"),
    TooManyRequestsException("Rate Exceeded.", reason="ConcurrentInvocationLimitExceeded"),
    ServiceException("boom"),
], ids=lambda error: error.code)
def test_a_modeled_error_raises_its_own_exception_class_with_its_modeled_fields(
        boto: ErrorClient, error: LambdaError) -> None:
    client = boto.answering(error)
    modeled = getattr(client.exceptions, error.code)

    with pytest.raises(modeled) as raised:
        client.get_function(FunctionName="fn")

    # The model spells the message `Message` for some errors and `message` for others.
    assert raised.value.response[error.message_key] == error.message
    assert raised.value.response["Type"] == error.error_type


def test_a_throttle_says_why_and_when_to_retry(boto: ErrorClient) -> None:
    throttle = TooManyRequestsException(
        "Rate Exceeded.", reason="ReservedFunctionConcurrentInvocationLimitExceeded",
        retry_after_seconds=3)
    status, headers, _ = error_parts(throttle)

    assert status == 429
    assert ("Retry-After", "3") in headers
    response = boto.raised_by(throttle).response
    assert response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert response["retryAfterSeconds"] == "3"  # botocore reads it from Retry-After
    assert response["Type"] == "User"


def test_only_a_throttle_given_a_wait_carries_retry_after() -> None:
    for error in ERRORS:
        names = [name for name, _ in error_parts(error)[1]]
        assert "Retry-After" not in names  # AWS's concurrency throttles name no wait


def test_the_body_is_json_with_the_type_the_error_type_and_the_fields() -> None:
    error = InvalidParameterValueException("bad value", Extra="kept")
    status, headers, body = error_parts(error)

    assert status == 400
    assert dict(headers)["Content-Type"] == "application/json"
    assert dict(headers)["x-amzn-errortype"] == "InvalidParameterValueException"
    assert json.loads(body) == {"__type": "InvalidParameterValueException", "Type": "User",
                                "message": "bad value", "Extra": "kept"}
    assert json.loads(error_parts(ServiceException("boom"))[2]) == {
        "__type": "ServiceException", "Type": "Service", "Message": "boom"}


def test_each_error_has_its_own_request_id_which_botocore_reports(boto: ErrorClient) -> None:
    first = boto.raised_by(ServiceException("boom")).response["ResponseMetadata"]["RequestId"]
    second = boto.raised_by(ServiceException("boom")).response["ResponseMetadata"]["RequestId"]

    assert first and second and first != second
    assert len(first) == 36
