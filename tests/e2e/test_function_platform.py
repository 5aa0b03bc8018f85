"""Architectures, EphemeralStorage and VpcConfig: validated and stored as AWS does, and in
Docker what they promise: the architecture runs or the invoke says why, /tmp has the size
asked for, a VPC function reaches the services on its subnet's network by name."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import docker
import pytest

from simulator.executors.platforms import emulates
from simulator.http_server import SimulatorServer
from tests.conftest import require_docker
from tests.helpers import ROLE, create_function, lambda_client, running_server, unique_name

BASE = "lambda-sim/base:bookworm"

HELLO = """
def handler(event, context):
    return "hello"
"""
TMP = """
import errno
import os

def handler(event, context):
    stat = os.statvfs("/tmp")
    written = 0
    chunk = b"x" * (16 * 1024 * 1024)
    try:
        with open("/tmp/fill", "wb") as out:
            while written < event.get("limit", 0):
                out.write(chunk)
                out.flush()
                written += len(chunk)
    except OSError as error:
        return {"size_mb": stat.f_blocks * stat.f_frsize // 2**20, "written": written,
                "errno": errno.errorcode[error.errno]}
    finally:
        if os.path.exists("/tmp/fill"):
            os.remove("/tmp/fill")
    return {"size_mb": stat.f_blocks * stat.f_frsize // 2**20, "written": written}
"""
FETCH = """
import urllib.request

def handler(event, context):
    with urllib.request.urlopen(event["url"], timeout=5) as response:
        return {"status": response.status, "body": response.read(200).decode()}
"""


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.DockerClient]:
    require_docker()
    client = docker.from_env()
    yield client
    client.close()


@pytest.fixture(scope="module")
def subnet_network(engine: docker.DockerClient) -> Iterator[str]:
    """An internal network named like a subnet, with a small HTTP service on it."""
    name = unique_name("subnet")
    network = engine.networks.create(name, driver="bridge", internal=True)
    service = engine.containers.run(
        BASE, ["python3", "-m", "http.server", "8000"], name=f"{name}-web", network=name,
        detach=True, working_dir="/etc")
    try:
        yield name
    finally:
        service.remove(force=True)
        network.remove()


@pytest.fixture(scope="module")
def docker_server(subnet_network: str, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[SimulatorServer]:
    with running_server(tmp_path_factory.mktemp("state-platform"), "docker",
                        docker_network="lambda-sim-test", docker_network_internal=True,
                        vpc_networks=f"subnet-0mapped={subnet_network}") as server:
        yield server


@pytest.fixture
def client(docker_server: SimulatorServer) -> Any:
    return lambda_client(docker_server.url)


def invoke(client: Any, name: str, event: Any = None) -> Any:
    response = client.invoke(FunctionName=name, Payload=json.dumps(event or {}))
    assert "FunctionError" not in response
    return json.loads(response["Payload"].read())


# -- Architectures ------------------------------------------------------------------------------


def test_x86_64_is_the_default_architecture(client: Any) -> None:
    name = create_function(client, HELLO)
    assert client.get_function_configuration(FunctionName=name)["Architectures"] == ["x86_64"]
    assert invoke(client, name) == "hello"


def test_an_arm64_zip_function_runs_on_the_engine_by_default(client: Any) -> None:
    """Natively where the engine is arm64 or emulates it, otherwise on the engine's own
    architecture (the interpreted code runs the same); strict mode refuses it instead."""
    name = create_function(client, HELLO, Architectures=["arm64"])
    assert client.get_function_configuration(FunctionName=name)["Architectures"] == ["arm64"]
    assert invoke(client, name) == "hello"


def arm64_image(engine: docker.DockerClient) -> str:
    """A one-file image whose config says linux/arm64, loaded as `docker save` writes one:
    no arm64 base or emulator is needed to make it."""
    tag = "lambda-sim-test/arm64-only:1"
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w") as archive:
        info = tarfile.TarInfo("hello")
        archive.addfile(info, io.BytesIO(b""))
    layer_bytes = layer.getvalue()
    diff_id = hashlib.sha256(layer_bytes).hexdigest()
    config = json.dumps({"architecture": "arm64", "os": "linux",
                         "config": {"Entrypoint": ["/hello"]},
                         "rootfs": {"type": "layers", "diff_ids": [f"sha256:{diff_id}"]}}
                        ).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": [tag],
                            "Layers": [f"{diff_id}/layer.tar"]}]).encode()
    bundle = io.BytesIO()
    with tarfile.open(fileobj=bundle, mode="w") as archive:
        for name, data in ((f"{diff_id}/layer.tar", layer_bytes), (config_name, config),
                           ("manifest.json", manifest)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    engine.images.load(bundle.getvalue())
    return tag


def test_an_image_runs_only_as_its_own_architecture(client: Any,
                                                    engine: docker.DockerClient) -> None:
    image = arm64_image(engine)
    for architecture in ("x86_64", "arm64"):
        name = unique_name("img")
        client.create_function(FunctionName=name, Role=ROLE, PackageType="Image",
                               Code={"ImageUri": image}, Architectures=[architecture])
        with pytest.raises(client.exceptions.ServiceException) as caught:
            client.invoke(FunctionName=name)
        message = caught.value.response["Error"]["Message"]
        if architecture == "x86_64":
            assert message == (
                f"The function's architecture is x86_64, but the image {image} is built for "
                "linux/arm64: build a linux/amd64 variant of it (docker build --platform "
                "linux/amd64)")
        elif engine.info()["Architecture"] in ("aarch64", "arm64") or emulates("aarch64"):
            assert "/hello" in message  # past the platform check: the empty file cannot run
        else:
            assert "has no emulation for aarch64 registered" in message


def test_an_interpreted_arm64_function_runs_on_the_host_with_one_warning_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with running_server(tmp_path / "state", "process") as server, \
            caplog.at_level(logging.WARNING):
        client = lambda_client(server.url)
        name = create_function(client, HELLO, Architectures=["arm64"])
        assert invoke(client, name) == "hello"
        assert invoke(client, name) == "hello"
    warnings = [r.getMessage() for r in caplog.records
                if f"function {name} declares arm64" in r.getMessage()]
    assert warnings == [f"function {name} declares arm64, but the engine runs x86_64: it "
                        "runs on x86_64 (strict mode refuses it)"]


def test_strict_mode_refuses_an_arm64_function_at_create(tmp_path: Path) -> None:
    with running_server(tmp_path / "state", "process", strict=True) as server:
        client = lambda_client(server.url)
        name = unique_name()
        with pytest.raises(client.exceptions.InvalidParameterValueException) as caught:
            create_function(client, HELLO, name, Architectures=["arm64"])
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert caught.value.response["Error"]["Message"] == (
            f"function {name} declares arm64, but the engine runs x86_64; strict mode runs a "
            "function only on its own architecture")
        role = lambda_role(server.url)
        with pytest.raises(client.exceptions.InvalidParameterValueException):
            create_function(client, HELLO, name, Architectures=["arm64"], Role=role)
        assert create_function(client, HELLO, name, Architectures=["x86_64"],
                               Role=role) == name


def lambda_role(endpoint: str) -> str:
    """A role Lambda can assume, in the embedded IAM."""
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    return str(iam.create_role(RoleName=unique_name("role"),
                               AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])


@pytest.mark.parametrize(("architectures", "constraint"), [
    (["x86_64", "arm64"], "Member must have length less than or equal to 1"),
    ([], "Member must have length greater than or equal to 1"),
    (["sparc"], "Member must satisfy constraint: [Member must satisfy enum value set: "
                "[x86_64, arm64], Member must not be null]"),
])
def test_architectures_must_name_exactly_one_known_value(
        docker_server: SimulatorServer, architectures: list[str], constraint: str) -> None:
    unchecked = lambda_client(docker_server.url, parameter_validation=False)
    with pytest.raises(unchecked.exceptions.ClientError) as caught:
        create_function(unchecked, HELLO, Architectures=architectures)
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException"
    shown = "[" + ", ".join(architectures) + "]"
    assert error["Message"] == (f"1 validation error detected: Value '{shown}' at "
                                f"'architectures' failed to satisfy constraint: {constraint}")


# -- EphemeralStorage -----------------------------------------------------------------------


def test_tmp_is_as_large_as_the_ephemeral_storage(client: Any) -> None:
    name = create_function(client, TMP, EphemeralStorage={"Size": 2048})
    assert client.get_function_configuration(FunctionName=name)["EphemeralStorage"] == {
        "Size": 2048}
    assert invoke(client, name)["size_mb"] == 2048


def test_writing_past_the_ephemeral_storage_fails_with_enospc(client: Any) -> None:
    name = create_function(client, TMP, MemorySize=1024, Timeout=60)
    assert client.get_function_configuration(FunctionName=name)["EphemeralStorage"] == {
        "Size": 512}

    body = invoke(client, name, {"limit": 600 * 2**20})

    assert body["errno"] == "ENOSPC"
    assert 480 * 2**20 <= body["written"] <= 512 * 2**20


@pytest.mark.parametrize(("size", "constraint"), [
    (511, "Member must have value greater than or equal to 512"),
    (10241, "Member must have value less than or equal to 10240"),
])
def test_ephemeral_storage_is_validated_as_aws_does(docker_server: SimulatorServer, size: int,
                                                     constraint: str) -> None:
    unchecked = lambda_client(docker_server.url, parameter_validation=False)
    with pytest.raises(unchecked.exceptions.ClientError) as caught:
        create_function(unchecked, HELLO, EphemeralStorage={"Size": size})
    assert caught.value.response["Error"]["Message"] == (
        f"1 validation error detected: Value '{size}' at 'ephemeralStorage.size' failed to "
        f"satisfy constraint: {constraint}")


# -- VpcConfig ------------------------------------------------------------------------------


def test_vpc_config_is_returned_with_its_vpc(client: Any) -> None:
    name = create_function(client, HELLO, VpcConfig={"SubnetIds": ["subnet-0abc"],
                                                     "SecurityGroupIds": ["sg-0def"]})
    vpc = client.get_function_configuration(FunctionName=name)["VpcConfig"]
    assert (vpc["SubnetIds"], vpc["SecurityGroupIds"]) == (["subnet-0abc"], ["sg-0def"])
    assert vpc["VpcId"].startswith("vpc-")
    client.update_function_configuration(FunctionName=name,
                                         VpcConfig={"SubnetIds": [], "SecurityGroupIds": []})
    client.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert "VpcConfig" not in client.get_function_configuration(FunctionName=name)


@pytest.mark.parametrize("subnets", [["named"], ["subnet-0mapped"],
                                     ["subnet-0mapped", "named", "subnet-0nowhere"]])
def test_a_vpc_function_reaches_a_service_on_its_subnets_network(
        client: Any, subnet_network: str, subnets: list[str]) -> None:
    """By the network named like its subnet, or mapped to it; one network joined once, and a
    subnet with no network skipped."""
    subnet_ids = [subnet_network if subnet == "named" else subnet for subnet in subnets]
    name = create_function(client, FETCH, Timeout=15,
                           VpcConfig={"SubnetIds": subnet_ids, "SecurityGroupIds": ["sg-1"]})

    body = invoke(client, name, {"url": f"http://{subnet_network}-web:8000/hostname"})

    assert body["status"] == 200


def test_a_function_outside_the_vpc_does_not_reach_it(client: Any, subnet_network: str) -> None:
    name = create_function(client, FETCH, Timeout=15)
    response = client.invoke(FunctionName=name, Payload=json.dumps(
        {"url": f"http://{subnet_network}-web:8000/hostname"}))
    assert response["FunctionError"] == "Unhandled"
