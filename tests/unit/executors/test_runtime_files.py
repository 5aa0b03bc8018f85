"""The runtimes' own files are found beside the package (or where an installed copy says),
and images are named per runtime."""

from __future__ import annotations

from pathlib import Path

from simulator.executors.runtime_files import (
    RUNTIME_IMAGES_DIR,
    bootstrap_path,
    custom_entrypoint_path,
    image_name,
    node_launcher_path,
    python_sdk_folder,
)


def test_each_runtime_s_image_has_a_name_of_its_own() -> None:
    assert image_name("python3.13") == "lambda-sim/python3.13:latest"
    assert image_name("provided.al2023") == "lambda-sim/provided.al2023:latest"


def test_the_files_the_executors_start_exist() -> None:
    assert RUNTIME_IMAGES_DIR.is_dir()
    for path in (bootstrap_path(), node_launcher_path(), custom_entrypoint_path()):
        assert path.is_file(), path
        assert path.is_relative_to(RUNTIME_IMAGES_DIR)


def test_the_python_sdk_folder_links_the_sdk_and_nothing_else_of_this_environment(
        tmp_path: Path) -> None:
    folder = python_sdk_folder(tmp_path)
    again = python_sdk_folder(tmp_path)  # a second start finds the links there

    assert again == folder
    names = sorted(entry.name for entry in folder.iterdir())
    assert {"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3"} <= set(names)
    assert "flask" not in names and "moto" not in names
    assert all((folder / name).is_symlink() for name in names)
    assert (folder / "boto3" / "__init__.py").is_file()
