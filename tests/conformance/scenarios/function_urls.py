"""Function URL configurations (lifecycle, per alias, paging), and requests to the URLs
themselves compared on what the client got and what the handler saw."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import requests

from tests.conformance.replay import Replay, as_recorded, scenario, short_id, zip_of
from tests.conformance.scenarios.invoke import log_messages, reports

API = "lambda_api"
NODE_HANDLER = "exports.handler = async (event) => ({statusCode: 200, body: 'hello'});\n"


def node_function(run: Replay) -> str:
    name = run.function_name()
    run.create_function(name, Runtime="nodejs20.x", Handler="lambda_handler.handler",
                        code=zip_of({"lambda_handler.js": NODE_HANDLER}))
    return name


@scenario(API, "TestLambdaUrl::test_url_config_lifecycle", "function_urls")
def url_config_lifecycle(run: Replay) -> None:
    name = node_function(run)
    run.capture("url_creation", "create_function_url_config", FunctionName=name, AuthType="NONE")
    run.capture("failed_duplication", "create_function_url_config", FunctionName=name,
                AuthType="NONE")
    run.capture("get_url_config", "get_function_url_config", FunctionName=name)
    run.capture("updated_url_config", "update_function_url_config", FunctionName=name,
                AuthType="AWS_IAM")
    run.call("delete_function_url_config", FunctionName=name)
    run.capture("failed_getter", "get_function_url_config", FunctionName=name)


@scenario(API, "TestLambdaUrl::test_url_config_list_paging", "function_urls")
def url_config_list_paging(run: Replay) -> None:
    name = node_function(run)
    version = run.record("fn_version_result", run.published(name)).get("Version", "1")
    run.capture("create_alias_result", "create_alias", FunctionName=name, Name="urlalias",
                FunctionVersion=version)
    run.capture("list_function_notfound", "list_function_url_configs",
                FunctionName="doesnotexist")
    run.capture("list_all_empty", "list_function_url_configs", FunctionName=name)
    run.capture("url_config_fn", "create_function_url_config", FunctionName=name,
                AuthType="NONE")
    run.capture("url_config_alias", "create_function_url_config",
                FunctionName=f"{name}:urlalias", Qualifier="urlalias", AuthType="NONE")
    listed = run.call("list_function_url_configs", FunctionName=name)
    listed["FunctionUrlConfigs"] = sorted(listed.get("FunctionUrlConfigs", []),
                                          key=lambda config: config["FunctionArn"])
    run.record("list_all", listed)


@scenario(API, "TestLambdaUrl::test_url_config_deletion_without_qualifier", "function_urls")
def url_config_deletion_without_qualifier(run: Replay) -> None:
    name = run.function_name()
    run.create_plain(name, Environment={"Variables": {"testenv": "staging"}})
    run.published(name)
    run.call("create_alias", FunctionName=name, Name="test-alias", FunctionVersion="1",
             Description="custom-alias")
    run.capture("url_creation", "create_function_url_config", FunctionName=name, AuthType="NONE")
    run.capture("url_with_alias_creation", "create_function_url_config", FunctionName=name,
                AuthType="NONE", Qualifier="test-alias")
    run.capture("get_url_config", "get_function_url_config", FunctionName=name)
    run.capture("get_url_config_with_alias", "get_function_url_config", FunctionName=name,
                Qualifier="test-alias")
    run.capture("delete_function_url_config", "delete_function_url_config", FunctionName=name)
    run.capture("get_url_config_after_deletion", "get_function_url_config", FunctionName=name)
    run.capture("get_url_config_with_alias_after_deletion", "get_function_url_config",
                FunctionName=name, Qualifier="test-alias")


# The function names and qualifiers each URL config operation is refused for, by their
# recording's key; `{name}` stands for the scenario's function, `{missing_arn}` for its ARN
# with another name.
URL_CONFIG_REFUSALS = [
    ("name_doesnotexist", {"FunctionName": "doesnotexist"}),
    ("arn_doesnotexist", {"FunctionName": "{missing_arn}"}),
    ("name_doesnotexist_qualifier", {"FunctionName": "doesnotexist", "Qualifier": "1"}),
    ("qualifier_version", {"FunctionName": "{name}", "Qualifier": "1"}),
    ("qualifier_version_doesnotexist", {"FunctionName": "{name}", "Qualifier": "2"}),
    ("qualifier_alias_doesnotexist", {"FunctionName": "{name}", "Qualifier": "v1"}),
    ("qualifier_alias_doesnotmatch_arn", {"FunctionName": "{name}:urlalias-doesnotmatch",
                                          "Qualifier": "urlalias"}),
    ("qualifier_latest", {"FunctionName": "{name}", "Qualifier": "$LATEST"}),
]
# AWS failed internally on this one request and the recorder kept only that it failed, so
# any error of ours is recorded as that.
AWS_INTERNAL_FAILURE = "delete_function_url_config_qualifier_alias_doesnotmatch_arn"


@scenario(API, "TestLambdaUrl::test_url_config_exceptions", "function_urls")
def url_config_exceptions(run: Replay) -> None:
    name = node_function(run)
    arn = run.call("get_function", FunctionName=name)["Configuration"]["FunctionArn"]
    version = run.record("fn_version_result", run.published(name)).get("Version", "1")
    run.capture("create_alias_result", "create_alias", FunctionName=name, Name="urlalias",
                FunctionVersion=version)
    names = {"name": name, "missing_arn": arn.replace(name, "doesnotexist")}
    missing_config = [("config_doesnotexist", {"FunctionName": "{name}"})]
    for operation, extra, cases in [
            ("create_function_url_config", {"AuthType": "NONE"}, URL_CONFIG_REFUSALS),
            ("get_function_url_config", {}, URL_CONFIG_REFUSALS + missing_config),
            ("delete_function_url_config", {}, URL_CONFIG_REFUSALS + missing_config),
            ("update_function_url_config", {"AuthType": "AWS_IAM"},
             URL_CONFIG_REFUSALS + missing_config)]:
        for key, params in cases:
            filled = {param: value.format(**names) for param, value in params.items()}
            response = run.call(operation, **filled, **extra)
            recorded_key = f"{operation}_{key}"
            failed = recorded_key == AWS_INTERNAL_FAILURE and "Error" in response
            run.record(recorded_key, "<aws_internal_failure>" if failed else response)


# -- requests to function URLs (LocalStack's test_lambda.py) ---------------------------------

SOURCE = "lambda"
HANDLERS = Path(__file__).parents[1] / "handlers"
URL_PATH = "custom_path/extend?test_param=test_value"


def handler_source(name: str) -> str:
    return (HANDLERS / name).read_text()


def node_echo(run: Replay) -> str:
    """A Node.js function answering an HTTP response whose body is its event and context."""
    name = run.function_name()
    run.create_function(name, Runtime="nodejs20.x", Handler="handler.handler",
                        code=zip_of({"handler.js": handler_source("url_echo.js")}))
    return name


def public_url(run: Replay, name: str, key: str | None = "create_lambda_url_config",
               permission_key: str | None = "add_permission", **params: Any) -> str:
    """A URL of AuthType NONE for the function, and the permission that lets anyone call it;
    each answer recorded under its key (none for a None key)."""
    config = run.call("create_function_url_config", FunctionName=name, AuthType="NONE",
                      **params)
    if key:
        run.record(key, config)
    granted = run.call("add_permission", FunctionName=name, StatementId="urlPermission",
                       Action="lambda:InvokeFunctionUrl", Principal="*",
                       FunctionUrlAuthType="NONE",
                       **({"Qualifier": params["Qualifier"]} if "Qualifier" in params else {}))
    if permission_key:
        run.record(permission_key, as_recorded(granted))
    return str(config["FunctionUrl"])


def returning(value: str) -> bytes:
    """A function returning `value` (Python source)."""
    source = handler_source("url_return.py").replace("RETURN_VALUE = None",
                                                     f"RETURN_VALUE = {value}", 1)
    return zip_of({"handler.py": source})


def url_answer(response: requests.Response, *headers: str) -> dict[str, Any]:
    """A URL's answer as the recorder wrote it: status, the named headers, the body text."""
    answer: dict[str, Any] = {"statuscode": response.status_code}
    if headers:
        answer["headers"] = {name: response.headers.get(name) for name in headers}
    answer["content"] = as_recorded(response.text)
    return answer


