"""Code a template names by local path: the registry that maps each path to a key of the local
code bucket, and how CreateFunction, UpdateFunctionCode and PublishLayerVersion take such a
key (a folder used where it is, a .zip stored like an upload, any other key left to S3)."""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool
from simulator.errors import InvalidParameterValueException
from simulator.functions import local_code as local_code_module
from simulator.functions.code_store import CodeStore
from simulator.functions.folder_checksum import folder_digest
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.layer_operations import LayerService
from simulator.functions.layer_store import LayerStore
from simulator.functions.local_code import LOCAL_CODE_BUCKET, LocalCode
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_store import VersionStore
from tests.helpers import ROLE, make_zip
from tests.unit.functions.test_layer_operations import content
from tests.unit.lambda_service import LambdaService, create

NO_SUCH_BUCKET = ("Error occurred while GetObject. S3 Error Code: NoSuchBucket. "
                  "S3 Error Message: The specified bucket does not exist")


def in_bucket(key: str) -> dict[str, str]:
    return {"S3Bucket": LOCAL_CODE_BUCKET, "S3Key": key}


def code_folder(parent: Path, source: str = "def handler(event, context):\n    return 1\n"
                ) -> Path:
    folder = parent / "src"
    folder.mkdir()
    (folder / "app.py").write_text(source)
    return folder


def zip_file(parent: Path) -> tuple[Path, bytes]:
    package = make_zip({"app.py": "def handler(event, context):\n    return 2\n"})
    path = parent / "bundle.zip"
    path.write_bytes(package)
    return path, package


def base64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


# -- the registry -----------------------------------------------------------------------------


def test_a_path_has_the_same_key_on_every_load_however_it_is_spelled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = code_folder(tmp_path)
    monkeypatch.chdir(tmp_path)

    key = LocalCode().register(folder)

    assert LocalCode().register(folder) == key
    assert LocalCode().register(Path("src")) == key
    assert LocalCode().register(folder / ".." / "src") == key
    assert key.endswith("/src")
    assert LocalCode().register(tmp_path / "other") != key


def test_the_filesystem_root_is_named_root_in_its_key() -> None:
    assert LocalCode().register(Path("/")).endswith("/root")


def test_only_a_registered_key_of_the_local_bucket_names_a_path(tmp_path: Path) -> None:
    local_code = LocalCode()
    folder = code_folder(tmp_path)
    key = local_code.register(folder)

    assert local_code.path(in_bucket(key)) == folder.resolve()
    assert local_code.path({"S3Bucket": "my-bucket", "S3Key": key}) is None
    assert local_code.path({"S3Key": key}) is None
    assert local_code.path(in_bucket("0123456789abcdef/src")) is None
    assert local_code.path({"S3Bucket": LOCAL_CODE_BUCKET}) is None
    assert LocalCode().path(in_bucket(key)) is None  # registered with another registry


def test_is_local_knows_the_registered_paths(tmp_path: Path) -> None:
    local_code = LocalCode()
    folder = code_folder(tmp_path)
    local_code.register(folder)

    assert local_code.is_local(folder.resolve())
    assert local_code.is_local(str(folder.resolve()))
    assert not local_code.is_local(tmp_path)
    assert not local_code.is_local(folder / "app.py")


def test_the_registry_is_bounded_and_drops_the_oldest_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_code_module, "MAX_PATHS", 3)
    local_code = LocalCode()
    paths = [tmp_path / f"p{index}" for index in range(4)]
    keys = [local_code.register(path) for path in paths[:3]]

    assert local_code.register(paths[0]) == keys[0]  # a known path takes no new room
    assert all(local_code.path(in_bucket(key)) is not None for key in keys)

    newest = local_code.register(paths[3])

    assert local_code.path(in_bucket(keys[0])) is None
    assert not local_code.is_local(paths[0])
    assert [local_code.path(in_bucket(key)) for key in [*keys[1:], newest]] == paths[1:]


