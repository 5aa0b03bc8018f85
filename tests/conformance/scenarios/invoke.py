"""Invoke behaviour of Python functions: payloads, invocation types, errors and exits, timeouts,
logs, code and handler changes across versions and aliases (LocalStack's test_lambda.py)."""

from __future__ import annotations

import base64
import io
import json
import random
import re
import string
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.conformance.replay import ECHO_HANDLER, Replay, call, scenario, short_id, zip_of

SOURCE = "lambda"
AREA = "invoke"
HANDLERS = Path(__file__).parents[1] / "handlers"
# The recorder wrote every ISO timestamp inside a text as `date`.
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
QUOTED_PAYLOAD = b'{"foo": "bar with \'quotes\\""}'


def handler_zip(handler: str, archive_name: str = "handler.py", version: str | None = None
                ) -> bytes:
    """An archive holding handler `handler` (a file in `handlers/`) under `archive_name`; a
    version report gets its version filled in."""
    source = (HANDLERS / f"{handler}.py").read_text()
    return zip_of({archive_name: source % version if version else source})


def echo_zip(archive_name: str = "handler.py") -> bytes:
    return zip_of({archive_name: ECHO_HANDLER})


def dated(text: str) -> str:
    return TIMESTAMP.sub("date", text)


def tail_lines(response: dict[str, Any]) -> list[str]:
    """The log lines of a LogType=Tail invocation, timestamps written as the recorder did."""
    text = base64.b64decode(response.get("LogResult", "")).decode("utf-8", "replace")
    return [dated(line) for line in text.splitlines()]


def invoke_sync(run: Replay, key: str, **params: Any) -> dict[str, Any]:
    return run.record(key, run.invoke(**params))


@scenario(SOURCE, "TestLambdaFeatures::test_invoke_exceptions", AREA)
def invoke_exceptions(run: Replay) -> None:
    invoke_sync(run, "invoke_function_doesnotexist", FunctionName="doesnotexist")


def no_return_payload(invocation_type: str) -> None:
    @scenario(SOURCE, f"TestLambdaFeatures::test_invocation_type_no_return_payload"
              f"[python-{invocation_type}]", AREA)
    def replay(run: Replay) -> None:
        name = run.function_name()
        run.create_function(name, code=handler_zip("returns_nothing"))
        invoke_sync(run, "invoke-result", FunctionName=name, Payload=b"{}",
                    InvocationType=invocation_type)


for kind in ("RequestResponse", "Event"):
    no_return_payload(kind)


def code_in_bucket(run: Replay) -> dict[str, str]:
    s3 = run.client("s3")
    bucket, key = f"code-{short_id()}", "test_lambda.zip"
    s3.create_bucket(Bucket=bucket)
    s3.upload_fileobj(Fileobj=io.BytesIO(handler_zip("context_report")), Bucket=bucket, Key=key)
    return {"S3Bucket": bucket, "S3Key": key}


@scenario(SOURCE, "TestLambdaFeatures::test_invocation_with_qualifier", AREA)
def invocation_with_qualifier(run: Replay) -> None:
    name = run.function_name()
    created = run.record("creation-response", run.create_function_plain(
        FunctionName=name, Runtime="python3.12", Publish=True, Handler="handler.handler",
        Code=code_in_bucket(run), Timeout=10))
    response = run.invoke(FunctionName=name, Payload=QUOTED_PAYLOAD,
                          Qualifier=created.get("Version", "1"), LogType="Tail")
    run.record("log_result", {"log_result": [line for line in tail_lines(response)
                                             if not line.startswith("REPORT")]})
    run.record("invocation-response", response)


@scenario(SOURCE, "TestLambdaFeatures::test_upload_lambda_from_s3", AREA)
def upload_lambda_from_s3(run: Replay) -> None:
    name = run.function_name()
    run.record("creation-response", run.create_function_plain(
        FunctionName=name, Runtime="python3.12", Handler="handler.handler",
        Code=code_in_bucket(run), Timeout=10))
    invoke_sync(run, "invocation-response", FunctionName=name, Payload=QUOTED_PAYLOAD)


def failing(test: str, handler: str, archive: str, runtime: str = "python3.12") -> None:
    """A function whose handler or start-up fails, invoked once without a payload."""
    @scenario(SOURCE, f"TestLambdaErrors::{test}", AREA)
    def replay(run: Replay) -> None:
        name = run.function_name()
        run.create_function(name, code=handler_zip(handler, f"{archive}.py"),
                            Handler=f"{archive}.handler", Runtime=runtime)
        invoke_sync(run, "invocation_error", FunctionName=name)


