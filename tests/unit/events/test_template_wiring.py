"""A template's event sources made real: its queues, buckets, topics and rules created in the
AWS services the simulator serves (moto, on a local port as the simulator serves it), and
each function's `Events` connected: S3 notifications, SQS mappings, SNS subscriptions,
schedules and API routes. Functions run on the fake executor."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from simulator.config import Settings
from simulator.events.http_routes import HttpRoutes
from simulator.events.mappings import EventSourceMappings
from simulator.events.schedules import EventBridgeRules, ManualClock, Scheduler
from simulator.events.template_wiring import (
    HTTP_API_ID,
    REST_API_ID,
    TemplateWiring,
    execute_api_source,
)
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.templates import EventSpec, FunctionSpec, Template
from simulator.templates.specs import (
    BucketSpec,
    QueueSpec,
    RedrivePolicy,
    RuleSpec,
    TopicSpec,
)
from tests.helpers import eventually
from tests.unit.lambda_service import LambdaService, create

STACK = "shop"
REGION = "us-east-1"


@dataclass
class Received:
    """What the function was invoked with."""

    events: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, event: Any, context: FakeContext) -> None:
        with self.lock:
            self.events.append(event)

    def snapshot(self) -> list[Any]:
        with self.lock:
            return list(self.events)


@dataclass
class Moto:
    """moto's services on a local port; each test's resources get names of their own
    (`unique`), so tests neither see nor reset each other's."""

    port: int
    account: str
    unique: str = ""
    clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self.clients:
            self.clients[service] = boto3.client(
                service, endpoint_url=f"http://127.0.0.1:{self.port}", region_name=REGION,
                aws_access_key_id="test", aws_secret_access_key="test")
        return self.clients[service]

    def name(self, base: str, fifo: bool = False) -> str:
        return f"{base}-{self.unique}" + (".fifo" if fifo else "")

    def queue(self, base: str, fifo: bool = False, **options: Any) -> QueueSpec:
        name = self.name(base, fifo)
        return QueueSpec(base, name, f"http://127.0.0.1:{self.port}/{self.account}/{name}",
                         f"arn:aws:sqs:{REGION}:{self.account}:{name}", fifo=fifo, **options)

    def queue_url(self, queue: QueueSpec) -> str:
        return str(self.client("sqs").get_queue_url(QueueName=queue.name)["QueueUrl"])

    def topic(self, base: str, fifo: bool = False) -> TopicSpec:
        name = self.name(base, fifo)
        return TopicSpec(base, name, f"arn:aws:sns:{REGION}:{self.account}:{name}", fifo=fifo)

    def bucket(self, base: str) -> BucketSpec:
        name = self.name(base)
        return BucketSpec(base, name, f"arn:aws:s3:::{name}")


@pytest.fixture(scope="module")
def moto_server() -> Iterator[Moto]:
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    port = server.get_host_and_port()[1]
    moto = Moto(port, "")
    moto.account = moto.client("sts").get_caller_identity()["Account"]
    yield moto
    server.stop()


@pytest.fixture
def moto(moto_server: Moto) -> Moto:
    moto_server.unique = uuid.uuid4().hex[:10]
    return moto_server


@pytest.fixture
def received() -> Received:
    return Received()


@pytest.fixture
def executor(received: Received) -> FakeExecutor:
    return FakeExecutor({"app.handler": received})


@dataclass
class Wired:
    wiring: TemplateWiring
    mappings: EventSourceMappings
    scheduler: Scheduler
    routes: HttpRoutes
    settings: Settings
    function_arn: str


@pytest.fixture
def wired(moto: Moto, tmp_path: Path, service: LambdaService) -> Iterator[Wired]:
    settings = Settings.from_env(environ={}, port=moto.port, state_dir=tmp_path / "wiring")
    settings.state_dir.mkdir()
    mappings = EventSourceMappings(settings, service.functions, service.invoker)
    scheduler = Scheduler(settings, service.invoker, clock=ManualClock(),
                          rules=EventBridgeRules(settings))
    routes = HttpRoutes(tmp_path / "http.db")
    create(service, "fn")
    arn = f"arn:aws:lambda:{REGION}:{settings.account_id}:function:fn"
    forget_rules(moto)  # the shared EventBridge holds only this test's rules
    yield Wired(TemplateWiring(settings, mappings, scheduler, routes), mappings, scheduler,
                routes, settings, arn)
    mappings.close()
    routes.close()
    forget_rules(moto)


