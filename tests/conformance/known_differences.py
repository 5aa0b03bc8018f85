"""Scenarios whose replay differs from AWS's recording today, each with why: what AWS says
and what we say. A scenario listed here that matches fails its test, so this list is exact;
`CAUSES` names each difference once, so the report can group scenarios by what to fix."""

from __future__ import annotations

CAUSES: dict[str, str] = {
    "alias_arn_in_get_function": (
        "AWS's GetFunction through an alias answers the alias ARN as FunctionArn; ours "
        "answers the version's"
    ),
    "alias_name_message": (
        "AWS's ValidationException for an all-digit alias name quotes the pattern "
        "(?!^[0-9]+$)([a-zA-Z0-9-_]+); ours quotes another"
    ),
    "concurrency_qualified": (
        "AWS refuses PutFunctionConcurrency on a qualified ARN (...:$LATEST) with 400 \"This "
        "operation is permitted on Lambda functions only\"; we accept it"
    ),
    "concurrent_updates": (
        "AWS refuses a second update while the first is in progress (409 "
        "ResourceConflictException \"An update is in progress\"); ours completes each update "
        "at once, so the second succeeds"
    ),
    "delete_latest": (
        "AWS refuses DeleteFunction of name:$LATEST with 400 \"$LATEST version cannot be "
        "deleted without deleting the function.\"; we answer 404 Function not found"
    ),
    "eic_destinations": (
        "AWS returns DestinationConfig {\"OnSuccess\": {}, \"OnFailure\": {}} on an event "
        "invoke config without destinations; ours returns an empty DestinationConfig"
    ),
    "eic_not_found": (
        "AWS's GetFunctionEventInvokeConfig names the qualified ARN (:$LATEST or the "
        "version) in \"doesn't have an EventInvokeConfig\" and answers it even for a missing "
        "function; ours differs"
    ),
    "eic_version": (
        "AWS's GetFunctionEventInvokeConfig of a published version without one is 404; ours "
        "answers $LATEST's configuration"
    ),
    "empty_environment": (
        "AWS returns Environment {\"Variables\": {}} for a function created with no "
        "variables; we leave Environment out"
    ),
    "empty_tags": (
        "AWS refuses UntagResource with no keys (ValidationException \"Value null at "
        "'tagKeys'\") and TagResource with no tags (InvalidParameterValueException); we "
        "accept both"
    ),
    "esm_capacity_tags": (
        "AWS tags event source mappings and capacity providers (and answers 404 \"... not "
        "found\" for unknown ones); we refuse tags on anything but a function (400 "
        "InvalidParameterValueException)"
    ),
    "invalid_invoke": (
        "AWS's ValidationException for a malformed function ARN in Invoke quotes another "
        "regular expression than ours"
    ),
    "invalid_zip": (
        "AWS answers an archive that is not a zip with \"Could not unzip uploaded file...\"; "
        "we first refuse its python3.9 runtime as one the simulator does not support"
    ),
    "list_functions_version": (
        "AWS refuses ListFunctions FunctionVersion=\"invalid\" with a ValidationException; we "
        "list the functions"
    ),
    "list_state": (
        "AWS's ListFunctions leaves State and LastUpdateStatus out of each function; ours "
        "includes them"
    ),
    "name_validation": (
        "AWS's ValidationException quotes the function-name pattern with an optional "
        "\"(eusc-)?\" region prefix and \"$LATEST(.PUBLISHED)?\" (ours has neither) and the "
        "qualifier pattern \"\\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+\" (ours "
        "\"(|[a-zA-Z0-9$_-]+)\"); our CreateFunction quotes \"[a-zA-Z0-9\\-_]{1,64}\" where AWS "
        "quotes the ARN pattern; for some names AWS lists a second constraint, or answers "
        "ResourceNotFoundException where we answer ValidationException"
    ),
    "not_found_latest": (
        "AWS's \"Function not found\" for an unqualified name names the bare function ARN; "
        "ours appends :$LATEST"
    ),
    "publish_on_create": (
        "AWS's CreateFunction with Publish=true answers version 1's configuration (Version "
        "\"1\"); ours answers $LATEST's"
    ),
    "publish_on_update": (
        "AWS's UpdateFunctionCode with Publish=true answers the new version's configuration "
        "(Version \"1\", State Pending, its ARN); ours answers $LATEST's"
    ),
    "revision_on_settle": (
        "AWS gives a function a new RevisionId when it settles (Pending to Active, "
        "InProgress to Successful); ours keeps the RevisionId the create or update returned"
    ),
    "routing_too_many": (
        "AWS refuses an alias routing more than one additional version (\"Number of items in "
        "AdditionalVersionWeights cannot be greater than 1\"); we accept it"
    ),
    "runtime_deprecated": (
        "AWS refuses a deprecated runtime with \"The runtime parameter of X is no longer "
        "supported for creating or updating AWS Lambda functions...\"; ours lists the "
        "runtimes it takes"
    ),
    "runtime_enum": (
        "AWS's \"Member must satisfy enum value set\" message lists its runtimes in another "
        "order and set than ours"
    ),
    "runtime_version": (
        "AWS returns RuntimeVersionConfig.RuntimeVersionArn in every function "
        "configuration; we return none"
    ),
    "tag_arn_message": (
        "AWS's ValidationException for a malformed resource ARN quotes another regular "
        "expression than ours"
    ),
    "tag_limit_message": (
        "AWS says \"Number of tags exceeds resource tag limit.\"; ours adds \"of 50\""
    ),
    "tag_qualified_message": (
        "AWS refuses tags on a qualified ARN with \"Tags on function aliases and versions "
        "are not supported. Please specify a function ARN.\"; ours words it differently"
    ),
    "update_status_inprogress": (
        "AWS's GetFunction right after UpdateFunctionCode still shows LastUpdateStatus "
        "InProgress; ours is already Successful"
    ),
    "url_invoke_mode": (
        "AWS leaves InvokeMode out of a function URL config created without one; ours "
        "returns InvokeMode BUFFERED"
    ),
    "url_list_not_found": (
        "AWS's ListFunctionUrlConfigs for a missing function says \"Function does not "
        "exist\"; ours says \"Function not found: ...\""
    ),
    "version_arn_in_list": (
        "AWS's ListVersionsByFunction gives $LATEST its qualified ARN (...:$LATEST); ours "
        "gives the unqualified ARN"
    ),
    "version_state_in_list": (
        "AWS's ListVersionsByFunction leaves State and LastUpdateStatus out; ours includes "
        "them"
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
    "lambda_api::TestLambdaAlias::test_alias_lifecycle":
        ("runtime_version", "revision_on_settle", "alias_arn_in_get_function"),
    "lambda_api::TestLambdaAlias::test_alias_naming":
        ("alias_name_message", "runtime_version", "revision_on_settle"),
    "lambda_api::TestLambdaAlias::test_non_existent_alias_deletion": ("runtime_version",),
    "lambda_api::TestLambdaAlias::test_non_existent_alias_update": ("runtime_version",),
    "lambda_api::TestLambdaAlias::test_notfound_and_invalid_routingconfigs":
        (
            "publish_on_create", "routing_too_many", "runtime_version", "revision_on_settle",
            "not_found_latest",
        ),
    "lambda_api::TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_lifecycle":
        (
            "eic_version", "eic_destinations", "runtime_version", "empty_environment",
            "eic_not_found",
        ),
    "lambda_api::TestLambdaFunction::test_create_lambda_exceptions":
        ("invalid_zip", "runtime_enum"),
    "lambda_api::TestLambdaFunction::test_function_arns": ("empty_environment", "runtime_version"),
    "lambda_api::TestLambdaFunction::test_function_lifecycle":
        ("runtime_version", "empty_environment", "revision_on_settle", "not_found_latest"),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[full_arn_and_qualifier_too_long_and_invalid_region-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[full_arn_and_qualifier_too_long_and_invalid_region-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[full_arn_and_qualifier_too_long_and_invalid_region-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[full_arn_and_qualifier_too_long_and_invalid_region-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[full_arn_with_multiple_qualifiers-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[full_arn_with_multiple_qualifiers-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[full_arn_with_multiple_qualifiers-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[full_arn_with_multiple_qualifiers-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[function_name_is_single_invalid-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[function_name_is_single_invalid-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[function_name_is_single_invalid-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[function_name_is_single_invalid-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[function_name_too_long-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[function_name_too_long-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[function_name_too_long-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[function_name_too_long-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[function_name_too_long_and_invalid_region-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[function_name_too_long_and_invalid_region-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[function_name_too_long_and_invalid_region-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[function_name_too_long_and_invalid_region-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[incomplete_arn-delete_function]":
        ("name_validation", "not_found_latest"),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[incomplete_arn-get_function]":
        ("name_validation", "not_found_latest"),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_account_id_in_partial_arn-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_account_id_in_partial_arn-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_account_id_in_partial_arn-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_account_id_in_partial_arn-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_characters_in_function_name-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_characters_in_function_name-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_characters_in_function_name-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_characters_in_function_name-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_characters_in_qualifier-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_characters_in_qualifier-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_characters_in_qualifier-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_characters_in_qualifier-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_region_in_arn-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_region_in_arn-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_region_in_arn-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[invalid_region_in_arn-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[latest_version_with_additional_qualifier-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[lowercase_latest_qualifier-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[lowercase_latest_qualifier-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[missing_account_id_in_arn-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[missing_account_id_in_arn-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[missing_account_id_in_arn-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[missing_account_id_in_arn-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[missing_region_in_arn-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[missing_region_in_arn-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[missing_region_in_arn-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[missing_region_in_arn-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[misspelled_latest_in_arn-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[misspelled_latest_in_arn-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[misspelled_latest_in_arn-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[misspelled_latest_in_arn-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[non_lambda_arn-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[non_lambda_arn-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[non_lambda_arn-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[non_lambda_arn-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[partial_arn_with_extra_qualifier-create_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[partial_arn_with_extra_qualifier-delete_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[partial_arn_with_extra_qualifier-get_function]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[partial_arn_with_extra_qualifier-invoke]":
        ("name_validation",),
    "lambda_api::TestLambdaFunction::test_function_name_and_qualifier_validation[qualifier_too_long-create_function]":
        ("name_validation",),
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
    "lambda_api::TestLambdaFunction::test_invalid_invoke": ("invalid_invoke",),
    "lambda_api::TestLambdaFunction::test_invalid_vpc_config_security_group": ("vpc",),
    "lambda_api::TestLambdaFunction::test_invalid_vpc_config_subnet": ("vpc",),
    "lambda_api::TestLambdaFunction::test_lambda_code_location_s3":
        ("runtime_version", "revision_on_settle", "update_status_inprogress"),
    "lambda_api::TestLambdaFunction::test_lambda_code_location_zipfile":
        ("runtime_version", "revision_on_settle", "update_status_inprogress"),
    "lambda_api::TestLambdaFunction::test_lambda_concurrent_code_updates":
        ("concurrent_updates", "runtime_version"),
    "lambda_api::TestLambdaFunction::test_lambda_concurrent_config_updates":
        ("concurrent_updates", "runtime_version", "empty_environment"),
    "lambda_api::TestLambdaFunction::test_list_functions":
        (
            "publish_on_create", "list_state", "runtime_version", "empty_environment",
            "list_functions_version", "revision_on_settle",
        ),
    "lambda_api::TestLambdaFunction::test_ops_on_nonexisting_fn[get_function_event_invoke_config]":
        ("not_found_latest",),
    "lambda_api::TestLambdaFunction::test_ops_on_nonexisting_fn[get_function_url_config]":
        ("not_found_latest",),
    "lambda_api::TestLambdaFunction::test_ops_on_nonexisting_version[get_function_event_invoke_config]":
        ("eic_not_found",),
    "lambda_api::TestLambdaFunction::test_ops_with_arn_qualifier_mismatch[delete_function]":
        ("delete_latest", "not_found_latest"),
    "lambda_api::TestLambdaFunction::test_redundant_updates":
        ("runtime_version", "empty_environment", "revision_on_settle"),
    "lambda_api::TestLambdaFunction::test_update_lambda_exceptions": ("runtime_enum",),
    "lambda_api::TestLambdaFunction::test_vpc_config":
        ("vpc", "runtime_version", "empty_environment", "revision_on_settle"),
    "lambda_api::TestLambdaReservedConcurrency::test_function_concurrency_exceptions":
        ("concurrency_qualified",),
    "lambda_api::TestLambdaTag::test_create_tag_on_esm_create": ("esm_capacity_tags",),
    "lambda_api::TestLambdaTag::test_create_tag_on_fn_create":
        ("runtime_version", "empty_environment"),
    "lambda_api::TestLambdaTag::test_tag_exceptions[capacity_provider]": ("esm_capacity_tags",),
    "lambda_api::TestLambdaTag::test_tag_exceptions[event_source_mapping]": ("esm_capacity_tags",),
    "lambda_api::TestLambdaTag::test_tag_exceptions[lambda_function]":
        ("tag_arn_message", "tag_qualified_message"),
    "lambda_api::TestLambdaTag::test_tag_lifecycle[event_source_mapping]": ("esm_capacity_tags",),
    "lambda_api::TestLambdaTag::test_tag_nonexisting_resource":
        ("runtime_version", "empty_environment"),
    "lambda_api::TestLambdaTags::test_tag_exceptions":
        ("empty_tags", "tag_arn_message", "tag_qualified_message"),
    "lambda_api::TestLambdaTags::test_tag_lifecycle":
        ("runtime_version", "empty_environment", "revision_on_settle"),
    "lambda_api::TestLambdaTags::test_tag_limits":
        ("tag_limit_message", "runtime_version", "empty_environment"),
    "lambda_api::TestLambdaTags::test_tag_versions": ("tag_qualified_message",),
    "lambda_api::TestLambdaUrl::test_url_config_deletion_without_qualifier": ("url_invoke_mode",),
    "lambda_api::TestLambdaUrl::test_url_config_lifecycle": ("url_invoke_mode",),
    "lambda_api::TestLambdaUrl::test_url_config_list_paging":
        (
            "url_list_not_found", "runtime_version", "empty_environment", "not_found_latest",
            "url_invoke_mode",
        ),
    "lambda_api::TestLambdaVersions::test_publish_version_on_create":
        (
            "publish_on_create", "runtime_version", "revision_on_settle", "version_state_in_list",
            "version_arn_in_list",
        ),
    "lambda_api::TestLambdaVersions::test_publish_with_update":
        ("publish_on_update", "runtime_version", "revision_on_settle"),
    "lambda_api::TestLambdaVersions::test_publish_with_wrong_sha256":
        ("runtime_version", "revision_on_settle"),
    "lambda_api::TestLambdaVersions::test_version_lifecycle":
        ("runtime_version", "revision_on_settle", "version_state_in_list", "version_arn_in_list"),
    "lambda_api::TestRuntimeValidation::test_create_deprecated_function_runtime_with_validation_enabled[dotnetcore3.1]":
        ("runtime_deprecated", "runtime_enum"),
    "lambda_api::TestRuntimeValidation::test_create_deprecated_function_runtime_with_validation_enabled[go1.x]":
        ("runtime_deprecated", "runtime_enum"),
    "lambda_api::TestRuntimeValidation::test_create_deprecated_function_runtime_with_validation_enabled[java8]":
        ("runtime_deprecated", "runtime_enum"),
    "lambda_api::TestRuntimeValidation::test_create_deprecated_function_runtime_with_validation_enabled[nodejs12.x]":
        ("runtime_deprecated", "runtime_enum"),
    "lambda_api::TestRuntimeValidation::test_create_deprecated_function_runtime_with_validation_enabled[nodejs14.x]":
        ("runtime_deprecated", "runtime_enum"),
    "lambda_api::TestRuntimeValidation::test_create_deprecated_function_runtime_with_validation_enabled[provided]":
        ("runtime_deprecated", "runtime_enum"),
    "lambda_api::TestRuntimeValidation::test_create_deprecated_function_runtime_with_validation_enabled[python3.7]":
        ("runtime_deprecated", "runtime_enum"),
    "lambda_api::TestRuntimeValidation::test_create_deprecated_function_runtime_with_validation_enabled[ruby2.7]":
        ("runtime_deprecated", "runtime_enum"),
}

KNOWN_DIFFERENCES: dict[str, str] = {
    scenario: "; ".join(CAUSES[cause] for cause in causes)
    for scenario, causes in KNOWN_CAUSES.items()
}