# -- CreateFunction and UpdateFunctionCode -----------------------------------------------------


@pytest.fixture
def local_code() -> LocalCode:
    return LocalCode()


@pytest.fixture
def functions(tmp_path: Path, pool: EnvironmentPool,
              local_code: LocalCode) -> Iterator[FunctionOperations]:
    state = tmp_path / "state"
    registry = FunctionRegistry(state / "functions.db")
    versions = VersionStore(state / "versions.db")
    yield FunctionOperations(Settings.from_env(environ={}, port=0, state_dir=state), registry,
                             CodeStore(state / "code"), pool, versions, local_code=local_code)
    registry.close()
    versions.close()


def create_function(functions: FunctionOperations, code: dict[str, Any]) -> dict[str, Any]:
    return functions.create_function({"FunctionName": "fn", "Runtime": "python3.12",
                                      "Role": ROLE, "Handler": "app.handler", "Code": code})


def code_dir(functions: FunctionOperations) -> str:
    latest = functions.latest("fn")
    assert latest is not None
    return latest.code_dir


def test_a_registered_folder_is_the_functions_code_where_it_is(
        tmp_path: Path, functions: FunctionOperations, local_code: LocalCode) -> None:
    folder = code_folder(tmp_path)
    sha256, size = folder_digest(folder)

    created = create_function(functions, in_bucket(local_code.register(folder)))

    assert code_dir(functions) == str(folder.resolve())
    assert (created["CodeSha256"], created["CodeSize"]) == (sha256, size)
    assert list((tmp_path / "state" / "code").iterdir()) == []  # nothing copied


def test_updating_from_an_edited_folder_reports_its_new_digest(
        tmp_path: Path, functions: FunctionOperations, local_code: LocalCode) -> None:
    folder = code_folder(tmp_path)
    key = local_code.register(folder)
    created = create_function(functions, in_bucket(key))
    (folder / "app.py").write_text("def handler(event, context):\n    return 'edited'\n")

    updated = functions.update_function_code("fn", in_bucket(key))

    assert updated["CodeSha256"] == folder_digest(folder)[0] != created["CodeSha256"]
    assert code_dir(functions) == str(folder.resolve())


def test_a_registered_zip_is_stored_like_an_upload(
        tmp_path: Path, functions: FunctionOperations, local_code: LocalCode) -> None:
    path, package = zip_file(tmp_path)

    created = create_function(functions, in_bucket(local_code.register(path)))
    path.unlink()  # the function keeps its own copy

    stored = Path(code_dir(functions))
    assert (created["CodeSha256"], created["CodeSize"]) == (base64_sha256(package), len(package))
    assert stored.parent == tmp_path / "state" / "code"
    assert (stored / "app.py").read_text().endswith("return 2\n")


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_a_registered_path_that_is_gone_is_refused(
        tmp_path: Path, functions: FunctionOperations, local_code: LocalCode,
        kind: str) -> None:
    path = code_folder(tmp_path) if kind == "folder" else zip_file(tmp_path)[0]
    key = local_code.register(path)
    if kind == "folder":
        shutil.rmtree(path)
    else:
        path.unlink()

    with pytest.raises(InvalidParameterValueException, match="does not exist") as refused:
        create_function(functions, in_bucket(key))

    assert str(path.resolve()) in refused.value.message
    assert functions.latest("fn") is None


def test_an_unregistered_key_of_the_local_bucket_is_an_s3_object_like_any_other(
        functions: FunctionOperations) -> None:
    with pytest.raises(InvalidParameterValueException) as refused:
        create_function(functions, in_bucket("0123456789abcdef/src"))

    assert refused.value.message == NO_SUCH_BUCKET
    assert functions.latest("fn") is None


def test_without_a_registry_even_a_registered_key_is_left_to_s3(
        tmp_path: Path, service: LambdaService) -> None:
    key = LocalCode().register(code_folder(tmp_path))

    with pytest.raises(InvalidParameterValueException) as refused:
        create(service, Code=in_bucket(key))

    assert refused.value.message == NO_SUCH_BUCKET


