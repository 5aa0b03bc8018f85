"""The embedded services' JSON answers, brought to the shape AWS gives them where moto's
differ in ways a client can see: a DynamoDB table just created or updated is still CREATING
or UPDATING (moto's are ACTIVE at once), a table has a TableId, a description lists no empty
index lists, and an SQS batch where nothing failed has no `Failed` member.

It wraps moto's app and rewrites only the answers of the operations below, so moto's state
(and the saved state that replays it) stays as moto keeps it. A TableId is derived from the
table's ARN and creation time: the same table keeps it, after a restart too, and a table
created again under the same name gets a new one, as on AWS."""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from simulator.models import WSGIApp

Answer = dict[str, Any]

DYNAMODB_TARGET = "DynamoDB_20120810."
SQS_TARGET = "AmazonSQS."
TABLE_ID_NAMESPACE = uuid.UUID("5f0c3a52-8d9e-4c27-9a51-0b6f3e7d2c14")
INDEX_LISTS = ("LocalSecondaryIndexes", "GlobalSecondaryIndexes")


def table_id(table_arn: str, created: Any) -> str:
    """A table's TableId: a UUID that stays the same for one table (name and creation)."""
    return str(uuid.uuid5(TABLE_ID_NAMESPACE, f"{table_arn} {created}"))


def described_table(table: Answer) -> None:
    """What every answer describing a table has on AWS: its TableId, no empty index lists,
    and, for an on-demand table, since when it is on demand."""
    if "TableArn" in table:
        table.setdefault("TableId", table_id(table["TableArn"], table.get("CreationDateTime")))
    for name in INDEX_LISTS:
        if table.get(name) == []:
            del table[name]
    billing = table.get("BillingModeSummary")
    if isinstance(billing, dict) and billing.get("BillingMode") == "PAY_PER_REQUEST" and \
            "CreationDateTime" in table:
        billing.setdefault("LastUpdateToPayPerRequestDateTime", table["CreationDateTime"])


def create_table_answer(answer: Answer) -> None:
    """AWS answers while the table is being created: no warm throughput and no billing
    history yet (both come when it is ACTIVE)."""
    table = answer.get("TableDescription", {})
    described_table(table)
    table["TableStatus"] = "CREATING"
    table.pop("WarmThroughput", None)
    billing = table.get("BillingModeSummary")
    if isinstance(billing, dict):
        billing.pop("LastUpdateToPayPerRequestDateTime", None)


def update_table_answer(answer: Answer) -> None:
    table = answer.get("TableDescription", {})
    described_table(table)
    table["TableStatus"] = "UPDATING"


def delete_table_answer(answer: Answer) -> None:
    table = answer.get("TableDescription", {})
    described_table(table)
    table["TableStatus"] = "DELETING"


def describe_table_answer(answer: Answer) -> None:
    described_table(answer.get("Table", {}))


def batch_answer(answer: Answer) -> None:
    """AWS leaves `Failed` out of a batch's answer when no entry failed."""
    if answer.get("Failed") == []:
        del answer["Failed"]


ANSWER_SHAPES: dict[str, Callable[[Answer], None]] = {
    DYNAMODB_TARGET + "CreateTable": create_table_answer,
    DYNAMODB_TARGET + "UpdateTable": update_table_answer,
    DYNAMODB_TARGET + "DeleteTable": delete_table_answer,
    DYNAMODB_TARGET + "DescribeTable": describe_table_answer,
    SQS_TARGET + "SendMessageBatch": batch_answer,
    SQS_TARGET + "DeleteMessageBatch": batch_answer,
    SQS_TARGET + "ChangeMessageVisibilityBatch": batch_answer,
}


def reshaped(body: bytes, shape: Callable[[Answer], None]) -> bytes | None:
    """The answer in AWS's shape, or None to leave it as it is (not a JSON object)."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if not isinstance(answer, dict):
        return None
    shape(answer)
    return json.dumps(answer).encode()


class EmbeddedAnswers:
    """WSGI middleware around moto's app: the answers of `ANSWER_SHAPES`' operations (known
    by their X-Amz-Target) that succeeded are read whole and rewritten; the rest pass
    untouched and unbuffered."""

    def __init__(self, app: WSGIApp) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        shape = ANSWER_SHAPES.get(str(environ.get("HTTP_X_AMZ_TARGET", "")))
        if shape is None:
            return self._app(environ, start_response)
        started: list[tuple[str, list[tuple[str, str]], Any]] = []

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started.append((status, headers, exc_info))
            return lambda data: None  # moto answers through the iterable, never `write`

        answer = self._app(environ, hold)
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        status, headers, exc_info = started[-1]
        if status.startswith("200"):
            body = reshaped(body, shape) or body
            headers = with_body_headers(headers, body)
        start_response(status, headers, exc_info)
        return [body]


def with_body_headers(headers: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    """The headers that describe the body (its length, DynamoDB's CRC32), made to fit it."""
    fitted: list[tuple[str, str]] = []
    for name, value in headers:
        if name.lower() == "content-length":
            value = str(len(body))
        elif name.lower() == "x-amz-crc32":
            value = str(zlib.crc32(body) & 0xFFFFFFFF)
        fitted.append((name, value))
    return fitted
