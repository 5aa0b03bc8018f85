"""moto's objects through the codec: locks made anew, S3 bodies inline or as files, and left-out
members loaded as the empty stand-ins given."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from moto.s3.models import FakeKey

from simulator.service_state import codec
from simulator.service_state.bodies import BodyStore


class Holder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.condition = threading.Condition()
        self.items = [1, 2, 3]
        self.name = "kept"


def test_locks_and_conditions_are_made_anew(tmp_path: Path) -> None:
    bodies = BodyStore(tmp_path)
    holder = Holder()
    holder.lock.acquire()
    data, _ = codec.dumps(holder, bodies)
    loaded = codec.loads(data, bodies)
    assert loaded.name == "kept" and loaded.items == [1, 2, 3]
    assert loaded.lock.acquire(blocking=False)  # a new lock, not the held one
    with loaded.condition:
        loaded.condition.notify_all()


def key(body: bytes) -> Any:
    return FakeKey("k", body, account_id="123456789012", region_name="us-east-1")


def test_small_bodies_travel_in_the_record(tmp_path: Path) -> None:
    bodies = BodyStore(tmp_path)
    data, digests = codec.dumps([key(b"small")], bodies)
    assert digests == set() and bodies.digests() == set()
    assert codec.loads(data, bodies)[0].value == b"small"


def test_large_bodies_are_kept_once_as_files(tmp_path: Path) -> None:
    bodies = BodyStore(tmp_path)
    large = b"L" * (codec.INLINE_BODY_BYTES + 1)
    data, digests = codec.dumps([key(large), key(large)], bodies)
    assert len(digests) == 1 and bodies.digests() == digests
    assert len(data) < len(large)
    loaded = codec.loads(data, bodies)
    assert [k.value for k in loaded] == [large, large]


def test_left_out_members_load_as_the_stand_ins_given(tmp_path: Path) -> None:
    bodies = BodyStore(tmp_path)
    holder = Holder()
    data, _ = codec.dumps(holder, bodies, {id(holder.items): ("items",)})
    stand_in: list[int] = []
    loaded = codec.loads(data, bodies, lambda reference: stand_in)
    assert loaded.items is stand_in


def test_a_user_pools_signing_key_comes_back_as_the_same_key(tmp_path: Path) -> None:
    from moto.cognitoidp.models import CognitoIdpUserPool

    bodies = BodyStore(tmp_path)
    pool = CognitoIdpUserPool("123456789012", "us-east-1", "pool", {})
    data, _ = codec.dumps(pool, bodies)
    loaded = codec.loads(data, bodies)
    assert loaded.id == pool.id
    assert loaded.json_web_key.as_dict(private=True) == pool.json_web_key.as_dict(private=True)
