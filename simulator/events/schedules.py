"""Scheduled rules: an EventBridge rule with a `rate(...)` or `cron(...)` expression sends a
"Scheduled Event" to its Lambda targets when due. Rules come from moto's EventBridge, where a
user's boto3 `events` client put them, or from a template loader (`add_local`); a clock decides
when they are due, so tests can drive time instead of waiting for it."""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from simulator.aws_clients import own_client
from simulator.config import Settings
from simulator.errors import LambdaError, ResourceNotFoundException
from simulator.events.schedule_expressions import (
    At,
    InvalidScheduleExpression,
    Timing,
    parse_schedule_expression,
)
from simulator.events.scheduler_delivery import AsyncInvoker, Occurrence, SchedulerDelivery
from simulator.events.targets import target_input

log = logging.getLogger(__name__)

REFRESH_SECONDS = 2.0
MIN_WAIT_SECONDS = 0.01
MAX_CATCH_UP = 10
# A one-time schedule that came due this long before it was first read still fires.
MISSED_ONE_TIME_GRACE = timedelta(seconds=60)
LAMBDA_FUNCTION_ARN = re.compile(
    r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?"
)


Tick = Callable[[bool], float]
"""Fires what is due (the flag forces a fresh read of the rules); answers the seconds until
the next fire time."""


class Clock(Protocol):
    def now(self) -> datetime: ...

    def start(self, tick: Tick) -> None: ...

    def stop(self) -> None: ...


class SystemClock:
    """Real time: a daemon thread ticks at each fire time, and at least every
    `REFRESH_SECONDS` so new and changed rules are noticed."""

    def __init__(self) -> None:
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> datetime:
        return datetime.now(UTC)

    def start(self, tick: Tick) -> None:
        self._thread = threading.Thread(target=self._run, args=(tick,), name="scheduler",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self, tick: Tick) -> None:
        while not self._stopped.is_set():
            try:
                delay = tick(False)
            except Exception:
                log.exception("the scheduler failed to run its due rules")
                delay = REFRESH_SECONDS
            self._stopped.wait(min(max(delay, MIN_WAIT_SECONDS), REFRESH_SECONDS))


