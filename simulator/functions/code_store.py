"""Function code on disk: each uploaded zip, checked and unpacked once into a folder named by
its hash, which environments mount read-only at /var/task."""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import os
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from simulator.errors import InvalidParameterValueException, ServiceException
from simulator.functions.atomic_folders import build_folder

MAX_UNZIPPED_BYTES = 262_144_000
MAX_ZIPPED_BYTES = 50 * 1024 * 1024
UNZIP_FAILED = "Could not unzip uploaded file. Please check your file, then try to upload again."


@dataclass(frozen=True)
class StoredCode:
    sha256: str  # base64, as the API reports CodeSha256
    size: int
    directory: Path


class CodeStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def store(self, zip_bytes: bytes) -> StoredCode:
        """Check and unpack a zip; the same bytes twice land in the same folder."""
        digest = hashlib.sha256(zip_bytes)
        target = self.root / digest.hexdigest()

        def fill(staging: Path) -> None:
            unpack(zip_bytes, staging)
            target.with_suffix(".zip").write_bytes(zip_bytes)

        build_folder(target, fill)
        return StoredCode(base64.b64encode(digest.digest()).decode(), len(zip_bytes), target)

    def zip_path(self, code_dir: Path) -> Path:
        return code_dir.with_suffix(".zip")

    def package(self, code_dir: Path) -> bytes:
        """The function's deployment package: the zip that was uploaded, or, for code that
        lives in a local folder (a template's CodeUri), that folder zipped now."""
        uploaded = self.zip_path(code_dir)
        if code_dir.parent.resolve() == self.root.resolve() and uploaded.is_file():
            return uploaded.read_bytes()
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(code_dir.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    archive.write(path, path.relative_to(code_dir).as_posix())
        return packed.getvalue()

    def collect(self, referenced: set[Path]) -> None:
        """Remove unpacked code no function refers to any more."""
        for entry in self.root.iterdir():
            folder = entry.with_suffix("") if entry.suffix == ".zip" else entry
            if folder not in referenced:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


def unpack(zip_bytes: bytes, target: Path) -> None:
    """Extract with the checks AWS makes: a real zip, not over 250 MB unpacked, and nothing
    that lands outside the folder (`..`, absolute paths, escaping symlinks)."""
    try:
        _extract(zip_bytes, target)
    except InvalidParameterValueException:
        raise
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ServiceException(f"No space left to store the code: {error}") from error
        raise InvalidParameterValueException(UNZIP_FAILED) from None
    except (zipfile.BadZipFile, EOFError, RuntimeError, ValueError, zlib.error):
        raise InvalidParameterValueException(UNZIP_FAILED) from None


def _extract(zip_bytes: bytes, target: Path) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
    except (zipfile.BadZipFile, ValueError):
        raise InvalidParameterValueException(UNZIP_FAILED) from None
    with archive:
        members = archive.infolist()
        if not members:
            raise InvalidParameterValueException("Uploaded file must be a non-empty zip")
        if sum(member.file_size for member in members) >= MAX_UNZIPPED_BYTES:
            raise InvalidParameterValueException(
                f"Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes"
            )
        target.mkdir(parents=True)
        root = target.resolve()
        written = 0
        links: list[tuple[Path, str, str]] = []
        for member in members:
            destination = _destination(root, member.filename)
            mode = member.external_attr >> 16
            if member.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            if stat.S_ISLNK(mode):
                links.append((destination, archive.read(member).decode(errors="replace"),
                              member.filename))
                continue
            with archive.open(member) as source, open(destination, "wb") as sink:
                while block := source.read(1 << 20):
                    written += len(block)
                    if written >= MAX_UNZIPPED_BYTES:
                        raise InvalidParameterValueException(
                            f"Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes"
                        )
                    sink.write(block)
            destination.chmod(0o755 if mode & 0o111 else 0o644)
        # Links last, so no file is ever written through one; then every link is checked
        # where it finally points, which catches chains of links that only escape together.
        for destination, link, _ in links:
            os.symlink(link, destination)
        for destination, _, name in links:
            _check_inside(root, destination, name)
        for directory, _, _ in os.walk(root):
            os.chmod(directory, 0o755)


def _destination(root: Path, name: str) -> Path:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise InvalidParameterValueException(
            f"Could not unzip uploaded file: the entry {name!r} points outside the archive."
        )
    destination = root / Path(*path.parts) if path.parts else root
    _check_inside(root, destination, name)
    return destination


def _check_inside(root: Path, path: Path, name: str) -> None:
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        raise InvalidParameterValueException(
            f"Could not unzip uploaded file: the entry {name!r} points outside the archive."
        )
