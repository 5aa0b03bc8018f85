"""Event invoke configurations: put, update, read, list and page, per version."""

from __future__ import annotations

from tests.conformance.replay import Replay, scenario

API = "lambda_api"


@scenario(API, "TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_lifecycle",
          "event_invoke_configs")
def eventinvokeconfig_lifecycle(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    run.capture("put_invokeconfig_retries_0", "put_function_event_invoke_config",
                FunctionName=name, MaximumRetryAttempts=0)
    run.capture("put_invokeconfig_eventage_60", "put_function_event_invoke_config",
                FunctionName=name, MaximumEventAgeInSeconds=60)
    run.capture("update_invokeconfig_eventage_nochange", "update_function_event_invoke_config",
                FunctionName=name, MaximumEventAgeInSeconds=60)
    run.capture("update_invokeconfig_retries", "update_function_event_invoke_config",
                FunctionName=name, MaximumRetryAttempts=1)
    run.capture("get_invokeconfig", "get_function_event_invoke_config", FunctionName=name)
    run.capture("get_invokeconfig_latest", "get_function_event_invoke_config",
                FunctionName=name, Qualifier="$LATEST")
    run.capture("list_single_invokeconfig", "list_function_event_invoke_configs",
                FunctionName=name)
    version = run.record("publish_version_result", run.published(name)).get("Version", "1")
    run.capture("get_invokeconfig_postpublish", "get_function_event_invoke_config",
                FunctionName=name, Qualifier=version)
    run.capture("put_published_invokeconfig", "put_function_event_invoke_config",
                FunctionName=name, Qualifier=version, MaximumEventAgeInSeconds=120)
    run.capture("get_published_invokeconfig", "get_function_event_invoke_config",
                FunctionName=name, Qualifier=version)
    run.call("delete_function_event_invoke_config", FunctionName=name)
    run.capture("list_paging_nolimit_postdelete", "list_function_event_invoke_configs",
                FunctionName=name)
