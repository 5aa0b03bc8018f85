"""The fast Invoke route, a WSGI callable in front of the full application, driven with
werkzeug's test client: a plain invoke is answered here exactly as the full app would answer
it, and every other request (another route or method, a chunked or oversized body, a function
URL's host) goes on to the full app. Functions run on the fake executor."""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import Client, TestResponse

from simulator.api.invoke_path import InvokePath
from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeContext, FakeExecutor
from tests.helpers import ROLE, make_zip, unique_name

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
MAX_REQUEST_BYTES = 1000
contexts: list[FakeContext] = []


def echo(event: Any, context: FakeContext) -> Any:
    contexts.append(context)
    context.print("echo", json.dumps(event))
    return event


def fail(event: Any, context: FakeContext) -> Any:
    raise RuntimeError("handler broke")


class FullApp:
    """The full application, noting the paths it was asked to answer."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self.paths: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        self.paths.append(environ["PATH_INFO"])
        return self._app(environ, start_response)


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({"app.handler": echo,
                                                           "app.fail": fail}))
    yield simulator
    simulator.close()


@pytest.fixture
def full_app(simulator: Simulator) -> FullApp:
    return FullApp(simulator.app.wsgi_app)


@pytest.fixture
def fast(simulator: Simulator, full_app: FullApp) -> Client:
    return Client(InvokePath(full_app, simulator.invoker, MAX_REQUEST_BYTES))


@pytest.fixture
def flask_client(simulator: Simulator) -> FlaskClient:
    return simulator.app.test_client()


def create(simulator: Simulator, handler: str = "app.handler", **fields: Any) -> str:
    name = unique_name()
    response = simulator.app.test_client().post("/2015-03-31/functions", json={
        "FunctionName": name, "Runtime": "python3.12", "Role": ROLE, "Handler": handler,
        "Code": {"ZipFile": base64.b64encode(make_zip({"app.py": "# fake\n"})).decode()},
        **fields})
    assert response.status_code == 201, response.get_json()
    return name


def invoke_url(name: str) -> str:
    return f"/2015-03-31/functions/{name}/invocations"


def test_a_plain_invoke_is_answered_without_the_full_app(simulator: Simulator, fast: Client,
                                                         full_app: FullApp) -> None:
    name = create(simulator)

    response = fast.post(invoke_url(name), data=b'{"hello": "fast"}')

    assert full_app.paths == []
    assert response.status == "200 OK"
    assert json.loads(response.data) == {"hello": "fast"}
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Length"] == str(len(response.data))
    assert response.headers["x-amzn-RequestId"] == contexts[-1].aws_request_id
    assert response.headers["X-Amz-Executed-Version"] == "$LATEST"
    assert response.headers["Server-Timing"].startswith("handler;dur=")


def answer(response: TestResponse) -> tuple[int, dict[str, str], Any]:
    """What a client reads, less what differs between any two invokes (ids, timings)."""
    varying = {"x-amzn-requestid", "server-timing", "x-amz-log-result", "content-length"}
    headers = {name.lower(): value for name, value in response.headers.items()
               if name.lower() not in varying}
    return response.status_code, headers, json.loads(response.data) if response.data else None


@pytest.mark.parametrize(("handler", "reference", "query", "headers", "body"), [
    ("app.handler", "{name}", "", {}, b'{"n": 1}'),
    ("app.handler", "{name}", "", {}, b""),
    ("app.handler", "{arn}", "", {}, b"[1, 2]"),
    ("app.handler", "{name}", "?Qualifier=$LATEST", {"X-Amz-Log-Type": "Tail"}, b"{}"),
    ("app.fail", "{name}", "", {}, b"{}"),
    ("app.handler", "{name}", "", {"X-Amz-Invocation-Type": "Event"}, b"{}"),
    ("app.handler", "{name}", "", {"X-Amz-Invocation-Type": "DryRun"}, b"{}"),
    ("app.handler", "{name}", "", {"X-Amz-Invocation-Type": "Later"}, b"{}"),
    ("app.handler", "{name}", "", {}, b"{not json"),
    ("app.handler", "{name}", "", {"X-Amz-Client-Context": "not base64!"}, b"{}"),
    ("app.handler", "ghost", "", {}, b"{}"),
    ("app.handler", "{name}", "?Qualifier=9", {}, b"{}"),
], ids=["sync", "empty-body", "by-arn", "tail", "function-error", "event", "dry-run",
        "unknown-type", "not-json", "bad-client-context", "unknown-function",
        "unknown-version"])
def test_the_answer_is_the_full_app_s(simulator: Simulator, fast: Client,
                                      flask_client: FlaskClient, handler: str, reference: str,
                                      query: str, headers: dict[str, str], body: bytes) -> None:
    name = create(simulator, handler)
    path = invoke_url(reference.format(name=name, arn=ARN + name)) + query

    fast_answer = fast.post(path, data=body, headers=headers)
    full_answer = flask_client.post(path, data=body, headers=headers)

    assert answer(fast_answer) == answer(full_answer)
    # The same headers (the server writes Content-Length for both, from the body).
    assert set(fast_answer.headers.keys()) - {"Content-Length"} == set(
        full_answer.headers.keys()) - {"Content-Length"}
    assert fast_answer.headers["Content-Length"] == str(len(fast_answer.data))


def test_an_aws_error_has_its_status_line_type_header_and_body(fast: Client) -> None:
    response = fast.post(invoke_url("ghost"), data=b"{}")

    assert response.status == "404 Not Found"
    assert response.headers["x-amzn-errortype"] == "ResourceNotFoundException"
    assert response.get_json() == {
        "__type": "ResourceNotFoundException", "Type": "User",
        "Message": f"Function not found: {ARN}ghost:$LATEST"}
    assert response.headers["Content-Length"] == str(len(response.data))


def test_an_event_invoke_is_accepted_with_an_empty_body(simulator: Simulator,
                                                        fast: Client) -> None:
    name = create(simulator)

    response = fast.post(invoke_url(name), data=b'{"later": true}',
                         headers={"X-Amz-Invocation-Type": "Event"})

    assert response.status == "202 Accepted"
    assert (response.data, response.headers["Content-Length"]) == (b"", "0")


def test_qualifier_log_type_and_client_context_reach_the_invoke(simulator: Simulator,
                                                               fast: Client) -> None:
    name = create(simulator)
    simulator.app.test_client().post(f"/2015-03-31/functions/{name}/versions")
    context = base64.b64encode(b'{"custom": {"caller": "fast"}}').decode()

    response = fast.post(invoke_url(name) + "?Qualifier=1", data=b'{"v": 1}',
                         headers={"X-Amz-Log-Type": "Tail", "X-Amz-Client-Context": context})

    assert response.headers["X-Amz-Executed-Version"] == "1"
    assert contexts[-1].invoked_function_arn == f"{ARN}{name}:1"
    assert contexts[-1].client_context == {"custom": {"caller": "fast"}}
    assert 'echo {"v": 1}' in base64.b64decode(response.headers["X-Amz-Log-Result"]).decode()


def test_the_tenant_header_reaches_the_invoke_on_both_routes(
        simulator: Simulator, fast: Client, flask_client: FlaskClient) -> None:
    name = create(simulator, TenancyConfig={"TenantIsolationMode": "PER_TENANT"})

    for client, tenant in ((fast, "blue"), (flask_client, "green")):
        answer = client.post(invoke_url(name), data=b"{}", headers={"X-Amz-Tenant-Id": tenant})
        assert answer.status_code == 200
        assert contexts[-1].tenant_id == tenant
        refused = client.post(invoke_url(name), data=b"{}")
        assert refused.status_code == 400
        assert refused.headers["x-amzn-ErrorType"].startswith("InvalidParameterValueException")


class BrokenInvoker:
    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the pool is on fire")


def test_an_unexpected_error_is_a_logged_service_exception(
        full_app: FullApp, caplog: pytest.LogCaptureFixture) -> None:
    broken: Any = BrokenInvoker()
    fast = Client(InvokePath(full_app, broken, MAX_REQUEST_BYTES))

    with caplog.at_level(logging.ERROR, logger="simulator.api.invoke_path"):
        response = fast.post(invoke_url("fn"), data=b"{}")

    assert response.status == "500 Internal Server Error"
    assert response.headers["x-amzn-errortype"] == "ServiceException"
    assert response.get_json() == {"__type": "ServiceException", "Type": "Service",
                                   "Message": "An internal error occurred: the pool is on fire"}
    assert "unexpected error on invoke of fn" in caplog.text
    assert full_app.paths == []


# -- what goes on to the full application ----------------------------------------------------------

def test_another_method_goes_to_the_full_app(simulator: Simulator, fast: Client,
                                             full_app: FullApp) -> None:
    name = create(simulator)

    response = fast.get(invoke_url(name))

    assert full_app.paths == [invoke_url(name)]
    assert response.status_code == 405
    assert response.headers["x-amzn-errortype"] == "MethodNotAllowedException"


def test_other_routes_go_to_the_full_app(simulator: Simulator, fast: Client,
                                         full_app: FullApp) -> None:
    name = create(simulator)

    configuration = fast.get(f"/2015-03-31/functions/{name}/configuration")
    nested = fast.post(f"/2015-03-31/functions/{name}/extra/invocations", data=b"{}")

    assert configuration.get_json()["FunctionName"] == name
    assert nested.headers["x-amzn-errortype"] == "UnknownOperationException"
    assert full_app.paths == [f"/2015-03-31/functions/{name}/configuration",
                              f"/2015-03-31/functions/{name}/extra/invocations"]


def test_a_chunked_body_goes_to_the_full_app_which_reads_it_all(simulator: Simulator,
                                                                fast: Client,
                                                                full_app: FullApp) -> None:
    name = create(simulator)

    response = fast.post(invoke_url(name), data=b'{"chunked": true}',
                         environ_overrides={"wsgi.input_terminated": True})

    assert full_app.paths == [invoke_url(name)]
    assert response.status_code == 200
    assert json.loads(response.data) == {"chunked": True}


def test_a_body_without_a_length_goes_to_the_full_app(simulator: Simulator, fast: Client,
                                                      full_app: FullApp) -> None:
    name = create(simulator)

    response = fast.post(invoke_url(name))

    assert full_app.paths == [invoke_url(name)]
    assert (response.status_code, json.loads(response.data)) == (200, {})


def test_a_body_over_the_request_limit_goes_to_the_full_app(simulator: Simulator,
                                                            fast: Client,
                                                            full_app: FullApp) -> None:
    name = create(simulator)
    payload = json.dumps({"pad": "x" * MAX_REQUEST_BYTES}).encode()

    response = fast.post(invoke_url(name), data=payload)

    assert full_app.paths == [invoke_url(name)]
    assert json.loads(response.data) == {"pad": "x" * MAX_REQUEST_BYTES}


def test_a_body_at_the_request_limit_stays_on_the_fast_path(simulator: Simulator,
                                                            fast: Client,
                                                            full_app: FullApp) -> None:
    name = create(simulator)
    payload = json.dumps({"pad": "x" * (MAX_REQUEST_BYTES - 11)}).encode()
    assert len(payload) == MAX_REQUEST_BYTES

    assert fast.post(invoke_url(name), data=payload).status_code == 200
    assert full_app.paths == []


def test_a_function_url_host_goes_to_the_full_app(simulator: Simulator, fast: Client,
                                                  full_app: FullApp) -> None:
    name = create(simulator)
    host = "a" * 32 + ".lambda-url.us-east-1.localhost:4570"

    fast.post(invoke_url(name), data=b"{}", headers={"Host": host})

    assert full_app.paths == [invoke_url(name)]



def test_an_invoke_is_recorded_once_its_answer_is_out(simulator: Simulator) -> None:
    """Metrics, history and trace segments are kept after the caller has its answer: the
    server calls the answer's close() once it is sent, and that is when they are kept."""
    name = create(simulator)
    path = InvokePath(simulator.app.wsgi_app, simulator.invoker, MAX_REQUEST_BYTES)
    body = b'{"n": 1}'
    environ = {"PATH_INFO": invoke_url(name), "REQUEST_METHOD": "POST", "QUERY_STRING": "",
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
    history = simulator.observability.history

    answer = path(environ, lambda status, headers: None)

    assert b"".join(answer) == body
    assert history.recent(name) == []
    answer.close()  # type: ignore[attr-defined]
    assert [record.function_name for record in history.recent(name)] == [name]
