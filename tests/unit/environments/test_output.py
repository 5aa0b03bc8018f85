"""Splitting a runtime's output stream into per-invocation logs with START/END/REPORT."""

from __future__ import annotations

import pytest

from simulator.environments.output import (
    InvocationLog,
    OutputCollector,
    memory_used_mb,
    report_line,
)

RID = "6f1d6c1e-8a4b-4a55-9a53-2f7e0d3b1c11"
OTHER_RID = "0b7a3c55-1d2e-4f60-8a9b-7c6d5e4f3a21"
REPORT = f"REPORT RequestId: {RID}\tDuration: 1.00 ms\tBilled Duration: 1 ms\t\n"


def marker(request_id: str = RID) -> bytes:
    return f"\x1eLAMBDA_SIM_END {request_id}\x1e\n".encode()


def start(request_id: str = RID) -> str:
    return f"START RequestId: {request_id} Version: $LATEST\n"


def end(request_id: str = RID) -> str:
    return f"END RequestId: {request_id}\n"


def collector(expects_marker: bool = True) -> tuple[OutputCollector, list[str]]:
    """A collector and the list of lines it writes to the function's log stream."""
    emitted: list[str] = []
    return OutputCollector(emitted.append, expects_marker=expects_marker), emitted


def test_output_sits_between_start_and_end_report() -> None:
    output, emitted = collector()
    record = output.begin(RID, "$LATEST")

    output.feed(b"hello\nworld\n")
    output.feed(marker())
    output.end(record, REPORT)

    expected = [start(), "hello\n", "world\n", end(), REPORT]
    assert emitted == expected
    assert list(record.lines) == expected
    assert record.complete.is_set()


def test_marker_never_reaches_the_log() -> None:
    output, emitted = collector()
    record = output.begin(RID, "$LATEST")

    output.feed(b"hi\n" + marker())
    output.end(record, REPORT)

    assert not any("\x1e" in line or "LAMBDA_SIM_END" in line for line in emitted)


def test_line_split_across_chunks_is_written_once_whole() -> None:
    output, emitted = collector()
    record = output.begin(RID, "$LATEST")

    output.feed(b"hel")
    output.feed(b"lo wor")
    assert emitted == [start()]
    output.feed(b"ld\nsecond")
    output.feed(b" line\n")
    output.feed(marker())
    output.end(record, REPORT)

    assert emitted == [start(), "hello world\n", "second line\n", end(), REPORT]


@pytest.mark.parametrize("split", range(1, len(b"last words\n" + marker())))
def test_marker_split_across_chunks_is_still_found(split: int) -> None:
    output, emitted = collector()
    record = output.begin(RID, "$LATEST")
    stream = b"last words\n" + marker()

    output.feed(stream[:split])
    output.feed(stream[split:])
    output.end(record, REPORT)

    assert emitted == [start(), "last words\n", end(), REPORT]


def test_marker_fed_one_byte_at_a_time_is_found() -> None:
    output, emitted = collector()
    record = output.begin(RID, "$LATEST")

    for byte in b"x\n" + marker():
        output.feed(bytes([byte]))
    output.end(record, REPORT)

    assert emitted == [start(), "x\n", end(), REPORT]


def test_unterminated_last_line_before_marker_gets_its_newline() -> None:
    output, emitted = collector()
    record = output.begin(RID, "$LATEST")

    output.feed(b"no newline" + marker())
    output.end(record, REPORT)

    assert emitted == [start(), "no newline\n", end(), REPORT]


def test_output_after_the_answer_but_before_the_marker_belongs_to_the_invocation() -> None:
    output, emitted = collector()
    record = output.begin(RID, "$LATEST")
    output.feed(b"before\n")

    output.end(record, REPORT)
    assert not record.complete.is_set()
    assert end() not in emitted

    output.feed(b"after the answer\n")
    output.feed(marker())

    assert emitted == [start(), "before\n", "after the answer\n", end(), REPORT]
    assert "after the answer\n" in record.lines
    assert record.complete.is_set()


