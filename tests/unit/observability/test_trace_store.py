"""The trace store keeps segment documents as X-Ray does: refused with X-Ray's error codes when
invalid, assembled into full traces (subsegments sent on their own merged into their parents),
summarized in the TraceSummary shape, and bounded."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import pytest

from simulator.observability.trace_store import (
    InvalidSegmentDocument,
    TraceStore,
    validate_document,
)

TRACE = "1-58406520-a006649127e371903a2de979"
OTHER_TRACE = "1-58406521-b006649127e371903a2de979"
SERVICE = "aaaaaaaaaaaaaaaa"
FUNCTION = "bbbbbbbbbbbbbbbb"
INVOCATION = "cccccccccccccccc"
HANDLER = "dddddddddddddddd"
CALL = "eeeeeeeeeeeeeeee"


def segment(id_: str = SERVICE, trace_id: str = TRACE, start: float = 100.0,
            end: float | None = 101.0, **fields: Any) -> dict[str, Any]:
    document: dict[str, Any] = {"name": "fn", "id": id_, "trace_id": trace_id,
                                "start_time": start}
    if end is None:
        document["in_progress"] = True
    else:
        document["end_time"] = end
    return {**document, **fields}


def subsegment(id_: str, parent: str, start: float, end: float, name: str = "work",
               **fields: Any) -> dict[str, Any]:
    return {"type": "subsegment", "name": name, "id": id_, "trace_id": TRACE,
            "parent_id": parent, "start_time": start, "end_time": end, **fields}


def lambda_trace(store: TraceStore) -> None:
    """A Lambda invocation: the service segment, the function segment with its Invocation,
    and the function's own subsegments sent on their own by its SDK."""
    store.add(segment(SERVICE, origin="AWS::Lambda",
                      http={"response": {"status": 200}}))
    store.add(segment(FUNCTION, start=100.1, end=100.9, origin="AWS::Lambda::Function",
                      parent_id=SERVICE, subsegments=[
                          {"name": "Invocation", "id": INVOCATION, "start_time": 100.2,
                           "end_time": 100.8}]))
    store.add(subsegment(CALL, HANDLER, 100.4, 100.5, name="DynamoDB"))
    store.add(subsegment(HANDLER, INVOCATION, 100.3, 100.7, name="## handler",
                         annotations={"ColdStart": True, "tenant": "acme", "size": 3}))


# -- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "code"), [
    ({"id": None}, "MissingId"),
    ({"id": "xyz"}, "InvalidId"),
    ({"id": "aaaaaaaaaaaaaaa"}, "InvalidId"),
    ({"name": None}, "MissingName"),
    ({"name": ""}, "InvalidName"),
    ({"name": "a" * 201}, "InvalidName"),
    ({"name": "bad<name>"}, "InvalidName"),
    ({"trace_id": None}, "MissingTraceId"),
    ({"trace_id": "1-58406520-a006649127e371903a2de97"}, "InvalidTraceId"),
    ({"trace_id": "2-58406520-a006649127e371903a2de979"}, "InvalidTraceId"),
    ({"start_time": None}, "MissingStartTime"),
    ({"start_time": "100"}, "InvalidStartTime"),
    ({"start_time": True}, "InvalidStartTime"),
    ({"end_time": None}, "MissingEndTime"),
    ({"end_time": "101"}, "InvalidEndTime"),
    ({"parent_id": "nothex!!nothex!!"}, "InvalidParentId"),
])
def test_a_segment_missing_or_misspelling_a_required_field_is_refused_with_xrays_code(
        change: dict[str, Any], code: str) -> None:
    document = {key: value for key, value in {**segment(), **change}.items()
                if value is not None}

    with pytest.raises(InvalidSegmentDocument) as refused:
        validate_document(document)

    assert refused.value.code == code
    assert str(refused.value) == f"Invalid segment. ErrorCode: {code}, Cause: null"
    assert refused.value.document_id == (document.get("id") if code != "MissingId" else None)


def test_a_minimal_segment_and_an_in_progress_one_are_valid() -> None:
    validate_document({"name": "example.com", "id": "70de5b6f19ff9a0a",
                       "start_time": 1.478293361271E9, "trace_id": TRACE,
                       "end_time": 1.478293361449E9})
    validate_document(segment(end=None))
    validate_document(segment(name="Scorekeep api_v1:/users %&#=+\\-@ é"))


