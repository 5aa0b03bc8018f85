"""Layer versions in their store: numbering per name, and persistence across a restart."""

from __future__ import annotations

from pathlib import Path

from simulator.functions.layer_store import LayerStore


def test_versions_are_numbered_per_name_and_survive_a_restart(tmp_path: Path) -> None:
    store = LayerStore(tmp_path / "layers.db")
    fields = {"code_sha256": "x", "code_size": 1, "content_dir": "/nowhere"}
    assert [store.publish("a", **fields).version for _ in range(3)] == [1, 2, 3]
    assert store.publish("b", **fields, compatible_runtimes=("python3.12",)).version == 1
    store.delete("a", 3)
    store.close()
    reopened = LayerStore(tmp_path / "layers.db")
    assert [v.version for v in reopened.versions("a")] == [2, 1]
    assert reopened.get("b", 1) is not None
    assert reopened.get("b", 1).compatible_runtimes == ("python3.12",)  # type: ignore[union-attr]
    assert reopened.publish("a", **fields).version == 4
