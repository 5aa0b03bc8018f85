"""The in-memory log store's bounds: streams per group, streams in all, and bytes."""

from __future__ import annotations

from simulator.observability.log_store import EVENT_OVERHEAD_BYTES, LogStore


def test_the_least_recently_written_stream_goes_when_a_group_is_full() -> None:
    logs = LogStore(max_streams_per_group=3)
    for name in ("s1", "s2", "s3"):
        logs.append("fn", name, f"{name} line\n")
    logs.append("fn", "s1", "s1 again\n")

    logs.append("fn", "s4", "s4 line\n")

    assert sorted(s.name for s in logs.streams("fn")) == ["s1", "s3", "s4"]
    assert [e.message for e in logs.events("fn")] == ["s1 line\n", "s3 line\n",
                                                      "s1 again\n", "s4 line\n"]


def test_streams_are_bounded_across_groups() -> None:
    logs = LogStore(max_streams_per_group=10, max_streams=4)
    for index in range(20):
        logs.append(f"fn{index % 3}", f"stream-{index}", f"line {index}\n")

    kept = {f"fn{n}": sorted(s.name for s in logs.streams(f"fn{n}")) for n in range(3)}
    assert sum(map(len, kept.values())) == 4
    assert sorted(name for names in kept.values() for name in names) == sorted(
        f"stream-{index}" for index in range(16, 20))


def test_over_the_byte_budget_the_least_recently_written_streams_give_way() -> None:
    line = "x" * (999 - EVENT_OVERHEAD_BYTES) + "\n"  # 1,000 bytes with the event's overhead
    logs = LogStore(max_stored_bytes=100_000)
    for index in range(30):
        logs.append("old", "quiet", f"{index:03d}{line[3:]}")
    for index in range(200):
        logs.append("busy", "live", f"{index:03d}{line[3:]}")

    assert logs.streams("old") == [], "the quiet stream should have given way first"
    kept = [int(e.message[:3]) for e in logs.events("busy")]
    assert kept == list(range(200 - len(kept), 200))
    assert 90 <= len(kept) <= 105  # shed to 90% when over, checked every 5% that comes in
