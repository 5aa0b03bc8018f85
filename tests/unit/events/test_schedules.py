"""Schedule expressions as EventBridge reads them, and the scheduler on a driven clock: when
rules fire, what their targets receive, and what the listing shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError

from simulator.config import Settings
from simulator.errors import ResourceNotFoundException
from simulator.events.schedule_expressions import InvalidScheduleExpression
from simulator.events.scheduler_delivery import SchedulerDelivery
from simulator.events.schedules import (
    MAX_CATCH_UP,
    ManualClock,
    ScheduledRule,
    Scheduler,
)

START = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # a Friday
FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:tick"
RULE_ARN = "arn:aws:events:us-east-1:000000000000:rule/nightly"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# -- the scheduler on a driven clock --------------------------------------------------------------

class FakeRules:
    def __init__(self) -> None:
        self.rules: list[ScheduledRule] = []
        self.failure: Exception | None = None

    def read(self) -> list[ScheduledRule]:
        if self.failure is not None:
            raise self.failure
        return list(self.rules)

    def put(self, name: str, expression: str, *targets: dict[str, Any],
            enabled: bool = True) -> None:
        self.rules = [rule for rule in self.rules if rule.name != name]
        arn = f"arn:aws:events:us-east-1:000000000000:rule/{name}"
        self.rules.append(ScheduledRule(name, arn, expression, enabled, list(targets)))

    def put_schedule(self, name: str, expression: str, target: dict[str, Any],
                     ends: datetime | None = None, deletes: bool = False,
                     created: datetime | None = None, window: timedelta = timedelta(0)
                     ) -> None:
        """An EventBridge Scheduler schedule in the default group."""
        arn = f"arn:aws:scheduler:us-east-1:000000000000:schedule/default/{name}"
        self.rules.append(ScheduledRule(name, arn, expression, True, [target], "scheduler",
                                        ends=ends, deletes_when_done=deletes, created=created,
                                        window=window))


class RecordingService:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def submit_event(self, reference: str, payload: bytes) -> None:
        if reference.endswith(":gone"):
            raise ResourceNotFoundException(f"Function not found: {reference}:$LATEST")
        self.events.append((reference, json.loads(payload)))

    def invoke(self, reference: str, qualifier: str | None, payload: bytes,
               invocation_type: str = "RequestResponse") -> object:
        assert invocation_type == "Event"
        self.submit_event(reference, payload)
        return None


class RecordingAws:
    """The SQS and Scheduler clients EventBridge Scheduler's delivery uses, recording."""

    def __init__(self) -> None:
        self.dead_letters: list[tuple[str, str, dict[str, str]]] = []
        self.deleted: list[tuple[str, str]] = []

    def get(self) -> RecordingAws:
        return self

    def get_queue_url(self, QueueName: str, QueueOwnerAWSAccountId: str) -> dict[str, str]:
        return {"QueueUrl": f"http://sqs/{QueueOwnerAWSAccountId}/{QueueName}"}

    def send_message(self, QueueUrl: str, MessageBody: str,
                     MessageAttributes: dict[str, dict[str, str]]) -> None:
        values = {name: value["StringValue"] for name, value in MessageAttributes.items()}
        self.dead_letters.append((QueueUrl, MessageBody, values))

    def delete_schedule(self, Name: str, GroupName: str) -> None:
        self.deleted.append((GroupName, Name))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def rules() -> FakeRules:
    return FakeRules()


@pytest.fixture
def service() -> RecordingService:
    return RecordingService()


@pytest.fixture
def aws() -> RecordingAws:
    return RecordingAws()


@pytest.fixture
def scheduler(clock: ManualClock, rules: FakeRules, service: RecordingService,
              aws: RecordingAws) -> Scheduler:
    scheduler = Scheduler(Settings(), service, clock=clock, rules=rules,
                          scheduler_delivery=SchedulerDelivery(service, aws, aws))
    scheduler.start()
    return scheduler


def lambda_target(**fields: Any) -> dict[str, Any]:
    return {"Id": "1", "Arn": FUNCTION_ARN, **fields}


def test_a_rate_rule_fires_once_its_period_has_passed(
        clock: ManualClock, rules: FakeRules, service: RecordingService,
        scheduler: Scheduler) -> None:
    rules.put("nightly", "rate(1 minute)", lambda_target())
    clock.advance(59)
    assert service.events == []
    clock.advance(1)
    [(arn, event)] = service.events
    assert arn == FUNCTION_ARN
    assert event == {
        "version": "0", "id": event["id"], "detail-type": "Scheduled Event",
        "source": "aws.events", "account": "000000000000", "time": "2026-11-27T07:01:00Z",
        "region": "us-east-1", "resources": [RULE_ARN], "detail": {},
    }


