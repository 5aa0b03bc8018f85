"""`lambda-sim deploy cdk.out/`: what the CDK CLI does with a cloud assembly, against a running
simulator. It publishes the file assets its asset manifests list to the simulator's S3, stands
in for `cdk bootstrap` where a template reads it (the bootstrap version parameter), and then
creates or updates each stack through CloudFormation, in dependency order."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError
from rich.markup import escape

from simulator.commands.console import console, fail, print_json, stdout
from simulator.stacks import stack_deploys
from simulator.stacks.stack_deploys import DeployedStack, StackDeployFailed

MANIFEST = "manifest.json"
STACK_ARTIFACT = "aws:cloudformation:stack"
ASSET_MANIFEST_ARTIFACT = "cdk:asset-manifest"
# CloudFormation's limit on TemplateBody; a larger template goes by TemplateURL.
MAX_TEMPLATE_BODY_BYTES = 51_200
# A fixed timestamp for every zip entry, so the same folder always makes the same archive.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class DeployError(Exception):
    """The assembly cannot be read or published, or one of its stacks did not deploy."""


@dataclass(frozen=True)
class Placeholders:
    """What `${AWS::AccountId}`, `${AWS::Region}` and `${AWS::Partition}` stand for in an
    asset destination or a template URL of an environment-agnostic assembly."""

    account: str
    region: str
    partition: str

    def fill(self, text: str) -> str:
        return (text.replace("${AWS::AccountId}", self.account)
                .replace("${AWS::Region}", self.region)
                .replace("${AWS::Partition}", self.partition))


@dataclass(frozen=True)
class FileAsset:
    """A file or folder to upload, as an asset manifest lists it: `packaging` is "zip" for a
    folder to zip or "file" for a file as it is; `destinations` are (bucket, key) pairs."""

    name: str
    source: Path
    packaging: str
    destinations: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class StackArtifact:
    """`template_url` is where the assembly publishes the template (an `s3://` URL), or ""."""

    stack_name: str
    template_body: str
    declared_parameters: frozenset[str]
    template_url: str
    parameters: Mapping[str, str]
    tags: Mapping[str, str]


@dataclass(frozen=True)
class CloudAssembly:
    """`stacks` in the order they deploy; `bootstrap_versions` maps each bootstrap version
    parameter the assembly reads to the least version it requires."""

    stacks: list[StackArtifact]
    assets: list[FileAsset]
    bootstrap_versions: dict[str, int]


def deploy(directory: Path, client: Callable[[str], Any], overrides: Mapping[str, str],
           as_json: bool) -> int:
    """The command: one line a stack (or JSON), or one `error:` line for any failure."""
    try:
        deployed = deploy_assembly(read_assembly(directory), client, overrides)
    except DeployError as error:
        fail(str(error))
    except EndpointConnectionError as error:
        fail(f"no simulator answers: {error}")
    except ClientError as error:
        fail(f"{error.response['Error'].get('Code')}: {error.response['Error'].get('Message')}")
    if as_json:
        print_json([{"stack": stack.name, "status": stack.status, "changed": stack.changed,
                     "outputs": stack.outputs} for stack in deployed])
        return 0
    for stack in deployed:
        outputs = " ".join(f"{key}={value}" for key, value in stack.outputs.items())
        stdout.print(f"{stack.name} {stack.status}" + ("" if stack.changed else " (no changes)")
                     + (f" {outputs}" if outputs else ""), markup=False)
    return 0


def deploy_assembly(assembly: CloudAssembly, client: Callable[[str], Any],
                    overrides: Mapping[str, str]) -> list[DeployedStack]:
    """Bootstrap and publish first, as the stacks' templates read both; then each stack, in
    order, stopping at the first that fails."""
    if not assembly.stacks:
        raise DeployError("the cloud assembly has no stacks at its top level")
    declared = {name for stack in assembly.stacks for name in stack.declared_parameters}
    unknown = sorted(set(overrides) - declared)
    if unknown:
        raise DeployError(f"no stack of the assembly declares the parameters {', '.join(unknown)}")
    cloudformation = client("cloudformation")
    placeholders = Placeholders(client("sts").get_caller_identity()["Account"],
                                cloudformation.meta.region_name, cloudformation.meta.partition)
    ensure_bootstrap_versions(client("ssm"), assembly.bootstrap_versions)
    publish_assets(client("s3"), assembly.assets, placeholders)
    return [deploy_stack(cloudformation, stack, placeholders, overrides)
            for stack in assembly.stacks]


def read_assembly(directory: Path) -> CloudAssembly:
    """The stacks and file assets of the top-level artifacts of `directory/manifest.json`."""
    if not (directory / MANIFEST).is_file():
        raise DeployError(f"{directory} is a folder without {MANIFEST}: pass a cloud assembly "
                          "folder (cdk.out) or a template file")
    artifacts = _json_file(directory / MANIFEST).get("artifacts") or {}
    stacks: dict[str, StackArtifact] = {}
    assets: list[FileAsset] = []
    versions: dict[str, int] = {}
    for artifact_id, artifact in artifacts.items():
        properties = artifact.get("properties") or {}
        if artifact.get("type") == STACK_ARTIFACT:
            stacks[artifact_id] = _stack(directory, artifact_id, properties)
        elif artifact.get("type") == ASSET_MANIFEST_ARTIFACT:
            assets.extend(_file_assets(directory, _required(properties, "file", artifact_id)))
        else:
            continue
        parameter = properties.get("bootstrapStackVersionSsmParameter")
        if parameter:
            versions[parameter] = max(versions.get(parameter, 0),
                                      int(properties.get("requiresBootstrapStackVersion", 0)))
    order = _dependency_order({artifact_id: [
        dependency for dependency in artifacts[artifact_id].get("dependencies", [])
        if dependency in stacks] for artifact_id in stacks})
    return CloudAssembly([stacks[artifact_id] for artifact_id in order], assets, versions)


def ensure_bootstrap_versions(ssm: Any, versions: Mapping[str, int]) -> None:
    """What `cdk bootstrap` leaves for a template to read: each version parameter, at least
    at the version required (a higher one is kept)."""
    for name, least in versions.items():
        try:
            current = str(ssm.get_parameter(Name=name)["Parameter"]["Value"])
        except ClientError as error:
            if error.response["Error"].get("Code") != "ParameterNotFound":
                raise
            current = ""
        if not current.isdigit() or int(current) < least:
            ssm.put_parameter(Name=name, Value=str(least), Type="String", Overwrite=True)


def publish_assets(s3: Any, assets: list[FileAsset], placeholders: Placeholders) -> None:
    for asset in assets:
        body = asset_body(asset)
        for bucket_name, object_key in asset.destinations:
            bucket, key = placeholders.fill(bucket_name), placeholders.fill(object_key)
            console.print(f"[dim]publishing {escape(asset.name)} to s3://{escape(bucket)}/"
                          f"{escape(key)}[/]")
            _ensure_bucket(s3, bucket)
            s3.put_object(Bucket=bucket, Key=key, Body=body)


def asset_body(asset: FileAsset) -> bytes:
    if asset.packaging == "zip":
        if not asset.source.is_dir():
            raise DeployError(f"asset {asset.name}: {asset.source} is not a folder to zip")
        return zipped_folder(asset.source)
    if asset.packaging == "file":
        try:
            return asset.source.read_bytes()
        except OSError as error:
            raise DeployError(f"asset {asset.name}: cannot read {asset.source}: "
                              f"{error.strerror}") from None
    raise DeployError(f"asset {asset.name}: unknown packaging {asset.packaging!r}")


def zipped_folder(folder: Path) -> bytes:
    """The folder's files as a zip archive, with their permission bits (an executable such
    as a custom runtime's `bootstrap` stays executable) and no timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(path for path in folder.rglob("*") if path.is_file()):
            entry = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=ZIP_DATE)
            entry.external_attr = (stat.S_IFREG | stat.S_IMODE(path.stat().st_mode)) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())
    return buffer.getvalue()


