"""The `s3`, `sqs`, `sns`, `schedule`, `stream` and `eventBridge` events as SAM events, with
the buckets, topics and buses they bring: through a service file (and AWS's SAM
translator), then each converter on its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from simulator.templates.errors import TemplateError
from simulator.templates.serverless.source_events import (
    CONVERTERS,
    event_bridge_event,
    s3_event,
    schedule_event,
    sns_event,
    sqs_event,
    stream_event,
)
from tests.unit.templates.serverless.service_files import (
    convert,
    events_of,
    resource,
    translated,
)


def test_s3_events_create_their_bucket_unless_it_exists(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converted = convert(tmp_path, """
        functions:
          thumbnails:
            handler: thumbnails.handler
            events:
              - s3: photos
              - s3:
                  bucket: uploads-${sls:stage}
                  event: s3:ObjectRemoved:*
                  rules:
                    - prefix: incoming/
                    - suffix: .png
              - s3: {bucket: legacy-bucket, existing: true}
    """)
    events = events_of(converted, "ThumbnailsLambdaFunction")
    assert events["S3Event1"]["Properties"] == {"Bucket": {"Ref": "S3BucketPhotos"},
                                                "Events": "s3:ObjectCreated:*"}
    assert events["S3Event2"]["Properties"] == {
        "Bucket": {"Ref": "S3BucketUploadsdev"}, "Events": "s3:ObjectRemoved:*",
        "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "incoming/"},
                                       {"Name": "suffix", "Value": ".png"}]}}}
    assert "S3Event3" not in events
    assert resource(converted, "S3BucketUploadsdev")["Properties"]["BucketName"] == "uploads-dev"
    assert not any("Legacy" in logical_id for logical_id in converted.document["Resources"])
    assert any("existing bucket legacy-bucket" in warning for warning in converted.warnings)
    output = translated(converted.document, monkeypatch)["Resources"]
    notifications = output["S3BucketPhotos"]["Properties"]["NotificationConfiguration"]
    assert notifications["LambdaConfigurations"][0]["Event"] == "s3:ObjectCreated:*"


def test_sqs_events_with_their_mapping_settings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converted = convert(tmp_path, """
        functions:
          worker:
            handler: worker.handler
            events:
              - sqs: arn:aws:sqs:us-east-1:123456789012:plain
              - sqs:
                  arn: {"Fn::GetAtt": [Jobs, Arn]}
                  batchSize: 7
                  maximumBatchingWindow: 3
                  functionResponseType: ReportBatchItemFailures
                  maximumConcurrency: 4
                  filterPatterns:
                    - body: {kind: [order]}
        resources:
          Resources:
            Jobs: {Type: AWS::SQS::Queue}
    """)
    events = events_of(converted, "WorkerLambdaFunction")
    assert events["SqsEvent1"]["Properties"] == {
        "Queue": "arn:aws:sqs:us-east-1:123456789012:plain"}
    assert events["SqsEvent2"]["Properties"] == {
        "Queue": {"Fn::GetAtt": ["Jobs", "Arn"]}, "BatchSize": 7,
        "MaximumBatchingWindowInSeconds": 3,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "FilterCriteria": {"Filters": [{"Pattern": json.dumps({"body": {"kind": ["order"]}})}]},
        "ScalingConfig": {"MaximumConcurrency": 4}}
    output = translated(converted.document, monkeypatch)["Resources"]
    mapping = output["WorkerLambdaFunctionSqsEvent2"]["Properties"]
    assert (mapping["BatchSize"], mapping["MaximumBatchingWindowInSeconds"]) == (7, 3)


def test_sns_events_by_name_create_the_topic_and_by_arn_do_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converted = convert(tmp_path, """
        functions:
          notes:
            handler: notes.handler
            events:
              - sns: note-added
              - sns: arn:aws:sns:us-east-1:123456789012:elsewhere
              - sns:
                  topicName: filtered
                  filterPolicy: {kind: [a]}
    """)
    events = events_of(converted, "NotesLambdaFunction")
    assert events["SnsEvent1"]["Properties"] == {"Topic": {"Ref": "SNSTopicNoteadded"}}
    assert events["SnsEvent2"]["Properties"] == {
        "Topic": "arn:aws:sns:us-east-1:123456789012:elsewhere"}
    assert events["SnsEvent3"]["Properties"]["FilterPolicy"] == {"kind": ["a"]}
    topic = resource(converted, "SNSTopicNoteadded")
    assert topic == {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "note-added"}}
    translated(converted.document, monkeypatch)


def test_schedule_events_with_input_several_rates_and_disabled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converted = convert(tmp_path, """
        functions:
          cron:
            handler: cron.handler
            events:
              - schedule: rate(10 minutes)
              - schedule:
                  rate: [cron(0 12 * * ? *), rate(1 day)]
                  enabled: false
                  input: {task: sweep}
    """)
    events = events_of(converted, "CronLambdaFunction")
    assert events["ScheduleEvent1"] == {"Type": "Schedule",
                                        "Properties": {"Schedule": "rate(10 minutes)"}}
    assert events["ScheduleEvent2"]["Properties"] == {
        "Schedule": "cron(0 12 * * ? *)", "Input": '{"task": "sweep"}', "Enabled": False}
    assert events["ScheduleEvent3"]["Properties"]["Schedule"] == "rate(1 day)"
    output = translated(converted.document, monkeypatch)["Resources"]
    assert output["CronLambdaFunctionScheduleEvent2"]["Properties"]["State"] == "DISABLED"


def test_stream_events_for_dynamodb_and_kinesis(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converted = convert(tmp_path, """
        functions:
          changes:
            handler: changes.handler
            events:
              - stream: arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024
              - stream:
                  type: kinesis
                  arn: {"Fn::GetAtt": [Clicks, Arn]}
                  batchSize: 50
                  startingPosition: LATEST
                  batchWindow: 2
                  maximumRetryAttempts: 1
                  filterPatterns: [{data: {kind: [click]}}]
        resources:
          Resources:
            Clicks: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}
    """)
    events = events_of(converted, "ChangesLambdaFunction")
    assert events["StreamEvent1"] == {"Type": "DynamoDB", "Properties": {
        "Stream": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024",
        "StartingPosition": "TRIM_HORIZON"}}
    kinesis = events["StreamEvent2"]
    assert kinesis["Type"] == "Kinesis"
    assert kinesis["Properties"]["StartingPosition"] == "LATEST"
    assert kinesis["Properties"]["MaximumBatchingWindowInSeconds"] == 2
    assert kinesis["Properties"]["MaximumRetryAttempts"] == 1
    assert kinesis["Properties"]["FilterCriteria"]["Filters"][0]["Pattern"] == \
        '{"data": {"kind": ["click"]}}'
    translated(converted.document, monkeypatch)


def test_event_bridge_patterns_and_schedules(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converted = convert(tmp_path, """
        functions:
          listener:
            handler: listener.handler
            events:
              - eventBridge:
                  pattern: {source: [shop.orders]}
              - eventBridge:
                  eventBus: orders-bus
                  pattern: {detail-type: [placed]}
                  input: {fixed: true}
              - eventBridge:
                  schedule: rate(5 minutes)
    """)
    events = events_of(converted, "ListenerLambdaFunction")
    assert events["EventBridgeEvent1"] == {"Type": "EventBridgeRule", "Properties": {
        "Pattern": {"source": ["shop.orders"]}}}
    assert events["EventBridgeEvent2"]["Properties"] == {
        "Pattern": {"detail-type": ["placed"]}, "Input": '{"fixed": true}',
        "EventBusName": {"Ref": "EventBridgeEventBusOrdersbus"}}
    assert resource(converted, "EventBridgeEventBusOrdersbus")["Properties"] == {
        "Name": "orders-bus"}
    assert events["EventBridgeEvent3"] == {"Type": "Schedule",
                                           "Properties": {"Schedule": "rate(5 minutes)"}}
    output = translated(converted.document, monkeypatch)["Resources"]
    rule = output["ListenerLambdaFunctionEventBridgeEvent2"]["Properties"]
    assert rule["EventBusName"] == {"Ref": "EventBridgeEventBusOrdersbus"}


def test_every_kind_has_a_converter() -> None:
    assert set(CONVERTERS) == {"s3", "sqs", "sns", "schedule", "stream", "eventBridge"}


def test_an_s3_bucket_used_twice_is_created_once_and_rules_keep_other_names() -> None:
    resources: dict[str, Any] = {}
    s3_event("photos", "a", resources, [])
    [event] = s3_event({"bucket": "photos", "rules": [{"Prefix": "in/"}, {"other": "x"}]},
                       "b", resources, [])
    assert resources == {"S3BucketPhotos": {"Type": "AWS::S3::Bucket",
                                            "Properties": {"BucketName": "photos"}}}
    assert event["Properties"]["Filter"] == {"S3Key": {"Rules": [
        {"Name": "prefix", "Value": "in/"}, {"Name": "other", "Value": "x"}]}}


@pytest.mark.parametrize(("converter", "spec", "message"), [
    (s3_event, {"event": "s3:ObjectCreated:*"}, "needs a bucket name"),
    (s3_event, "", "needs a bucket name"),
    (sqs_event, {}, "needs the queue's arn"),
    (sns_event, {"filterPolicy": {}}, "needs a topic name or arn"),
    (schedule_event, {"enabled": False}, "needs a rate"),
    (schedule_event, {"rate": ["rate(1 day)", 5]}, "needs a rate"),
    (stream_event, {"arn": "arn:aws:sqs:us-east-1:1:q"}, "needs an arn and a type"),
    (stream_event, {"type": "kinesis"}, "needs an arn and a type"),
    (event_bridge_event, "rate(1 day)", "must be a mapping"),
    (event_bridge_event, {"pattern": "source"}, "needs a pattern"),
])
def test_malformed_source_events_are_errors_that_say_where(
        converter: Any, spec: object, message: str) -> None:
    with pytest.raises(TemplateError, match=f"^functions.f.events.0 {message}"):
        converter(spec, "functions.f.events.0", {}, [])


def test_sqs_settings_left_out_are_not_sent() -> None:
    [event] = sqs_event({"arn": "q", "enabled": False, "batchSize": None}, "here", {}, [])
    assert event == {"Type": "SQS", "Properties": {"Queue": "q", "Enabled": False}}


def test_an_sns_topic_name_that_is_an_arn_is_not_created() -> None:
    resources: dict[str, Any] = {}
    [event] = sns_event({"topicName": "arn:aws:sns:us-east-1:1:t",
                         "filterPolicy": {"a": [1]}, "filterPolicyScope": "MessageBody"},
                        "here", resources, [])
    assert resources == {}
    assert event["Properties"] == {"Topic": "arn:aws:sns:us-east-1:1:t",
                                   "FilterPolicy": {"a": [1]},
                                   "FilterPolicyScope": "MessageBody"}
    sns_event({"topicName": "news", "displayName": "News"}, "here", resources, [])
    assert resources["SNSTopicNews"]["Properties"] == {"TopicName": "news",
                                                       "DisplayName": "News"}


def test_a_schedule_name_and_input_path_are_kept() -> None:
    [event] = schedule_event({"rate": "rate(1 hour)", "name": "hourly",
                              "description": "Sweeps", "inputPath": "$.detail",
                              "input": "raw text"}, "here", {}, [])
    assert event["Properties"] == {"Schedule": "rate(1 hour)", "Input": "raw text",
                                   "InputPath": "$.detail", "Name": "hourly",
                                   "Description": "Sweeps"}
    named_twice = schedule_event({"rate": ["rate(1 hour)", "rate(2 hours)"], "name": "n"},
                                 "here", {}, [])
    assert all("Name" not in event["Properties"] for event in named_twice)


def test_a_stream_failure_destination_is_sqs_or_sns_by_its_arn() -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:failures"
    [kinesis] = stream_event({"arn": "arn:aws:kinesis:us-east-1:1:stream/s",
                              "destinations": {"onFailure": topic},
                              "functionResponseType": "ReportBatchItemFailures"},
                             "here", {}, [])
    assert kinesis["Type"] == "Kinesis"
    assert kinesis["Properties"]["DestinationConfig"] == {
        "OnFailure": {"Type": "SNS", "Destination": topic}}
    assert kinesis["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    queue = {"Fn::GetAtt": ["Failures", "Arn"]}
    [dynamodb] = stream_event({"type": "dynamodb", "arn": "a",
                               "destinations": {"onFailure": {"arn": queue}}}, "here", {}, [])
    assert dynamodb["Properties"]["DestinationConfig"] == {
        "OnFailure": {"Type": "SQS", "Destination": queue}}


def test_an_event_bridge_bus_given_by_arn_or_reference_is_not_created() -> None:
    resources: dict[str, Any] = {}
    pattern = {"source": ["a"]}
    [by_arn] = event_bridge_event({"pattern": pattern, "name": "rule-1", "inputPath": "$.x",
                                   "eventBus": "arn:aws:events:us-east-1:1:event-bus/orders"},
                                  "here", resources, [])
    assert by_arn["Properties"] == {"Pattern": pattern, "InputPath": "$.x",
                                    "EventBusName": "orders", "RuleName": "rule-1"}
    [by_reference] = event_bridge_event({"pattern": pattern, "eventBus": {"Ref": "Bus"}},
                                        "here", resources, [])
    assert by_reference["Properties"]["EventBusName"] == {"Ref": "Bus"}
    [on_default] = event_bridge_event({"pattern": pattern, "eventBus": "default"},
                                      "here", resources, [])
    assert "EventBusName" not in on_default["Properties"]
    assert resources == {}


def test_an_event_bridge_schedule_carries_its_input() -> None:
    [event] = event_bridge_event({"schedule": "rate(1 day)", "input": {"a": 1}},
                                 "here", {}, [])
    assert event == {"Type": "Schedule", "Properties": {"Schedule": "rate(1 day)",
                                                        "Input": json.dumps({"a": 1})}}
