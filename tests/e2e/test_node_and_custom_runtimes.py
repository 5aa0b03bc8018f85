"""Node.js and custom (provided.*) runtimes through boto3, with each executor: handler styles,
module kinds, the context, AWS's error shapes and log lines, timeouts, and a bootstrap of the
function's own that speaks the Runtime API."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import textwrap
import time
import zipfile
from typing import Any

import docker
import pytest
from botocore.exceptions import ClientError

from simulator.executors.docker import DockerExecutor
from simulator.executors.image_builder import RUNTIMES, build_images
from simulator.http_server import SimulatorServer
from tests.conftest import require_interpreter
from tests.helpers import ROLE, create_function, unique_name

NODE = "nodejs20.x"
SLOW_MACHINE_TIMEOUT = 30  # not 3 s: a loaded CI machine must not turn these into timeouts
TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"

ECHO = """
exports.handler = async (event, context) => {
  console.log('hello', event.name);
  return { echo: event, node: process.versions.node, env: process.env.AWS_EXECUTION_ENV };
};
"""

CONTEXT = """
exports.handler = async (event, context) => ({
  awsRequestId: context.awsRequestId,
  invokedFunctionArn: context.invokedFunctionArn,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  memoryLimitInMB: context.memoryLimitInMB,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  identity: context.identity === undefined ? 'undefined' : context.identity,
  clientContext: context.clientContext,
  remaining: context.getRemainingTimeInMillis(),
  waits: context.callbackWaitsForEmptyEventLoop,
});
"""

# A custom runtime in bash alone: the Runtime API over /dev/tcp, one connection a request.
# bash is in every image the provided.* runtimes build on (Debian's, Amazon Linux's).
BASH_BOOTSTRAP = r"""#!/bin/bash
set -eu
export LC_ALL=C
host=${AWS_LAMBDA_RUNTIME_API%:*}
port=${AWS_LAMBDA_RUNTIME_API##*:}
api=/2018-06-01/runtime

send() {  # METHOD PATH BODY: one request on fd 3, its response left there to read
    exec 3<>"/dev/tcp/$host/$port"
    printf '%s %s%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n' \
        "$1" "$api" "$2" "$host" >&3
    printf 'Content-Length: %d\r\nConnection: close\r\n\r\n%s' "${#3}" "$3" >&3
}

count=0
while true; do
    send GET /invocation/next ""
    request_id=""
    while IFS= read -r line <&3; do
        line=${line%$'\r'}
        [ -z "$line" ] && break
        case ${line,,} in lambda-runtime-aws-request-id:*) request_id=${line#*: } ;; esac
    done
    event=$(cat <&3)
    exec 3<&-
    count=$((count + 1))
    echo "bootstrap got $event"
    send POST "/invocation/$request_id/response" \
        "{\"echo\": $event, \"count\": $count, \"handler\": \"$_HANDLER\"}"
    cat <&3 >/dev/null
    exec 3<&-
done
"""


def require_runtime(server: SimulatorServer, runtime: str) -> None:
    """Skip when this executor cannot run `runtime` here. With LAMBDA_SIM_REQUIRE_DOCKER=1 (CI,
    which builds the offline images first) a missing image that could be built offline fails."""
    executor = server.simulator.executor
    if isinstance(executor, DockerExecutor) and executor.missing_images([runtime]):
        reason = (f"runtime image {runtime} not built "
                  f"(lambda-sim images build --offline {runtime})")
        if RUNTIMES[runtime].offline_base is None:
            pytest.skip(f"{runtime} cannot be built offline and its image is not here")
        if os.environ.get("LAMBDA_SIM_REQUIRE_DOCKER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    require_interpreter(executor.name, runtime)


@pytest.fixture
def node(server: SimulatorServer) -> str:
    require_runtime(server, NODE)
    return NODE


def node_function(client: Any, files: dict[str, str] | str, **settings: Any) -> str:
    files = {"index.js": files} if isinstance(files, str) else files
    settings.setdefault("Runtime", NODE)
    settings.setdefault("Timeout", SLOW_MACHINE_TIMEOUT)
    return create_function(client, files, Handler=settings.pop("Handler", "index.handler"),
                           **settings)


def invoke(client: Any, name: str, payload: Any = None, **options: Any) -> tuple[dict, Any]:
    response = client.invoke(FunctionName=name, Payload=json.dumps(payload or {}), **options)
    return response, json.loads(response["Payload"].read() or b"null")


def log_of(response: dict) -> str:
    return base64.b64decode(response["LogResult"]).decode()


def wait_for_log(server: SimulatorServer, name: str, text: str) -> str:
    """The function's first log line holding `text`: output written while no invocation ran
    (at init, or by a dying runtime) is in the function's log, not in an invocation's tail."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for event in server.simulator.logs.events(name):
            if text in event.message:
                return event.message
        time.sleep(0.05)
    raise AssertionError(f"no log line of {name} holds {text!r}")


@pytest.mark.parametrize("runtime", ["nodejs18.x", "nodejs20.x", "nodejs22.x"])
def test_each_node_runtime_runs_an_async_handler(
    client: Any, server: SimulatorServer, executor_name: str, runtime: str
) -> None:
    require_runtime(server, runtime)
    name = node_function(client, ECHO, Runtime=runtime)
    response, body = invoke(client, name, {"name": "node"})
    assert "FunctionError" not in response
    assert body["echo"] == {"name": "node"}
    assert body["env"] == f"AWS_Lambda_{runtime}"
    assert body["node"].split(".")[0] == runtime.removeprefix("nodejs").removesuffix(".x")


def test_callback_handlers(client: Any, node: str) -> None:
    name = node_function(client, """
        exports.handler = (event, context, callback) => {
          if (event.style === 'late') setTimeout(() => callback(null, { late: true }), 20);
          if (event.style === 'fail') callback(new Error('called back'));
          if (event.style === 'context') context.succeed({ via: 'context' });
          if (event.style === 'wait') {
            setTimeout(() => console.log('timer done'), 200);
            callback(null, 'after the timer');
          }
          // 'never': no callback, nothing pending; AWS answers null
        };
    """)
    assert invoke(client, name, {"style": "late"})[1] == {"late": True}
    assert invoke(client, name, {"style": "context"})[1] == {"via": "context"}
    assert invoke(client, name, {"style": "never"})[1] is None
    response, body = invoke(client, name, {"style": "fail"})
    assert response["FunctionError"] == "Unhandled"
    assert body["errorMessage"] == "called back"
    response, body = invoke(client, name, {"style": "wait"}, LogType="Tail")
    assert body == "after the timer"
    assert "\tINFO\ttimer done" in log_of(response)  # the empty event loop was awaited


@pytest.mark.parametrize(
    ("files", "handler"),
    [
        ({"src/handlers/app.mjs": """
            import { greeting } from './greeting.mjs';
            const loaded = await Promise.resolve('top-level await');
            export const handler = async (event) => ({ kind: greeting, loaded });
          """, "src/handlers/greeting.mjs": "export const greeting = 'esm';"},
         "src/handlers/app.handler"),
        ({"lib/app.cjs": "module.exports.nested = { handler: async () => ({ kind: 'cjs' }) };"},
         "lib/app.nested.handler"),
        ({"package.json": '{"type": "module"}',
          "app.js": "export const handler = async () => ({ kind: 'esm by package.json' });"},
         "app.handler"),
    ],
    ids=["mjs-nested", "cjs-nested-export", "js-type-module"],
)
def test_module_kinds_and_nested_handlers(
    client: Any, node: str, files: dict[str, str], handler: str
) -> None:
    name = node_function(client, files, Handler=handler)
    response, body = invoke(client, name)
    assert "FunctionError" not in response, body
    assert body["kind"] in ("esm", "cjs", "esm by package.json")
    if handler == "src/handlers/app.handler":
        assert body == {"kind": "esm", "loaded": "top-level await"}


def test_context_fields(client: Any, node: str) -> None:
    name = node_function(client, CONTEXT, Timeout=7, MemorySize=256)
    client_context = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    _, body = invoke(client, name, ClientContext=client_context)
    assert re.fullmatch(r"[0-9a-f-]{36}", body["awsRequestId"])
    assert body["invokedFunctionArn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    assert body["functionName"] == name
    assert body["functionVersion"] == "$LATEST"
    assert body["memoryLimitInMB"] == "256"
    assert body["logGroupName"] == f"/aws/lambda/{name}"
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]+", body["logStreamName"])
    assert body["identity"] == "undefined"
    assert body["clientContext"]["custom"] == {"k": "v"}
    assert 5000 < body["remaining"] <= 7000
    assert body["waits"] is True


def test_error_shapes_and_log(client: Any, node: str) -> None:
    name = node_function(client, """
        const handler = async (event) => {
          if (event.throw === 'string') throw 'plain string';
          throw new TypeError('boom');
        };
        module.exports = { handler };
    """)
    response, body = invoke(client, name, LogType="Tail")
    assert response["FunctionError"] == "Unhandled"
    assert set(body) == {"errorType", "errorMessage", "trace"}
    assert (body["errorType"], body["errorMessage"]) == ("TypeError", "boom")
    assert body["trace"][0] == "TypeError: boom"
    assert re.fullmatch(r"    at Runtime\.handler \(/.+/index\.js:\d+:\d+\)", body["trace"][1])
    logged = log_of(response)
    assert re.search(r"\tERROR\tInvoke Error \t\{\"errorType\":\"TypeError\",\"errorMessage\":"
                     r"\"boom\",\"stack\":\[\"TypeError: boom\"", logged)
    _, body = invoke(client, name, {"throw": "string"})
    assert body == {"errorType": "string", "errorMessage": "plain string", "trace": []}


@pytest.mark.parametrize(
    ("files", "handler", "error_type", "message"),
    [
        ({"other.js": ""}, "index.handler", "Runtime.ImportModuleError",
         "Error: Cannot find module 'index'\nRequire stack:\n- "),
        ({"index.js": "exports.other = 1;"}, "index.handler", "Runtime.HandlerNotFound",
         "index.handler is undefined or not exported"),
        ({"index.js": "exports.handler = 1;"}, "index.handler", "Runtime.HandlerNotFound",
         "index.handler is not a function"),
        ({"index.js": "exports.handler = () => {"}, "index.handler",
         "Runtime.UserCodeSyntaxError", "SyntaxError: "),
        ({"index.js": "throw new RangeError('at init');"}, "index.handler", "RangeError",
         "at init"),
        ({"index.js": ""}, "index", "Runtime.MalformedHandlerName", "Bad handler"),
    ],
    ids=["no-module", "no-export", "not-a-function", "syntax", "throws-at-init", "malformed"],
)
def test_init_errors(client: Any, server: SimulatorServer, node: str, files: dict[str, str],
                     handler: str, error_type: str, message: str) -> None:
    name = node_function(client, files, Handler=handler)
    response, body = invoke(client, name)
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == error_type
    assert body["errorMessage"].startswith(message)
    assert body["trace"][0].startswith(f"{error_type}: {message.splitlines()[0]}")
    line = wait_for_log(server, name, "Uncaught Exception")
    assert re.match(f"{TIMESTAMP}\tundefined\tERROR\tUncaught Exception \t"
                    f'{{"errorType":"{re.escape(error_type)}"', line), line


def test_console_lines_in_log_tail(client: Any, node: str) -> None:
    name = node_function(client, """
        exports.handler = async (event, context) => {
          console.log('hello %s', 'world', 42);
          console.info({ nested: { a: 1 } });
          console.warn('careful');
          console.error('bad');
          console.debug('detail');
          process.stdout.write('raw stdout\\n');
          process.stderr.write('raw stderr\\n');
          return context.awsRequestId;
        };
    """)
    response, request_id = invoke(client, name, LogType="Tail")
    lines = log_of(response).splitlines()
    expected = [
        ("INFO", "hello world 42"), ("INFO", r"\{ nested: \{ a: 1 \} \}"), ("WARN", "careful"),
        ("ERROR", "bad"), ("DEBUG", "detail"),
    ]
    assert lines[0] == f"START RequestId: {request_id} Version: $LATEST"
    for line, (level, message) in zip(lines[1:6], expected, strict=True):
        assert re.fullmatch(f"{TIMESTAMP}\t{request_id}\t{level}\t{message}", line), line
    assert lines[6:8] == ["raw stdout", "raw stderr"]
    assert lines[8] == f"END RequestId: {request_id}"
    assert lines[9].startswith(f"REPORT RequestId: {request_id}\tDuration: ")
    assert re.search(r"\tMax Memory Used: [1-9]\d* MB\t", lines[9])


def test_timeout(client: Any, node: str) -> None:
    name = node_function(client, """
        exports.handler = async (event) => {
          if (event.sleep) await new Promise((resolve) => setTimeout(resolve, 30000));
          return 'awake';
        };
    """, Timeout=1)
    invoke(client, name)
    started = time.monotonic()
    response, body = invoke(client, name, {"sleep": True}, LogType="Tail")
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"].endswith("Error: Task timed out after 1.00 seconds")
    assert 1.0 <= time.monotonic() - started < 4.0
    assert "Task timed out after 1.00 seconds" in log_of(response)
    assert invoke(client, name)[1] == "awake"


def test_process_executor_without_node_is_a_service_exception(
    client: Any, executor_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if executor_name != "process":
        pytest.skip("only the process executor runs the host's `node`")
    name = node_function(client, ECHO)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ClientError) as raised:
        invoke(client, name)
    error = raised.value.response["Error"]
    assert error["Code"] == "ServiceException"
    assert "needs Node.js 20, and no `node` is on this machine's PATH" in error["Message"]


def custom_runtime_zip(files: dict[str, str]) -> bytes:
    """A zip whose `bootstrap` is executable, as a custom runtime's must be."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            entry = zipfile.ZipInfo(name)
            entry.external_attr = (0o755 if name == "bootstrap" else 0o644) << 16
            archive.writestr(entry, textwrap.dedent(text))
    return buffer.getvalue()


def custom_function(client: Any, files: dict[str, str]) -> str:
    name = unique_name("custom")
    client.create_function(FunctionName=name, Runtime="provided.al2023", Role=ROLE,
                           Handler="function.handler", Timeout=SLOW_MACHINE_TIMEOUT,
                           Code={"ZipFile": custom_runtime_zip(files)})
    client.get_waiter("function_active_v2").wait(FunctionName=name)
    return name


def test_custom_runtime_bootstrap_echoes_events(client: Any, server: SimulatorServer) -> None:
    require_runtime(server, "provided.al2023")
    name = custom_function(client, {"bootstrap": BASH_BOOTSTRAP})
    response, body = invoke(client, name, {"hello": "bash"})
    assert "FunctionError" not in response, body
    assert body == {"echo": {"hello": "bash"}, "count": 1, "handler": "function.handler"}
    assert invoke(client, name, {"again": True})[1]["count"] == 2  # the same, warm, process


def test_custom_runtime_without_bootstrap_fails_the_invoke(
    client: Any, server: SimulatorServer
) -> None:
    require_runtime(server, "provided.al2023")
    name = custom_function(client, {"README": "no bootstrap here"})
    response, body = invoke(client, name)
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ExitError"
    assert wait_for_log(server, name, "Couldn't find valid bootstrap(s): [").endswith(
        "/bootstrap]\n")


def test_offline_images_rebuild_as_no_ops_and_python312_is_not_offline(
    server: SimulatorServer,
) -> None:
    if not isinstance(server.simulator.executor, DockerExecutor):
        pytest.skip("images are Docker's")
    built = ["nodejs18.x", "nodejs20.x", "nodejs22.x", "provided.al2", "provided.al2023"]
    for runtime in built:
        require_runtime(server, runtime)
    outcomes = build_images(docker.from_env(), [*built, "python3.12"], offline=True,
                            report=lambda line: None)
    assert {o.runtime: o.status for o in outcomes} == {
        **dict.fromkeys(built, "unchanged"), "python3.12": "skipped"}
    assert "python3.12 cannot be built offline" in outcomes[-1].reason
