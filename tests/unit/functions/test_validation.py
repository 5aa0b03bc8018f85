"""Control-plane input checks: AWS's limits, error codes and exact wording."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.errors import InvalidParameterValueException, ValidationException
from simulator.functions.validation import (
    AWS_RUNTIME_ENUM,
    FUNCTION_NAME,
    LOOKUP_QUALIFIER,
    NAMESPACED_FUNCTION_NAME,
    Violations,
    check_qualifier,
    check_runnable,
    parse_function_reference,
    validate_environment,
    validate_function_settings,
    validate_image_uri,
    validate_max_items,
    validate_package_type,
    validate_tags,
)
from tests.unit.function_configs import function

ROLE = "arn:aws:iam::123456789012:role/lambda-role"


def create_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "FunctionName": "my-function",
        "Role": ROLE,
        "Runtime": "python3.12",
        "Handler": "app.handler",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def validation_message(value: object, member: str, constraint: str) -> str:
    return (
        f"1 validation error detected: Value '{value}' at '{member}' "
        f"failed to satisfy constraint: {constraint}"
    )


# -- function references ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("my-function", ("my-function", None)),
        ("my_function_2", ("my_function_2", None)),
        ("my-function:prod", ("my-function", "prod")),
        ("my-function:7", ("my-function", "7")),
        ("my-function:$LATEST", ("my-function", "$LATEST")),
        ("123456789012:function:my-function", ("my-function", None)),
        ("123456789012:function:my-function:prod", ("my-function", "prod")),
        ("arn:aws:lambda:us-east-1:123456789012:function:my-function", ("my-function", None)),
        (
            "arn:aws:lambda:eu-west-2:123456789012:function:my-function:$LATEST",
            ("my-function", "$LATEST"),
        ),
        (
            "arn:aws:lambda:us-east-1:123456789012:function:my-function:live",
            ("my-function", "live"),
        ),
        ("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:fn", ("fn", None)),
    ],
)
def test_function_reference_is_parsed(reference: str, expected: tuple[str, str | None]) -> None:
    assert parse_function_reference(reference) == expected


@pytest.mark.parametrize(
    "reference",
    [
        "my function",
        "my/function",
        "fn:bad qualifier",
        "fn:a:b",
        "arn:aws:s3:us-east-1:123456789012:function:fn",
    ],
)
def test_bad_function_reference_is_a_validation_error(reference: str) -> None:
    with pytest.raises(ValidationException) as caught:
        parse_function_reference(reference)

    assert caught.value.status == 400
    assert caught.value.message == validation_message(
        reference,
        "functionName",
        f"Member must satisfy regular expression pattern: {NAMESPACED_FUNCTION_NAME}",
    )


def test_a_name_over_64_characters_is_looked_up_as_aws_does() -> None:
    # AWS answers such a lookup with "Function not found", not a ValidationException.
    assert parse_function_reference("f" * 65) == ("f" * 65, None)


def test_latest_published_and_eusc_regions_are_references() -> None:
    assert parse_function_reference("fn:$LATEST.PUBLISHED") == ("fn", "$LATEST.PUBLISHED")
    assert parse_function_reference(
        "arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:fn") == ("fn", None)


@pytest.mark.parametrize(("qualifier", "constraint"), [
    ("invalid!", f"Member must satisfy regular expression pattern: {LOOKUP_QUALIFIER}"),
    ("a" * 129, "Member must have length less than or equal to 128"),
])
def test_a_lookup_qualifier_is_checked_against_aws_pattern(qualifier: str,
                                                           constraint: str) -> None:
    violations = Violations()
    check_qualifier(violations, qualifier)

    assert violations.messages == [
        f"Value '{qualifier}' at 'qualifier' failed to satisfy constraint: {constraint}"]


def test_lowercase_latest_is_a_qualifier_of_its_own() -> None:
    violations = Violations()
    check_qualifier(violations, "$latest")

    assert violations.messages == []


def test_function_name_of_64_characters_is_accepted() -> None:
    assert parse_function_reference("f" * 64) == ("f" * 64, None)


def test_function_reference_over_256_characters_is_refused() -> None:
    reference = "arn:aws:lambda:us-east-1:123456789012:function:" + "f" * 250

    with pytest.raises(ValidationException) as caught:
        parse_function_reference(reference)

    assert caught.value.message == validation_message(
        reference, "functionName", "Member must have length less than or equal to 256"
    )


def test_bad_function_name_on_create_is_a_validation_error() -> None:
    with pytest.raises(ValidationException) as caught:
        validate_function_settings(create_body(FunctionName="bad name!"), creating=True)

    assert caught.value.message == validation_message(
        "bad name!", "functionName",
        f"Member must satisfy regular expression pattern: {FUNCTION_NAME}")


def test_a_function_is_created_by_its_arn() -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:my-function"

    assert validate_function_settings(create_body(FunctionName=arn), creating=True)["name"] \
        == "my-function"


def test_a_new_name_over_64_characters_is_an_invalid_parameter() -> None:
    with pytest.raises(InvalidParameterValueException) as caught:
        validate_function_settings(create_body(FunctionName="f" * 65), creating=True)

    assert caught.value.message == validation_message(
        "f" * 65, "functionName", "Member must have length less than or equal to 64")


def test_a_new_reference_over_140_characters_lists_each_constraint() -> None:
    name = "arn:aws:lambda:invalid-region:123456789012:function:" + "f" * 100

    with pytest.raises(ValidationException) as caught:
        validate_function_settings(create_body(FunctionName=name), creating=True)

    assert caught.value.message.startswith("2 validation errors detected: ")
    assert "Member must have length less than or equal to 140" in caught.value.message


# -- CreateFunction / UpdateFunctionConfiguration ---------------------------------------------


@pytest.mark.parametrize("mode", ["Active", "PassThrough"])
def test_tracing_mode_reads_back_as_set(mode: str) -> None:
    settings = validate_function_settings(create_body(TracingConfig={"Mode": mode}),
                                          creating=True)

    assert settings["tracing_mode"] == mode


def test_an_unknown_tracing_mode_is_a_validation_error() -> None:
    with pytest.raises(ValidationException) as caught:
        validate_function_settings(create_body(TracingConfig={"Mode": "Always"}), creating=True)

    assert caught.value.message == (
        "1 validation error detected: Value 'Always' at 'tracingConfig.mode' failed to satisfy "
        "constraint: Member must satisfy enum value set: [Active, PassThrough]")


def test_a_tenancy_config_is_taken_at_creation_only() -> None:
    body = create_body(TenancyConfig={"TenantIsolationMode": "PER_TENANT"})

    assert validate_function_settings(body, creating=True)["tenant_isolation_mode"] == (
        "PER_TENANT")
    assert "tenant_isolation_mode" not in validate_function_settings(body, creating=False)
    assert "tenant_isolation_mode" not in validate_function_settings(create_body(),
                                                                     creating=True)


@pytest.mark.parametrize(("config", "violation"), [
    ({"TenantIsolationMode": "SHARED"}, "Value 'SHARED' at 'tenancyConfig.tenantIsolationMode' "
     "failed to satisfy constraint: Member must satisfy enum value set: [PER_TENANT]"),
    ({}, "Value null at 'tenancyConfig.tenantIsolationMode' failed to satisfy constraint: "
     "Member must not be null"),
])
def test_a_tenancy_config_outside_the_model_is_a_validation_error(
    config: dict[str, Any], violation: str
) -> None:
    with pytest.raises(ValidationException) as caught:
        validate_function_settings(create_body(TenancyConfig=config), creating=True)

    assert caught.value.message == f"1 validation error detected: {violation}"


def test_good_create_body_becomes_config_fields() -> None:
    settings = validate_function_settings(
        create_body(
            Timeout=30,
            MemorySize=512,
            Description="demo",
            Environment={"Variables": {"STAGE": "dev"}},
        ),
        creating=True,
    )

    assert settings == {
        "name": "my-function",
        "role": ROLE,
        "runtime": "python3.12",
        "handler": "app.handler",
        "timeout": 30,
        "memory_size": 512,
        "description": "demo",
        "environment": {"STAGE": "dev"},
        "has_environment": True,
    }


@pytest.mark.parametrize(
    "role",
    [
        ROLE,
        "arn:aws:iam::123456789012:role/service-role/my-role-abc",
        "arn:aws-cn:iam::123456789012:role/r+=,.@-_",
    ],
)
def test_role_arn_accepted(role: str) -> None:
    assert validate_function_settings(create_body(Role=role), creating=True)["role"] == role


@pytest.mark.parametrize(
    "role",
    [
        "lambda-role",
        "arn:aws:iam::12345:role/lambda-role",
        "arn:aws:iam::123456789012:user/someone",
        "arn:aws:sts::123456789012:role/lambda-role",
    ],
)
def test_bad_role_arn_is_a_validation_error(role: str) -> None:
    with pytest.raises(ValidationException) as caught:
        validate_function_settings(create_body(Role=role), creating=True)

    assert caught.value.message == validation_message(
        role,
        "role",
        r"Member must satisfy regular expression pattern: "
        r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+",
    )


def test_missing_role_on_create_is_a_validation_error() -> None:
    with pytest.raises(ValidationException, match="at 'role'"):
        validate_function_settings(create_body(Role=None), creating=True)


@pytest.mark.parametrize(
    ("field", "member", "value", "constraint"),
    [
        ("Timeout", "timeout", 0, "Member must have value greater than or equal to 1"),
        ("Timeout", "timeout", 901, "Member must have value less than or equal to 900"),
        ("Timeout", "timeout", 3000, "Member must have value less than or equal to 900"),
        ("MemorySize", "memorySize", 127, "Member must have value greater than or equal to 128"),
        ("MemorySize", "memorySize", 10241, "Member must have value less than or equal to 10240"),
    ],
)
def test_out_of_range_number_is_a_validation_error(
    field: str, member: str, value: int, constraint: str
) -> None:
    with pytest.raises(ValidationException) as caught:
        validate_function_settings({field: value}, creating=False)

    assert caught.value.status == 400
    assert caught.value.message == validation_message(value, member, constraint)


@pytest.mark.parametrize(
    ("field", "value"),
    [("Timeout", 1), ("Timeout", 900), ("MemorySize", 128), ("MemorySize", 10240)],
)
def test_numbers_at_the_limits_are_accepted(field: str, value: int) -> None:
    settings = validate_function_settings({field: value}, creating=False)

    assert value in settings.values()


def test_several_violations_are_reported_together() -> None:
    with pytest.raises(ValidationException) as caught:
        validate_function_settings({"Timeout": 0, "MemorySize": 10241}, creating=False)

    assert caught.value.message == (
        "2 validation errors detected: "
        "Value '0' at 'timeout' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1; "
        "Value '10241' at 'memorySize' failed to satisfy constraint: "
        "Member must have value less than or equal to 10240"
    )


def test_unknown_runtime_is_an_invalid_parameter() -> None:
    with pytest.raises(InvalidParameterValueException) as caught:
        validate_function_settings(create_body(Runtime="python2.0"), creating=True)

    assert caught.value.status == 400
    assert caught.value.message.startswith(
        "Value python2.0 at 'runtime' failed to satisfy constraint: "
        "Member must satisfy enum value set: ["
    )


@pytest.mark.parametrize("runtime", ["python3.14", "nodejs24.x", "python3.11", "nodejs20.x"])
def test_the_current_python_and_node_runtimes_are_accepted(runtime: str) -> None:
    settings = validate_function_settings(create_body(Runtime=runtime), creating=True)
    assert settings["runtime"] == runtime


@pytest.mark.parametrize("runtime", ["python3.10", "python3.15", "nodejs26.x", "java21"])
def test_an_aws_runtime_the_simulator_cannot_run_is_refused_as_not_supported_here(
        runtime: str) -> None:
    """AWS takes these (python3.15 and nodejs26.x in preview): the refusal says the simulator
    cannot run them, and which it can, rather than calling the value invalid."""
    settings = validate_function_settings(create_body(Runtime=runtime), creating=True)
    with pytest.raises(InvalidParameterValueException) as caught:
        check_runnable(settings["runtime"])
    assert caught.value.status == 400
    assert caught.value.message == (
        f"The runtime parameter of {runtime} is not supported by this simulator yet; supported "
        "runtimes: python3.11, python3.12, python3.13, python3.14, nodejs18.x, nodejs20.x, "
        "nodejs22.x, nodejs24.x, provided.al2, provided.al2023")


@pytest.mark.parametrize("runtime", ["python3.7", "go1.x", "provided", "dotnetcore3.1"])
def test_a_deprecated_runtime_is_no_longer_supported(runtime: str) -> None:
    with pytest.raises(InvalidParameterValueException) as caught:
        validate_function_settings(create_body(Runtime=runtime), creating=True)
    assert caught.value.message == (
        f"The runtime parameter of {runtime} is no longer supported for creating or updating "
        "AWS Lambda functions. We recommend you use a supported runtime while creating or "
        "updating functions.")


def test_an_unknown_runtime_is_answered_with_aws_list_in_its_order() -> None:
    with pytest.raises(InvalidParameterValueException) as caught:
        validate_function_settings(create_body(Runtime="PYTHON3.9"), creating=True)
    assert caught.value.message.endswith(
        f"enum value set: [{', '.join(AWS_RUNTIME_ENUM)}] or be a valid ARN")
    assert AWS_RUNTIME_ENUM[:3] == ("nodejs20.x", "python3.14", "provided.al2023")


def test_missing_handler_on_create_is_an_invalid_parameter() -> None:
    with pytest.raises(
        InvalidParameterValueException,
        match="Handler and Runtime must be set when PackageType is Zip",
    ):
        validate_function_settings(create_body(Handler=None), creating=True)


def test_update_only_returns_fields_it_was_given() -> None:
    assert validate_function_settings({"Timeout": 10}, creating=False) == {"timeout": 10}


# -- LoggingConfig ----------------------------------------------------------------------------


def logging_update(config: dict[str, Any], **current: Any) -> dict[str, Any]:
    """The logging fields an UpdateFunctionConfiguration of `config` leaves a function with."""
    return validate_function_settings({"LoggingConfig": config}, creating=False,
                                      current=function(**current))


def test_a_new_function_with_json_logs_filters_both_at_info_in_its_own_group() -> None:
    settings = validate_function_settings(create_body(LoggingConfig={"LogFormat": "JSON"}),
                                          creating=True)

    assert (settings["log_format"], settings["application_log_level"],
            settings["system_log_level"], settings["log_group"]) == ("JSON", "INFO", "INFO", "")


def test_a_new_function_given_only_a_group_logs_text_there() -> None:
    settings = validate_function_settings(create_body(LoggingConfig={"LogGroup": "cool_lambda"}),
                                          creating=True)

    assert (settings["log_format"], settings["application_log_level"],
            settings["log_group"]) == ("Text", "", "cool_lambda")


def test_a_function_created_without_a_logging_config_keeps_the_defaults() -> None:
    assert "log_format" not in validate_function_settings(create_body(), creating=True)


@pytest.mark.parametrize(("config", "expected"), [
    # As AWS answered the partial updates of a Text function.
    ({"LogFormat": "JSON"}, ("JSON", "INFO", "INFO", "")),
    ({"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG"}, ("JSON", "DEBUG", "INFO", "")),
    ({"LogFormat": "JSON", "SystemLogLevel": "DEBUG"}, ("JSON", "INFO", "DEBUG", "")),
    ({"LogGroup": "cool_lambda"}, ("Text", "", "", "cool_lambda")),
])
def test_a_partial_update_of_text_logs_changes_only_what_it_names(
        config: dict[str, Any], expected: tuple[str, str, str, str]) -> None:
    settings = logging_update(config)

    assert (settings["log_format"], settings["application_log_level"],
            settings["system_log_level"], settings["log_group"]) == expected


def test_a_partial_update_of_json_logs_keeps_their_levels_and_group() -> None:
    settings = logging_update({"SystemLogLevel": "WARN"}, log_format="JSON",
                              application_log_level="ERROR", system_log_level="INFO",
                              log_group="/custom")

    assert (settings["log_format"], settings["application_log_level"],
            settings["system_log_level"], settings["log_group"]) == (
        "JSON", "ERROR", "WARN", "/custom")


def test_switching_back_to_text_drops_the_levels() -> None:
    settings = logging_update({"LogFormat": "Text"}, log_format="JSON",
                              application_log_level="DEBUG", system_log_level="DEBUG")

    assert (settings["log_format"], settings["application_log_level"],
            settings["system_log_level"]) == ("Text", "", "")


@pytest.mark.parametrize(("config", "member", "value", "allowed"), [
    ({"LogFormat": "Yaml"}, "logFormat", "Yaml", "JSON, Text"),
    ({"LogFormat": "JSON", "ApplicationLogLevel": "NOTICE"}, "applicationLogLevel", "NOTICE",
     "TRACE, DEBUG, INFO, WARN, ERROR, FATAL"),
    ({"LogFormat": "JSON", "SystemLogLevel": "ERROR"}, "systemLogLevel", "ERROR",
     "DEBUG, INFO, WARN"),
])
def test_a_logging_value_outside_its_enum_is_a_validation_error(
        config: dict[str, Any], member: str, value: str, allowed: str) -> None:
    with pytest.raises(ValidationException) as caught:
        logging_update(config)

    assert caught.value.message == (
        f"1 validation error detected: Value '{value}' at 'loggingConfig.{member}' failed to "
        f"satisfy constraint: Member must satisfy enum value set: [{allowed}]")


def test_a_log_group_is_held_to_the_models_pattern_and_length() -> None:
    with pytest.raises(ValidationException) as spaced:
        logging_update({"LogGroup": "bad group"})
    with pytest.raises(ValidationException) as long:
        logging_update({"LogGroup": "g" * 513})

    assert spaced.value.message.endswith(
        "Value 'bad group' at 'loggingConfig.logGroup' failed to satisfy constraint: Member "
        r"must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+")
    assert long.value.message.endswith(
        "at 'loggingConfig.logGroup' failed to satisfy constraint: Member must have length "
        "less than or equal to 512")
    assert logging_update({"LogGroup": "g" * 512})["log_group"] == "g" * 512


# -- environment variables --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["AB", "MY_VAR", "var_2", "aWS_x"])
def test_environment_variable_names_accepted(name: str) -> None:
    assert validate_environment({"Variables": {name: "v"}}) == {name: "v"}


@pytest.mark.parametrize("name", ["1ABC", "_ABC", "MY-VAR", "MY VAR", "ÉTAT"])
def test_bad_environment_variable_name_is_a_validation_error(name: str) -> None:
    with pytest.raises(ValidationException) as caught:
        validate_environment({"Variables": {name: "v"}})

    assert caught.value.message.startswith("1 validation error detected: ")
    assert "environment.variables" in caught.value.message
    assert "[a-zA-Z]([a-zA-Z0-9_])+" in caught.value.message


def test_environment_variables_up_to_4kb_are_accepted() -> None:
    variables = {"BIG": "x" * 4000}

    assert validate_environment({"Variables": variables}) == variables


def test_environment_variables_over_4kb_are_an_invalid_parameter() -> None:
    variables = {f"VAR_{i}": "x" * 500 for i in range(9)}

    with pytest.raises(InvalidParameterValueException) as caught:
        validate_environment({"Variables": variables})

    assert caught.value.status == 400
    assert "exceeded the 4KB limit" in caught.value.message


def test_missing_or_empty_environment_means_no_variables() -> None:
    assert validate_environment(None) == {}
    assert validate_environment({}) == {}
    assert validate_environment({"Variables": {}}) == {}


# -- MaxItems ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 50), ("1", 1), ("10", 10), ("50", 50), ("51", 50), ("10000", 50)],
)
def test_max_items_is_capped_at_a_page_of_50(raw: str | None, expected: int) -> None:
    assert validate_max_items(raw) == expected


def test_max_items_over_10000_is_a_validation_error() -> None:
    with pytest.raises(ValidationException) as caught:
        validate_max_items("10001")

    assert caught.value.message == validation_message(
        10001, "maxItems", "Member must have value less than or equal to 10000"
    )


@pytest.mark.parametrize("raw", ["0", "-5"])
def test_max_items_below_1_is_a_validation_error(raw: str) -> None:
    with pytest.raises(ValidationException) as caught:
        validate_max_items(raw)

    assert caught.value.message == validation_message(
        raw, "maxItems", "Member must have value greater than or equal to 1"
    )


def test_max_items_that_is_not_a_number_is_a_client_error() -> None:
    with pytest.raises((InvalidParameterValueException, ValidationException)) as caught:
        validate_max_items("ten")

    assert caught.value.status == 400


# -- container images, architectures, VPC ---------------------------------------------------


def image_body(**changes: Any) -> dict[str, Any]:
    return create_body(**{"Runtime": None, "Handler": None, "PackageType": "Image", **changes})


def test_an_image_function_has_no_runtime_or_handler() -> None:
    settings = validate_function_settings(
        image_body(ImageConfig={"Command": ["app.handler"], "EntryPoint": None}),
        creating=True, package_type="Image")
    assert (settings["runtime"], settings["handler"]) == ("", "")
    assert settings["image_config"] == {"Command": ["app.handler"]}


@pytest.mark.parametrize("extra", [{"Runtime": "python3.12"}, {"Handler": "app.handler"},
                                   {"Layers": ["arn:aws:lambda:us-east-1:1:layer:x:1"]}])
def test_an_image_function_refuses_zip_settings(extra: dict[str, Any]) -> None:
    with pytest.raises(InvalidParameterValueException, match="Please don't provide Handler "
                       "or Runtime or Layer when the intended function PackageType is Image"):
        validate_function_settings(image_body(**extra), creating=True, package_type="Image")


def test_a_zip_function_refuses_image_config() -> None:
    with pytest.raises(InvalidParameterValueException, match="ImageConfig is not supported"):
        validate_function_settings(create_body(ImageConfig={"Command": ["x"]}), creating=True)


def test_an_unknown_package_type_is_a_validation_error() -> None:
    with pytest.raises(ValidationException) as caught:
        validate_package_type("Jar")
    assert caught.value.message == validation_message(
        "Jar", "packageType", "Member must satisfy enum value set: [Zip, Image]")


@pytest.mark.parametrize(("code", "package_type", "message"), [
    ({}, "Image", "Please provide ImageUri when the intended function PackageType is Image."),
    ({"ImageUri": "repo:1", "ZipFile": "UEs="}, "Image",
     "Please don't provide ZipFile or S3Bucket or S3Key when the intended function "
     "PackageType is Image."),
    ({"ImageUri": "repo:1"}, "Zip",
     "Please don't provide ImageUri when the intended function PackageType is Zip."),
])
def test_image_uri_goes_with_image_functions_only(code: dict[str, Any], package_type: str,
                                                  message: str) -> None:
    with pytest.raises(InvalidParameterValueException) as caught:
        validate_image_uri(code, package_type)
    assert caught.value.message == message


def test_image_uri_of_an_image_function_is_kept() -> None:
    assert validate_image_uri({"ImageUri": " repo/app:1 "}, "Image") == "repo/app:1"
    assert validate_image_uri({"ZipFile": "UEs="}, "Zip") is None


@pytest.mark.parametrize("architectures", [["x86_64"], ["arm64"]])
def test_either_architecture_is_accepted(architectures: list[str]) -> None:
    settings = validate_function_settings({"Architectures": architectures}, creating=False)
    assert settings == {"architectures": tuple(architectures)}


def test_vpc_config_is_kept_and_an_empty_one_means_none() -> None:
    settings = validate_function_settings(
        {"VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}},
        creating=False)
    assert settings["vpc_config"] == {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"],
                                      "Ipv6AllowedForDualStack": False}
    assert validate_function_settings({"VpcConfig": {"SubnetIds": []}}, creating=False) == {
        "vpc_config": None}


def test_more_than_sixteen_subnets_is_a_validation_error() -> None:
    subnets = [f"subnet-{i}" for i in range(17)]
    with pytest.raises(ValidationException, match="at 'vpcConfig.subnetIds' failed to "
                       "satisfy constraint: Member must have length less than or equal to 16"):
        validate_function_settings({"VpcConfig": {"SubnetIds": subnets}}, creating=False)


# -- tags -----------------------------------------------------------------------------------------


def test_tags_limits() -> None:
    assert validate_tags({"b": "2"}, existing={"a": "1"}) == {"a": "1", "b": "2"}
    assert validate_tags({"a": ""}) == {"a": ""}
    for bad in ({"": "x"}, {"k" * 129: "x"}, {"k": "v" * 257}, {"aws:x": "y"}, ["a"]):
        with pytest.raises(InvalidParameterValueException):
            validate_tags(bad)
    with pytest.raises(InvalidParameterValueException, match="tag limit"):
        validate_tags({"new": "x"}, existing={f"k{i}": "v" for i in range(50)})


def test_snap_start_apply_on_is_one_of_awss_values_checked_before_the_runtime() -> None:
    body = create_body(Runtime="java21", SnapStart={"ApplyOn": "invalidOption"})
    with pytest.raises(ValidationException) as raised:
        validate_function_settings(body, creating=True)
    assert str(raised.value.message) == (
        "1 validation error detected: Value 'invalidOption' at 'snapStart.applyOn' failed to "
        "satisfy constraint: Member must satisfy enum value set: [PublishedVersions, None]")


def test_snap_start_published_versions_is_taken() -> None:
    validate_function_settings(create_body(SnapStart={"ApplyOn": "PublishedVersions"}),
                               creating=True)