failing("test_lambda_handler_error", "handler_error", "lambda_handler_error")
failing("test_lambda_handler_exit", "handler_exit", "lambda_handler_exit")
failing("test_lambda_runtime_error", "init_error", "lambda_runtime_error", "python3.13")
failing("test_lambda_runtime_exit", "init_exit", "lambda_runtime_exit")
failing("test_lambda_runtime_exit_segfault", "init_segfault", "lambda_runtime_exit_segfault")


@scenario(SOURCE, "TestLambdaErrors::test_lambda_runtime_wrapper_not_found", AREA)
def runtime_wrapper_not_found(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, code=echo_zip("lambda_echo.py"), Handler="lambda_echo.handler",
                        Environment={"Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/idontexist.sh"}})
    invoke_sync(run, "invocation_error", FunctionName=name)


def payload_encoding_error(label: str, recorded_payload: str, payload: bytes) -> None:
    @scenario(SOURCE, f"TestLambdaErrors::test_lambda_invoke_payload_encoding_error"
              f"[{label}-{recorded_payload}]", AREA)
    def replay(run: Replay) -> None:
        name = run.function_name()
        run.create_function(name, code=echo_zip("lambda_echo.py"), Handler="lambda_echo.handler")
        invoke_sync(run, f"invoke_function_invalid_payload_{label}", FunctionName=name,
                    Payload=payload)


# The ids spell the payload's bytes as the recorder's test parameters did.
payload_encoding_error("body", r"n\x87r\x9e\xe9\xb5\xd7I\xee\x9bmt",
                       b"n\x87r\x9e\xe9\xb5\xd7I\xee\x9bmt")
payload_encoding_error("message", r"\x99\xeb,j\x07\xa1zYh", b"\x99\xeb,j\x07\xa1zYh")


@scenario(SOURCE, "TestLambdaBehavior::test_lambda_cache_local[python]", AREA)
def cache_local(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, code=handler_zip("counter"))
    invoke_sync(run, "first_invoke_result", FunctionName=name)
    invoke_sync(run, "second_invoke_result", FunctionName=name)


def sleeper(test: str, timeout: int, wait: int) -> None:
    """A function with `timeout` seconds that sleeps `wait` seconds."""
    @scenario(SOURCE, f"TestLambdaBehavior::{test}", AREA)
    def replay(run: Replay) -> None:
        name = run.function_name()
        run.record("create-result", run.create_function(name, code=handler_zip("sleeper"),
                                                        Timeout=timeout))
        invoke_sync(run, "invoke-result", FunctionName=name, Payload=json.dumps({"wait": wait}))


sleeper("test_lambda_invoke_with_timeout", timeout=1, wait=2)
sleeper("test_lambda_invoke_no_timeout", timeout=2, wait=1)


@scenario(SOURCE, "TestLambdaBaseFeatures::test_function_state", AREA)
def function_state(run: Replay) -> None:
    name = run.function_name()
    run.record("create-fn-response", run.create_function_plain(
        FunctionName=name, Runtime="python3.12", Handler="handler.handler",
        Code={"ZipFile": echo_zip()}))
    run.capture("get-fn-response", "get_function", FunctionName=name)


@scenario(SOURCE, "TestLambdaBaseFeatures::test_lambda_too_large_response", AREA)
def too_large_response(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, code=handler_zip("response_size"))
    payload = json.dumps({"bytenum": 7 * 1024 * 1024})
    invoke_sync(run, "invoke_result", FunctionName=name, Payload=payload)
    invoke_sync(run, "invoke_result_2", FunctionName=name, Payload=payload)


def assume_role(name_length: int) -> None:
    @scenario(SOURCE, f"TestLambdaBaseFeatures::test_assume_role[{name_length}]", AREA)
    def replay(run: Replay) -> None:
        name = random.choice(string.ascii_letters) * name_length
        run.on_cleanup(lambda: call(run.lambda_, "delete_function", FunctionName=name))
        role = f"arn:aws:iam::{run.account_id}:role/lambda-autogenerated-{short_id()}"
        run.create_function(name, code=handler_zip("caller_identity"), Role=role)
        payload = run.invoke(FunctionName=name).get("Payload")
        run.record("invoke-result-assumed-role-arn",
                   payload.get("Arn") if isinstance(payload, dict) else payload)


