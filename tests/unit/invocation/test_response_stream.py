"""The stream between the Runtime API and the caller: chunks in order and as they come, a
bounded buffer that holds the writer back, AWS's pacing past the first 6 MB, a caller that
goes away, and the invocation that finishes it."""

from __future__ import annotations

import threading
import time

import pytest

from simulator.errors import TooManyRequestsException
from simulator.invocation.response_stream import ResponseStream
from simulator.models import InvocationResult


def in_thread(target: object) -> threading.Thread:
    thread = threading.Thread(target=target)  # type: ignore[arg-type]
    thread.start()
    return thread


def test_chunks_come_out_in_order_until_the_invocation_is_over() -> None:
    stream = ResponseStream()
    stream.open("text/plain")
    assert stream.write(b"one ") and stream.write(b"two")

    stream.finish(InvocationResult(b""))

    assert list(stream.chunks()) == [b"one ", b"two"]
    assert stream.content_type == "text/plain"


def test_a_chunk_is_readable_before_the_next_is_written() -> None:
    stream = ResponseStream()
    chunks = stream.chunks()
    stream.write(b"early")

    assert next(chunks) == b"early"
    stream.finish(InvocationResult(b""))
    assert list(chunks) == []


def test_the_caller_waits_for_the_stream_to_begin_or_for_an_answer_without_one() -> None:
    opened, buffered = ResponseStream(), ResponseStream()
    in_thread(lambda: (time.sleep(0.1), opened.open("application/octet-stream")))
    in_thread(lambda: (time.sleep(0.1), buffered.finish(InvocationResult(b'"whole"'))))

    opened.wait_started()
    buffered.wait_started()

    assert opened.content_type == "application/octet-stream"
    assert buffered.content_type is None
    assert buffered.result is not None and buffered.result.payload == b'"whole"'


def test_a_full_buffer_holds_the_writer_until_the_caller_reads() -> None:
    stream = ResponseStream(buffer_bytes=10)
    stream.write(b"12345678")
    second_written = threading.Event()
    in_thread(lambda: (stream.write(b"abcdefgh"), second_written.set()))

    assert not second_written.wait(0.2), "the buffer grew past its bound"
    assert next(stream.chunks()) == b"12345678"
    assert second_written.wait(2)


def test_a_chunk_larger_than_the_buffer_passes_when_the_buffer_is_empty() -> None:
    stream = ResponseStream(buffer_bytes=4)

    assert stream.write(b"much more than four bytes")
    assert next(stream.chunks()) == b"much more than four bytes"


def test_past_the_uncapped_bytes_the_stream_keeps_to_the_capped_rate() -> None:
    stream = ResponseStream(uncapped_bytes=100, capped_bytes_per_second=1000)
    started = time.monotonic()
    stream.write(b"x" * 100)
    uncapped = time.monotonic() - started

    stream.write(b"x" * 100)
    stream.write(b"x" * 100)

    assert uncapped < 0.05
    assert time.monotonic() - started >= 0.19  # 200 capped bytes at 1000 a second


def test_a_caller_that_goes_away_releases_the_writer_and_drops_the_rest() -> None:
    stream = ResponseStream(buffer_bytes=4)
    stream.write(b"full")
    outcome: list[bool] = []
    writer = in_thread(lambda: outcome.append(stream.write(b"waiting")))
    time.sleep(0.05)

    stream.abandon()
    writer.join(2)

    assert outcome == [False]
    assert not stream.write(b"later")


def test_writes_after_the_invocation_is_over_are_refused() -> None:
    stream = ResponseStream()
    stream.finish(InvocationResult(b"", error_type="Sandbox.Timedout"))

    assert not stream.write(b"too late")
    assert list(stream.chunks()) == []


def test_running_in_the_background_finishes_with_the_result() -> None:
    stream = ResponseStream()
    result = InvocationResult(b'"done"')

    stream.run_in_background(lambda: result)
    stream.wait_started()

    assert (stream.result, stream.error) == (result, None)


def test_an_invocation_refused_before_it_ran_finishes_with_its_error() -> None:
    stream = ResponseStream()
    throttle = TooManyRequestsException(
        "Rate Exceeded.", "ReservedFunctionConcurrentInvocationLimitExceeded")

    def refused() -> InvocationResult:
        raise throttle

    stream.run_in_background(refused)
    stream.wait_started()

    assert (stream.result, stream.error) == (None, throttle)


def test_a_failure_of_the_simulator_itself_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    stream = ResponseStream()

    def broken() -> InvocationResult:
        raise RuntimeError("a bug")

    stream.run_in_background(broken)
    stream.wait_started()

    assert isinstance(stream.error, RuntimeError)
    assert "a streamed invocation failed in the simulator" in caplog.text