def test_each_fire_time_passed_is_delivered_with_its_own_time(
        clock: ManualClock, rules: FakeRules, service: RecordingService,
        scheduler: Scheduler) -> None:
    rules.put("nightly", "rate(1 minute)", lambda_target())
    clock.advance(180)
    times = [event["time"] for _, event in service.events]
    assert times == ["2026-11-27T07:01:00Z", "2026-11-27T07:02:00Z", "2026-11-27T07:03:00Z"]
    assert len({event["id"] for _, event in service.events}) == 3


def test_a_clock_jump_fires_a_bounded_number_of_times(
        clock: ManualClock, rules: FakeRules, service: RecordingService,
        scheduler: Scheduler) -> None:
    rules.put("nightly", "rate(1 minute)", lambda_target())
    clock.advance(24 * 3600)
    assert len(service.events) == MAX_CATCH_UP
    clock.advance(60)
    assert len(service.events) == MAX_CATCH_UP + 1


def test_a_cron_rule_fires_at_its_minute(
        clock: ManualClock, rules: FakeRules, service: RecordingService,
        scheduler: Scheduler) -> None:
    rules.put("nightly", "cron(0/5 * * * ? *)", lambda_target())
    clock.advance(4 * 60 + 59)
    assert service.events == []
    clock.advance(1)
    assert [event["time"] for _, event in service.events] == ["2026-11-27T07:05:00Z"]


def test_a_disabled_rule_does_not_fire_and_counts_afresh_once_enabled(
        clock: ManualClock, rules: FakeRules, service: RecordingService,
        scheduler: Scheduler) -> None:
    rules.put("nightly", "rate(1 minute)", lambda_target(), enabled=False)
    clock.advance(300)
    assert service.events == []
    rules.put("nightly", "rate(1 minute)", lambda_target())
    clock.advance(60)
    assert [event["time"] for _, event in service.events] == ["2026-11-27T07:06:00Z"]


def test_only_lambda_targets_receive_and_a_missing_function_is_reported(
        rules: FakeRules, service: RecordingService, scheduler: Scheduler) -> None:
    rules.put("nightly", "rate(1 hour)",
              {"Id": "queue", "Arn": "arn:aws:sqs:us-east-1:000000000000:jobs"},
              lambda_target(Id="alias", Arn=f"{FUNCTION_ARN}:live"),
              lambda_target(Id="gone", Arn="arn:aws:lambda:us-east-1:000000000000:function:gone"))
    answer = scheduler.fire("nightly")
    assert [delivery["targetId"] for delivery in answer["deliveries"]] == ["alias", "gone"]
    assert answer["deliveries"][0]["delivered"] is True
    assert answer["deliveries"][1]["delivered"] is False
    assert "Function not found" in answer["deliveries"][1]["error"]
    assert [arn for arn, _ in service.events] == [f"{FUNCTION_ARN}:live"]


def test_fire_delivers_now_even_for_a_disabled_rule(
        clock: ManualClock, rules: FakeRules, service: RecordingService,
        scheduler: Scheduler) -> None:
    rules.put("nightly", "cron(0 3 * * ? *)", lambda_target(), enabled=False)
    answer = scheduler.fire("nightly")
    assert answer["rule"] == "nightly"
    assert answer["ruleArn"] == RULE_ARN
    assert answer["time"] == "2026-11-27T07:00:00Z"
    [(_, event)] = service.events
    assert event["id"] == answer["eventId"]


def test_fire_of_an_unknown_rule_is_not_found(scheduler: Scheduler) -> None:
    with pytest.raises(ResourceNotFoundException, match="Rule nope does not exist"):
        scheduler.fire("nope")


def test_input_is_delivered_instead_of_the_event(
        rules: FakeRules, service: RecordingService, scheduler: Scheduler) -> None:
    rules.put("nightly", "rate(1 day)", lambda_target(Input='{"job": "cleanup", "dry": false}'))
    scheduler.fire("nightly")
    assert service.events[0][1] == {"job": "cleanup", "dry": False}


@pytest.mark.parametrize(("path", "expected"), [
    ("$.detail", {}),
    ("$.detail-type", "Scheduled Event"),
    ("$.resources", [RULE_ARN]),
])
def test_input_path_selects_part_of_the_event(
        rules: FakeRules, service: RecordingService, scheduler: Scheduler,
        path: str, expected: Any) -> None:
    rules.put("nightly", "rate(1 day)", lambda_target(InputPath=path))
    scheduler.fire("nightly")
    assert service.events[0][1] == expected