class ManualClock:
    """Time that moves only when told: `advance` fires, before it returns, whatever became
    due. Rules created since the last advance start counting from the time before it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC).replace(microsecond=0)
        self._tick: Tick | None = None

    def now(self) -> datetime:
        return self._now

    def start(self, tick: Tick) -> None:
        self._tick = tick

    def stop(self) -> None:
        self._tick = None

    def advance(self, seconds: float) -> None:
        if self._tick is not None:
            self._tick(True)
        self._now += timedelta(seconds=seconds)
        if self._tick is not None:
            self._tick(True)


# -- rules -------------------------------------------------------------------------------------

@dataclass
class ScheduledRule:
    """A rule as its source describes it; `targets` are EventBridge target shapes (an
    EventBridge Scheduler schedule's one target in Scheduler's Target shape). `ends` is a
    Scheduler schedule's EndDate, after which it fires no more; `deletes_when_done` its
    ActionAfterCompletion DELETE."""

    name: str
    arn: str
    expression: str
    enabled: bool
    targets: list[dict[str, Any]]
    source: str = "eventbridge"  # or "scheduler" (EventBridge Scheduler), or "template"
    ends: datetime | None = None
    deletes_when_done: bool = False
    created: datetime | None = None  # a Scheduler schedule's CreationDate
    # A Scheduler schedule's flexible time window: each run comes at a moment picked within
    # it, after the scheduled time.
    window: timedelta = timedelta(0)


class RuleSource(Protocol):
    def read(self) -> list[ScheduledRule]: ...


class RuleSources:
    """Several sources of schedules read as one (EventBridge's rules, Scheduler's)."""

    def __init__(self, *sources: RuleSource) -> None:
        self._sources = sources

    def read(self) -> list[ScheduledRule]:
        return [rule for source in self._sources for rule in source.read()]


class OwnServiceClient:
    """A client of one of our own endpoint's services, made on first use (the endpoint's port
    is known only once the server listens) and made again if the endpoint moves."""

    def __init__(self, settings: Settings, service: str) -> None:
        self._settings = settings
        self._service = service
        self._client: Any = None
        self._endpoint = ""

    def get(self) -> Any:
        endpoint = self._settings.endpoint_url
        if self._client is None or endpoint != self._endpoint:
            self._client = own_client(self._settings, self._service,
                                      retries={"max_attempts": 1}, connect_timeout=2,
                                      read_timeout=10)
            self._endpoint = endpoint
        return self._client


class EventBridgeRules:
    """The scheduled rules in moto's EventBridge, read through our own endpoint with boto3
    (the wire protocol users' clients speak, not moto's internals). Scheduled rules live on
    the default bus only, as in AWS. Until the AWS services are first used there are no
    rules, and nothing is read: loading them is much of the server's memory
    (docs/MEASUREMENTS.md)."""

    def __init__(self, settings: Settings, services_loaded: Callable[[], bool] = lambda: True
                 ) -> None:
        self._services_loaded = services_loaded
        self._client = OwnServiceClient(settings, "events")

    def read(self) -> list[ScheduledRule]:
        if not self._services_loaded():
            return []
        client = self._client.get()
        rules = []
        for page in client.get_paginator("list_rules").paginate():
            for rule in page["Rules"]:
                if not rule.get("ScheduleExpression"):
                    continue
                targets = [target for targets_page in client.get_paginator(
                    "list_targets_by_rule").paginate(Rule=rule["Name"])
                    for target in targets_page["Targets"]]
                rules.append(ScheduledRule(rule["Name"], rule["Arn"], rule["ScheduleExpression"],
                                           rule.get("State") == "ENABLED", targets))
        return rules



# -- the scheduler -----------------------------------------------------------------------------

class EventSink(AsyncInvoker, Protocol):
    """The invoker: rules' events go in with `submit_event`, Scheduler's with `invoke`."""

    def submit_event(self, reference: str, payload: bytes) -> None: ...


def _came_due_unread(moment: datetime, created: datetime | None, now: datetime) -> bool:
    """A one-time schedule created before its moment, which came while the schedules were
    not yet read again: it fires late rather than never. One that came due longer ago than
    `MISSED_ONE_TIME_GRACE` (a restart long after it fired) does not fire again."""
    return created is not None and created <= moment <= now and \
        now - moment <= MISSED_ONE_TIME_GRACE


@dataclass
class _Entry:
    """A rule and where its schedule stands."""

    rule: ScheduledRule
    timing: Timing | None
    error: str | None
    anchor: datetime
    next_fire: datetime | None
    delay: timedelta = timedelta(0)  # where in the flexible window the next run comes

    @property
    def runs_at(self) -> datetime | None:
        return self.next_fire + self.delay if self.next_fire is not None else None

    def _schedule(self, fire: datetime | None) -> None:
        self.next_fire = fire
        window = self.rule.window.total_seconds()
        self.delay = timedelta(seconds=round(random.uniform(0, window), 3)) if window else \
            timedelta(0)

    @classmethod
    def begin(cls, rule: ScheduledRule, now: datetime) -> _Entry:
        try:
            timing: Timing | None = parse_schedule_expression(
                rule.expression, one_time=rule.source == "scheduler")
            error = None
        except InvalidScheduleExpression as invalid:
            log.warning("rule %s never fires on its schedule: %s", rule.name, invalid)
            timing, error = None, str(invalid)
        anchor = now.replace(microsecond=0)
        entry = cls(rule, timing, error, anchor, None)
        entry._schedule(entry.next_after(anchor) if rule.enabled else None)
        if entry.next_fire is None and rule.enabled and isinstance(timing, At) and \
                _came_due_unread(timing.moment, rule.created, now):
            entry._schedule(timing.moment)
        return entry

    def next_after(self, moment: datetime) -> datetime | None:
        """The schedule's next fire time after `moment`; none past its end."""
        found = self.timing.next_after(moment, self.anchor) if self.timing else None
        if found is not None and self.rule.ends is not None and found > self.rule.ends:
            return None
        return found

    @property
    def done(self) -> bool:
        """No fire time left: a one-time schedule fired, or a recurring one at its end."""
        return self.next_fire is None and (isinstance(self.timing, At)
                                           or self.rule.ends is not None)

    def take_due(self, now: datetime) -> list[datetime]:
        """The scheduled times whose runs `now` has reached; after a jump of the clock, only
        the first `MAX_CATCH_UP` of them."""
        due: list[datetime] = []
        while self.timing is not None and self.next_fire is not None and \
                self.next_fire + self.delay <= now:
            if len(due) == MAX_CATCH_UP:
                log.warning("rule %s missed fire times while the clock jumped; skipped them",
                            self.rule.name)
                self._schedule(self.next_after(now))
                break
            due.append(self.next_fire)
            self._schedule(self.next_after(self.next_fire))
        return due


