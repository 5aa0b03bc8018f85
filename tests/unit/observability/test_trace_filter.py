"""X-Ray filter expressions, the part the simulator supports, evaluated on real traces in a
store; everything else refused with a message instead of matching silently."""

from __future__ import annotations

import pytest

from simulator.observability.trace_filter import InvalidFilterExpression, parse_filter
from simulator.observability.trace_store import TraceStore

SLOW = "1-58406520-a006649127e371903a2de979"  # fn behind the Lambda service, faulted, slow
FAST = "1-58406521-b006649127e371903a2de979"  # api over HTTP, a client error, fast


@pytest.fixture
def store() -> TraceStore:
    store = TraceStore()
    store.add({"name": "fn", "id": "aaaaaaaaaaaaaaaa", "trace_id": SLOW, "origin": "AWS::Lambda",
               "start_time": 100.0, "end_time": 106.0})
    store.add({"name": "fn", "id": "bbbbbbbbbbbbbbbb", "trace_id": SLOW,
               "origin": "AWS::Lambda::Function", "parent_id": "aaaaaaaaaaaaaaaa",
               "start_time": 100.5, "end_time": 105.0, "subsegments": [
                   {"name": "## handler", "id": "cccccccccccccccc", "start_time": 101.0,
                    "end_time": 104.0, "fault": True,
                    "annotations": {"tenant": "acme", "items": 3, "ColdStart": True}}]})
    store.add({"name": "api", "id": "dddddddddddddddd", "trace_id": FAST, "user": "alice",
               "start_time": 200.0, "end_time": 200.5, "error": True,
               "annotations": {"tenant": "globex", "ColdStart": False},
               "http": {"request": {"url": "https://example.com/orders", "method": "POST",
                                    "user_agent": "curl/8", "client_ip": "10.0.0.1"},
                        "response": {"status": 404}}})
    store.add({"name": "db", "id": "eeeeeeeeeeeeeeee", "trace_id": FAST, "in_progress": True,
               "parent_id": "dddddddddddddddd", "start_time": 200.1})
    return store


def matching(store: TraceStore, expression: str) -> set[str]:
    matches = parse_filter(expression)
    return {summary["Id"] for summary in store.summaries(0, 1e10, matches=matches)}


@pytest.mark.parametrize(("expression", "expected"), [
    ('service("fn")', {SLOW}),
    ('service("api")', {FAST}),
    ("service()", {SLOW, FAST}),
    ('service("nowhere")', set()),
    ('id(name: "fn", type: "AWS::Lambda::Function")', {SLOW}),
    ('id(name: "fn", type: "AWS::S3::Bucket")', set()),
    ('id("api")', {FAST}),
    ('service(id(name: "fn", type: "AWS::Lambda"))', {SLOW}),
    ('service("fn") { fault }', {SLOW}),
    ('id(name: "fn", type: "AWS::Lambda") { fault }', set()),
    ('service("fn") { responsetime > 5 }', {SLOW}),
    ('id(name: "fn", type: "AWS::Lambda::Function") { responsetime > 5 }', set()),
    ("service() { error }", {FAST}),
    ("fault", {SLOW}),
    ("error", {FAST}),
    ("!error", {SLOW}),
    ("error = false", {SLOW}),
    ("fault != true", {FAST}),
    ("throttle", set()),
    ("ok", set()),
    ("partial", {FAST}),
    ("responsetime > 5", {SLOW}),
    ("responsetime <= 0.5", {FAST}),
    ("duration >= 6", {SLOW}),
    ("duration < 1", {FAST}),
    ("http.status = 404", {FAST}),
    ("http.status != 404", set()),
    ('http.url CONTAINS "orders"', {FAST}),
    ('http.url BEGINSWITH "https://"', {FAST}),
    ('http.url endswith "/orders"', {FAST}),
    ('http.method = "POST"', {FAST}),
    ('http.useragent = "curl/8"', {FAST}),
    ('http.clientip = "10.0.0.1"', {FAST}),
    ('user = "alice"', {FAST}),
    ('annotation.tenant = "acme"', {SLOW}),
    ('annotation[tenant] != "acme"', {FAST}),
    ("annotation.items > 2", {SLOW}),
    ("annotation.items = 3", {SLOW}),
    ("annotation.ColdStart = true", {SLOW}),
    ("annotation.ColdStart != true", {FAST}),
    ("annotation.ColdStart", {SLOW}),
    ("annotation.tenant", {SLOW, FAST}),
    ("annotation.missing", set()),
    ('service("fn") AND fault', {SLOW}),
    ('service("fn") and error', set()),
    ('service("fn") OR error', {SLOW, FAST}),
    ("fault || error && responsetime > 5", {SLOW}),
    ("(fault || error) && responsetime < 1", {FAST}),
    ('!(service("fn"))', {FAST}),
])
def test_an_expression_picks_the_traces_it_describes(store: TraceStore, expression: str,
                                                     expected: set[str]) -> None:
    assert matching(store, expression) == expected


@pytest.mark.parametrize(("expression", "problem"), [
    ("", "empty"),
    ("   ", "empty"),
    ('edge("a", "b")', "unsupported keyword 'edge'"),
    ("color = 1", "unsupported keyword 'color'"),
    ("responsetime > \"5\"", "expected a number"),
    ('http.url > "x"', "expected one of"),
    ("responsetime", "expected one of"),
    ("fault = maybe", "expected true or false"),
    ("(fault", "expected )"),
    ("fault)", "unexpected ')'"),
    ("fault AND", "expected a keyword instead of the end"),
    ('service("fn") { fault', "expected }"),
    ("id(type: \"AWS::Lambda\")", "id() needs a name"),
    ("annotation.x CONTAINS 3", "expected one of =, !=, <"),
    ("annotation.x > true", "a boolean is compared with = or !="),
    ("annotation[]", "expected an annotation key"),
    ("fault $ error", "unexpected character '$'"),
    ('http.url = "bad \\q escape"', "bad string"),
])
def test_what_the_language_does_not_say_is_refused_with_the_reason(expression: str,
                                                                   problem: str) -> None:
    with pytest.raises(InvalidFilterExpression, match="Invalid filter expression") as refused:
        parse_filter(expression)

    assert problem in str(refused.value)


def test_the_refusal_is_a_value_error_as_the_stores_own_are() -> None:
    with pytest.raises(ValueError):
        parse_filter("nonsense here")
