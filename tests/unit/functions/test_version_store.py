"""Published versions and aliases: numbered snapshots of `$LATEST`, aliases that split
traffic by weight, all persisted beside the functions."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from unittest import mock

from simulator.functions.version_store import Alias, VersionStore
from simulator.models import new_revision_id
from tests.unit.function_configs import function

ARN = "arn:aws:lambda:us-east-1:000000000000:function:my-function"


def test_versions_are_numbered_from_one_and_keep_what_latest_was(tmp_path: Path) -> None:
    store = VersionStore(tmp_path / "versions.db")
    first = store.publish(function(description="latest's"), None)
    second = store.publish(function(revision_id=new_revision_id(), memory_size=512), "mine")

    assert (first.version, first.description) == ("1", "latest's")
    assert (second.version, second.description, second.memory_size) == ("2", "mine", 512)
    assert (second.state, second.last_update_status) == ("Active", "Successful")
    assert [v.version for v in store.versions("my-function")] == ["1", "2"]
    store.close()


def test_publishing_an_unchanged_latest_returns_the_newest_version(tmp_path: Path) -> None:
    store = VersionStore(tmp_path / "versions.db")
    latest = function()
    store.publish(latest, None)
    again = store.publish(latest, "ignored")
    assert again.version == "1" and [v.version for v in store.versions(latest.name)] == ["1"]
    store.close()


def test_versions_and_aliases_survive_a_reopen_and_go_with_their_function(
        tmp_path: Path) -> None:
    store = VersionStore(tmp_path / "versions.db")
    store.publish(function(), None)
    store.put_alias(Alias("my-function", "live", "1", "production", {"2": 0.25}))
    store.close()

    reopened = VersionStore(tmp_path / "versions.db")
    version = reopened.version("my-function", "1")
    alias = reopened.alias("my-function", "live")
    assert version is not None and version.version == "1"
    assert alias is not None and alias.additional_weights == {"2": 0.25}
    reopened.forget("my-function")
    assert reopened.versions("my-function") == [] and reopened.aliases("my-function") == []
    reopened.close()
    assert VersionStore(tmp_path / "versions.db").versions("my-function") == []


def test_deleting_a_version_or_an_alias_says_whether_there_was_one(tmp_path: Path) -> None:
    store = VersionStore(tmp_path / "versions.db")
    store.publish(function(), None)
    store.put_alias(Alias("my-function", "live", "1"))
    assert store.delete_version("my-function", "1") is True
    assert store.delete_version("my-function", "1") is False
    assert store.delete_alias("my-function", "live") is True
    assert store.delete_alias("my-function", "live") is False
    store.close()


def test_an_alias_routes_each_additional_version_its_weight() -> None:
    alias = Alias("my-function", "live", "1", additional_weights={"2": 0.3})
    draws = [index / 1000 for index in range(1000)]
    with mock.patch("random.random", side_effect=draws):
        picked = Counter(alias.pick_version() for _ in draws)
    assert picked == {"2": 300, "1": 700}


def test_an_alias_answers_as_aws_describes_it() -> None:
    plain = Alias("my-function", "live", "1", revision_id="r-1")
    assert plain.to_api(ARN) == {"AliasArn": f"{ARN}:live", "Name": "live",
                                 "FunctionVersion": "1", "Description": "",
                                 "RevisionId": "r-1"}
    weighted = replace(plain, additional_weights={"2": 0.1})
    assert weighted.to_api(ARN)["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.1}}
