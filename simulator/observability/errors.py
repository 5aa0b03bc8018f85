"""The errors of CloudWatch Logs, CloudWatch (metrics) and X-Ray, in the tree of
`simulator.errors`:
each carries its AWS code and HTTP status. CloudWatch's JSON protocol names an error by its
model shape (`shape`) while its query protocol uses `code`."""

from __future__ import annotations

from simulator.errors import LambdaError


class LogsResourceNotFound(LambdaError):
    code = "ResourceNotFoundException"
    status = 400


class LogsInvalidParameter(LambdaError):
    code = "InvalidParameterException"
    status = 400


class LogsUnknownOperation(LambdaError):
    code = "UnknownOperationException"
    status = 400


class CloudWatchError(LambdaError):
    code = "InternalServiceError"
    shape = "InternalServiceFault"
    status = 500


class InvalidParameterValue(CloudWatchError):
    code = "InvalidParameterValue"
    shape = "InvalidParameterValueException"
    status = 400


class MissingParameter(CloudWatchError):
    code = "MissingParameter"
    shape = "MissingRequiredParameterException"
    status = 400


class InvalidParameterCombination(CloudWatchError):
    code = "InvalidParameterCombination"
    shape = "InvalidParameterCombinationException"
    status = 400


class InvalidAction(CloudWatchError):
    code = "InvalidAction"
    shape = "InvalidAction"
    status = 400


class XRayInvalidRequest(LambdaError):
    code = "InvalidRequestException"
    status = 400


class XRayUnknownOperation(LambdaError):
    code = "UnknownOperationException"
    status = 404
