"""Layers through boto3: publishing and reading layer versions, and functions that use them
(merged in order at /opt, on the runtimes' paths, replaced by UpdateFunctionConfiguration)."""

from __future__ import annotations

import io
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest

from simulator.http_server import SimulatorServer
from tests.helpers import (
    ROLE,
    create_function,
    invoke_ok,
    lambda_client,
    make_zip,
    running_server,
    s3_client,
    unique_name,
)

READS_LAYER = """
import os
import shared
def handler(event, context):
    here = os.path.dirname(shared.__file__)
    with open(os.path.join(here, "..", "note.txt")) as note:
        text = note.read()
    opt = open("/opt/note.txt").read() if os.path.isdir("/opt/python") else None
    return {"value": shared.VALUE, "note": text, "module": shared.__file__, "opt": opt}
"""


def layer_zip(value: str, note: str | None = None) -> bytes:
    files = {"python/shared.py": f"VALUE = {value!r}\n"}
    if note is not None:
        files["note.txt"] = note
    return make_zip(files)


@pytest.fixture
def lam(process_server: SimulatorServer) -> Any:
    return lambda_client(process_server.url)


def test_layer_files_reach_opt_and_an_update_switches_the_version(
        client: Any, executor_name: str) -> None:
    layer = unique_name("shared")
    first = client.publish_layer_version(LayerName=layer, Content={
        "ZipFile": layer_zip("one", "note one")}, CompatibleRuntimes=["python3.11"])
    name = create_function(client, READS_LAYER, Layers=[first["LayerVersionArn"]])
    body = invoke_ok(client, name)
    assert (body["value"], body["note"]) == ("one", "note one")
    if executor_name == "docker":
        assert body["module"] == "/opt/python/shared.py"
        assert body["opt"] == "note one"
    configuration = client.get_function_configuration(FunctionName=name)
    assert configuration["Layers"] == [{"Arn": first["LayerVersionArn"],
                                        "CodeSize": first["Content"]["CodeSize"]}]

    second = client.publish_layer_version(LayerName=layer, Content={
        "ZipFile": layer_zip("two", "note two")})
    assert second["Version"] == 2
    client.update_function_configuration(FunctionName=name, Layers=[second["LayerVersionArn"]])
    client.get_waiter("function_updated_v2").wait(FunctionName=name)
    body = invoke_ok(client, name)
    assert (body["value"], body["note"]) == ("two", "note two")
    assert client.get_function(FunctionName=name)["Configuration"]["Layers"][0]["Arn"] == \
        second["LayerVersionArn"]

    client.update_function_configuration(FunctionName=name, Layers=[])
    client.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert "Layers" not in client.get_function_configuration(FunctionName=name)
    failed = client.invoke(FunctionName=name)
    assert failed["FunctionError"] == "Unhandled"
    assert "No module named 'shared'" in failed["Payload"].read().decode()


