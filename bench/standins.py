"""Images the peers expect from a registry, built here from the offline Debian base instead.
Each carries a label with the hash of its inputs: a rebuild happens only when they change, and
an image without the label (the real one, if a machine has it) is used as it is."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import docker.errors

from bench.target import Say, TargetUnavailable, docker_client

BASE_IMAGE = "lambda-sim/base:bookworm"
IMAGES_DIR = Path(__file__).resolve().parent / "images"
LABEL = "lambda-bench.stand-in"
AWSLAMBDARIC_TARGET = ["--only-binary=:all:", "--platform", "manylinux2014_x86_64",
                       "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311"]

Prepare = Callable[[Path], None]


def ensure_base(say: Say) -> None:
    """The Debian base our own runtime images build on (debootstrap + docker import)."""
    if _label_of(BASE_IMAGE) is not None:
        return
    say(f"building {BASE_IMAGE} (lambda-sim images build --offline python3.11)")
    subprocess.run([sys.executable, "-m", "simulator.cli", "images", "build", "--offline",
                    "python3.11"], capture_output=True)
    if _label_of(BASE_IMAGE) is None:
        raise TargetUnavailable(f"no {BASE_IMAGE} image: the offline build failed")


def ensure(tag: str, folder: str, say: Say, prepare: Prepare | None = None,
           extra_inputs: tuple[Path, ...] = ()) -> str:
    """Build `tag` from `images/<folder>/` unless an image with the same inputs is there.
    `prepare` adds generated files to the build context. Returns what was done."""
    ensure_base(say)
    source = IMAGES_DIR / folder
    digest = _inputs_hash([*sorted(source.iterdir()), *extra_inputs])
    found = _label_of(tag)
    if found is not None and found.get(LABEL) in (digest, None):
        return "real image found" if found.get(LABEL) is None else "stand-in reused"
    say(f"building stand-in image {tag}")
    with tempfile.TemporaryDirectory(prefix="bench-image-") as context:
        shutil.copytree(source, context, dirs_exist_ok=True)
        if prepare is not None:
            prepare(Path(context))
        try:
            docker_client().images.build(path=context, tag=tag, rm=True, network_mode="none",
                                         buildargs={"BASE_IMAGE": BASE_IMAGE},
                                         labels={LABEL: digest})
        except (docker.errors.BuildError, docker.errors.APIError) as error:
            raise TargetUnavailable(f"could not build {tag}: {error}") from None
    return "stand-in built"


def awslambdaric_into(runtime_dir: Path) -> None:
    """The official runtime client from its manylinux wheel, unpacked into `runtime_dir`."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--target", str(runtime_dir),
         *AWSLAMBDARIC_TARGET, "awslambdaric"], capture_output=True, text=True)
    if done.returncode != 0:
        raise TargetUnavailable("could not fetch awslambdaric: "
                                + (done.stderr.strip().splitlines() or ["?"])[-1])


def _inputs_hash(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _label_of(tag: str) -> dict[str, str] | None:
    """The image's labels ({} when none), or None when there is no such image."""
    try:
        image = docker_client().images.get(tag)
    except docker.errors.ImageNotFound:
        return None
    return dict(image.labels or {})
