"""Exit statuses of a runtime, worded as Lambda words them."""

from __future__ import annotations

import pytest

from simulator.executors.base import ExitStatus


@pytest.mark.parametrize(
    ("code", "oom", "words"),
    [
        (1, False, "exit status 1"),
        (2, False, "exit status 2"),
        (255, False, "exit status 255"),
        (-11, False, "signal: segmentation fault"),
        (139, False, "signal: segmentation fault"),
        (-9, False, "signal: killed"),
        (137, False, "signal: killed"),
        (137, True, "signal: killed"),
        (-9, True, "signal: killed"),
        (-6, False, "signal: aborted"),
        (-15, False, "signal: terminated"),
        (143, False, "signal: terminated"),
        (-7, False, "signal: bus error"),
    ],
)
def test_exit_is_described_like_lambda_does(code: int, oom: bool, words: str) -> None:
    assert ExitStatus.from_code(code, oom_killed=oom).describe() == words


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (-1, "signal: hangup"),
        (-2, "signal: interrupt"),
        (-8, "signal: floating point exception"),
        (-13, "signal: broken pipe"),
    ],
)
def test_other_signals_use_the_same_words_as_lambda(code: int, words: str) -> None:
    assert ExitStatus.from_code(code).describe() == words


def test_container_exit_code_of_a_signal_is_read_as_that_signal() -> None:
    status = ExitStatus.from_code(137)

    assert status.signal_number == 9
    assert status.exit_code is None


def test_plain_exit_code_is_kept() -> None:
    status = ExitStatus.from_code(3)

    assert status.exit_code == 3
    assert status.signal_number is None
    assert not status.oom_killed
