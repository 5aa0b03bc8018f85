"""Functions: create, read, update, delete; code locations; ARNs; what is refused."""

from __future__ import annotations

import io
import json
import sys
import zipfile

from botocore.exceptions import ParamValidationError

from tests.conformance.replay import (
    ECHO_HANDLER,
    VERSION_HANDLER,
    Replay,
    Scenario,
    add_scenario,
    scenario,
    short_id,
    zip_of,
)

API = "lambda_api"
LOCAL_PYTHON = f"python{sys.version_info.major}.{sys.version_info.minor}"
ECHO_ZIP = zip_of({"handler.py": ECHO_HANDLER})
VERSION_ZIP = zip_of({"handler.py": VERSION_HANDLER % "v1"})


@scenario(API, "TestLambdaFunction::test_function_lifecycle", "functions")
def function_lifecycle(run: Replay) -> None:
    name = run.function_name()
    run.record("create_response", run.create_function(name, MemorySize=256, Timeout=5))
    run.capture("get_function_response", "get_function", FunctionName=name)
    run.capture("update_func_conf_response", "update_function_configuration",
                FunctionName=name, Runtime="python3.11", Description="Changed-Description",
                MemorySize=512, Timeout=10, Environment={"Variables": {"ENV_A": "a"}})
    run.wait("function_updated_v2", FunctionName=name)
    run.capture("get_function_response_postupdate", "get_function", FunctionName=name)
    run.capture("update_code_response", "update_function_code", FunctionName=name,
                ZipFile=VERSION_ZIP)
    run.wait("function_updated_v2", FunctionName=name)
    run.capture("get_function_response_postcodeupdate", "get_function", FunctionName=name)
    run.capture("delete_response", "delete_function", FunctionName=name)
    run.capture("delete_postdelete", "delete_function", FunctionName=name)


@scenario(API, "TestLambdaFunction::test_redundant_updates", "functions")
def redundant_updates(run: Replay) -> None:
    name = run.function_name()
    run.record("create_response", run.create_function(name, Description="Initial description"))
    run.capture("first_update_result", "update_function_configuration", FunctionName=name,
                Description="1st update description")
    run.wait("function_updated_v2", FunctionName=name)
    run.capture("get_fn_config_result", "get_function_configuration", FunctionName=name)
    run.capture("get_fn_result", "get_function", FunctionName=name)
    run.capture("redundant_update_result", "update_function_configuration", FunctionName=name,
                Description="1st update description")
    run.wait("function_updated_v2", FunctionName=name)
    run.capture("get_fn_result_after_redundant_update", "get_function", FunctionName=name)


def ops_with_arn_qualifier_mismatch(operation: str) -> None:
    def replay(run: Replay) -> None:
        arn = run.arn("function:some-function")
        run.capture("not_match_exception", operation, FunctionName=f"{arn}:1",
                    Qualifier="$LATEST")
        run.capture("match_exception", operation, FunctionName=f"{arn}:$LATEST",
                    Qualifier="$LATEST")
    add_scenario(Scenario(API, f"TestLambdaFunction::test_ops_with_arn_qualifier_mismatch"
                          f"[{operation}]", "functions", replay))


def ops_on_nonexisting_version(operation: str) -> None:
    def replay(run: Replay) -> None:
        name = run.function_name()
        run.create_function(name, Description="Initial description")
        run.capture("version_not_found_exception", operation, FunctionName=name,
                    Qualifier="1221")
    add_scenario(Scenario(API, f"TestLambdaFunction::test_ops_on_nonexisting_version"
                          f"[{operation}]", "functions", replay))


def ops_on_nonexisting_fn(operation: str) -> None:
    def replay(run: Replay) -> None:
        run.capture("not_found_exception", operation, FunctionName=f"i-dont-exist-{short_id()}")
    add_scenario(Scenario(API, f"TestLambdaFunction::test_ops_on_nonexisting_fn[{operation}]",
                          "functions", replay))


