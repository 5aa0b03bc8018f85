"""Scenarios whose replay differs from AWS's recording today, each with why: what AWS says
and what we say. A scenario listed here that matches fails its test, so this list is exact;
`CAUSES` names each difference once, so the report can group scenarios by what to fix."""

from __future__ import annotations

CAUSES: dict[str, str] = {
    "concurrent_updates": (
        "AWS refuses a second update while the first is in progress (409 "
        "ResourceConflictException \"An update is in progress\"); ours completes each update "
        "at once, so the second succeeds"
    ),
    "publish_on_update": (
        "AWS's GetFunction right after UpdateFunctionCode with Publish=true still shows the "
        "new version Pending and $LATEST's update InProgress; ours have settled already"
    ),
    "update_status_inprogress": (
        "AWS's GetFunction right after UpdateFunctionCode still shows LastUpdateStatus "
        "InProgress, with the update's RevisionId; ours is already Successful, with the "
        "settled function's"
    ),
    "vpc": (
        "AWS checks that VPC subnets and security groups exist (400 \"Error occurred while "
        "DescribeSubnets/DescribeSecurityGroups. EC2 Error Code: ...\") and keeps an emptied "
        "VpcConfig after detaching; we accept any and drop VpcConfig"
    ),
    "deprecated_runtime": (
        "AWS still accepts UpdateFunctionConfiguration to the deprecated python3.8 "
        "runtime; ours refuses a runtime it has no executor for (400 "
        "InvalidParameterValueException \"The runtime parameter of python3.8 is not "
        "supported by this simulator yet; ...\"), so the function keeps python3.12 and "
        "its revision"
    ),
    "derived_qualifier_mismatch": (
        "AWS refuses a function name whose qualifier (name:alias) differs from the "
        "Qualifier parameter (400 InvalidParameterValueException \"The derived qualifier "
        "from the function name does not match the specified qualifier.\"); ours takes "
        "the Qualifier parameter and creates, reads and deletes that alias's URL config"
    ),
    "embedded_dynamodb_update_table": (
        "AWS's DynamoDB UpdateTable answer (enabling a stream on an on-demand table) has "
        "TableStatus UPDATING, a TableId and "
        "BillingModeSummary.LastUpdateToPayPerRequestDateTime, and no empty index lists; "
        "the embedded DynamoDB answers TableStatus ACTIVE, without TableId or "
        "LastUpdateToPayPerRequestDateTime, with LocalSecondaryIndexes [] and "
        "GlobalSecondaryIndexes []"
    ),
    "event_invoke_config_alias": (
        "AWS keeps an alias's event invoke config apart, under the alias's ARN "
        "(<function>:<alias>); ours resolves the alias to its version and keeps one "
        "config for both under the version's ARN, so listing shows two configs instead of "
        "three and deleting the alias's after the version's finds none (404)"
    ),
    "event_invoke_config_no_settings": (
        "AWS refuses a PutFunctionEventInvokeConfig without retries, event age or "
        "destinations first (400 InvalidParameterValueException \"You must specify at "
        "least one of error handling or destination setting.\"); ours looks the function "
        "up first and answers 404"
    ),
    "event_invoke_config_not_found_message": (
        "AWS's event invoke config operations on a function or alias that does not exist "
        "answer \"The function doesn't exist.\" (put, update, list) or \"The function "
        "<arn>:$LATEST doesn't have an EventInvokeConfig\" (delete); ours answer "
        "\"Function not found: <arn>\""
    ),
    "event_invoke_destination_checks": (
        "AWS refuses a Lambda destination that does not exist (\"The destination ARN "
        "<arn> is invalid.\") and the function itself (\"You can't specify the function "
        "as a destination for itself.\"), words an ARN of another service as \"The "
        "provided destination config "
        "DestinationConfig(onSuccess=OnSuccess(destination=<arn>), onFailure=null) is "
        "invalid.\" and a malformed ARN as a ValidationException with the ARN pattern; "
        "ours accepts the first two and says \"The destination ARN <arn> is invalid.\" "
        "for the others"
    ),
    "layer_other_region": (
        "AWS refuses a layer version of another region with \"Layers are not in the same "
        "region as the function. Layers are expected to be in region <region>.\"; ours "
        "says \"Layer version <arn> does not exist.\""
    ),
    "layer_same_layer_message": (
        "AWS refuses two versions of one layer in a function with \"... <arn:1> and "
        "<arn:2> are versions of the same layer.\"; ours stops after the two ARNs, "
        "without \" are versions of the same layer.\""
    ),
    "layers_validation_message": (
        "AWS's ValidationException for a layer ARN without a version says \"Member must "
        "have length less than or equal to 2048\" and gives the ARN pattern without "
        "enclosing parentheses; ours says 140 and wraps the pattern in parentheses"
    ),
    "logging_config_ignored": (
        "AWS keeps the LoggingConfig given on create or update (LogFormat JSON with "
        "ApplicationLogLevel and SystemLogLevel, which default to INFO; a custom "
        "LogGroup); ours ignores it and always answers LogFormat Text with the default "
        "/aws/lambda/<name> group"
    ),
    "provisioned_limit_error_type": (
        "AWS's refusals of provisioned concurrency beyond the account's unreserved "
        "concurrency carry no Type member; ours add \"Type\": \"User\""
    ),
    "publish_latest_revision": (
        "AWS's PublishVersion gives $LATEST a new RevisionId; ours leaves $LATEST's "
        "RevisionId as it was"
    ),
    "self_managed_kafka": (
        "AWS creates self-managed Kafka mappings (202 with SelfManagedEventSource, "
        "Topics, SourceAccessConfigurations, StartingPosition TRIM_HORIZON, BatchSize "
        "100, ConsumerGroupId defaulting to the UUID), refuses one without "
        "SourceAccessConfigurations (\"Required 'sourceAccessConfigurations' parameter is "
        "missing.\") and a duplicate of endpoints, function and topic (409 "
        "ResourceConflictException \"An event source mapping with event source (...) ... "
        "already exists.\"); ours maps SQS, Kinesis and DynamoDB streams only and refuses "
        "each call as an SQS mapping (400 \"Topics is not valid for SQS event sources.\", "
        "\"StartingPosition is not valid for SQS event sources.\")"
    ),
    "url_config_not_found_message": (
        "AWS's URL config operations on a function or alias that does not exist answer "
        "404 \"Function does not exist\" (create, update) or \"The resource you requested "
        "does not exist.\" (get, delete); ours answer \"Function not found: <arn>\""
    ),
}

