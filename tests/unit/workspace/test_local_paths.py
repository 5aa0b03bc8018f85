"""A template's local paths as the stack engine takes them: SAM code locations (a function's
CodeUri, Globals.Function.CodeUri, a layer's ContentUri) become URIs of registered local code, a
Lambda resource's Code/Content string becomes its S3Bucket and S3Key, an API's local
DefinitionUri is read into DefinitionBody; what is not a local path is left alone, a path that
is missing or not a folder or .zip is an error naming it, and the input is not modified."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from simulator.functions.local_code import LOCAL_CODE_BUCKET, LocalCode
from simulator.templates import TemplateError
from simulator.workspace.local_paths import localized

SAM_FUNCTION = "AWS::Serverless::Function"


class Register:
    """Records the paths registered and answers a key naming each in order."""

    def __init__(self) -> None:
        self.paths: list[Path] = []

    def __call__(self, path: Path) -> str:
        self.paths.append(path)
        return f"key-{len(self.paths)}/{path.name}"


def local_uri(key: str) -> str:
    return f"s3://{LOCAL_CODE_BUCKET}/{key}"


def template(resources: dict[str, Any], **sections: Any) -> dict[str, Any]:
    return {"Transform": "AWS::Serverless-2016-10-31", **sections, "Resources": resources}


def sam_function(**properties: Any) -> dict[str, Any]:
    return {"Type": SAM_FUNCTION,
            "Properties": {"Runtime": "python3.12", "Handler": "app.handler", **properties}}


def properties(document: dict[str, Any], logical_id: str) -> dict[str, Any]:
    found: dict[str, Any] = document["Resources"][logical_id]["Properties"]
    return found


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    """A template's folder with a code folder `src/` and a layer folder `layer/`."""
    root = tmp_path.resolve()
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (root / "layer" / "python").mkdir(parents=True)
    return root


def test_a_functions_relative_code_uri_names_the_registered_folder(template_dir: Path) -> None:
    register = Register()

    document = localized(template({"Api": sam_function(CodeUri="src/")}), template_dir,
                         register)

    assert register.paths == [template_dir / "src"]
    assert properties(document, "Api")["CodeUri"] == local_uri("key-1/src")


def test_the_global_code_uri_is_localized_and_functions_keep_inheriting_it(
    template_dir: Path
) -> None:
    register = Register()
    resources = {"Api": sam_function(), "Bare": {"Type": SAM_FUNCTION}}

    document = localized(template(resources, Globals={"Function": {"CodeUri": "./src"}}),
                         template_dir, register)

    assert document["Globals"]["Function"]["CodeUri"] == local_uri("key-1/src")
    assert register.paths == [template_dir / "src"]
    assert "CodeUri" not in properties(document, "Api")
    assert "Properties" not in document["Resources"]["Bare"]


def test_a_function_without_a_code_location_takes_the_templates_folder(
    template_dir: Path
) -> None:
    register = Register()
    resources = {"Api": sam_function(), "Bare": {"Type": SAM_FUNCTION}}

    document = localized(template(resources), template_dir, register)

    assert register.paths == [template_dir, template_dir]
    assert properties(document, "Api")["CodeUri"] == local_uri(f"key-1/{template_dir.name}")
    assert properties(document, "Bare") == {
        "CodeUri": local_uri(f"key-2/{template_dir.name}")}


@pytest.mark.parametrize("code", [
    {"InlineCode": "def handler(event, context):\n    return 1\n"},
    {"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest",
     "PackageType": "Image"},
    {"PackageType": "Image"},
], ids=["inline-code", "image-uri", "image-package"])
def test_inline_and_image_functions_are_left_alone(template_dir: Path,
                                                   code: dict[str, Any]) -> None:
    register = Register()
    source = template({"Api": sam_function(**code)})

    document = localized(source, template_dir, register)

    assert document == source
    assert register.paths == []


@pytest.mark.parametrize("location", [
    "s3://artifacts/app.zip",
    {"Bucket": "artifacts", "Key": "app.zip"},
], ids=["s3-uri", "bucket-and-key"])
def test_code_locations_that_are_not_local_paths_are_left_alone(
    template_dir: Path, location: Any
) -> None:
    register = Register()
    source = template({"Api": sam_function(CodeUri=location),
                       "Layer": {"Type": "AWS::Serverless::LayerVersion",
                                 "Properties": {"ContentUri": location}}})

    document = localized(source, template_dir, register)

    assert document == source
    assert register.paths == []


def test_a_layers_content_uri_names_the_registered_folder(template_dir: Path) -> None:
    register = Register()
    layer = {"Type": "AWS::Serverless::LayerVersion", "Properties": {"ContentUri": "layer"}}

    document = localized(template({"Layer": layer}), template_dir, register)

    assert register.paths == [template_dir / "layer"]
    assert properties(document, "Layer")["ContentUri"] == local_uri("key-1/layer")


