"""Which SQS messages a request changed, told by moto as it changes them.

A message changes when it is added to a queue (sent, moved to a dead-letter queue, delivered
by SNS, S3 or EventBridge), received, or its visibility changed, and goes when deleted; the
request that does so, whatever its service, reports to the sink of the server serving it (set
for the request's thread), so that only those messages are written."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from simulator.service_state.units import message_queues


class MessageSink(Protocol):
    def touched(self, queue: Any, message: Any) -> None: ...

    def removed(self, queue: Any, message_id: str) -> None: ...


_active = threading.local()
_install_lock = threading.Lock()
_installed = False


@contextmanager
def recording(sink: MessageSink) -> Iterator[None]:
    previous = getattr(_active, "sink", None)
    _active.sink = sink
    try:
        yield
    finally:
        _active.sink = previous


def _sink() -> MessageSink | None:
    return getattr(_active, "sink", None)


def install() -> None:
    """Wrap moto's SQS methods that change messages, once per process."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from moto.sqs.models import Message, Queue

        _wrap_add(Queue)
        _wrap_delete(Queue)
        for name in ("mark_received", "change_visibility"):
            _wrap_message_change(Message, name)
        _installed = True


def _wrap_add(queue_type: Any) -> None:
    original = queue_type.add_message

    def add_message(queue: Any, message: Any) -> None:
        original(queue, message)
        sink = _sink()
        # A FIFO queue drops a duplicate within its deduplication interval.
        added = not queue.fifo_queue or any(m is message for m in reversed(queue._messages))
        if not added:
            return
        previous = message_queues.get(message)
        message_queues[message] = queue
        if sink is None:
            return
        if previous is not None and previous is not queue:
            sink.removed(previous, message.id)
        sink.touched(queue, message)

    queue_type.add_message = add_message


def _wrap_delete(queue_type: Any) -> None:
    original = queue_type.delete_message

    def delete_message(queue: Any, receipt_handle: str) -> None:
        before = queue._messages
        original(queue, receipt_handle)
        if queue._messages is before:
            return
        kept = {id(message) for message in queue._messages}
        sink = _sink()
        for message in before:
            if id(message) not in kept:
                message_queues.pop(message, None)
                if sink is not None:
                    sink.removed(queue, message.id)

    queue_type.delete_message = delete_message


def _wrap_message_change(message_type: Any, name: str) -> None:
    original = getattr(message_type, name)

    def change(message: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(message, *args, **kwargs)
        sink = _sink()
        queue = message_queues.get(message)
        if sink is not None and queue is not None:
            sink.touched(queue, message)
        return result

    setattr(message_type, name, change)
