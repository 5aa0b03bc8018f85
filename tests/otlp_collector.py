"""An OTLP/HTTP collector for tests: a real HTTP server on loopback that decodes each
export request the OpenTelemetry SDK's exporter sends."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span as ProtoSpan


@dataclass
class Collector:
    """An OTLP/HTTP collector: what each POST to /v1/traces carried."""

    url: str
    requests: list[ExportTraceServiceRequest]
    paths: list[str]
    content_types: list[str]

    def spans(self) -> dict[str, tuple[ProtoSpan, dict[str, Any]]]:
        """Each span by its id, with its resource's attributes."""
        return {span.span_id.hex(): (span, values(resource_spans.resource.attributes))
                for request in self.requests
                for resource_spans in request.resource_spans
                for scope_spans in resource_spans.scope_spans
                for span in scope_spans.spans}


def values(attributes: Sequence[KeyValue]) -> dict[str, Any]:
    return {attribute.key: getattr(attribute.value, attribute.value.WhichOneof("value"))
            for attribute in attributes}


@pytest.fixture
def otlp_collector() -> Iterator[Collector]:
    received = Collector("", [], [], [])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            received.requests.append(request)
            received.paths.append(self.path)
            received.content_types.append(self.headers.get("Content-Type", ""))
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    received.url = f"http://127.0.0.1:{server.server_address[1]}/v1/traces"
    yield received
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