def test_publish_get_list_and_delete_layer_versions(lam: Any) -> None:
    layer = unique_name("lib")
    archive = layer_zip("a")  # built once: a zip's entries carry the time they were written
    first = lam.publish_layer_version(
        LayerName=layer, Description="first", LicenseInfo="MIT",
        Content={"ZipFile": archive}, CompatibleRuntimes=["python3.11", "python3.12"],
        CompatibleArchitectures=["x86_64"])
    arn = f"arn:aws:lambda:us-east-1:000000000000:layer:{layer}"
    assert first["LayerArn"] == arn
    assert first["LayerVersionArn"] == f"{arn}:1"
    assert (first["Version"], first["Description"], first["LicenseInfo"]) == (1, "first", "MIT")
    assert first["CompatibleRuntimes"] == ["python3.11", "python3.12"]
    assert first["CompatibleArchitectures"] == ["x86_64"]
    assert first["Content"]["CodeSize"] == len(archive)
    assert first["CreatedDate"].endswith("+0000")
    with urllib.request.urlopen(first["Content"]["Location"]) as download:
        assert download.read() == archive
    second = lam.publish_layer_version(LayerName=layer, Content={"ZipFile": layer_zip("b")},
                                       CompatibleRuntimes=["nodejs20.x"])
    assert second["LayerVersionArn"] == f"{arn}:2"

    got = lam.get_layer_version(LayerName=layer, VersionNumber=1)
    assert {k: got[k] for k in first if k != "ResponseMetadata"} == \
        {k: first[k] for k in first if k != "ResponseMetadata"}
    assert lam.get_layer_version(LayerName=arn, VersionNumber=2)["Version"] == 2
    assert lam.get_layer_version_by_arn(Arn=f"{arn}:2")["Description"] == ""

    versions = lam.list_layer_versions(LayerName=layer)["LayerVersions"]
    assert [v["Version"] for v in versions] == [2, 1]
    assert set(versions[1]) >= {"LayerVersionArn", "Version", "Description", "CreatedDate",
                                "CompatibleRuntimes", "LicenseInfo", "CompatibleArchitectures"}
    only = lam.list_layer_versions(LayerName=layer, CompatibleRuntime="python3.12")
    assert [v["Version"] for v in only["LayerVersions"]] == [1]
    assert lam.list_layer_versions(LayerName=layer, CompatibleArchitecture="arm64")[
        "LayerVersions"] == []
    page = lam.list_layer_versions(LayerName=layer, MaxItems=1)
    assert [v["Version"] for v in page["LayerVersions"]] == [2]
    rest = lam.list_layer_versions(LayerName=layer, MaxItems=1, Marker=page["NextMarker"])
    assert [v["Version"] for v in rest["LayerVersions"]] == [1] and "NextMarker" not in rest

    listed = {item["LayerName"]: item for item in lam.list_layers()["Layers"]}
    assert listed[layer]["LayerArn"] == arn
    assert listed[layer]["LatestMatchingVersion"]["Version"] == 2
    python_only = {item["LayerName"]: item
                   for item in lam.list_layers(CompatibleRuntime="python3.11")["Layers"]}
    assert python_only[layer]["LatestMatchingVersion"]["Version"] == 1
    assert len(lam.list_layers(MaxItems=1)["Layers"]) == 1

    lam.delete_layer_version(LayerName=layer, VersionNumber=2)
    lam.delete_layer_version(LayerName=layer, VersionNumber=2)  # idempotent, as on AWS
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as missing:
        lam.get_layer_version(LayerName=layer, VersionNumber=2)
    assert missing.value.response["Error"]["Message"] == \
        "The resource you requested does not exist."
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_layer_version_by_arn(Arn=f"{arn}:2")
    third = lam.publish_layer_version(LayerName=layer, Content={"ZipFile": layer_zip("c")})
    assert third["Version"] == 3  # numbers are never reused


def test_layer_requests_aws_refuses(lam: Any) -> None:
    with pytest.raises(lam.exceptions.ClientError) as bad_name:
        lam.publish_layer_version(LayerName="not a name", Content={"ZipFile": layer_zip("x")})
    assert bad_name.value.response["Error"]["Code"] == "ValidationException"
    assert "at 'layerName' failed to satisfy constraint" in \
        bad_name.value.response["Error"]["Message"]
    with pytest.raises(lam.exceptions.ClientError) as bad_runtime:
        lam.publish_layer_version(LayerName=unique_name("l"), CompatibleRuntimes=["cobol"],
                                  Content={"ZipFile": layer_zip("x")})
    assert bad_runtime.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(lam.exceptions.ClientError) as bad_arn:
        lam.get_layer_version_by_arn(Arn="arn:aws:lambda:us-east-1:000000000000:layer:x")
    assert bad_arn.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(lam.exceptions.ClientError) as bad_filter:
        lam.list_layers(CompatibleRuntime="cobol")
    assert bad_filter.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_layer_version(LayerName=unique_name("never"), VersionNumber=1)
    assert lam.list_layer_versions(LayerName=unique_name("never"))["LayerVersions"] == []


def test_layer_zips_get_the_same_checks_as_function_code(lam: Any) -> None:
    escaping = io.BytesIO()
    with zipfile.ZipFile(escaping, "w") as archive:
        archive.writestr("../outside.txt", "no")
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as traversal:
        lam.publish_layer_version(LayerName=unique_name("l"),
                                  Content={"ZipFile": escaping.getvalue()})
    assert "points outside the archive" in traversal.value.response["Error"]["Message"]
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as not_zip:
        lam.publish_layer_version(LayerName=unique_name("l"), Content={"ZipFile": b"nope"})
    assert "Could not unzip uploaded file" in not_zip.value.response["Error"]["Message"]


