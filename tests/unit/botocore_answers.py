"""Answers handed to botocore without a network: what botocore reads a response body from,
and a Lambda client whose requests a Flask app answers through its test client."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from flask import Flask


class ResponseBody:
    """What botocore reads a response body from (urllib3's response, reduced)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data.read()

    def read(self, amount: int | None = None) -> bytes:
        return self._data.read(amount)


def lambda_client_of(app: Flask) -> Any:
    """A boto3 Lambda client whose requests `app` answers through its test client."""
    client = boto3.session.Session().client(
        "lambda", region_name="us-east-1", endpoint_url="http://lambda.test",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}))
    app_client = app.test_client()

    def send(request: Any, **_: Any) -> AWSResponse:
        url = urlsplit(request.url)
        headers = {name: value.decode() if isinstance(value, bytes) else value
                   for name, value in request.headers.items()}
        response = app_client.open(url.path, method=request.method, query_string=url.query,
                                   headers=headers, data=request.body or b"")
        return AWSResponse(request.url, response.status_code, dict(response.headers),
                           ResponseBody(response.get_data()))

    client.meta.events.register("before-send.lambda.*", send)
    return client
