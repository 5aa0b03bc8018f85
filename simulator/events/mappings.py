"""Event source mappings: the CreateEventSourceMapping family with AWS's checks, kept in SQLite
in the state folder so that mappings, their pollers and a stream mapping's checkpoints outlive
a restart. Each enabled mapping has one running poller (`SqsPoller` for a queue,
`StreamPoller` for a Kinesis or DynamoDB stream); creating, updating, enabling, disabling and
deleting a mapping start and stop it."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from dataclasses import replace
from typing import Any, Protocol

from simulator.aws_clients import own_client
from simulator.config import Settings
from simulator.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from simulator.events.filter_criteria import parse_filter_criteria
from simulator.events.mapping_store import (
    REPORT_BATCH_ITEM_FAILURES,
    EventSourceMapping,
    MappingStore,
)
from simulator.events.sqs import Queue, SqsConnection, SqsPoller
from simulator.events.stream_connection import StreamConnection
from simulator.events.stream_poller import NO_RECORDS, StreamPoller
from simulator.events.stream_records import StreamSource, is_s3_destination, s3_failure_key
from simulator.events.stream_settings import DEFAULT_BATCH_SIZE as DEFAULT_STREAM_BATCH_SIZE
from simulator.events.stream_settings import (
    UNSUPPORTED_DESTINATION,
    check_starting_position,
    check_stream_settings,
    stream_changes,
)
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.validation import Violations, check_range, parse_function_reference
from simulator.invocation.destinations import DestinationSender
from simulator.invocation.invoker import Invoker
from simulator.models import FunctionConfig

log = logging.getLogger(__name__)

MAX_BATCH_SIZE = 10_000
MAX_BATCHING_WINDOW = 300
MIN_CONCURRENCY, MAX_CONCURRENCY = 2, 1000
MAX_LIST_ITEMS = 100  # ListEventSourceMappings answers at most 100, whatever MaxItems says
MAX_ITEMS_PARAMETER = 10_000
POLLER_STOP_SECONDS = 3.0
NOT_FOUND = "The resource you requested does not exist."
# Settings of stream and Kafka sources, which an SQS mapping refuses.
NOT_FOR_SQS = (
    "StartingPosition", "StartingPositionTimestamp", "ParallelizationFactor",
    "BisectBatchOnFunctionError", "MaximumRetryAttempts", "MaximumRecordAgeInSeconds",
    "TumblingWindowInSeconds", "Topics", "Queues",
    "SourceAccessConfigurations", "SelfManagedEventSource", "AmazonManagedKafkaEventSourceConfig",
    "SelfManagedKafkaEventSourceConfig", "DocumentDBEventSourceConfig", "ProvisionedPollerConfig",
)

UNMAPPED_SERVICES = ("kafka", "mq", "rds")  # sources AWS maps and this simulator does not
STREAM_ARN_SERVICES = ("kinesis", "dynamodb")


class Poller(Protocol):
    """What the mappings do with a poller of either kind."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def join(self, deadline: float) -> None: ...
    @property
    def running(self) -> bool: ...