def forget_rules(moto: Moto) -> None:
    events = moto.client("events")
    for rule in events.list_rules()["Rules"]:
        targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        if targets:
            events.remove_targets(Rule=rule["Name"], Ids=[t["Id"] for t in targets])
        events.delete_rule(Name=rule["Name"])


def template(wired: Wired, *events: EventSpec, **resources: Any) -> Template:
    function = FunctionSpec("Fn", "fn", "python3.12", "app.handler", inline_code="#",
                            events=list(events), arn=wired.function_arn)
    return Template(Path("template.yaml"), STACK, functions=[function], **resources)


def mappings_of(wired: Wired) -> list[dict[str, Any]]:
    mappings: list[dict[str, Any]] = wired.mappings.list("fn", None, None, None)[
        "EventSourceMappings"]
    return mappings


def routes_of(wired: Wired) -> set[tuple[str, str, str, str]]:
    return {(r.api_id, r.route_key, r.function_name, r.payload_format_version)
            for r in wired.routes.all()}


# -- resources --------------------------------------------------------------------------------


def test_queues_are_created_with_their_attributes_dead_letter_queues_first(
        wired: Wired, moto: Moto) -> None:
    dead_letters = moto.queue("orders-dlq")
    orders = moto.queue("orders", visibility_timeout=45, delay_seconds=2,
                        message_retention_period=3600,
                        redrive_policy=RedrivePolicy(dead_letters.arn, 4))
    jobs = moto.queue("jobs", fifo=True)
    # The queue with the redrive policy comes first: its dead-letter queue must exist first.
    wired.wiring(template(wired, queues=[orders, dead_letters, jobs]))

    sqs = moto.client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=moto.queue_url(orders),
                                          AttributeNames=["All"])["Attributes"]
    fifo = sqs.get_queue_attributes(QueueUrl=moto.queue_url(jobs),
                                    AttributeNames=["FifoQueue"])["Attributes"]
    assert (attributes["VisibilityTimeout"], attributes["DelaySeconds"],
            attributes["MessageRetentionPeriod"]) == ("45", "2", "3600")
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": dead_letters.arn, "maxReceiveCount": 4}
    assert fifo["FifoQueue"] == "true"


def test_buckets_topics_and_rules_are_created(wired: Wired, moto: Moto) -> None:
    target = {"Id": "nightly", "Arn": wired.function_arn, "Input": '{"job": "nightly"}'}
    nightly_name, orders_name = moto.name("nightly"), moto.name("orders")
    rules = [RuleSpec("Nightly", nightly_name, f"arn:rule/{nightly_name}",
                      schedule_expression="rate(1 day)", targets=[target]),
             RuleSpec("Orders", orders_name, f"arn:rule/{orders_name}",
                      event_pattern={"source": ["shop.orders"]}, enabled=False)]
    uploads, alerts, ordered = moto.bucket("uploads"), moto.topic("alerts"), \
        moto.topic("ordered", fifo=True)
    wired.wiring(template(wired, buckets=[uploads], topics=[alerts, ordered], rules=rules))

    moto.client("s3").head_bucket(Bucket=uploads.name)
    sns = moto.client("sns")
    assert sns.get_topic_attributes(TopicArn=alerts.arn)["Attributes"]
    assert sns.get_topic_attributes(TopicArn=ordered.arn)["Attributes"]["FifoTopic"] == "true"
    events = moto.client("events")
    nightly = events.describe_rule(Name=nightly_name)
    orders = events.describe_rule(Name=orders_name)
    assert (nightly["ScheduleExpression"], nightly["State"]) == ("rate(1 day)", "ENABLED")
    assert (json.loads(orders["EventPattern"]), orders["State"]) == \
        ({"source": ["shop.orders"]}, "DISABLED")
    [put] = events.list_targets_by_rule(Rule=nightly_name)["Targets"]
    assert (put["Arn"], put["Input"]) == (wired.function_arn, '{"job": "nightly"}')


