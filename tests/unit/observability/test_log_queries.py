"""CloudWatch Logs queries on the log store: paging, filtering, describing, errors and
retention."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.observability.errors import LogsInvalidParameter, LogsResourceNotFound
from simulator.observability.log_queries import LogQueries
from simulator.observability.log_store import LogStore


@pytest.fixture
def store() -> LogStore:
    logs = LogStore()
    for index in range(5):
        logs.append("fn", "stream-a", f"a{index} {'ERROR' if index % 2 else 'ok'}\n")
    logs.append("fn", "stream-b", "b0 ERROR\n")
    return logs


def queries(store: LogStore, retention: list[Any] | None = None) -> LogQueries:
    return LogQueries(store, "us-east-1", "123456789012",
                      lambda group, days: (retention if retention is not None else []).append(
                          (group, days)))


def messages(events: list[dict[str, Any]]) -> list[str]:
    return [e["message"].split()[0] for e in events]


def test_get_log_events_pages_both_ways(store: LogStore) -> None:
    logs = queries(store)
    group = {"logGroupName": "/aws/lambda/fn", "logStreamName": "stream-a"}
    tail = logs.get_log_events({**group, "limit": 2})
    assert messages(tail["events"]) == ["a3", "a4"]
    earlier = logs.get_log_events({**group, "limit": 2, "nextToken": tail["nextBackwardToken"]})
    assert messages(earlier["events"]) == ["a1", "a2"]
    head = logs.get_log_events({**group, "limit": 3, "startFromHead": True})
    assert messages(head["events"]) == ["a0", "a1", "a2"]
    rest = logs.get_log_events({**group, "nextToken": head["nextForwardToken"]})
    assert messages(rest["events"]) == ["a3", "a4"]
    done = logs.get_log_events({**group, "nextToken": rest["nextForwardToken"]})
    assert done["events"] == [] and done["nextForwardToken"] == rest["nextForwardToken"]
    store.append("fn", "stream-a", "a5 new\n")
    assert messages(logs.get_log_events({**group, "nextToken": done["nextForwardToken"]})
                    ["events"]) == ["a5"]


def test_filter_log_events_pages_with_a_token(store: LogStore) -> None:
    logs = queries(store)
    first = logs.filter_log_events({"logGroupName": "/aws/lambda/fn", "filterPattern": "ERROR",
                                    "limit": 2})
    assert messages(first["events"]) == ["a1", "a3"]
    second = logs.filter_log_events({"logGroupName": "/aws/lambda/fn",
                                     "filterPattern": "ERROR", "nextToken": first["nextToken"]})
    assert messages(second["events"]) == ["b0"]
    assert "nextToken" not in second
    only_b = logs.filter_log_events({"logGroupIdentifier":
                                     "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn",
                                     "logStreamNamePrefix": "stream-b"})
    assert [e["logStreamName"] for e in only_b["events"]] == ["stream-b"]


def test_describe_and_errors(store: LogStore) -> None:
    logs = queries(store)
    [group] = logs.describe_log_groups({"logGroupNamePrefix": "/aws/lambda/"})["logGroups"]
    assert group["logGroupName"] == "/aws/lambda/fn"
    assert logs.describe_log_groups({"logGroupNamePrefix": "/other"})["logGroups"] == []
    newest_first = logs.describe_log_streams({"logGroupName": "/aws/lambda/fn",
                                              "orderBy": "LastEventTime", "descending": True,
                                              "limit": 1})
    assert [s["logStreamName"] for s in newest_first["logStreams"]] == ["stream-b"]
    assert newest_first["nextToken"] == "1"
    with pytest.raises(LogsResourceNotFound):
        logs.describe_log_streams({"logGroupName": "/aws/lambda/missing"})
    with pytest.raises(LogsResourceNotFound):
        logs.get_log_events({"logGroupName": "/aws/lambda/fn", "logStreamName": "nope"})
    with pytest.raises(LogsInvalidParameter):
        logs.filter_log_events({"logGroupName": "/aws/lambda/fn", "filterPattern": "{ $.a = 1 }"})
    with pytest.raises(LogsInvalidParameter):
        logs.put_retention_policy({"logGroupName": "/aws/lambda/fn", "retentionInDays": 2})


def test_retention_drops_old_events(store: LogStore) -> None:
    changes: list[Any] = []
    logs = queries(store, changes)
    old_stream = store.streams("fn")[0]
    for event in list(old_stream.events)[:2]:
        event.timestamp_ms -= 2 * 86_400_000
    logs.put_retention_policy({"logGroupName": "/aws/lambda/fn", "retentionInDays": 1})
    assert changes == [("/aws/lambda/fn", 1)]
    assert [e.message.split()[0] for e in store.events("fn")] == ["a2", "a3", "a4", "b0"]
    [group] = logs.describe_log_groups({})["logGroups"]
    assert group["retentionInDays"] == 1
