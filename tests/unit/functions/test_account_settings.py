"""GetAccountSettings: AWS's fixed code-size limits, the configured concurrency less what
functions reserve, and the code storage used by every function, published version and layer
version."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool
from simulator.functions.account_settings import account_settings
from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.layer_operations import LayerService
from simulator.functions.layer_store import LayerStore
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_operations import VersionService
from simulator.functions.version_store import VersionStore
from tests.helpers import ROLE, make_zip


@dataclass
class Account:
    functions: FunctionOperations
    versions: VersionService
    layers: LayerService

    def create(self, name: str, source: str) -> int:
        """A function whose code is `source`; its CodeSize."""
        created = self.functions.create_function({
            "FunctionName": name, "Runtime": "python3.12", "Role": ROLE,
            "Handler": "app.handler", "Code": {"ZipFile": zipped(source)}})
        return int(created["CodeSize"])


def zipped(source: str) -> str:
    return base64.b64encode(make_zip({"app.py": source})).decode()


@contextmanager
def open_account(tmp_path: Path, pool: EnvironmentPool, **settings: object) -> Iterator[Account]:
    configured = Settings.from_env(environ={}, port=0, state_dir=tmp_path, **settings)
    registry = FunctionRegistry(tmp_path / "functions.db")
    store = VersionStore(tmp_path / "versions.db")
    functions = FunctionOperations(configured, registry, CodeStore(tmp_path / "code"), pool,
                                   store)
    layers = LayerService(configured, LayerStore(tmp_path / "layers.db"),
                          CodeStore(tmp_path / "layers"), tmp_path / "opt")
    yield Account(functions, VersionService(configured, functions, store, pool), layers)
    registry.close()
    store.close()


@pytest.fixture
def account(tmp_path: Path, pool: EnvironmentPool) -> Iterator[Account]:
    with open_account(tmp_path, pool) as opened:
        yield opened


def test_an_empty_account_shows_aws_limits_and_no_usage(account: Account) -> None:
    assert account_settings(account.functions, account.layers) == {
        "AccountLimit": {
            "TotalCodeSize": 80_530_636_800,
            "CodeSizeUnzipped": 262_144_000,
            "CodeSizeZipped": 52_428_800,
            "ConcurrentExecutions": 1000,
            "UnreservedConcurrentExecutions": 1000,
        },
        "AccountUsage": {"TotalCodeSize": 0, "FunctionCount": 0},
    }


def test_usage_counts_each_function_and_its_code(account: Account) -> None:
    sizes = [account.create("first", "# one\n"), account.create("second", "# two, longer\n")]

    usage = account_settings(account.functions, account.layers)["AccountUsage"]

    assert usage == {"TotalCodeSize": sum(sizes), "FunctionCount": 2}


def test_published_versions_add_their_code_but_are_not_functions(account: Account) -> None:
    first = account.create("fn", "# v1\n")
    account.versions.publish("fn", {})
    account.functions.update_function_code("fn", {"ZipFile": zipped("# version two\n")})
    second = account.functions.get_function("fn")["Configuration"]["CodeSize"]
    account.versions.publish("fn", {})

    usage = account_settings(account.functions, account.layers)["AccountUsage"]

    assert first != second
    # $LATEST (the second code), version 1 (the first), version 2 (the second)
    assert usage == {"TotalCodeSize": second + first + second, "FunctionCount": 1}


def test_layer_versions_count_towards_the_code_storage(account: Account) -> None:
    size = account.create("fn", "# code\n")
    layer = account.layers.publish("shared", {"Content": {"ZipFile": zipped("# layer\n")}})

    usage = account_settings(account.functions, account.layers)["AccountUsage"]
    without_layers = account_settings(account.functions, None)["AccountUsage"]

    assert usage["TotalCodeSize"] == size + layer["Content"]["CodeSize"]
    assert without_layers["TotalCodeSize"] == size


def test_reserved_concurrency_is_taken_from_the_unreserved_pool(account: Account) -> None:
    account.create("busy", "# busy\n")
    account.create("quiet", "# quiet\n")
    account.functions.put_function_concurrency("busy", {"ReservedConcurrentExecutions": 150})
    account.functions.put_function_concurrency("quiet", {"ReservedConcurrentExecutions": 0})

    limits = account_settings(account.functions, account.layers)["AccountLimit"]

    assert limits["ConcurrentExecutions"] == 1000
    assert limits["UnreservedConcurrentExecutions"] == 850


def test_the_configured_account_concurrency_is_the_limit(
    tmp_path: Path, pool: EnvironmentPool
) -> None:
    with open_account(tmp_path, pool, account_concurrency=300) as account:
        account.create("fn", "# fn\n")
        account.functions.put_function_concurrency("fn", {"ReservedConcurrentExecutions": 120})

        limits = account_settings(account.functions, account.layers)["AccountLimit"]

        assert (limits["ConcurrentExecutions"], limits["UnreservedConcurrentExecutions"]) == (
            300, 180)