def test_a_subsegment_sent_alone_needs_its_parent_id() -> None:
    document = subsegment(HANDLER, INVOCATION, 1, 2)
    del document["parent_id"]

    with pytest.raises(InvalidSegmentDocument) as refused:
        validate_document(document)

    assert refused.value.code == "MissingParentId"
    assert str(refused.value) == "Invalid subsegment. ErrorCode: MissingParentId, Cause: null"


def test_a_nested_subsegment_is_validated_and_reported_under_its_documents_id() -> None:
    document = segment(subsegments=[{"name": "child", "id": HANDLER, "start_time": 100.2}])

    with pytest.raises(InvalidSegmentDocument) as refused:
        validate_document(document)

    assert (refused.value.code, refused.value.document_id) == ("MissingEndTime", SERVICE)
    assert str(refused.value).startswith("Invalid subsegment.")


@pytest.mark.parametrize("document", [[], "segment", 7, None])
def test_a_document_that_is_not_an_object_has_no_id(document: Any) -> None:
    with pytest.raises(InvalidSegmentDocument) as refused:
        validate_document(document)

    assert (refused.value.code, refused.value.document_id) == ("MissingId", None)


def test_subsegments_nested_deeper_than_the_bound_are_refused() -> None:
    deepest: dict[str, Any] = {"name": "leaf", "id": HANDLER, "start_time": 1, "end_time": 2}
    for _ in range(100):
        deepest = {"name": "level", "id": HANDLER, "start_time": 1, "end_time": 2,
                   "subsegments": [deepest]}

    with pytest.raises(InvalidSegmentDocument) as refused:
        validate_document(segment(subsegments=[deepest]))

    assert refused.value.code == "InvalidSubsegments"


def test_the_store_refuses_what_validation_refuses_and_keeps_nothing() -> None:
    store = TraceStore()

    with pytest.raises(ValueError, match="MissingStartTime"):
        store.add({key: value for key, value in segment().items() if key != "start_time"})

    assert store.recent_trace_ids() == []


# -- assembly ---------------------------------------------------------------------------------


def test_subsegments_sent_alone_are_merged_into_their_parents_recursively() -> None:
    store = TraceStore()
    lambda_trace(store)

    traces, missing = store.traces([TRACE])

    assert missing == []
    documents = [json.loads(entry["Document"]) for entry in traces[0]["Segments"]]
    assert [entry["Id"] for entry in traces[0]["Segments"]] == [SERVICE, FUNCTION]
    invocation = documents[1]["subsegments"][0]
    handler = invocation["subsegments"][0]
    assert handler["name"] == "## handler"
    assert [child["name"] for child in handler["subsegments"]] == ["DynamoDB"]
    assert not {"type", "trace_id", "parent_id"} & set(handler)
    assert documents[1]["parent_id"] == SERVICE  # a segment keeps its own parent


def test_a_subsegment_whose_parent_never_came_stays_an_entry_of_its_own() -> None:
    store = TraceStore()
    store.add(segment())
    store.add(subsegment(HANDLER, "0123456789abcdef", 100.2, 100.3))

    traces, _ = store.traces([TRACE])

    assert [entry["Id"] for entry in traces[0]["Segments"]] == [SERVICE, HANDLER]
    assert json.loads(traces[0]["Segments"][1]["Document"])["type"] == "subsegment"


def test_subsegments_naming_each_other_as_parents_stay_apart_instead_of_looping() -> None:
    store = TraceStore()
    store.add(subsegment(HANDLER, CALL, 100.1, 100.2))
    store.add(subsegment(CALL, HANDLER, 100.3, 100.4))
    store.add(subsegment(INVOCATION, INVOCATION, 100.5, 100.6))

    segments = store.trace(TRACE)

    assert segments is not None
    ids = {entity["id"] for entity in segments}
    nested = {child["id"] for entity in segments for child in entity.get("subsegments", [])}
    assert ids | nested == {HANDLER, CALL, INVOCATION}
    assert INVOCATION in ids
    json.dumps(segments)  # no cycle


