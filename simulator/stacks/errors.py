"""CloudFormation's errors, with the codes and HTTP statuses of its service model, so the
query API can write them as AWS does."""

from __future__ import annotations


class CloudFormationError(Exception):
    """An error a CloudFormation call answers with; `code` is the wire code."""

    code = "ValidationError"
    status = 400
    sender_fault = True

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(CloudFormationError):
    code = "ValidationError"


class AlreadyExists(CloudFormationError):
    code = "AlreadyExistsException"


class InsufficientCapabilities(CloudFormationError):
    code = "InsufficientCapabilitiesException"


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFound"
    status = 404


class InvalidChangeSetStatus(CloudFormationError):
    code = "InvalidChangeSetStatus"


class TemplateFormatError(ValidationError):
    """A template CloudFormation refuses to read; the message carries its prefix."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"Template format error: {detail}")