def test_marker_of_another_request_does_not_close_the_invocation() -> None:
    output, emitted = collector()
    record = output.begin(RID, "$LATEST")

    output.end(record, REPORT)
    output.feed(b"stray\n" + marker(OTHER_RID))

    assert not record.complete.is_set()
    output.feed(marker())
    assert emitted == [start(), "stray\n", end(), REPORT]


def test_runtime_without_marker_closes_at_end() -> None:
    output, emitted = collector(expects_marker=False)
    record = output.begin(RID, "$LATEST")

    output.feed(b"printed\n")
    output.end(record, REPORT)

    assert record.complete.is_set()
    assert emitted == [start(), "printed\n", end(), REPORT]


def test_output_after_a_closed_invocation_is_not_in_its_log() -> None:
    output, emitted = collector(expects_marker=False)
    record = output.begin(RID, "$LATEST")
    output.end(record, REPORT)

    output.feed(b"between invocations\n")

    assert emitted[-1] == "between invocations\n"
    assert "between invocations\n" not in record.lines


def test_close_finishes_an_open_record() -> None:
    output, emitted = collector()
    record = output.begin(RID, "$LATEST")
    output.feed(b"half a line")
    output.end(record, REPORT)
    assert not record.complete.is_set()

    output.close()

    assert record.complete.is_set()
    assert emitted == [start(), "half a line\n", end(), REPORT]


def test_close_without_an_answer_writes_no_end() -> None:
    output, emitted = collector()
    output.begin(RID, "$LATEST")
    output.feed(b"crash output")

    output.close()

    assert emitted == [start(), "crash output\n"]


def test_trailer_lines_come_before_end() -> None:
    output, emitted = collector(expects_marker=False)
    record = output.begin(RID, "$LATEST")
    trailer = [f"2024-01-01T00:00:00.000Z {RID} Task timed out after 3.00 seconds\n"]

    output.end(record, REPORT, trailer)

    assert emitted == [start(), *trailer, end(), REPORT]


def test_next_start_flushes_the_previous_partial_line() -> None:
    output, emitted = collector(expects_marker=False)
    first = output.begin(RID, "$LATEST")
    output.end(first, REPORT)
    output.feed(b"partial")

    second = output.begin(OTHER_RID, "$LATEST")
    output.feed(b"second says hi\n")

    assert emitted[-3:] == ["partial\n", start(OTHER_RID), "second says hi\n"]
    assert list(second.lines) == [start(OTHER_RID), "second says hi\n"]
    assert "second says hi\n" not in first.lines


def test_version_appears_on_the_start_line() -> None:
    output, emitted = collector()

    output.begin(RID, "7")

    assert emitted == [f"START RequestId: {RID} Version: 7\n"]


# -- REPORT -----------------------------------------------------------------------------------


def test_report_line_matches_aws_exactly() -> None:
    """A cold start's init is billed with it (AWS, since August 2025)."""
    line = report_line(RID, 26.73, 128, 75, 130.49)

    assert line == (
        f"REPORT RequestId: {RID}\tDuration: 26.73 ms\tBilled Duration: 158 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 75 MB\tInit Duration: 130.49 ms\t\n"
    )


def test_a_sampled_invocations_report_carries_its_x_ray_ids_on_a_second_line() -> None:
    xray = "XRAY TraceId: 1-5759e988-bd862e3fe1be46a994272793\tSegmentId: 53995c3f42cd8ad8\t" \
        "Sampled: true\t"

    line = report_line(RID, 3.5, 512, 60, None, xray)

    assert line.endswith("Max Memory Used: 60 MB\t\n" + xray + "\n")


