"""The tags of event source mappings: kept by ARN, surviving a restart, gone with the mapping."""

from __future__ import annotations

from pathlib import Path

from simulator.functions.resource_tags import ResourceTagStore

ARN = ("arn:aws:lambda:us-east-1:000000000000:event-source-mapping:"
       "3f1c4ab5-4bd6-4a0c-9c8e-7f1f8c0d2e11")


def test_tags_survive_a_restart_and_go_with_the_resource(tmp_path: Path) -> None:
    store = ResourceTagStore(tmp_path / "tags.db")
    store.put(ARN, {"team": "payments"})
    store.close()

    reopened = ResourceTagStore(tmp_path / "tags.db")
    assert reopened.tags(ARN) == {"team": "payments"}
    reopened.forget(ARN)
    assert reopened.tags(ARN) == {}
    reopened.close()
