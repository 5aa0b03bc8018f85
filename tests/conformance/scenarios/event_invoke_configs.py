"""Event invoke configurations: put, update, read, list and page, per version; refusals of
missing functions, qualifiers that conflict and destinations that cannot be used."""

from __future__ import annotations

from typing import Any

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


@scenario(API, "TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions",
          "event_invoke_configs")
def eventinvokeconfig_exceptions(run: Replay) -> None:
    unchecked = run.client("lambda", validate=False)

    def capture(key: str, operation: str, **params: Any) -> dict[str, Any]:
        response: dict[str, Any] = run.record(key, run.call_with(unchecked, operation, **params))
        return response

    def put(key: str, **params: Any) -> dict[str, Any]:
        return capture(key, "put_function_event_invoke_config", **params)

    name, other = run.function_name(), run.function_name()
    run.create_function(name)
    arn = run.call("get_function", FunctionName=name)["Configuration"]["FunctionArn"]
    run.create_function(other)
    other_arn = run.call("get_function", FunctionName=other)["Configuration"]["FunctionArn"]
    version = run.record("fn_version_result", run.published(name)).get("Version", "1")
    alias_result = capture("fn_alias_result", "create_alias", FunctionName=name,
                           Name="eventinvokealias", FunctionVersion=version)
    alias, alias_arn = "eventinvokealias", alias_result.get("AliasArn", "")
    missing_arn = run.arn("function:doesnotexist")
    put("put_functionname_name_notfound", FunctionName="doesnotexist", MaximumRetryAttempts=1)
    put("put_functionname_arn_notfound", FunctionName=missing_arn, MaximumRetryAttempts=1)
    put("put_functionname_nootherargs", FunctionName="doesnotexist")
    for key, destination in [
            ("put_destination_lambda_doesntexist", {"OnSuccess": {"Destination": missing_arn}}),
            ("put_destination_recursive", {"OnSuccess": {"Destination": arn}}),
            ("put_destination_other_lambda", {"OnSuccess": {"Destination": other_arn}}),
            ("put_destination_invalid_service_arn",
             {"OnSuccess": {"Destination": arn.replace(":lambda:", ":iam:")}}),
            ("put_destination_success_no_destination_arn", {"OnSuccess": {}}),
            ("put_destination_failure_no_destination_arn", {"OnFailure": {}}),
            ("put_destination_invalid_arn_pattern",
             {"OnFailure": {"Destination": arn.replace(":lambda:", ":_-/!lambda:")}})]:
        put(key, FunctionName=name, DestinationConfig=destination)
    retry_once = {"MaximumRetryAttempts": 1}
    for key, target in [
            ("put_destination_latest", {"FunctionName": name}),
            ("put_destination_latest_explicit_qualifier",
             {"FunctionName": name, "Qualifier": "$LATEST"}),
            ("put_destination_version", {"FunctionName": name, "Qualifier": version}),
            ("put_alias_functionname_qualifier", {"FunctionName": name, "Qualifier": alias}),
            ("put_alias_doesnotexist",
             {"FunctionName": name, "Qualifier": f"{alias}doesnotexist"}),
            ("put_alias_qualifiedarn", {"FunctionName": alias_arn}),
            ("put_alias_qualifiedarn_qualifier", {"FunctionName": alias_arn, "Qualifier": alias}),
            ("put_alias_qualifiedarn_qualifierconflict",
             {"FunctionName": alias_arn, "Qualifier": f"{alias}doesnotexist"}),
            ("put_alias_shorthand", {"FunctionName": f"{name}:{alias}"}),
            ("put_alias_shorthand_qualifier",
             {"FunctionName": f"{name}:{alias}", "Qualifier": alias}),
            ("put_alias_shorthand_qualifierconflict",
             {"FunctionName": f"{name}:{alias}", "Qualifier": f"{alias}doesnotexist"}),
            ("put_version_shorthand", {"FunctionName": f"{name}:{version}"}),
            ("put_shorthand_qualifier_match",
             {"FunctionName": f"{name}:$LATEST", "Qualifier": "$LATEST"}),
            ("put_shorthand_qualifier_mismatch_1",
             {"FunctionName": f"{name}:{version}", "Qualifier": "$LATEST"}),
            ("put_shorthand_qualifier_mismatch_2",
             {"FunctionName": f"{name}:$LATEST", "Qualifier": version}),
            ("put_shorthand_qualifier_mismatch_3",
             {"FunctionName": f"{name}:{version}", "Qualifier": alias})]:
        put(key, **target, **retry_once)
    put("put_maxevent_maxvalue_result", FunctionName=name, MaximumRetryAttempts=2,
        MaximumEventAgeInSeconds=21600)
    put("put_pre_overwrite", FunctionName=name, MaximumRetryAttempts=2,
        MaximumEventAgeInSeconds=60)
    put("put_post_overwrite", FunctionName=name, MaximumRetryAttempts=0)
    put("second_overwrite_existing_response", FunctionName=name, MaximumRetryAttempts=0)
    capture("get_post_overwrite", "get_function_event_invoke_config", FunctionName=name)
    put("pre_update_response", FunctionName=name, MaximumRetryAttempts=2,
        MaximumEventAgeInSeconds=60)
    for key in ["update_response", "update_response_existing"]:
        capture(key, "update_function_event_invoke_config", FunctionName=name,
                MaximumRetryAttempts=0)
    listed = run.call_with(unchecked, "list_function_event_invoke_configs", FunctionName=name)
    listed["FunctionEventInvokeConfigs"] = sorted(
        listed.get("FunctionEventInvokeConfigs", []), key=lambda config: config["FunctionArn"])
    run.record("list_configs", listed)
    run.call_with(unchecked, "list_function_event_invoke_configs", FunctionName=name,
                  MaxItems=2)
    for key, qualifier in [("delete_latest", "$LATEST"), ("delete_version", version),
                           ("delete_alias", alias)]:
        capture(key, "delete_function_event_invoke_config", FunctionName=name,
                Qualifier=qualifier)
    capture("list_configs_postdelete", "list_function_event_invoke_configs", FunctionName=name)
    capture("delete_function_not_found", "delete_function_event_invoke_config",
            FunctionName=name)
    capture("delete_function_doesnotexist", "delete_function_event_invoke_config",
            FunctionName="doesnotexist")
    capture("list_function_doesnotexist", "list_function_event_invoke_configs",
            FunctionName="doesnotexist")
    capture("get_function_doesnotexist", "get_function_event_invoke_config",
            FunctionName="doesnotexist")
    capture("get_qualifier_doesnotexist", "get_function_event_invoke_config",
            FunctionName=name, Qualifier="doesnotexist")
    capture("update_eventinvokeconfig_function_doesnotexist",
            "update_function_event_invoke_config", FunctionName="doesnotexist",
            MaximumRetryAttempts=0)
    capture("get_eventinvokeconfig_doesnotexist", "get_function_event_invoke_config",
            FunctionName=alias_arn)
    capture("update_eventinvokeconfig_config_doesnotexist_with_qualifier",
            "update_function_event_invoke_config", FunctionName=alias_arn,
            MaximumRetryAttempts=0)
    capture("update_eventinvokeconfig_config_doesnotexist_without_qualifier",
            "update_function_event_invoke_config", FunctionName=arn, MaximumRetryAttempts=0)