assume_role(1)
assume_role(2)


@scenario(SOURCE, "TestLambdaCleanup::test_recreate_function", AREA)
def recreate_function(run: Replay) -> None:
    name = run.function_name()
    settings: dict[str, Any] = {"code": echo_zip("lambda_echo.py"),
                                "Handler": "lambda_echo.handler"}
    run.record("create_function_response_one", run.create_function(name, **settings))
    run.call("delete_function", FunctionName=name)
    run.record("create_function_response_two", run.create_function(name, **settings))
    answer = run.invoke(FunctionName=name, InvocationType="Event")
    if answer.get("StatusCode") != 202:
        raise AssertionError(f"the asynchronous invoke was answered {answer}")


def versioned(run: Replay, name: str, description: str, **settings: Any) -> dict[str, Any]:
    """A function whose handler reports version `version1`, created as the recorder did."""
    return run.create_function_plain(
        FunctionName=name, Handler="handler.handler",
        Code={"ZipFile": handler_zip("version_report", version="version1")},
        PackageType="Zip", Runtime="python3.12", Description=description, **settings)


def updated(run: Replay, name: str, version: str, **params: Any) -> dict[str, Any]:
    return run.call("update_function_code", FunctionName=name,
                    ZipFile=handler_zip("version_report", version=version), **params)


def settled(run: Replay, name: str, qualifier: str | None = None) -> None:
    run.wait("function_updated_v2", FunctionName=name,
             **({"Qualifier": qualifier} if qualifier else {}))


@scenario(SOURCE, "TestLambdaVersions::test_lambda_versions_with_code_changes", AREA)
def versions_with_code_changes(run: Replay) -> None:
    name = run.function_name()
    run.record("create_response", versioned(run, name, "No version :("))
    first = run.capture("first_publish_response", "publish_version", FunctionName=name,
                        Description="First version description :)").get("Version", "1")
    run.record("update_lambda_response", updated(run, name, "version2"))
    settled(run, name)
    invoke_sync(run, "invocation_result_latest", FunctionName=name, Payload=b"{}")
    invoke_sync(run, "invocation_result_v1", FunctionName=name, Qualifier=first, Payload=b"{}")
    second = run.capture("second_publish_response", "publish_version", FunctionName=name,
                         Description="Second version description :)").get("Version", "2")
    settled(run, name, second)
    invoke_sync(run, "invocation_result_v2", FunctionName=name, Qualifier=second, Payload=b"{}")
    third = run.record("update_lambda_response_with_publish",
                       updated(run, name, "version3", Publish=True)).get("Version", "3")
    settled(run, name, third)
    invoke_sync(run, "invocation_result_v3", FunctionName=name, Qualifier=third, Payload=b"{}")
    invoke_sync(run, "invocation_result_latest_end", FunctionName=name, Payload=b"{}")
    invoke_sync(run, "invocation_result_v2_end", FunctionName=name, Qualifier=second,
                Payload=b"{}")
    invoke_sync(run, "invocation_result_v1_end", FunctionName=name, Qualifier=first,
                Payload=b"{}")


@scenario(SOURCE, "TestLambdaVersions::test_lambda_handler_update", AREA)
def handler_update(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, code=handler_zip("two_handlers"))
    invoke_sync(run, "invoke_result_handler_one", FunctionName=name)
    run.capture("update_function_configuration_result", "update_function_configuration",
                FunctionName=name, Handler="handler.handler_two")
    settled(run, name)
    run.capture("get_function_result", "get_function", FunctionName=name)
    invoke_sync(run, "invoke_result_handler_two", FunctionName=name)
    version = run.call("publish_version", FunctionName=name).get("Version", "1")
    settled(run, name, version)
    invoke_sync(run, "invoke_result_handler_two_postpublish", FunctionName=name)