class Scheduler:
    """Fires scheduled rules at their Lambda targets through the service's asynchronous
    invoke, as EventBridge does; EventBridge Scheduler's schedules through
    `SchedulerDelivery`, which retries them. `start()` hands the scheduler to its clock."""

    def __init__(self, settings: Settings, service: EventSink, clock: Clock | None = None,
                 rules: RuleSource | None = None,
                 scheduler_delivery: SchedulerDelivery | None = None) -> None:
        self._settings = settings
        self._service = service
        self._clock = clock or SystemClock()
        self._source = rules or EventBridgeRules(settings)
        self._scheduler_delivery = scheduler_delivery or SchedulerDelivery(
            service, OwnServiceClient(settings, "sqs"), OwnServiceClient(settings, "scheduler"))
        self._lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._read_at = float("-inf")
        self._bridge: dict[str, _Entry] = {}
        self._local: dict[str, _Entry] = {}

    def start(self) -> None:
        self._clock.start(self.tick)

    def stop(self) -> None:
        self._clock.stop()

    def add_local(self, rule_name: str, expression: str, target_function: str,
                  input: str | None = None) -> None:
        """Register a schedule that lives outside EventBridge (a template's `Schedule` or
        `ScheduleV2` event). `input` is JSON text delivered instead of the Scheduled Event."""
        parse_schedule_expression(expression)
        arn = target_function
        if not target_function.startswith("arn:"):
            arn = (f"arn:aws:lambda:{self._settings.region}:{self._settings.account_id}"
                   f":function:{target_function}")
        rule_arn = (f"arn:aws:events:{self._settings.region}:{self._settings.account_id}"
                    f":rule/{rule_name}")
        target = {"Id": rule_name, "Arn": arn, "Input": input}
        rule = ScheduledRule(rule_name, rule_arn, expression, True, [target], source="template")
        with self._lock:
            self._local[rule_name] = _Entry.begin(rule, self._clock.now())

    def remove_local(self, rule_name: str) -> None:
        """A template's schedule that a change of the template dropped."""
        with self._lock:
            self._local.pop(rule_name, None)

    def tick(self, refresh: bool = False) -> float:
        self._read_rules(force=refresh)
        now = self._clock.now()
        with self._lock:
            entries = [*self._bridge.values(), *self._local.values()]
            due = [(entry.rule, times, entry.done) for entry in entries
                   if (times := entry.take_due(now))]
            upcoming = [entry.runs_at for entry in entries if entry.runs_at is not None]
            schedules = {entry.rule.arn for entry in self._bridge.values()
                         if entry.rule.source == "scheduler"}
        for rule, times, done in due:
            for at in times:
                self._deliver(rule, at, last=done and at == times[-1])
        self._scheduler_delivery.retry_due(now, schedules)
        upcoming += filter(None, [self._scheduler_delivery.next_due()])
        if not upcoming:
            return REFRESH_SECONDS
        return max((min(upcoming) - self._clock.now()).total_seconds(), 0.0)

    def fire(self, rule_name: str) -> dict[str, Any]:
        """Deliver a rule's event now, whatever its schedule or state says."""
        self._read_rules(force=True)
        with self._lock:
            entry = self._bridge.get(rule_name) or self._local.get(rule_name)
        if entry is None:
            raise ResourceNotFoundException(
                f"Rule {rule_name} does not exist on EventBus default.")
        return self._deliver(entry.rule, self._clock.now().replace(microsecond=0))

    def listing(self) -> list[dict[str, Any]]:
        """Every schedule, read afresh: a rule put a moment ago is listed."""
        self._read_rules(force=True)
        with self._lock:
            entries = [*self._bridge.values(), *self._local.values()]
        return [_describe(entry) for entry in sorted(entries, key=lambda e: e.rule.name)]

    def _read_rules(self, force: bool) -> None:
        """Refresh the cached EventBridge rules when stale or forced; on failure keep them."""
        with self._read_lock:
            if not force and time.monotonic() - self._read_at < REFRESH_SECONDS:
                return
            self._read_at = time.monotonic()
            try:
                rules = self._source.read()
            except EndpointConnectionError as error:
                log.debug("scheduled rules not read, the endpoint is not up yet: %s", error)
                return
            except (BotoCoreError, ClientError) as error:
                log.warning("could not read the scheduled rules: %s", error)
                return
            now = self._clock.now()
            with self._lock:
                self._bridge = {rule.name: _updated(self._bridge.get(rule.name), rule, now)
                                for rule in rules}

    def _deliver(self, rule: ScheduledRule, at: datetime, last: bool = False
                 ) -> dict[str, Any]:
        """`last`: the schedule has no fire time after `at`."""
        event = scheduled_event(rule.arn, at, self._settings)
        deliveries = []
        for target in rule.targets:
            arn = target.get("Arn", "")
            if not LAMBDA_FUNCTION_ARN.fullmatch(arn):
                continue
            if rule.source == "scheduler":
                occurrence = Occurrence(rule.arn, target, at, last and rule.deletes_when_done)
                deliveries.append(self._scheduler_delivery.deliver(occurrence, self._clock.now()))
                continue
            delivery: dict[str, Any] = {"targetId": target.get("Id"), "function": arn,
                                        "delivered": True}
            try:
                payload = json.dumps(target_input(target, event)).encode()
                self._service.submit_event(arn, payload)
            except (LambdaError, ValueError) as error:
                log.warning("rule %s could not deliver to %s: %s", rule.name, arn, error)
                delivery.update(delivered=False, error=str(error))
            deliveries.append(delivery)
        log.info("rule %s fired for %s: %d Lambda target(s)", rule.name, event["time"],
                 len(deliveries))
        return {"rule": rule.name, "ruleArn": rule.arn, "time": event["time"],
                "eventId": event["id"], "deliveries": deliveries}


