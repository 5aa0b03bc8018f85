"""The same handlers in every runtime: what a function's environment and context hold, how an
uncaught error comes back, and a wrapper script started before the runtime (LocalStack's
test_lambda_common.py). Each runs in its runtime's own container (the Docker executor), since
what it compares is what that container gives the handler. The custom runtimes' handlers are
compiled programs, as the recorded ones were: Rust, built here with `rustc` (a scenario is
skipped where there is none)."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.replay import Replay, scenario

SOURCE = "common"
AREA = "runtimes"
TEST = "TestLambdaRuntimesCommon"
HANDLERS = Path(__file__).parents[1] / "handlers"
PYTHON = ("python3.11", "python3.12", "python3.13", "python3.14")
NODEJS = ("nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x")
PROVIDED = ("provided.al2", "provided.al2023")
# Where each family's handler is, in the archive and in the Handler setting (a custom
# runtime's is not read, but the recorded fixture set one).
HANDLER_FILES = {"python": ("handler.py", "handler.handler"),
                 "nodejs": ("index.js", "index.handler"),
                 "provided": ("bootstrap", "function.handler")}
# The recorder wrote a stack trace, whatever it held, as this.
TRACE_KEYS = ("stackTrace", "trace")
SIMPLE_PAYLOAD = b'{"simple": "payload"}'


def family(runtime: str) -> str:
    return next(name for name in HANDLER_FILES if runtime.startswith(name))


@cache
def compiled(program: str) -> bytes:
    """`handlers/common_provided/<program>.rs` compiled into a static executable."""
    rustc = shutil.which("rustc")
    if rustc is None:
        pytest.skip("the custom runtimes' handlers are Rust programs: rustc is not here")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / program
        subprocess.run([rustc, "--edition", "2021", "-O", "-C", "target-feature=+crt-static",
                        "-C", "strip=symbols", "-o", str(target),
                        str(HANDLERS / "common_provided" / f"{program}.rs")],
                       check=True, capture_output=True)
        return target.read_bytes()


def handler_archive(runtime: str, handler: str, extra: dict[str, str | bytes] | None = None
                    ) -> bytes:
    """An archive of handler `handler` (a folder in `handlers/`; for a custom runtime, a
    program in `handlers/common_provided/`) for `runtime`'s language, with `extra` files made
    executable (as a wrapper script must be)."""
    archive_name = HANDLER_FILES[family(runtime)][0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if family(runtime) == "provided":
            extra = {**(extra or {}), archive_name: compiled(handler)}
        else:
            archive.writestr(archive_name, (HANDLERS / handler / archive_name).read_text())
        for name, content in (extra or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def create(run: Replay, runtime: str, code: bytes, **settings: Any) -> dict[str, Any]:
    """CreateFunction as the recorded fixture made it: the runtime's handler, 1024 MB, the
    default timeout."""
    return run.create_function_plain(
        FunctionName=run.function_name(), Runtime=runtime, Role=run.role,
        Handler=HANDLER_FILES[family(runtime)][1], Code={"ZipFile": code}, MemorySize=1024,
        **settings)


def payload(run: Replay, **params: Any) -> Any:
    """What an invocation returned, as the recorder wrote it."""
    return run.invoke(**params)["Payload"]


def without_traces(response: dict[str, Any]) -> dict[str, Any]:
    """`response` with a stack trace in its payload written as the recorder wrote one; an empty
    trace is kept, so it still shows."""
    body = response.get("Payload")
    if isinstance(body, dict):
        response["Payload"] = {key: "<stack-trace>" if key in TRACE_KEYS and value else value
                               for key, value in body.items()}
    return response


def handler_name(runtime: str, name: str) -> str:
    """The folder of handler `name` in `handlers/`, or for a custom runtime its program."""
    return name if family(runtime) == "provided" else f"common_{name}"


def introspection(runtime: str) -> None:
    @scenario(SOURCE, f"{TEST}::test_introspection_invoke[{runtime}]", AREA, runtime)
    def replay(run: Replay) -> None:
        created = run.record("create_function_result", create(
            run, runtime, handler_archive(runtime, handler_name(runtime, "introspection")),
            Environment={"Variables": {"TEST_KEY": "TEST_VAL"}}))
        run.record("invocation_result_payload", payload(
            run, FunctionName=created["FunctionName"], Payload=SIMPLE_PAYLOAD))
        run.record("invocation_result_payload_qualified", payload(
            run, FunctionName=f"{created['FunctionArn']}:$LATEST", Payload=SIMPLE_PAYLOAD))


def uncaught_exception(runtime: str) -> None:
    @scenario(SOURCE, f"{TEST}::test_uncaught_exception_invoke[{runtime}]", AREA, runtime)
    def replay(run: Replay) -> None:
        created = run.record("create_function_result", create(
            run, runtime, handler_archive(runtime,
                                          handler_name(runtime, "uncaught_exception"))))
        run.record("error_result", without_traces(run.invoke(
            FunctionName=created["FunctionName"], Payload=b'{"error_msg": "some_error_msg"}')))


def runtime_wrapper(runtime: str) -> None:
    @scenario(SOURCE, f"{TEST}::test_runtime_wrapper_invoke[{runtime}]", AREA, runtime)
    def replay(run: Replay) -> None:
        value = f"test-value-{uuid.uuid4().hex[:8]}"
        wrapper = (HANDLERS / "common_runtime_wrapper" / "environment_wrapper").read_text()
        code = handler_archive(runtime, "common_introspection",
                               {"environment_wrapper": wrapper % value})
        created = run.record("create_function_result", create(
            run, runtime, code, Environment={
                "Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/environment_wrapper"}}))
        # Only the creation was recorded; the test also checked that the wrapper ran.
        seen = payload(run, FunctionName=created["FunctionName"], Payload=SIMPLE_PAYLOAD)
        found = seen.get("environment", {}).get("WRAPPER_VAR") if isinstance(seen, dict) \
            else None
        if found != value:
            raise AssertionError(f"the wrapper did not run: WRAPPER_VAR is {found!r}, "
                                 f"not the value it set")


for each in PYTHON + NODEJS + PROVIDED:
    introspection(each)
    uncaught_exception(each)
# AWS starts no wrapper for a custom runtime: its bootstrap is the process.
for each in PYTHON + NODEJS:
    runtime_wrapper(each)
