"""`lambda-sim deploy` of a CDK cloud assembly: the checked-in assembly synthesised by
aws-cdk-lib (tests/fixtures/cdk) and small hand-written ones, read as the CDK CLI reads them and
deployed to an in-process simulator on the fake executor."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from simulator.cli import main
from simulator.commands.cloud_assembly import (
    DeployError,
    FileAsset,
    Placeholders,
    StackArtifact,
    asset_body,
    ensure_bootstrap_versions,
    read_assembly,
    template_source,
    zipped_folder,
)
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.http_server import SimulatorServer
from tests.helpers import ROLE, lambda_client, running_server

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "cdk"
ASSEMBLY = FIXTURE / "cdk.out"
CODE_ASSET = "2c8e6b980b653edadf18c12ff8c9e79a98efce4d40ba0769f76eafa71f0110aa"
ASSETS_BUCKET = "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"
VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"
HERE = Placeholders(account="000000000000", region="us-east-1", partition="aws")


def greet(event: Any, context: FakeContext) -> Any:
    return {"message": "hello from the fake", "records": len(event.get("Records", []))}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    executor = FakeExecutor({"index.handler": greet, "app.handler": greet})
    with running_server(tmp_path_factory.mktemp("cdk-state"), executor) as running:
        yield running


def aws(server: SimulatorServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def deploy(server: SimulatorServer, assembly: Path, *options: str) -> int:
    return main(["deploy", str(assembly), *options, "--endpoint", server.url])


def one_error_line(stderr: str) -> str:
    """The one `error:` line among the progress lines, with no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.strip().splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, stderr
    return lines[0]


def write_assembly(folder: Path, templates: dict[str, dict[str, Any]],
                   dependencies: dict[str, list[str]] | None = None,
                   code: dict[str, str] | None = None) -> Path:
    """An assembly as the default synthesizer writes one: per stack a template, an asset
    manifest publishing it (and `code`, a folder, as `code.zip`) and the stack artifact."""
    folder.mkdir(parents=True, exist_ok=True)
    artifacts: dict[str, Any] = {}
    for name, template in templates.items():
        (folder / f"{name}.template.json").write_text(json.dumps(template))
        files: dict[str, Any] = {"template": {
            "source": {"path": f"{name}.template.json", "packaging": "file"},
            "destinations": {"here": {"bucketName": ASSETS_BUCKET,
                                      "objectKey": f"{name}.json"}}}}
        if code is not None:
            for file_name, text in code.items():
                (folder / "asset.code").mkdir(exist_ok=True)
                (folder / "asset.code" / file_name).write_text(text)
            files["code"] = {"displayName": "Code",
                             "source": {"path": "asset.code", "packaging": "zip"},
                             "destinations": {"here": {"bucketName": ASSETS_BUCKET,
                                                       "objectKey": "code.zip"}}}
        (folder / f"{name}.assets.json").write_text(json.dumps({"version": "55.0.0",
                                                                "files": files}))
        bootstrap = {"requiresBootstrapStackVersion": 6,
                     "bootstrapStackVersionSsmParameter": VERSION_PARAMETER}
        artifacts[f"{name}.assets"] = {"type": "cdk:asset-manifest", "properties": {
            "file": f"{name}.assets.json", **bootstrap}}
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "environment": "aws://unknown-account/unknown-region",
            "properties": {"templateFile": f"{name}.template.json",
                           "stackTemplateAssetObjectUrl": f"s3://{ASSETS_BUCKET}/{name}.json",
                           **bootstrap},
            "dependencies": [f"{name}.assets", *(dependencies or {}).get(name, [])]}
    (folder / "manifest.json").write_text(json.dumps({"version": "55.0.0",
                                                      "artifacts": artifacts}))
    return folder


def function_template(code_key: str) -> dict[str, Any]:
    return {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python3.13", "Handler": "app.handler", "Role": ROLE,
        "Code": {"S3Bucket": {"Fn::Sub": ASSETS_BUCKET}, "S3Key": code_key}}}},
        "Outputs": {"Name": {"Value": {"Ref": "Fn"}}}}


def mood_template(padding: int = 0) -> dict[str, Any]:
    template: dict[str, Any] = {
        "Parameters": {"Mood": {"Type": "String", "Default": "calm"}},
        "Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
        "Outputs": {"Mood": {"Value": {"Ref": "Mood"}}}}
    if padding:
        template["Metadata"] = {"Padding": "x" * padding}
    return template


