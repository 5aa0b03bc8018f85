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
}

KNOWN_DIFFERENCES: dict[str, str] = {
    scenario: "; ".join(CAUSES[cause] for cause in causes)
    for scenario, causes in KNOWN_CAUSES.items()
}
