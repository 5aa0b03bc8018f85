"""Which platform a function's requirements are installed for, and the pip options that pick
its wheels; the installs themselves, by a real pip, are in
tests/e2e/test_requirements_install.py."""

from __future__ import annotations

from simulator.workspace.requirements import TargetPlatform, host_architecture


def test_only_python_runtimes_install_requirements() -> None:
    assert TargetPlatform.of("nodejs20.x", "x86_64") is None
    assert TargetPlatform.of("provided.al2023", "arm64") is None
    native = TargetPlatform.of("python3.12", "arm64", native=True)
    assert native is not None and native.architecture == host_architecture()


def test_the_options_ask_for_binary_wheels_of_the_runtimes_python_and_machine() -> None:
    target = TargetPlatform.of("python3.13", "arm64")
    assert target is not None
    options = target.pip_options()
    assert options[options.index("--python-version") + 1] == "3.13"
    assert "--only-binary=:all:" in options
    assert ["--abi", "cp313"] == options[options.index("--abi"):options.index("--abi") + 2]
    platforms = [options[i + 1] for i, word in enumerate(options) if word == "--platform"]
    assert platforms and all(name.endswith("_aarch64") for name in platforms)
    assert "manylinux2014_aarch64" in platforms