def test_the_synthesised_assembly_reads_as_its_stack_and_its_file_assets() -> None:
    assembly = read_assembly(ASSEMBLY)
    (stack,) = assembly.stacks
    assert stack.stack_name == "CdkGreeter"
    assert stack.declared_parameters == {"BootstrapVersion"}
    assert json.loads(stack.template_body)["Resources"]["GreeterA41DC22A"]["Type"] == \
        "AWS::Lambda::Function"
    assert stack.template_url.startswith(f"s3://{ASSETS_BUCKET}/")
    code = next(asset for asset in assembly.assets if asset.name == "Greeter/Code")
    assert code.packaging == "zip"
    assert code.source == ASSEMBLY / f"asset.{CODE_ASSET}"
    assert code.destinations == ((ASSETS_BUCKET, f"{CODE_ASSET}.zip"),)
    assert {asset.name for asset in assembly.assets} == {"Greeter/Code", "CdkGreeter Template"}
    assert assembly.bootstrap_versions == {VERSION_PARAMETER: 6}


def test_placeholders_become_the_account_region_and_partition() -> None:
    assert HERE.fill("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x-${AWS::Region}") == \
        "arn:aws:iam::000000000000:role/x-us-east-1"


def test_stacks_come_after_the_stacks_they_depend_on(tmp_path: Path) -> None:
    folder = write_assembly(tmp_path / "cdk.out", {"Api": mood_template(),
                                                   "Data": mood_template()},
                            dependencies={"Api": ["Data"]})
    assert [stack.stack_name for stack in read_assembly(folder).stacks] == ["Data", "Api"]


def test_stacks_depending_on_each_other_in_a_cycle_are_refused(tmp_path: Path) -> None:
    folder = write_assembly(tmp_path / "cdk.out", {"Api": mood_template(),
                                                   "Data": mood_template()},
                            dependencies={"Api": ["Data"], "Data": ["Api"]})
    with pytest.raises(DeployError, match="cycle"):
        read_assembly(folder)


def test_a_folder_without_a_manifest_is_refused_saying_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="without manifest.json: pass a cloud assembly"):
        read_assembly(tmp_path)


def test_container_image_and_command_built_assets_are_refused(tmp_path: Path) -> None:
    folder = write_assembly(tmp_path / "cdk.out", {"Api": mood_template()})
    assets = json.loads((folder / "Api.assets.json").read_text())
    (folder / "Api.assets.json").write_text(json.dumps({**assets, "dockerImages": {
        "image": {"source": {"directory": "asset.image"}, "destinations": {}}}}))
    with pytest.raises(DeployError, match="container image assets"):
        read_assembly(folder)
    assets["files"]["built"] = {"source": {"executable": ["make"]}, "destinations": {}}
    (folder / "Api.assets.json").write_text(json.dumps(assets))
    with pytest.raises(DeployError, match="built by a command"):
        read_assembly(folder)


def test_a_folder_asset_zips_with_its_permissions_into_the_same_bytes_each_time(
        tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "words.py").write_text("WORD = 'hi'\n")
    (tmp_path / "bootstrap").write_text("#!/bin/sh\n")
    (tmp_path / "bootstrap").chmod(0o755)
    archive = zipfile.ZipFile(io.BytesIO(zipped_folder(tmp_path)))
    assert archive.namelist() == ["bootstrap", "lib/words.py"]
    assert archive.read("lib/words.py") == b"WORD = 'hi'\n"
    assert stat.S_IMODE(archive.getinfo("bootstrap").external_attr >> 16) == 0o755
    assert zipped_folder(tmp_path) == zipped_folder(tmp_path)


