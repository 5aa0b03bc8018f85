"""A Lambda layer holding the durable execution SDK, for the durable functions' tests.

The runtime images carry the AWS SDK their Lambda counterparts have, which may lack the
durable-execution operations the SDK calls (CheckpointDurableExecution, GetDurableExecutionState)
or be older than the SDK asks for. So the layer holds, besides `aws_durable_execution_sdk_python`,
this machine's boto3 and what it needs, at `python/<package>` (on the path at `/opt/python`).
botocore's data folder is most of its size: only the `lambda` service model and the top-level
files every client reads (endpoints, partitions, retry and default configuration) are kept.

Built once (a zip cached in the temporary folder, named after the packages' versions), checked
in a subprocess that sees only the layer's packages, and published with `publish_layer`.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

# Distributions (as pip names them) copied into the layer whole, but for botocore's data.
DISTRIBUTIONS = ("aws-durable-execution-sdk-python", "boto3", "botocore", "s3transfer",
                 "jmespath", "python-dateutil", "six", "urllib3")
BOTOCORE_DATA = PurePosixPath("botocore/data")
KEPT_SERVICES = ("lambda",)
LAYER_NAME = "aws-durable-execution-sdk-python"
RUNTIMES = ["python3.11", "python3.12", "python3.13"]
MAX_ZIP_BYTES = 50 * 1024 * 1024  # Lambda's limit for a zip uploaded directly


def _kept(path: PurePosixPath) -> bool:
    """Whether a distribution's file goes into the layer."""
    if ".." in path.parts or "__pycache__" in path.parts or path.suffix == ".pyc":
        return False  # scripts installed elsewhere; compiled files (each runtime compiles)
    if path.parts[:2] != BOTOCORE_DATA.parts:
        return True
    inside = path.relative_to(BOTOCORE_DATA).parts
    return len(inside) == 1 or inside[0] in KEPT_SERVICES


def _sources() -> list[tuple[Path, str]]:
    """(file on this machine, name in the layer) for every file the layer holds."""
    sources: list[tuple[Path, str]] = []
    for name in DISTRIBUTIONS:
        distribution = metadata.distribution(name)
        for file in distribution.files or []:
            path = PurePosixPath(str(file))
            if _kept(path):
                sources.append((Path(str(distribution.locate_file(file))), f"python/{path}"))
    return sorted(sources, key=lambda source: source[1])


def _cache_key() -> str:
    versions = ",".join(f"{name}=={metadata.version(name)}" for name in DISTRIBUTIONS)
    return hashlib.sha256(f"{versions};{KEPT_SERVICES}".encode()).hexdigest()[:16]


@functools.cache
def layer_zip_path() -> Path:
    """The layer's zip, built on first use (atomically: pytest-xdist workers may race)."""
    target = Path(tempfile.gettempdir()) / f"lambda-sim-durable-layer-{_cache_key()}.zip"
    if not target.exists():
        staging = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        try:
            with zipfile.ZipFile(staging, "w", zipfile.ZIP_DEFLATED) as archive:
                for source, name in _sources():
                    archive.write(source, name)
            check_layer(staging)
            os.replace(staging, target)
        finally:
            staging.unlink(missing_ok=True)
    return target


def layer_zip() -> bytes:
    return layer_zip_path().read_bytes()


CHECK = """
import sys
import aws_durable_execution_sdk_python as sdk
import boto3, botocore
from aws_durable_execution_sdk_python.lambda_service import LambdaClient
for module in (sdk, boto3, botocore):
    assert module.__file__.startswith(sys.argv[1]), module.__file__
client = LambdaClient.initialize_client().client
for operation in ("checkpoint_durable_execution", "get_durable_execution_state"):
    assert hasattr(client, operation), operation
print(boto3.__version__)
"""


def check_layer(zip_path: Path) -> None:
    """Import the SDK from the layer alone (no site-packages) and make the lambda client it
    makes for a function; raise with the subprocess's output if that fails."""
    if zip_path.stat().st_size >= MAX_ZIP_BYTES:
        raise AssertionError(f"layer zip is {zip_path.stat().st_size} bytes, over Lambda's 50 MB")
    with tempfile.TemporaryDirectory() as folder:
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(folder)
        python = str(Path(folder) / "python")
        environment = {"PYTHONPATH": python, "AWS_REGION": "us-east-1",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test",
                       "AWS_SECRET_ACCESS_KEY": "test", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
        check = subprocess.run([sys.executable, "-S", "-s", "-c", CHECK, python],
                               env=environment, capture_output=True, text=True, timeout=120)
        if check.returncode != 0:
            raise AssertionError(f"the durable SDK layer does not work on its own:\n"
                                 f"{check.stdout}{check.stderr}")


def publish_layer(client: Any) -> str:
    """Publish the layer with a boto3 lambda client; its version's ARN."""
    response = client.publish_layer_version(
        LayerName=LAYER_NAME, Description="aws-durable-execution-sdk-python and boto3",
        Content={"ZipFile": layer_zip()}, CompatibleRuntimes=RUNTIMES)
    return str(response["LayerVersionArn"])
