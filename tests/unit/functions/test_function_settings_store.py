"""The function settings store: a function's recursive loop setting and each version's
runtime management, kept on disk and forgotten with the function or the version."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.functions.function_settings_store import FunctionSettingsStore, RuntimeManagement

MANUAL = RuntimeManagement("Manual", "arn:aws:lambda:us-east-1::runtime:abc")


@pytest.fixture
def store(tmp_path: Path) -> FunctionSettingsStore:
    return FunctionSettingsStore(tmp_path / "function-settings.db")


def test_nothing_is_set_until_put(store: FunctionSettingsStore) -> None:
    assert store.recursive_loop("fn") is None
    assert store.runtime_management("fn", "$LATEST") is None


def test_runtime_management_is_kept_per_version(store: FunctionSettingsStore) -> None:
    store.put_runtime_management("fn", "$LATEST", RuntimeManagement("FunctionUpdate"))
    store.put_runtime_management("fn", "1", MANUAL)

    assert store.runtime_management("fn", "$LATEST") == RuntimeManagement("FunctionUpdate")
    assert store.runtime_management("fn", "1") == MANUAL
    assert store.runtime_management("fn", "2") is None


def test_a_deleted_version_takes_only_its_own_setting(store: FunctionSettingsStore) -> None:
    store.put_recursive_loop("fn", "Allow")
    store.put_runtime_management("fn", "$LATEST", RuntimeManagement("Auto"))
    store.put_runtime_management("fn", "1", MANUAL)

    store.forget_function("fn", "1")

    assert store.runtime_management("fn", "1") is None
    assert store.runtime_management("fn", "$LATEST") == RuntimeManagement("Auto")
    assert store.recursive_loop("fn") == "Allow"


def test_a_deleted_function_takes_all_its_settings(store: FunctionSettingsStore) -> None:
    store.put_recursive_loop("fn", "Allow")
    store.put_recursive_loop("other", "Allow")
    store.put_runtime_management("fn", "1", MANUAL)

    store.forget_function("fn")

    assert store.recursive_loop("fn") is None
    assert store.runtime_management("fn", "1") is None
    assert store.recursive_loop("other") == "Allow"


def test_settings_survive_reopening(tmp_path: Path) -> None:
    first = FunctionSettingsStore(tmp_path / "function-settings.db")
    first.put_recursive_loop("fn", "Allow")
    first.put_runtime_management("fn", "$LATEST", MANUAL)
    first.close()

    second = FunctionSettingsStore(tmp_path / "function-settings.db")

    assert second.recursive_loop("fn") == "Allow"
    assert second.runtime_management("fn", "$LATEST") == MANUAL
    second.close()