def _updated(previous: _Entry | None, rule: ScheduledRule, now: datetime) -> _Entry:
    """Keep a rule's place in its schedule unless its expression or state changed."""
    if (previous is not None and previous.rule.expression == rule.expression
            and previous.rule.enabled == rule.enabled and previous.rule.ends == rule.ends
            and previous.rule.window == rule.window):
        previous.rule = rule
        return previous
    return _Entry.begin(rule, now)


def _describe(entry: _Entry) -> dict[str, Any]:
    rule = entry.rule
    described: dict[str, Any] = {
        "name": rule.name,
        "ruleArn": rule.arn,
        "expression": rule.expression,
        "state": "ENABLED" if rule.enabled else "DISABLED",
        "source": rule.source,
        "targets": [target.get("Arn") for target in rule.targets],
        "nextFire": _iso(entry.next_fire) if entry.next_fire else None,
    }
    if entry.error:
        described["error"] = entry.error
    return described


def scheduled_event(rule_arn: str, at: datetime, settings: Settings) -> dict[str, Any]:
    """The event EventBridge sends for a scheduled rule; `time` is the scheduled time."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": settings.account_id,
        "time": _iso(at),
        "region": settings.region,
        "resources": [rule_arn],
        "detail": {},
    }


def _iso(moment: datetime) -> str:
    """UTC to the second, as EventBridge writes times: `2026-11-27T07:00:00Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