# -- PublishLayerVersion ----------------------------------------------------------------------


@pytest.fixture
def layers(tmp_path: Path, local_code: LocalCode) -> LayerService:
    return LayerService(Settings(state_dir=tmp_path), LayerStore(tmp_path / "layers.db"),
                        CodeStore(tmp_path / "layers"), tmp_path / "opt",
                        local_code=local_code)


def content_dir(layers: LayerService, published: dict[str, Any]) -> str:
    layer = layers.resolve(published["LayerVersionArn"])
    assert layer is not None
    return layer.content_dir


def layer_folder(parent: Path) -> Path:
    folder = parent / "layer"
    (folder / "python").mkdir(parents=True)
    (folder / "python" / "shared.py").write_text("VALUE = 1\n")
    return folder


def test_a_registered_layer_folder_is_the_layers_content_where_it_is(
        tmp_path: Path, layers: LayerService, local_code: LocalCode) -> None:
    folder = layer_folder(tmp_path)
    sha256, size = folder_digest(folder)

    published = layers.publish("shared",
                               {"Content": in_bucket(local_code.register(folder))})

    assert content_dir(layers, published) == str(folder.resolve())
    assert (published["Content"]["CodeSha256"], published["Content"]["CodeSize"]) == (
        sha256, size)
    assert list((tmp_path / "layers").iterdir()) == []  # nothing copied


def test_deleting_a_layer_version_leaves_its_local_folder_alone(
        tmp_path: Path, layers: LayerService, local_code: LocalCode) -> None:
    folder = layer_folder(tmp_path)
    layers.publish("shared", {"Content": in_bucket(local_code.register(folder))})

    layers.delete("shared", "1")

    assert (folder / "python" / "shared.py").read_text() == "VALUE = 1\n"


def test_a_registered_layer_zip_is_stored_like_an_upload(
        tmp_path: Path, layers: LayerService, local_code: LocalCode) -> None:
    path, package = zip_file(tmp_path)
    uploaded = layers.publish("uploaded", {"Content": content({"app.py": "x = 1\n"})})

    published = layers.publish("local", {"Content": in_bucket(local_code.register(path))})

    stored = Path(content_dir(layers, published))
    assert (published["Content"]["CodeSha256"], published["Content"]["CodeSize"]) == (
        base64_sha256(package), len(package))
    assert stored.parent == Path(content_dir(layers, uploaded)).parent == tmp_path / "layers"
    assert (stored / "app.py").is_file()


def test_a_registered_layer_path_that_is_gone_is_refused(
        tmp_path: Path, layers: LayerService, local_code: LocalCode) -> None:
    folder = code_folder(tmp_path)
    key = local_code.register(folder)
    shutil.rmtree(folder)

    with pytest.raises(InvalidParameterValueException, match="does not exist"):
        layers.publish("gone", {"Content": in_bucket(key)})

    assert layers.list_versions("gone", None, None, None, None) == {"LayerVersions": []}


def test_an_unregistered_layer_key_of_the_local_bucket_is_left_to_s3(
        layers: LayerService) -> None:
    with pytest.raises(InvalidParameterValueException) as refused:
        layers.publish("elsewhere", {"Content": in_bucket("0123456789abcdef/layer")})

    assert refused.value.message == NO_SUCH_BUCKET


def test_a_local_layer_folder_downloads_as_a_zip_of_the_folder_not_a_stale_one_beside_it(
        tmp_path: Path, layers: LayerService, local_code: LocalCode) -> None:
    folder = layer_folder(tmp_path)
    (tmp_path / "layer.zip").write_bytes(make_zip({"stale.py": "OLD = 1\n"}))
    layers.publish("shared", {"Content": in_bucket(local_code.register(folder))})

    with zipfile.ZipFile(io.BytesIO(layers.layer_zip("shared", "1"))) as archive:
        assert archive.namelist() == ["python/shared.py"]
