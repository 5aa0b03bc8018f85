"""What a request to moto may change, told from the request alone: its service and region
(the SigV4 credential scope), whether its operation changes anything (the action a query or
JSON request names, else the HTTP method of a REST one), and for S3 the bucket and key."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
PRESIGNED_SCOPE = re.compile(r"X-Amz-Credential=[^&]*?%2F\d{8}%2F([^%&]+)%2F([^%&]+)%2F",
                             re.IGNORECASE)
ACTION = re.compile(rb"(?:^|&)Action=([A-Za-z0-9]+)")
READ_ONLY_PREFIXES = ("Get", "List", "Describe", "Head", "Query", "Scan", "BatchGet", "Search",
                      "Lookup", "Test", "Simulate", "Validate")
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Operations that hand events on (to queues, which say what changed) without changing their
# own service's resources.
DELIVERIES = frozenset({"Publish", "PublishBatch", "PutEvents"})
# S3 requests on one key that change more than the key: the backend's tags, the bucket's
# uploads in progress.
S3_KEY_AND_BUCKET_QUERIES = ("tagging", "uploads", "uploadId", "retention", "legal-hold")
FORM_BODY_LIMIT = 1024 * 1024
# Unsigned operations (a user pool's sign-up and sign-in) name their service only in the
# target header, and no region: any region of that service may have changed.
UNSIGNED_TARGET_SERVICES = {"AWSCognitoIdentityProviderService": "cognito-idp",
                            "AWSCognitoIdentityService": "cognito-identity"}
ANY_REGION = ""


@dataclass(frozen=True)
class ServiceRequest:
    service: str
    region: str
    operation: str | None
    changes_service: bool  # its own service's resources (queues' messages are told apart)
    bucket: str = ""
    key: str = ""
    s3_bucket_level: bool = False
    account: str = ""  # the account the gateway serves it as; empty: the default one


def classify(environ: dict[str, Any]) -> ServiceRequest | None:
    """None when the request is for no service (not signed, nor an unsigned operation of
    one)."""
    match = SCOPE.search(environ.get("HTTP_AUTHORIZATION", "")) or \
        PRESIGNED_SCOPE.search(environ.get("QUERY_STRING", ""))
    if match is not None:
        region, service = match.group(1), match.group(2)
    else:
        prefix = str(environ.get("HTTP_X_AMZ_TARGET", "")).partition(".")[0]
        if prefix not in UNSIGNED_TARGET_SERVICES:
            return None
        region, service = ANY_REGION, UNSIGNED_TARGET_SERVICES[prefix]
    method = environ.get("REQUEST_METHOD", "GET").upper()
    operation = _operation(environ, method)
    if operation is not None:
        changes = not operation.startswith(READ_ONLY_PREFIXES) and operation not in DELIVERIES
    else:
        changes = method not in READ_ONLY_METHODS
    account = str(environ.get("HTTP_X_MOTO_ACCOUNT_ID", ""))
    if service != "s3":
        return ServiceRequest(service, region, operation, changes, account=account)
    path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
    bucket, _, key = path.lstrip("/").partition("/")
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    bucket_level = not key or any(name in query for name in S3_KEY_AND_BUCKET_QUERIES) or \
        method in ("DELETE", "POST") or "HTTP_X_AMZ_TAGGING" in environ or \
        "HTTP_X_AMZ_COPY_SOURCE" in environ
    return ServiceRequest(service, region, operation, changes, bucket, key, bucket_level,
                          account)


def _operation(environ: dict[str, Any], method: str) -> str | None:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return str(target).rsplit(".", 1)[-1]
    query_action = ACTION.search(environ.get("QUERY_STRING", "").encode())
    if query_action:
        return query_action.group(1).decode()
    content_type = environ.get("CONTENT_TYPE", "")
    if method == "POST" and content_type.startswith("application/x-www-form-urlencoded"):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if 0 < length <= FORM_BODY_LIMIT:
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            action = ACTION.search(body)
            if action:
                return action.group(1).decode()
    return None