def test_merged_subsegments_are_ordered_by_start_time() -> None:
    store = TraceStore()
    store.add(segment())
    store.add(subsegment(CALL, SERVICE, 100.5, 100.6, name="second"))
    store.add(subsegment(HANDLER, SERVICE, 100.1, 100.2, name="first"))

    segments = store.trace(TRACE)

    assert segments is not None
    assert [child["name"] for child in segments[0]["subsegments"]] == ["first", "second"]


def test_the_completed_segment_overwrites_the_in_progress_one_but_not_the_reverse() -> None:
    store = TraceStore()
    store.add(segment(end=None))
    store.add(segment(end=102.0))
    store.add(segment(end=None))

    assert store.summaries(0, 1e10)[0]["IsPartial"] is False
    assert store.summaries(0, 1e10)[0]["Duration"] == pytest.approx(2.0)


def test_the_waterfall_copy_is_the_callers_to_change() -> None:
    store = TraceStore()
    lambda_trace(store)

    first = store.trace(TRACE)
    assert first is not None
    first[0]["name"] = "changed"

    again = store.trace(TRACE)
    assert again is not None and again[0]["name"] == "fn"
    assert store.trace(OTHER_TRACE) is None


# -- summaries --------------------------------------------------------------------------------


def test_a_summary_tells_the_traces_time_outcome_services_and_annotations() -> None:
    store = TraceStore()
    lambda_trace(store)
    store.add(subsegment("ffffffffffffffff", INVOCATION, 100.75, 100.76, fault=True))

    [summary] = store.summaries(0, 1e10)

    assert summary["Id"] == TRACE
    assert summary["StartTime"] == 100.0
    assert summary["Duration"] == pytest.approx(1.0)
    assert summary["ResponseTime"] == pytest.approx(1.0)
    assert (summary["HasFault"], summary["HasError"], summary["HasThrottle"]) == \
        (True, False, False)
    assert summary["IsPartial"] is False
    assert summary["Http"] == {"HttpStatus": 200}
    function = {"Name": "fn", "Names": ["fn"], "Type": "AWS::Lambda::Function"}
    assert summary["ServiceIds"] == [{"Name": "fn", "Names": ["fn"], "Type": "AWS::Lambda"},
                                     function]
    assert summary["EntryPoint"] == {"Name": "fn", "Names": ["fn"], "Type": "AWS::Lambda"}
    assert summary["Annotations"] == {
        "ColdStart": [{"AnnotationValue": {"BooleanValue": True}, "ServiceIds": [function]}],
        "tenant": [{"AnnotationValue": {"StringValue": "acme"}, "ServiceIds": [function]}],
        "size": [{"AnnotationValue": {"NumberValue": 3.0}, "ServiceIds": [function]}],
    }
    assert summary["Revision"] == 5


def test_the_root_segments_http_user_and_resource_arn_are_summarized() -> None:
    store = TraceStore()
    arn = "arn:aws:lambda:us-east-1:123456789012:function:fn"
    store.add(segment(user="alice", resource_arn=arn, error=True, throttle=True,
                      aws={"account_id": "123456789012"},
                      http={"request": {"url": "https://example.com/", "method": "GET",
                                        "user_agent": "curl", "client_ip": "10.0.0.1"},
                            "response": {"status": 429}}))

    [summary] = store.summaries(0, 1e10)

    assert summary["Http"] == {"HttpURL": "https://example.com/", "HttpMethod": "GET",
                               "UserAgent": "curl", "ClientIp": "10.0.0.1", "HttpStatus": 429}
    service = {"Name": "fn", "Names": ["fn"], "AccountId": "123456789012"}
    assert summary["Users"] == [{"UserName": "alice", "ServiceIds": [service]}]
    assert summary["ResourceARNs"] == [{"ARN": arn}]
    assert (summary["HasError"], summary["HasThrottle"]) == (True, True)


def test_an_in_progress_trace_is_partial_without_a_response_time() -> None:
    store = TraceStore()
    store.add(segment(end=None))

    [summary] = store.summaries(0, 1e10)

    assert summary["IsPartial"] is True
    assert "ResponseTime" not in summary


def test_summaries_come_newest_first_and_only_from_the_time_range() -> None:
    store = TraceStore()
    store.add(segment(start=100.0, end=101.0))
    store.add(segment(trace_id=OTHER_TRACE, start=200.0, end=201.0))

    assert [summary["Id"] for summary in store.summaries(0, 1e10)] == [OTHER_TRACE, TRACE]
    assert [summary["Id"] for summary in store.summaries(150, 250)] == [OTHER_TRACE]
    assert store.count(150, 250) == 1