def test_wiring_the_same_template_again_changes_nothing(wired: Wired, moto: Moto) -> None:
    orders, uploads, alerts = moto.queue("orders"), moto.bucket("uploads"), moto.topic("alerts")
    spec = template(
        wired,
        EventSpec("Upload", "S3", {"Bucket": uploads.name, "Events": "s3:ObjectCreated:*"}),
        EventSpec("Orders", "SQS", {"Queue": orders.arn, "Enabled": False}),
        EventSpec("Alerts", "SNS", {"Topic": alerts.arn}),
        EventSpec("Get", "Api", {"Path": "/items", "Method": "get"}),
        queues=[orders], buckets=[uploads], topics=[alerts])
    s3 = moto.client("s3")
    wired.wiring(spec)
    first = (s3.get_bucket_notification_configuration(Bucket=uploads.name)
             ["LambdaFunctionConfigurations"], routes_of(wired))

    wired.wiring(spec)

    again = (s3.get_bucket_notification_configuration(Bucket=uploads.name)
             ["LambdaFunctionConfigurations"], routes_of(wired))
    assert again == first
    assert len(mappings_of(wired)) == 1
    subscriptions = moto.client("sns").list_subscriptions_by_topic(
        TopicArn=alerts.arn)["Subscriptions"]
    assert len(subscriptions) == 1


# -- S3 ---------------------------------------------------------------------------------------


def test_s3_events_become_the_buckets_lambda_notifications(wired: Wired, moto: Moto) -> None:
    uploads = moto.bucket("uploads")
    wired.wiring(template(
        wired,
        EventSpec("Upload", "S3", {"Bucket": uploads.name, "Events": "s3:ObjectCreated:*",
                                   "Filter": {"S3Key": {"Rules": [
                                       {"Name": "prefix", "Value": "incoming/"},
                                       {"Name": "suffix", "Value": ".csv"}]}}}),
        EventSpec("Removed", "S3", {"Bucket": uploads.name,
                                    "Events": ["s3:ObjectRemoved:Delete"]}),
        buckets=[uploads]))

    notifications = moto.client("s3").get_bucket_notification_configuration(
        Bucket=uploads.name)["LambdaFunctionConfigurations"]

    assert notifications == [
        {"Id": "fn-Upload", "LambdaFunctionArn": wired.function_arn,
         "Events": ["s3:ObjectCreated:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"},
                                            {"Name": "suffix", "Value": ".csv"}]}}},
        {"Id": "fn-Removed", "LambdaFunctionArn": wired.function_arn,
         "Events": ["s3:ObjectRemoved:Delete"]},
    ]


# -- SQS --------------------------------------------------------------------------------------


def test_an_sqs_event_maps_the_queue_and_its_messages_reach_the_function(
        wired: Wired, moto: Moto, received: Received) -> None:
    orders = moto.queue("orders")
    wired.wiring(template(wired, EventSpec("Orders", "SQS", {
        "Queue": orders.arn, "BatchSize": 5, "MaximumBatchingWindowInSeconds": 0,
        "FunctionResponseTypes": ["ReportBatchItemFailures"]}), queues=[orders]))

    [mapping] = mappings_of(wired)
    sqs = moto.client("sqs")
    sqs.send_message(QueueUrl=moto.queue_url(orders), MessageBody="order 7")

    assert (mapping["EventSourceArn"], mapping["BatchSize"], mapping["State"],
            mapping["FunctionResponseTypes"]) == \
        (orders.arn, 5, "Enabled", ["ReportBatchItemFailures"])
    assert eventually(lambda: any(record["body"] == "order 7"
                                  for event in received.snapshot()
                                  for record in event["Records"]), timeout=10)


