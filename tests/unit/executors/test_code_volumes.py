"""Shipping folders into volumes: once per content, anew when it changes, nothing half-made
left behind."""

from __future__ import annotations

import io
import os
import tarfile
import threading
import time
from pathlib import Path
from typing import IO, Any

import pytest
from docker.errors import APIError, NotFound

from simulator.executors.code_volumes import (
    FILL_MOUNT,
    FILLER_IMAGE,
    CodeVolumes,
    ShippingFailed,
    fingerprint,
    write_tar,
)

LABELS = {"lambda-sim.state-dir": "/state"}


class Engine:
    """The engine API calls CodeVolumes makes, recorded; each volume's received tar kept."""

    def __init__(self, refuse_archive: bool = False, slow: float = 0.0) -> None:
        self.images: set[str] = set()
        self.made: dict[str, dict[str, Any]] = {}  # volumes by name
        self.receivers: dict[str, str] = {}  # id -> the volume it mounts
        self.received: dict[str, bytes] = {}
        self.refuse_archive = refuse_archive
        self.slow = slow
        self.imports = 0
        self.removed_containers: list[str] = []

    def inspect_image(self, name: str) -> dict[str, str]:
        if name not in self.images:
            raise NotFound("no such image")
        return {"Id": name}

    def import_image_from_data(self, data: bytes, repository: str, tag: str) -> None:
        self.imports += 1
        self.images.add(f"{repository}:{tag}")

    def create_volume(self, name: str, labels: dict[str, str]) -> None:
        self.made[name] = {"Name": name, "Labels": labels}

    def create_host_config(self, **config: Any) -> dict[str, Any]:
        return config

    def create_container(self, image: str, host_config: dict[str, Any], **options: Any
                         ) -> dict[str, str]:
        assert image == FILLER_IMAGE
        container_id = f"c{len(self.receivers)}"
        self.receivers[container_id] = host_config["mounts"][0]["Source"]
        return {"Id": container_id}

    def put_archive(self, container: str, path: str, data: IO[bytes]) -> bool:
        assert path == FILL_MOUNT
        time.sleep(self.slow)
        if self.refuse_archive:
            raise APIError("no space left on device")
        self.received[self.receivers[container]] = data.read()
        return True

    def remove_container(self, container: str, force: bool) -> None:
        self.removed_containers.append(container)

    def remove_volume(self, name: str, force: bool) -> None:
        if name not in self.made:
            raise NotFound("no such volume")
        del self.made[name]

    def volumes(self, filters: dict[str, list[str]]) -> dict[str, Any]:
        wanted = dict(item.split("=", 1) for item in filters["label"])
        return {"Volumes": [v for v in self.made.values()
                            if wanted.items() <= v["Labels"].items()]}


def code(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "code"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def names_in(tar_bytes: bytes) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        return {member.name: member for member in tar.getmembers()}


def test_a_folder_is_shipped_once_and_mounted_read_only(tmp_path: Path) -> None:
    engine = Engine()
    volumes = CodeVolumes(engine, "/state", LABELS)
    folder = code(tmp_path, {"app.py": "x = 1", "pkg/mod.py": ""})

    first = volumes.mount("/var/task", folder)
    second = volumes.mount("/var/task", folder)

    assert first == second
    assert (first["Target"], first["Type"], first["ReadOnly"]) == ("/var/task", "volume", True)
    assert list(engine.made) == [first["Source"]]
    assert engine.made[first["Source"]]["Labels"] == LABELS
    members = names_in(engine.received[first["Source"]])
    assert set(members) == {"app.py", "pkg", "pkg/mod.py"}
    assert {(m.uid, m.gid) for m in members.values()} == {(0, 0)}
    assert engine.removed_containers == ["c0"]  # the receiving container is gone
    assert engine.imports == 1


def test_changed_code_ships_anew_under_another_volume(tmp_path: Path) -> None:
    engine = Engine()
    volumes = CodeVolumes(engine, "/state", LABELS)
    folder = code(tmp_path, {"app.py": "VERSION = 1"})
    before = volumes.mount("/var/task", folder)["Source"]
    (folder / "app.py").write_text("VERSION = 22")

    after = volumes.mount("/var/task", folder)["Source"]

    assert after != before
    with tarfile.open(fileobj=io.BytesIO(engine.received[after])) as tar:
        extracted = tar.extractfile("app.py")
        assert extracted is not None and extracted.read() == b"VERSION = 22"


def test_two_simulators_on_one_engine_name_their_volumes_apart(tmp_path: Path) -> None:
    folder = code(tmp_path, {"app.py": ""})
    engine = Engine()
    one = CodeVolumes(engine, "/state-one", LABELS).mount("/var/task", folder)
    two = CodeVolumes(engine, "/state-two", LABELS).mount("/var/task", folder)
    assert one["Source"] != two["Source"]


def test_starts_at_once_on_new_code_ship_it_once(tmp_path: Path) -> None:
    engine = Engine(slow=0.05)
    volumes = CodeVolumes(engine, "/state", LABELS)
    folder = code(tmp_path, {"app.py": ""})
    mounts: list[Any] = []
    threads = [threading.Thread(target=lambda: mounts.append(
        volumes.mount("/var/task", folder))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(mounts) == 4 and len({m["Source"] for m in mounts}) == 1
    assert len(engine.received) == 1


def test_a_refused_shipment_leaves_no_volume_and_is_tried_again(tmp_path: Path) -> None:
    engine = Engine(refuse_archive=True)
    volumes = CodeVolumes(engine, "/state", LABELS)
    folder = code(tmp_path, {"app.py": ""})

    with pytest.raises(ShippingFailed, match="could not ship"):
        volumes.mount("/var/task", folder)
    assert engine.made == {} and engine.removed_containers == ["c0"]

    engine.refuse_archive = False
    assert volumes.mount("/var/task", folder)["Source"] in engine.made


def test_remove_all_removes_this_simulators_volumes_only(tmp_path: Path) -> None:
    engine = Engine()
    engine.create_volume("someone-elses", labels={"other": "1"})
    volumes = CodeVolumes(engine, "/state", LABELS)
    volumes.mount("/var/task", code(tmp_path, {"app.py": ""}))

    volumes.remove_all()

    assert list(engine.made) == ["someone-elses"]


def test_the_fingerprint_leaves_out_the_excluded_folder(tmp_path: Path) -> None:
    folder = code(tmp_path, {"app.py": "", ".lambda-sim/functions.db": "1"})
    state = folder / ".lambda-sim"
    before = fingerprint(folder, state)
    (state / "functions.db").write_text("22")
    assert fingerprint(folder, state) == before
    assert fingerprint(folder) != before


def test_the_tar_keeps_modes_and_links_but_not_the_excluded_folder(tmp_path: Path) -> None:
    folder = code(tmp_path, {"bootstrap": "#!/bin/sh", ".lambda-sim/x": ""})
    (folder / "bootstrap").chmod(0o755)
    os.symlink("bootstrap", folder / "run")
    archive = io.BytesIO()

    write_tar(folder, archive, folder / ".lambda-sim")

    members = names_in(archive.getvalue())
    assert set(members) == {"bootstrap", "run"}
    assert members["bootstrap"].mode & 0o777 == 0o755
    assert members["run"].issym() and members["run"].linkname == "bootstrap"
