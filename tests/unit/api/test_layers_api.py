"""The layer routes of the Lambda API (PublishLayerVersion, GetLayerVersion and ...ByArn,
ListLayers, ListLayerVersions, DeleteLayerVersion), through Flask's test client on the
simulator's app and through a boto3 client whose requests that test client answers."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from flask.testing import FlaskClient

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeExecutor
from tests.helpers import unique_name

LAYER_ARN = "arn:aws:lambda:us-east-1:000000000000:layer:"


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor())
    yield simulator
    simulator.close()


def layer_zip(text: str) -> bytes:
    """The same text gives the same bytes: the entry's time is fixed, not the clock's."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("python/helper.py", date_time=(2024, 1, 1, 0, 0, 0)),
                         text)
    return buffer.getvalue()


def publish(client: FlaskClient, name: str, text: str = "VALUE = 1\n",
            **fields: Any) -> dict[str, Any]:
    response = client.post(f"/2018-10-31/layers/{name}/versions", json={
        "Content": {"ZipFile": base64.b64encode(layer_zip(text)).decode()}, **fields})
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_publish_answers_201_and_numbers_the_versions_of_a_layer(client: FlaskClient) -> None:
    name = unique_name("layer")

    first = publish(client, name, "VALUE = 1\n", CompatibleRuntimes=["python3.12"],
                    Description="first")
    second = publish(client, name, "VALUE = 2\n")

    assert (first["Version"], second["Version"]) == (1, 2)
    assert first["LayerArn"] == LAYER_ARN + name
    assert first["LayerVersionArn"] == f"{LAYER_ARN}{name}:1"
    assert first["CompatibleRuntimes"] == ["python3.12"]
    assert first["Description"] == "first"
    assert first["Content"]["CodeSha256"] == base64.b64encode(
        hashlib.sha256(layer_zip("VALUE = 1\n")).digest()).decode()
    assert first["Content"]["Location"].endswith(f"/_simulator/layers/{name}/1.zip")


def test_a_published_version_is_read_back_by_number_and_its_content_downloaded(
        client: FlaskClient) -> None:
    name = unique_name("layer")
    published = publish(client, name, "VALUE = 'kept'\n")

    got = client.get(f"/2018-10-31/layers/{name}/versions/1")

    assert got.status_code == 200
    assert got.get_json() == published
    assert client.get(f"/_simulator/layers/{name}/1.zip").data == layer_zip("VALUE = 'kept'\n")


def test_boto3_gets_a_layer_version_by_its_arn(client: FlaskClient, boto: Any) -> None:
    name = unique_name("layer")
    publish(client, name)
    second = publish(client, name, "VALUE = 2\n")

    got = boto.get_layer_version_by_arn(Arn=second["LayerVersionArn"])

    assert got["Version"] == 2
    assert got["Content"]["CodeSha256"] == second["Content"]["CodeSha256"]


def test_get_by_arn_refuses_what_is_not_a_layer_version_arn_and_misses_what_is_not_there(
        client: FlaskClient) -> None:
    malformed = client.get("/2018-10-31/layers?find=LayerVersion&Arn=not-an-arn")
    missing = client.get(f"/2018-10-31/layers?find=LayerVersion&Arn={LAYER_ARN}ghost:3")

    assert malformed.status_code == 400
    assert malformed.get_json()["__type"] == "ValidationException"
    assert "Value 'not-an-arn' at 'arn'" in malformed.get_json()["message"]
    assert missing.status_code == 404
    assert missing.get_json()["Message"] == "The resource you requested does not exist."


def test_list_layers_shows_each_layer_s_latest_version_matching_the_filter(
        client: FlaskClient) -> None:
    name = unique_name("layer")
    publish(client, name, CompatibleRuntimes=["python3.12"])
    publish(client, name, "VALUE = 2\n", CompatibleRuntimes=["python3.11"])

    def latest(runtime: str | None) -> int | None:
        query = {"CompatibleRuntime": runtime} if runtime else {}
        layers = client.get("/2018-10-31/layers", query_string=query).get_json()["Layers"]
        versions = [layer["LatestMatchingVersion"]["Version"] for layer in layers
                    if layer["LayerName"] == name]
        return versions[0] if versions else None

    assert latest(None) == 2
    assert latest("python3.12") == 1
    assert latest("nodejs20.x") is None


def test_list_layers_refuses_an_unknown_runtime_filter(client: FlaskClient) -> None:
    response = client.get("/2018-10-31/layers?CompatibleRuntime=cobol")

    assert response.status_code == 400
    assert "Value 'cobol' at 'compatibleRuntime'" in response.get_json()["message"]


def test_layer_versions_are_listed_newest_first_a_page_at_a_time(boto: Any,
                                                                client: FlaskClient) -> None:
    name = unique_name("layer")
    for text in ("A = 1\n", "A = 2\n", "A = 3\n"):
        publish(client, name, text)

    first = boto.list_layer_versions(LayerName=name, MaxItems=2)
    rest = boto.list_layer_versions(LayerName=name, MaxItems=2, Marker=first["NextMarker"])

    assert [v["Version"] for v in first["LayerVersions"]] == [3, 2]
    assert [v["Version"] for v in rest["LayerVersions"]] == [1]
    assert "NextMarker" not in rest


def test_list_layer_versions_filters_by_runtime(client: FlaskClient) -> None:
    name = unique_name("layer")
    publish(client, name, CompatibleRuntimes=["python3.12"])
    publish(client, name, "VALUE = 2\n", CompatibleRuntimes=["nodejs20.x"])

    listed = client.get(f"/2018-10-31/layers/{name}/versions?CompatibleRuntime=nodejs20.x")

    assert [v["Version"] for v in listed.get_json()["LayerVersions"]] == [2]


def test_delete_answers_204_is_idempotent_and_the_version_is_gone(boto: Any,
                                                                 client: FlaskClient) -> None:
    name = unique_name("layer")
    publish(client, name)
    publish(client, name, "VALUE = 2\n")

    first = client.delete(f"/2018-10-31/layers/{name}/versions/1")
    again = client.delete(f"/2018-10-31/layers/{name}/versions/1")

    assert (first.status_code, first.data, again.status_code) == (204, b"", 204)
    with pytest.raises(ClientError) as raised:
        boto.get_layer_version(LayerName=name, VersionNumber=1)
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert boto.get_layer_version(LayerName=name, VersionNumber=2)["Version"] == 2


def test_a_version_that_is_not_a_number_is_not_found(client: FlaskClient) -> None:
    name = unique_name("layer")
    publish(client, name)

    response = client.get(f"/2018-10-31/layers/{name}/versions/latest")

    assert response.status_code == 404
    assert response.get_json()["__type"] == "ResourceNotFoundException"


def test_a_publish_body_of_the_wrong_shape_is_refused_before_anything_is_stored(
        client: FlaskClient) -> None:
    name = unique_name("layer")
    response = client.post(f"/2018-10-31/layers/{name}/versions", json={
        "Content": {"ZipFile": base64.b64encode(layer_zip("X = 1\n")).decode()},
        "CompatibleRuntimes": "python3.12"})

    assert response.status_code == 400
    assert response.get_json()["message"] == (
        "1 validation error detected: Value at 'CompatibleRuntimes' failed to satisfy "
        "constraint: Member must be of type list/tuple")
    assert client.get(f"/2018-10-31/layers/{name}/versions").get_json() == {
        "LayerVersions": []}