def test_wiring_again_updates_the_mapping_the_template_made(wired: Wired, moto: Moto) -> None:
    orders = moto.queue("orders")
    wired.wiring(template(wired, EventSpec("Orders", "SQS", {
        "Queue": orders.arn, "BatchSize": 5, "Enabled": False}), queues=[orders]))
    [before] = mappings_of(wired)

    wired.wiring(template(wired, EventSpec("Orders", "SQS", {
        "Queue": orders.arn, "Enabled": False, "ScalingConfig": {"MaximumConcurrency": 3}}),
        queues=[orders]))

    [after] = mappings_of(wired)
    assert after["UUID"] == before["UUID"]
    # BatchSize left out of the template again: back to the default, as CloudFormation does.
    assert (before["BatchSize"], after["BatchSize"], after["ScalingConfig"]) == \
        (5, 10, {"MaximumConcurrency": 3})


def test_an_sqs_events_filter_criteria_filter_the_mapping_and_leave_with_the_template(
        wired: Wired, moto: Moto, received: Received) -> None:
    orders = moto.queue("orders")
    filters = {"Filters": [{"Pattern": '{"body": {"kind": ["paid"]}}'},
                           {"Pattern": {"body": {"kind": ["refunded"]}}}]}
    wired.wiring(template(wired, EventSpec("Orders", "SQS", {
        "Queue": orders.arn, "FilterCriteria": filters}), queues=[orders]))
    [filtered] = mappings_of(wired)
    sqs = moto.client("sqs")
    for kind in ("created", "paid", "refunded"):
        sqs.send_message(QueueUrl=moto.queue_url(orders), MessageBody=json.dumps({"kind": kind}))

    assert eventually(lambda: sorted(json.loads(record["body"])["kind"]
                                     for event in received.snapshot()
                                     for record in event["Records"]) == ["paid", "refunded"],
                      timeout=10)
    assert filtered["FilterCriteria"] == {"Filters": [
        {"Pattern": '{"body": {"kind": ["paid"]}}'},
        {"Pattern": '{"body": {"kind": ["refunded"]}}'}]}

    wired.wiring(template(wired, EventSpec("Orders", "SQS", {"Queue": orders.arn}),
                          queues=[orders]))
    [unfiltered] = mappings_of(wired)
    assert unfiltered["UUID"] == filtered["UUID"] and "FilterCriteria" not in unfiltered


# -- SNS --------------------------------------------------------------------------------------


def test_an_sns_event_subscribes_the_function_to_the_topic(wired: Wired, moto: Moto) -> None:
    alerts = moto.topic("alerts")
    wired.wiring(template(wired, EventSpec("Alerts", "SNS", {"Topic": alerts.arn}),
                          topics=[alerts]))

    [subscription] = moto.client("sns").list_subscriptions_by_topic(
        TopicArn=alerts.arn)["Subscriptions"]

    assert (subscription["Protocol"], subscription["Endpoint"]) == \
        ("lambda", wired.function_arn)


def test_an_sns_events_filter_policy_is_the_subscriptions(wired: Wired, moto: Moto) -> None:
    alerts = moto.topic("filtered")
    policy = {"severity": ["high"]}
    wired.wiring(template(wired, EventSpec("Alerts", "SNS", {
        "Topic": alerts.arn, "FilterPolicy": policy, "FilterPolicyScope": "MessageAttributes"}),
        topics=[alerts]))

    sns = moto.client("sns")
    [subscription] = sns.list_subscriptions_by_topic(TopicArn=alerts.arn)["Subscriptions"]
    attributes = sns.get_subscription_attributes(
        SubscriptionArn=subscription["SubscriptionArn"])["Attributes"]
    assert json.loads(attributes["FilterPolicy"]) == policy
    assert attributes["FilterPolicyScope"] == "MessageAttributes"


