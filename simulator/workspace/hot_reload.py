"""Hot reload: watchdog reports file events under watched folders; after a short debounce the
folder's checksum decides whether anything really changed, and only then the owner is told.
Editor temp files, touch-without-change and bursts of events from one save reload nothing."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from simulator.functions.folder_checksum import is_ignored

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.03
POLL_INTERVAL_SECONDS = 0.2

Digest = Callable[[], str]
OnChange = Callable[[str], None]


class _Watch:
    def __init__(self, key: str, folders: list[Path], digest: Digest) -> None:
        self.key = key
        self.folders = [folder.resolve() for folder in folders]
        self.digest = digest
        self.last = digest()
        self.timer: threading.Timer | None = None


class CodeWatcher:
    """`mode`: `events` (inotify and friends), `polling` (works across Docker Desktop and
    Colima mounts, where events don't cross), or `auto` (events)."""

    def __init__(self, on_change: OnChange, mode: str = "auto",
                 ignored: Path | None = None) -> None:
        self._on_change = on_change
        self._ignored = ignored  # the state dir: its churn (standby folders, code) is ours
        self._mode = mode
        self._polling = mode == "polling"
        self._observer: BaseObserver = (
            PollingObserver(timeout=POLL_INTERVAL_SECONDS) if mode == "polling" else Observer()
        )
        try:
            self._observer.start()
        except OSError as error:
            self._fall_back_to_polling(error)
        self._watches: dict[str, _Watch] = {}
        self._scheduled: set[tuple[Path, bool]] = set()
        self._lock = threading.Lock()

    def watch(self, key: str, folders: list[Path], digest: Digest,
              recursive: bool = True) -> None:
        """(Re)watch `folders` for `key`; `digest` summarises what counts as a change. A
        template needs only its own folder's entries, not everything under it."""
        watch = _Watch(key, folders, digest)
        with self._lock:
            self._watches[key] = watch
            for folder in watch.folders:
                if (folder, recursive) not in self._scheduled and folder.is_dir():
                    self._schedule(folder, recursive)
                    self._scheduled.add((folder, recursive))

    def _schedule(self, folder: Path, recursive: bool) -> None:
        """Lock held. File events can run out (inotify's watch limit) at any folder: in
        `auto` mode every folder is then watched by polling."""
        try:
            self._observer.schedule(_Handler(self), str(folder), recursive=recursive)
        except OSError as error:
            self._observer.stop()
            self._fall_back_to_polling(error)
            for scheduled, scheduled_recursive in self._scheduled:
                self._observer.schedule(_Handler(self), str(scheduled),
                                        recursive=scheduled_recursive)
            self._observer.schedule(_Handler(self), str(folder), recursive=recursive)

    def _fall_back_to_polling(self, error: OSError) -> None:
        if self._mode != "auto" or self._polling:
            raise error
        log.warning("file events unavailable (%s): watching by polling instead", error)
        self._polling = True
        self._observer = PollingObserver(timeout=POLL_INTERVAL_SECONDS)
        self._observer.start()

    def unwatch(self, key: str) -> None:
        with self._lock:
            watch = self._watches.pop(key, None)
        if watch is not None and watch.timer is not None:
            watch.timer.cancel()

    def stop(self) -> None:
        with self._lock:
            watches = list(self._watches.values())
            self._watches.clear()
        for watch in watches:
            if watch.timer is not None:
                watch.timer.cancel()
        self._observer.stop()

    def touched(self, path: Path) -> None:
        """A file event: schedule a check of every watch whose folders hold the path."""
        if self._ignored is not None and (path == self._ignored
                                          or self._ignored in path.parents):
            return
        with self._lock:
            for watch in self._watches.values():
                if any(_holds(folder, path) for folder in watch.folders):
                    if watch.timer is not None:
                        watch.timer.cancel()
                    watch.timer = threading.Timer(DEBOUNCE_SECONDS, self._check, (watch,))
                    watch.timer.daemon = True
                    watch.timer.start()

    def _check(self, watch: _Watch) -> None:
        try:
            current = watch.digest()
        except OSError as error:
            log.debug("cannot read %s yet: %s", watch.key, error)
            return
        if current == watch.last:
            return
        watch.last = current
        with self._lock:
            if self._watches.get(watch.key) is not watch:
                return
        try:
            self._on_change(watch.key)
        except Exception:
            log.exception("reloading %s failed", watch.key)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: CodeWatcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path:
                self._watcher.touched(Path(str(path)).resolve())


def _holds(folder: Path, path: Path) -> bool:
    """A change at `path` is one of `folder`'s, unless it is what editors and tools leave."""
    if folder != path and folder not in path.parents:
        return False
    return not is_ignored(path.relative_to(folder))
