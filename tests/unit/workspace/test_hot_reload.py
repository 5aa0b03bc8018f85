"""Hot reload with real file events on a temporary folder: a saved change is reported once, and
touches without change, editor leftovers, the simulator's own state folder, unwatched keys and
a stopped watcher report nothing."""

from __future__ import annotations

import errno
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from watchdog.observers.polling import PollingObserver

from simulator.functions.folder_checksum import file_digest, folder_digest
from simulator.workspace import hot_reload
from simulator.workspace.hot_reload import CodeWatcher
from tests.helpers import eventually

QUIET = 0.25  # long enough for an event, its debounce and a check to have happened


class Changes:
    """The keys the watcher reported, in order."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._lock = threading.Lock()
        self.fail = False

    def __call__(self, key: str) -> None:
        with self._lock:
            self.keys.append(key)
        if self.fail:
            raise RuntimeError("the reload itself broke")

    def seen(self) -> list[str]:
        with self._lock:
            return list(self.keys)


Start = Callable[..., CodeWatcher]


@pytest.fixture
def changes() -> Changes:
    return Changes()


@pytest.fixture
def start(changes: Changes) -> Iterator[Start]:
    watchers: list[CodeWatcher] = []

    def started(mode: str = "auto", ignored: Path | None = None) -> CodeWatcher:
        watcher = CodeWatcher(changes, mode, ignored=ignored)
        watchers.append(watcher)
        return watcher

    yield started
    for watcher in watchers:
        watcher.stop()


@pytest.fixture
def code(tmp_path: Path) -> Path:
    folder = (tmp_path / "src").resolve()
    folder.mkdir()
    (folder / "app.py").write_text("def handler(event, context):\n    return 1\n")
    return folder


def digest_of(folder: Path) -> Callable[[], str]:
    return lambda: folder_digest(folder)[0]


def test_a_saved_change_is_reported_once(start: Start, changes: Changes, code: Path) -> None:
    start().watch("function:fn", [code], digest_of(code))

    (code / "app.py").write_text("def handler(event, context):\n    return 2\n")

    assert eventually(lambda: changes.seen() == ["function:fn"])
    time.sleep(QUIET)
    assert changes.seen() == ["function:fn"]


def test_the_burst_of_events_of_one_editor_save_is_one_reload(
    start: Start, changes: Changes, code: Path
) -> None:
    start().watch("function:fn", [code], digest_of(code))

    # vim's save: probe the folder, keep a backup, write the file anew, drop the backup
    (code / "4913").write_text("")
    (code / "4913").unlink()
    (code / "app.py").rename(code / "app.py~")
    (code / "app.py").write_text("def handler(event, context):\n    return 2\n")
    (code / "app.py~").unlink()

    assert eventually(lambda: changes.seen() != [])
    time.sleep(QUIET)
    assert changes.seen() == ["function:fn"]


def test_a_touch_without_change_reloads_nothing(
    start: Start, changes: Changes, code: Path
) -> None:
    start().watch("function:fn", [code], digest_of(code))

    (code / "app.py").write_text((code / "app.py").read_text())
    (code / "app.py").touch()

    time.sleep(QUIET)
    assert changes.seen() == []


def test_editor_swap_files_and_bytecode_reload_nothing(
    start: Start, changes: Changes, code: Path
) -> None:
    start().watch("function:fn", [code], digest_of(code))

    (code / ".app.py.swp").write_text("swap")
    (code / "4913").write_text("")
    (code / "__pycache__").mkdir()
    (code / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\0")

    time.sleep(QUIET)
    assert changes.seen() == []


def test_churn_in_the_state_folder_reloads_nothing(
    start: Start, changes: Changes, code: Path
) -> None:
    state = code / "state"
    state.mkdir()
    # The project's digest counts the state folder, so only the watcher's rule keeps it out.
    start(ignored=state).watch("function:fn", [code], digest_of(code))

    (state / "functions.db").write_text("rows")

    time.sleep(QUIET)
    assert changes.seen() == []
    (code / "app.py").write_text("changed\n")
    assert eventually(lambda: changes.seen() == ["function:fn"])


def test_only_the_watches_whose_folders_hold_the_path_are_told(
    start: Start, changes: Changes, tmp_path: Path
) -> None:
    app = (tmp_path / "app").resolve()
    sibling = (tmp_path / "app2").resolve()  # shares the name's prefix, not the folder
    app.mkdir()
    sibling.mkdir()
    watcher = start()
    watcher.watch("function:app", [app], digest_of(app))
    watcher.watch("function:app2", [sibling], digest_of(sibling))

    (sibling / "app.py").write_text("changed\n")

    assert eventually(lambda: changes.seen() == ["function:app2"])
    time.sleep(QUIET)
    assert changes.seen() == ["function:app2"]


def test_a_layer_folder_shared_by_two_functions_reloads_both(
    start: Start, changes: Changes, tmp_path: Path
) -> None:
    layer, one, two = ((tmp_path / name).resolve() for name in ("layer", "one", "two"))
    for folder in (layer, one, two):
        folder.mkdir()
    watcher = start()
    watcher.watch("function:one", [one, layer], lambda: digest_of(one)() + digest_of(layer)())
    watcher.watch("function:two", [two, layer], lambda: digest_of(two)() + digest_of(layer)())

    (layer / "shared.py").write_text("VALUE = 1\n")

    assert eventually(lambda: sorted(changes.seen()) == ["function:one", "function:two"])


def test_an_unwatched_key_is_not_told(start: Start, changes: Changes, code: Path) -> None:
    watcher = start()
    watcher.watch("function:fn", [code], digest_of(code))

    watcher.unwatch("function:fn")
    (code / "app.py").write_text("changed\n")

    time.sleep(QUIET)
    assert changes.seen() == []


def test_a_change_pending_its_debounce_is_dropped_by_stop(
    start: Start, changes: Changes, code: Path
) -> None:
    version = ["a"]
    watcher = start()
    watcher.watch("function:fn", [code], lambda: version[0])

    version[0] = "b"
    watcher.touched(code / "app.py")
    watcher.stop()

    time.sleep(QUIET)
    assert changes.seen() == []


def test_a_folder_that_cannot_be_read_yet_is_checked_again_at_the_next_event(
    start: Start, changes: Changes, code: Path
) -> None:
    state = {"version": "a", "readable": True}

    def digest() -> str:
        if not state["readable"]:
            raise FileNotFoundError(errno.ENOENT, "being replaced", str(code))
        return str(state["version"])

    watcher = start()
    watcher.watch("function:fn", [code], digest)
    state.update(version="b", readable=False)
    watcher.touched(code / "app.py")
    time.sleep(QUIET)
    assert changes.seen() == []

    state["readable"] = True
    watcher.touched(code / "app.py")

    assert eventually(lambda: changes.seen() == ["function:fn"])


def test_a_reload_that_fails_does_not_stop_the_watching(
    start: Start, changes: Changes, code: Path
) -> None:
    changes.fail = True
    start().watch("function:fn", [code], digest_of(code))

    (code / "app.py").write_text("first\n")
    assert eventually(lambda: changes.seen() == ["function:fn"])
    (code / "app.py").write_text("second\n")

    assert eventually(lambda: changes.seen() == ["function:fn", "function:fn"])


def test_a_non_recursive_watch_sees_its_own_entries_only(
    start: Start, changes: Changes, code: Path
) -> None:
    template = code / "template.yaml"
    template.write_text("Resources: {}\n")
    (code / "nested").mkdir()
    start().watch("template", [code], digest_of(code), recursive=False)

    (code / "nested" / "deep.py").write_text("changed\n")
    time.sleep(QUIET)
    assert changes.seen() == []

    template.write_text("Resources: {Fn: {}}\n")
    assert eventually(lambda: changes.seen() == ["template"])


def test_polling_mode_reports_changes_too(start: Start, changes: Changes, code: Path) -> None:
    start(mode="polling").watch("template", [code], lambda: file_digest(code / "app.py"))

    (code / "app.py").write_text("changed\n")

    assert eventually(lambda: changes.seen() == ["template"], timeout=5)


class NoFileEvents(PollingObserver):
    """An observer whose start fails as one without file events would."""

    def start(self) -> None:
        raise OSError(errno.ENOSYS, "file events are not available here")


def test_auto_mode_falls_back_to_polling_when_file_events_cannot_start(
    start: Start, changes: Changes, code: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hot_reload, "Observer", NoFileEvents)

    start().watch("function:fn", [code], digest_of(code))
    (code / "app.py").write_text("changed\n")

    assert eventually(lambda: changes.seen() == ["function:fn"], timeout=5)


def test_events_mode_raises_when_file_events_cannot_start(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hot_reload, "Observer", NoFileEvents)

    with pytest.raises(OSError, match="not available"):
        start(mode="events")


class NoWatchesLeft(PollingObserver):
    """An observer that starts, then cannot watch a folder, as inotify at its watch limit."""

    def schedule(self, *args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")


def test_auto_mode_falls_back_to_polling_when_a_folder_cannot_be_watched(
    start: Start, changes: Changes, code: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hot_reload, "Observer", NoWatchesLeft)

    start().watch("function:fn", [code], digest_of(code))
    (code / "app.py").write_text("changed\n")

    assert eventually(lambda: changes.seen() == ["function:fn"], timeout=5)


def test_a_folder_under_a_tool_folder_is_watched_for_its_own_changes(
    start: Start, changes: Changes, tmp_path: Path
) -> None:
    built = tmp_path / ".aws-sam" / "build" / "Fn"  # what `sam build` makes
    built.mkdir(parents=True)
    (built / "app.py").write_text("first\n")
    start().watch("function:fn", [built], digest_of(built))

    (built / "app.py").write_text("changed\n")

    assert eventually(lambda: changes.seen() == ["function:fn"], timeout=5)
