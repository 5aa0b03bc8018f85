"""The code store: uploaded zips are checked like AWS checks them and unpacked once per hash."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from simulator.errors import InvalidParameterValueException
from simulator.functions.code_store import MAX_UNZIPPED_BYTES, CodeStore

Entry = tuple[str, bytes, int]  # name, content, st_mode (type and permission bits)


def regular(name: str, content: bytes | str = b"", mode: int = 0o644) -> Entry:
    data = content.encode() if isinstance(content, str) else content
    return name, data, stat.S_IFREG | mode


def directory(name: str, mode: int = 0o755) -> Entry:
    return name.rstrip("/") + "/", b"", stat.S_IFDIR | mode


def symlink(name: str, target: str) -> Entry:
    return name, target.encode(), stat.S_IFLNK | 0o777


def make_zip(*entries: Entry) -> bytes:
    """A zip written the way `zip` on Unix writes it: mode bits in the external attributes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.create_system = 3  # Unix
            info.external_attr = mode << 16
            if stat.S_ISDIR(mode):
                info.external_attr |= 0x10  # MS-DOS directory flag
            archive.writestr(info, data)
    return buffer.getvalue()


def declare_unpacked_size(zip_bytes: bytes, size: int) -> bytes:
    """Rewrite every header's uncompressed size, as a zip bomb's headers would read."""
    data = bytearray(zip_bytes)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start != -1:
            struct.pack_into("<I", data, start + offset, size)
            start = data.find(signature, start + 4)
    return bytes(data)


def permissions(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def store_root(tmp_path: Path) -> Path:
    return tmp_path / "code"


@pytest.fixture
def store(store_root: Path) -> CodeStore:
    return CodeStore(store_root)


def assert_refused(store: CodeStore, zip_bytes: bytes) -> InvalidParameterValueException:
    """The upload is refused as a client error, and the store holds nothing afterwards."""
    with pytest.raises(InvalidParameterValueException) as caught:
        store.store(zip_bytes)
    assert caught.value.status == 400
    assert list(store.root.iterdir()) == []
    return caught.value


# -- good uploads -----------------------------------------------------------------------------


def test_good_zip_unpacks_its_files(store: CodeStore) -> None:
    stored = store.store(
        make_zip(
            regular("app.py", "def handler(event, context):\n    return 1\n"),
            regular("pkg/__init__.py", ""),
            regular("pkg/data.json", '{"a": 1}'),
        )
    )

    assert (stored.directory / "app.py").read_text().startswith("def handler")
    assert (stored.directory / "pkg" / "data.json").read_text() == '{"a": 1}'
    assert (stored.directory / "pkg" / "__init__.py").is_file()


def test_files_are_world_readable_and_only_executables_are_executable(store: CodeStore) -> None:
    stored = store.store(
        make_zip(
            regular("private.py", "x = 1\n", mode=0o600),
            regular("wide_open.py", "x = 2\n", mode=0o666),
            regular("bin/tool", "#!/bin/sh\necho hi\n", mode=0o700),
        )
    )

    assert permissions(stored.directory / "private.py") == 0o644
    assert permissions(stored.directory / "wide_open.py") == 0o644
    assert permissions(stored.directory / "bin" / "tool") == 0o755


def test_directories_are_0755_whether_listed_or_implied(store: CodeStore) -> None:
    stored = store.store(
        make_zip(
            directory("listed", mode=0o700),
            regular("listed/a.py"),
            regular("implied/deeper/b.py"),
        )
    )

    assert permissions(stored.directory) == 0o755
    assert permissions(stored.directory / "listed") == 0o755
    assert permissions(stored.directory / "implied") == 0o755
    assert permissions(stored.directory / "implied" / "deeper") == 0o755


def test_zip_without_unix_modes_gets_readable_files(store: CodeStore) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("app.py")
        info.create_system = 0  # MS-DOS: no Unix mode bits
        archive.writestr(info, "x = 1\n")

    stored = store.store(buffer.getvalue())

    assert permissions(stored.directory / "app.py") == 0o644


def test_same_bytes_land_in_the_same_folder_with_the_same_sha(store: CodeStore) -> None:
    zip_bytes = make_zip(regular("app.py", "x = 1\n"))

    first = store.store(zip_bytes)
    second = store.store(zip_bytes)

    expected_sha = base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode()
    assert first.sha256 == second.sha256 == expected_sha
    assert first.directory == second.directory
    assert first.size == second.size == len(zip_bytes)
    assert [p.name for p in store.root.iterdir() if p.is_dir()] == [first.directory.name]


def test_different_bytes_land_in_different_folders(store: CodeStore) -> None:
    first = store.store(make_zip(regular("app.py", "x = 1\n")))
    second = store.store(make_zip(regular("app.py", "x = 2\n")))

    assert first.directory != second.directory
    assert first.sha256 != second.sha256
    assert (first.directory / "app.py").read_text() == "x = 1\n"
    assert (second.directory / "app.py").read_text() == "x = 2\n"


def test_the_uploaded_zip_is_kept_for_get_function(store: CodeStore) -> None:
    zip_bytes = make_zip(regular("app.py", "x = 1\n"))

    stored = store.store(zip_bytes)

    assert store.zip_path(stored.directory).read_bytes() == zip_bytes


def test_symlink_inside_the_archive_is_kept(store: CodeStore) -> None:
    stored = store.store(
        make_zip(
            regular("app.py", "x = 1\n"),
            regular("pkg/real.py", "y = 2\n"),
            symlink("alias.py", "app.py"),
            symlink("pkg/up.py", "../app.py"),
            symlink("linked_pkg", "pkg"),
        )
    )

    assert os.readlink(stored.directory / "alias.py") == "app.py"
    assert (stored.directory / "alias.py").read_text() == "x = 1\n"
    assert (stored.directory / "pkg" / "up.py").read_text() == "x = 1\n"
    assert (stored.directory / "linked_pkg" / "real.py").read_text() == "y = 2\n"


# -- hostile or broken uploads ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../evil.py", "pkg/../../evil.py", "..\\evil.py", "pkg/../../../evil.py"],
)
def test_path_traversal_is_refused(store: CodeStore, tmp_path: Path, name: str) -> None:
    error = assert_refused(store, make_zip(regular("app.py"), regular(name, "boom")))

    assert "outside" in error.message
    assert list(tmp_path.rglob("evil.py")) == []


