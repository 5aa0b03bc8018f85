"""boto3 clients of the simulator's own endpoint: where they send, how they sign (the access
token is what the gateway checks), and the botocore settings their users pass. Requests are
caught before they leave, with a canned answer: no network."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from simulator.aws_clients import own_client
from simulator.config import Settings
from tests.unit.botocore_answers import ResponseBody

SCOPE = re.compile(r"Credential=(?P<key>[^/]+)/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/")


class Sent:
    """The requests a client sent, each answered with `status` and `body`."""

    def __init__(self, client: Any, status: int = 200, body: bytes = b"{}") -> None:
        self.requests: list[Any] = []
        self._status, self._body = status, body
        client.meta.events.register("before-send", self._answer)

    def _answer(self, request: Any, **_: Any) -> AWSResponse:
        self.requests.append(request)
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, self._status, headers, ResponseBody(self._body))

    def scope(self) -> dict[str, str]:
        authorization = self.requests[-1].headers["Authorization"]
        text = authorization.decode() if isinstance(authorization, bytes) else authorization
        match = SCOPE.search(text)
        assert match is not None, text
        return match.groupdict()


def test_a_client_calls_the_simulator_s_own_endpoint_in_its_region() -> None:
    settings = Settings(port=4999, region="eu-central-1")
    client = own_client(settings, "sqs")
    sent = Sent(client)

    client.list_queues()

    assert sent.requests[0].url.startswith("http://127.0.0.1:4999/")
    # The key is the account: the call stays in the account (and region) it is made for.
    assert sent.scope() == {"key": settings.account_id, "region": "eu-central-1",
                            "service": "sqs"}


def test_a_server_bound_to_every_address_is_called_on_loopback() -> None:
    client = own_client(Settings(host="0.0.0.0", port=4998), "events")
    sent = Sent(client)

    client.list_rules()

    assert sent.requests[0].url.startswith("http://127.0.0.1:4998/")


def test_requests_are_signed_with_the_access_token_when_the_server_requires_one() -> None:
    client = own_client(Settings(port=4999, access_token="s3cret-token"), "sqs")
    credentials = client._request_signer._credentials
    assert (credentials.access_key, credentials.secret_key) == ("000000000000", "s3cret-token")


def test_a_region_given_for_the_client_wins_over_the_server_s() -> None:
    client = own_client(Settings(port=4999, region="us-east-1"), "sqs", region="ap-south-1")
    sent = Sent(client)

    client.list_queues()

    assert sent.scope()["region"] == "ap-south-1"


def test_botocore_settings_are_passed_on() -> None:
    client = own_client(Settings(port=4999), "sqs", retries={"total_max_attempts": 1},
                        read_timeout=7, connect_timeout=2)
    sent = Sent(client, status=500, body=b'{"__type": "InternalError", "message": "down"}')

    with pytest.raises(ClientError):
        client.list_queues()

    assert len(sent.requests) == 1  # no retry: one attempt in all
    assert client.meta.config.read_timeout == 7
    assert client.meta.config.connect_timeout == 2


def test_boto3_is_not_imported_until_a_client_is_made() -> None:
    probe = ("import sys; import simulator.aws_clients; "
             "print('boto3' in sys.modules, 'botocore' in sys.modules)")
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=30, check=True).stdout.split()

    assert output == ["False", "False"]


def test_the_hosts_aws_profile_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile named in the server's environment, even one that does not exist, does not
    stop the server calling its own endpoint."""
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    client = own_client(Settings(account_id="111122223333"), "sqs")
    sent = Sent(client)
    client.list_queues()
    assert sent.scope()["key"] == "111122223333"
