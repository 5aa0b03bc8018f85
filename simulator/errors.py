"""The exception tree. Each AWS error carries its code and HTTP status; the API layer
turns any of them into the AWS JSON shape in one place (`app.py`)."""

from __future__ import annotations

from typing import Any


class LambdaError(Exception):
    """An error the Lambda API answers with: `code` is AWS's error type, `status` its HTTP
    status."""

    code = "ServiceException"
    status = 500
    error_type = "Service"
    message_key = "message"  # the model spells it `Message` for some errors

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields

    def body(self) -> dict[str, Any]:
        return {"Type": self.error_type, self.message_key: self.message, **self.fields}


class ServiceException(LambdaError):
    code = "ServiceException"
    status = 500
    message_key = "Message"


class ResourceNotFoundException(LambdaError):
    code = "ResourceNotFoundException"
    status = 404
    error_type = "User"
    message_key = "Message"


class ResourceConflictException(LambdaError):
    code = "ResourceConflictException"
    status = 409
    error_type = "User"


class DurableExecutionAlreadyStartedException(LambdaError):
    code = "DurableExecutionAlreadyStartedException"
    status = 409
    error_type = "User"
    message_key = "Message"


class InvalidParameterValueException(LambdaError):
    code = "InvalidParameterValueException"
    status = 400
    error_type = "User"


class ValidationException(LambdaError):
    code = "ValidationException"
    status = 400
    error_type = "User"


class InvalidRequestContentException(LambdaError):
    code = "InvalidRequestContentException"
    status = 400
    error_type = "User"


class RequestEntityTooLargeException(LambdaError):
    code = "RequestEntityTooLargeException"
    status = 413
    error_type = "User"


class PreconditionFailedException(LambdaError):
    code = "PreconditionFailedException"
    status = 412
    error_type = "User"


class UnsupportedMediaTypeException(LambdaError):
    code = "UnsupportedMediaTypeException"
    status = 415
    error_type = "User"


class TooManyRequestsException(LambdaError):
    """Throttling; `Reason` tells which limit (reserved or account concurrency)."""

    code = "TooManyRequestsException"
    status = 429
    error_type = "User"

    def __init__(self, message: str, reason: str, retry_after_seconds: int | None = None
                 ) -> None:
        # A wait, when one is given, goes in the Retry-After header, where botocore's model
        # reads it; AWS's throttles of reserved and account concurrency give none, and their
        # body holds only the message and the reason.
        super().__init__(message, Reason=reason)
        self.retry_after_seconds = retry_after_seconds


class InvalidRuntimeException(LambdaError):
    """AWS's answer to an invoke whose runtime is not supported: here, a runtime the
    simulator deployed (as AWS would) but has no executor for."""

    code = "InvalidRuntimeException"
    status = 502
    error_type = "User"
    message_key = "Message"


class UnknownRouteError(LambdaError):
    """A path or method the API does not have: AWS answers these with UnknownOperationException."""

    code = "UnknownOperationException"
    status = 404


class MethodNotAllowedError(LambdaError):
    code = "MethodNotAllowedException"
    status = 405


class EnvironmentUnavailable(Exception):
    """An execution environment could not be started (engine down, image missing)."""


class CodeSigningConfigNotFoundException(LambdaError):
    """A function is pointed at a code signing configuration that does not exist; the wording
    is AWS's."""

    code = "CodeSigningConfigNotFoundException"
    status = 404
    error_type = "User"
    message_key = "Message"

    def __init__(self, arn: str) -> None:
        super().__init__("The code signing configuration cannot be found. Check that the "
                         f"provided configuration is not deleted: {arn}.")


class UntypedResourceNotFoundException(ResourceNotFoundException):
    """A ResourceNotFoundException whose body has no `Type`, as AWS answers for a code
    signing configuration that does not exist."""

    def body(self) -> dict[str, Any]:
        return {self.message_key: self.message, **self.fields}


class UntypedInvalidParameterValueException(InvalidParameterValueException):
    """An InvalidParameterValueException whose body has no `Type`, as AWS answers an alias of
    `$LATEST` with a routing configuration."""

    def body(self) -> dict[str, Any]:
        return {self.message_key: self.message, **self.fields}


class CapacityProviderLimitExceededException(LambdaError):
    code = "CapacityProviderLimitExceededException"
    status = 400
    error_type = "User"


class AccessDeniedException(LambdaError):
    """Not in Lambda's model (boto3 raises a plain ClientError), yet what AWS answers for a
    function scaling configuration on a function without a capacity provider."""

    code = "AccessDeniedException"
    status = 403
    error_type = "User"
    message_key = "Message"
