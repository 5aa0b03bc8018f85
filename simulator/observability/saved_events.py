"""Saved test events, like the console's test tab: named JSON events per function, one
file a function in the state folder so they outlive the server."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulator.errors import InvalidParameterValueException

EVENT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,25}$")
FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class SavedEvents:
    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._lock = threading.Lock()

    def list(self, function_name: str) -> dict[str, Any]:
        """Event name → event, for one function."""
        path = self._path(function_name)
        with self._lock:
            if not path.exists():
                return {}
            return json.loads(path.read_text())  # type: ignore[no-any-return]

    def save(self, function_name: str, event_name: str, event: Any) -> None:
        if not EVENT_NAME.match(event_name):
            raise InvalidParameterValueException(
                "An event name has 1 to 25 letters, digits, '.', '-' or '_'.")
        self._change(function_name, lambda events: events.__setitem__(event_name, event))

    def delete(self, function_name: str, event_name: str) -> None:
        self._change(function_name, lambda events: events.pop(event_name, None))

    def _change(self, function_name: str, change: Callable[[dict[str, Any]], object]) -> None:
        path = self._path(function_name)
        with self._lock:
            events = json.loads(path.read_text()) if path.exists() else {}
            change(events)
            self._folder.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(events, indent=2, sort_keys=True))
            temporary.replace(path)

    def _path(self, function_name: str) -> Path:
        if not FUNCTION_NAME.match(function_name):
            raise InvalidParameterValueException(f"Invalid function name: {function_name}")
        return self._folder / f"{function_name}.json"
