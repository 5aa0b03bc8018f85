"""The runtimes' own files are found beside the package (or where an installed copy says),
and images are named per runtime."""

from __future__ import annotations

from simulator.executors.runtime_files import (
    RUNTIME_IMAGES_DIR,
    bootstrap_path,
    custom_entrypoint_path,
    image_name,
    node_launcher_path,
)


def test_each_runtime_s_image_has_a_name_of_its_own() -> None:
    assert image_name("python3.13") == "lambda-sim/python3.13:latest"
    assert image_name("provided.al2023") == "lambda-sim/provided.al2023:latest"


def test_the_files_the_executors_start_exist() -> None:
    assert RUNTIME_IMAGES_DIR.is_dir()
    for path in (bootstrap_path(), node_launcher_path(), custom_entrypoint_path()):
        assert path.is_file(), path
        assert path.is_relative_to(RUNTIME_IMAGES_DIR)