def url_invocation(label: str, returned: str) -> None:
    @scenario(SOURCE, f"TestLambdaURL::test_lambda_url_invocation[{label}]", "function_urls")
    def replay(run: Replay) -> None:
        name = run.function_name()
        run.create_function(name, code=returning(returned))
        url = public_url(run, name)
        response = requests.post(url + URL_PATH, data=b"{'key':'value'}", timeout=60)
        run.record("lambda_url_invocation",
                   url_answer(response, "Content-Type", "Content-Length"))


for case, value in [("dict", '{"hello": "world"}'),
                    ("http-response", '{"statusCode": 200, "body": "body123"}'),
                    ("http-response-json",
                     '{"statusCode": 200, "body": "{\\"hello\\": \\"world\\"}"}'),
                    ("list-mixed", '["hello", 3, True]'), ("string", '"hello"'),
                    ("integer", "3"), ("float", "3.1"), ("boolean", "True")]:
    url_invocation(case, value)


def echo_invoke(mode: str | None) -> None:
    @scenario(SOURCE, f"TestLambdaURL::test_lambda_url_echo_invoke[{mode}]", "function_urls")
    def replay(run: Replay) -> None:
        name = node_echo(run)
        url = public_url(run, name, **({"InvokeMode": mode} if mode else {})) + URL_PATH
        response = requests.post(url, data="text", headers={"Content-Type": "text/plain"},
                                 timeout=60)
        if response.status_code != 200:
            raise AssertionError(f"the URL answered {response.status_code}: {response.text}")
        answer = response.json()
        if mode == "RESPONSE_STREAM":  # the function's answer, unmapped
            event = json.loads(answer["body"])["event"]
        else:
            event = answer["event"]
            if event.get("body") != "text" or event.get("isBase64Encoded") is not False:
                raise AssertionError(f"the function saw {event}")
            event = requests.post(url, timeout=60).json()["event"]
        if "Body" in event or event.get("isBase64Encoded") is not False:
            raise AssertionError(f"the function saw {event}")


