"""A queue's attributes in the embedded SQS, each worked out when it is asked for.

moto builds every attribute of a queue whenever it reads one, and three of them count the
queue's messages one by one; it reads one (ContentBasedDeduplication) on every send. A send
then costs in proportion to the queue's depth, so a queue could never be filled to the
depths AWS's queues hold. Reading only the attribute asked for keeps a send's cost flat; a
caller that wants them all (GetQueueAttributes with All) still gets them all."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from typing import Any

_lock = threading.Lock()
_installed = False
moto_attributes: Any = None  # moto's own property, kept once replaced: what this one matches


class QueueAttributes(Mapping[str, Any]):
    """The attributes a moto queue reports, in its order and with its spelling (booleans as
    "true"/"false", the redrive policy as JSON), computed one at a time."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    def _names(self) -> list[str]:
        queue = self._queue
        names = list(queue.BASE_ATTRIBUTES)
        if queue.fifo_queue:
            names += queue.FIFO_ATTRIBUTES
        if queue.kms_master_key_id:
            names += queue.KMS_ATTRIBUTES
        return names

    def __getitem__(self, name: str) -> Any:
        if name not in self._names():
            raise KeyError(name)
        queue = self._queue
        if name == "RedrivePolicy" and queue.redrive_policy:
            return json.dumps(queue.redrive_policy)
        if name == "Policy" and queue.policy:
            return queue.policy
        value = getattr(queue, _attribute_field(name))
        return str(value).lower() if isinstance(value, bool) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


def _attribute_field(name: str) -> str:
    """moto's field for an attribute: `ApproximateNumberOfMessages` is
    `approximate_number_of_messages`."""
    from moto.core.utils import camelcase_to_underscores

    return str(camelcase_to_underscores(name))


def install() -> None:
    """Patch moto's queues, once per process."""
    global _installed, moto_attributes
    with _lock:
        if _installed:
            return
        from moto.sqs import models as sqs_models

        moto_attributes = sqs_models.Queue.attributes
        sqs_models.Queue.attributes = property(  # type: ignore[method-assign,assignment]
            QueueAttributes)
        _installed = True