def test_input_path_of_the_root_is_the_whole_event(
        rules: FakeRules, service: RecordingService, scheduler: Scheduler) -> None:
    rules.put("nightly", "rate(1 day)", lambda_target(InputPath="$"))
    answer = scheduler.fire("nightly")
    assert service.events[0][1]["id"] == answer["eventId"]


def test_input_transformer_fills_its_template(
        rules: FakeRules, service: RecordingService, scheduler: Scheduler) -> None:
    transformer = {
        "InputPathsMap": {"when": "$.time", "rules": "$.resources", "detail": "$.detail"},
        "InputTemplate": '{"message": "fired at <when>", "rules": <rules>, "detail": <detail>}',
    }
    rules.put("nightly", "rate(1 day)", lambda_target(InputTransformer=transformer))
    scheduler.fire("nightly")
    assert service.events[0][1] == {"message": "fired at 2026-11-27T07:00:00Z",
                                    "rules": [RULE_ARN], "detail": {}}


def test_input_transformer_with_a_text_template_sends_a_string(
        rules: FakeRules, service: RecordingService, scheduler: Scheduler) -> None:
    transformer = {"InputPathsMap": {"kind": "$.detail-type"},
                   "InputTemplate": '"a <kind> arrived"'}
    rules.put("nightly", "rate(1 day)", lambda_target(InputTransformer=transformer))
    scheduler.fire("nightly")
    assert service.events[0][1] == "a Scheduled Event arrived"


def test_the_listing_shows_each_rule_and_its_next_fire_time(
        clock: ManualClock, rules: FakeRules, scheduler: Scheduler) -> None:
    rules.put("nightly", "cron(0 3 * * ? *)", lambda_target())
    rules.put("paused", "rate(5 minutes)", lambda_target(), enabled=False)
    rules.put("broken", "rate(5 minute)", lambda_target())
    listing = {row["name"]: row for row in scheduler.listing()}
    assert listing["nightly"] == {
        "name": "nightly", "ruleArn": RULE_ARN, "expression": "cron(0 3 * * ? *)",
        "state": "ENABLED", "source": "eventbridge", "targets": [FUNCTION_ARN],
        "nextFire": "2026-11-28T03:00:00Z",
    }
    assert listing["paused"]["state"] == "DISABLED"
    assert listing["paused"]["nextFire"] is None
    assert listing["broken"]["nextFire"] is None
    assert "not valid" in listing["broken"]["error"]


def test_rules_read_before_a_failed_read_are_kept(
        clock: ManualClock, rules: FakeRules, service: RecordingService,
        scheduler: Scheduler) -> None:
    rules.put("nightly", "rate(1 minute)", lambda_target())
    clock.advance(0)
    rules.failure = EndpointConnectionError(endpoint_url="http://127.0.0.1:0")
    clock.advance(60)
    assert len(service.events) == 1


def test_a_deleted_rule_stops_firing(
        clock: ManualClock, rules: FakeRules, service: RecordingService,
        scheduler: Scheduler) -> None:
    rules.put("nightly", "rate(1 minute)", lambda_target())
    clock.advance(60)
    rules.rules = []
    clock.advance(600)
    assert len(service.events) == 1
    with pytest.raises(ResourceNotFoundException):
        scheduler.fire("nightly")


def test_local_schedules_fire_and_are_listed(
        clock: ManualClock, service: RecordingService, scheduler: Scheduler) -> None:
    scheduler.add_local("TickSchedule", "rate(2 minutes)", "tick")
    scheduler.add_local("Report", "cron(0 9 ? * MON *)", FUNCTION_ARN, input='{"report": true}')
    listing = {row["name"]: row for row in scheduler.listing()}
    assert listing["TickSchedule"]["source"] == "template"
    assert listing["TickSchedule"]["targets"] == [FUNCTION_ARN]
    assert listing["TickSchedule"]["nextFire"] == "2026-11-27T07:02:00Z"
    assert listing["Report"]["nextFire"] == "2026-11-30T09:00:00Z"
    clock.advance(120)
    [(arn, event)] = service.events
    assert arn == FUNCTION_ARN
    assert event["resources"] == ["arn:aws:events:us-east-1:000000000000:rule/TickSchedule"]
    scheduler.fire("Report")
    assert service.events[-1][1] == {"report": True}


def test_a_local_schedule_with_an_invalid_expression_is_refused(scheduler: Scheduler) -> None:
    with pytest.raises(InvalidScheduleExpression):
        scheduler.add_local("Bad", "rate(1 minutes)", "tick")




# -- EventBridge Scheduler's schedules ------------------------------------------------------------

def scheduler_target(arn: str = FUNCTION_ARN, **fields: Any) -> dict[str, Any]:
    return {"Id": "1", "Arn": arn, "Input": '{"job": "report"}', **fields}


