"""AWS::Lambda::EventSourceMapping's API calls and its wait for a settled state, against a
fake Lambda and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from simulator.stacks.provisioning import ResourceFailed
from simulator.stacks.resources import lambda_event_sources
from simulator.stacks.resources.lambda_event_sources import (
    EventSourceMappingProvisioner,
    mapping_parameters,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context

MAPPING_ARN = "arn:aws:lambda:us-east-1:123456789012:event-source-mapping:u1"


class FakeTime:
    """A clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(lambda_event_sources, "time", fake)
    return fake


def states(*names: str) -> Any:
    """Answers get_event_source_mapping with each state in turn, then the last again."""
    remaining: Iterator[str] = iter(names)
    last = {"State": names[-1]}

    def answer(**_: Any) -> dict[str, str]:
        last["State"] = next(remaining, last["State"])
        return {"State": last["State"], "EventSourceMappingArn": MAPPING_ARN}
    return answer


def test_event_source_mapping_parameters_are_typed_and_renamed() -> None:
    assert mapping_parameters({"BatchSize": "5", "Enabled": "false", "KmsKeyArn": "k",
                               "Tags": []}, ("BatchSize", "Enabled")) == {
        "BatchSize": 5, "Enabled": False, "KMSKeyArn": "k"}


def test_a_mapping_is_created_and_waited_for_until_it_settles(clock: FakeTime) -> None:
    client = FakeClient("lambda", {"create_event_source_mapping": {"UUID": "u1"},
                                   "get_event_source_mapping": states("Creating", "Enabled")})
    provisioned = EventSourceMappingProvisioner().create(fake_context(client), {
        "FunctionName": "f", "EventSourceArn": "arn:aws:kinesis:us-east-1:1:stream/s",
        "StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": "1700000000",
        "BisectBatchOnFunctionError": "true", "Tags": [{"Key": "a", "Value": "b"}]})
    assert (provisioned.physical_id, provisioned.attributes) == (
        "u1", {"Id": "u1", "EventSourceMappingArn": MAPPING_ARN})
    assert client.parameters("create_event_source_mapping") == {
        "FunctionName": "f", "EventSourceArn": "arn:aws:kinesis:us-east-1:1:stream/s",
        "StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": 1700000000.0,
        "BisectBatchOnFunctionError": True, "Tags": {"a": "b"}}
    assert client.operations().count("get_event_source_mapping") == 2
    assert len(clock.slept) == 1


def test_a_mapping_that_never_settles_fails(clock: FakeTime) -> None:
    client = FakeClient("lambda", {"create_event_source_mapping": {"UUID": "u1"},
                                   "get_event_source_mapping": states("Updating")})
    with pytest.raises(ResourceFailed, match="Event source mapping u1 did not stabilize: it "
                                             "is still Updating."):
        EventSourceMappingProvisioner().create(fake_context(client), {"FunctionName": "f"})
    assert clock.now > lambda_event_sources.SETTLE_SECONDS


def test_an_update_resets_what_the_template_no_longer_sets(clock: FakeTime) -> None:
    client = FakeClient("lambda", {"get_event_source_mapping": states("Enabled")})
    old = {"FunctionName": "f", "EventSourceArn": "q", "BatchSize": 5,
           "FilterCriteria": {"Filters": [{"Pattern": "{}"}]},
           "FunctionResponseTypes": ["ReportBatchItemFailures"]}
    EventSourceMappingProvisioner().update(fake_context(client), "u1", old, {
        "FunctionName": "f", "EventSourceArn": "q", "Enabled": "false"})
    assert client.parameters("update_event_source_mapping") == {
        "UUID": "u1", "FunctionName": "f", "Enabled": False,
        "FilterCriteria": {"Filters": []}, "FunctionResponseTypes": []}
    assert clock.slept == []


def test_the_source_and_starting_position_replace_the_mapping() -> None:
    old = {"FunctionName": "f", "EventSourceArn": "q", "BatchSize": 5}
    assert EventSourceMappingProvisioner().replaces(old, {**old, "EventSourceArn": "r"})
    assert EventSourceMappingProvisioner().replaces(old, {**old, "StartingPosition": "LATEST"})
    assert not EventSourceMappingProvisioner().replaces(old, {**old, "BatchSize": 10})
    assert not EventSourceMappingProvisioner().replaces(old, {**old, "FunctionName": "g"})


def test_a_mapping_is_deleted_by_its_uuid() -> None:
    client = FakeClient("lambda")
    EventSourceMappingProvisioner().delete(fake_context(client), "u1", {"FunctionName": "f"})
    assert client.calls == [("delete_event_source_mapping", {"UUID": "u1"})]
