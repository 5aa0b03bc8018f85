"""The durable-execution operations on the wire: routes with the ARN encoded in one path
segment, AWS's JSON, and errors the SDKs can read the code of."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from simulator.durable.executions import DurableExecutions
from simulator.durable.operations import DurableOperations
from simulator.errors import UnknownRouteError
from tests.helpers import eventually
from tests.unit.durable.conftest import Handler, pending, succeed


def test_get_durable_execution_reads_an_execution_by_its_encoded_arn(
        service: DurableExecutions, handler: Handler) -> None:
    handler.answers = [succeed({"n": 1})]
    arn = service.start(handler.functions["orders"], b"{}", "by-arn")
    assert eventually(lambda: service.outcome(arn)["Status"] == "SUCCEEDED")

    status, headers, body = DurableOperations(service.executor).answer(
        "GET", f"/2025-12-01/durable-executions/{quote(arn, safe='')}", "", {}, b"")

    assert status == 200
    answer = json.loads(body)
    assert answer["DurableExecutionArn"] == arn and answer["DurableExecutionName"] == "by-arn"
    assert json.loads(answer["Result"]) == {"n": 1}


def test_an_execution_is_listed_under_its_function(service: DurableExecutions,
                                                   handler: Handler) -> None:
    handler.answers = [pending()]
    arn = service.start(handler.functions["orders"], b"{}", None)

    status, _, body = DurableOperations(service.executor).answer(
        "GET", "/2025-12-01/functions/orders/durable-executions", "", {}, b"")

    assert status == 200
    assert [e["DurableExecutionArn"] for e in json.loads(body)["DurableExecutions"]] == [arn]


def test_an_unknown_execution_is_an_error_shaped_as_every_lambda_error(
        service: DurableExecutions) -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST/durable-execution/a/b"

    status, headers, body = DurableOperations(service.executor).answer(
        "GET", f"/2025-12-01/durable-executions/{quote(arn, safe='')}", "", {}, b"")

    assert status == 404
    assert ("x-amzn-ErrorType", "ResourceNotFoundException") in headers
    assert json.loads(body) == {"Type": "User", "Message": "Durable Execution does not exist",
                                "__type": "ResourceNotFoundException"}


def test_a_path_that_is_no_operation_is_an_unknown_route(service: DurableExecutions) -> None:
    with pytest.raises(UnknownRouteError):
        DurableOperations(service.executor).answer("GET", "/2025-12-01/nothing", "", {}, b"")
