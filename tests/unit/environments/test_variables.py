"""The variables an environment's runtime is started with."""

from __future__ import annotations

from simulator.environments.variables import lambda_variables
from tests.unit.function_configs import REGION, function, image_function


def test_an_image_keeps_its_own_runtime_variables() -> None:
    variables = lambda_variables(image_function(), "stream", "10.0.0.1:9001", REGION)

    for name in ("_HANDLER", "AWS_EXECUTION_ENV", "PATH", "PYTHONPATH", "LANG"):
        assert name not in variables
    assert variables["AWS_LAMBDA_RUNTIME_API"] == "10.0.0.1:9001"
    assert lambda_variables(function(), "s", "h:1", REGION)["_HANDLER"] == "app.handler"


def test_the_x_ray_daemon_is_named_as_lambda_names_it() -> None:
    variables = lambda_variables(function(), "s", "h:1", REGION, xray_daemon="172.18.0.1:2000")

    assert variables["AWS_XRAY_DAEMON_ADDRESS"] == "172.18.0.1:2000"
    assert (variables["_AWS_XRAY_DAEMON_ADDRESS"], variables["_AWS_XRAY_DAEMON_PORT"]) == (
        "172.18.0.1", "2000")
    assert variables["AWS_XRAY_CONTEXT_MISSING"] == "LOG_ERROR"
    assert "AWS_XRAY_DAEMON_ADDRESS" not in lambda_variables(function(), "s", "h:1", REGION)


def test_functions_sign_with_the_servers_access_token_when_it_asks_for_one() -> None:
    assert lambda_variables(function(), "s", "h:1", REGION)["AWS_SECRET_ACCESS_KEY"] == "test"
    variables = lambda_variables(function(), "s", "h:1", REGION, secret_access_key="t0ken")
    assert variables["AWS_SECRET_ACCESS_KEY"] == "t0ken"


def test_json_logs_set_the_format_and_level_over_the_functions_own() -> None:
    own = {"AWS_LAMBDA_LOG_LEVEL": "DEBUG"}
    text = lambda_variables(function(environment=own), "s", "h:1", REGION)
    json_logs = lambda_variables(
        function(environment=own, log_format="JSON", application_log_level="ERROR",
                 system_log_level="INFO"), "s", "h:1", REGION)

    assert "AWS_LAMBDA_LOG_FORMAT" not in text
    assert text["AWS_LAMBDA_LOG_LEVEL"] == "DEBUG"
    assert (json_logs["AWS_LAMBDA_LOG_FORMAT"], json_logs["AWS_LAMBDA_LOG_LEVEL"]) == (
        "JSON", "ERROR")


def test_a_functions_access_key_is_its_accounts_id_when_given() -> None:
    assert lambda_variables(function(), "s", "h:1", REGION)["AWS_ACCESS_KEY_ID"] == "test"
    variables = lambda_variables(function(), "s", "h:1", REGION, access_key_id="111122223333")
    assert variables["AWS_ACCESS_KEY_ID"] == "111122223333"