for invoke_mode in (None, "BUFFERED", "RESPONSE_STREAM"):
    echo_invoke(invoke_mode)


def http_echo_url(run: Replay, trim_x_headers: bool) -> str:
    """A function URL answering what its function saw of each request."""
    name = run.function_name()
    run.create_function(name, code=zip_of({"handler.py": handler_source("http_echo.py")}),
                        Environment={"Variables": {"TRIM_X_HEADERS": "1" if trim_x_headers
                                                   else "0"}})
    return public_url(run, name, key=None, permission_key=None).rstrip("/")


def echoed(response: requests.Response) -> Any:
    """The echo's answer as the recorder wrote it; a JSON body it saw as the object."""
    return as_recorded(response.json()) if response.status_code == 200 else url_answer(response)


@scenario(SOURCE, "TestLambdaURL::test_lambda_url_echo_http_fixture_default", "function_urls")
def echo_http_fixture_default(run: Replay) -> None:
    url = http_echo_url(run, trim_x_headers=False)
    response = requests.post(url + "/pa2%Fth/1?q=query&multiQuery=foo&multiQuery=%2Fbar",
                             headers={"content-type": "application/json",
                                      "ExTrA-HeadErs": "With WeiRd CapS",
                                      "user-agent": "test/echo"},
                             json={"foo": "bar"}, timeout=60)
    run.record("url_response", echoed(response))