def test_a_file_asset_is_uploaded_as_it_is_and_a_zip_asset_needs_a_folder(
        tmp_path: Path) -> None:
    (tmp_path / "layer.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    assert asset_body(FileAsset("Layer", tmp_path / "layer.zip", "file", ())) == \
        b"PK\x05\x06" + bytes(18)
    with pytest.raises(DeployError, match="not a folder to zip"):
        asset_body(FileAsset("Layer", tmp_path / "layer.zip", "zip", ()))


def test_a_template_over_cloudformations_body_limit_goes_by_its_published_url() -> None:
    stack = StackArtifact(stack_name="Big", template_body="{}", declared_parameters=frozenset(),
                          template_url=f"s3://{ASSETS_BUCKET}/big.json", parameters={}, tags={})
    assert template_source(stack, HERE) == {"TemplateBody": "{}"}
    big = StackArtifact(**{**stack.__dict__, "template_body": " " * 51_201})
    assert template_source(big, HERE) == {"TemplateURL": "https://s3.us-east-1.amazonaws.com/"
                                          "cdk-hnb659fds-assets-000000000000-us-east-1/big.json"}


def test_the_synthesised_assembly_deploys_its_code_and_a_second_deploy_changes_nothing(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy(server, ASSEMBLY) == 0
    out, err = capsys.readouterr()
    (line,) = out.splitlines()
    assert line.startswith("CdkGreeter CREATE_COMPLETE FunctionName=CdkGreeter-"), out
    assert " QueueUrl=" in line and " Url=" in line
    assert "publishing Greeter/Code to s3://cdk-hnb659fds-assets-000000000000-us-east-1/" in err

    published = aws(server, "s3").get_object(
        Bucket="cdk-hnb659fds-assets-000000000000-us-east-1", Key=f"{CODE_ASSET}.zip")
    archive = zipfile.ZipFile(io.BytesIO(published["Body"].read()))
    assert archive.read("index.py") == (FIXTURE / "function" / "index.py").read_bytes()
    version = aws(server, "ssm").get_parameter(Name=VERSION_PARAMETER)["Parameter"]["Value"]
    assert version == "6"
    function = line.split("FunctionName=")[1].split()[0]
    answer = lambda_client(server.url).invoke(FunctionName=function)["Payload"].read()
    assert json.loads(answer) == {"message": "hello from the fake", "records": 0}

    assert deploy(server, ASSEMBLY, "--json") == 0
    (stack,) = json.loads(capsys.readouterr().out)
    assert stack["stack"] == "CdkGreeter" and stack["status"] == "CREATE_COMPLETE"
    assert stack["changed"] is False and stack["outputs"]["FunctionName"] == function


def test_a_failed_stack_is_one_error_line_and_deploys_once_fixed(
        server: SimulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = {"app.py": "def handler(event, context):\n    return 'hi'\n"}
    folder = write_assembly(tmp_path / "cdk.out", {"Broken": function_template("missing.zip")},
                            code=code)
    assert deploy(server, folder) == 1
    error = one_error_line(capsys.readouterr().err)
    assert error.startswith("error: stack Broken ROLLBACK_COMPLETE: "
                            "Fn (AWS::Lambda::Function) CREATE_FAILED: "), error

    write_assembly(folder, {"Broken": function_template("code.zip")}, code=code)
    assert deploy(server, folder) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("Broken CREATE_COMPLETE Name=Broken-Fn-"), line


def test_parameter_overrides_reach_the_stack_declaring_them_and_big_templates_deploy(
        server: SimulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_assembly(tmp_path / "cdk.out", {"Moody": mood_template(padding=60_000)})
    assert deploy(server, folder, "--parameter-overrides", "Mood=glad") == 0
    assert capsys.readouterr().out.strip() == "Moody CREATE_COMPLETE Mood=glad"
    assert deploy(server, folder, "--parameter-overrides", "Mood=glad", "Tone=loud") == 1
    assert one_error_line(capsys.readouterr().err) == \
        "error: no stack of the assembly declares the parameters Tone"


def test_a_bootstrap_version_below_the_required_one_is_raised_and_a_higher_one_kept(
        server: SimulatorServer) -> None:
    ssm = aws(server, "ssm")
    ssm.put_parameter(Name="/cdk-bootstrap/old/version", Value="3", Type="String")
    ssm.put_parameter(Name="/cdk-bootstrap/new/version", Value="30", Type="String")
    ensure_bootstrap_versions(ssm, {"/cdk-bootstrap/old/version": 6,
                                    "/cdk-bootstrap/new/version": 6,
                                    "/cdk-bootstrap/none/version": 6})
    values = {name: ssm.get_parameter(Name=f"/cdk-bootstrap/{name}/version")["Parameter"]["Value"]
              for name in ("old", "new", "none")}
    assert values == {"old": "6", "new": "30", "none": "6"}


def test_no_simulator_at_the_endpoint_is_one_error_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deploy", str(ASSEMBLY), "--endpoint", "http://127.0.0.1:9"]) == 1
    assert one_error_line(capsys.readouterr().err).startswith("error: no simulator answers")
