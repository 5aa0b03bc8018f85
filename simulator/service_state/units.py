"""How moto's state is cut into units, each saved as a record of its own.

A backend (one service, account and region) is a unit; two kinds of member are cut out of it
into units of their own, so that the busiest writes stay small whatever the size of the
state: each S3 key (its list of versions) and each SQS message (with whether it is in
flight). Their backend's record holds a reference where the bucket's keys or the queue's
messages were."""

from __future__ import annotations

import functools
import importlib
import weakref
from collections.abc import Hashable, Iterator
from typing import Any

from simulator.service_state.journal import Unit

BACKEND = "backend"
S3_KEY = "s3-key"
SQS_MESSAGE = "sqs-message"
S3_KEYS = "s3-keys"
SQS_MESSAGES = "sqs-messages"
SQS_PENDING = "sqs-pending"
SQS_DELETED = "sqs-deleted"

# Which queue each live message is on: moto's messages do not know.
message_queues: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def backend_unit(backend_dict: Any, account: str, region: str) -> Unit:
    return (BACKEND, str(backend_dict.backend.__module__), backend_dict.service_name, account,
            region)


def key_unit(account: str, region: str, bucket: str, key: str) -> Unit:
    return (S3_KEY, account, region, bucket, key)


def message_unit(queue: Any, message_id: str) -> Unit:
    return (SQS_MESSAGE, queue.account_id, queue.region, queue.name, message_id)


def live_backend_dicts() -> list[Any]:
    """moto's services that hold state in this process."""
    from moto.core.base_backend import BackendDict

    unique: dict[int, Any] = {}
    instances: list[Any] = BackendDict._instances  # type: ignore[misc]
    for backend_dict in list(instances):
        unique.setdefault(id(backend_dict), backend_dict)
    return list(unique.values())


def backends_of(backend_dict: Any) -> Iterator[tuple[str, str, Any]]:
    """(account, region, backend); dict's own views, as moto's would create backends."""
    for account, regions in list(dict.items(backend_dict)):
        for region, backend in list(dict.items(regions)):
            yield account, region, backend


def is_s3(backend: Any) -> bool:
    return type(backend).__module__ == "moto.s3.models"


def is_sqs(backend: Any) -> bool:
    return type(backend).__module__ == "moto.sqs.models"


def externals_of(backend: Any) -> dict[int, Hashable]:
    """The members a backend's record leaves out, by id."""
    externals: dict[int, Hashable] = {}
    if is_s3(backend):
        for bucket in list(backend.buckets.values()):
            externals[id(bucket.keys)] = (S3_KEYS,)
    elif is_sqs(backend):
        for queue in list(backend.queues.values()):
            externals[id(queue._messages)] = (SQS_MESSAGES,)
            externals[id(queue._pending_messages)] = (SQS_PENDING,)
            externals[id(queue.deleted_messages)] = (SQS_DELETED,)
    return externals


def empty_external(reference: Hashable) -> Any:
    """What stands for a left-out member while loading: an empty one, filled afterwards."""
    if reference == (S3_KEYS,):
        from moto.s3.utils import _VersionedKeyStore

        return _VersionedKeyStore()
    if reference == (SQS_MESSAGES,):
        return []
    return set()


@functools.cache
def find_backend_dict(module: str, service_name: str) -> Any:
    from moto.core.base_backend import BackendDict

    loaded = importlib.import_module(module)
    for value in vars(loaded).values():
        if isinstance(value, BackendDict) and value.service_name == service_name:
            return value
    raise LookupError(f"moto has no {service_name} backends in {module}")


def install_backend(unit: Unit, backend: Any) -> bool:
    """Put a loaded backend where moto looks for it, unless moto holds one there already:
    in a process where another server served it, the live one is the newer."""
    _, module, service_name, account, region = unit
    backend_dict = find_backend_dict(module, service_name)
    regions = dict.get(backend_dict, account)
    if regions is not None and dict.get(regions, region) is not None:
        return False
    dict.__setitem__(backend_dict[account], region, backend)
    if is_s3(backend):
        from moto.s3.models import s3_backends

        for name in backend.buckets:
            s3_backends.bucket_accounts[name] = (region, account)
    return True


def parent_of(unit: Unit) -> tuple[str, str, str]:
    """The service, account and region of a key or message unit."""
    return ("s3" if unit[0] == S3_KEY else "sqs", unit[1], unit[2])


def place(unit: Unit, value: Any) -> bool:
    """Put a loaded key or message back in its bucket or queue; False if that is gone."""
    backend_dict = find_backend_dict(f"moto.{parent_of(unit)[0]}.models", parent_of(unit)[0])
    backend = dict.get(dict.get(backend_dict, unit[1]) or {}, unit[2])
    if backend is None:
        return False
    if unit[0] == S3_KEY:
        bucket = backend.buckets.get(unit[3])
        if bucket is None:
            return False
        dict.__setitem__(bucket.keys, unit[4], value)
        return True
    queue = backend.queues.get(unit[3])
    if queue is None:
        return False
    message, in_flight = value
    queue._messages.append(message)
    if in_flight:
        queue._pending_messages.add(message)
    message_queues[message] = queue
    return True


def live_units(backend_dict: Any) -> Iterator[tuple[Unit, Any, dict[int, Hashable]]]:
    """Every unit of a service as it is now: (unit, value, externals)."""
    for account, region, backend in backends_of(backend_dict):
        yield backend_unit(backend_dict, account, region), backend, externals_of(backend)
        if is_s3(backend):
            for bucket in list(backend.buckets.values()):
                for key, versions in list(dict.items(bucket.keys)):
                    yield key_unit(account, region, bucket.name, key), list(versions), {}
        elif is_sqs(backend):
            for queue in list(backend.queues.values()):
                pending = queue._pending_messages
                for message in list(queue._messages):
                    yield message_unit(queue, message.id), (message, message in pending), {}
