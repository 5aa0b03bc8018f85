"""Specs of queues, buckets, topics, rules and layers: their names and ARNs, the settings with
the services' defaults, and the layers the simulator cannot use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.templates.intrinsics import Resolver
from simulator.templates.naming import Stack
from simulator.templates.resources import bucket, layer, queue, redrive_policy, rule, topic
from simulator.templates.specs import (
    BucketSpec,
    LayerSpec,
    QueueSpec,
    RedrivePolicy,
    RuleSpec,
    TemplateError,
    TopicSpec,
)

STACK = Stack(name="demo", region="us-east-1", account_id="123456789012")
ACCOUNT = "123456789012"


def resolver(resources: dict[str, dict[str, Any]], **parameters: Any) -> Resolver:
    return Resolver(STACK, parameters, resources, {}, {}, [])


def resource(kind: str, **properties: Any) -> dict[str, Any]:
    return {"Type": kind, "Properties": properties}


def test_a_queue_with_sqs_defaults() -> None:
    jobs = resource("AWS::SQS::Queue")
    assert queue("Jobs", jobs, resolver({"Jobs": jobs})) == QueueSpec(
        logical_id="Jobs",
        name="demo-Jobs",
        url=f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/demo-Jobs",
        arn=f"arn:aws:sqs:us-east-1:{ACCOUNT}:demo-Jobs",
        fifo=False,
        visibility_timeout=30,
        message_retention_period=345600,
        delay_seconds=0,
        redrive_policy=None,
        properties={},
    )


def test_a_queues_settings_and_its_dead_letter_queue() -> None:
    jobs = resource(
        "AWS::SQS::Queue",
        QueueName="jobs.fifo",
        FifoQueue="true",
        VisibilityTimeout={"Ref": "Visibility"},
        MessageRetentionPeriod=60,
        DelaySeconds="5",
        RedrivePolicy={"deadLetterTargetArn": {"Fn::GetAtt": ["Dead", "Arn"]},
                       "maxReceiveCount": "4"},
        Tags=[{"Key": "team", "Value": {"Ref": "AWS::StackName"}}],
    )
    resources = {"Jobs": jobs, "Dead": resource("AWS::SQS::Queue")}
    spec = queue("Jobs", jobs, resolver(resources, Visibility="120"))
    assert (spec.name, spec.fifo) == ("jobs.fifo", True)
    assert spec.arn == f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs.fifo"
    assert (spec.visibility_timeout, spec.message_retention_period, spec.delay_seconds) == (
        120, 60, 5
    )
    assert spec.redrive_policy == RedrivePolicy(f"arn:aws:sqs:us-east-1:{ACCOUNT}:demo-Dead", 4)
    assert spec.properties["Tags"] == [{"Key": "team", "Value": "demo"}]
    assert spec.properties["VisibilityTimeout"] == "120"


def test_a_generated_fifo_queue_name_ends_in_fifo() -> None:
    orders = resource("AWS::SQS::Queue", FifoQueue=True)
    spec = queue("Orders", orders, resolver({"Orders": orders}))
    assert (spec.name, spec.fifo) == ("demo-Orders.fifo", True)
    assert spec.url.endswith("/demo-Orders.fifo")


def test_a_queue_setting_that_is_not_a_number_is_an_error() -> None:
    jobs = resource("AWS::SQS::Queue", VisibilityTimeout="long")
    with pytest.raises(TemplateError) as raised:
        queue("Jobs", jobs, resolver({"Jobs": jobs}))
    assert str(raised.value) == (
        "Resources.Jobs.Properties.VisibilityTimeout must be a whole number, not 'long'"
    )


def test_a_redrive_policy_given_as_json_text() -> None:
    text = f'{{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:{ACCOUNT}:dlq", "maxReceiveCount": 2}}'
    assert redrive_policy(text, "Resources.Jobs.Properties.RedrivePolicy") == RedrivePolicy(
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:dlq", 2
    )


def test_a_redrive_policy_without_a_target_is_none() -> None:
    where = "Resources.Jobs.Properties.RedrivePolicy"
    assert redrive_policy(None, where) is None
    assert redrive_policy({}, where) is None
    assert redrive_policy({"maxReceiveCount": 3}, where) is None
    assert redrive_policy({"deadLetterTargetArn": None, "maxReceiveCount": 3}, where) is None


def test_a_redrive_policy_that_is_not_a_json_object_is_an_error() -> None:
    with pytest.raises(TemplateError) as raised:
        redrive_policy("dlq", "Resources.Jobs.Properties.RedrivePolicy")
    assert str(raised.value) == (
        "Resources.Jobs.Properties.RedrivePolicy must be a JSON object, not 'dlq'"
    )
    with pytest.raises(TemplateError, match=r"RedrivePolicy\.maxReceiveCount must be a whole"):
        redrive_policy({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:dlq",
                        "maxReceiveCount": "many"}, "Resources.Jobs.Properties.RedrivePolicy")


def test_a_bucket_keeps_its_resolved_properties() -> None:
    notification = {"LambdaConfigurations": [{
        "Event": "s3:ObjectCreated:*",
        "Function": {"Fn::GetAtt": ["Fn", "Arn"]},
    }]}
    uploads = resource("AWS::S3::Bucket", NotificationConfiguration=notification)
    resources = {"Uploads": uploads, "Fn": resource("AWS::Lambda::Function", FunctionName="fn")}
    assert bucket("Uploads", uploads, resolver(resources)) == BucketSpec(
        "Uploads", "demo-uploads", "arn:aws:s3:::demo-uploads",
        {"NotificationConfiguration": {"LambdaConfigurations": [{
            "Event": "s3:ObjectCreated:*",
            "Function": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn",
        }]}},
    )


def test_a_bucket_with_its_own_name() -> None:
    uploads = resource("AWS::S3::Bucket", BucketName={"Fn::Sub": "${AWS::AccountId}-uploads"})
    spec = bucket("Uploads", uploads, resolver({"Uploads": uploads}))
    assert (spec.name, spec.arn) == (f"{ACCOUNT}-uploads", f"arn:aws:s3:::{ACCOUNT}-uploads")


def test_topics_standard_and_fifo() -> None:
    alerts = resource("AWS::SNS::Topic", DisplayName="Alerts")
    orders = resource("AWS::SNS::Topic", FifoTopic="true")
    subject = resolver({"Alerts": alerts, "Orders": orders})
    assert topic("Alerts", alerts, subject) == TopicSpec(
        "Alerts", "demo-Alerts", f"arn:aws:sns:us-east-1:{ACCOUNT}:demo-Alerts", False,
        {"DisplayName": "Alerts"},
    )
    fifo = topic("Orders", orders, subject)
    assert (fifo.name, fifo.arn, fifo.fifo) == (
        "demo-Orders.fifo", f"arn:aws:sns:us-east-1:{ACCOUNT}:demo-Orders.fifo", True
    )


def test_a_scheduled_rule_and_its_targets() -> None:
    nightly = resource(
        "AWS::Events::Rule",
        ScheduleExpression="cron(0 2 * * ? *)",
        Targets=[{"Id": "fn", "Arn": {"Fn::GetAtt": ["Fn", "Arn"]}, "Input": '{"a": 1}'}],
    )
    resources = {"Nightly": nightly, "Fn": resource("AWS::Serverless::Function")}
    assert rule("Nightly", nightly, resolver(resources)) == RuleSpec(
        logical_id="Nightly",
        name="demo-Nightly",
        arn=f"arn:aws:events:us-east-1:{ACCOUNT}:rule/demo-Nightly",
        schedule_expression="cron(0 2 * * ? *)",
        event_pattern=None,
        enabled=True,
        targets=[{"Id": "fn", "Arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:demo-Fn",
                  "Input": '{"a": 1}'}],
    )


@pytest.mark.parametrize(
    "pattern", [{"source": ["aws.s3"]}, '{"source": ["aws.s3"]}']
)
def test_an_event_pattern_as_a_mapping_or_as_json_text(pattern: Any) -> None:
    uploads = resource("AWS::Events::Rule", EventPattern=pattern, Name="on-upload")
    spec = rule("Uploads", uploads, resolver({"Uploads": uploads}))
    assert spec.name == "on-upload"
    assert spec.event_pattern == {"source": ["aws.s3"]}
    assert spec.schedule_expression is None
    assert spec.targets == []


@pytest.mark.parametrize(
    ("state", "enabled"),
    [("DISABLED", False), ("disabled", False), ("ENABLED", True),
     ("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", True)],
)
def test_a_rule_is_enabled_unless_its_state_is_disabled(state: str, enabled: bool) -> None:
    tick = resource("AWS::Events::Rule", ScheduleExpression="rate(1 minute)", State=state)
    assert rule("Tick", tick, resolver({"Tick": tick})).enabled is enabled


def test_an_event_pattern_that_is_not_json_is_an_error() -> None:
    broken = resource("AWS::Events::Rule", EventPattern="source=aws.s3")
    with pytest.raises(TemplateError) as raised:
        rule("Broken", broken, resolver({"Broken": broken}))
    assert str(raised.value) == (
        "Resources.Broken.Properties.EventPattern must be a JSON object, not 'source=aws.s3'"
    )


# Layers.


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    stack = tmp_path / "demo"
    (stack / "layers" / "deps" / "python").mkdir(parents=True)
    (stack / "deps.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    return stack


def test_a_serverless_layer_from_a_folder(template_dir: Path) -> None:
    deps = resource("AWS::Serverless::LayerVersion", ContentUri="layers/deps",
                    CompatibleRuntimes=["python3.12", "python3.13"])
    subject = resolver({"Deps": deps})
    assert layer("Deps", deps, subject, template_dir) == LayerSpec(
        logical_id="Deps",
        name="Deps",
        content_dir=(template_dir / "layers" / "deps").resolve(),
        compatible_runtimes=["python3.12", "python3.13"],
    )
    assert subject.warnings == []


def test_a_lambda_layer_reads_content_and_its_layer_name(template_dir: Path) -> None:
    deps = resource("AWS::Lambda::LayerVersion", Content="layers/deps",
                    LayerName={"Fn::Sub": "${AWS::StackName}-deps"})
    spec = layer("Deps", deps, resolver({"Deps": deps}), template_dir)
    assert spec is not None
    assert (spec.name, spec.content_dir, spec.compatible_runtimes) == (
        "demo-deps", (template_dir / "layers" / "deps").resolve(), []
    )


def test_a_layer_in_s3_is_skipped_with_a_warning(template_dir: Path) -> None:
    content = {"S3Bucket": "artifacts", "S3Key": "deps.zip"}
    deps = resource("AWS::Lambda::LayerVersion", Content=content)
    subject = resolver({"Deps": deps})
    assert layer("Deps", deps, subject, template_dir) is None
    assert subject.warnings == [
        f"Layer Deps (AWS::Lambda::LayerVersion) cannot be used: its code is in S3 ({content}); "
        "it is skipped."
    ]


def test_a_lambda_layer_does_not_read_sams_content_uri(template_dir: Path) -> None:
    deps = resource("AWS::Lambda::LayerVersion", ContentUri="layers/deps")
    subject = resolver({"Deps": deps})
    assert layer("Deps", deps, subject, template_dir) is None
    assert subject.warnings == [
        "Layer Deps (AWS::Lambda::LayerVersion) cannot be used: its code location None is not "
        "a local path; it is skipped."
    ]


def test_a_layer_in_a_zip_is_skipped_with_a_warning(template_dir: Path) -> None:
    deps = resource("AWS::Serverless::LayerVersion", ContentUri="deps.zip")
    subject = resolver({"Deps": deps})
    assert layer("Deps", deps, subject, template_dir) is None
    assert subject.warnings == [
        f"Layer Deps (AWS::Serverless::LayerVersion) has its content in "
        f"{(template_dir / 'deps.zip').resolve()}; the simulator takes layers from folders "
        "only, so it is skipped."
    ]


def test_a_layer_folder_that_does_not_exist_is_an_error(template_dir: Path) -> None:
    deps = resource("AWS::Serverless::LayerVersion", ContentUri="layers/missing")
    with pytest.raises(TemplateError, match=r"^Resources\.Deps\.Properties\.ContentUri is "):
        layer("Deps", deps, resolver({"Deps": deps}), template_dir)
