"""Code and layers shipped to an engine on another machine, which cannot bind-mount our
folders: each folder's content goes, once, into a Docker volume of its own (through the
engine's API: a tar put into a created, never started, container that mounts the volume),
and function containers mount that volume read-only where they would have bind-mounted the
folder. The container receiving the tar is made from an empty image of ours, imported once:
on any storage driver it costs next to nothing to create, unlike one of a runtime image.

A volume is named by a fingerprint of the folder's files (their paths, sizes, times and
modes), so a new code version (an update, a hot reload) ships anew and an unchanged one is
shipped once however many environments start on it."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tarfile
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

from docker.errors import DockerException, NotFound
from docker.types import Mount
from requests.exceptions import RequestException

log = logging.getLogger(__name__)

FILL_MOUNT = "/var/lambda-sim-fill"
FILLER_IMAGE = "lambda-sim/volume-filler:empty"
VOLUME_PREFIX = "lambda-sim-code-"
# A tar smaller than this is built in memory; a larger one spills to a temporary file.
IN_MEMORY_TAR_BYTES = 16 * 1024 * 1024


class ShippingFailed(Exception):
    """The engine would not take a folder's content."""


def fingerprint(folder: Path, excluded: Path | None = None) -> str:
    """What a folder holds, cheaply: each entry's relative path, size, modification time and
    mode (a file's content is not read). `excluded` and what is under it are left out."""
    digest = hashlib.sha256()
    for relative, status, link in _entries(folder, excluded):
        digest.update(f"{relative}\0{status.st_size}\0{status.st_mtime_ns}\0"
                      f"{status.st_mode}\0{link or ''}\n".encode(errors="surrogateescape"))
    return digest.hexdigest()[:24]


def write_tar(folder: Path, stream: IO[bytes], excluded: Path | None = None) -> None:
    """The folder's content as a tar, owned by root (as a host folder's files are not the
    runtime user's to change) with the modes they have here."""
    with tarfile.open(fileobj=stream, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for relative, _, _ in _entries(folder, excluded):
            path = folder / relative
            try:
                info = tar.gettarinfo(str(path), arcname=relative)
            except FileNotFoundError:  # gone meanwhile (an editor's save)
                continue
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if info.isfile():
                try:
                    with path.open("rb") as content:
                        tar.addfile(info, content)
                except FileNotFoundError:
                    continue
            else:
                tar.addfile(info)


def _entries(folder: Path, excluded: Path | None
             ) -> list[tuple[str, os.stat_result, str | None]]:
    """Every entry under `folder`, sorted, with its lstat and a symbolic link's target."""
    found: list[tuple[str, os.stat_result, str | None]] = []
    skip = excluded.resolve() if excluded is not None else None
    for root, folders, files in os.walk(folder):
        here = Path(root)
        folders[:] = sorted(name for name in folders
                            if skip is None or (here / name).resolve() != skip)
        for name in [*folders, *sorted(files)]:
            path = here / name
            try:
                status = path.lstat()
                link = os.readlink(path) if path.is_symlink() else None
            except FileNotFoundError:
                continue
            found.append((path.relative_to(folder).as_posix(), status, link))
    return found


class CodeVolumes:
    """The volumes this simulator filled on one engine, by fingerprint. Safe to use from
    many threads: a folder being shipped is shipped once while others wait for it."""

    def __init__(self, api: Any, owner: str, labels: dict[str, str],
                 excluded: Path | None = None) -> None:
        self._api = api
        # Volume names are the engine's, shared by every simulator using it: each names its
        # own after its owner (its state folder).
        self._prefix = VOLUME_PREFIX + hashlib.sha256(owner.encode()).hexdigest()[:8] + "-"
        self._labels = labels
        self._excluded = excluded
        self._lock = threading.Lock()
        self._filled: dict[str, threading.Event] = {}
        self._filler_lock = threading.Lock()
        self._filler_ready = False

    def mount(self, target: str, folder: Path) -> Mount:
        """A read-only mount of the folder's content at `target`; the first use of a content
        ships it."""
        name = self._prefix + fingerprint(folder, self._excluded)
        with self._lock:
            filled = self._filled.get(name)
            shipping = filled is None
            if shipping:
                filled = self._filled[name] = threading.Event()
        assert filled is not None
        if shipping:
            try:
                self._fill(name, folder)
            except ShippingFailed:
                with self._lock:
                    del self._filled[name]
                raise
            finally:
                filled.set()
        else:
            filled.wait()
            with self._lock:
                if name not in self._filled:
                    raise ShippingFailed(f"shipping {folder} to the engine failed")
        return Mount(target, name, type="volume", read_only=True, no_copy=True)

    def remove_all(self) -> None:
        """Remove every volume of this simulator's (its labels), this run's and earlier ones'.
        One still mounted by a container stays, with a line in the log."""
        with self._lock:
            self._filled.clear()
        filters = {"label": [f"{key}={value}" for key, value in self._labels.items()]}
        try:
            volumes = self._api.volumes(filters=filters).get("Volumes") or []
        except (DockerException, RequestException) as error:
            log.warning("could not list the code volumes to remove: %s", error)
            return
        for volume in volumes:
            self._remove_volume(volume["Name"])

    def _fill(self, name: str, folder: Path) -> None:
        helper = ""
        try:
            image = self._filler_image()
            self._api.create_volume(name, labels=self._labels)
            host_config = self._api.create_host_config(
                mounts=[Mount(FILL_MOUNT, name, type="volume")], network_mode="none")
            helper = str(self._api.create_container(
                image, command=["true"], entrypoint=[], labels=self._labels,
                host_config=host_config, network_disabled=True)["Id"])
            with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_TAR_BYTES) as archive:
                write_tar(folder, archive, self._excluded)
                archive.seek(0)
                accepted = self._api.put_archive(helper, FILL_MOUNT, archive)
        except (DockerException, RequestException, OSError) as error:
            accepted = False
            problem = f"could not ship {folder} to the engine: {error}"
        else:
            problem = f"the engine refused the content of {folder}"
        finally:
            if helper:
                self._remove_helper(helper)
        if not accepted:
            self._remove_volume(name)  # half filled: never mounted
            raise ShippingFailed(problem)
        log.debug("shipped %s into the volume %s", folder, name)

    def _filler_image(self) -> str:
        """The empty image the receiving containers are made from, imported if missing
        (nothing in it is ever run)."""
        with self._filler_lock:
            if not self._filler_ready:
                try:
                    self._api.inspect_image(FILLER_IMAGE)
                except NotFound:
                    empty = io.BytesIO()
                    tarfile.open(fileobj=empty, mode="w").close()
                    repository, tag = FILLER_IMAGE.split(":")
                    self._api.import_image_from_data(empty.getvalue(), repository=repository,
                                                     tag=tag)
                self._filler_ready = True
        return FILLER_IMAGE

    def _remove_volume(self, name: str) -> None:
        try:
            self._api.remove_volume(name, force=True)
        except NotFound:
            pass
        except (DockerException, RequestException) as error:
            log.warning("could not remove the code volume %s: %s", name, error)

    def _remove_helper(self, helper: str) -> None:
        try:
            self._api.remove_container(helper, force=True)
        except (DockerException, RequestException) as error:
            log.warning("could not remove the container %s that filled a volume: %s",
                        helper[:12], error)
