"""moto's SQS reports the messages it changes to the sink recording on the request's thread:
added (once, on the queue it is now on), received, made visible again, deleted; a FIFO
duplicate it drops is not reported, and with no sink nothing is."""

from __future__ import annotations

import threading
from typing import Any

from moto.sqs.models import Queue, sqs_backends

from simulator.service_state import sqs_tracking, units
from tests.unit.service_state import test_store

account = test_store.account


class Sink:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, str]] = []

    def touched(self, queue: Any, message: Any) -> None:
        self.events.append(("touched", queue.name, message.body))

    def removed(self, queue: Any, message_id: str) -> None:
        self.events.append(("removed", queue.name, message_id))


def sqs(account: str) -> Any:
    sqs_tracking.install()
    return sqs_backends[account]["us-east-1"]


def test_installing_twice_wraps_once() -> None:
    sqs_tracking.install()
    wrapped = Queue.add_message
    sqs_tracking.install()
    assert Queue.add_message is wrapped


def test_sending_receiving_and_deleting_are_reported(account: str) -> None:
    backend, sink = sqs(account), Sink()
    backend.create_queue("tracked")
    hello = ("touched", "tracked", "hello")
    with sqs_tracking.recording(sink):
        sent = backend.send_message("tracked", "hello")
        assert sink.events == [hello]
        received = backend.receive_message("tracked", 1, 0, 30)[0]
        assert set(sink.events[1:]) == {hello}  # moto may change it twice on the way
        sink.events.clear()
        backend.change_message_visibility("tracked", received.receipt_handle, 0)
        assert sink.events == [hello]
        backend.delete_message("tracked", received.receipt_handle)
    assert sink.events == [hello, ("removed", "tracked", sent.id)]
    assert received not in units.message_queues


def test_a_message_moved_to_another_queue_leaves_the_first(account: str) -> None:
    backend, sink = sqs(account), Sink()
    source, target = backend.create_queue("source"), backend.create_queue("dead-letters")
    message = backend.send_message("source", "poison")
    with sqs_tracking.recording(sink):
        target.add_message(message)
    assert sink.events == [("removed", "source", message.id),
                           ("touched", "dead-letters", "poison")]
    assert units.message_queues[message] is target
    assert source is not target


def test_a_fifo_duplicate_dropped_by_moto_is_not_reported(account: str) -> None:
    backend, sink = sqs(account), Sink()
    backend.create_queue("orders.fifo", FifoQueue="true")
    with sqs_tracking.recording(sink):
        for _ in range(2):
            backend.send_message("orders.fifo", "once", deduplication_id="same",
                                 group_id="g")
    assert sink.events == [("touched", "orders.fifo", "once")]


def test_without_a_sink_on_this_thread_nothing_is_reported(account: str) -> None:
    backend, sink = sqs(account), Sink()
    backend.create_queue("quiet")
    elsewhere = threading.Thread(target=backend.send_message, args=("quiet", "unseen"))
    with sqs_tracking.recording(sink):
        elsewhere.start()
        elsewhere.join()
    backend.send_message("quiet", "after")
    assert sink.events == []
    assert [units.message_queues[m].name for m in backend.get_queue("quiet")._messages] \
        == ["quiet", "quiet"]


def test_recording_nests_and_restores_the_outer_sink(account: str) -> None:
    backend, outer, inner = sqs(account), Sink(), Sink()
    backend.create_queue("nested")
    with sqs_tracking.recording(outer):
        with sqs_tracking.recording(inner):
            backend.send_message("nested", "inner")
        backend.send_message("nested", "outer")
    assert [e[2] for e in inner.events] == ["inner"]
    assert [e[2] for e in outer.events] == ["outer"]
