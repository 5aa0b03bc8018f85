from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from botocore.exceptions import ClientError, WaiterError

from simulator.stacks.provisioning import Provisioned, ProvisioningContext, ResourceFailed
from simulator.stacks.resource_types import (
    ReportingFailures,
    provisioner_for,
)
from simulator.stacks.resources.custom_resources import CustomResourceProvisioner
from tests.unit.stacks.resources.fake_clients import fake_context


def client_error(code: str, message: str, status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": "req-1"}},
                       "Operation")


class Raising:
    """A provisioner whose every call raises the given error."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        raise self.error

    def replaces(self, old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
                 ) -> bool:
        return True

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        raise self.error

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        raise self.error


def test_known_unknown_and_custom_types() -> None:
    assert provisioner_for("AWS::Lambda::Function") is not None
    assert provisioner_for("AWS::EC2::Instance") is None
    custom = provisioner_for("Custom::Anything")
    assert isinstance(custom, ReportingFailures)
    assert isinstance(custom.inner, CustomResourceProvisioner)
    assert custom.inner.resource_type == "Custom::Anything"
    assert provisioner_for("AWS::CloudFormation::CustomResource") is not None


def test_a_refused_call_becomes_the_status_reason() -> None:
    wrapped = ReportingFailures(Raising(client_error("InvalidParameterValueException",
                                                     "Bad runtime")))
    with pytest.raises(ResourceFailed) as failed:
        wrapped.create(fake_context(), {})
    assert str(failed.value) == ('Resource handler returned message: "Bad runtime (Status '
                                 'Code: 400, Request ID: req-1)" (HandlerErrorCode: '
                                 'InvalidRequest)')


def test_deleting_what_is_already_gone_succeeds_but_other_refusals_fail() -> None:
    ReportingFailures(Raising(client_error("ResourceNotFoundException", "gone", 404))).delete(
        fake_context(), "id", {})
    with pytest.raises(ResourceFailed, match="not empty"):
        ReportingFailures(Raising(client_error("BucketNotEmpty", "The bucket you tried to "
                                               "delete is not empty", 409))).delete(
            fake_context(), "id", {})


def test_a_resource_that_never_stabilizes_fails_with_its_reason() -> None:
    error = WaiterError("FunctionActiveV2", "Waiter encountered a terminal failure state",
                        {"Configuration": {"State": "Failed",
                                           "StateReason": "Image not found"}})
    with pytest.raises(ResourceFailed, match="Image not found"):
        ReportingFailures(Raising(error)).update(fake_context(), "id", {}, {})


def test_a_missing_required_property_fails_before_any_call() -> None:
    wrapped = provisioner_for("AWS::Lambda::Permission")
    assert wrapped is not None
    with pytest.raises(ResourceFailed) as failed:
        wrapped.create(fake_context(logical_id="Allow"), {"FunctionName": "f",
                                                          "Action": "lambda:InvokeFunction"})
    assert str(failed.value) == ("Properties validation failed for resource Allow with "
                                 "message: #: required key [Principal] not found")
