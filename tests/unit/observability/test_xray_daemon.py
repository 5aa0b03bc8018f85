"""The daemon endpoint takes real UDP datagrams in the X-Ray daemon's format into the trace
store, drops anything else without stopping, and receives what the unmodified aws-xray-sdk
sends."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aws_xray_sdk.core import AWSXRayRecorder

from simulator.observability.trace_store import TraceStore
from simulator.observability.xray_daemon import XRayDaemon

TRACE = "1-58406520-a006649127e371903a2de979"
HEADER = b'{"format": "json", "version": 1}\n'


def segment(id_: str = "aaaaaaaaaaaaaaaa", **fields: Any) -> dict[str, Any]:
    return {"name": "fn", "id": id_, "trace_id": TRACE, "start_time": 100.0,
            "end_time": 101.0, **fields}


@pytest.fixture
def store() -> TraceStore:
    return TraceStore()


@pytest.fixture
def daemon(store: TraceStore) -> Iterator[XRayDaemon]:
    daemon = XRayDaemon(store, "127.0.0.1")
    daemon.start()
    yield daemon
    daemon.close()


def send(daemon: XRayDaemon, *datagrams: bytes) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        for datagram in datagrams:
            sender.sendto(datagram, daemon.address)


def eventually(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.01)


def test_it_binds_a_free_port_when_asked_for_port_zero(daemon: XRayDaemon) -> None:
    host, port = daemon.address

    assert host == "127.0.0.1" and port > 0


def test_a_datagram_in_the_daemon_format_reaches_the_store(daemon: XRayDaemon,
                                                           store: TraceStore) -> None:
    send(daemon, HEADER + json.dumps(segment()).encode())

    eventually(lambda: daemon.received == 1)
    assert store.trace(TRACE) == [segment()]


def test_the_header_is_read_as_json_not_as_text(daemon: XRayDaemon, store: TraceStore) -> None:
    send(daemon, b'{"version":1,"format":"json"}\n' + json.dumps(segment()).encode())

    eventually(lambda: daemon.received == 1)


def test_a_subsegment_sent_alone_is_merged_into_its_segment(daemon: XRayDaemon,
                                                            store: TraceStore) -> None:
    child = {"type": "subsegment", "name": "call", "id": "bbbbbbbbbbbbbbbb", "trace_id": TRACE,
             "parent_id": "aaaaaaaaaaaaaaaa", "start_time": 100.2, "end_time": 100.4}
    send(daemon, HEADER + json.dumps(child).encode(), HEADER + json.dumps(segment()).encode())

    eventually(lambda: daemon.received == 2)
    segments = store.trace(TRACE)
    assert segments is not None
    assert [child["name"] for child in segments[0]["subsegments"]] == ["call"]


@pytest.mark.parametrize("datagram", [
    json.dumps(segment()).encode(),  # no header line
    b'{"format": "json", "version": 2}\n' + json.dumps(segment()).encode(),
    b'{"format": "xml", "version": 1}\n' + json.dumps(segment()).encode(),
    b"[]\n" + json.dumps(segment()).encode(),
    HEADER + b"{not json",
    HEADER + b"\xff\xfe\xfd",
    HEADER + json.dumps({"name": "fn"}).encode(),  # X-Ray would refuse it
    HEADER + b"[" * 100_000,  # as deeply nested as a datagram can be
    b"",
])
def test_a_datagram_it_cannot_take_is_counted_and_the_next_one_still_arrives(
        daemon: XRayDaemon, store: TraceStore, datagram: bytes) -> None:
    send(daemon, datagram[:65_000], HEADER + json.dumps(segment()).encode())

    eventually(lambda: daemon.received == 1)
    assert daemon.malformed == 1
    assert store.trace(TRACE) == [segment()]


def test_close_stops_receiving_and_frees_the_port(store: TraceStore) -> None:
    daemon = XRayDaemon(store, "127.0.0.1")
    daemon.start()
    address = daemon.address

    daemon.close()

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as again:
        again.bind(address)


def test_a_daemon_closed_before_it_started_closes_cleanly(store: TraceStore) -> None:
    XRayDaemon(store, "127.0.0.1").close()


def test_a_port_in_use_is_refused_at_construction(daemon: XRayDaemon, store: TraceStore) -> None:
    with pytest.raises(OSError):
        XRayDaemon(store, "127.0.0.1", daemon.address[1])


def test_two_endpoints_feed_one_store(daemon: XRayDaemon, store: TraceStore) -> None:
    second = XRayDaemon(store, "127.0.0.1")
    second.start()
    try:
        send(daemon, HEADER + json.dumps(segment()).encode())
        send(second, HEADER + json.dumps(segment("bbbbbbbbbbbbbbbb", start_time=100.5)).encode())

        eventually(lambda: daemon.received == 1 and second.received == 1)
    finally:
        second.close()
    segments = store.trace(TRACE)
    assert segments is not None and len(segments) == 2


# -- the unmodified aws-xray-sdk --------------------------------------------------------------


@pytest.fixture
def sdk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside Lambda, with nothing in the environment overriding the configuration."""
    for name in ("AWS_XRAY_DAEMON_ADDRESS", "AWS_XRAY_CONTEXT_MISSING", "AWS_XRAY_SDK_ENABLED",
                 "AWS_XRAY_TRACING_NAME", "LAMBDA_TASK_ROOT", "_X_AMZN_TRACE_ID"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("sdk_environment")
@pytest.mark.parametrize(("streaming_threshold", "documents"), [(100, 1), (0, 3)])
def test_the_xray_sdk_sends_its_segments_and_subsegments_here(
        daemon: XRayDaemon, store: TraceStore, streaming_threshold: int, documents: int) -> None:
    """Threshold 100: one document with the subsegments inside; threshold 0: the SDK streams
    each subsegment on its own, and the store merges them back."""
    recorder = AWSXRayRecorder()
    recorder.configure(daemon_address=f"127.0.0.1:{daemon.address[1]}",
                       context_missing="LOG_ERROR", sampling=False,
                       streaming_threshold=streaming_threshold)

    root = recorder.begin_segment("checkout")
    recorder.begin_subsegment("charge")
    recorder.put_annotation("order", "42")
    recorder.begin_subsegment("card")
    recorder.end_subsegment()
    recorder.end_subsegment()
    recorder.end_segment()

    eventually(lambda: daemon.received == documents)
    [segment_sent] = store.trace(root.trace_id) or []
    assert segment_sent["name"] == "checkout"
    [charge] = segment_sent["subsegments"]
    assert charge["name"] == "charge" and charge["annotations"] == {"order": "42"}
    assert [card["name"] for card in charge["subsegments"]] == ["card"]
    assert daemon.malformed == 0
    [summary] = store.summaries(0, 1e12)
    assert summary["Annotations"]["order"][0]["AnnotationValue"] == {"StringValue": "42"}
