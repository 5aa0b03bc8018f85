"""`AWS::Serverless::Function` and `AWS::Lambda::Function` resources read into FunctionSpecs:
the settings Lambda uses, with CloudFormation's defaults; functions the simulator cannot run are
skipped with a warning saying why, a function the user must fix is an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.templates.functions import lambda_function, serverless_function
from simulator.templates.intrinsics import Resolver
from simulator.templates.naming import Stack
from simulator.templates.specs import EventSpec, FunctionSpec, TemplateError

STACK = Stack(name="demo", region="us-east-1", account_id="123456789012")
ARN_PREFIX = "arn:aws:lambda:us-east-1:123456789012:function:"
BASE = {"Runtime": "python3.12", "Handler": "app.handler", "CodeUri": "src/"}


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    stack = tmp_path / "demo"
    (stack / "src").mkdir(parents=True)
    (stack / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    return stack


def resolver(resources: dict[str, dict[str, Any]], **parameters: Any) -> Resolver:
    return Resolver(STACK, parameters, resources, {}, {}, [])


def serverless(
    template_dir: Path,
    properties: dict[str, Any],
    global_properties: dict[str, Any] | None = None,
    extra: dict[str, dict[str, Any]] | None = None,
    **parameters: Any,
) -> tuple[FunctionSpec | None, list[str]]:
    resource = {"Type": "AWS::Serverless::Function", "Properties": properties}
    subject = resolver({"Fn": resource, **(extra or {})}, **parameters)
    spec = serverless_function("Fn", resource, subject, template_dir, global_properties or {})
    return spec, subject.warnings


def plain(template_dir: Path, properties: dict[str, Any]) -> tuple[FunctionSpec | None, list[str]]:
    resource = {"Type": "AWS::Lambda::Function", "Properties": properties}
    subject = resolver({"Fn": resource})
    return lambda_function("Fn", resource, subject, template_dir), subject.warnings


def test_a_function_with_cloudformations_defaults(template_dir: Path) -> None:
    spec, warnings = serverless(template_dir, dict(BASE))
    assert spec == FunctionSpec(
        logical_id="Fn",
        name="demo-Fn",
        arn=f"{ARN_PREFIX}demo-Fn",
        runtime="python3.12",
        handler="app.handler",
        code_dir=(template_dir / "src").resolve(),
        memory_size=128,
        timeout=3,
        environment={},
        description="",
        layers=[],
        reserved_concurrency=None,
        events=[],
        architectures=["x86_64"],
        ephemeral_storage=512,
    )
    assert warnings == []


def test_every_setting_is_read(template_dir: Path) -> None:
    properties = {
        **BASE,
        "FunctionName": {"Fn::Sub": "${AWS::StackName}-api"},
        "MemorySize": {"Ref": "Memory"},
        "Timeout": "30",
        "Environment": {"Variables": {"STAGE": {"Ref": "Stage"}, "DEBUG": True, "RETRIES": 3}},
        "Description": "Serves the API",
        "Layers": [{"Ref": "Deps"}, "arn:aws:lambda:us-east-1:123456789012:layer:shared:4"],
        "ReservedConcurrentExecutions": 0,
        "Architectures": ["arm64"],
        "EphemeralStorage": {"Size": 2048},
        "Events": {"Tick": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 minute)"}}},
    }
    extra = {"Deps": {"Type": "AWS::Serverless::LayerVersion"}}
    spec, warnings = serverless(template_dir, properties, extra=extra, Memory="512", Stage="prod")
    assert spec is not None
    assert (spec.name, spec.arn) == ("demo-api", f"{ARN_PREFIX}demo-api")
    assert spec.memory_size == 512
    assert spec.timeout == 30
    assert spec.environment == {"STAGE": "prod", "DEBUG": "true", "RETRIES": "3"}
    assert spec.description == "Serves the API"
    assert spec.layers == ["Deps", "arn:aws:lambda:us-east-1:123456789012:layer:shared:4"]
    assert spec.reserved_concurrency == 0
    assert spec.architectures == ["arm64"]
    assert spec.ephemeral_storage == 2048
    assert spec.events == [EventSpec("Tick", "Schedule", {"Schedule": "rate(1 minute)"})]
    assert warnings == []


def test_globals_fill_what_the_function_leaves_out(template_dir: Path) -> None:
    global_properties = {
        "Runtime": "nodejs20.x",
        "Handler": "index.handler",
        "Timeout": 20,
        "Environment": {"Variables": {"TABLE": "items", "STAGE": "dev"}},
        "Layers": ["arn:aws:lambda:us-east-1:123456789012:layer:base:1"],
    }
    own = {
        "CodeUri": "src/",
        "Handler": "app.handler",
        "Environment": {"Variables": {"STAGE": "prod"}},
        "Layers": ["arn:aws:lambda:us-east-1:123456789012:layer:extra:2"],
    }
    spec, _ = serverless(template_dir, own, global_properties)
    assert spec is not None
    assert (spec.runtime, spec.handler, spec.timeout) == ("nodejs20.x", "app.handler", 20)
    assert spec.environment == {"TABLE": "items", "STAGE": "prod"}
    assert spec.layers == [
        "arn:aws:lambda:us-east-1:123456789012:layer:base:1",
        "arn:aws:lambda:us-east-1:123456789012:layer:extra:2",
    ]


def test_without_code_uri_the_code_is_the_template_folder(template_dir: Path) -> None:
    spec, _ = serverless(template_dir, {"Runtime": "python3.12", "Handler": "src/app.handler"})
    assert spec is not None
    assert spec.code_dir == template_dir.resolve()


def test_code_uri_may_name_a_zip(template_dir: Path) -> None:
    (template_dir / "fn.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    spec, _ = serverless(template_dir, {**BASE, "CodeUri": "fn.zip"})
    assert spec is not None
    assert (spec.code_dir, spec.code_zip) == (None, (template_dir / "fn.zip").resolve())


def test_inline_code_is_kept_as_text_with_a_warning(template_dir: Path) -> None:
    properties = {"Runtime": "python3.12", "Handler": "index.handler",
                  "InlineCode": {"Fn::Sub": "STAGE = '${Stage}'\n"}}
    spec, warnings = serverless(template_dir, properties, Stage="prod")
    assert spec is not None
    assert (spec.inline_code, spec.code_dir, spec.code_zip) == ("STAGE = 'prod'\n", None, None)
    assert warnings == [
        "Function Fn (AWS::Serverless::Function) has its source inline in the template "
        "(InlineCode); it is kept as text, not as a code folder."
    ]


def test_an_environment_variable_without_a_local_value_is_left_out(template_dir: Path) -> None:
    properties = {**BASE, "Environment": {"Variables": {
        "KEPT": "1", "SHARED": {"Fn::ImportValue": "shared-table"}}}}
    spec, warnings = serverless(template_dir, properties)
    assert spec is not None
    assert spec.environment == {"KEPT": "1"}
    assert warnings == [
        "Resources.Fn.Properties.Environment.Variables.SHARED: Fn::ImportValue 'shared-table': "
        "values exported by other stacks are not available locally; the value is left unset."
    ]


def test_properties_the_simulator_does_not_use_are_not_resolved(template_dir: Path) -> None:
    properties = {**BASE, "Role": {"Fn::ImportValue": "shared-role"},
                  "Policies": [{"Fn::ImportValue": "shared-policy"}],
                  "Tracing": "Active"}
    spec, warnings = serverless(template_dir, properties)
    assert spec is not None
    assert warnings == []


@pytest.mark.parametrize(
    ("key", "value"),
    [("MemorySize", "lots"), ("Timeout", "3.5"), ("ReservedConcurrentExecutions", "none")],
)
def test_a_setting_that_must_be_a_number_is_an_error(
    template_dir: Path, key: str, value: str
) -> None:
    with pytest.raises(TemplateError) as raised:
        serverless(template_dir, {**BASE, key: value})
    assert str(raised.value) == (
        f"Resources.Fn.Properties.{key} must be a whole number, not {value!r}"
    )


def test_ephemeral_storage_that_is_not_a_number_is_an_error(template_dir: Path) -> None:
    with pytest.raises(TemplateError, match=r"EphemeralStorage\.Size must be a whole number"):
        serverless(template_dir, {**BASE, "EphemeralStorage": {"Size": "big"}})


def test_a_container_image_is_skipped_with_a_warning(template_dir: Path) -> None:
    spec, warnings = serverless(
        template_dir, {"PackageType": "Image", "ImageUri": "repo/fn:latest"}
    )
    assert spec is None
    assert warnings == [
        "Function Fn (AWS::Serverless::Function) is a container image (PackageType: Image), "
        "which templates do not deploy (create it with the Lambda API's CreateFunction); it is "
        "skipped."
    ]


def test_a_runtime_without_an_image_is_skipped_with_a_warning(template_dir: Path) -> None:
    spec, warnings = serverless(template_dir, {**BASE, "Runtime": "java21"})
    assert spec is None
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "Function Fn (AWS::Serverless::Function) uses the runtime java21, which the simulator "
        "does not run (it runs python3.11, "
    )
    assert warnings[0].endswith("); it is skipped.")


def test_a_function_without_runtime_is_an_error(template_dir: Path) -> None:
    with pytest.raises(TemplateError) as raised:
        serverless(template_dir, {"CodeUri": "src/"})
    assert str(raised.value) == (
        "Function Fn (AWS::Serverless::Function) has no Runtime; set Runtime in its Properties "
        "or under Globals.Function (SAM)"
    )


def test_a_function_without_handler_is_an_error(template_dir: Path) -> None:
    with pytest.raises(TemplateError) as raised:
        serverless(template_dir, {"Runtime": "python3.12", "CodeUri": "src/"})
    assert str(raised.value) == (
        "Function Fn (AWS::Serverless::Function) has no Handler; set Handler (e.g. app.handler) "
        "in its Properties or under Globals.Function (SAM)"
    )


@pytest.mark.parametrize(
    ("code_uri", "shown"),
    [
        ("s3://artifacts/fn.zip", "s3://artifacts/fn.zip"),
        ({"Bucket": "artifacts", "Key": "fn.zip"}, "{'Bucket': 'artifacts', 'Key': 'fn.zip'}"),
    ],
)
def test_code_in_s3_is_skipped_with_a_warning(
    template_dir: Path, code_uri: Any, shown: str
) -> None:
    spec, warnings = serverless(template_dir, {**BASE, "CodeUri": code_uri})
    assert spec is None
    assert warnings == [
        f"Function Fn (AWS::Serverless::Function) cannot be run: its code is in S3 ({shown}); "
        "it is skipped."
    ]


def test_a_missing_code_folder_is_an_error(template_dir: Path) -> None:
    with pytest.raises(TemplateError, match=r"^Resources\.Fn\.Properties\.CodeUri is 'build/'"):
        serverless(template_dir, {**BASE, "CodeUri": "build/"})


def test_only_the_functions_own_events_are_read(template_dir: Path) -> None:
    global_properties = {"Events": {"Tick": {"Type": "Schedule"}}}
    spec, _ = serverless(template_dir, dict(BASE), global_properties)
    assert spec is not None
    assert spec.events == []


# AWS::Lambda::Function


def test_a_lambda_function_with_a_code_folder(template_dir: Path) -> None:
    properties = {"FunctionName": "worker", "Runtime": "python3.12", "Handler": "app.handler",
                  "Code": "src", "MemorySize": 1024, "Timeout": 60}
    spec, warnings = plain(template_dir, properties)
    assert spec is not None
    assert (spec.name, spec.arn) == ("worker", f"{ARN_PREFIX}worker")
    assert spec.code_dir == (template_dir / "src").resolve()
    assert (spec.memory_size, spec.timeout, spec.events) == (1024, 60, [])
    assert warnings == []


def test_a_lambda_function_with_zip_file_source(template_dir: Path) -> None:
    source = "def handler(event, context):\n    return 'ok'\n"
    properties = {"Runtime": "python3.12", "Handler": "index.handler",
                  "Code": {"ZipFile": source}}
    spec, warnings = plain(template_dir, properties)
    assert spec is not None
    assert spec.inline_code == source
    assert warnings == [
        "Function Fn (AWS::Lambda::Function) has its source inline in the template "
        "(Code.ZipFile); it is kept as text, not as a code folder."
    ]


def test_a_lambda_function_with_code_in_s3_is_skipped(template_dir: Path) -> None:
    code = {"S3Bucket": "artifacts", "S3Key": "fn.zip"}
    spec, warnings = plain(
        template_dir, {"Runtime": "python3.12", "Handler": "app.handler", "Code": code}
    )
    assert spec is None
    assert warnings == [
        f"Function Fn (AWS::Lambda::Function) cannot be run: its code is in S3 ({code}); it is "
        "skipped."
    ]


def test_a_lambda_function_without_code_is_skipped(template_dir: Path) -> None:
    spec, warnings = plain(template_dir, {"Runtime": "python3.12", "Handler": "app.handler"})
    assert spec is None
    assert warnings == [
        "Function Fn (AWS::Lambda::Function) cannot be run: its code location None is not a "
        "local path; it is skipped."
    ]


def test_a_lambda_container_image_is_skipped(template_dir: Path) -> None:
    properties = {"PackageType": "Image", "Code": {"ImageUri": "repo/fn:latest"}}
    spec, warnings = plain(template_dir, properties)
    assert spec is None
    assert warnings[0].startswith("Function Fn (AWS::Lambda::Function) is a container image")