@scenario(SOURCE, "TestLambdaAliases::test_lambda_alias_moving", AREA)
def alias_moving(run: Replay) -> None:
    name = run.function_name()
    run.record("create_response", versioned(run, name, "No version :("))
    first = run.call("publish_version", FunctionName=name,
                     Description="First version description :)").get("Version", "1")
    settled(run, name, first)
    alias = run.capture("create_alias_response", "create_alias", FunctionName=name,
                        FunctionVersion=first, Name="alias1")
    invoke_sync(run, "invocation_result_qualifier_v1", FunctionName=name, Qualifier="alias1",
                Payload=b"{}")
    invoke_sync(run, "invocation_result_qualifier_v1_arn",
                FunctionName=alias.get("AliasArn", name), Payload=b"{}")
    run.record("update_lambda_response", updated(run, name, "version2"))
    settled(run, name)
    invoke_sync(run, "invocation_result_qualifier_v1_after_update", FunctionName=name,
                Qualifier="alias1", Payload=b"{}")
    second = run.capture("second_publish_response", "publish_version", FunctionName=name,
                         Description="Second version description :)").get("Version", "2")
    settled(run, name, second)
    invoke_sync(run, "invocation_result_qualifier_v1_after_publish", FunctionName=name,
                Qualifier="alias1", Payload=b"{}")
    run.capture("update_alias_response", "update_alias", FunctionName=name, Name="alias1",
                FunctionVersion=second)
    invoke_sync(run, "invocation_result_qualifier_v2", FunctionName=name, Qualifier="alias1",
                Payload=b"{}")
    invoke_sync(run, "invocation_exc_not_existent", FunctionName=name,
                Qualifier="non-existent-alias", Payload=b"{}")


@scenario(SOURCE, "TestLambdaAliases::test_alias_routingconfig", AREA)
def alias_routingconfig(run: Replay) -> None:
    name = run.function_name()
    first = versioned(run, name, "First version :)", Publish=True).get("Version", "1")
    settled(run, name)
    updated(run, name, "version2")
    settled(run, name)
    second = run.call("publish_version", FunctionName=name,
                      Description="Second version description :)").get("Version", "2")
    settled(run, name, second)
    run.capture("create_alias_response", "create_alias", FunctionName=name,
                FunctionVersion=first, Name="alias1",
                RoutingConfig={"AdditionalVersionWeights": {second: 0.5}})
    versions_hit = set()
    for _ in range(20):
        payload = run.invoke(FunctionName=name, Qualifier="alias1", Payload=b"{}")["Payload"]
        versions_hit.add(payload["version_from_ctx"])
        if len(versions_hit) == 2:
            return
    raise AssertionError(f"20 invocations of the alias ran only versions {versions_hit}")


@scenario(SOURCE, "TestRequestIdHandling::test_request_id_invoke", AREA)
def request_id_invoke(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, code=handler_zip("request_id"))
    invoke_sync(run, "invoke_result", FunctionName=name)
    logs = run.client("logs")
    deadline = time.monotonic() + 20
    while True:
        events = call(logs, "filter_log_events", logGroupName=f"/aws/lambda/{name}"
                      ).get("events", [])
        if any("REPORT" in event["message"] for event in events) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    run.record("log_entries", {"logs": [dated(event["message"].rstrip()) for event in events
                                        if "RequestId" in event["message"]]})


def handler_archive(handler: str, archive_name: str) -> bytes:
    """An archive holding handler file `handler` (its name with extension, in `handlers/`)."""
    return zip_of({archive_name: (HANDLERS / handler).read_text()})


# Some recordings' runtimes (python3.10, nodejs16.x, nodejs18.x) are not ones the simulator
# runs here: their replays use the nearest it does where nothing compared names the runtime.
RECORDED_RUNTIMES = {"python3.10": ("python3.12", "echo.py"), "nodejs16.x": ("nodejs20.x",
                                                                           "echo.js")}


def echo_function(run: Replay, recorded_runtime: str) -> str:
    """The recordings' echo function of that runtime (printing and returning its event)."""
    runtime, handler = RECORDED_RUNTIMES[recorded_runtime]
    name = run.function_name()
    code = echo_zip() if handler == "echo.py" else handler_archive(handler, "handler.js")
    run.create_function(name, code=code, Runtime=runtime)
    return name


def per_runtime(test: str, replay: Callable[[Replay, str], None]) -> None:
    for recorded_runtime in RECORDED_RUNTIMES:
        scenario(SOURCE, f"TestLambdaFeatures::{test}[{recorded_runtime}]", AREA)(
            lambda run, runtime=recorded_runtime: replay(run, runtime))


def invocation_with_logs(run: Replay, runtime: str) -> None:
    name = echo_function(run, runtime)
    response = run.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
    text = base64.b64decode(response.get("LogResult", "")).decode("utf-8", "replace")
    # The recorder wrote the LogResult as `log-result`, whatever it was.
    run.record("invoke", {**response, "LogResult": "log-result"} if "LogResult" in response
               else response)
    run.record("logs", {"logs": [report_written(dated(line))
                                 for line in text.splitlines(keepends=True)]})


