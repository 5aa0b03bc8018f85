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
    "embedded_dynamodb_update_table": (
        "AWS's DynamoDB UpdateTable answer (enabling a stream on an on-demand table) has "
        "TableStatus UPDATING, a TableId and "
        "BillingModeSummary.LastUpdateToPayPerRequestDateTime, and no empty index lists; "
        "the embedded DynamoDB answers TableStatus ACTIVE, without TableId or "
        "LastUpdateToPayPerRequestDateTime, with LocalSecondaryIndexes [] and "
        "GlobalSecondaryIndexes []"
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
    "exec_wrapper": (
        "AWS runs AWS_LAMBDA_EXEC_WRAPPER and, when it does not exist, answers "
        "FunctionError Unhandled with Runtime.ExitError \"RequestId: <id> Error: Runtime "
        "exited with error: exit status 127\"; ours ignores the variable and runs the "
        "handler (200, no FunctionError)"
    ),
    "init_segfault": (
        "AWS answers a function whose init crashes on unbounded recursion (recursion "
        "limit 10**6) as timed out after its 30 s (Sandbox.Timedout, \"RequestId: <id> "
        "Error: Task timed out after 30.00 seconds\"); ours answers at once "
        "Runtime.ExitError \"RequestId: <id> Error: Runtime exited with error: exit "
        "status 1\""
    ),
    "function_credentials": (
        "A function's credentials on AWS are a session of its execution role, so STS "
        "GetCallerIdentity in the handler answers the assumed role's ARN "
        "(arn:aws:sts::<account>:assumed-role/<role>/<function>, \"@lambda_function\" "
        "appended to a one-letter name); ours are the simulator's own, which the embedded "
        "STS answers as arn:aws:sts::<account>:user/moto"
    ),
    "payload_not_utf8_message": (
        "AWS refuses a payload that is not UTF-8 JSON with its JSON parser's words (\"... "
        "Could not parse payload into json: Invalid UTF-8 start byte 0x87\\n at [Source: "
        "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, "
        "column: 3]\", or \"Unexpected character ((CTRL-CHAR, code 153)): expected a "
        "valid value (JSON String, Number, Array, Object or token 'null', 'true' or "
        "'false')\\n at [Source: ...; line: 1, column: 1]\"); ours, with the same code "
        "and prefix, says Python's \"'utf-8' codec can't decode byte 0x87 in position 1: "
        "invalid start byte\""
    ),
    "runtime_exit_reason": (
        "AWS answers a runtime that exits with status 0 (at init or in the handler) with "
        "errorMessage \"RequestId: <id> Error: Runtime exited without providing a "
        "reason\"; ours says \"RequestId: <id> Error: Runtime exited with error: exit "
        "status 0\""
    ),
    "stack_trace_paths": (
        "AWS's stack trace names the handler's file under /var/task "
        "(\\\"/var/task/lambda_handler_error.py\\\") and the runtime's under "
        "/var/lang/lib/python3.x; ours names the process executor's code directory and "
        "the host interpreter's library (and its patch release's frozen importlib line "
        "numbers)"
    ),
    "eventbridge_destination_resources": (
        "AWS's event for an EventBridge destination lists two resources, the event bus's "
        "ARN and then the function's ARN with its version; ours lists only the function's"
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
    "lambda_api::TestLambdaEventSourceMappings::test_create_event_source_self_managed":
        ("self_managed_kafka",),
    "lambda_api::TestLambdaEventSourceMappings::test_event_source_mapping_lifecycle":
        ("embedded_dynamodb_update_table",),
    "lambda_api::TestLambdaEventSourceMappings::test_event_source_mapping_lifecycle_delete_function":
        ("embedded_dynamodb_update_table",),
    "lambda_api::TestLambdaRevisions::test_function_revisions_basic":
        ("deprecated_runtime",),
    "lambda::TestLambdaBaseFeatures::test_assume_role[1]":
        ("function_credentials",),
    "lambda::TestLambdaBaseFeatures::test_assume_role[2]":
        ("function_credentials",),
    "lambda::TestLambdaErrors::test_lambda_handler_error":
        ("stack_trace_paths",),
    "lambda::TestLambdaErrors::test_lambda_handler_exit":
        ("runtime_exit_reason",),
    "lambda::TestLambdaErrors::test_lambda_invoke_payload_encoding_error[body-n\\x87r\\x9e\\xe9\\xb5\\xd7I\\xee\\x9bmt]":
        ("payload_not_utf8_message",),
    "lambda::TestLambdaErrors::test_lambda_invoke_payload_encoding_error[message-\\x99\\xeb,j\\x07\\xa1zYh]":
        ("payload_not_utf8_message",),
    "lambda::TestLambdaErrors::test_lambda_runtime_error":
        ("stack_trace_paths",),
    "lambda::TestLambdaErrors::test_lambda_runtime_exit":
        ("runtime_exit_reason",),
    "lambda::TestLambdaErrors::test_lambda_runtime_exit_segfault":
        ("init_segfault",),
    "lambda::TestLambdaErrors::test_lambda_runtime_wrapper_not_found":
        ("exec_wrapper",),
    "destinations::TestLambdaDestinationEventbridge::test_invoke_lambda_eventbridge":
        ("eventbridge_destination_resources", "stack_trace_paths"),
    "destinations::TestLambdaDestinationSqs::test_assess_lambda_destination_invocation"
    "[payload1]":
        ("stack_trace_paths",),
}

KNOWN_DIFFERENCES: dict[str, str] = {
    scenario: "; ".join(CAUSES[cause] for cause in causes)
    for scenario, causes in KNOWN_CAUSES.items()
}
