"""Where the runtimes' own files live (bootstraps, launchers, Dockerfiles) and what their
images are called. Apart from the image builder so that running functions as processes does
not load the Docker SDK."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

# Beside the package in a checkout; an installed copy says where its folder is.
RUNTIME_IMAGES_DIR = Path(os.environ.get("LAMBDA_SIM_RUNTIME_IMAGES")
                          or Path(__file__).resolve().parents[2] / "runtime_images")


def image_name(runtime: str) -> str:
    return f"lambda-sim/{runtime}:latest"


def bootstrap_path() -> Path:
    """The Python runtime's bootstrap, which the process executor runs with a host Python."""
    return RUNTIME_IMAGES_DIR / "python" / "bootstrap.py"


def node_launcher_path() -> Path:
    """The Node.js runtime's launcher (sizes V8's heap, then runs bootstrap.js), which the
    process executor runs with the host's `node` on the PATH."""
    return RUNTIME_IMAGES_DIR / "nodejs" / "bootstrap.sh"


def custom_entrypoint_path() -> Path:
    """The custom runtimes' entrypoint, which starts the function's own `bootstrap`."""
    return RUNTIME_IMAGES_DIR / "provided" / "entrypoint.sh"


# The AWS SDK for Python, as AWS's Python runtimes carry it (and the runtime images vendor it).
SDK_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


def python_sdk_folder(root: Path) -> Path:
    """A folder of links to the SDK's packages this simulator runs with, for the process
    executor's Python functions: the SDK on their path, and nothing else of the simulator's
    environment. A package this environment lacks is left out."""
    folder = root / "python-sdk"
    folder.mkdir(parents=True, exist_ok=True)
    for name in SDK_PACKAGES:
        found = importlib.util.find_spec(name)
        if found is None or found.origin is None:
            continue
        origin = Path(found.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        link = folder / source.name
        if not link.is_symlink():
            try:
                link.symlink_to(source)
            except FileExistsError:  # made meanwhile by another start
                pass
    return folder