class EventSourceMappings:
    """The mapping operations and the pollers of the enabled mappings."""

    def __init__(self, settings: Settings, functions: FunctionOperations,
                 invoker: Invoker) -> None:
        self._settings = settings
        self._functions = functions
        self._invoker = invoker
        self._store = MappingStore(settings.state_dir / "event_source_mappings.db")
        self._sqs = SqsConnection(settings)
        self._streams = StreamConnection(settings)
        self._destinations = DestinationSender(settings, invoker.submit_event)
        self._pollers: dict[str, Poller] = {}
        self._stopping: list[Poller] = []
        self._last_results: dict[str, str] = {}
        self._stopped_streams: dict[str, StreamPoller] = {}  # each mapping's last, stopped
        self._lock = threading.Lock()
        self._s3: Any = None
        self._s3_lock = threading.Lock()

    def start(self) -> None:
        """Start the pollers of the enabled mappings (those kept from an earlier run)."""
        with self._lock:
            for mapping in self._store.all():
                self._apply(mapping)

    def close(self) -> None:
        """Stop every poller, waiting briefly for batches in flight to settle."""
        with self._lock:
            pollers = [*self._pollers.values(), *self._stopping]
            self._pollers.clear()
            self._stopping.clear()
        for poller in pollers:
            poller.stop()
        deadline = time.monotonic() + POLLER_STOP_SECONDS
        for poller in pollers:
            poller.join(deadline)
        self._store.close()

    # -- operations -----------------------------------------------------------------------

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        arn = body.get("EventSourceArn")
        if isinstance(arn, str) and _service(arn) in STREAM_ARN_SERVICES:
            return self._create_stream_mapping(body, arn)
        _check_settings(body, creating=True)
        queue = _queue(body.get("EventSourceArn"))
        function = self._mapped_function(body["FunctionName"])
        attributes = self._queue_attributes(queue)
        mapping = EventSourceMapping(
            uuid=str(uuid.uuid4()),
            function_name=_mapped_reference(body["FunctionName"], function.name),
            event_source_arn=queue.arn,
            **_changes(body),
        )
        _check_batching(mapping, queue)
        visibility = int(attributes.get("VisibilityTimeout", "30"))
        if visibility < function.timeout:
            raise InvalidParameterValueException(
                f"Queue visibility timeout: {visibility} seconds is less than Function timeout: "
                f"{function.timeout} seconds"
            )
        with self._lock:
            self._check_unique(mapping)
            self._store.put(mapping)
            self._apply(mapping)
        log.info("event source mapping %s: %s → %s", mapping.uuid, queue.arn, function.name)
        return self._describe(mapping, "Creating" if mapping.enabled else "Disabled")

    def _mapped_function(self, reference: str) -> FunctionConfig:
        """The function a new mapping names: AWS answers one that does not exist as a bad
        parameter, once the event source and the settings have passed."""
        try:
            return self._functions.function(reference)
        except ResourceNotFoundException:
            raise InvalidParameterValueException("Function does not exist") from None

    def _create_stream_mapping(self, body: dict[str, Any], arn: str) -> dict[str, Any]:
        check_stream_settings(body, creating=True)
        function = self._mapped_function(body["FunctionName"])
        source = StreamSource.from_arn(arn)
        if source is None or not self._streams.exists(source):
            raise InvalidParameterValueException(f"Stream not found: {arn}")
        timestamp = check_starting_position(body, source)
        mapping = EventSourceMapping(
            uuid=str(uuid.uuid4()),
            function_name=_mapped_reference(body["FunctionName"], function.name),
            event_source_arn=arn,
            starting_position=body["StartingPosition"],
            starting_position_timestamp=timestamp,
            **{"batch_size": DEFAULT_STREAM_BATCH_SIZE, **_changes(body),
               **stream_changes(body)},
        )
        with self._lock:
            self._check_unique(mapping)
            self._store.put(mapping)
            self._apply(mapping)
        log.info("event source mapping %s: %s → %s", mapping.uuid, arn, function.name)
        return self._describe(mapping, "Creating")

    def get(self, key: str) -> dict[str, Any]:
        return self._describe(self._mapping(key))

    def list(self, function_name: str | None, event_source_arn: str | None,
             marker: str | None, max_items: str | None) -> dict[str, Any]:
        limit = _max_items(max_items)
        mappings = self._store.all()
        if function_name:
            name, qualifier = parse_function_reference(function_name)
            wanted = f"{name}:{qualifier}" if qualifier else name
            mappings = [m for m in mappings if m.function_name == wanted
                        or (not qualifier and m.function_name.split(":", 1)[0] == name)]
        if event_source_arn:
            mappings = [m for m in mappings if m.event_source_arn == event_source_arn]
        if marker:
            after = _parse_marker(marker)
            mappings = [m for m in mappings if (m.created, m.uuid) > after]
        page = mappings[:min(limit, MAX_LIST_ITEMS)]
        result: dict[str, Any] = {"EventSourceMappings": [self._describe(m) for m in page]}
        if len(page) < len(mappings):
            result["NextMarker"] = f"{page[-1].created!r}/{page[-1].uuid}"
        return result

    def update(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        existing = self._store.get(key)
        stream = existing is not None and existing.stream is not None
        if stream:
            check_stream_settings(body, creating=False)
        else:
            _check_settings(body, creating=False)
        with self._lock:
            mapping = self._mapping(key)
            changes = _changes(body)
            if stream:
                changes.update(stream_changes(body))
            if body.get("FunctionName"):
                changes["function_name"] = _mapped_reference(
                    body["FunctionName"], self._functions.function(body["FunctionName"]).name)
            updated = replace(mapping, **changes, last_modified=time.time())
            if not stream:
                _check_batching(updated, _queue(updated.event_source_arn))
            self._check_unique(updated)
            self._store.put(updated)
            self._apply(updated)
        if updated.enabled != mapping.enabled:
            return self._describe(updated, "Enabling" if updated.enabled else "Disabling")
        return self._describe(updated, "Updating")

    def delete(self, key: str) -> dict[str, Any]:
        with self._lock:
            mapping = self._mapping(key)
            self._store.remove(key)
            self._stop_poller(key)
            self._stopped_streams.pop(key, None)
            answer = self._describe(mapping, "Deleting")
            self._last_results.pop(key, None)
        log.info("deleted event source mapping %s", key)
        return answer

    # -- helpers --------------------------------------------------------------------------

    def _apply(self, mapping: EventSourceMapping) -> None:
        """Make the poller match the mapping: a fresh one when enabled, none when disabled."""
        self._stop_poller(mapping.uuid)
        if not mapping.enabled:
            return
        poller: Poller
        queue = Queue.from_arn(mapping.event_source_arn)
        source = mapping.stream
        if queue is not None:
            poller = SqsPoller(mapping.poller_config(queue), self._invoker, self._sqs)
        elif source is not None:
            poller = self._stream_poller(mapping, source)
        else:
            return
        self._pollers[mapping.uuid] = poller
        poller.start()

    def _stream_poller(self, mapping: EventSourceMapping, source: StreamSource
                       ) -> StreamPoller:
        key = mapping.uuid
        config = mapping.stream_poller_config(
            source, mapping.function_arn(self._settings.region, self._settings.account_id))
        poller = StreamPoller(
            config, self._invoker, self._streams,
            load_checkpoints=lambda: self._store.checkpoints(key),
            save_checkpoint=lambda shard, number: self._store.save_checkpoint(key, shard, number),
            send_record=lambda destination, record: self._send_failure_record(
                key, destination, record),
            predecessor=self._stopped_streams.pop(key, None))
        poller.last_processing_result = self._last_results.get(key, NO_RECORDS)
        return poller

    def _send_failure_record(self, key: str, destination: str, record: dict[str, Any]
                             ) -> None:
        """A stream mapping's failure record to its OnFailure destination; an S3 bucket gets
        it as an object named after the mapping, shard and time, as AWS names it."""
        if not is_s3_destination(destination):
            self._destinations.send_record(destination, record)
            return
        bucket = destination.split(":")[5]
        with self._s3_lock:
            if self._s3 is None:
                self._s3 = own_client(self._settings, "s3")
        self._s3.put_object(Bucket=bucket, Key=s3_failure_key(key, record, str(uuid.uuid4())),
                            Body=json.dumps(record).encode(), ContentType="application/json")

    def _stop_poller(self, key: str) -> None:
        poller = self._pollers.pop(key, None)
        if isinstance(poller, StreamPoller):
            self._last_results[key] = poller.last_processing_result
            self._stopped_streams[key] = poller
        if poller is not None:
            poller.stop()
            self._stopping = [p for p in self._stopping if p.running]
            self._stopping.append(poller)

    def _mapping(self, key: str) -> EventSourceMapping:
        mapping = self._store.get(key)
        if mapping is None:
            raise ResourceNotFoundException(NOT_FOUND)
        return mapping

    def _check_unique(self, mapping: EventSourceMapping) -> None:
        for other in self._store.all():
            if (other.uuid != mapping.uuid and other.function_name == mapping.function_name
                    and other.event_source_arn == mapping.event_source_arn):
                if mapping.stream is not None:
                    raise ResourceConflictException(
                        f'The event source arn (" {mapping.event_source_arn} ") and function '
                        f'(" {mapping.function_name} ") provided mapping already exists. Please '
                        f"update or delete the existing mapping with UUID {other.uuid}")
                raise ResourceConflictException(
                    f'An event source mapping with SQS arn (" {mapping.event_source_arn} ") and '
                    f'function (" {mapping.function_name} ") already exists. Please update or '
                    f"delete the existing mapping with UUID {other.uuid}"
                )

    def _queue_attributes(self, queue: Queue) -> dict[str, str]:
        attributes = self._sqs.attributes(queue)
        if attributes is None:
            raise InvalidParameterValueException(
                "Error occurred while ReceiveMessage. SQS Error Code: "
                "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified "
                "queue does not exist."
            )
        return attributes

    def _describe(self, mapping: EventSourceMapping, state: str | None = None) -> dict[str, Any]:
        poller = self._pollers.get(mapping.uuid)
        last_result = (poller.last_processing_result if isinstance(poller, StreamPoller)
                       else self._last_results.get(mapping.uuid, NO_RECORDS))
        return mapping.to_api(self._settings.region, self._settings.account_id, state,
                              last_result)


def _check_settings(body: dict[str, Any], creating: bool) -> None:
    """The checks that need nothing but the request, with AWS's wording."""
    v = Violations()
    if creating and not isinstance(body.get("FunctionName"), str):
        v.add(body.get("FunctionName"), "functionName", "Member must not be null")
    if "BatchSize" in body:
        check_range(v, body["BatchSize"], "batchSize", 1, MAX_BATCH_SIZE)
    if "MaximumBatchingWindowInSeconds" in body:
        check_range(v, body["MaximumBatchingWindowInSeconds"], "maximumBatchingWindowInSeconds",
                    0, MAX_BATCHING_WINDOW)
    concurrency = (body.get("ScalingConfig") or {}).get("MaximumConcurrency")
    if concurrency is not None:
        check_range(v, concurrency, "scalingConfig.maximumConcurrency", MIN_CONCURRENCY,
                    MAX_CONCURRENCY)
    types = body.get("FunctionResponseTypes")
    if types is not None and (not isinstance(types, list) or len(types) > 1
                              or any(t != REPORT_BATCH_ITEM_FAILURES for t in types)):
        v.add(types, "functionResponseTypes", "Member must satisfy constraint: [Member must "
              f"satisfy enum value set: [{REPORT_BATCH_ITEM_FAILURES}]]")
    if "Enabled" in body and not isinstance(body["Enabled"], bool):
        v.add(body["Enabled"], "enabled", "Member must be a boolean")
    v.raise_if_any()
    if body.get("DestinationConfig") is not None:
        raise InvalidParameterValueException(UNSUPPORTED_DESTINATION)
    for name in NOT_FOR_SQS:
        if body.get(name) is not None:
            raise InvalidParameterValueException(f"{name} is not valid for SQS event sources.")
    parse_filter_criteria(body.get("FilterCriteria"))


def _changes(body: dict[str, Any]) -> dict[str, Any]:
    """The request's settings as `EventSourceMapping` fields (only those present)."""
    changes: dict[str, Any] = {}
    if body.get("BatchSize") is not None:
        changes["batch_size"] = body["BatchSize"]
    if body.get("MaximumBatchingWindowInSeconds") is not None:
        changes["batching_window_seconds"] = body["MaximumBatchingWindowInSeconds"]
    if body.get("Enabled") is not None:
        changes["enabled"] = body["Enabled"]
    if body.get("FunctionResponseTypes") is not None:
        changes["report_batch_item_failures"] = bool(body["FunctionResponseTypes"])
    if body.get("ScalingConfig") is not None:
        # An empty ScalingConfig removes the limit, as in AWS.
        changes["maximum_concurrency"] = body["ScalingConfig"].get("MaximumConcurrency")
    if body.get("FilterCriteria") is not None:
        # `{}` or no Filters clears them, as in AWS; a request without FilterCriteria keeps them.
        criteria = parse_filter_criteria(body["FilterCriteria"])
        changes["filter_patterns"] = criteria.patterns if criteria else ()
    return changes


def _queue(arn: Any) -> Queue:
    if not isinstance(arn, str) or not arn:
        raise InvalidParameterValueException("Unrecognized event source.")
    queue = Queue.from_arn(arn)
    if queue is not None:
        return queue
    service = _service(arn)
    if service in UNMAPPED_SERVICES:
        raise InvalidParameterValueException(
            f"This simulator maps SQS queues only; {service} event sources are not supported: "
            f"{arn}"
        )
    raise InvalidParameterValueException(
        "Unrecognized event source, must be kinesis, dynamodb stream or sqs. Unsupported source "
        f"arn : {arn}"
    )


def _service(arn: str) -> str:
    return arn.split(":")[2] if arn.count(":") >= 2 else ""


def _check_batching(mapping: EventSourceMapping, queue: Queue) -> None:
    if queue.fifo and mapping.batching_window_seconds > 0:
        raise InvalidParameterValueException("Batching window is not supported for FIFO queues.")
    if mapping.batch_size > 10 and mapping.batching_window_seconds < 1:
        raise InvalidParameterValueException(
            "Maximum batch window in seconds must be greater than 0 if maximum batch size is "
            "greater than 10"
        )


def _max_items(raw: str | None) -> int:
    if raw is None:
        return MAX_LIST_ITEMS
    v = Violations()
    try:
        value: Any = int(raw)
    except ValueError:
        value = raw
    check_range(v, value, "maxItems", 1, MAX_ITEMS_PARAMETER)
    v.raise_if_any()
    return int(value)


def _parse_marker(marker: str) -> tuple[float, str]:
    created, _, key = marker.partition("/")
    try:
        return float(created), key
    except ValueError:
        raise InvalidParameterValueException(f"Invalid marker: {marker}") from None


def _mapped_reference(reference: str, name: str) -> str:
    """What a mapping invokes: the function, or the version or alias the reference names
    (AWS keeps the qualifier in the mapping's FunctionArn and invokes through it)."""
    _, qualifier = parse_function_reference(reference)
    return f"{name}:{qualifier}" if qualifier else name
