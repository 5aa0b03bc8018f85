"""The `layers:` section as `AWS::Serverless::LayerVersion` resources under the framework's
logical ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.templates.errors import TemplateError
from simulator.templates.serverless.layers import layer_resources
from tests.unit.templates.serverless.service_files import convert, resource, translated


def test_layers_become_layer_versions_named_as_the_framework_names_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converted = convert(tmp_path, """
        layers:
          common-libs:
            path: layers/common
            name: ${sls:stage}-common
            description: Shared code
            compatibleRuntimes: [python3.12]
            retain: true
        functions:
          f:
            handler: f.main
            layers: [{Ref: CommonDashlibsLambdaLayer}]
    """)
    assert resource(converted, "CommonDashlibsLambdaLayer") == {
        "Type": "AWS::Serverless::LayerVersion",
        "Properties": {"LayerName": "dev-common", "ContentUri": "layers/common",
                       "RetentionPolicy": "Retain", "Description": "Shared code",
                       "CompatibleRuntimes": ["python3.12"]}}
    output = translated(converted.document, monkeypatch)["Resources"]
    function = output["FLambdaFunction"]["Properties"]
    layer_version = function["Layers"][0]["Ref"]
    assert output[layer_version]["Type"] == "AWS::Lambda::LayerVersion"


def test_a_layer_needs_a_path(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="layers.empty has no path"):
        convert(tmp_path, """
            layers:
              empty: {description: nothing}
            functions:
              f: {handler: f.main}
        """)


def test_a_layer_takes_its_key_as_name_and_is_deleted_with_the_stack_by_default() -> None:
    assert layer_resources({"deps_v2": {"path": "deps", "licenseInfo": "MIT",
                                        "compatibleArchitectures": ["arm64"],
                                        "description": None}}) == {
        "DepsUnderscorev2LambdaLayer": {"Type": "AWS::Serverless::LayerVersion", "Properties": {
            "LayerName": "deps_v2", "ContentUri": "deps", "RetentionPolicy": "Delete",
            "LicenseInfo": "MIT", "CompatibleArchitectures": ["arm64"]}}}


def test_a_packaged_layer_artifact_is_its_content() -> None:
    layers = layer_resources({"zipped": {"package": {"artifact": "build/layer.zip"}}})
    assert layers["ZippedLambdaLayer"]["Properties"]["ContentUri"] == "build/layer.zip"


def test_no_layers_section_is_no_layers() -> None:
    assert layer_resources(None) == {}
    assert layer_resources({}) == {}


def test_layers_must_be_a_mapping() -> None:
    with pytest.raises(TemplateError, match="layers must be a mapping"):
        layer_resources(["common"])
    with pytest.raises(TemplateError, match="layers.common has no path"):
        layer_resources({"common": None})
