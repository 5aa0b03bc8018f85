"""The registry: functions in memory for the invoke path, written through to SQLite so that a
restart finds them as they were."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from simulator.functions.registry import FunctionRegistry
from tests.unit.function_configs import function


def test_what_is_put_is_read_back_and_survives_a_reopen(tmp_path: Path) -> None:
    registry = FunctionRegistry(tmp_path / "functions.db")
    registry.put(function(name="b", memory_size=256))
    registry.put(function(name="a"))
    registry.put(replace(function(name="b"), memory_size=512))
    registry.close()

    reopened = FunctionRegistry(tmp_path / "functions.db")
    assert [f.name for f in reopened.all()] == ["a", "b"]  # ListFunctions' order
    latest = reopened.get("b")
    assert latest is not None and latest.memory_size == 512
    reopened.close()


def test_add_refuses_a_name_that_is_taken(tmp_path: Path) -> None:
    registry = FunctionRegistry(tmp_path / "functions.db")
    assert registry.add(function(name="fn", description="first")) is True
    assert registry.add(function(name="fn", description="second")) is False
    kept = registry.get("fn")
    assert kept is not None and kept.description == "first"
    registry.close()


def test_a_removed_function_is_gone_after_a_reopen_too(tmp_path: Path) -> None:
    registry = FunctionRegistry(tmp_path / "functions.db")
    registry.put(function(name="fn"))
    removed = registry.remove("fn")
    assert removed is not None and removed.name == "fn"
    assert registry.remove("fn") is None
    registry.close()

    reopened = FunctionRegistry(tmp_path / "functions.db")
    assert reopened.get("fn") is None and reopened.all() == []
    reopened.close()


def test_a_page_from_a_name_holds_the_names_from_it_on_as_they_come_and_go(
        tmp_path: Path) -> None:
    registry = FunctionRegistry(tmp_path / "functions.db")
    for name in ["d", "b", "a", "c"]:
        registry.add(function(name=name))
    registry.put(function(name="e"))
    registry.remove("c")
    registry.put(replace(function(name="b"), memory_size=512))

    assert [f.name for f in registry.from_name("b", 2)] == ["b", "d"]
    assert [f.name for f in registry.from_name("bb", 10)] == ["d", "e"]
    assert [f.name for f in registry.from_name("", 10)] == ["a", "b", "d", "e"]
    assert registry.from_name("f", 10) == []
    registry.close()

    reopened = FunctionRegistry(tmp_path / "functions.db")
    assert [f.name for f in reopened.from_name("c", 10)] == ["d", "e"]
    reopened.close()
