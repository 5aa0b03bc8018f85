"""What the embedded services hold, for the dashboard's read-only resource view: buckets and
their objects, queues and their message counts, tables and their items, streams and their
shards. Read through the services' own APIs, as any client would, a few of each: the view is
a glance, never a dump of a large store."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

MOST_RESOURCES = 50  # of each kind
MOST_ENTRIES = 20  # objects of a bucket, items of a table

Client = Callable[[str], Any]  # a service's name → a boto3 client of the simulator's own


def resources(client: Client) -> dict[str, Any]:
    """Each kind, or for a service that could not be read, why (`error`)."""
    view: dict[str, Any] = {}
    for kind, read in (("buckets", _buckets), ("queues", _queues), ("tables", _tables),
                       ("streams", _streams)):
        try:
            view[kind] = read(client)
        except Exception as error:  # one service out of reach leaves the others' view whole
            log.debug("resource view: %s not read: %s", kind, error)
            view[kind] = {"error": str(error)}
    return view


def _buckets(client: Client) -> list[dict[str, Any]]:
    s3 = client("s3")
    buckets = []
    for bucket in s3.list_buckets().get("Buckets", [])[:MOST_RESOURCES]:
        listed = s3.list_objects_v2(Bucket=bucket["Name"], MaxKeys=MOST_ENTRIES)
        buckets.append({
            "name": bucket["Name"],
            "objects": [{"key": o["Key"], "size": o["Size"]} for o in listed.get("Contents", [])],
            "more": bool(listed.get("IsTruncated")),
        })
    return buckets


def _queues(client: Client) -> list[dict[str, Any]]:
    sqs = client("sqs")
    queues = []
    for url in sqs.list_queues(MaxResults=MOST_RESOURCES).get("QueueUrls", []):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed"])["Attributes"]
        queues.append({
            "name": url.rsplit("/", 1)[-1],
            "visible": int(attributes.get("ApproximateNumberOfMessages", 0)),
            "inFlight": int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
            "delayed": int(attributes.get("ApproximateNumberOfMessagesDelayed", 0)),
        })
    return queues


def _tables(client: Client) -> list[dict[str, Any]]:
    dynamodb = client("dynamodb")
    tables = []
    for name in dynamodb.list_tables(Limit=MOST_RESOURCES).get("TableNames", []):
        described = dynamodb.describe_table(TableName=name)["Table"]
        scanned = dynamodb.scan(TableName=name, Limit=MOST_ENTRIES)
        tables.append({
            "name": name,
            "itemCount": described.get("ItemCount", 0),
            "stream": (described.get("StreamSpecification") or {}).get("StreamViewType"),
            "items": scanned.get("Items", []),
            "more": "LastEvaluatedKey" in scanned,
        })
    return tables


def _streams(client: Client) -> list[dict[str, Any]]:
    kinesis = client("kinesis")
    streams = []
    for name in kinesis.list_streams(Limit=MOST_RESOURCES).get("StreamNames", []):
        summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        streams.append({"name": name, "status": summary.get("StreamStatus"),
                        "shards": summary.get("OpenShardCount", 0)})
    return streams
