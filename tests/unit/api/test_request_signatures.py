"""Signatures recomputed with the token as the secret: what botocore signs passes, anything
else (another secret, a changed body, a clock 15 minutes off, an expired URL) is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from werkzeug.test import EnvironBuilder

from simulator.api.request_signatures import SignatureRejected, verify

SECRET = "the-token"


def signed_environ(secret: str = SECRET, body: bytes = b'{"a": 1}', service: str = "lambda",
                   url: str = "http://127.0.0.1:4566/2015-03-31/functions/my%20fn/invocations?x=1",
                   headers: dict[str, str] | None = None) -> dict[str, Any]:
    request = AWSRequest(method="POST", url=url, data=body, headers=headers or {
        "Content-Type": "application/json"})
    auth_class = S3SigV4Auth if service == "s3" else SigV4Auth
    auth_class(Credentials("AKIDEXAMPLE", secret), service, "us-east-1").add_auth(request)
    return environ_of(request.method, request.url, dict(request.headers.items()), body)


def environ_of(method: str, url: str, headers: dict[str, Any], body: bytes) -> dict[str, Any]:
    parts = urlsplit(url)
    texts: dict[str, str] = {k: v if isinstance(v, str) else v.decode()
                             for k, v in headers.items()}
    environ = EnvironBuilder(method=method, path=parts.path, query_string=parts.query,
                             headers=list(texts.items()),
                             data=body, base_url=f"http://{parts.netloc}").get_environ()
    environ["REQUEST_URI"] = parts.path + (f"?{parts.query}" if parts.query else "")
    return dict(environ)


def test_a_request_signed_with_the_token_passes_and_its_body_stays_readable() -> None:
    environ = signed_environ()
    verify(environ, SECRET)
    assert environ["wsgi.input"].read() == b'{"a": 1}'


def test_another_secret_is_refused_with_awss_words() -> None:
    with pytest.raises(SignatureRejected) as refused:
        verify(signed_environ(secret="guess"), SECRET)
    assert refused.value.code == "InvalidSignatureException"
    assert refused.value.message.startswith("The request signature we calculated does not match")


def test_a_changed_body_is_refused() -> None:
    environ = signed_environ()
    environ["wsgi.input"].seek(0)
    environ["wsgi.input"].write(b'{"a": 2}')
    environ["wsgi.input"].seek(0)
    with pytest.raises(SignatureRejected):
        verify(environ, SECRET)


def test_a_clock_more_than_15_minutes_off_is_refused() -> None:
    environ = signed_environ()
    later = datetime.now(UTC) + timedelta(minutes=16)
    with pytest.raises(SignatureRejected) as refused:
        verify(environ, SECRET, now=later)
    assert refused.value.message.startswith(f"Signature expired: {environ['HTTP_X_AMZ_DATE']}")
    verify(signed_environ(), SECRET, now=datetime.now(UTC) + timedelta(minutes=14))


def test_an_s3_request_is_checked_over_its_content_hash_header() -> None:
    body = b"object data"
    headers = {"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}
    verify(signed_environ(body=body, service="s3", url="http://127.0.0.1:4566/bucket/a%20key",
                          headers=headers), SECRET)
    with pytest.raises(SignatureRejected) as refused:
        verify(signed_environ(secret="x", body=body, service="s3",
                              url="http://127.0.0.1:4566/bucket/a%20key", headers=headers),
               SECRET)
    assert refused.value.code == "SignatureDoesNotMatch"


def presigned(secret: str, expires: int = 60, version: str = "s3v4") -> dict[str, Any]:
    s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:4566", region_name="us-east-1",
                      aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=secret,
                      config=Config(signature_version=version))
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"},
                                    ExpiresIn=expires)
    return environ_of("GET", url, {"Host": "127.0.0.1:4566"}, b"")


@pytest.mark.parametrize("version", ["s3v4", "s3"])
def test_a_presigned_url_passes_until_it_expires(version: str) -> None:
    verify(presigned(SECRET, version=version), SECRET)
    with pytest.raises(SignatureRejected) as expired:
        verify(presigned(SECRET, expires=1, version=version), SECRET,
               now=datetime.now(UTC) + timedelta(seconds=5))
    assert (expired.value.code, expired.value.message) == ("AccessDenied", "Request has expired")
    with pytest.raises(SignatureRejected):
        verify(presigned("guess", version=version), SECRET)


def test_an_unsigned_request_is_missing_its_token() -> None:
    with pytest.raises(SignatureRejected) as refused:
        verify(environ_of("GET", "http://127.0.0.1:4566/x", {}, b""), SECRET)
    assert refused.value.code == "MissingAuthenticationTokenException"
