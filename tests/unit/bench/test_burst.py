"""A burst's waits, split into standby claims and created environments, and its report."""

from __future__ import annotations

from bench.burst import BurstRun, report, split


def test_claimed_standbys_are_told_apart_and_the_created_ones_give_the_pace() -> None:
    waits = [40.0, 900.0, 35.0, 500.0, 700.0]
    launches = [20.0, 850.0, 18.0, 450.0, 650.0]

    parts = split(waits, launches, standby_limit_ms=150)

    assert (parts.from_standby, parts.standby_most_ms, parts.created) == (2, 40.0, 3)
    assert parts.created_per_second == 5.0  # two more in 400 ms after the first


def test_a_burst_all_served_from_standby_has_no_pace() -> None:
    parts = split([30.0, 32.0], [10.0, 12.0], standby_limit_ms=150)

    assert (parts.from_standby, parts.created, parts.created_per_second) == (2, 0, None)


def test_the_report_states_the_engines_rate_and_the_bursts_share_of_it() -> None:
    run = BurstRun(invokes=5, answered=5, waits_ms=[40.0, 900.0, 35.0, 500.0, 700.0],
                   launches_ms=[20.0, 850.0, 18.0, 450.0, 650.0], load=(0.5, 2.0))

    text = report([4.0, 5.0, 6.0], [(1, run)], standby_limit_ms=150)

    assert "**5.0 containers a second**" in text
    assert "(median of 3 rounds: 4.0, 5.0, 6.0;" in text
    assert text.splitlines()[-1] == ("| 1 | 5 | 5 | 2 (40 ms) | 3 | 5.0/s | 100% | 900 ms | "
                                     "0.5 → 2.0 |")
