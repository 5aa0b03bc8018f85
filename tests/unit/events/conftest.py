"""The pollers' idle and retry waits, shortened for the unit tests: what they assert is the
order and count of deliveries, which the waits do not change, only how long each takes."""

from __future__ import annotations

import pytest

from simulator.events import sqs, stream_lanes, stream_poller

SHORT_WAIT_SECONDS = 0.02


@pytest.fixture(autouse=True)
def short_poller_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_poller, "POLL_INTERVAL_SECONDS", SHORT_WAIT_SECONDS)
    monkeypatch.setattr(stream_poller, "RETRY_START_SECONDS", SHORT_WAIT_SECONDS)
    monkeypatch.setattr(stream_lanes, "IDLE_LANE_WAIT_SECONDS", SHORT_WAIT_SECONDS)
    monkeypatch.setattr(stream_lanes, "RETRY_START_SECONDS", SHORT_WAIT_SECONDS)
    monkeypatch.setattr(sqs, "BACKOFF_START_SECONDS", SHORT_WAIT_SECONDS)