def report_written(line: str) -> str:
    """A REPORT line with its measured values written as the recorder's transformer did."""
    if not line.startswith("REPORT"):
        return line
    line = re.sub(r"(Duration|Init Duration): [\d.]+ ms", r"\1: <duration> ms", line)
    return re.sub(r"Max Memory Used: \d+ MB", "Max Memory Used: <memory> MB", line)


def invocation_type(kind: str) -> Callable[[Replay, str], None]:
    def replay(run: Replay, runtime: str) -> None:
        invoke_sync(run, "invoke-result", FunctionName=echo_function(run, runtime),
                    Payload=b"{}", InvocationType=kind)
    return replay


per_runtime("test_invocation_with_logs", invocation_with_logs)
per_runtime("test_invocation_type_request_response", invocation_type("RequestResponse"))
per_runtime("test_invocation_type_event", invocation_type("Event"))
per_runtime("test_invocation_type_dry_run", invocation_type("DryRun"))


def node_no_return_payload(invocation_type: str) -> None:
    @scenario(SOURCE, f"TestLambdaFeatures::test_invocation_type_no_return_payload"
              f"[nodejs-{invocation_type}]", AREA)
    def replay(run: Replay) -> None:
        name = run.function_name()
        run.create_function(name, Runtime="nodejs20.x", Handler="handler.handler",
                            code=handler_archive("returns_nothing.js", "handler.js"))
        invoke_sync(run, "invoke-result", FunctionName=name, Payload=b"{}",
                    InvocationType=invocation_type)


for kind in ("RequestResponse", "Event"):
    node_no_return_payload(kind)


def log_messages(run: Replay, name: str, done: Callable[[list[str]], bool],
                 wait: float = 20) -> list[str]:
    """The function's log messages once `done` holds of them, or after `wait` seconds."""
    logs = run.client("logs")
    deadline = time.monotonic() + wait
    while True:
        events = call(logs, "filter_log_events", logGroupName=f"/aws/lambda/{name}"
                      ).get("events", [])
        messages = [event["message"] for event in events]
        if done(messages) or time.monotonic() > deadline:
            return messages
        time.sleep(0.5)


def reports(count: int) -> Callable[[list[str]], bool]:
    return lambda messages: sum("REPORT" in message for message in messages) >= count


@scenario(SOURCE, "TestLambdaFeatures::test_lambda_with_context", AREA)
def lambda_with_context(run: Replay) -> None:
    name = run.function_name()
    run.record("creation", run.create_function(
        name, Runtime="nodejs20.x", Handler="lambda_integration.handler",
        code=handler_archive("context_report.js", "lambda_integration.js")))
    client_context = {"custom": {"foo": "bar"}, "client": {"snap": ["crackle", "pop"]},
                      "env": {"fizz": "buzz"}}
    invoke_sync(run, "invocation", FunctionName=name, Payload=b"{}",
                ClientContext=base64.b64encode(json.dumps(client_context).encode()).decode())


@scenario(SOURCE, "TestLambdaBehavior::test_lambda_cache_local[nodejs]", AREA)
def cache_local_nodejs(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, Runtime="nodejs20.x", Handler="handler.handler",
                        code=handler_archive("counter.js", "handler.js"))
    invoke_sync(run, "first_invoke_result", FunctionName=name)
    invoke_sync(run, "second_invoke_result", FunctionName=name)


@scenario(SOURCE, "TestLambdaBehavior::test_lambda_invoke_timed_out_environment_reuse", AREA)
def timed_out_environment_reuse(run: Replay) -> None:
    name = run.function_name()
    run.record("create-result", run.create_function(name, code=handler_zip("environment_state"),
                                                    Timeout=1))
    for key, event in [("file-write", {"write-file": "some-content"}),
                       ("file-read", {"read-file": True}), ("set-number", {"set-number": 42}),
                       ("read-number", {"read-number": True}), ("timed-out", {"sleep": 2}),
                       ("file-read-after-timeout", {"read-file": True}),
                       ("read-number-after-timeout", {"read-number": True})]:
        invoke_sync(run, f"invoke-result-{key}", FunctionName=name, Payload=json.dumps(event))