# scenario id -> the causes of its differences
KNOWN_CAUSES: dict[str, tuple[str, ...]] = {
    "lambda_api::TestLambdaFunction::test_invalid_vpc_config_security_group": ("vpc",),
    "lambda_api::TestLambdaFunction::test_invalid_vpc_config_subnet": ("vpc",),
    "lambda_api::TestLambdaFunction::test_lambda_code_location_s3": ("update_status_inprogress",),
    "lambda_api::TestLambdaFunction::test_lambda_code_location_zipfile":
        ("update_status_inprogress",),
    "lambda_api::TestLambdaFunction::test_lambda_concurrent_code_updates": ("concurrent_updates",),
    "lambda_api::TestLambdaFunction::test_lambda_concurrent_config_updates":
        ("concurrent_updates",),
    "lambda_api::TestLambdaFunction::test_vpc_config": ("vpc",),
    "lambda_api::TestLambdaVersions::test_publish_with_update": ("publish_on_update",),
    "lambda_api::TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions":
        ("event_invoke_config_not_found_message", "event_invoke_config_no_settings",
         "event_invoke_destination_checks", "event_invoke_config_alias"),
    "lambda_api::TestLambdaEventSourceMappings::test_create_event_source_self_managed":
        ("self_managed_kafka",),
    "lambda_api::TestLambdaEventSourceMappings::test_event_source_mapping_lifecycle":
        ("embedded_dynamodb_update_table",),
    "lambda_api::TestLambdaEventSourceMappings::test_event_source_mapping_lifecycle_delete_function":
        ("embedded_dynamodb_update_table",),
    "lambda_api::TestLambdaLayer::test_layer_function_exceptions":
        ("layer_same_layer_message", "layers_validation_message", "layer_other_region"),
    "lambda_api::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_limits":
        ("provisioned_limit_error_type",),
    "lambda_api::TestLambdaRevisions::test_function_revisions_basic":
        ("deprecated_runtime",),
    "lambda_api::TestLambdaRevisions::test_function_revisions_version_and_alias":
        ("publish_latest_revision",),
    "lambda_api::TestLambdaUrl::test_url_config_exceptions":
        ("url_config_not_found_message", "derived_qualifier_mismatch"),
    "lambda_api::TestLoggingConfig::test_advanced_logging_configuration_format_switch":
        ("logging_config_ignored",),
    "lambda_api::TestLoggingConfig::test_function_advanced_logging_configuration":
        ("logging_config_ignored",),
    "lambda_api::TestLoggingConfig::test_function_partial_advanced_logging_configuration_update[partial_config0]":
        ("logging_config_ignored",),
    "lambda_api::TestLoggingConfig::test_function_partial_advanced_logging_configuration_update[partial_config1]":
        ("logging_config_ignored",),
    "lambda_api::TestLoggingConfig::test_function_partial_advanced_logging_configuration_update[partial_config2]":
        ("logging_config_ignored",),
    "lambda_api::TestLoggingConfig::test_function_partial_advanced_logging_configuration_update[partial_config3]":
        ("logging_config_ignored",),
}

KNOWN_DIFFERENCES: dict[str, str] = {
    scenario: "; ".join(CAUSES[cause] for cause in causes)
    for scenario, causes in KNOWN_CAUSES.items()
}
