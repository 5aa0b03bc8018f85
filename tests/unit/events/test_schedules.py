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
from simulator.events.schedules import (
    MAX_CATCH_UP,
    InvalidScheduleExpression,
    ManualClock,
    Rate,
    ScheduledRule,
    Scheduler,
    parse_schedule_expression,
)

START = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # a Friday
FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:tick"
RULE_ARN = "arn:aws:events:us-east-1:000000000000:rule/nightly"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def next_fire(expression: str, after: str) -> str | None:
    timing = parse_schedule_expression(expression)
    moment = timing.next_after(at(after), at(after))
    return moment.strftime("%Y-%m-%dT%H:%M") if moment else None


# -- rate ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "period"), [
    ("rate(1 minute)", timedelta(minutes=1)),
    ("rate(5 minutes)", timedelta(minutes=5)),
    ("rate(1 hour)", timedelta(hours=1)),
    ("rate(12 hours)", timedelta(hours=12)),
    ("rate(1 day)", timedelta(days=1)),
    ("rate(2 days)", timedelta(days=2)),
])
def test_rates_parse_to_their_period(expression: str, period: timedelta) -> None:
    assert parse_schedule_expression(expression) == Rate(period)


@pytest.mark.parametrize("expression", [
    "rate(1 minutes)", "rate(5 minute)", "rate(2 day)", "rate(1 hours)", "rate(0 minutes)",
    "rate(-5 minutes)", "rate(1.5 hours)", "rate(1 week)", "rate(5  minutes)", "rate(5)",
    "rate 5 minutes", "every 5 minutes", "", "cron()", "cron(0 12 * * ?)",
])
def test_invalid_expressions_are_refused(expression: str) -> None:
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule_expression(expression)


def test_a_rate_counts_from_its_anchor() -> None:
    rate = Rate(timedelta(minutes=5))
    anchor = at("2026-11-27T07:00:00")
    assert rate.next_after(anchor, anchor) == at("2026-11-27T07:05:00")
    assert rate.next_after(at("2026-11-27T07:12:30"), anchor) == at("2026-11-27T07:15:00")
    assert rate.next_after(at("2026-11-27T07:15:00"), anchor) == at("2026-11-27T07:20:00")


# -- cron ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "after", "expected"), [
    ("cron(0 10 * * ? *)", "2026-11-27T07:00:30", "2026-11-27T10:00"),
    ("cron(0/15 * * * ? *)", "2026-11-27T07:00:30", "2026-11-27T07:15"),
    ("cron(5,35 14 * * ? *)", "2026-11-27T14:10:00", "2026-11-27T14:35"),
    ("cron(0/5 8-17 ? * MON-FRI *)", "2026-11-27T17:56:00", "2026-11-30T08:00"),
    ("cron(0 18 ? * MON-FRI *)", "2026-11-28T00:00:00", "2026-11-30T18:00"),
    ("cron(0 8 1 * ? *)", "2026-11-27T07:00:00", "2026-12-01T08:00"),
    ("cron(0 12 ? * 1 *)", "2026-11-27T07:00:00", "2026-11-29T12:00"),  # 1 = Sunday
    ("cron(0 12 ? * SUN *)", "2026-11-27T07:00:00", "2026-11-29T12:00"),
    ("cron(0 12 ? * 7 *)", "2026-11-27T07:00:00", "2026-11-28T12:00"),  # 7 = Saturday
    ("cron(0 12 ? * 2#1 *)", "2026-11-27T07:00:00", "2026-12-07T12:00"),  # first Monday
    ("cron(0 12 ? * MON#1 *)", "2026-11-27T07:00:00", "2026-12-07T12:00"),
    ("cron(0 0 L * ? *)", "2026-11-27T07:00:00", "2026-11-30T00:00"),
    ("cron(0 0 L-2 * ? *)", "2026-11-27T07:00:00", "2026-11-28T00:00"),
    ("cron(0 0 ? * 6L *)", "2026-11-27T07:00:00", "2026-12-25T00:00"),  # last Friday
    ("cron(0 0 ? * L *)", "2026-11-27T07:00:00", "2026-11-28T00:00"),  # the week's last day
    ("cron(0 0 15W * ? *)", "2026-11-01T00:00:00", "2026-11-16T00:00"),  # 15th is a Sunday
    ("cron(0 0 15W * ? *)", "2026-08-01T00:00:00", "2026-08-14T00:00"),  # 15th is a Saturday
    ("cron(0 0 LW * ? *)", "2026-05-01T00:00:00", "2026-05-29T00:00"),  # 31st is a Sunday
    ("cron(0 0 LW * ? *)", "2026-05-30T00:00:00", "2026-06-30T00:00"),
    ("cron(0 0 LW * ? *)", "2026-11-01T00:00:00", "2026-11-30T00:00"),
    ("cron(30 6 ? JAN,JUL MON *)", "2026-11-27T07:00:00", "2027-01-04T06:30"),
    ("cron(0 7 27 NOV ? 2027)", "2026-11-27T07:00:00", "2027-11-27T07:00"),
    ("cron(0 7 27 NOV ? 2026)", "2026-11-27T07:00:00", None),
    ("cron(0 0 1 JAN ? 2030-2031)", "2026-11-27T07:00:00", "2030-01-01T00:00"),
    ("cron(0 0 29 FEB ? *)", "2026-11-27T07:00:00", "2028-02-29T00:00"),
])
def test_cron_next_fire_times(expression: str, after: str, expected: str | None) -> None:
    assert next_fire(expression, after) == expected


@pytest.mark.parametrize("expression", [
    "cron(0 12 * * * *)",  # day-of-month and day-of-week both set
    "cron(0 12 ? * ? *)",
    "cron(0 12 * * ?)",  # five fields
    "cron(60 12 * * ? *)",
    "cron(0 24 * * ? *)",
    "cron(0 12 32 * ? *)",
    "cron(0 12 ? * 8 *)",
    "cron(0 12 ? * MON#6 *)",
    "cron(0 12 1 13 ? *)",
    "cron(0 12 1 * ? 1969)",
    "cron(0 12 1 FOO ? *)",
])
def test_invalid_crons_are_refused(expression: str) -> None:
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule_expression(expression)


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


class RecordingService:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def submit_event(self, reference: str, payload: bytes) -> None:
        if reference.endswith(":gone"):
            raise ResourceNotFoundException(f"Function not found: {reference}:$LATEST")
        self.events.append((reference, json.loads(payload)))


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
def scheduler(clock: ManualClock, rules: FakeRules, service: RecordingService) -> Scheduler:
    scheduler = Scheduler(Settings(), service, clock=clock, rules=rules)
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


def test_a_one_time_schedule_fires_once_at_its_moment() -> None:
    timing = parse_schedule_expression("at(2030-01-01T08:00:00)", one_time=True)
    moment = datetime(2030, 1, 1, 8, tzinfo=UTC)

    assert timing.next_after(moment - timedelta(seconds=1), None) == moment
    assert timing.next_after(moment, None) is None


def test_a_rule_takes_no_one_time_expression() -> None:
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule_expression("at(2030-01-01T08:00:00)")
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule_expression("at(2030-13-01T08:00:00)", one_time=True)
