"""The store around moto's own backends in this process: what requests change is saved as
they end, and a new store on the folder brings it back into a moto that lost it (the account
is dropped from moto's backends, as a new process would start without it)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.s3.models import s3_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from simulator.service_state import codec
from simulator.service_state.store import ServiceState


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An account of this test's own in moto's process-wide backends."""
    chosen = "".join(random.choices("0123456789", k=12))
    monkeypatch.setenv("MOTO_ACCOUNT_ID", chosen)
    yield chosen
    forget(chosen)


def forget(account: str) -> None:
    for backends in (s3_backends, sqs_backends, sns_backends):
        dict.pop(backends, account, None)
    for bucket, (_, owner) in list(s3_backends.bucket_accounts.items()):
        if owner == account:
            del s3_backends.bucket_accounts[bucket]


def request(service: str, method: str = "POST", path: str = "/", target: str = ""
            ) -> dict[str, Any]:
    environ = {"HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/"
                                     f"{service}/aws4_request, SignedHeaders=host, Signature=x",
               "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": ""}
    if target:
        environ["HTTP_X_AMZ_TARGET"] = f"AmazonSQS.{target}"
    return environ


def restarted(folder: Path, account: str, old: ServiceState) -> ServiceState:
    old.close()
    forget(account)
    state = ServiceState(folder)
    state.restore()
    return state


def test_queues_and_messages_come_back_as_they_were(tmp_path: Path, account: str) -> None:
    state = ServiceState(tmp_path)
    state.track()
    sqs = sqs_backends[account]["us-east-1"]
    with state.serving(request("sqs", target="CreateQueue")):
        sqs.create_queue("jobs")
    for body in ("first", "second", "third"):
        with state.serving(request("sqs", target="SendMessage")):
            sqs.send_message("jobs", body)
    with state.serving(request("sqs", target="ReceiveMessage")):
        received = sqs.receive_message("jobs", 1, 0, 30)[0]
    with state.serving(request("sqs", target="DeleteMessage")):
        third = next(m for m in sqs.get_queue("jobs")._messages if m.body == "third")
        third.mark_received(0)
        sqs.delete_message("jobs", third.receipt_handle)

    state = restarted(tmp_path, account, state)
    queue = sqs_backends[account]["us-east-1"].get_queue("jobs")
    assert [m.body for m in queue._messages] == ["first", "second"]
    in_flight = queue._messages[0]
    assert in_flight.approximate_receive_count == 1
    assert in_flight.visible_at > time.time() * 1000 + 25_000
    assert in_flight in queue.pending_messages
    assert [m.body for m in queue.messages] == ["second"]  # the in-flight one stays hidden
    with state.serving(request("sqs", target="DeleteMessage")):
        sqs_backends[account]["us-east-1"].delete_message("jobs", received.receipt_handle)
    state = restarted(tmp_path, account, state)
    assert [m.body for m in sqs_backends[account]["us-east-1"].get_queue("jobs")._messages] \
        == ["second"]
    state.close()


def test_a_purged_or_deleted_queue_loses_its_messages(tmp_path: Path, account: str) -> None:
    state = ServiceState(tmp_path)
    state.track()
    sqs = sqs_backends[account]["us-east-1"]
    for name in ("purged", "deleted"):
        with state.serving(request("sqs", target="CreateQueue")):
            sqs.create_queue(name)
        with state.serving(request("sqs", target="SendMessage")):
            sqs.send_message(name, "gone")
    with state.serving(request("sqs", target="PurgeQueue")):
        sqs.purge_queue("purged")
    with state.serving(request("sqs", target="DeleteQueue")):
        sqs.delete_queue("deleted")
    state = restarted(tmp_path, account, state)
    queues = sqs_backends[account]["us-east-1"].queues
    assert list(queues) == ["purged"] and queues["purged"]._messages == []
    state.close()


def test_objects_versions_and_deletions_come_back(tmp_path: Path, account: str) -> None:
    state = ServiceState(tmp_path)
    s3 = s3_backends[account]["aws"]
    large = b"L" * (codec.INLINE_BODY_BYTES * 2)
    with state.serving(request("s3", "PUT", "/photos")):
        s3.create_bucket("photos", "us-east-1")
    with state.serving(request("s3", "PUT", "/photos?versioning")):
        s3.put_bucket_versioning("photos", "Enabled")
    for path, body in (("a.jpg", b"one"), ("a.jpg", large), ("b.jpg", b"gone")):
        with state.serving(request("s3", "PUT", f"/photos/{path}")):
            s3.put_object("photos", path, body)
    with state.serving(request("s3", "DELETE", "/photos/b.jpg")):
        dict.pop(s3.buckets["photos"].keys, "b.jpg")

    state = restarted(tmp_path, account, state)
    bucket = s3_backends[account]["aws"].buckets["photos"]
    assert bucket.versioning_status == "Enabled"
    assert [v.value for v in bucket.keys.getlist("a.jpg")] == [b"one", large]
    assert "b.jpg" not in bucket.keys
    assert s3_backends.bucket_accounts["photos"] == ("aws", account)
    state.close()


def test_other_services_come_back_whole(tmp_path: Path, account: str) -> None:
    state = ServiceState(tmp_path)
    sns = sns_backends[account]["us-east-1"]
    with state.serving(request("sns")):
        topic = sns.create_topic("news")
    state = restarted(tmp_path, account, state)
    assert list(sns_backends[account]["us-east-1"].topics) == [topic.arn]
    state.close()


def test_compaction_folds_the_journal_and_drops_unnamed_bodies(tmp_path: Path,
                                                               account: str) -> None:
    state = ServiceState(tmp_path)
    s3 = s3_backends[account]["aws"]
    with state.serving(request("s3", "PUT", "/archive")):
        s3.create_bucket("archive", "us-east-1")
    for body in (b"A" * 20_000, b"B" * 20_000):  # the first replaced by the second
        with state.serving(request("s3", "PUT", "/archive/big")):
            s3.put_object("archive", "big", body)
    assert len(state.bodies.digests()) == 2
    state.compactor.compact()
    assert len(state.bodies.digests()) == 1
    assert len(state.journal.segments()) == 1 and (tmp_path / "base").exists()
    state = restarted(tmp_path, account, state)
    assert s3_backends[account]["aws"].buckets["archive"].keys["big"].value == b"B" * 20_000
    state.close()


def test_a_restored_state_starts_a_new_segment(tmp_path: Path, account: str) -> None:
    state = ServiceState(tmp_path)
    assert not state.has_saved_state()
    with state.serving(request("sns")):
        sns_backends[account]["us-east-1"].create_topic("t")
    assert state.has_saved_state()
    state = restarted(tmp_path, account, state)
    assert state.journal.segments() == [1, 2]
    state.close()


def test_a_backend_moto_holds_already_is_left_live(tmp_path: Path, account: str) -> None:
    """A server started again in the same process: moto's memory is newer than the folder."""
    state = ServiceState(tmp_path)
    state.track()
    sqs = sqs_backends[account]["us-east-1"]
    with state.serving(request("sqs", target="CreateQueue")):
        sqs.create_queue("live")
    with state.serving(request("sqs", target="SendMessage")):
        sqs.send_message("live", "once")
    state.close()
    again = ServiceState(tmp_path)
    again.restore()
    assert sqs_backends[account]["us-east-1"] is sqs
    assert [m.body for m in sqs.get_queue("live")._messages] == ["once"]
    again.close()
