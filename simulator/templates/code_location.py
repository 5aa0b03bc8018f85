"""Where a function's code lives: a local folder, a local .zip, or inline source text.

Paths are taken relative to the template's folder, as SAM does, and a function without any
CodeUri takes that folder itself. Code in S3 or in a container image cannot be had locally."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.templates.specs import TemplateError


@dataclass(frozen=True)
class CodeLocation:
    folder: Path | None = None
    archive: Path | None = None
    inline: str | None = None


class RemoteCode(Exception):
    """The code is somewhere the simulator cannot fetch from; the message says where."""


def local_code(location: Any, template_dir: Path, where: str) -> CodeLocation:
    """The folder or .zip `location` names. RemoteCode for S3, TemplateError for a path that
    is missing or is neither a folder nor a .zip."""
    if isinstance(location, dict) or (isinstance(location, str) and location.startswith("s3:")):
        raise RemoteCode(f"its code is in S3 ({location})")
    if not isinstance(location, str) or not location:
        raise RemoteCode(f"its code location {location!r} is not a local path")
    path = (template_dir / location).resolve()
    if path.is_dir():
        return CodeLocation(folder=path)
    if path.is_file() and path.suffix.lower() == ".zip":
        return CodeLocation(archive=path)
    if path.is_file():
        raise TemplateError(
            f"{where} is {location!r}, a file that is not a .zip; point it at the code's folder "
            "or at a .zip of it"
        )
    raise TemplateError(
        f"{where} is {location!r}, but {path} does not exist; create the folder or fix the path"
    )
