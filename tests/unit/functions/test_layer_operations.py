"""Layer versions and attaching them: ARNs and sizes, the merged /opt tree, and the
checks AWS makes on a function's Layers."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from simulator.config import Settings
from simulator.errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
    ValidationException,
)
from simulator.functions.code_store import CodeStore
from simulator.functions.layer_operations import LayerService
from simulator.functions.layer_store import LayerStore
from tests.helpers import make_zip

PREFIX = "arn:aws:lambda:us-east-1:000000000000:layer:"


def content(files: dict[str, str]) -> dict[str, Any]:
    return {"ZipFile": base64.b64encode(make_zip(files)).decode()}


@pytest.fixture
def layers(tmp_path: Path) -> LayerService:
    return LayerService(Settings(state_dir=tmp_path), LayerStore(tmp_path / "layers.db"),
                        CodeStore(tmp_path / "layers"), tmp_path / "opt")


def test_attach_reports_arns_and_sizes_and_merges_in_order(layers: LayerService) -> None:
    base = layers.publish("base", {"Content": content({"python/m.py": "base"})})
    top = layers.publish("top", {"Content": content({"python/m.py": "top"})})
    attached = layers.attach([base["LayerVersionArn"], top["LayerVersionArn"]])
    assert attached["layers"] == [
        {"Arn": f"{PREFIX}base:1", "CodeSize": base["Content"]["CodeSize"]},
        {"Arn": f"{PREFIX}top:1", "CodeSize": top["Content"]["CodeSize"]}]
    assert (Path(attached["opt_dir"]) / "python" / "m.py").read_text() == "top"
    assert layers.attach([]) == {"layers": [], "opt_dir": ""}


def test_attach_refuses_what_aws_refuses(layers: LayerService) -> None:
    with pytest.raises(InvalidParameterValueException, match="does not exist"):
        layers.attach([f"{PREFIX}absent:1"])
    with pytest.raises(InvalidParameterValueException, match="^Layers are not in the same "
                       "region as the function. Layers are expected to be in region us-east-1.$"):
        layers.attach(["arn:aws:lambda:eu-west-1:000000000000:layer:elsewhere:1"])
    with pytest.raises(ValidationException, match="at 'layers'"):
        layers.attach([f"{PREFIX}no-version"])
    arns = [layers.publish(f"l{i}", {"Content": content({"f": str(i)})})["LayerVersionArn"]
            for i in range(6)]
    with pytest.raises(InvalidParameterValueException, match="more than 5 layers"):
        layers.attach(arns)


def test_a_deleted_version_keeps_the_functions_that_use_it_working(
        layers: LayerService) -> None:
    arn = layers.publish("gone", {"Content": content({"python/m.py": "x"})})["LayerVersionArn"]
    opt_dir = Path(layers.attach([arn])["opt_dir"])
    layers.delete("gone", "1")
    assert (opt_dir / "python" / "m.py").read_text() == "x"
    with pytest.raises(ResourceNotFoundException):
        layers.get("gone", "1")
    with pytest.raises(InvalidParameterValueException):
        layers.attach([arn])


def test_layer_names_may_be_arns_and_are_checked(layers: LayerService) -> None:
    layers.publish("named", {"Content": content({"f": "1"})})
    assert layers.get(f"{PREFIX}named", "1")["Version"] == 1
    with pytest.raises(ValidationException, match="at 'layerName'"):
        layers.get("bad name", "1")
    with pytest.raises(ValidationException, match="at 'maxItems'"):
        layers.list_layers(None, None, None, "51")


def test_a_version_below_one_is_an_invalid_parameter(layers: LayerService) -> None:
    with pytest.raises(InvalidParameterValueException) as refused:
        layers.get("lib", "0")

    assert refused.value.message == "Layer Version Cannot be less than 1"


def test_publish_answers_the_empty_compatible_lists_it_was_given(layers: LayerService) -> None:
    published = layers.publish("lib", {"Content": content({"python/x.py": ""}),
                                       "CompatibleRuntimes": [], "CompatibleArchitectures": []})

    assert (published["CompatibleRuntimes"], published["CompatibleArchitectures"]) == ([], [])


def test_a_deprecated_runtime_may_be_compatible_and_an_unknown_one_is_refused(
        layers: LayerService) -> None:
    published = layers.publish("lib", {"Content": content({"python/x.py": ""}),
                                       "CompatibleRuntimes": ["python3.7", "go1.x"]})
    assert published["CompatibleRuntimes"] == ["python3.7", "go1.x"]

    with pytest.raises(ValidationException) as refused:
        layers.publish("lib", {"Content": content({"python/x.py": ""}),
                               "CompatibleRuntimes": ["cobol"]})
    assert "at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum " \
           "value set: [nodejs20.x, python3.14," in refused.value.message