def get_function_wrong_region(operation: str) -> None:
    def replay(run: Replay) -> None:
        name = run.function_name()
        # Invoked when the region is ignored: in the Python that runs here.
        run.create_function(name, Description="Initial description", Runtime=LOCAL_PYTHON)
        arn = f"arn:aws:lambda:eu-central-1:{run.account_id}:function:{name}"
        run.capture("wrong_region_exception", operation, FunctionName=arn)
    add_scenario(Scenario(API, f"TestLambdaFunction::test_get_function_wrong_region"
                          f"[{operation}]", "functions", replay))


for _operation in ["delete_function", "get_function", "get_function_configuration"]:
    ops_with_arn_qualifier_mismatch(_operation)
for _operation in ["get_function", "get_function_configuration",
                   "get_function_event_invoke_config"]:
    ops_on_nonexisting_version(_operation)
_LOOKUPS = ["get_function", "get_function_configuration", "get_function_url_config",
            "get_function_code_signing_config", "get_function_event_invoke_config",
            "get_function_concurrency"]
for _operation in ["delete_function", *_LOOKUPS]:
    ops_on_nonexisting_fn(_operation)
for _operation in [*_LOOKUPS, "delete_function", "invoke"]:
    get_function_wrong_region(_operation)


@scenario(API, "TestLambdaFunction::test_delete_on_nonexisting_version", "functions")
def delete_on_nonexisting_version(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, Description="Initial description")
    run.call("delete_function", FunctionName=name, Qualifier="1233")
    run.call("delete_function", FunctionName=name, Qualifier="1233")
    run.call("delete_function", FunctionName=name)
    run.capture("delete_function_response_non_existent", "delete_function", FunctionName=name)
    run.capture("delete_function_response_non_existent_with_qualifier", "delete_function",
                FunctionName=name, Qualifier="1233")


@scenario(API, "TestLambdaFunction::test_lambda_code_location_zipfile", "functions")
def code_location_zipfile(run: Replay) -> None:
    name = run.function_name()
    run.record("create-response-zip-file", run.create_function_plain(**run.plain(name)))
    run.capture("get-function-response", "get_function", FunctionName=name)
    run.capture("update-function-response", "update_function_code", FunctionName=name,
                ZipFile=VERSION_ZIP)
    run.capture("get-function-response-updated", "get_function", FunctionName=name)


@scenario(API, "TestLambdaFunction::test_lambda_code_location_s3", "functions")
def code_location_s3(run: Replay) -> None:
    s3 = run.client("s3")
    bucket, key = f"code-{short_id()}", "code/code-function.zip"
    s3.create_bucket(Bucket=bucket)
    s3.upload_fileobj(Fileobj=io.BytesIO(ECHO_ZIP), Bucket=bucket, Key=key)
    name = run.function_name()
    run.record("create_response_s3", run.create_function_plain(
        **run.plain(name, Code={"S3Bucket": bucket, "S3Key": key})))
    run.capture("get-function-response", "get_function", FunctionName=name)
    s3.upload_fileobj(Fileobj=io.BytesIO(VERSION_ZIP), Bucket=bucket, Key=key)
    run.capture("update-function-response", "update_function_code", FunctionName=name,
                S3Bucket=bucket, S3Key=key)
    run.capture("get-function-response-updated", "get_function", FunctionName=name)


