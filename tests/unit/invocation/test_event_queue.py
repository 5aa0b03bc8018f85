"""The persistent queue of asynchronous invocations: what is written before the 202 survives a
restart, finished events are gone, retries wait their delay without holding up other events,
and closing stops the workers without losing an event in flight."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.invocation.event_queue import AsyncQueue, ProcessEvent, QueuedEvent
from tests.helpers import eventually


class Opened:
    """Queues opened by a test, closed at its end (a closed one may be closed again)."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.queues: list[AsyncQueue] = []

    def __call__(self, process: ProcessEvent, workers: int = 1) -> AsyncQueue:
        queue = AsyncQueue(self.database, process, workers)
        self.queues.append(queue)
        return queue


@pytest.fixture
def open_queue(tmp_path: Path) -> Iterator[Opened]:
    opened = Opened(tmp_path / "async_events.db")
    yield opened
    for queue in opened.queues:
        queue.close()


class Recorder:
    """A process callback that records each attempt and answers from a script of delays."""

    def __init__(self, delays: list[float | None] | None = None) -> None:
        self.delays = list(delays or [])
        self.attempts: list[tuple[float, QueuedEvent]] = []
        self._lock = threading.Lock()

    def __call__(self, event: QueuedEvent) -> float | None:
        with self._lock:
            self.attempts.append((time.monotonic(), event))
            return self.delays.pop(0) if self.delays else None

    def payloads(self) -> list[bytes]:
        with self._lock:
            return [event.payload for _, event in self.attempts]


def never(event: QueuedEvent) -> float | None:
    raise AssertionError("no event should be processed")


def test_an_accepted_event_survives_a_restart_whole(open_queue: Opened) -> None:
    first = open_queue(never, workers=0)
    event = QueuedEvent("fn", b'{"n": 1}', enqueued_at=1_700_000_000.5, attempts=1,
                        tenant_id="blue")
    first.put(event)
    assert first.pending() == 1
    first.close()

    recorder = Recorder()
    open_queue(recorder)

    assert eventually(lambda: len(recorder.attempts) == 1)
    redelivered = recorder.attempts[0][1]
    assert (redelivered.id, redelivered.function_name, redelivered.payload) == (
        event.id, "fn", b'{"n": 1}')
    assert redelivered.enqueued_at == 1_700_000_000.5
    assert redelivered.attempts == 1
    assert redelivered.tenant_id == "blue"


def test_a_finished_event_is_not_delivered_again_after_a_restart(open_queue: Opened) -> None:
    recorder = Recorder()
    queue = open_queue(recorder)
    queue.put(QueuedEvent("fn", b"1"))
    assert eventually(lambda: len(recorder.attempts) == 1 and queue.pending() == 0)
    queue.close()

    reopened = open_queue(never, workers=0)

    assert reopened.pending() == 0


def test_an_event_whose_processing_raises_is_dropped_and_the_others_go_on(
    open_queue: Opened
) -> None:
    seen: list[bytes] = []

    def process(event: QueuedEvent) -> float | None:
        seen.append(event.payload)
        if event.payload == b"bad":
            raise RuntimeError("the handler of the queue broke")
        return None

    queue = open_queue(process)
    queue.put(QueuedEvent("fn", b"bad"))
    queue.put(QueuedEvent("fn", b"good"))

    assert eventually(lambda: seen == [b"bad", b"good"] and queue.pending() == 0)
    queue.close()
    assert open_queue(never, workers=0).pending() == 0


def test_events_due_together_run_in_the_order_they_were_accepted(open_queue: Opened) -> None:
    recorder = Recorder()
    queue = open_queue(recorder)
    payloads = [str(i).encode() for i in range(6)]

    for payload in payloads:
        queue.put(QueuedEvent("fn", payload))

    assert eventually(lambda: len(recorder.attempts) == len(payloads))
    assert recorder.payloads() == payloads


def test_a_retry_waits_its_delay_and_keeps_the_event_id(open_queue: Opened) -> None:
    recorder = Recorder(delays=[0.3, None])
    queue = open_queue(recorder)
    queue.put(QueuedEvent("fn", b"retry me"))

    assert eventually(lambda: len(recorder.attempts) == 2)
    (first_at, first), (second_at, second) = recorder.attempts
    assert second_at - first_at >= 0.29
    assert second.id == first.id
    assert eventually(lambda: queue.pending() == 0)


def test_an_event_waiting_for_its_retry_does_not_hold_up_later_ones(
    open_queue: Opened
) -> None:
    recorder = Recorder(delays=[0.5])
    queue = open_queue(recorder)
    queue.put(QueuedEvent("fn", b"slow"))
    assert eventually(lambda: len(recorder.attempts) == 1)

    queue.put(QueuedEvent("fn", b"fast"))

    assert eventually(lambda: len(recorder.attempts) == 3)
    assert recorder.payloads() == [b"slow", b"fast", b"slow"]


def test_a_pending_retry_is_counted_and_persisted_with_its_attempts_and_due_time(
    open_queue: Opened
) -> None:
    attempted = threading.Event()

    def fail_once(event: QueuedEvent) -> float | None:
        event.attempts += 1
        attempted.set()
        return 0.6

    queue = open_queue(fail_once)
    queue.put(QueuedEvent("fn", b"later"))
    assert eventually(lambda: attempted.is_set() and queue.pending() == 1)
    queue.close()
    closed_at = time.monotonic()

    recorder = Recorder()
    reopened = open_queue(recorder)

    assert reopened.pending() == 1
    assert eventually(lambda: len(recorder.attempts) == 1)
    attempted_at, event = recorder.attempts[0]
    assert (event.payload, event.attempts) == (b"later", 1)
    assert attempted_at - closed_at >= 0.2  # it waited for the retry's due time


def test_close_stops_idle_workers_promptly(open_queue: Opened) -> None:
    before = set(threading.enumerate())
    queue = open_queue(never, workers=4)
    workers = set(threading.enumerate()) - before

    started = time.monotonic()
    queue.close()

    assert len(workers) == 4
    assert time.monotonic() - started < 1.0
    assert not any(worker.is_alive() for worker in workers)


def test_an_event_in_flight_at_close_is_delivered_again_after_a_restart(
    open_queue: Opened
) -> None:
    started = threading.Event()

    def slow(event: QueuedEvent) -> float | None:
        started.set()
        time.sleep(0.3)
        return None

    queue = open_queue(slow)
    queue.put(QueuedEvent("fn", b"in flight"))
    assert started.wait(3)

    queue.close()
    recorder = Recorder()
    open_queue(recorder)

    assert eventually(lambda: recorder.payloads() == [b"in flight"])
