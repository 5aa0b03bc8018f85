"""The client commands (`invoke`, `logs`, `ls`, `deploy`, `emit`) as a user types them, against
an in-process simulator on the fake executor: what goes to stdout for scripts, what to stderr
for people, the exit code, and AWS's error as one line."""

from __future__ import annotations

import base64
import io
import json
import socket
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest

from simulator.cli import main
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.http_server import SimulatorServer
from tests.helpers import ROLE, eventually, lambda_client, make_zip, running_server

received: list[Any] = []


def echo(event: Any, context: FakeContext) -> Any:
    received.append(event)
    context.print("handling", json.dumps(event, sort_keys=True))
    return {"echo": event}


def fail(event: Any, context: FakeContext) -> Any:
    raise ValueError("asked to fail")


def http_echo(event: Any, context: FakeContext) -> Any:
    return event


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    executor = FakeExecutor({"app.echo": echo, "app.fail": fail, "app.http": http_echo})
    with running_server(tmp_path_factory.mktemp("remote-state"), executor) as running:
        yield running


def aws(server: SimulatorServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def new_function(server: SimulatorServer, handler: str = "app.echo") -> str:
    name = f"fn-{uuid.uuid4().hex[:8]}"
    client = lambda_client(server.url)
    client.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE, Handler=handler,
                           Code={"ZipFile": make_zip({"app.py": "# run by the fake executor"})})
    client.get_waiter("function_active_v2").wait(FunctionName=name)
    return name


def run(server: SimulatorServer | str, *args: str) -> int:
    url = server if isinstance(server, str) else server.url
    return main([*args, "--endpoint", url])


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    return lines[0].removeprefix("error: ")


# -- invoke ------------------------------------------------------------------------------------


def test_invoke_prints_the_answer_on_stdout_and_the_log_tail_on_stderr(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    name = new_function(server)
    assert run(server, "invoke", name) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == {"echo": {}}
    assert "START RequestId" in err and "handling {}" in err and "REPORT RequestId" in err


def test_invoke_reads_the_event_from_a_file_or_from_standard_input(
        server: SimulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    name = new_function(server)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"from": "file"}))
    assert run(server, "invoke", name, "--event", str(event)) == 0
    assert json.loads(capsys.readouterr().out) == {"echo": {"from": "file"}}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"from": "stdin"})))
    assert run(server, "invoke", name, "--event", "-") == 0
    assert json.loads(capsys.readouterr().out) == {"echo": {"from": "stdin"}}


def test_a_function_error_exits_1_and_json_carries_aws_fields(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    name = new_function(server, handler="app.fail")
    assert run(server, "invoke", name, "--json") == 1
    answer = json.loads(capsys.readouterr().out)
    assert set(answer) == {"StatusCode", "Payload", "FunctionError", "Log"}
    assert answer["StatusCode"] == 200
    assert answer["FunctionError"] == "Unhandled"
    assert answer["Payload"]["errorType"] == "ValueError"
    assert answer["Payload"]["errorMessage"] == "asked to fail"
    assert answer["Log"].startswith("START RequestId")
    assert "[ERROR] ValueError: asked to fail" in answer["Log"]


def test_an_async_invoke_is_accepted_with_202_and_runs_in_the_background(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    name = new_function(server)
    marker = {"asynchronous": uuid.uuid4().hex}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(marker)))
    assert run(server, "invoke", name, "--async", "--event", "-") == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "accepted (202)" in err
    assert eventually(lambda: marker in received)


