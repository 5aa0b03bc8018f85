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
    "stack_trace_paths": (
        "AWS's stack trace names the handler's file under /var/task "
        "(\\\"/var/task/lambda_handler_error.py\\\") and the runtime's under "
        "/var/lang/lib/python3.x; ours names the process executor's code directory and "
        "the host interpreter's library (and its patch release's frozen importlib line "
        "numbers)"
    ),
    "embedded_dynamodb_create_table": (
        "AWS's DynamoDB CreateTable answer (an on-demand table) has TableStatus "
        "CREATING and a TableId, and no WarmThroughput or empty index lists; the "
        "embedded DynamoDB answers TableStatus ACTIVE, without TableId, with "
        "WarmThroughput, LocalSecondaryIndexes [] and GlobalSecondaryIndexes []"
    ),
    "embedded_sns_signature_version": (
        "AWS's SNS notification delivered to an SQS subscription (an OnFailure record "
        "sent to a topic) says SignatureVersion \"1\"; the embedded SNS says \"2\""
    ),
    "embedded_sqs_empty_failed": (
        "AWS's SQS answers a SendMessageBatch whose entries all succeeded without a "
        "`Failed` member; the embedded SQS answers `Failed: []`"
    ),
    "runtime_not_runnable": (
        "AWS creates Java and .NET functions (java11/17/21/25, dotnet8/10); ours refuses "
        "a runtime it has no executor for (400 InvalidParameterValueException \"The "
        "runtime parameter of java21 is not supported by this simulator yet; ...\"), so "
        "the function's later calls find no function (404)"
    ),
    "sandbox_addresses": (
        "AWS's runtimes reach the Runtime API at 169.254.100.1:9001 (127.0.0.1:9001 on "
        "provided.al2) and the X-Ray daemon at 169.254.100.1:2000 "
        "(AWS_LAMBDA_RUNTIME_API, AWS_XRAY_DAEMON_ADDRESS, _AWS_XRAY_DAEMON_ADDRESS, "
        "_AWS_XRAY_DAEMON_PORT); ours reach the simulator at its address on the Docker "
        "network, on ports of its own"
    ),
    "endpoint_url_variable": (
        "ours sets AWS_ENDPOINT_URL in every environment so that the SDKs inside call the "
        "simulator; AWS sets none"
    ),
    "container_variables": (
        "Docker gives every container HOSTNAME and HOME=/, which AWS's environments do "
        "not have"
    ),
    "no_ld_library_path": (
        "AWS sets LD_LIBRARY_PATH "
        "(/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:"
        "/var/task/lib:/opt/lib, "
        "without /var/lang/lib on provided.al2); ours sets none"
    ),
    "pythonpath_everywhere": (
        "ours sets PYTHONPATH=/var/runtime in every runtime's environment; AWS only in "
        "Python's"
    ),
    "custom_runtime_start": (
        "in a custom runtime AWS sets no AWS_EXECUTION_ENV and, starting the bootstrap "
        "directly, no PWD; ours sets AWS_EXECUTION_ENV=AWS_Lambda_<runtime> and starts "
        "the bootstrap through sh, which sets PWD"
    ),
    "provided_al2_path": (
        "AWS's provided.al2 has PATH /usr/local/bin:/usr/bin/:/bin:/opt/bin (no "
        "/var/lang/bin); ours gives every runtime the same PATH, with /var/lang/bin first"
    ),
    "python311_locale": (
        "AWS's python3.11 (Amazon Linux 2) has the en_US.UTF-8 locale that LANG names, so "
        "Python leaves LC_CTYPE unset; our image lacks it, so Python's C-locale coercion "
        "sets LC_CTYPE=C.UTF-8"
    ),
    "node18_ca_certs": (
        "AWS's nodejs18.x sets NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem (its "
        "runtime's CA bundle); ours has no such bundle and sets none"
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
    "lambda::TestLambdaErrors::test_lambda_invoke_payload_encoding_error[body-n\\x87r\\x9e\\xe9\\xb5\\xd7I\\xee\\x9bmt]":
        ("payload_not_utf8_message",),
    "lambda::TestLambdaErrors::test_lambda_invoke_payload_encoding_error[message-\\x99\\xeb,j\\x07\\xa1zYh]":
        ("payload_not_utf8_message",),
    "lambda::TestLambdaErrors::test_lambda_runtime_error":
        ("stack_trace_paths",),
    "lambda::TestLambdaErrors::test_lambda_runtime_exit_segfault":
        ("init_segfault",),
    "destinations::TestLambdaDestinationEventbridge::test_invoke_lambda_eventbridge":
        ("stack_trace_paths",),
    "destinations::TestLambdaDestinationSqs::test_assess_lambda_destination_invocation"
    "[payload1]":
        ("stack_trace_paths",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_deletion_event_source_mapping_with_dynamodb":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_disabled_dynamodb_event_source_mapping":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_duplicate_event_source_mappings":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_dynamodb_event_filter"
    "[content_filter_type]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_dynamodb_event_filter"
    "[content_multiple_filters]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_dynamodb_event_filter"
    "[content_or_filter]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_dynamodb_event_filter"
    "[date_time_conversion]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_dynamodb_event_filter"
    "[exists_false_filter]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_dynamodb_event_filter"
    "[exists_filter_type]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_dynamodb_event_filter"
    "[insert_same_entry_twice]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_dynamodb_event_filter[numeric_filter]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_dynamodb_event_filter[prefix_filter]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_dynamodb_event_source_mapping":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_event_source_mapping_with_on_failure_destination_config":
        ("embedded_dynamodb_create_table", "embedded_dynamodb_update_table"),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_event_source_mapping_with_s3_on_failure_destination":
        ("embedded_dynamodb_create_table", "embedded_dynamodb_update_table"),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_event_source_mapping_with_sns_on_failure_destination_config":
        ("embedded_dynamodb_create_table", "embedded_dynamodb_update_table",
         "embedded_sns_signature_version"),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_report_batch_item_failure_scenarios"
    "[empty_string_item_identifier_failure]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_report_batch_item_failure_scenarios"
    "[invalid_key_foo_failure]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_report_batch_item_failure_scenarios"
    "[invalid_key_foo_null_value_failure]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_report_batch_item_failure_scenarios"
    "[item_identifier_not_present_failure]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_report_batch_item_failure_scenarios"
    "[null_item_identifier_failure]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_report_batch_item_failure_scenarios"
    "[unhandled_exception_in_function]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::test_dynamodb_report_batch_item_failures":
        ("embedded_dynamodb_create_table", "embedded_dynamodb_update_table"),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_report_batch_item_success_scenarios"
    "[empty_batch_item_failure_success]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_report_batch_item_success_scenarios"
    "[empty_dict_success]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_report_batch_item_success_scenarios"
    "[empty_list_success]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_report_batch_item_success_scenarios"
    "[null_batch_item_failure_success]":
        ("embedded_dynamodb_create_table",),
    "dynamodbstreams::TestDynamoDBEventSourceMapping::"
    "test_dynamodb_report_batch_item_success_scenarios"
    "[null_success]":
        ("embedded_dynamodb_create_table",),
    "kinesis::TestKinesisSource::"
    "test_kinesis_event_source_mapping_with_sns_on_failure_destination_config":
        ("embedded_sns_signature_version",),
    "sqs::TestSQSEventSourceMapping::test_sqs_event_source_mapping_batch_size[15]":
        ("embedded_sqs_empty_failed",),
    "sqs::TestSQSEventSourceMapping::test_sqs_event_source_mapping_batch_size[100]":
        ("embedded_sqs_empty_failed",),
    "sqs::TestSQSEventSourceMapping::test_sqs_event_source_mapping_batch_size[1000]":
        ("embedded_sqs_empty_failed",),
    "sqs::TestSQSEventSourceMapping::test_sqs_event_source_mapping_batch_size[10000]":
        ("embedded_sqs_empty_failed",),
    "sqs::test_report_batch_item_failures":
        ("embedded_sqs_empty_failed",),
    "lambda_api::TestLambdaSnapStart::test_snapstart_lifecycle[java11]":
        ("runtime_not_runnable",),
    "lambda_api::TestLambdaSnapStart::test_snapstart_lifecycle[java17]":
        ("runtime_not_runnable",),
    "lambda_api::TestLambdaSnapStart::test_snapstart_lifecycle[java21]":
        ("runtime_not_runnable",),
    "lambda_api::TestLambdaSnapStart::test_snapstart_lifecycle[java25]":
        ("runtime_not_runnable",),
    "lambda_api::TestLambdaSnapStart::test_snapstart_lifecycle[dotnet8]":
        ("runtime_not_runnable",),
    "lambda_api::TestLambdaSnapStart::test_snapstart_lifecycle[dotnet10]":
        ("runtime_not_runnable",),
    "lambda_api::TestLambdaSnapStart::test_snapstart_update_function_configuration[java11]":
        ("runtime_not_runnable",),
    "lambda_api::TestLambdaSnapStart::test_snapstart_update_function_configuration[java17]":
        ("runtime_not_runnable",),
    "lambda_api::TestLambdaSnapStart::test_snapstart_update_function_configuration[java21]":
        ("runtime_not_runnable",),
    "lambda_api::TestLambdaSnapStart::test_snapstart_update_function_configuration[java25]":
        ("runtime_not_runnable",),
    "lambda_api::TestLambdaSnapStart::test_snapstart_update_function_configuration[dotnet8]":
        ("runtime_not_runnable",),
    "lambda_api::TestLambdaSnapStart::test_snapstart_update_function_configuration[dotnet10]":
        ("runtime_not_runnable",),
    "common::TestLambdaRuntimesCommon::test_introspection_invoke[python3.11]":
        ("sandbox_addresses", "endpoint_url_variable", "container_variables",
         "no_ld_library_path", "python311_locale"),
    "common::TestLambdaRuntimesCommon::test_introspection_invoke[python3.12]":
        ("sandbox_addresses", "endpoint_url_variable", "container_variables", "no_ld_library_path"),
    "common::TestLambdaRuntimesCommon::test_introspection_invoke[python3.13]":
        ("sandbox_addresses", "endpoint_url_variable", "container_variables", "no_ld_library_path"),
    "common::TestLambdaRuntimesCommon::test_introspection_invoke[python3.14]":
        ("sandbox_addresses", "endpoint_url_variable", "container_variables", "no_ld_library_path"),
    "common::TestLambdaRuntimesCommon::test_introspection_invoke[nodejs18.x]":
        ("sandbox_addresses", "endpoint_url_variable", "container_variables",
         "no_ld_library_path", "pythonpath_everywhere", "node18_ca_certs"),
    "common::TestLambdaRuntimesCommon::test_introspection_invoke[nodejs20.x]":
        ("sandbox_addresses", "endpoint_url_variable", "container_variables",
         "no_ld_library_path", "pythonpath_everywhere"),
    "common::TestLambdaRuntimesCommon::test_introspection_invoke[nodejs22.x]":
        ("sandbox_addresses", "endpoint_url_variable", "container_variables",
         "no_ld_library_path", "pythonpath_everywhere"),
    "common::TestLambdaRuntimesCommon::test_introspection_invoke[nodejs24.x]":
        ("sandbox_addresses", "endpoint_url_variable", "container_variables",
         "no_ld_library_path", "pythonpath_everywhere"),
    "common::TestLambdaRuntimesCommon::test_introspection_invoke[provided.al2]":
        ("sandbox_addresses", "endpoint_url_variable", "container_variables",
         "no_ld_library_path", "pythonpath_everywhere", "custom_runtime_start",
         "provided_al2_path"),
    "common::TestLambdaRuntimesCommon::test_introspection_invoke[provided.al2023]":
        ("sandbox_addresses", "endpoint_url_variable", "container_variables",
         "no_ld_library_path", "pythonpath_everywhere", "custom_runtime_start"),
}

KNOWN_DIFFERENCES: dict[str, str] = {
    scenario: "; ".join(CAUSES[cause] for cause in causes)
    for scenario, causes in KNOWN_CAUSES.items()
}