def test_report_line_of_a_warm_start_has_no_init_duration() -> None:
    line = report_line(RID, 3.5, 512, 60, None)

    assert line == (
        f"REPORT RequestId: {RID}\tDuration: 3.50 ms\tBilled Duration: 4 ms\t"
        "Memory Size: 512 MB\tMax Memory Used: 60 MB\t\n"
    )


@pytest.mark.parametrize(
    ("duration", "billed"),
    [(26.01, 27), (26.0, 26), (26.999, 27), (0.2, 1), (1000.0001, 1001)],
)
def test_billed_duration_is_rounded_up(duration: float, billed: int) -> None:
    assert f"\tBilled Duration: {billed} ms\t" in report_line(RID, duration, 128, 1, None)


@pytest.mark.parametrize(("kb", "mb"), [(75 * 1024, 75), (51_000, 50), (300, 1), (None, 0)])
def test_max_memory_used_is_whole_megabytes_and_never_0_once_measured(
        kb: int | None, mb: int) -> None:
    assert memory_used_mb(kb) == mb


# -- tail -------------------------------------------------------------------------------------


def finished_log(output_lines: list[bytes]) -> InvocationLog:
    output, _ = collector(expects_marker=False)
    record = output.begin(RID, "$LATEST")
    for line in output_lines:
        output.feed(line)
    output.end(record, REPORT)
    return record


def test_tail_of_a_short_log_is_the_whole_log() -> None:
    record = finished_log([b"one\n", b"two\n"])

    assert record.tail() == start() + "one\ntwo\n" + end() + REPORT


def test_tail_is_the_last_4096_bytes() -> None:
    output, emitted = collector(expects_marker=False)
    record = output.begin(RID, "$LATEST")
    for i in range(200):
        output.feed(f"line {i:05d} ".encode() + b"x" * 80 + b"\n")
    output.end(record, REPORT)
    whole = "".join(emitted)

    tail = record.tail()

    assert len(whole.encode()) > 4096
    assert tail == whole[-4096:]
    assert len(tail.encode()) == 4096
    assert tail.endswith(REPORT)


@pytest.mark.parametrize("line", [b"x" * 99 + b"\n", b"\n", b"y" * 3_000_000 + b"\n"],
                         ids=["100-byte-lines", "empty-lines", "3-mb-lines"])
