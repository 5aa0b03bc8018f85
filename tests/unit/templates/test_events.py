"""The events that invoke a function: SAM's `Events`, resolved into EventSpecs, and
`AWS::Lambda::EventSourceMapping` resources, which add an SQS event to their target."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.templates.events import attach_event_source_mapping, sam_events
from simulator.templates.intrinsics import Resolver
from simulator.templates.naming import Stack
from simulator.templates.specs import EventSpec, FunctionSpec, TemplateError

STACK = Stack(name="demo", region="us-east-1", account_id="123456789012")
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:demo-Jobs"
WORKER_ARN = "arn:aws:lambda:us-east-1:123456789012:function:demo-Worker"
RESOURCES: dict[str, dict[str, Any]] = {
    "Worker": {"Type": "AWS::Serverless::Function"},
    "Other": {"Type": "AWS::Serverless::Function"},
    "Jobs": {"Type": "AWS::SQS::Queue"},
    "Alerts": {"Type": "AWS::SNS::Topic"},
    "Uploads": {"Type": "AWS::S3::Bucket"},
}


def resolver() -> Resolver:
    return Resolver(STACK, {"Stage": "prod"}, RESOURCES, {}, {}, [])


def functions() -> list[FunctionSpec]:
    worker = FunctionSpec(
        "Worker", "demo-Worker", "python3.12", "app.handler", arn=WORKER_ARN,
        events=[EventSpec("Nightly", "Schedule", {"Schedule": "rate(1 day)"})],
    )
    other = FunctionSpec("Other", "demo-Other", "python3.12", "app.handler",
                         arn="arn:aws:lambda:us-east-1:123456789012:function:demo-Other")
    return [worker, other]


def mapping(**properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::EventSourceMapping", "Properties": properties}


def test_sam_events_resolve_their_properties_in_order() -> None:
    subject = resolver()
    events = {
        "Upload": {"Type": "S3", "Properties": {"Bucket": {"Ref": "Uploads"},
                                                "Events": "s3:ObjectCreated:*"}},
        "Work": {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": ["Jobs", "Arn"]},
                                               "BatchSize": 5}},
        "Alert": {"Type": "SNS", "Properties": {"Topic": {"Ref": "Alerts"}}},
        "Get": {"Type": "Api", "Properties": {"Path": {"Fn::Sub": "/${Stage}/items"},
                                              "Method": "get"}},
        "Tick": {"Type": "Schedule", "Properties": {"Schedule": "rate(5 minutes)"}},
    }
    assert sam_events("Worker", events, subject) == [
        EventSpec("Upload", "S3", {"Bucket": "demo-uploads", "Events": "s3:ObjectCreated:*"}),
        EventSpec("Work", "SQS", {"Queue": QUEUE_ARN, "BatchSize": 5}),
        EventSpec("Alert", "SNS", {"Topic": "arn:aws:sns:us-east-1:123456789012:demo-Alerts"}),
        EventSpec("Get", "Api", {"Path": "/prod/items", "Method": "get"}),
        EventSpec("Tick", "Schedule", {"Schedule": "rate(5 minutes)"}),
    ]
    assert subject.warnings == []


@pytest.mark.parametrize("event_type", ["HttpApi", "ScheduleV2"])
def test_an_event_without_properties_has_none(event_type: str) -> None:
    events = {"Any": {"Type": event_type}}
    assert sam_events("Worker", events, resolver()) == [EventSpec("Any", event_type, {})]


def test_events_the_simulator_does_not_deliver_are_left_out_with_a_warning() -> None:
    subject = resolver()
    events = {
        "Stream": {"Type": "DynamoDB", "Properties": {"Stream": "arn:aws:dynamodb:..."}},
        "Work": {"Type": "SQS", "Properties": {"Queue": QUEUE_ARN}},
        "Broken": "SQS",
    }
    assert sam_events("Worker", events, subject) == [
        EventSpec("Work", "SQS", {"Queue": QUEUE_ARN})
    ]
    delivered = ("Api, HttpApi, S3, SQS, Schedule, ScheduleV2, SNS, EventBridgeRule, "
                 "CloudWatchEvent")
    assert subject.warnings == [
        f"Event Stream of function Worker has the type DynamoDB, which the simulator does not "
        f"deliver (it delivers {delivered}); it is ignored.",
        f"Event Broken of function Worker has the type None, which the simulator does not "
        f"deliver (it delivers {delivered}); it is ignored.",
    ]


def test_a_property_without_a_local_value_is_warned_about_where_it_is() -> None:
    subject = resolver()
    events = {"Work": {"Type": "SQS", "Properties": {"Queue": {"Fn::ImportValue": "jobs"}}}}
    assert sam_events("Worker", events, subject) == [EventSpec("Work", "SQS", {"Queue": None})]
    assert subject.warnings == [
        "Resources.Worker.Properties.Events.Work.Properties.Queue: Fn::ImportValue 'jobs': "
        "values exported by other stacks are not available locally; the value is left unset."
    ]


def test_events_must_be_a_mapping() -> None:
    with pytest.raises(TemplateError) as raised:
        sam_events("Worker", [{"Type": "SQS"}], resolver())
    assert str(raised.value) == (
        "the Events of function Worker must be a mapping of event names to events"
    )


@pytest.mark.parametrize(
    "target", [{"Ref": "Worker"}, {"Fn::GetAtt": ["Worker", "Arn"]}, "Worker", "demo-Worker"]
)
def test_a_mapping_adds_an_sqs_event_to_its_target(target: Any) -> None:
    subject = resolver()
    resource = mapping(EventSourceArn={"Fn::GetAtt": ["Jobs", "Arn"]}, FunctionName=target)
    before = functions()
    after = attach_event_source_mapping("JobsMapping", resource, subject, before)
    assert [spec.logical_id for spec in after] == ["Worker", "Other"]
    assert after[0].events == [
        EventSpec("Nightly", "Schedule", {"Schedule": "rate(1 day)"}),
        EventSpec("JobsMapping", "SQS", {"Queue": QUEUE_ARN}),
    ]
    assert after[1] == before[1]
    assert before[0].events == [EventSpec("Nightly", "Schedule", {"Schedule": "rate(1 day)"})]
    assert subject.warnings == []


def test_a_mapping_keeps_the_settings_an_sqs_event_has() -> None:
    resource = mapping(
        EventSourceArn=QUEUE_ARN,
        FunctionName={"Ref": "Other"},
        BatchSize=10,
        Enabled=False,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        MaximumBatchingWindowInSeconds=2,
        ScalingConfig={"MaximumConcurrency": 5},
        FilterCriteria={"Filters": [{"Pattern": '{"body": {"kind": ["order"]}}'}]},
        StartingPosition="LATEST",
        Tags=[{"Key": "team", "Value": "a"}],
    )
    after = attach_event_source_mapping("Map", resource, resolver(), functions())
    assert after[1].events == [EventSpec("Map", "SQS", {
        "Queue": QUEUE_ARN,
        "BatchSize": 10,
        "Enabled": False,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "MaximumBatchingWindowInSeconds": 2,
        "ScalingConfig": {"MaximumConcurrency": 5},
        "FilterCriteria": {"Filters": [{"Pattern": '{"body": {"kind": ["order"]}}'}]},
    })]


def test_two_mappings_to_one_function_add_two_events() -> None:
    subject = resolver()
    specs = functions()
    specs = attach_event_source_mapping(
        "First", mapping(EventSourceArn=QUEUE_ARN, FunctionName="Other"), subject, specs
    )
    second_queue = "arn:aws:sqs:us-east-1:123456789012:second"
    specs = attach_event_source_mapping(
        "Second", mapping(EventSourceArn=second_queue, FunctionName="Other"), subject, specs
    )
    assert [(event.logical_id, event.properties["Queue"]) for event in specs[1].events] == [
        ("First", QUEUE_ARN),
        ("Second", second_queue),
    ]


@pytest.mark.parametrize(
    "source",
    [
        "arn:aws:dynamodb:us-east-1:123456789012:table/items/stream/2024-01-01T00:00:00.000",
        "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
        "jobs",
    ],
)
def test_a_mapping_from_anything_but_sqs_is_ignored_with_a_warning(source: str) -> None:
    subject = resolver()
    before = functions()
    resource = mapping(EventSourceArn=source, FunctionName={"Ref": "Worker"})
    assert attach_event_source_mapping("Stream", resource, subject, before) == before
    assert subject.warnings == [
        f"Resource Stream (AWS::Lambda::EventSourceMapping) reads from {source}; the simulator "
        "only delivers SQS queues, so it is ignored."
    ]


def test_a_mapping_to_a_function_that_is_not_loaded_is_ignored_with_a_warning() -> None:
    subject = resolver()
    before = functions()
    resource = mapping(EventSourceArn=QUEUE_ARN, FunctionName="elsewhere")
    assert attach_event_source_mapping("Map", resource, subject, before) == before
    assert subject.warnings == [
        "Resource Map (AWS::Lambda::EventSourceMapping) feeds the function elsewhere, which is "
        "not among the functions loaded; it is ignored."
    ]


@pytest.mark.parametrize("source", ["arn:aws", "arn:", "arn:aws:sqs"])
def test_a_mapping_from_a_truncated_arn_is_warned_about_not_a_crash(source: str) -> None:
    subject = resolver()
    before = functions()
    after = attach_event_source_mapping(
        "Map", mapping(EventSourceArn=source, FunctionName="demo-Worker"), subject, before)
    assert after == before
    assert len(subject.warnings) == 1 and "only delivers SQS queues" in subject.warnings[0]