@scenario(API, "TestLambdaFunction::test_lambda_code_location_s3_errors", "functions")
def code_location_s3_errors(run: Replay) -> None:
    s3 = run.client("s3")
    bucket, key = f"code-{short_id()}", "code/code-function.zip"
    s3.create_bucket(Bucket=bucket)
    s3.upload_fileobj(Fileobj=io.BytesIO(ECHO_ZIP), Bucket=bucket, Key=key)
    name = run.function_name()
    missing_bucket = f"some-random-non-existent-bucket-{short_id()}"
    run.capture("create-error-wrong-bucket", "create_function", **run.plain(
        name, Code={"S3Bucket": missing_bucket, "S3Key": key}))
    run.capture("create-error-wrong-key", "create_function", **run.plain(
        name, Code={"S3Bucket": bucket, "S3Key": "non/existent.zip"}))
    run.create_function_plain(**run.plain(name, Code={"S3Bucket": bucket,
                                                                "S3Key": key}))
    run.capture("update-error-wrong-bucket", "update_function_code", FunctionName=name,
                S3Bucket=missing_bucket, S3Key=key)
    run.capture("update-error-wrong-key", "update_function_code", FunctionName=name,
                S3Bucket=bucket, S3Key="non/existent.zip")


@scenario(API, "TestLambdaFunction::test_create_lambda_exceptions", "functions")
def create_lambda_exceptions(run: Replay) -> None:
    name = f"invalid-function-{short_id()}"
    run.capture("invalid_role_arn_exc", "create_function", **run.plain(name,
                                                                            Role="r1"))
    run.capture("invalid_runtime_exc", "create_function",
                **run.plain(name, Runtime="non-existent-runtime"))
    run.capture("uppercase_runtime_exc", "create_function",
                **run.plain(name, Runtime="PYTHON3.9"))
    try:
        run.call("create_function", **run.plain(name, Architectures=[]))
    except ParamValidationError as error:  # boto3 itself refuses it, as the recording shows
        run.record("empty_architectures", str(error))
    run.capture("multiple_architectures", "create_function",
                **run.plain(name, Architectures=["x86_64", "arm64"]))
    run.capture("uppercase_architecture", "create_function",
                **run.plain(name, Architectures=["X86_64"]))
    run.capture("invalid_zip_exc", "create_function", **run.plain(
        name, Runtime="python3.9",
        Code={"ZipFile": b"this is not a zipfile, just a random string"}))


@scenario(API, "TestLambdaFunction::test_update_lambda_exceptions", "functions")
def update_lambda_exceptions(run: Replay) -> None:
    name = run.function_name()
    run.create_function_plain(**run.plain(name))
    run.capture("invalid_role_arn_exc", "update_function_configuration", FunctionName=name,
                Role="r1")
    run.capture("invalid_runtime_exc", "update_function_configuration", FunctionName=name,
                Runtime="non-existent-runtime")
    run.capture("uppercase_runtime_exc", "update_function_configuration", FunctionName=name,
                Runtime="PYTHON3.9")


@scenario(API, "TestLambdaFunction::test_list_functions", "functions")
def list_functions(run: Replay) -> None:
    first, second = run.function_name(), run.function_name()
    run.record("create_response_1", run.create_function(first, Publish=True))
    run.record("create_response_2", run.create_function(second))
    run.capture("list_functions_invalid_functionversion", "list_functions",
                FunctionVersion="invalid")
    paginator = run.lambda_.get_paginator("list_functions")
    for key, options in [("list_all", {"FunctionVersion": "ALL"}), ("list_default", {})]:
        listed = paginator.paginate(PaginationConfig={"PageSize": 1},
                                    **options).build_full_result()
        listed["Functions"] = sorted(
            (entry for entry in listed["Functions"] if entry["FunctionName"] in (first, second)),
            # The recording's order: the first function's entries, then the second's.
            key=lambda entry: (entry["FunctionName"] != first, entry["FunctionArn"]))
        run.record(key, listed)


