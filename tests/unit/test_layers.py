"""Layer versions and attaching them: numbering, persistence, the merged /opt tree, the
checks AWS makes on a function's Layers, and tag limits."""

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
from simulator.functions.code_upload import zip_from
from simulator.functions.layer_operations import LayerService
from simulator.functions.layer_store import LayerStore
from simulator.functions.opt_folder import merge_folders
from simulator.functions.validation import validate_tags
from tests.helpers import make_zip

PREFIX = "arn:aws:lambda:us-east-1:000000000000:layer:"


def content(files: dict[str, str]) -> dict[str, Any]:
    return {"ZipFile": base64.b64encode(make_zip(files)).decode()}


@pytest.fixture
def layers(tmp_path: Path) -> LayerService:
    return LayerService(Settings(state_dir=tmp_path), LayerStore(tmp_path / "layers.db"),
                        CodeStore(tmp_path / "layers"), tmp_path / "opt")


def test_versions_are_numbered_per_name_and_survive_a_restart(tmp_path: Path) -> None:
    store = LayerStore(tmp_path / "layers.db")
    fields = {"code_sha256": "x", "code_size": 1, "content_dir": "/nowhere"}
    assert [store.publish("a", **fields).version for _ in range(3)] == [1, 2, 3]
    assert store.publish("b", **fields, compatible_runtimes=("python3.12",)).version == 1
    store.delete("a", 3)
    store.close()
    reopened = LayerStore(tmp_path / "layers.db")
    assert [v.version for v in reopened.versions("a")] == [2, 1]
    assert reopened.get("b", 1) is not None
    assert reopened.get("b", 1).compatible_runtimes == ("python3.12",)  # type: ignore[union-attr]
    assert reopened.publish("a", **fields).version == 4


def test_merge_puts_later_sources_over_earlier_ones(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "python").mkdir(parents=True)
    (second / "python").mkdir(parents=True)
    (first / "python" / "shared.py").write_text("first")
    (first / "python" / "only_first.py").write_text("first")
    (second / "python" / "shared.py").write_text("second")
    merged = merge_folders([first, second], tmp_path / "merged")
    assert (merged / "python" / "shared.py").read_text() == "second"
    assert (merged / "python" / "only_first.py").read_text() == "first"
    assert merge_folders([second], merged) == merged  # already built: kept as it is
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []


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
    with pytest.raises(InvalidParameterValueException, match="does not exist"):
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


def test_code_needs_a_source() -> None:
    with pytest.raises(InvalidParameterValueException, match="provide a source"):
        zip_from({})
    with pytest.raises(InvalidParameterValueException, match="provide a source"):
        zip_from({"S3Bucket": "only-a-bucket"})
    with pytest.raises(InvalidParameterValueException, match="Could not unzip"):
        zip_from({"ZipFile": "not base64!"})


def test_tags_limits() -> None:
    assert validate_tags({"b": "2"}, existing={"a": "1"}) == {"a": "1", "b": "2"}
    assert validate_tags({"a": ""}) == {"a": ""}
    for bad in ({"": "x"}, {"k" * 129: "x"}, {"k": "v" * 257}, {"aws:x": "y"}, ["a"]):
        with pytest.raises(InvalidParameterValueException):
            validate_tags(bad)
    with pytest.raises(InvalidParameterValueException, match="tag limit"):
        validate_tags({"new": "x"}, existing={f"k{i}": "v" for i in range(50)})