@scenario(SOURCE, "TestRequestIdHandling::test_request_id_async_invoke_with_retry", AREA)
def request_id_async_invoke_with_retry(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, code=handler_zip("request_id_or_failure"))
    run.call("put_function_event_invoke_config", FunctionName=name, MaximumRetryAttempts=1)
    settled(run, name)
    invoke_sync(run, "invoke_result", FunctionName=name, InvocationType="Event",
                Payload=json.dumps({"fail": 1}))
    # Lambda retries a failed event after a minute.
    messages = log_messages(run, name, reports(2), wait=150)
    run.record("end_messages", [message.rstrip() for message in messages if "END" in message])


@scenario(SOURCE, "TestLambdaVersions::test_function_update_during_invoke", AREA)
def function_update_during_invoke(run: Replay) -> None:
    name = run.function_name()
    variables = {"FUNCTION_VARIANT": "variant-1"}
    run.create_function(name, code=handler_zip("variant_report"),
                        Environment={"Variables": variables})

    def update_then_invoke() -> None:
        time.sleep(5)
        run.call("update_function_configuration", FunctionName=name,
                 Environment={"Variables": {"FUNCTION_VARIANT": "variant-2"}})
        settled(run, name)
        after = run.invoke(FunctionName=name, Payload=json.dumps(
            {"request_prefix": "2-post-update"}))["Payload"]
        if (after.get("function_variant"), after.get("function_version")) != (
                "variant-2", "$LATEST"):
            raise AssertionError(f"the invoke after the update ran {after}")

    with ThreadPoolExecutor(1) as pool:
        updating = pool.submit(update_then_invoke)
        invoke_sync(run, "invoke_response_before", FunctionName=name, Payload=json.dumps(
            {"request_prefix": "1-sleep", "sleep_seconds": 20}))
        updating.result()


@scenario(SOURCE, "TestLambdaVersions::test_async_invoke_queue_upon_function_update", AREA)
def async_invoke_queue_upon_function_update(run: Replay) -> None:
    s3 = run.client("s3")
    bucket = f"lambda-target-bucket-{short_id()}"
    s3.create_bucket(Bucket=bucket)
    name = run.function_name()
    variables = {"S3_BUCKET_NAME": bucket, "FUNCTION_VARIANT": "variant-1"}
    run.create_function(name, code=handler_zip("variant_report"),
                        Environment={"Variables": variables})
    run.call("put_function_concurrency", FunctionName=name, ReservedConcurrentExecutions=1)

    def queue_event(number: int, label: str, **event: Any) -> None:
        run.call("invoke", FunctionName=name, InvocationType="Event",
                 Payload=json.dumps({"request_prefix": f"{number:02}-{label}", **event}))

    queue_event(1, "sleep", sleep_seconds=22)
    time.sleep(2)
    for number in range(2, 11):  # queued behind the first, which holds the one slot
        queue_event(number, "before")
    run.call("update_function_configuration", FunctionName=name,
             Environment={"Variables": {**variables, "FUNCTION_VARIANT": "variant-2"}})
    settled(run, name)
    for number in range(11, 16):
        queue_event(number, "after")
    deadline = time.monotonic() + 180  # throttled events come back with a growing backoff
    while True:
        keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get(
            "Contents", []))
        if len(keys) >= 15 or time.monotonic() > deadline:
            break
        time.sleep(2)
    # The recorder wrote the first invoke's key as the first variant's, whichever ran it.
    run.record("async_invoke_history_sorted",
               [key.replace("01-sleep--variant-2", "01-sleep--variant-1") for key in keys])


@scenario(SOURCE, "TestLambdaBaseFeatures::test_lambda_different_iam_keys_environment", AREA)
def different_iam_keys_environment(run: Replay) -> None:
    name = run.function_name()
    run.record("create-result", run.create_function(name, code=handler_zip("environment_report")))

    def environment(_: int) -> dict[str, str]:
        answer = run.invoke(FunctionName=name, Payload=json.dumps({"sleep": 2}))
        return dict(answer["Payload"]["environment"])

    with ThreadPoolExecutor(2) as pool:  # at once, so in two environments
        first, second = pool.map(environment, range(2))
    if first["AWS_LAMBDA_LOG_STREAM_NAME"] == second["AWS_LAMBDA_LOG_STREAM_NAME"]:
        raise AssertionError("both invocations ran in one environment")
    same = [key for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
            if first.get(key) == second.get(key)]
    if same:
        raise AssertionError(f"two environments have the same credentials: {same}")