def template_source(stack: StackArtifact, placeholders: Placeholders) -> dict[str, str]:
    """TemplateBody, or TemplateURL (the published template) for one over CloudFormation's
    body limit."""
    if len(stack.template_body.encode()) <= MAX_TEMPLATE_BODY_BYTES or not stack.template_url:
        return {"TemplateBody": stack.template_body}
    bucket, _, key = placeholders.fill(stack.template_url).removeprefix("s3://").partition("/")
    return {"TemplateURL": f"https://s3.{placeholders.region}.amazonaws.com/{bucket}/{key}"}


def deploy_stack(cloudformation: Any, stack: StackArtifact, placeholders: Placeholders,
                 overrides: Mapping[str, str]) -> DeployedStack:
    console.print(f"[dim]deploying {escape(stack.stack_name)}[/]")
    values = {**stack.parameters, **{key: value for key, value in overrides.items()
                                     if key in stack.declared_parameters}}
    try:
        return stack_deploys.deploy_stack(cloudformation, stack.stack_name,
                                          template_source(stack, placeholders), values,
                                          stack.tags)
    except StackDeployFailed as error:
        raise DeployError(str(error)) from None


def _stack(directory: Path, artifact_id: str, properties: Mapping[str, Any]) -> StackArtifact:
    template_file = directory / _required(properties, "templateFile", artifact_id)
    try:
        body = template_file.read_text()
    except OSError as error:
        raise DeployError(f"cannot read {template_file}: {error.strerror}") from None
    return StackArtifact(
        stack_name=properties.get("stackName") or artifact_id, template_body=body,
        declared_parameters=frozenset(_json_text(body, template_file).get("Parameters") or {}),
        template_url=properties.get("stackTemplateAssetObjectUrl", ""),
        parameters=dict(properties.get("parameters") or {}),
        tags=dict(properties.get("tags") or {}))