def test_a_queue_changed_in_the_template_is_updated_on_the_next_wiring(
        wired: Wired, moto: Moto) -> None:
    wired.wiring(template(wired, queues=[moto.queue("changing", visibility_timeout=30)]))
    changed = moto.queue("changing", visibility_timeout=60)
    wired.wiring(template(wired, queues=[changed]))

    attributes = moto.client("sqs").get_queue_attributes(
        QueueUrl=moto.queue_url(changed), AttributeNames=["VisibilityTimeout"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "60"


# -- schedules --------------------------------------------------------------------------------


def test_a_schedule_event_fires_its_input_at_the_function(wired: Wired, moto: Moto,
                                                          received: Received) -> None:
    wired.wiring(template(wired, EventSpec("Nightly", "Schedule", {
        "Schedule": "rate(1 day)", "Input": {"job": "nightly"}})))

    [schedule] = wired.scheduler.listing()
    wired.scheduler.fire(schedule["name"])

    # A rule in EventBridge, as the stack makes it: the API lists it with its own.
    assert (schedule["name"], schedule["expression"], schedule["source"],
            schedule["targets"]) == ("shop-fn-Nightly", "rate(1 day)", "eventbridge",
                                     [wired.function_arn])
    [rule] = moto.client("events").list_rules()["Rules"]
    assert (rule["Name"], rule["ScheduleExpression"], rule["State"]) == (
        "shop-fn-Nightly", "rate(1 day)", "ENABLED")
    assert eventually(lambda: received.snapshot() == [{"job": "nightly"}], timeout=5)


def test_a_named_schedule_v2_with_text_input_keeps_its_name_and_text(
        wired: Wired, received: Received) -> None:
    wired.wiring(template(wired, EventSpec("Hourly", "ScheduleV2", {
        "Name": "hourly-report", "ScheduleExpression": "cron(0 * * * ? *)",
        "Input": '{"report": "hourly"}'})))

    [schedule] = wired.scheduler.listing()
    wired.scheduler.fire("hourly-report")

    assert (schedule["name"], schedule["expression"]) == ("hourly-report", "cron(0 * * * ? *)")
    assert eventually(lambda: received.snapshot() == [{"report": "hourly"}], timeout=5)


def test_a_schedule_without_input_sends_the_scheduled_event(wired: Wired, moto: Moto,
                                                            received: Received) -> None:
    wired.wiring(template(wired, EventSpec("Tick", "Schedule", {"Schedule": "rate(5 minutes)"})))

    wired.scheduler.fire("shop-fn-Tick")

    assert eventually(lambda: len(received.snapshot()) == 1, timeout=5)
    [event] = received.snapshot()
    assert (event["detail-type"], event["source"]) == ("Scheduled Event", "aws.events")
    assert event["resources"] == [f"arn:aws:events:{REGION}:{moto.account}:rule/shop-fn-Tick"]


def test_disabled_schedules_never_fire(wired: Wired) -> None:
    wired.wiring(template(
        wired,
        EventSpec("Off", "Schedule", {"Schedule": "rate(1 day)", "Enabled": False}),
        EventSpec("OffToo", "ScheduleV2", {"ScheduleExpression": "rate(1 day)",
                                           "State": "DISABLED"})))

    # The rule exists, disabled, as the stack makes it; the disabled schedule is not kept.
    assert [(s["name"], s["state"], s["nextFire"]) for s in wired.scheduler.listing()] == [
        ("shop-fn-Off", "DISABLED", None)]


# -- API routes -------------------------------------------------------------------------------


def test_api_events_become_routes_of_the_implicit_apis(wired: Wired) -> None:
    wired.wiring(template(
        wired,
        EventSpec("GetItem", "Api", {"Path": "/items/{id}", "Method": "get"}),
        EventSpec("AnyItem", "Api", {"Path": "/any/{proxy+}",
                                     "Method": "x-amazon-apigateway-any-method"}),
        EventSpec("PostOrder", "HttpApi", {"Path": "/orders", "Method": "POST"}),
        EventSpec("Legacy", "HttpApi", {"Path": "/legacy", "Method": "any",
                                        "PayloadFormatVersion": "1.0"}),
        EventSpec("Everything", "HttpApi", {})))

    assert routes_of(wired) == {
        (REST_API_ID, "GET /items/{id}", "fn", "1.0"),
        (REST_API_ID, "ANY /any/{proxy+}", "fn", "1.0"),
        (HTTP_API_ID, "POST /orders", "fn", "2.0"),
        (HTTP_API_ID, "ANY /legacy", "fn", "1.0"),
        (HTTP_API_ID, "$default", "fn", "2.0"),
    }
    match = wired.routes.match(REST_API_ID, "Prod", "GET", "/items/42")  # SAM's stage
    assert match is not None and match.path_parameters == {"id": "42"}
    assert wired.routes.match(HTTP_API_ID, "$default", "POST", "/orders") is not None


def test_routes_gone_from_the_template_are_gone_after_rewiring(wired: Wired) -> None:
    wired.wiring(template(wired, EventSpec("Old", "HttpApi", {"Path": "/old",
                                                              "Method": "GET"})))

    wired.wiring(template(wired, EventSpec("New", "HttpApi", {"Path": "/new",
                                                              "Method": "GET"})))

    assert routes_of(wired) == {(HTTP_API_ID, "GET /new", "fn", "2.0")}


# -- failures ---------------------------------------------------------------------------------


def test_an_event_that_cannot_be_connected_is_logged_and_the_rest_still_are(
        wired: Wired, moto: Moto, caplog: pytest.LogCaptureFixture) -> None:
    missing_queue = moto.queue("never-created")
    with caplog.at_level(logging.WARNING, logger="simulator.events.template_wiring"):
        wired.wiring(template(
            wired,
            EventSpec("Ghost", "SNS", {"Topic": moto.topic("never-created").arn}),
            EventSpec("Lost", "SQS", {"Queue": missing_queue.arn}),
            EventSpec("Stream", "Kinesis", {"Stream": "arn:aws:kinesis:stream/x"}),
            EventSpec("Get", "HttpApi", {"Path": "/items", "Method": "GET"})))

    assert "fn: event Ghost (SNS) not connected" in caplog.text
    assert "fn: event Lost (SQS) not connected" in caplog.text
    assert "fn: events of type Kinesis are not wired yet" in caplog.text
    assert routes_of(wired) == {(HTTP_API_ID, "GET /items", "fn", "2.0")}
    assert mappings_of(wired) == []


def test_events_dropped_from_the_template_are_disconnected_on_the_next_wiring(
        wired: Wired, moto: Moto) -> None:
    orders, uploads, alerts = moto.queue("dropped"), moto.bucket("dropped"), moto.topic("dropped")
    resources: dict[str, Any] = {"queues": [orders], "buckets": [uploads], "topics": [alerts]}
    wired.wiring(template(
        wired,
        EventSpec("Upload", "S3", {"Bucket": uploads.name, "Events": "s3:ObjectCreated:*"}),
        EventSpec("Orders", "SQS", {"Queue": orders.arn, "Enabled": False}),
        EventSpec("Alerts", "SNS", {"Topic": alerts.arn}),
        EventSpec("Nightly", "Schedule", {"Schedule": "rate(1 day)"}),
        **resources))
    sns, s3 = moto.client("sns"), moto.client("s3")
    assert len(sns.list_subscriptions_by_topic(TopicArn=alerts.arn)["Subscriptions"]) == 1
    assert len(wired.mappings.list("fn", orders.arn, None, None)["EventSourceMappings"]) == 1

    wired.wiring(template(wired, **resources))  # the same resources, no events

    assert wired.scheduler.listing() == []
    assert s3.get_bucket_notification_configuration(Bucket=uploads.name).get(
        "LambdaFunctionConfigurations", []) == []
    assert sns.list_subscriptions_by_topic(TopicArn=alerts.arn)["Subscriptions"] == []
    assert wired.mappings.list("fn", orders.arn, None, None)["EventSourceMappings"] == []


def test_an_api_events_grant_names_any_stage_its_method_and_wildcard_path_parameters() -> None:
    settings = Settings(region="eu-west-1", account_id="123456789012")
    assert execute_api_source(settings, "ServerlessRestApi", "GET", "/items/{id}/{rest+}") == (
        "arn:aws:execute-api:eu-west-1:123456789012:ServerlessRestApi/*/GET/items/*/*")
    assert execute_api_source(settings, "ServerlessHttpApi", "ANY", "$default") == (
        "arn:aws:execute-api:eu-west-1:123456789012:ServerlessHttpApi/*/*/*")