def test_an_unknown_function_is_one_error_line_and_exit_1(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(server, "invoke", "no-such-function") == 1
    out, err = capsys.readouterr()
    assert out == ""
    message = one_error_line(err)
    assert message.startswith("ResourceNotFoundException: Function not found: ")
    assert ":function:no-such-function" in message


def test_no_simulator_at_the_endpoint_is_one_error_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    url = closed_port_url()
    assert run(url, "invoke", "anything") == 1
    assert one_error_line(capsys.readouterr().err).startswith("no simulator answers")
    assert run(url, "ls") == 1
    assert one_error_line(capsys.readouterr().err).startswith(f"no simulator answers at {url}")


def test_the_endpoint_defaults_to_aws_endpoint_url(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    name = new_function(server)
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url + "/")
    assert main(["ls", "--json"]) == 0
    assert name in [row["name"] for row in json.loads(capsys.readouterr().out)]


# -- ls and logs -------------------------------------------------------------------------------


def test_ls_lists_each_function_with_its_environment_counts(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    name = new_function(server)
    assert run(server, "invoke", name) == 0
    capsys.readouterr()
    assert run(server, "ls", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"name": name, "runtime": "python3.11", "warm": 1, "busy": 0,
            "starting": 0} in rows
    assert run(server, "ls") == 0
    table = capsys.readouterr().out
    assert "function" in table and "warm" in table and name in table


def test_logs_prints_the_functions_lines_oldest_first(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    name = new_function(server)
    for _ in range(2):
        assert run(server, "invoke", name) == 0
    capsys.readouterr()
    assert run(server, "logs", name) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("handling")] == ["handling {}"] * 2
    assert lines[0].startswith("START RequestId")
    assert sum(line.startswith("REPORT RequestId") for line in lines) == 2


def test_logs_json_is_one_event_a_line_with_its_timestamp(
        server: SimulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = new_function(server)
    for number in (1, 2):
        event = tmp_path / f"{number}.json"
        event.write_text(json.dumps({"n": number}))
        run(server, "invoke", name, "--event", str(event))
    capsys.readouterr()
    assert run(server, "logs", name, "--json") == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all(set(event) == {"timestamp", "message"} for event in events)
    timestamps = [event["timestamp"] for event in events]
    assert timestamps == sorted(timestamps)
    handled = [event["message"] for event in events if event["message"].startswith("handling")]
    assert handled == ['handling {"n": 1}\n', 'handling {"n": 2}\n']


def test_logs_of_an_unknown_function_is_one_error_line(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(server, "logs", "no-such-function") == 1
    assert one_error_line(capsys.readouterr().err).startswith("ResourceNotFoundException: ")


# -- deploy ------------------------------------------------------------------------------------

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Prefix:
    Type: String
    Default: plain
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub "${Prefix}-hello"
      Runtime: python3.11
      Handler: app.echo
      CodeUri: src/
"""


def test_deploy_reports_the_templates_functions_with_the_parameter_overrides(
        server: SimulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prefix = f"p{uuid.uuid4().hex[:6]}"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def echo(event, context):\n    return event\n")
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    assert run(server, "deploy", str(tmp_path / "template.yaml"), "--json",
               "--parameter-overrides", f"Prefix={prefix}", "ignored-without-equals") == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {"stack": tmp_path.name[:128].replace("_", "-"),
                      "functions": [f"{prefix}-hello"], "removed": [], "warnings": [],
                      "outputs": {}}
    assert run(server, "invoke", f"{prefix}-hello") == 0
    assert json.loads(capsys.readouterr().out) == {"echo": {}}


def test_deploy_of_a_missing_template_is_one_error_line(
        server: SimulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(server, "deploy", str(tmp_path / "nowhere.yaml")) == 1
    message = one_error_line(capsys.readouterr().err)
    assert message.startswith("InvalidParameterValueException: template: ")
    assert "nowhere.yaml" in message


# -- emit --------------------------------------------------------------------------------------


def test_emit_s3_puts_the_file_and_delete_removes_the_object(
        server: SimulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s3 = aws(server, "s3")
    bucket = f"emit-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    body = tmp_path / "body.bin"
    body.write_bytes(b"\x00payload")
    assert run(server, "emit", "s3", bucket, "in/key.bin", "--body", str(body), "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"bucket": bucket, "key": "in/key.bin",
                                                   "action": "put"}
    assert s3.get_object(Bucket=bucket, Key="in/key.bin")["Body"].read() == b"\x00payload"
    assert run(server, "emit", "s3", bucket, "in/key.bin", "--delete") == 0
    assert f"sent bucket={bucket} key=in/key.bin action=delete" in capsys.readouterr().err
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_emit_s3_without_a_body_puts_an_empty_object(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    s3 = aws(server, "s3")
    bucket = f"emit-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    assert run(server, "emit", "s3", bucket, "empty.txt") == 0
    assert s3.head_object(Bucket=bucket, Key="empty.txt")["ContentLength"] == 0


def test_emit_s3_to_a_missing_bucket_is_aws_error_in_one_line(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(server, "emit", "s3", f"missing-{uuid.uuid4().hex[:10]}", "key") == 1
    assert one_error_line(capsys.readouterr().err) == (
        "NoSuchBucket: The specified bucket does not exist")


def test_emit_sqs_sends_to_a_queue_by_name_or_by_url(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    sqs = aws(server, "sqs")
    url = sqs.create_queue(QueueName=f"emit-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    assert run(server, "emit", "sqs", url.rsplit("/", 1)[1], "by name", "--json") == 0
    sent = json.loads(capsys.readouterr().out)
    assert sent["queue"] == url
    assert run(server, "emit", "sqs", url, "by url") == 0
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(message["Body"] for message in messages) == ["by name", "by url"]
    by_name = next(message for message in messages if message["Body"] == "by name")
    assert by_name["MessageId"] == sent["messageId"]


def test_emit_sqs_to_a_fifo_queue_passes_the_group_id(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    sqs = aws(server, "sqs")
    url = sqs.create_queue(QueueName=f"emit-{uuid.uuid4().hex[:10]}.fifo", Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    assert run(server, "emit", "sqs", url, "ordered", "--group-id", "orders") == 0
    messages = sqs.receive_message(QueueUrl=url, AttributeNames=["MessageGroupId"])["Messages"]
    assert messages[0]["Attributes"]["MessageGroupId"] == "orders"


def test_emit_sqs_to_a_missing_queue_is_one_error_line(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(server, "emit", "sqs", f"missing-{uuid.uuid4().hex[:10]}", "body") == 1
    assert "NonExistentQueue" in one_error_line(capsys.readouterr().err)


def test_emit_schedule_fires_the_rule_now_with_a_scheduled_event(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    name = new_function(server)
    arn = lambda_client(server.url).get_function(FunctionName=name)["Configuration"][
        "FunctionArn"]
    rule = f"nightly-{uuid.uuid4().hex[:8]}"
    events = aws(server, "events")
    events.put_rule(Name=rule, ScheduleExpression="rate(1 day)")
    events.put_targets(Rule=rule, Targets=[{"Id": "target", "Arn": arn}])
    assert run(server, "emit", "schedule", rule) == 0
    fired = json.loads(capsys.readouterr().out)
    assert fired["rule"] == rule
    assert fired["deliveries"] == [{"targetId": "target", "function": arn, "delivered": True}]

    def delivered() -> bool:
        return any(isinstance(event, dict) and event.get("id") == fired["eventId"]
                   for event in received)

    assert eventually(delivered)
    event = next(event for event in received
                 if isinstance(event, dict) and event.get("id") == fired["eventId"])
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"] == [fired["ruleArn"]]


def test_emit_schedule_of_an_unknown_rule_is_one_error_line(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(server, "emit", "schedule", "no-such-rule") == 1
    assert one_error_line(capsys.readouterr().err) == (
        "ResourceNotFoundException: Rule no-such-rule does not exist on EventBus default.")


def add_route(server: SimulatorServer, api: str, route_key: str, function: str) -> None:
    body = json.dumps({"apiId": api, "routeKey": route_key, "functionName": function})
    request = urllib.request.Request(f"{server.url}/_simulator/http/routes", data=body.encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201


def test_emit_http_sends_the_request_through_the_apis_route(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    api = f"api{uuid.uuid4().hex[:6]}"
    add_route(server, api, "ANY /hello", new_function(server, handler="app.http"))
    assert run(server, "emit", "http", "get", "/hello?name=you", "--api", api, "--json") == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["status"] == 200
    event = answer["body"]
    assert event["rawPath"] == "/hello" and event["rawQueryString"] == "name=you"
    assert event["requestContext"]["http"]["method"] == "GET"
    assert event["requestContext"]["stage"] == "$default"
    assert run(server, "emit", "http", "POST", "hello", "--api", api, "--data", '{"a": 1}',
               "--json") == 0
    posted = json.loads(capsys.readouterr().out)["body"]
    body = posted["body"]
    if posted["isBase64Encoded"]:
        body = base64.b64decode(body).decode()
    assert json.loads(body) == {"a": 1}


def test_emit_http_to_no_route_shows_the_404_and_exits_1(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(server, "emit", "http", "GET", "/nothing", "--api", "no-such-api") == 1
    out, err = capsys.readouterr()
    assert err.strip() == "404"
    assert json.loads(out) == {"message": "Not Found"}


# -- errors of the /_simulator/ API, from a stub -----------------------------------------------


@pytest.fixture
def stub() -> Iterator[dict[str, Any]]:
    """A local HTTP server answering with each of `answer["pages"]` (status, body) in turn,
    then with `answer["status"]` and `answer["body"]`; the paths asked for are in
    `answer["asked"]`."""
    answer: dict[str, Any] = {"status": 200, "body": {}, "pages": [], "asked": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            answer["asked"].append(self.path)
            status, raw = (answer["pages"].pop(0) if answer["pages"]
                           else (answer["status"], answer["body"]))
            body = raw if isinstance(raw, bytes) else json.dumps(raw).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=http.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    answer["url"] = f"http://127.0.0.1:{http.server_address[1]}"
    yield answer
    http.shutdown()
    http.server_close()
    thread.join(timeout=5)


@pytest.mark.parametrize(("body", "line"), [
    ({"__type": "InvalidParameterValueException", "message": "since: digits"},
     "InvalidParameterValueException: since: digits"),
    ({"Type": "User", "Message": "capitalised"}, "capitalised"),
    ({"message": "no type"}, "no type"),
])
def test_a_simulator_api_error_is_its_type_and_message(
        stub: dict[str, Any], body: dict[str, Any], line: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    stub.update(status=400, body=body)
    assert run(stub["url"], "ls") == 1
    assert one_error_line(capsys.readouterr().err) == line


def test_an_error_page_that_is_not_the_simulators_is_one_error_line(
        stub: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    stub.update(status=502, body=b"<html><body>Bad Gateway</body></html>")
    assert run(stub["url"], "ls") == 1
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(stub["url"]) and "HTTP 502" in line


@pytest.mark.parametrize("command", [["invoke", "fn", "--event"],
                                     ["emit", "s3", "bucket", "key", "--body"]])
def test_a_file_that_cannot_be_read_is_one_error_line(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.json"
    assert main([*command, str(missing), "--endpoint", "http://127.0.0.1:9"]) == 1
    assert one_error_line(capsys.readouterr().err) == \
        f"cannot read {missing}: No such file or directory"


def test_logs_follow_shows_a_line_that_arrives_within_a_millisecond_already_shown(
        stub: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    first, second, third = ({"timestamp": t, "message": f"{m}\n"}
                            for t, m in ((5, "first"), (5, "second"), (6, "third")))
    # The function is looked up first (the name might be a stack's logical id).
    stub["pages"] = [(200, {"Configuration": {"FunctionName": "fn"}}),
                     (200, {"events": [first]}), (200, {"events": [first, second]}),
                     (200, {"events": [second, third]})]
    stub.update(status=500, body={"message": "stopped"})  # then an error ends the following

    assert run(stub["url"], "logs", "fn", "--follow") == 1

    assert capsys.readouterr().out.splitlines() == ["first", "second", "third"]
    assert [path.rsplit("since=", 1)[1] for path in stub["asked"] if "since=" in path] == [
        "0", "4", "4", "5"]
