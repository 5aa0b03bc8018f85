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
