"""moto's server with its Lambda in Docker mode: a `docker run` of a Lambda image per invoke,
the code copied into a volume through a `busybox` container."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import boto3
import docker.errors

from bench import processes, standins
from bench.client import REGION, ROLE
from bench.functions import HANDLER, KINDS, MEMORY, RUNTIME, TIMEOUT, code_zip, function_name
from bench.peers.venv import PeerVenv
from bench.target import (
    ApiTarget,
    Say,
    TargetUnavailable,
    count_containers,
    docker_client,
    free_port,
    remove_containers,
    wait_for_port,
)

LAMBDA_IMAGE = "ghcr.io/shogo82148/lambda-python:3.11"  # moto's default for python3.11
BUSYBOX = "busybox:latest"
START_SECONDS = 60
VENV = PeerVenv("moto", "moto[server,awslambda]", "moto", "moto_server")
TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":' \
        '{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'


class MotoTarget(ApiTarget):
    name = "moto"
    compare_to = "ours (docker)"
    every_invoke_cold = True

    def __init__(self) -> None:
        super().__init__()
        self._folder = Path(tempfile.mkdtemp(prefix="bench-moto-"))
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, say: Say) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)  # a stop removes it
        version = VENV.ensure(say)
        lambda_image = standins.ensure(LAMBDA_IMAGE, "moto", say)
        busybox = standins.ensure(BUSYBOX, "busybox", say)
        self.description = (f"moto {version}: `moto_server` (Lambda in Docker mode); "
                            f"{LAMBDA_IMAGE}: {lambda_image}; {BUSYBOX}: {busybox}")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = self._folder / "moto.log"
        say("starting moto_server")
        self._process = processes.spawn(
            [str(VENV.bin("moto_server")), "-H", "127.0.0.1", "-p", str(port)], log,
            env={"MOTO_DOCKER_LAMBDA_IMAGE": LAMBDA_IMAGE})
        self.server_pid = self._process.pid
        try:
            wait_for_port(port, START_SECONDS, lambda: self._process.poll() is None)
        except TargetUnavailable as error:
            raise TargetUnavailable(f"{error}: {processes.tail(log)}") from None
        iam = boto3.client("iam", endpoint_url=self.url, region_name=REGION,
                           aws_access_key_id="test", aws_secret_access_key="test")
        iam.create_role(RoleName=ROLE.rsplit("/", 1)[1], AssumeRolePolicyDocument=TRUST)
        for kind in KINDS:
            self.control.create_function(
                FunctionName=function_name(kind), Runtime=RUNTIME, Handler=HANDLER,
                Role=ROLE, Code={"ZipFile": code_zip(kind)}, Timeout=TIMEOUT,
                MemorySize=MEMORY)

    def stop(self) -> None:
        """moto keeps each function's code in a volume while invokes run: a server stopped
        mid-invoke leaves containers and volumes behind, removed here."""
        processes.stop(self._process, grace=10)
        api = docker_client().api
        volumes = set()
        for image in (LAMBDA_IMAGE, BUSYBOX):
            for container in api.containers(all=True, filters={"ancestor": image}):
                volumes |= {m["Name"] for m in container.get("Mounts", [])
                            if m.get("Type") == "volume"}
            remove_containers({"ancestor": image})
        for volume in volumes:
            try:
                api.remove_volume(volume, force=True)
            except docker.errors.APIError:
                pass
        shutil.rmtree(self._folder, ignore_errors=True)

    def unsupported(self, scenario: str) -> str | None:
        return {
            "reload": "no hot reload",
            "memory.loaded": "a container per invoke: no warm environments",
            "memory.environment": "a container per invoke: no warm environments",
        }.get(scenario)

    def environment_count(self, kind: str) -> int:
        return count_containers({"ancestor": LAMBDA_IMAGE})