def _file_assets(directory: Path, file_name: str) -> list[FileAsset]:
    manifest = _json_file(directory / file_name)
    if manifest.get("dockerImages"):
        raise DeployError(f"{file_name} lists container image assets, which lambda-sim deploy "
                          "does not publish")
    assets = []
    for asset_id, asset in (manifest.get("files") or {}).items():
        source = asset.get("source") or {}
        if "path" not in source:
            raise DeployError(f"asset {asset_id} is built by a command (source.executable), "
                              "which lambda-sim deploy does not run")
        destinations = tuple(
            (_required(destination, "bucketName", asset_id),
             _required(destination, "objectKey", asset_id))
            for destination in (asset.get("destinations") or {}).values())
        assets.append(FileAsset(name=asset.get("displayName") or asset_id,
                                source=directory / source["path"],
                                packaging=source.get("packaging", "file"),
                                destinations=destinations))
    return assets


def _dependency_order(dependencies: dict[str, list[str]]) -> list[str]:
    try:
        return list(TopologicalSorter(dependencies).static_order())
    except CycleError as error:
        raise DeployError("the stacks depend on each other in a cycle: "
                          + " -> ".join(error.args[1])) from None


def _ensure_bucket(s3: Any, bucket: str) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        s3.create_bucket(Bucket=bucket)


def _required(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in mapping:
        raise DeployError(f"{where}: the cloud assembly gives no {key}")
    return mapping[key]


def _json_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
    except OSError as error:
        raise DeployError(f"cannot read {path}: {error.strerror}") from None
    return _json_text(text, path)


def _json_text(text: str, path: Path) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise DeployError(f"{path} is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise DeployError(f"{path} is not a JSON object")
    return document
