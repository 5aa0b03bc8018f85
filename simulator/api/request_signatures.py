"""SigV4 signatures checked as AWS checks them, with the server's access token as the secret
access key: botocore's own signer recomputes the signature over the headers the client
signed, and the two are compared in constant time. Presigned URLs (S3's) are checked too.
A request may be signed up to 15 minutes before or after the server's clock, as on AWS."""

from __future__ import annotations

import hmac
import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from botocore.auth import HmacV1QueryAuth, S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials
from werkzeug.wsgi import get_input_stream

SIGV4_TIMESTAMP = "%Y%m%dT%H%M%SZ"
MAX_SKEW = timedelta(minutes=15)
AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
    r"(?P<service>[^/]+)/aws4_request,\s*SignedHeaders=(?P<headers>[^,\s]+),\s*"
    r"Signature=(?P<signature>[0-9a-fA-F]+)")
MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.")
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
# Services answering in XML (the query protocol's, besides S3), which name a bad signature
# SignatureDoesNotMatch; JSON services say InvalidSignatureException.
QUERY_SERVICES = frozenset({"sns", "iam", "sts", "cloudformation", "ses", "monitoring",
                            "autoscaling", "ec2", "elasticloadbalancing", "rds"})


def answers_in_xml(service: str) -> bool:
    return service == "s3" or service in QUERY_SERVICES


class SignatureRejected(Exception):
    """Why a request's signature does not hold; `service` is the one it was signed for."""

    def __init__(self, code: str, message: str, service: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.service = service


class _SignedHeadersOnly(SigV4Auth):  # type: ignore[misc]
    """Signs exactly the headers the client says it signed."""

    def __init__(self, credentials: Credentials, service: str, region: str,
                 signed: Iterable[str], payload: str | None = None) -> None:
        super().__init__(credentials, service, region)
        self._signed = list(signed)
        self._payload = payload

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        headers = HTTPHeaders()
        for name in self._signed:
            headers[name] = request.headers.get(name, "")
        return headers

    def payload(self, request: AWSRequest) -> str:
        return self._payload if self._payload is not None else str(super().payload(request))


class _S3SignedHeadersOnly(_SignedHeadersOnly, S3SigV4Auth):  # type: ignore[misc]
    """S3 signs its paths as sent, without normalising them."""


class _ExpiringAt(HmacV1QueryAuth):  # type: ignore[misc]
    """An older presigned URL signs its expiry time where a request signs its date."""

    def __init__(self, credentials: Credentials, expires: int) -> None:
        super().__init__(credentials)
        self._expires_at = expires

    def _get_date(self) -> str:
        return str(self._expires_at)


def verify(environ: dict[str, Any], secret: str, now: datetime | None = None) -> None:
    """Raises SignatureRejected unless the request's Authorization header, or its presigned
    query, was signed with `secret`. A body the signature covers is read, and left readable."""
    now = now or datetime.now(UTC)
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header:
        _verify_header(environ, header, secret, now)
        return
    query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    if "X-Amz-Signature" in query:
        _verify_presigned(environ, query, secret, now)
        return
    if "Signature" in query and "AWSAccessKeyId" in query:
        _verify_presigned_v2(environ, query, secret, now)
        return
    raise SignatureRejected("MissingAuthenticationTokenException",
                            "Missing Authentication Token", "")


def _verify_header(environ: dict[str, Any], header: str, secret: str, now: datetime) -> None:
    match = AUTHORIZATION.match(header)
    if match is None:
        raise SignatureRejected("IncompleteSignatureException",
                                "Authorization header requires 'Credential', 'Signature' and "
                                "'SignedHeaders' parameters.", "")
    service, region = match.group("service"), match.group("region")
    timestamp = _header(environ, "x-amz-date")
    _check_time(timestamp, now, service)
    signed = match.group("headers").split(";")
    needs_body = service != "s3" and not _header(environ, "x-amz-content-sha256")
    request = _request(environ, signed, _read_body(environ) if needs_body else b"")
    auth_class = _S3SignedHeadersOnly if service == "s3" else _SignedHeadersOnly
    auth = auth_class(Credentials(match.group("key"), secret), service, region, signed)
    _compare(auth, request, timestamp, match.group("signature"), service)


def _verify_presigned(environ: dict[str, Any], query: dict[str, str], secret: str,
                      now: datetime) -> None:
    key, _, scope = query.get("X-Amz-Credential", "").partition("/")
    parts = scope.split("/")
    if len(parts) != 4:
        raise SignatureRejected("AuthorizationQueryParametersError",
                                "Query-string authentication version 4 requires the "
                                "X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
                                "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires "
                                "parameters.", "s3")
    region, service = parts[1], parts[2]
    timestamp = query.get("X-Amz-Date", "")
    signed_at = _parsed(timestamp, service)
    expires = int(query.get("X-Amz-Expires", "0") or 0)
    if now > signed_at + timedelta(seconds=expires):
        raise SignatureRejected("AccessDenied", "Request has expired", service)
    if signed_at - now > MAX_SKEW:
        raise SignatureRejected("AccessDenied", "Request is not valid yet", service)
    signed = query.get("X-Amz-SignedHeaders", "host").split(";")
    raw_query = "&".join(pair for pair in environ.get("QUERY_STRING", "").split("&")
                         if not pair.startswith("X-Amz-Signature="))
    request = _request(environ, signed, b"", raw_query)
    auth_class = _S3SignedHeadersOnly if service == "s3" else _SignedHeadersOnly
    auth = auth_class(Credentials(unquote(key), secret), service, region, signed,
                      payload=UNSIGNED_PAYLOAD)
    _compare(auth, request, timestamp, query["X-Amz-Signature"], service)


def _verify_presigned_v2(environ: dict[str, Any], query: dict[str, str], secret: str,
                         now: datetime) -> None:
    """S3's older presigned URLs (what boto3 still makes for us-east-1 by default)."""
    try:
        expires = int(query.get("Expires", ""))
    except ValueError:
        raise SignatureRejected("AccessDenied", "Query-string authentication requires the "
                                "Signature, Expires and AWSAccessKeyId parameters", "s3") from None
    if now.timestamp() > expires:
        raise SignatureRejected("AccessDenied", "Request has expired", "s3")
    request = _request(environ, [], b"")
    auth = _ExpiringAt(Credentials(query["AWSAccessKeyId"], secret), expires)
    expected = auth.get_signature(request.method, urlsplit(request.url), HTTPHeaders())
    if not hmac.compare_digest(str(expected), query["Signature"]):
        raise SignatureRejected("SignatureDoesNotMatch", MISMATCH, "s3")


def _compare(auth: SigV4Auth, request: AWSRequest, timestamp: str, presented: str,
             service: str) -> None:
    request.context["timestamp"] = timestamp
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)),
                              request)
    if not hmac.compare_digest(str(expected), presented.lower()):
        raise SignatureRejected("SignatureDoesNotMatch" if answers_in_xml(service)
                                else "InvalidSignatureException", MISMATCH, service)


