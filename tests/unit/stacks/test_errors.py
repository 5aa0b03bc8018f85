"""CloudFormation's errors carry the codes and statuses of its service model."""

from __future__ import annotations

import pytest

from simulator.botocore_models import service_model
from simulator.stacks.errors import (
    AlreadyExists,
    ChangeSetNotFound,
    CloudFormationError,
    InsufficientCapabilities,
    InvalidChangeSetStatus,
    TemplateFormatError,
)


@pytest.mark.parametrize(("error", "shape"), [
    (AlreadyExists, "AlreadyExistsException"),
    (InsufficientCapabilities, "InsufficientCapabilitiesException"),
    (ChangeSetNotFound, "ChangeSetNotFoundException"),
    (InvalidChangeSetStatus, "InvalidChangeSetStatusException"),
])
def test_codes_and_statuses_are_the_models(error: type[CloudFormationError], shape: str) -> None:
    modeled = service_model("cloudformation").shape_for(shape).metadata["error"]
    assert (error.code, error.status) == (modeled["code"], modeled["httpStatusCode"])


def test_a_template_format_error_carries_cloudformations_prefix() -> None:
    error = TemplateFormatError("At least one Resources member must be defined.")
    assert error.code == "ValidationError"
    assert error.message == "Template format error: At least one Resources member must be defined."
