"""The embedded AWS services' state, kept in the state folder so that a restart, or a kill,
of the server loses none of it.

moto holds the state as Python objects; after each request that may have changed some, the
changed units (see `units`: a backend, an S3 key, an SQS message) are pickled and appended to
the journal with one `write`, before the response goes back. A pure journal of requests could
not do: moto makes message ids, receipt handles, version ids and timestamps anew on each
replay, so a replay could neither keep receive counts and visibility nor keep old receipt
handles valid. Saving the objects keeps them exactly, in-flight messages included.

What a request changed is told apart cheaply: SQS messages report their own changes
(`sqs_tracking`), an S3 request names its key, and any other change saves the backend of the
service the request was signed for (whole: fine for the small states of IAM, SNS,
EventBridge, Scheduler; a DynamoDB table or Kinesis stream grows that record with its
items). The journal is compacted in the background into a base (`compaction`)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

from simulator.service_state import codec, sqs_tracking, units
from simulator.service_state.bodies import BodyStore
from simulator.service_state.compaction import Compactor, Unsaveable, pickled
from simulator.service_state.journal import Journal, Unit, encode
from simulator.service_state.requests import ANY_REGION, ServiceRequest, classify

log = logging.getLogger(__name__)

DEFAULT_ACCOUNT = "123456789012"
MESSAGE_OPERATIONS = frozenset({
    "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch",
    "ChangeMessageVisibility", "ChangeMessageVisibilityBatch"})
# Services whose signing name is not the name moto gives their backends, or that share them.
BACKEND_ALIASES = {"dynamodb": ("dynamodb", "dynamodbstreams"), "email": ("ses", "sesv2"),
                   "monitoring": ("cloudwatch",), "states": ("stepfunctions",)}
BucketRef = tuple[str, str, str]


class ServiceState:
    """One server's saved AWS state. Restored only at the server's start, and only the
    backends moto does not hold yet: they are the process's, so a server started again in
    the same process (as tests do) finds them live, newer than what it saved."""

    def __init__(self, folder: Path) -> None:
        self.journal = Journal(folder, version("moto"))
        self.bodies = BodyStore(folder / "bodies")
        self._lock = threading.Lock()
        self._messages: dict[Unit, tuple[Any, Any]] = {}
        self._messages_lock = threading.Lock()
        self._unsaveable: set[str] = set()  # services whose state stays in memory
        # What the journal holds: each bucket's keys (with the ids of the versions saved),
        # each queue's message ids; to tell what a request removed.
        self._keys: dict[BucketRef, dict[str, tuple[int, ...]]] = {}
        self._queue_messages: dict[BucketRef, set[str]] = {}
        self.compactor = Compactor(self.journal, self.bodies, self._lock)

    def has_saved_state(self) -> bool:
        return bool(self.journal.segments()) or (self.journal.folder / "base").exists()

    def track(self) -> None:
        """Before moto serves anything: its queues' messages report their changes."""
        sqs_tracking.install()

    def restore(self) -> int:
        """Load the saved state into moto (loaded, and patched by `moto_bridge`, first);
        the number of units loaded."""
        self.track()
        saved = self.journal.load()
        installed = set()
        for unit, data in saved.items():
            if unit[0] == units.BACKEND and units.install_backend(
                    unit, codec.loads(data, self.bodies, units.empty_external)):
                installed.add((unit[2], unit[3], unit[4]))
        loaded = len(installed)
        for unit, data in saved.items():
            if unit[0] != units.BACKEND and units.parent_of(unit) in installed and \
                    units.place(unit, codec.loads(data, self.bodies)):
                loaded += 1
        self._index_all()
        self.journal.rotate()
        return loaded

    def _index_all(self) -> None:
        for backend_dict in units.live_backend_dicts():
            for account, region, backend in units.backends_of(backend_dict):
                if units.is_s3(backend):
                    for bucket in list(backend.buckets.values()):
                        self._keys[(account, region, bucket.name)] = {
                            key: _fingerprint(versions)
                            for key, versions in list(dict.items(bucket.keys))}
                elif units.is_sqs(backend):
                    for queue in list(backend.queues.values()):
                        self._queue_messages[(account, region, queue.name)] = {
                            message.id for message in queue._messages}

    # The request's path -----------------------------------------------------------------

    @contextmanager
    def serving(self, environ: dict[str, Any]) -> Iterator[None]:
        """Around moto's handling of one request: its changes are in the journal when this
        ends, before the response is handed back."""
        request = classify(environ)
        with sqs_tracking.recording(self):
            try:
                yield
            finally:
                self.save(request)

    def touched(self, queue: Any, message: Any) -> None:
        with self._messages_lock:
            self._messages[units.message_unit(queue, message.id)] = (queue, message)

    def removed(self, queue: Any, message_id: str) -> None:
        with self._messages_lock:
            self._messages[units.message_unit(queue, message_id)] = (queue, None)

    def save(self, request: ServiceRequest | None) -> None:
        with self._messages_lock:
            messages, self._messages = self._messages, {}
        if not messages and (request is None or not request.changes_service):
            return
        with self._lock:
            records = [self._message_record(unit, queue, message)
                       for unit, (queue, message) in messages.items()]
            if request is not None and request.changes_service:
                records += self._request_records(request)
            if records:
                self.journal.append(b"".join(records))
        self.compactor.maybe_start()

    def _request_records(self, request: ServiceRequest) -> list[bytes]:
        account = request.account or os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT)
        if request.service == "s3":
            return self._s3_records(request, account)
        if request.service == "sqs":
            if request.operation in MESSAGE_OPERATIONS:
                return []
            return self._sqs_records(account)
        names = BACKEND_ALIASES.get(request.service, (request.service,))
        records = []
        for backend_dict in units.live_backend_dicts():
            if backend_dict.service_name not in names:
                continue
            for owner, region, backend in units.backends_of(backend_dict):
                if owner == account and (region == request.region or
                                         request.region == ANY_REGION or
                                         not any(c.isdigit() for c in region)):
                    try:
                        records.append(self._backend_record(backend_dict, owner, region,
                                                            backend))
                    except Unsaveable as error:
                        self._say_unsaveable(backend_dict.service_name, error)
        return records

    def _say_unsaveable(self, service: str, error: Unsaveable) -> None:
        """Once per service: its requests are answered, its state just isn't kept."""
        if service not in self._unsaveable:
            self._unsaveable.add(service)
            log.warning("the %s service's state cannot be kept across restarts (%s); it "
                        "stays in memory only", service, error)

    def _s3_records(self, request: ServiceRequest, account: str) -> list[bytes]:
        records = []
        for backend_dict in units.live_backend_dicts():
            if backend_dict.service_name != "s3":
                continue
            for owner, region, backend in units.backends_of(backend_dict):
                if owner != account:
                    continue
                ref = (owner, region, request.bucket)
                bucket = backend.buckets.get(request.bucket)
                if bucket is not None and request.key and not request.s3_bucket_level:
                    records.append(self._key_record(ref, request.key, bucket))
                    if len(self._keys.get(ref, {})) == len(bucket.keys):
                        continue
                records.append(self._backend_record(backend_dict, owner, region, backend))
                known = bucket is not None or ref in self._keys
                refs = [ref] if known else [(owner, region, name) for name in
                                            set(backend.buckets) | {b for a, r, b in self._keys
                                                                    if (a, r) == (owner, region)}]
                for each in refs:
                    records += self._reconciled_keys(each, backend.buckets.get(each[2]),
                                                     request.key if each == ref else "")
        return records

    def _key_record(self, ref: BucketRef, key: str, bucket: Any) -> bytes:
        versions = dict.get(bucket.keys, key)
        keys = self._keys.setdefault(ref, {})
        unit = units.key_unit(*ref, key)
        if versions is None:
            keys.pop(key, None)
            return encode(unit, None)
        keys[key] = _fingerprint(versions)
        return encode(unit, self._dumps(list(versions)))

    def _reconciled_keys(self, ref: BucketRef, bucket: Any, key: str) -> list[bytes]:
        """Records for the keys of a bucket that differ from what the journal holds (all of
        them gone, when the bucket is)."""
        saved = self._keys.get(ref, {})
        current = {} if bucket is None else {
            name: _fingerprint(versions) for name, versions in list(dict.items(bucket.keys))}
        records = [encode(units.key_unit(*ref, name), None) for name in saved
                   if name not in current]
        changed = [name for name, fingerprint in current.items()
                   if saved.get(name) != fingerprint or name == key]
        if bucket is None:
            self._keys.pop(ref, None)
            return records
        self._keys[ref] = {name: saved[name] for name in saved if name in current}
        return records + [self._key_record(ref, name, bucket) for name in changed]

    def _sqs_records(self, account: str) -> list[bytes]:
        """A queue created, deleted, purged or set: the backend, and the messages the journal
        holds that are no longer there."""
        records = []
        for backend_dict in units.live_backend_dicts():
            if backend_dict.service_name != "sqs":
                continue
            for owner, region, backend in units.backends_of(backend_dict):
                if owner != account:
                    continue
                records.append(self._backend_record(backend_dict, owner, region, backend))
                for ref in [r for r in self._queue_messages if r[:2] == (owner, region)]:
                    queue = backend.queues.get(ref[2])
                    present = set() if queue is None else {m.id for m in queue._messages}
                    for message_id in self._queue_messages[ref] - present:
                        records.append(encode((units.SQS_MESSAGE, *ref, message_id), None))
                    self._queue_messages[ref] &= present
        return records

    def _message_record(self, unit: Unit, queue: Any, message: Any) -> bytes:
        ref = (unit[1], unit[2], unit[3])
        saved = self._queue_messages.setdefault(ref, set())
        if message is None:
            saved.discard(unit[4])
            return encode(unit, None)
        saved.add(unit[4])
        return encode(unit, self._dumps((message, message in queue._pending_messages)))

    def _backend_record(self, backend_dict: Any, account: str, region: str,
                        backend: Any) -> bytes:
        unit = units.backend_unit(backend_dict, account, region)
        return encode(unit, self._dumps(backend, units.externals_of(backend)))

    def _dumps(self, value: Any, externals: dict[int, Hashable] | None = None) -> bytes:
        """Pickled while other requests may change it: a change in the middle is tried
        again (that request's own record follows anyway)."""
        data, digests = pickled(value, self.bodies, externals)
        self.compactor.referenced(digests)
        return data

    def close(self) -> None:
        self.compactor.close()
        with self._lock:
            self.journal.close()


def _fingerprint(versions: list[Any]) -> tuple[int, ...]:
    """Which objects a key's versions are: moto makes a new one for each write."""
    return tuple(id(version) for version in versions)
