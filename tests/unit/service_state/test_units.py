"""The cutting of moto's state into units: a backend leaves out its buckets' keys and its
queues' messages, each saved alone; loaded ones are put back where moto looks for them,
never over a backend moto already holds, and never into a bucket or queue that is gone."""

from __future__ import annotations

from typing import Any

import pytest
from moto.s3.models import s3_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from simulator.service_state import units
from tests.unit.service_state import test_store

account = test_store.account


def test_units_name_their_service_account_and_region(account: str) -> None:
    sqs = sqs_backends[account]["us-east-1"]
    queue = sqs.create_queue("named")
    assert units.backend_unit(sqs_backends, account, "us-east-1") == \
        ("backend", "moto.sqs.models", "sqs", account, "us-east-1")
    assert units.message_unit(queue, "m-1") == \
        ("sqs-message", account, "us-east-1", "named", "m-1")
    key = units.key_unit(account, "aws", "bucket", "a/b")
    assert key == ("s3-key", account, "aws", "bucket", "a/b")
    assert units.parent_of(key) == ("s3", account, "aws")


def test_a_backend_leaves_out_its_keys_and_messages(account: str) -> None:
    s3, sqs = s3_backends[account]["aws"], sqs_backends[account]["us-east-1"]
    bucket = s3.create_bucket("left-out", "us-east-1")
    queue = sqs.create_queue("left-out")
    assert units.externals_of(s3) == {id(bucket.keys): ("s3-keys",)}
    assert units.externals_of(sqs) == {id(queue._messages): ("sqs-messages",),
                                       id(queue._pending_messages): ("sqs-pending",),
                                       id(queue.deleted_messages): ("sqs-deleted",)}
    assert units.externals_of(sns_backends[account]["us-east-1"]) == {}
    assert dict(units.empty_external(("s3-keys",))) == {}
    assert type(units.empty_external(("s3-keys",))) is type(bucket.keys)
    assert units.empty_external(("sqs-messages",)) == []
    assert units.empty_external(("sqs-pending",)) == set()


def test_live_units_are_the_backend_then_each_key_and_message(account: str) -> None:
    s3, sqs = s3_backends[account]["aws"], sqs_backends[account]["us-east-1"]
    s3.create_bucket("live-units", "us-east-1")
    s3.put_object("live-units", "k", b"v")
    sqs.create_queue("live-units")
    sent = sqs.send_message("live-units", "m")
    sqs.receive_message("live-units", 1, 0, 30)
    s3_units = [(u, v) for u, v, _ in units.live_units(s3_backends) if account in u]
    assert [u for u, _ in s3_units] == [units.backend_unit(s3_backends, account, "aws"),
                                        units.key_unit(account, "aws", "live-units", "k")]
    assert [v.value for v in s3_units[1][1]] == [b"v"]
    queue = sqs.get_queue("live-units")
    sqs_units = {u: v for u, v, _ in units.live_units(sqs_backends) if account in u}
    assert list(sqs_units) == [units.backend_unit(sqs_backends, account, "us-east-1"),
                               units.message_unit(queue, sent.id)]
    assert sqs_units[units.message_unit(queue, sent.id)] == (queue._messages[0], True)


def test_a_loaded_backend_is_installed_only_where_moto_has_none(account: str) -> None:
    live = s3_backends[account]["aws"]
    unit = units.backend_unit(s3_backends, account, "aws")
    assert not units.install_backend(unit, object())
    assert s3_backends[account]["aws"] is live

    loaded = type(live)("aws", account)
    loaded.create_bucket("installed", "us-east-1")
    test_store.forget(account)
    assert units.install_backend(unit, loaded)
    assert s3_backends[account]["aws"] is loaded
    assert s3_backends.bucket_accounts["installed"] == ("aws", account)


def test_keys_and_messages_are_placed_back_unless_their_parent_is_gone(account: str) -> None:
    s3, sqs = s3_backends[account]["aws"], sqs_backends[account]["us-east-1"]
    s3.create_bucket("placed", "us-east-1")
    versions = s3.put_object("placed", "k", b"v")
    queue = sqs.create_queue("placed")
    message = sqs.send_message("placed", "m")
    dict.clear(s3.buckets["placed"].keys)
    queue._messages.clear()

    assert units.place(units.key_unit(account, "aws", "placed", "k"), [versions])
    assert s3.buckets["placed"].keys["k"] is versions
    assert units.place(units.message_unit(queue, message.id), (message, True))
    assert queue._messages == [message] and message in queue._pending_messages
    assert units.message_queues[message] is queue
    assert not units.place(units.key_unit(account, "aws", "gone", "k"), [versions])
    assert not units.place(("sqs-message", account, "us-east-1", "gone", "m"), (message, False))
    assert not units.place(("sqs-message", account, "eu-west-3", "placed", "m"),
                           (message, False))


def test_a_module_without_the_service_is_refused() -> None:
    with pytest.raises(LookupError, match="moto has no sqs backends in moto.s3.utils"):
        units.find_backend_dict("moto.s3.utils", "sqs")


def test_live_backend_dicts_lists_each_service_once(account: str) -> None:
    sqs_backends[account]["us-east-1"].create_queue("listed")
    names: list[Any] = [d.service_name for d in units.live_backend_dicts()]
    assert "sqs" in names and "s3" in names
    assert len(names) == len({id(d) for d in units.live_backend_dicts()})