def test_a_one_time_schedule_asking_for_it_is_deleted_once_it_has_run(
        clock: ManualClock, rules: FakeRules, service: RecordingService, aws: RecordingAws,
        scheduler: Scheduler) -> None:
    rules.put_schedule("once", "at(2026-11-27T07:00:30)", scheduler_target(), deletes=True)
    rules.put_schedule("kept", "at(2026-11-27T07:00:30)", scheduler_target())
    clock.advance(29)
    assert (service.events, aws.deleted) == ([], [])
    clock.advance(1)
    assert service.events == [(FUNCTION_ARN, {"job": "report"})] * 2
    assert aws.deleted == [("default", "once")]


def test_a_recurring_schedule_runs_until_its_end_date_and_is_deleted_after_the_last_run(
        clock: ManualClock, rules: FakeRules, service: RecordingService, aws: RecordingAws,
        scheduler: Scheduler) -> None:
    rules.put_schedule("every-minute", "rate(1 minute)", scheduler_target(),
                       ends=START + timedelta(seconds=150), deletes=True)
    clock.advance(60)
    assert (len(service.events), aws.deleted) == (1, [])
    clock.advance(60)
    assert (len(service.events), aws.deleted) == (2, [("default", "every-minute")])
    clock.advance(600)
    assert len(service.events) == 2


def test_a_recurring_schedule_without_an_end_date_is_never_deleted(
        clock: ManualClock, rules: FakeRules, service: RecordingService, aws: RecordingAws,
        scheduler: Scheduler) -> None:
    rules.put_schedule("every-minute", "rate(1 minute)", scheduler_target(), deletes=True)
    clock.advance(180)
    assert (len(service.events), aws.deleted) == (3, [])


def test_a_refused_invoke_is_retried_on_the_clock_then_dead_lettered(
        clock: ManualClock, rules: FakeRules, aws: RecordingAws, scheduler: Scheduler) -> None:
    missing = "arn:aws:lambda:us-east-1:000000000000:function:gone"
    rules.put_schedule("once", "at(2026-11-27T07:00:30)", scheduler_target(
        missing, RetryPolicy={"MaximumRetryAttempts": 1},
        DeadLetterConfig={"Arn": "arn:aws:sqs:us-east-1:000000000000:missed"}), deletes=True)
    clock.advance(30)
    assert (aws.dead_letters, aws.deleted) == ([], [])
    assert scheduler.tick() == 1.0  # the clock wakes for the retry

    clock.advance(1)

    [(queue, body, attributes)] = aws.dead_letters
    assert (queue, body) == ("http://sqs/000000000000/missed", '{"job": "report"}')
    assert attributes["TARGET_ARN"] == missing
    assert attributes["SCHEDULED_TIME"] == "2026-11-27T07:00:30Z"
    assert (attributes["RETRY_ATTEMPTS"], attributes["EXHAUSTED_RETRY_CONDITION"]) == (
        "1", "MaximumRetryAttempts")
    assert aws.deleted == [("default", "once")]


def test_a_one_time_schedule_that_came_due_before_it_was_read_fires_late(
        clock: ManualClock, rules: FakeRules, service: RecordingService,
        scheduler: Scheduler) -> None:
    now = clock.now()
    for name, moment, created in (
            ("missed", now - timedelta(seconds=2), now - timedelta(seconds=5)),
            ("fired-before-a-restart", now - timedelta(minutes=10),
             now - timedelta(minutes=11)),
            ("created-after-its-moment", now - timedelta(seconds=2), now)):
        rules.put_schedule(name, f"at({moment:%Y-%m-%dT%H:%M:%S})",
                           scheduler_target(Input=json.dumps({"name": name})),
                           created=created)
    clock.advance(1)
    assert service.events == [(FUNCTION_ARN, {"name": "missed"})]


def test_a_flexible_window_runs_each_occurrence_at_a_moment_picked_within_it(
        clock: ManualClock, rules: FakeRules, service: RecordingService,
        scheduler: Scheduler, monkeypatch: pytest.MonkeyPatch) -> None:
    picked: list[float] = []

    def uniform(low: float, high: float) -> float:
        picked.append(high)
        return 120.0

    monkeypatch.setattr("simulator.events.schedules.random.uniform", uniform)
    rules.put_schedule("flexible", "at(2026-11-27T07:01:00)", scheduler_target(),
                       window=timedelta(minutes=5))
    clock.advance(60 + 119)
    assert service.events == []
    clock.advance(1)
    assert service.events == [(FUNCTION_ARN, {"job": "report"})]
    assert picked[0] == 300.0