@scenario(API, "TestLambdaFunction::test_function_arns", "functions")
def function_arns(run: Replay) -> None:
    prefix = run.arn("function:")
    first, second = run.function_name(), run.function_name()
    run.record("create-function-arn-response", run.create_function(prefix + first))
    run.record("create-function-partial-arn-response",
               run.create_function(f"{run.account_id}:function:{second}"))
    run.capture("invalid_function_name_exc", "create_function",
                **run.plain("invalid:function:name"))
    run.capture("long_function_name_exc", "create_function", **run.plain("a" * 65))
    run.capture("long_function_arn_exc", "create_function",
                **run.plain(prefix + "a" * (140 - len(prefix) + 1)))
    other = f"fn-{short_id()}"
    run.capture("function_arn_other_region_exc", "create_function", **run.plain(
        f"arn:aws:lambda:ap-southeast-1:{run.account_id}:function:{other}"))
    run.capture("function_arn_other_account_exc", "create_function", **run.plain(
        f"arn:aws:lambda:{run.region}:123456789012:function:{other}"))


@scenario(API, "TestLambdaFunction::test_invalid_invoke", "functions")
def invalid_invoke(run: Replay) -> None:
    run.capture("invoke_function_name_pattern_exc", "invoke",
                FunctionName=f"arn:aws:lambda:{run.region}:123400000000@function:myfn",
                Payload=b"{}")


@scenario(API, "TestLambdaFunction::test_vpc_config", "functions")
def vpc_config(run: Replay) -> None:
    ec2 = run.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    groups = [ec2.create_security_group(VpcId=vpc, GroupName=f"test-security-group-{short_id()}",
                                        Description=f"Test security group {number}")["GroupId"]
              for number in (1, 2)]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"]
               for cidr in ("10.0.0.0/24", "10.0.1.0/24")]
    name = run.function_name()
    run.record("create_response", run.create_function(
        name, MemorySize=256, Timeout=5,
        VpcConfig={"SubnetIds": subnets[:1], "SecurityGroupIds": groups[:1]}))
    run.capture("get_function_response", "get_function", FunctionName=name)
    run.capture("update_vpcconfig_update_response", "update_function_configuration",
                FunctionName=name,
                VpcConfig={"SubnetIds": subnets[1:], "SecurityGroupIds": groups[1:]})
    run.wait("function_updated_v2", FunctionName=name)
    run.capture("update_vpcconfig_get_function_response", "get_function", FunctionName=name)
    run.capture("delete_vpcconfig_update_response", "update_function_configuration",
                FunctionName=name, VpcConfig={"SubnetIds": [], "SecurityGroupIds": []})
    run.wait("function_updated_v2", FunctionName=name)
    run.capture("delete_vpcconfig_get_function_response", "get_function", FunctionName=name)