def test_later_layers_win_and_node_finds_opt_nodejs(lam: Any) -> None:
    base = lam.publish_layer_version(LayerName=unique_name("base"), Content={"ZipFile": make_zip(
        {"python/shared.py": "VALUE = 'base'\n", "python/only_base.py": "HERE = True\n",
         "nodejs/node_modules/greeting/index.js": "module.exports = 'from the base';\n"})})
    top = lam.publish_layer_version(LayerName=unique_name("top"), Content={"ZipFile": make_zip(
        {"python/shared.py": "VALUE = 'top'\n"})})
    name = create_function(lam, """
import shared, only_base
def handler(event, context):
    return [shared.VALUE, only_base.HERE]
""", Layers=[base["LayerVersionArn"], top["LayerVersionArn"]])
    assert invoke_ok(lam, name) == ["top", True]
    node = create_function(lam, {"index.js": """
exports.handler = async () => require("greeting");
"""}, Runtime="nodejs20.x", Handler="index.handler", Layers=[base["LayerVersionArn"]])
    assert invoke_ok(lam, node) == "from the base"


def test_functions_refuse_layers_aws_would_refuse(lam: Any) -> None:
    missing = "arn:aws:lambda:us-east-1:000000000000:layer:nothing-here:1"
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as create:
        create_function(lam, "def handler(e, c): return 1", Layers=[missing])
    assert create.value.response["Error"]["Message"] == f"Layer version {missing} does not exist."
    name = create_function(lam, "def handler(e, c): return 1")
    with pytest.raises(lam.exceptions.InvalidParameterValueException):
        lam.update_function_configuration(FunctionName=name, Layers=[missing])
    layer = unique_name("many")
    arns = [lam.publish_layer_version(LayerName=f"{layer}-{i}", Content={
        "ZipFile": layer_zip(str(i))})["LayerVersionArn"] for i in range(6)]
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as too_many:
        lam.update_function_configuration(FunctionName=name, Layers=arns)
    assert too_many.value.response["Error"]["Message"] == "Cannot reference more than 5 layers."
    with pytest.raises(lam.exceptions.ClientError) as malformed:
        lam.update_function_configuration(FunctionName=name, Layers=["not-an-arn"])
    assert malformed.value.response["Error"]["Code"] == "ValidationException"
    again = lam.publish_layer_version(LayerName=f"{layer}-0", Content={
        "ZipFile": layer_zip("again")})["LayerVersionArn"]
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as twice:
        lam.update_function_configuration(FunctionName=name, Layers=[arns[0], again])
    assert "Two different versions of the same layer" in twice.value.response["Error"]["Message"]


def test_layers_from_s3_and_after_a_restart(tmp_path: Path) -> None:
    with running_server(tmp_path / "state", "process") as server:
        client = lambda_client(server.url)
        s3 = s3_client(server.url)
        bucket = unique_name("layers")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="layer.zip", Body=layer_zip("from s3", "s3 note"))
        published = client.publish_layer_version(
            LayerName="from-s3", Content={"S3Bucket": bucket, "S3Key": "layer.zip"})
        with pytest.raises(client.exceptions.InvalidParameterValueException) as missing:
            client.publish_layer_version(
                LayerName="from-s3", Content={"S3Bucket": bucket, "S3Key": "absent.zip"})
        assert "S3 Error Code: NoSuchKey" in missing.value.response["Error"]["Message"]
        client.create_function(FunctionName="uses-layer", Runtime="python3.11", Role=ROLE,
                               Handler="app.handler", Code={"ZipFile": make_zip(
                                   {"app.py": READS_LAYER})},
                               Layers=[published["LayerVersionArn"]])
    with running_server(tmp_path / "state", "process") as server:
        client = lambda_client(server.url)
        assert client.get_layer_version(LayerName="from-s3", VersionNumber=1)["Version"] == 1
        assert invoke_ok(client, "uses-layer")["value"] == "from s3"
        assert client.publish_layer_version(LayerName="from-s3", Content={
            "ZipFile": layer_zip("x")})["Version"] == 2


def test_a_template_function_uses_a_published_layer_by_arn(
        process_server: SimulatorServer, lam: Any, tmp_path: Path) -> None:
    published = lam.publish_layer_version(LayerName=unique_name("for-template"), Content={
        "ZipFile": layer_zip("published", "published note")})
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(READS_LAYER)
    name = unique_name("templated")
    (tmp_path / "template.yaml").write_text(f"""
Transform: AWS::Serverless-2016-10-31
Resources:
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: {name}
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.11
      Layers:
        - {published["LayerVersionArn"]}
""")
    process_server.simulator.load_template(tmp_path / "template.yaml")
    assert invoke_ok(lam, name)["note"] == "published note"