def test_the_time_range_is_matched_against_start_update_or_end_as_asked() -> None:
    now = [5_000.0]
    store = TraceStore(clock=lambda: now[0])
    store.add(segment(start=100.0, end=300.0))

    def found(start: float, end: float, kind: Any) -> bool:
        return bool(store.summaries(start, end, time_range_type=kind))

    assert found(90, 110, "TraceId") and not found(290, 310, "TraceId")
    assert found(290, 310, "Service") and not found(90, 110, "Service")
    assert found(4_990, 5_010, "Event") and not found(90, 310, "Event")


def test_a_matcher_picks_the_traces_summarized() -> None:
    store = TraceStore()
    store.add(segment(start=100.0, end=101.0))
    store.add(segment(trace_id=OTHER_TRACE, start=100.0, end=105.0))

    slow = store.summaries(0, 1e10, matches=lambda scope: scope.response_times[0] > 2)

    assert [summary["Id"] for summary in slow] == [OTHER_TRACE]


# -- bounds, listeners, threads ---------------------------------------------------------------


def test_the_trace_written_least_recently_gives_way_first() -> None:
    store = TraceStore(max_traces=2)
    third = "1-58406522-c006649127e371903a2de979"
    store.add(segment(trace_id=TRACE))
    store.add(segment(trace_id=OTHER_TRACE))
    store.add(segment(CALL, trace_id=TRACE))  # written again: now the newest
    store.add(segment(trace_id=third))

    assert store.recent_trace_ids() == [third, TRACE]
    assert store.recent_trace_ids(limit=1) == [third]


def test_a_trace_past_its_document_bound_keeps_what_it_has_and_says_so() -> None:
    store = TraceStore(max_documents_per_trace=2)
    store.add(segment(SERVICE))
    store.add(segment(FUNCTION))
    store.add(segment(CALL))
    store.add(segment(FUNCTION, end=200.0))  # a replacement is still taken

    [trace], _ = store.traces([TRACE])

    assert trace["LimitExceeded"] is True
    assert [entry["Id"] for entry in trace["Segments"]] == [SERVICE, FUNCTION]
    assert json.loads(trace["Segments"][1]["Document"])["end_time"] == 200.0


def test_batch_reads_answer_each_trace_once_and_name_those_not_held() -> None:
    store = TraceStore()
    store.add(segment())

    traces, missing = store.traces([TRACE, OTHER_TRACE, TRACE])

    assert [trace["Id"] for trace in traces] == [TRACE]
    assert traces[0]["Duration"] == pytest.approx(1.0)
    assert traces[0]["LimitExceeded"] is False
    assert missing == [OTHER_TRACE]


def test_segments_between_reads_the_traces_whose_span_meets_the_range() -> None:
    store = TraceStore()
    store.add(segment(start=100.0, end=110.0))
    store.add(segment(trace_id=OTHER_TRACE, start=200.0, end=210.0))

    assert [trace[0]["trace_id"] for trace in store.segments_between(105, 150)] == [TRACE]
    assert len(store.segments_between(0, 1e10)) == 2


def test_the_listener_hears_each_document_kept_and_its_failure_is_only_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    heard: list[str] = []

    def listener(document: dict[str, Any]) -> None:
        heard.append(document["id"])
        if document["id"] == FUNCTION:
            raise RuntimeError("exporter down")

    store = TraceStore(listener, max_documents_per_trace=2)
    with caplog.at_level(logging.ERROR):
        store.add(segment(SERVICE))
        store.add(segment(FUNCTION))
        store.add(segment(CALL))  # over the bound: not kept, not heard

    assert heard == [SERVICE, FUNCTION]
    assert "exporter down" in caplog.text
    assert store.trace(TRACE) is not None


def test_documents_added_from_many_threads_are_all_kept() -> None:
    store = TraceStore()

    def send(thread: int) -> None:
        for number in range(50):
            store.add(segment(f"{thread:08x}{number:08x}", start=100 + number, end=200))

    threads = [threading.Thread(target=send, args=(thread,)) for thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    [summary] = store.summaries(0, 1e10)
    assert summary["Revision"] == 400
