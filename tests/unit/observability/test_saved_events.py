"""Saved test events: the round trip through their folder, and the names refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.errors import InvalidParameterValueException
from simulator.observability.saved_events import SavedEvents


def test_saved_events_round_trip(tmp_path: Path) -> None:
    saved = SavedEvents(tmp_path / "events")
    saved.save("fn", "hello", {"a": 1})
    saved.save("fn", "other", [1, 2])
    saved.delete("fn", "other")
    assert SavedEvents(tmp_path / "events").list("fn") == {"hello": {"a": 1}}
    with pytest.raises(InvalidParameterValueException):
        saved.save("fn", "no spaces please", {})
    with pytest.raises(InvalidParameterValueException):
        saved.list("../escape")