def _check_time(timestamp: str, now: datetime, service: str) -> None:
    signed_at = _parsed(timestamp, service)
    if abs(now - signed_at) > MAX_SKEW:
        if service == "s3":
            raise SignatureRejected("RequestTimeTooSkewed", "The difference between the "
                                    "request time and the current time is too large.",
                                    service)
        earlier = now - MAX_SKEW
        raise SignatureRejected(
            "InvalidSignatureException",
            f"Signature expired: {timestamp} is now earlier than "
            f"{earlier.strftime(SIGV4_TIMESTAMP)} ({now.strftime(SIGV4_TIMESTAMP)} - 15 min.)"
            if signed_at < now else
            f"Signature not yet current: {timestamp} is still later than "
            f"{(now + MAX_SKEW).strftime(SIGV4_TIMESTAMP)} ({now.strftime(SIGV4_TIMESTAMP)} "
            "+ 15 min.)", service)


def _parsed(timestamp: str, service: str) -> datetime:
    try:
        return datetime.strptime(timestamp, SIGV4_TIMESTAMP).replace(tzinfo=UTC)
    except ValueError:
        raise SignatureRejected("IncompleteSignatureException",
                                "Date must be in ISO-8601 'basic format'. Got "
                                f"'{timestamp}'.", service) from None


def _header(environ: dict[str, Any], name: str) -> str:
    key = name.upper().replace("-", "_")
    if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        key = "HTTP_" + key
    return str(environ.get(key, ""))


def _read_body(environ: dict[str, Any]) -> bytes:
    body = get_input_stream(environ).read()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ["wsgi.input_terminated"] = False
    return bytes(body)


def _request(environ: dict[str, Any], signed: list[str], body: bytes,
             raw_query: str | None = None) -> AWSRequest:
    raw_uri = str(environ.get("REQUEST_URI") or environ.get("RAW_URI") or
                  environ.get("PATH_INFO", "/"))
    path = raw_uri.partition("?")[0]
    query = environ.get("QUERY_STRING", "") if raw_query is None else raw_query
    url = f"http://{environ.get('HTTP_HOST', 'localhost')}{path}" + (f"?{query}" if query
                                                                     else "")
    headers = {name: _header(environ, name) for name in signed}
    return AWSRequest(method=environ.get("REQUEST_METHOD", "GET"), url=url, headers=headers,
                      data=body)
