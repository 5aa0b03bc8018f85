"""Traces also leave as OpenTelemetry spans: a simulator started with an OTLP endpoint sends
each traced invocation to a real OTLP/HTTP collector, with the FaaS conventions' attributes;
without the endpoint, `serve` asks for nothing more."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import create_function, eventually, lambda_client, running_server
from tests.otlp_collector import Collector, values


def test_a_traced_invocation_reaches_the_collector_as_faas_spans(
        tmp_path: Path, otlp_collector: Collector) -> None:
    with running_server(tmp_path, "process", otlp_endpoint=otlp_collector.url) as server:
        client = lambda_client(server.url)
        name = create_function(client, "def handler(event, context):\n    return 1\n",
                               TracingConfig={"Mode": "Active"})
        response = client.invoke(FunctionName=name, Payload=json.dumps({}).encode())
        request_id = response["ResponseMetadata"]["RequestId"]

        def function_span_sent() -> bool:
            return any(values(span.attributes).get("faas.coldstart") is not None
                       for span, _ in otlp_collector.spans().values())

        assert eventually(function_span_sent, timeout=15)

    spans = otlp_collector.spans()
    [(function, resource)] = [(span, resource) for span, resource in spans.values()
                              if "faas.coldstart" in values(span.attributes)]
    attributes = values(function.attributes)
    assert attributes["faas.invocation_id"] == request_id
    assert attributes["faas.coldstart"] is True
    assert resource["faas.name"] == name and resource["cloud.provider"] == "aws"
    assert resource["cloud.platform"] == "aws_lambda"
    children = {span.name for span, _ in spans.values()
                if span.parent_span_id == function.span_id}
    assert children == {"Initialization", "Invocation", "Overhead"}
    assert {span.trace_id for span, _ in spans.values()} == {function.trace_id}
