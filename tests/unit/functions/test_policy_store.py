"""The policy store: a policy per function, version, alias and layer version, kept on disk,
removed when its last statement is, and forgotten with what it is on."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from simulator.functions.policy_store import SCHEMA, Policy, PolicyStore
from simulator.state_db import schema_version


def statement(sid: str) -> dict[str, str]:
    return {"Sid": sid, "Effect": "Allow", "Action": "lambda:InvokeFunction"}


@pytest.fixture
def store(tmp_path: Path) -> PolicyStore:
    return PolicyStore(tmp_path / "policies.db")


def test_a_policy_is_kept_per_function_qualifier(store: PolicyStore) -> None:
    unqualified = Policy().adding(statement("a"))
    alias = Policy().adding(statement("b"))
    store.put_function_policy("fn", "", unqualified)
    store.put_function_policy("fn", "live", alias)

    assert store.function_policy("fn", "") == unqualified
    assert store.function_policy("fn", "live") == alias
    assert store.function_policy("fn", "1") is None
    assert store.function_policy("other", "") is None


def test_policies_and_their_revisions_survive_reopening(tmp_path: Path) -> None:
    first = PolicyStore(tmp_path / "policies.db")
    policy = Policy().adding(statement("a")).adding(statement("b"))
    first.put_function_policy("fn", "1", policy)
    first.put_layer_policy("layer", 3, policy)
    first.close()

    second = PolicyStore(tmp_path / "policies.db")

    assert second.function_policy("fn", "1") == policy
    assert second.layer_policy("layer", 3) == policy
    second.close()
    with closing(sqlite3.connect(tmp_path / "policies.db")) as connection:
        assert schema_version(connection) == SCHEMA.version


def test_a_policy_without_statements_is_no_policy(store: PolicyStore) -> None:
    policy = Policy().adding(statement("a"))
    store.put_function_policy("fn", "", policy)
    store.put_layer_policy("layer", 1, policy)

    store.put_function_policy("fn", "", policy.removing("a"))
    store.put_layer_policy("layer", 1, policy.removing("a"))

    assert store.function_policy("fn", "") is None
    assert store.layer_policy("layer", 1) is None


def test_each_change_is_a_new_revision() -> None:
    policy = Policy()
    added = policy.adding(statement("a"))
    removed = added.removing("a")

    assert len({policy.revision_id, added.revision_id, removed.revision_id}) == 3
    assert added.statement("a") == statement("a")
    assert removed.statement("a") is None


def test_forgetting_a_version_or_the_whole_function(store: PolicyStore) -> None:
    policy = Policy().adding(statement("a"))
    for qualifier in ("", "1", "2", "live"):
        store.put_function_policy("fn", qualifier, policy)
    store.put_function_policy("other", "", policy)

    store.forget_function("fn", "1")
    assert store.function_policy("fn", "1") is None
    assert store.function_policy("fn", "2") == policy

    store.forget_function("fn")
    assert all(store.function_policy("fn", q) is None for q in ("", "2", "live"))
    assert store.function_policy("other", "") == policy


def test_forgetting_a_layer_version(store: PolicyStore) -> None:
    policy = Policy().adding(statement("a"))
    store.put_layer_policy("layer", 1, policy)
    store.put_layer_policy("layer", 2, policy)

    store.forget_layer_version("layer", 1)

    assert store.layer_policy("layer", 1) is None
    assert store.layer_policy("layer", 2) == policy