def test_absolute_path_is_refused(store: CodeStore, tmp_path: Path) -> None:
    target = tmp_path / "evil.py"

    error = assert_refused(store, make_zip(regular("app.py"), regular(str(target), "boom")))

    assert "outside" in error.message
    assert not target.exists()


@pytest.mark.parametrize("target", ["/etc/passwd", "../../outside", "pkg/../../outside"])
def test_symlink_pointing_outside_is_refused(store: CodeStore, target: str) -> None:
    assert_refused(store, make_zip(regular("app.py"), symlink("link", target)))


def test_file_written_through_a_symlinked_folder_outside_is_refused(
    store: CodeStore, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()

    assert_refused(
        store, make_zip(symlink("escape", str(outside)), regular("escape/evil.py", "boom"))
    )

    assert list(outside.iterdir()) == []


def test_symlink_that_escapes_only_through_later_symlinks_is_refused(store: CodeStore) -> None:
    # `link` resolves inside while a..p do not exist yet; once each of them is a link to
    # ".", the sixteen ".." climb out of the code folder to /etc/passwd.
    hops = "abcdefghijklmnop"
    target = "/".join(hops) + "/.." * len(hops) + "/etc/passwd"

    assert_refused(store, make_zip(symlink("link", target), *(symlink(hop, ".") for hop in hops)))


def test_zip_bomb_over_the_unzipped_limit_is_refused(store: CodeStore) -> None:
    bomb = declare_unpacked_size(make_zip(regular("zeros.bin", bytes(1024))), 263_000_000)

    error = assert_refused(store, bomb)

    assert error.message == "Unzipped size must be smaller than 262144000 bytes"


def test_members_adding_up_over_the_unzipped_limit_are_refused(store: CodeStore) -> None:
    half = MAX_UNZIPPED_BYTES // 2 + 1
    bomb = declare_unpacked_size(
        make_zip(regular("a.bin", bytes(16)), regular("b.bin", bytes(16))), half
    )

    error = assert_refused(store, bomb)

    assert error.message == "Unzipped size must be smaller than 262144000 bytes"


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04" + b"\0" * 40])
def test_not_a_zip_is_refused(store: CodeStore, data: bytes) -> None:
    error = assert_refused(store, data)

    assert error.message.startswith("Could not unzip uploaded file.")


def test_empty_zip_is_refused(store: CodeStore) -> None:
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()

    assert_refused(store, buffer.getvalue())


def test_zip_with_a_corrupt_member_is_refused(store: CodeStore) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("app.py", "print('hello world')\n")
    corrupt = buffer.getvalue().replace(b"hello world", b"jello world")

    assert_refused(store, corrupt)


def test_zip_with_a_file_where_a_folder_must_go_is_refused(store: CodeStore) -> None:
    assert_refused(store, make_zip(regular("lib", "x"), regular("lib/mod.py", "y")))


# -- garbage collection -----------------------------------------------------------------------


def test_collect_removes_code_no_function_refers_to(store: CodeStore) -> None:
    kept = store.store(make_zip(regular("app.py", "x = 1\n")))
    dropped = store.store(make_zip(regular("app.py", "x = 2\n")))

    store.collect({kept.directory})

    assert (kept.directory / "app.py").is_file()
    assert store.zip_path(kept.directory).is_file()
    assert not dropped.directory.exists()
    assert not store.zip_path(dropped.directory).exists()


def test_collect_with_nothing_referenced_empties_the_store(store: CodeStore) -> None:
    store.store(make_zip(regular("app.py", "x = 1\n")))

    store.collect(set())

    assert list(store.root.iterdir()) == []


def test_collected_code_can_be_stored_again(store: CodeStore) -> None:
    zip_bytes = make_zip(regular("app.py", "x = 1\n"))
    store.store(zip_bytes)
    store.collect(set())

    stored = store.store(zip_bytes)

    assert (stored.directory / "app.py").read_text() == "x = 1\n"


def test_the_package_of_uploaded_code_is_the_zip_that_was_uploaded(store: CodeStore) -> None:
    uploaded = make_zip(regular("app.py", "def handler(e, c): return 1\n"))
    stored = store.store(uploaded)
    assert store.package(stored.directory) == uploaded


def test_the_package_of_a_local_folder_is_that_folder_zipped(store: CodeStore,
                                                              tmp_path: Path) -> None:
    folder = tmp_path / "src"
    (folder / "lib").mkdir(parents=True)
    (folder / "app.py").write_text("import lib.util\n")
    (folder / "lib" / "util.py").write_text("VALUE = 1\n")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"bytecode")

    with zipfile.ZipFile(io.BytesIO(store.package(folder))) as archive:
        assert sorted(archive.namelist()) == ["app.py", "lib/util.py"]
        assert archive.read("lib/util.py") == b"VALUE = 1\n"