@scenario(SOURCE, "TestLambdaURL::test_lambda_url_echo_http_fixture_trim_x_headers",
          "function_urls")
def echo_http_fixture_trim_x_headers(run: Replay) -> None:
    url = http_echo_url(run, trim_x_headers=True)
    response = requests.post(url + "/path/1?q=query",
                             headers={"content-type": "application/json",
                                      "ExTrA-HeadErs": "With WeiRd CapS",
                                      "user-agent": "test/echo"},
                             json={"foo": "bar"}, timeout=60)
    run.record("url_response", echoed(response))


FORM_BOUNDARY = "4efd159eae0c4f4e125a5a509e073d85"
FORM_BODY = (f"\r\n--{FORM_BOUNDARY}\r\n"
             'Content-Disposition: form-data; name="formfield"\r\n\r\n'
             "not a file, just a field"
             f"\r\n--{FORM_BOUNDARY}\r\n"
             'Content-Disposition: form-data; name="foo"; filename="foo"\r\n'
             "Content-Type: text/plain;\r\n\r\n"
             "bar"
             f"\r\n\r\n--{FORM_BOUNDARY}--\r\n").encode()


@scenario(SOURCE, "TestLambdaURL::test_lambda_url_form_payload", "function_urls")
def form_payload(run: Replay) -> None:
    url = http_echo_url(run, trim_x_headers=True)
    response = requests.post(url + "/test/value", data=FORM_BODY, timeout=60, headers={
        "Content-Type": f"multipart/form-data; boundary={FORM_BOUNDARY}",
        "User-Agent": "python/test-request"})
    run.record("url_response", echoed(response))


