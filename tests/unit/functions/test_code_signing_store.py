"""The code signing store: configurations kept on disk as AWS answers them, and which
function uses which, until the link is removed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.functions.code_signing_store import CodeSigningStore

ARN = "arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-"


def config(suffix: str, description: str = "") -> dict[str, Any]:
    return {"CodeSigningConfigId": f"csc-{suffix}", "CodeSigningConfigArn": ARN + suffix,
            "Description": description}


@pytest.fixture
def store(tmp_path: Path) -> CodeSigningStore:
    return CodeSigningStore(tmp_path / "code-signing.db")


def test_configurations_are_kept_replaced_and_deleted(store: CodeSigningStore) -> None:
    store.put_config(config("b" * 17))
    store.put_config(config("a" * 17))
    store.put_config(config("b" * 17, "changed"))

    assert store.config(ARN + "b" * 17) == config("b" * 17, "changed")
    assert [c["CodeSigningConfigId"] for c in store.configs()] == ["csc-" + "a" * 17,
                                                                    "csc-" + "b" * 17]
    store.delete_config(ARN + "a" * 17)
    assert store.config(ARN + "a" * 17) is None
    assert len(store.configs()) == 1


def test_a_function_uses_one_configuration_until_detached(store: CodeSigningStore) -> None:
    store.attach("fn", ARN + "a" * 17)
    store.attach("other", ARN + "a" * 17)
    store.attach("fn", ARN + "b" * 17)

    assert store.config_arn_of("fn") == ARN + "b" * 17
    assert store.functions_using(ARN + "a" * 17) == ["other"]
    store.detach("other")
    assert store.functions_using(ARN + "a" * 17) == []
    assert store.config_arn_of("other") is None


def test_everything_survives_reopening(tmp_path: Path) -> None:
    first = CodeSigningStore(tmp_path / "code-signing.db")
    first.put_config(config("c" * 17, "kept"))
    first.attach("fn", ARN + "c" * 17)
    first.close()

    second = CodeSigningStore(tmp_path / "code-signing.db")

    assert second.config(ARN + "c" * 17) == config("c" * 17, "kept")
    assert second.functions_using(ARN + "c" * 17) == ["fn"]
    second.close()
