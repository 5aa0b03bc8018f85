"""A function's `events` list as its SAM `Events`: each entry handed to its kind's converter,
named `<Kind>Event<n>`, kinds the conversion does not know left out with a warning, and
malformed entries named by where they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.templates.errors import TemplateError
from simulator.templates.serverless.events import ServiceEvents
from tests.unit.templates.serverless.service_files import convert, resource


def test_events_are_numbered_per_kind_in_their_order() -> None:
    events = ServiceEvents()
    converted = events.of_function("f", [
        {"sqs": "arn:aws:sqs:us-east-1:1:a"}, {"http": "GET a"},
        {"sqs": "arn:aws:sqs:us-east-1:1:b"}, {"schedule": {"rate": ["rate(1 day)",
                                                                     "rate(2 days)"]}}])
    assert list(converted) == ["SqsEvent1", "HttpEvent1", "SqsEvent2", "ScheduleEvent1",
                               "ScheduleEvent2"]
    assert converted["SqsEvent2"]["Properties"]["Queue"] == "arn:aws:sqs:us-east-1:1:b"
    assert events.warnings == []


def test_what_the_events_share_is_kept_across_functions() -> None:
    events = ServiceEvents(payload_version="1.0")
    events.of_function("a", [{"http": "GET a"}, {"s3": "photos"}])
    second = events.of_function("b", [{"s3": "photos"}, {"httpApi": "GET /b"}])
    assert events.rest_api.used
    assert list(events.resources) == ["S3BucketPhotos"]
    assert second["HttpApiEvent1"]["Properties"]["PayloadFormatVersion"] == "1.0"


def test_entries_that_are_not_one_kind_each_are_warned_about() -> None:
    events = ServiceEvents()
    assert events.of_function("f", [{}, "sqs", {"alb": {}}]) == {}
    assert events.of_function("g", None) == {}
    assert [warning.split(" is a ")[0] for warning in events.warnings] == [
        "functions.f.events[0]", "functions.f.events[1]", "functions.f.events[2]"]
    assert "is a alb event" in events.warnings[2]


def test_unknown_event_kinds_are_left_out_with_a_warning(tmp_path: Path) -> None:
    converted = convert(tmp_path, """
        functions:
          socket:
            handler: socket.handler
            events:
              - websocket: $connect
    """)
    assert "Events" not in resource(converted, "SocketLambdaFunction")["Properties"]
    assert any("functions.socket.events[0] is a websocket event" in warning
               for warning in converted.warnings)


@pytest.mark.parametrize(("event", "message"), [
    ("http: {path: a}", "needs a method and a path"),
    ("sqs: {batchSize: 1}", "needs the queue's arn"),
    ("stream: {arn: somewhere}", "needs an arn and a type"),
    ("httpApi: 'GET'", "write it as '\\*' or 'METHOD /path'"),
    ("eventBridge: {input: x}", "needs a pattern"),
])
def test_malformed_events_name_where_they_are(tmp_path: Path, event: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message) as raised:
        convert(tmp_path, f"""
            functions:
              f:
                handler: f.handler
                events:
                  - {event}
        """)
    assert "functions.f.events[0]" in str(raised.value)