@scenario(SOURCE, "TestLambdaURL::test_lambda_url_invalid_invoke_mode", "function_urls")
def invalid_invoke_mode(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    run.capture("invoke_function_invalid_invoke_type", "create_function_url_config",
                FunctionName=name, AuthType="NONE", InvokeMode="UNKNOWN")


@scenario(SOURCE, "TestLambdaURL::test_lambda_update_function_url_config", "function_urls")
def update_function_url_config(run: Replay) -> None:
    name = node_echo(run)
    run.capture("create_lambda_url_config", "create_function_url_config", FunctionName=name,
                AuthType="NONE", InvokeMode="BUFFERED")
    run.capture("get_url_config", "get_function_url_config", FunctionName=name)
    run.capture("modify_lambda_url_config", "update_function_url_config", FunctionName=name,
                InvokeMode="RESPONSE_STREAM")
    run.capture("get_url_config_2", "get_function_url_config", FunctionName=name)
    run.capture("modify_lambda_url_config_none", "update_function_url_config",
                FunctionName=name)
    run.capture("get_url_config_3", "get_function_url_config", FunctionName=name)


def as_url_recorded(response: dict[str, Any]) -> dict[str, Any]:
    """The recorder wrote this test's FunctionUrl as `function-url`, whatever it was."""
    if isinstance(response.get("FunctionUrl"), str):
        return {**response, "FunctionUrl": "function-url"}
    return response


@scenario(SOURCE, "TestLambdaURL::test_lambda_url_invocation_exception", "function_urls")
def url_invocation_exception(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, code=zip_of({"handler.py": handler_source("unhandled_error.py")}))
    run.capture("get_fn_result", "get_function", FunctionName=name)
    config = run.call("create_function_url_config", FunctionName=name, AuthType="NONE")
    run.record("create_lambda_url_config", as_url_recorded(config))
    run.record("add_permission", as_recorded(run.call(
        "add_permission", FunctionName=name, StatementId="urlPermission",
        Action="lambda:InvokeFunctionUrl", Principal="*", FunctionUrlAuthType="NONE")))
    response = requests.post(config["FunctionUrl"], data=b"{}", timeout=60,
                             headers={"User-Agent": "python-requests/testing"})
    if (response.status_code, response.text) != (502, "Internal Server Error"):
        raise AssertionError(f"the URL answered {response.status_code}: {response.text!r}")


def url_outcome(url: str) -> dict[str, Any]:
    """A URL's answer as that test recorded it: the status, and an error's type and body."""
    response = requests.post(url, data="text", headers={"Content-Type": "text/plain"},
                             timeout=60)
    outcome: dict[str, Any] = {"status_code": response.status_code}
    error_type = response.headers.get("x-amzn-ErrorType")
    if error_type:
        outcome.update(headers={"x-amzn-ErrorType": error_type},
                       content=as_recorded(response.text))
    return outcome


@scenario(SOURCE, "TestLambdaURL::test_lambda_url_persists_after_alias_delete", "function_urls")
def url_persists_after_alias_delete(run: Replay) -> None:
    name = node_echo(run)
    version = run.published(name).get("Version", "1")
    alias = f"alias-{short_id()}"
    run.call("create_alias", FunctionName=name, FunctionVersion=version, Name=alias)
    url = public_url(run, name, permission_key=None, InvokeMode="BUFFERED", Qualifier=alias)
    run.record("invoke_aliased_url_response", url_outcome(url))
    run.capture("delete_alias_resp", "delete_alias", FunctionName=name, Name=alias)
    deadline = time.monotonic() + 30
    while "Error" not in run.call("get_function_url_config", FunctionName=name,
                                  Qualifier=alias):
        if time.monotonic() > deadline:
            raise AssertionError("the alias's URL configuration outlived the alias by 30 s")
        time.sleep(0.5)
    run.record("invoke_deleted_alias_url_response_delayed", url_outcome(url))


@scenario(SOURCE, "TestLambdaPermissions::test_lambda_permission_url_invocation",
          "function_urls")
def permission_url_invocation(run: Replay) -> None:
    name = node_echo(run)
    config = run.call("create_function_url_config", FunctionName=name, AuthType="NONE")
    response = requests.post(config["FunctionUrl"], data="text", timeout=60,
                             headers={"Content-Type": "text/plain"})
    run.record("lambda_url_invocation_missing_permission",
               as_recorded(response.text) if response.status_code == 403
               else url_answer(response))


@scenario(SOURCE, "TestRequestIdHandling::test_request_id_invoke_url", "function_urls")
def request_id_invoke_url(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, code=returning("'hi'"))
    url = public_url(run, name)
    response = requests.post(url + URL_PATH, data=b"{'key':'value'}", timeout=60)
    run.record("lambda_url_invocation", url_answer(response, "x-amzn-RequestId"))
    messages = log_messages(run, name, reports(1))
    run.record("end_log_entries", [message.rstrip() for message in messages
                                   if message.startswith("END")])


@scenario(SOURCE, "TestLambdaURL::test_function_url_with_response_streaming", "function_urls")
def function_url_with_response_streaming(run: Replay) -> None:
    name = run.function_name()
    # The recording's nodejs18.x is not a runtime the simulator runs here; nothing compared
    # names it.
    run.create_function(name, Runtime="nodejs20.x", Handler="handler.handler",
                        code=zip_of({"handler.js": handler_source("stream_greeting.js")}))
    config = run.call("create_function_url_config", FunctionName=name, AuthType="NONE",
                      InvokeMode="RESPONSE_STREAM")
    run.call("add_permission", FunctionName=name, StatementId=short_id(),
             Action="lambda:InvokeFunctionUrl", Principal="*", FunctionUrlAuthType="NONE")
    response = requests.post(config["FunctionUrl"], data=b"{'key':'value'}", timeout=60)
    run.record("response_status", response.status_code)
    run.record("response_data", response.text)
