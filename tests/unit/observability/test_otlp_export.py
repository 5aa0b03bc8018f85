"""X-Ray segment documents as OpenTelemetry spans: ids, parents, times, kinds, the semantic
conventions' attributes and status, read back from the SDK's in-memory exporter; then one
Lambda-shaped trace over real OTLP/HTTP to a collector started here."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from opentelemetry.proto.trace.v1.trace_pb2 import Span as ProtoSpan
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from simulator.observability.otlp_export import (
    PARENT_WAIT_SECONDS,
    WAITING_LIMIT,
    OtlpSpanExport,
)
from tests.otlp_collector import Collector, values

REGION, ACCOUNT = "eu-west-1", "123456789012"
TRACE = "1-65a1b2c3-0123456789abcdef01234567"
TRACE_INT = 0x65A1B2C30123456789ABCDEF01234567
UPSTREAM, SERVICE, FUNCTION = "aaaaaaaaaaaaaaaa", "1111111111111111", "2222222222222222"
INITIALIZATION, INVOCATION, OVERHEAD = "3333333333333333", "4444444444444444", "5555555555555555"
SEND = "6666666666666666"
ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"
REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e812345678"
T0 = 1705095875.123456


def service_segment(**changes: Any) -> dict[str, Any]:
    return {"id": SERVICE, "trace_id": TRACE, "name": "orders", "origin": "AWS::Lambda",
            "start_time": T0, "end_time": T0 + 0.5, "resource_arn": ARN,
            "aws": {"request_id": REQUEST_ID, "account_id": ACCOUNT},
            "http": {"response": {"status": 200}}, **changes}


def function_segment(cold: bool = True, **aws: Any) -> dict[str, Any]:
    subsegments = [
        {"id": INVOCATION, "name": "Invocation", "start_time": T0 + 0.2, "end_time": T0 + 0.4},
        {"id": OVERHEAD, "name": "Overhead", "start_time": T0 + 0.4, "end_time": T0 + 0.45},
    ]
    if cold:
        subsegments.insert(0, {"id": INITIALIZATION, "name": "Initialization",
                               "start_time": T0 + 0.01, "end_time": T0 + 0.2})
    return {"id": FUNCTION, "trace_id": TRACE, "name": "orders", "parent_id": SERVICE,
            "origin": "AWS::Lambda::Function", "start_time": T0 + 0.01, "end_time": T0 + 0.45,
            "resource_arn": ARN,
            "aws": {"function_arn": ARN, "resource_names": ["orders"], "account_id": ACCOUNT,
                    **aws},
            "subsegments": subsegments}


def send_message(**changes: Any) -> dict[str, Any]:
    """What the function's X-Ray SDK sends on its own for an SQS SendMessage."""
    return {"type": "subsegment", "id": SEND, "trace_id": TRACE, "parent_id": FUNCTION,
            "name": "SQS", "namespace": "aws", "start_time": T0 + 0.25, "end_time": T0 + 0.3,
            "aws": {"operation": "SendMessage", "region": "us-east-1",
                    "request_id": "a1b2c3d4-0000-4000-8000-000000000000",
                    "queue_url": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/jobs"},
            "http": {"response": {"status": 200}}, **changes}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Exported:
    memory: InMemorySpanExporter = field(default_factory=InMemorySpanExporter)
    clock: Clock = field(default_factory=Clock)
    export: OtlpSpanExport = field(init=False)

    def __post_init__(self) -> None:
        self.export = OtlpSpanExport(self.memory, REGION, ACCOUNT, clock=self.clock)

    def send(self, *documents: dict[str, Any]) -> None:
        for document in documents:
            self.export.export_segment(document)

    def spans(self) -> dict[str, ReadableSpan]:
        """By span id; what is queued is flushed first (`close`)."""
        self.export.close()
        return {f"{span.context.span_id:016x}": span
                for span in self.memory.get_finished_spans() if span.context is not None}


@pytest.fixture
def exported() -> Iterator[Exported]:
    exported = Exported()
    yield exported
    exported.export.close()


def lambda_trace(exported: Exported) -> dict[str, ReadableSpan]:
    """In the order they come: the SDK's subsegment during the invocation, Lambda's two
    segments when it ends."""
    exported.send(send_message(), service_segment(), function_segment())
    return exported.spans()


def test_ids_are_x_rays_and_each_span_hangs_under_its_parent(exported: Exported) -> None:
    spans = lambda_trace(exported)
    assert set(spans) == {SERVICE, FUNCTION, INITIALIZATION, INVOCATION, OVERHEAD, SEND}
    assert {span.context.trace_id for span in spans.values()
            if span.context is not None} == {TRACE_INT}
    assert spans[SERVICE].parent is None
    parents = {span_id: span.parent for span_id, span in spans.items() if span.parent}
    assert {span_id: f"{parent.span_id:016x}" for span_id, parent in parents.items()} == {
        FUNCTION: SERVICE, INITIALIZATION: FUNCTION, INVOCATION: FUNCTION, OVERHEAD: FUNCTION,
        SEND: FUNCTION}
    # Another document's segment is a remote parent; the one a subsegment is nested in, not.
    assert parents[FUNCTION].is_remote and parents[SEND].is_remote
    assert not parents[INVOCATION].is_remote
    assert all(parent.trace_id == TRACE_INT for parent in parents.values())
    assert all(span.context is not None and span.context.trace_flags.sampled
               for span in spans.values())


def test_an_upstream_caller_is_the_service_segments_parent(exported: Exported) -> None:
    exported.send(service_segment(parent_id=UPSTREAM))
    parent = exported.spans()[SERVICE].parent
    assert parent is not None and f"{parent.span_id:016x}" == UPSTREAM and parent.is_remote


def test_times_are_nanoseconds_to_the_microsecond(exported: Exported) -> None:
    spans = lambda_trace(exported)
    assert spans[SERVICE].start_time == 1705095875_123456_000
    assert spans[SERVICE].end_time == 1705095875_623456_000
    assert spans[OVERHEAD].start_time == 1705095875_523456_000


def test_kinds_and_names(exported: Exported) -> None:
    exported.send({"type": "subsegment", "id": "7777777777777777", "trace_id": TRACE,
                   "parent_id": INVOCATION, "name": "api.example.com", "namespace": "remote",
                   "start_time": T0, "end_time": T0 + 0.1})
    spans = lambda_trace(exported)
    assert {span_id: (span.name, span.kind) for span_id, span in spans.items()} == {
        SERVICE: ("orders", SpanKind.SERVER),
        FUNCTION: ("orders", SpanKind.SERVER),
        INITIALIZATION: ("Initialization", SpanKind.INTERNAL),
        INVOCATION: ("Invocation", SpanKind.INTERNAL),
        OVERHEAD: ("Overhead", SpanKind.INTERNAL),
        SEND: ("SQS.SendMessage", SpanKind.CLIENT),  # the AWS SDK convention's name
        "7777777777777777": ("api.example.com", SpanKind.CLIENT),
    }


def test_the_function_segment_is_a_faas_server_span(exported: Exported) -> None:
    spans = lambda_trace(exported)
    function = spans[FUNCTION]
    assert function.attributes == {
        "faas.invocation_id": REQUEST_ID,  # the service segment's request
        "faas.trigger": "other",
        "faas.coldstart": True,
        "cloud.resource_id": ARN,
        "cloud.account.id": ACCOUNT,
        "aws.lambda.invoked_arn": ARN,
    }
    resource = dict(function.resource.attributes)
    from_the_sdk = ("telemetry.", "service.instance.id")  # the simulator process's
    assert {key: resource[key] for key in resource if not key.startswith(from_the_sdk)} == {
        "service.name": "orders",
        "cloud.provider": "aws",
        "cloud.platform": "aws_lambda",
        "cloud.region": "us-east-1",  # the ARN's, over the simulator's
        "cloud.account.id": ACCOUNT,
        "cloud.resource_id": ARN,
        "faas.name": "orders",
        "faas.version": "$LATEST",
    }
    assert resource["telemetry.sdk.language"] == "python"
    assert resource["telemetry.sdk.name"] == "opentelemetry"
    # The nested subsegments are the function's too.
    assert spans[INVOCATION].resource == function.resource


def test_the_service_segment_is_the_lambda_service_taking_the_request(
        exported: Exported) -> None:
    spans = lambda_trace(exported)
    service = spans[SERVICE]
    assert service.attributes == {
        "faas.invocation_id": REQUEST_ID, "aws.request_id": REQUEST_ID,
        "aws.lambda.invoked_arn": ARN, "http.response.status_code": 200}
    assert service.status.status_code is StatusCode.UNSET
    resource = service.resource.attributes
    assert resource["service.name"] == "orders"
    assert resource["cloud.platform"] == "aws_lambda"
    assert "faas.name" not in resource


def test_what_the_function_segment_says_of_trigger_memory_and_version(
        exported: Exported) -> None:
    alias = f"{ARN}:live"
    document = function_segment(cold=False, trigger="pubsub", memory_size=256,
                                function_version="3", request_id=REQUEST_ID)
    document["aws"]["function_arn"] = alias
    exported.send(document)
    function = exported.spans()[FUNCTION]
    assert function.attributes is not None
    assert function.attributes["faas.trigger"] == "pubsub"
    assert function.attributes["faas.coldstart"] is False
    assert function.attributes["faas.invocation_id"] == REQUEST_ID
    # The invoked ARN names the alias; the resource id names the version that ran.
    assert function.attributes["aws.lambda.invoked_arn"] == alias
    assert function.attributes["cloud.resource_id"] == f"{ARN}:3"
    resource = function.resource.attributes
    assert resource["faas.version"] == "3"
    assert resource["faas.max_memory"] == 256 * 1024 * 1024


def test_an_alias_with_no_version_named_is_the_functions_arn(exported: Exported) -> None:
    document = function_segment(trigger="carrier-pigeon")
    document["aws"]["function_arn"] = f"{ARN}:live"
    exported.send(document)
    function = exported.spans()[FUNCTION]
    assert function.attributes is not None
    assert function.attributes["cloud.resource_id"] == ARN
    assert function.attributes["faas.trigger"] == "other"
    assert "faas.version" not in function.resource.attributes


def test_an_aws_sdk_call_follows_the_aws_sdk_conventions(exported: Exported) -> None:
    send = lambda_trace(exported)[SEND]
    assert send.attributes == {
        "rpc.system": "aws-api", "rpc.service": "SQS", "rpc.method": "SendMessage",
        "aws.request_id": "a1b2c3d4-0000-4000-8000-000000000000",
        "cloud.region": "us-east-1",
        "aws.sqs.queue.url": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/jobs",
        "http.response.status_code": 200,
    }


def test_a_lambda_invoke_is_also_an_outgoing_faas_call(exported: Exported) -> None:
    exported.send(send_message(name="Lambda", aws={
        "operation": "Invoke", "region": "us-east-1",
        "function_name": f"{ARN}:live"}))
    attributes = exported.spans()[SEND].attributes
    assert attributes is not None
    assert (attributes["faas.invoked_name"], attributes["faas.invoked_provider"],
            attributes["faas.invoked_region"]) == ("orders", "aws", "us-east-1")


def test_a_remote_call_has_the_http_client_attributes(exported: Exported) -> None:
    exported.send(send_message(namespace="remote", name="api.example.com", aws={}, http={
        "request": {"method": "POST", "url": "https://api.example.com/orders?x=1"},
        "response": {"status": 201}}))
    assert exported.spans()[SEND].attributes == {
        "http.request.method": "POST", "url.full": "https://api.example.com/orders?x=1",
        "http.response.status_code": 201}


def test_an_incoming_request_has_the_http_server_attributes(exported: Exported) -> None:
    exported.send({"id": SERVICE, "trace_id": TRACE, "name": "web", "start_time": T0,
                   "end_time": T0 + 1, "http": {
                       "request": {"method": "GET", "url": "https://example.com/a/b?c=d",
                                   "user_agent": "curl/8", "client_ip": "10.0.0.1"},
                       "response": {"status": 200}}})
    span = exported.spans()[SERVICE]
    assert span.attributes == {
        "http.request.method": "GET", "user_agent.original": "curl/8",
        "client.address": "10.0.0.1", "url.scheme": "https", "url.path": "/a/b",
        "url.query": "c=d", "http.response.status_code": 200}
    # Not Lambda's: only the service name.
    assert not any(key.startswith(("cloud.", "faas.")) for key in span.resource.attributes)


def test_annotations_become_attributes(exported: Exported) -> None:
    exported.send(send_message(annotations={"customer": "c-42", "retries": 2, "vip": True,
                                            "ratio": 0.5}))
    attributes = exported.spans()[SEND].attributes
    assert attributes is not None
    assert {key: attributes[key] for key in ("customer", "retries", "vip", "ratio")} == {
        "customer": "c-42", "retries": 2, "vip": True, "ratio": 0.5}


def test_a_function_error_is_an_error_status_with_the_exceptions_message(
        exported: Exported) -> None:
    document = function_segment()
    document.update(error=True, cause={"working_directory": "/var/task", "exceptions": [
        {"id": "8888888888888888", "message": "no such order", "type": "KeyError"}]})
    exported.send(document)
    function = exported.spans()[FUNCTION]
    assert function.status.status_code is StatusCode.ERROR
    assert function.status.description == "no such order"
    assert function.attributes is not None and function.attributes["error.type"] == "KeyError"


def test_a_throttle_is_an_error_typed_by_its_http_status(exported: Exported) -> None:
    exported.send(service_segment(throttle=True, error=True,
                                  http={"response": {"status": 429}}))
    service = exported.spans()[SERVICE]
    assert service.status.status_code is StatusCode.ERROR
    assert service.status.description is None
    assert service.attributes is not None and service.attributes["error.type"] == "429"


def test_a_fault_without_a_cause_is_an_error_of_no_known_type(exported: Exported) -> None:
    exported.send(send_message(fault=True, http={}))
    send = exported.spans()[SEND]
    assert send.status.status_code is StatusCode.ERROR
    assert send.attributes is not None and send.attributes["error.type"] == "_OTHER"


def test_an_sdk_subsegment_waits_for_its_function_segment_to_take_its_resource(
        exported: Exported) -> None:
    spans = lambda_trace(exported)
    assert spans[SEND].resource == spans[FUNCTION].resource
    assert spans[SEND].resource.attributes["faas.name"] == "orders"


def test_a_subsegment_under_a_known_subsegment_takes_its_segments_resource(
        exported: Exported) -> None:
    exported.send(service_segment(), function_segment(), send_message(parent_id=INVOCATION))
    spans = exported.spans()
    assert spans[SEND].resource == spans[FUNCTION].resource


def test_a_chain_of_waiting_subsegments_goes_when_its_root_comes(exported: Exported) -> None:
    child = "9999999999999999"
    exported.send(send_message(id=child, parent_id=SEND, name="inner"), send_message(),
                  service_segment(), function_segment())
    spans = exported.spans()
    assert spans[child].resource == spans[SEND].resource == spans[FUNCTION].resource


def test_past_the_waiting_limit_the_oldest_goes_alone(exported: Exported) -> None:
    orphans = [f"{number:016x}" for number in range(WAITING_LIMIT + 1)]
    exported.send(*(send_message(id=orphan) for orphan in orphans), function_segment())
    spans = exported.spans()
    assert spans[orphans[0]].resource.attributes["service.name"] == "SQS"
    assert spans[orphans[1]].resource == spans[orphans[-1]].resource == spans[FUNCTION].resource


def test_a_subsegment_whose_parent_is_late_past_lambdas_longest_timeout_goes_alone(
        exported: Exported) -> None:
    exported.send(send_message())
    exported.clock.now += PARENT_WAIT_SECONDS + 1
    exported.send(service_segment(), function_segment())
    spans = exported.spans()
    assert spans[SEND].resource.attributes["service.name"] == "SQS"  # its own name
    assert "faas.name" not in spans[SEND].resource.attributes


def test_close_sends_the_subsegments_still_waiting(exported: Exported) -> None:
    exported.send(send_message())
    assert set(exported.spans()) == {SEND}


@pytest.mark.parametrize("broken", [
    {"trace_id": "1-65a1b2c3-short"},
    {"id": "not-hex"},
    {"start_time": "yesterday"},
    {"name": ""},
])
def test_a_document_that_is_not_a_segment_is_dropped(exported: Exported,
                                                     broken: dict[str, Any],
                                                     caplog: pytest.LogCaptureFixture) -> None:
    exported.send({**service_segment(), **broken}, function_segment())
    assert set(exported.spans()) == {FUNCTION, INITIALIZATION, INVOCATION, OVERHEAD}
    assert "not a valid segment document" in caplog.text


def test_an_in_progress_segment_waits_for_its_complete_version(exported: Exported) -> None:
    in_progress = service_segment(in_progress=True)
    del in_progress["end_time"]
    exported.send(in_progress)
    assert exported.spans() == {}


def test_documents_from_many_threads_all_arrive(exported: Exported) -> None:
    def send(thread: int) -> None:
        for number in range(50):
            exported.send(service_segment(id=f"{thread:08x}{number:08x}"))

    threads = [threading.Thread(target=send, args=(thread,)) for thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(exported.spans()) == 8 * 50


class HungCollector(SpanExporter):
    def __init__(self) -> None:
        self.answer = threading.Event()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.answer.wait()
        return SpanExportResult.SUCCESS


def test_a_hung_collector_never_holds_up_the_caller() -> None:
    collector = HungCollector()
    export = OtlpSpanExport(collector, REGION, ACCOUNT)
    # Past the batch size (so the exporter is busy) and the queue (so some are dropped).
    documents = [service_segment(id=f"{number:016x}") for number in range(3000)]
    sender = threading.Thread(target=lambda: [export.export_segment(document)
                                              for document in documents])
    sender.start()
    sender.join(timeout=10)
    assert not sender.is_alive()
    collector.answer.set()
    export.close()


def test_a_lambda_trace_reaches_an_otlp_collector(otlp_collector: Collector) -> None:
    collector = otlp_collector
    export = OtlpSpanExport.to_collector(collector.url, REGION, ACCOUNT)
    export.export_segment(send_message())
    export.export_segment(service_segment())
    export.export_segment(function_segment())
    export.close()  # flushes: nothing is left in the queue

    assert set(collector.paths) == {"/v1/traces"}
    assert set(collector.content_types) == {"application/x-protobuf"}
    spans = collector.spans()
    assert set(spans) == {SERVICE, FUNCTION, INITIALIZATION, INVOCATION, OVERHEAD, SEND}
    assert {span.trace_id.hex() for span, _ in spans.values()} == {
        "65a1b2c30123456789abcdef01234567"}
    assert {span_id: span.parent_span_id.hex() for span_id, (span, _) in spans.items()} == {
        SERVICE: "", FUNCTION: SERVICE, INITIALIZATION: FUNCTION, INVOCATION: FUNCTION,
        OVERHEAD: FUNCTION, SEND: FUNCTION}

    function, function_resource = spans[FUNCTION]
    assert function.kind == ProtoSpan.SPAN_KIND_SERVER
    assert function.start_time_unix_nano == 1705095875_133456_000
    assert values(function.attributes) == {
        "faas.invocation_id": REQUEST_ID, "faas.trigger": "other", "faas.coldstart": True,
        "cloud.resource_id": ARN, "cloud.account.id": ACCOUNT, "aws.lambda.invoked_arn": ARN}
    assert function_resource["service.name"] == "orders"
    assert function_resource["faas.name"] == "orders"
    assert function_resource["cloud.platform"] == "aws_lambda"
    assert function_resource["telemetry.sdk.language"] == "python"

    send, send_resource = spans[SEND]
    assert send.name == "SQS.SendMessage"
    assert send.kind == ProtoSpan.SPAN_KIND_CLIENT
    assert values(send.attributes)["rpc.method"] == "SendMessage"
    assert send_resource == function_resource
    assert spans[INITIALIZATION][0].kind == ProtoSpan.SPAN_KIND_INTERNAL
