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
    "stack_trace_paths": (
        "AWS's stack trace names the handler's file under /var/task "
        "(\\\"/var/task/lambda_handler_error.py\\\") and the runtime's under "
        "/var/lang/lib/python3.x; ours names the process executor's code directory and "
        "the host interpreter's library (and its patch release's frozen importlib line "
        "numbers)"
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
    "url_host_port": (
        "A function URL on AWS is served on port 443, so the event's `host` header is the "
        "URL's domain name, equal to requestContext.domainName; ours is served on the "
        "simulator's port, so the host header carries `:<port>` while domainName is the "
        "host name alone"
    ),
    "url_no_tls": (
        "AWS's function URL events carry the x-amzn-tls-version and "
        "x-amzn-tls-cipher-suite headers of the client's TLS connection; ours are served "
        "over plain HTTP and have none"
    ),
    "url_policy_not_enforced": (
        "AWS refuses a public (AuthType NONE) function URL request that its function's "
        "policy does not allow (403 AccessDeniedException {\"Message\": \"Forbidden. For "
        "troubleshooting Function URL authorization issues, see: "
        "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html\"}); ours lets it "
        "through with a warning line unless strict mode is on, and the conformance server "
        "is not strict"
    ),
    "timeout_keeps_tmp": (
        "After a timeout AWS restarts the runtime in the same sandbox: /tmp keeps what "
        "the function wrote (the module's globals are reset); ours starts a new "
        "environment with an empty /tmp, so reading the file fails (FileNotFoundError)"
    ),
    "timeout_message_2024": (
        "This recording (April 2024) has AWS's older timeout answer (errorMessage \"<date> "
        "<request id> Task timed out after 1.00 seconds\", no errorType); AWS's newer one, "
        "recorded in November 2025 (test_lambda_invoke_with_timeout) and matched by ours, "
        "is errorType Sandbox.Timedout with \"RequestId: <id> Error: Task timed out after "
        "1.00 seconds\""
    ),
    "shared_credentials": (
        "AWS gives each execution environment credentials of its own (a session of the "
        "execution role, so two environments' AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY "
        "and AWS_SESSION_TOKEN differ); ours gives every environment the same"
    ),
    "recording_2022_nodejs16": (
        "This recording (September 2022) is of a nodejs16.x function, which the simulator "
        "does not run (the replay uses nodejs20.x), and its CreateFunction answer "
        "predates LoggingConfig, RuntimeVersionConfig and SnapStart, which AWS's answers "
        "have today"
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
    "lambda::TestLambdaBaseFeatures::test_assume_role[1]":
        ("function_credentials",),
    "lambda::TestLambdaBaseFeatures::test_assume_role[2]":
        ("function_credentials",),
    "lambda::TestLambdaErrors::test_lambda_handler_error":
        ("stack_trace_paths",),
    "lambda::TestLambdaErrors::test_lambda_runtime_error":
        ("stack_trace_paths",),
    "lambda::TestLambdaErrors::test_lambda_runtime_exit_segfault":
        ("init_segfault",),
    "destinations::TestLambdaDestinationEventbridge::test_invoke_lambda_eventbridge":
        ("stack_trace_paths",),
    "destinations::TestLambdaDestinationSqs::test_assess_lambda_destination_invocation"
    "[payload1]":
        ("stack_trace_paths",),
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
    "lambda::TestLambdaURL::test_lambda_url_echo_http_fixture_default":
        ("url_host_port", "url_no_tls"),
    "lambda::TestLambdaURL::test_lambda_url_echo_http_fixture_trim_x_headers":
        ("url_host_port",),
    "lambda::TestLambdaURL::test_lambda_url_form_payload":
        ("url_host_port",),
    "lambda::TestLambdaPermissions::test_lambda_permission_url_invocation":
        ("url_policy_not_enforced",),
    "lambda::TestLambdaBehavior::test_lambda_invoke_timed_out_environment_reuse":
        ("timeout_message_2024", "timeout_keeps_tmp"),
    "lambda::TestLambdaFeatures::test_lambda_with_context":
        ("recording_2022_nodejs16",),
    "lambda::TestLambdaBaseFeatures::test_lambda_different_iam_keys_environment":
        ("shared_credentials",),
}

KNOWN_DIFFERENCES: dict[str, str] = {
    scenario: "; ".join(CAUSES[cause] for cause in causes)
    for scenario, causes in KNOWN_CAUSES.items()
}