@scenario(API, "TestLambdaFunction::test_invalid_vpc_config_subnet", "functions")
def invalid_vpc_config_subnet(run: Replay) -> None:
    group = run.client("ec2").describe_security_groups(MaxResults=5)["SecurityGroups"][0]
    for key, subnet in [("create-response-non-existent-subnet-id", f"subnet-{short_id()}"),
                        ("create-response-invalid-format-subnet-id", f"bad-format-{short_id()}")]:
        run.capture(key, "create_function", **run.plain(
            f"fn-{short_id()}",
            VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": [group["GroupId"]]}))


@scenario(API, "TestLambdaFunction::test_invalid_vpc_config_security_group", "functions")
def invalid_vpc_config_security_group(run: Replay) -> None:
    subnet = run.client("ec2").describe_subnets()["Subnets"][0]["SubnetId"]
    for key, group in [("create-response-non-existent-security-group", f"sg-{short_id()}"),
                       ("create-response-invalid-format-security-group",
                        f"bad-format-{short_id()}")]:
        run.capture(key, "create_function", **run.plain(
            f"fn-{short_id()}",
            VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": [group]}))


@scenario(API, "TestLambdaFunction::test_lambda_concurrent_code_updates", "functions")
def concurrent_code_updates(run: Replay) -> None:
    name = run.function_name()
    run.record("create-function-response", run.create_function_plain(
        FunctionName=name, Runtime="python3.12", Handler="handler.handler",
        Code={"ZipFile": zip_of({"handler.py": VERSION_HANDLER % "version0"})}))
    for version in ("version1", "version2"):
        response = run.call("update_function_code", FunctionName=name,
                            ZipFile=zip_of({"handler.py": VERSION_HANDLER % version}))
    run.record("update-during-in-progress-update-exc", response)
    run.wait("function_updated_v2", FunctionName=name)


@scenario(API, "TestLambdaFunction::test_lambda_concurrent_config_updates", "functions")
def concurrent_config_updates(run: Replay) -> None:
    name = run.function_name()
    run.record("create-function-response", run.create_function(name))
    for value in ("TEST1", "TEST2"):
        response = run.call("update_function_configuration", FunctionName=name,
                            Environment={"Variables": {"TEST": value}})
    run.record("update-during-in-progress-update-exc", response)
    run.wait("function_updated_v2", FunctionName=name)


SNAP_START_HANDLERS = {
    **dict.fromkeys(["java11", "java17", "java21", "java25"], "echo.Handler"),
    **dict.fromkeys(["python3.12", "python3.13"], "handler.handler"),
    **dict.fromkeys(["dotnet8", "dotnet10"], "dotnet::Dotnet.Function::FunctionHandler")}


def create_snap_start_candidate(run: Replay, runtime: str) -> str:
    """The recorder's multi-runtime echo function (only the API is replayed: the code is
    never run, so the Python echo stands in for every runtime's)."""
    name = run.function_name()
    run.record("create_function_response", run.create_function_plain(**run.plain(
        name, Runtime=runtime, Handler=SNAP_START_HANDLERS[runtime], MemorySize=1024,
        Timeout=5)))
    return name


def snap_start_lifecycle(runtime: str) -> None:
    def replay(run: Replay) -> None:
        name = create_snap_start_candidate(run, runtime)
        version = run.published(name, Description="version1")["Version"]
        run.capture("get_function_response_latest", "get_function", FunctionName=name)
        run.capture("get_function_response_version_1", "get_function",
                    FunctionName=f"{name}:{version}")
    add_scenario(Scenario(API, f"TestLambdaSnapStart::test_snapstart_lifecycle[{runtime}]",
                          "functions", replay))


def snap_start_update_function_configuration(runtime: str) -> None:
    def replay(run: Replay) -> None:
        name = create_snap_start_candidate(run, runtime)
        run.capture("update_function_response", "update_function_configuration",
                    FunctionName=name, SnapStart={"ApplyOn": "PublishedVersions"})
    add_scenario(Scenario(API, "TestLambdaSnapStart::test_snapstart_update_function_"
                          f"configuration[{runtime}]", "functions", replay))


for _runtime in SNAP_START_HANDLERS:
    snap_start_lifecycle(_runtime)
    snap_start_update_function_configuration(_runtime)


@scenario(API, "TestLambdaSnapStart::test_snapstart_exceptions", "functions")
def snap_start_exceptions(run: Replay) -> None:
    name = f"invalid-function-{short_id()}"
    run.capture("create_function_invalid_snapstart_apply", "create_function", **run.plain(
        name, Runtime="java21", Handler="cloud.localstack.sample.LambdaHandlerWithLib",
        SnapStart={"ApplyOn": "invalidOption"}))


MAX_ZIPPED_BYTES = 52_428_800
MAX_UNZIPPED_BYTES = 262_144_000
MAX_CREATE_FUNCTION_REQUEST_BYTES = 70_167_211


def padded_handler(size: int) -> str:
    """The echo handler padded with comment characters to `size` characters, as the
    recorder sized its archives."""
    return ECHO_HANDLER + "#" * (size - len(ECHO_HANDLER))


def sized_zip(size: int, compression: int = zipfile.ZIP_STORED) -> bytes:
    """An archive whose handler.py has `size` bytes: stored, as the recorder's were, so the
    archive is as large; or compressed, where only the unzipped size matters and a stored
    one would only make the replay slow."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("handler.py", padded_handler(size))
    return buffer.getvalue()


def create_sized(run: Replay, key: str, code: dict[str, object], **settings: object) -> None:
    name = run.function_name()
    run.record(key, run.create_function_plain(
        FunctionName=name, Runtime="python3.12", Handler="handler.handler", Role=run.role,
        Code=code, Timeout=10, **settings))


def s3_code(run: Replay, archive: bytes) -> dict[str, object]:
    s3 = run.client("s3")
    bucket, key = f"code-{short_id()}", "test_lambda.zip"
    s3.create_bucket(Bucket=bucket)
    s3.upload_fileobj(Fileobj=io.BytesIO(archive), Bucket=bucket, Key=key)
    run.on_cleanup(lambda: (s3.delete_object(Bucket=bucket, Key=key),
                            s3.delete_bucket(Bucket=bucket)))
    return {"S3Bucket": bucket, "S3Key": key}


@scenario(API, "TestLambdaSizeLimits::test_oversized_request_create_lambda", "functions")
def oversized_request_create_lambda(run: Replay) -> None:
    # Below the zipped limit, which AWS checks before the request's size.
    archive = sized_zip(MAX_ZIPPED_BYTES - 1024)
    large = padded_handler(MAX_CREATE_FUNCTION_REQUEST_BYTES - MAX_ZIPPED_BYTES + 1024 * 1024)
    create_sized(run, "invalid_param_exc", {"ZipFile": archive},
                 Environment={"Variables": {"largeKey": large}})


@scenario(API, "TestLambdaSizeLimits::test_oversized_zipped_create_lambda", "functions")
def oversized_zipped_create_lambda(run: Replay) -> None:
    create_sized(run, "invalid_param_exc", {"ZipFile": sized_zip(MAX_ZIPPED_BYTES)})


@scenario(API, "TestLambdaSizeLimits::test_oversized_unzipped_lambda", "functions")
def oversized_unzipped_lambda(run: Replay) -> None:
    archive = sized_zip(MAX_UNZIPPED_BYTES, zipfile.ZIP_DEFLATED)
    create_sized(run, "invalid_param_exc", s3_code(run, archive))


@scenario(API, "TestLambdaSizeLimits::test_large_lambda", "functions")
def large_lambda(run: Replay) -> None:
    archive = sized_zip(MAX_UNZIPPED_BYTES - 1000, zipfile.ZIP_DEFLATED)
    create_sized(run, "create_function_large_zip", s3_code(run, archive))


def environment_of_size(key: str, variables: dict[str, str], size: int) -> dict[str, str]:
    """`variables` and `key`, whose value makes the environment's JSON `size` bytes long."""
    measured = len(json.dumps({**variables, key: ""}, separators=(",", ":")))
    return {**variables, key: "x" * (size - measured)}


@scenario(API, "TestLambdaSizeLimits::test_large_environment_variables_fails", "functions")
def large_environment_variables_fails(run: Replay) -> None:
    variables = environment_of_size("LARGE_VAR", {}, 4 * 1024 + 1)
    name = run.function_name()
    run.record("failed_create_fn_result", run.create_function(
        name, Environment={"Variables": variables})["CreateFunctionResponse"])


@scenario(API, "TestLambdaSizeLimits::test_large_environment_fails_multiple_keys", "functions")
def large_environment_fails_multiple_keys(run: Replay) -> None:
    variables = environment_of_size("LARGE_VAR", {"SMALL_VAR": "ok"}, 4 * 1024 + 1)
    name = run.function_name()
    run.record("failured_create_fn_result_multi_key", run.create_function(
        name, Environment={"Variables": variables})["CreateFunctionResponse"])


@scenario(API, "TestLambdaSizeLimits::test_lambda_envvars_near_limit_succeeds", "functions")
def lambda_envvars_near_limit_succeeds(run: Replay) -> None:
    variables = environment_of_size("LARGE_VAR", {}, 4 * 1024)
    name = run.function_name()
    run.record("successful_create_fn_result", run.create_function(
        name, Environment={"Variables": variables}))
