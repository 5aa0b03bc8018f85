"""Advanced logging configuration of a function: its format, log levels and log group, set on
create or updated, in full, in part, and switched from JSON back to text."""

from __future__ import annotations

from typing import Any

from tests.conformance.replay import Replay, Scenario, add_scenario, scenario

API = "lambda_api"
# Each recorded case's LoggingConfig, in the order of its `[partial_configN]` id.
PARTIAL_CONFIGS: list[dict[str, Any]] = [
    {"LogFormat": "JSON"},
    {"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG"},
    {"LogFormat": "JSON", "SystemLogLevel": "DEBUG"},
    {"LogGroup": "cool_lambda"},
]


def logging_function(run: Replay, **settings: Any) -> str:
    """A function of 256 MB and 5 s, as the recordings made, with its state read back."""
    name = run.function_name()
    run.record("create_response", run.create_function(name, MemorySize=256, Timeout=5,
                                                      **settings))
    run.capture("get_function_response", "get_function", FunctionName=name)
    run.capture("function_config", "get_function_configuration", FunctionName=name)
    return name


def update_logging(run: Replay, name: str, config: dict[str, Any], suffix: str = "") -> None:
    """Update the LoggingConfig, then read the settled configuration back."""
    run.capture(f"updated_config{suffix}", "update_function_configuration", FunctionName=name,
                LoggingConfig=config)
    run.wait("function_updated_v2", FunctionName=name)
    run.capture(f"received_config{suffix}", "get_function_configuration", FunctionName=name)


@scenario(API, "TestLoggingConfig::test_function_advanced_logging_configuration",
          "logging_config")
def function_advanced_logging_configuration(run: Replay) -> None:
    name = logging_function(run, LoggingConfig={"LogFormat": "JSON"})
    update_logging(run, name, {"LogFormat": "JSON", "ApplicationLogLevel": "INFO",
                               "SystemLogLevel": "INFO", "LogGroup": "cool_lambda"})


@scenario(API, "TestLoggingConfig::test_advanced_logging_configuration_format_switch",
          "logging_config")
def advanced_logging_configuration_format_switch(run: Replay) -> None:
    name = logging_function(run)
    update_logging(run, name, {"LogFormat": "JSON"})
    update_logging(run, name, {"LogFormat": "Text"}, "_v2")


def partial_logging_update(index: int) -> None:
    def replay(run: Replay) -> None:
        update_logging(run, logging_function(run), PARTIAL_CONFIGS[index])
    add_scenario(Scenario(
        API, "TestLoggingConfig::test_function_partial_advanced_logging_configuration_update"
        f"[partial_config{index}]", "logging_config", replay))


for _index in range(len(PARTIAL_CONFIGS)):
    partial_logging_update(_index)