def test_a_large_output_keeps_only_what_the_tail_needs(line: bytes) -> None:
    """Every line is emitted, but the record holds about 4 KB however much is written."""
    output, emitted = collector(expects_marker=False)
    record = output.begin(RID, "$LATEST")
    chunk = line * max(1, 65536 // len(line))
    written = 0
    while written < 2**20:
        output.feed(chunk)
        written += len(chunk)
    output.end(record, REPORT)

    assert len(emitted) == 1 + written // len(line) + 2
    assert sum(map(len, record.lines)) < 2 * 4096
    assert record.tail() == "".join(emitted[-5000:])[-4096:]


def test_tail_cut_inside_a_multibyte_character_stays_within_4096_bytes() -> None:
    record = finished_log(["é€".encode() * 1000 + b"\n"])

    assert len(record.tail().encode()) <= 4096


def report(request_id: str) -> str:
    return f"REPORT RequestId: {request_id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\t\n"


def test_the_next_invocation_begins_before_the_previous_marker_and_its_log_follows() -> None:
    """Docker hands output over after the answer: the next invocation is dispatched while the
    previous marker is still on its way, and the log still reads invocation by invocation."""
    output, emitted = collector()
    first = output.begin(RID, "$LATEST")
    output.feed(b"first says hi\n")
    output.end(first, report(RID))

    second = output.begin(OTHER_RID, "$LATEST")
    assert emitted == [start(), "first says hi\n"]  # START of the second waits its turn

    output.feed(b"late line of the first\n" + marker() + b"second says hi\n")
    assert first.complete.is_set()
    assert emitted == [start(), "first says hi\n", "late line of the first\n", end(),
                       report(RID), start(OTHER_RID), "second says hi\n"]
    assert list(second.lines) == [start(OTHER_RID), "second says hi\n"]
    assert "second says hi\n" not in first.lines

    output.feed(marker(OTHER_RID))
    output.end(second, report(OTHER_RID))
    assert emitted[-2:] == [end(OTHER_RID), report(OTHER_RID)]
    assert second.complete.is_set()


def test_output_of_the_next_invocation_waits_for_the_previous_answer() -> None:
    """The marker came, the answer's REPORT not yet: what follows the marker is the next
    invocation's, held until the previous END and REPORT are written."""
    output, emitted = collector()
    first = output.begin(RID, "$LATEST")
    second = output.begin(OTHER_RID, "$LATEST")
    output.feed(marker() + b"second's early line\n")
    assert emitted == [start()]

    output.end(first, report(RID))
    assert emitted == [start(), end(), report(RID), start(OTHER_RID), "second's early line\n"]
    assert list(second.lines) == [start(OTHER_RID), "second's early line\n"]


def test_a_later_marker_closes_the_earlier_invocations_output_too() -> None:
    output, emitted = collector()
    first = output.begin(RID, "$LATEST")
    output.end(first, report(RID))
    second = output.begin(OTHER_RID, "$LATEST")
    output.end(second, report(OTHER_RID))

    output.feed(marker(OTHER_RID))

    assert first.complete.is_set() and second.complete.is_set()
    assert emitted == [start(), end(), report(RID), start(OTHER_RID), end(OTHER_RID),
                       report(OTHER_RID)]


def test_an_answered_record_whose_marker_never_comes_stops_holding_the_next(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.environments.output.STALE_MARKER_SECONDS", 0.0)
    output, emitted = collector()
    first = output.begin(RID, "$LATEST")
    output.end(first, report(RID))

    output.begin(OTHER_RID, "$LATEST")

    assert first.complete.is_set()
    assert emitted == [start(), end(), report(RID), start(OTHER_RID)]


def test_a_record_holds_a_bounded_number_of_lines_and_writes_the_rest_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.environments.output.MAX_HELD_LINES", 2)
    output, emitted = collector()
    output.begin(RID, "$LATEST")
    output.begin(OTHER_RID, "$LATEST")
    output.feed(marker() + b"one\ntwo\nthree\n")

    assert emitted == [start(), "two\n", "three\n"]  # START and "one" are held


def test_a_reserved_record_writes_start_when_announced() -> None:
    output, emitted = collector()
    record = output.reserve(RID, "$LATEST")
    assert emitted == []

    output.announce(record)
    output.announce(record)  # once only
    output.feed(b"hi\n" + marker())
    output.end(record, REPORT)

    assert emitted == [start(), "hi\n", end(), REPORT]


def test_a_reserved_records_first_line_brings_its_start_before_the_announcement() -> None:
    output, emitted = collector()
    record = output.reserve(RID, "$LATEST")

    output.feed(b"early\n")
    output.announce(record)
    output.feed(marker())
    output.end(record, REPORT)

    assert emitted == [start(), "early\n", end(), REPORT]


def test_an_answer_before_the_announcement_still_opens_with_start() -> None:
    output, emitted = collector(expects_marker=False)
    record = output.reserve(RID, "$LATEST")

    output.end(record, REPORT)
    output.announce(record)  # the record is gone: nothing more is written

    assert emitted == [start(), end(), REPORT]
    assert record.complete.is_set()


def test_a_reserved_record_behind_another_holds_its_start_until_that_one_ends() -> None:
    output, emitted = collector()
    first = output.begin(RID, "$LATEST")
    output.end(first, REPORT)  # answered; its marker has not come yet
    second = output.reserve(OTHER_RID, "$LATEST")
    output.announce(second)
    assert emitted == [start()]

    output.feed(marker())

    assert emitted == [start(), end(), REPORT, start(OTHER_RID)]
    assert list(second.lines) == [start(OTHER_RID)]
