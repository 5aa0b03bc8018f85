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
    "other_account": (
        "AWS refuses CreateFunction under a function ARN of another account (403 "
        "AccessDeniedException); we create the function under our account"
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
    "wrong_region": (
        "AWS refuses a function ARN of another region (404 ResourceNotFoundException "
        "\"Functions from 'eu-central-1' are not reachable in this region ('us-east-1')\"); "
        "we ignore the ARN's region and answer for the function"
    ),
}

# scenario id -> the causes of its differences
KNOWN_CAUSES: dict[str, tuple[str, ...]] = {
    "lambda_api::TestLambdaFunction::test_function_arns": ("wrong_region", "other_account"),
    "lambda_api::TestLambdaFunction::test_get_function_wrong_region[delete_function]":
        ("wrong_region",),
    "lambda_api::TestLambdaFunction::test_get_function_wrong_region[get_function]":
        ("wrong_region",),
    "lambda_api::TestLambdaFunction::test_get_function_wrong_region[get_function_code_signing_config]":
        ("wrong_region",),
    "lambda_api::TestLambdaFunction::test_get_function_wrong_region[get_function_concurrency]":
        ("wrong_region",),
    "lambda_api::TestLambdaFunction::test_get_function_wrong_region[get_function_configuration]":
        ("wrong_region",),
    "lambda_api::TestLambdaFunction::test_get_function_wrong_region[get_function_event_invoke_config]":
        ("wrong_region",),
    "lambda_api::TestLambdaFunction::test_get_function_wrong_region[get_function_url_config]":
        ("wrong_region",),
    "lambda_api::TestLambdaFunction::test_get_function_wrong_region[invoke]": ("wrong_region",),
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
}

KNOWN_DIFFERENCES: dict[str, str] = {
    scenario: "; ".join(CAUSES[cause] for cause in causes)
    for scenario, causes in KNOWN_CAUSES.items()
}