def test_a_lambda_functions_code_string_becomes_a_bucket_and_key(template_dir: Path) -> None:
    register = Register()
    function = {"Type": "AWS::Lambda::Function",
                "Properties": {"Runtime": "python3.12", "Handler": "app.handler",
                               "Role": "arn:aws:iam::123456789012:role/r", "Code": "src"}}
    uploaded = {"Type": "AWS::Lambda::Function",
                "Properties": {"Code": {"S3Bucket": "artifacts", "S3Key": "app.zip"}}}

    document = localized(template({"Fn": function, "Uploaded": uploaded}), template_dir,
                         register)

    assert properties(document, "Fn")["Code"] == {"S3Bucket": LOCAL_CODE_BUCKET,
                                                  "S3Key": "key-1/src"}
    assert properties(document, "Uploaded") == uploaded["Properties"]
    assert register.paths == [template_dir / "src"]


def test_a_lambda_layer_versions_content_string_becomes_a_bucket_and_key(
    template_dir: Path
) -> None:
    register = Register()
    layer = {"Type": "AWS::Lambda::LayerVersion", "Properties": {"Content": "./layer"}}

    document = localized(template({"Layer": layer}), template_dir, register)

    assert properties(document, "Layer")["Content"] == {"S3Bucket": LOCAL_CODE_BUCKET,
                                                        "S3Key": "key-1/layer"}
    assert register.paths == [template_dir / "layer"]


def test_an_apis_local_definition_uri_is_read_into_its_definition_body(
    template_dir: Path
) -> None:
    (template_dir / "api.yaml").write_text(
        "openapi: '3.0.1'\npaths:\n  /hello:\n    get:\n      summary: Hello\n")
    api = {"Type": "AWS::Serverless::Api",
           "Properties": {"StageName": "prod", "DefinitionUri": "api.yaml"}}
    remote = {"Type": "AWS::Serverless::HttpApi",
              "Properties": {"DefinitionUri": "s3://artifacts/api.yaml"}}

    document = localized(template({"Api": api, "Remote": remote}), template_dir, Register())

    assert properties(document, "Api") == {
        "StageName": "prod",
        "DefinitionBody": {"openapi": "3.0.1",
                           "paths": {"/hello": {"get": {"summary": "Hello"}}}}}
    assert properties(document, "Remote") == remote["Properties"]


def test_a_missing_path_is_an_error_naming_the_resource_and_the_path(
    template_dir: Path
) -> None:
    with pytest.raises(TemplateError) as error:
        localized(template({"Api": sam_function(CodeUri="gone/")}), template_dir, Register())

    assert str(error.value).startswith("Api: ")
    assert str(template_dir / "gone") in str(error.value)


def test_a_missing_definition_file_is_an_error_naming_the_path(template_dir: Path) -> None:
    api = {"Type": "AWS::Serverless::Api", "Properties": {"DefinitionUri": "openapi.yaml"}}

    with pytest.raises(TemplateError) as error:
        localized(template({"Api": api}), template_dir, Register())

    assert str(template_dir / "openapi.yaml") in str(error.value)


def test_a_file_that_is_not_a_zip_is_an_error_naming_it(template_dir: Path) -> None:
    register = Register()

    with pytest.raises(TemplateError) as error:
        localized(template({"Api": sam_function(CodeUri="src/app.py")}), template_dir,
                  register)

    assert "src/app.py" in str(error.value) and ".zip" in str(error.value)
    assert register.paths == []


def test_a_zip_file_is_accepted_as_code(template_dir: Path) -> None:
    (template_dir / "build.ZIP").write_bytes(b"PK\x05\x06" + bytes(18))
    register = Register()

    document = localized(template({"Api": sam_function(CodeUri="build.ZIP")}), template_dir,
                         register)

    assert register.paths == [template_dir / "build.ZIP"]
    assert properties(document, "Api")["CodeUri"] == local_uri("key-1/build.ZIP")


def test_the_local_code_registry_gives_back_the_folder_a_location_names(
    template_dir: Path
) -> None:
    local_code = LocalCode()
    function = {"Type": "AWS::Lambda::Function", "Properties": {"Code": "src"}}

    document = localized(template({"Fn": function}), template_dir, local_code.register)

    assert local_code.path(properties(document, "Fn")["Code"]) == template_dir / "src"
    assert local_code.is_local(template_dir / "src")


def test_the_input_document_is_not_modified(template_dir: Path) -> None:
    (template_dir / "api.yaml").write_text("openapi: '3.0.1'\npaths: {}\n")
    source = template(
        {"Api": sam_function(CodeUri="src"), "Bare": {"Type": SAM_FUNCTION},
         "Layer": {"Type": "AWS::Lambda::LayerVersion", "Properties": {"Content": "layer"}},
         "Http": {"Type": "AWS::Serverless::Api", "Properties": {"DefinitionUri": "api.yaml"}}},
        Globals={"Function": {"Timeout": 10}})
    original = copy.deepcopy(source)

    document = localized(source, template_dir, Register())

    assert source == original
    assert document != original
