"""Event JSON as AWS sends it to functions, for the sources moto only half-describes."""

from __future__ import annotations

import base64
import itertools
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus, unquote_plus

PRINCIPAL_ID = "AWS:AIDAJDPLRKLG7UEXAMPLE"
_sequencer = itertools.count(int(time.time() * 1000) << 16)


def utc_now_iso(milliseconds: bool = True) -> str:
    now = datetime.now(tz=UTC)
    if milliseconds:
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def s3_event_from_moto(event: dict[str, Any]) -> dict[str, Any]:
    """moto's S3 record (name, key, size, eTag) completed with what AWS also sends:
    identities, request/response elements, the bucket owner and a sequencer; the key encoded
    as AWS encodes it (form encoding, but `/` kept)."""
    for record in event.get("Records", []):
        record["eventTime"] = utc_now_iso()
        record["userIdentity"] = {"principalId": PRINCIPAL_ID}
        record["requestParameters"] = {"sourceIPAddress": "127.0.0.1"}
        record["responseElements"] = {
            "x-amz-request-id": uuid.uuid4().hex[:16].upper(),
            "x-amz-id-2": base64.b64encode(uuid.uuid4().bytes * 2).decode(),
        }
        s3 = record["s3"]
        s3["bucket"]["ownerIdentity"] = {"principalId": PRINCIPAL_ID.removeprefix("AWS:")}
        s3["object"]["sequencer"] = f"{next(_sequencer):016X}"
        s3["object"]["key"] = quote_plus(unquote_plus(s3["object"]["key"]), safe="/")
    return event


def sns_event(subscription_arn: str, topic_arn: str, message: str, message_id: str,
              subject: str | None, attributes: dict[str, Any]) -> dict[str, Any]:
    region = topic_arn.split(":")[3]
    return {"Records": [{
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription_arn,
        "Sns": {
            "Type": "Notification",
            "MessageId": message_id,
            "TopicArn": topic_arn,
            "Subject": subject,
            "Message": message,
            "Timestamp": utc_now_iso(),
            "SignatureVersion": "1",
            "Signature": base64.b64encode(uuid.uuid4().bytes * 8).decode(),
            "SigningCertUrl": f"https://sns.{region}.amazonaws.com/"
                              "SimpleNotificationService-0000000000000000000000.pem",
            "UnsubscribeUrl": f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe"
                              f"&SubscriptionArn={subscription_arn}",
            "MessageAttributes": {
                name: _sns_attribute(value) for name, value in attributes.items()
            },
        },
    }]}


def _sns_attribute(value: dict[str, Any]) -> dict[str, str]:
    kind = value.get("DataType") or value.get("Type") or "String"
    text = value.get("StringValue") or value.get("Value")
    if text is None and value.get("BinaryValue") is not None:
        binary = value["BinaryValue"]
        text = base64.b64encode(binary).decode() if isinstance(binary, bytes) else binary
    return {"Type": kind, "Value": str(text)}
