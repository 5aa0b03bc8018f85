"""The report's prose and round table are told from what ran, never fixed text."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench.doc_sections import replace_section
from bench.machine import Machine
from bench.markdown import Report, how_it_ran, rounds_table, write_markdown
from bench.plan import Plan
from bench.results import Results
from bench.rounds import RoundLoad


def report(loads: list[RoundLoad], failures: dict[str, str] | None = None) -> Report:
    targets: list[Any] = [SimpleNamespace(name=name, description="", compare_to=None)
                          for name in ("ours (docker)", "SAM EAGER", "moto")]
    machine = Machine("cpu", 2, 8.0, "Linux", "20.10", "3.11", "1.43")
    return Report(Plan(rounds=2), False, machine, Results(), [], targets, [],
                  failures or {}, {}, {}, loads, 60.0, "2026-12-07 10:00 UTC", [])


def load(target: str, number: int, busy: float, rerun: bool = False) -> RoundLoad:
    return RoundLoad(target, number, busy, 1.5, 70.0, rerun)


def test_the_prose_counts_the_rounds_turns_quiet_starts_and_reruns() -> None:
    loads = [load("ours (docker)", 1, 3), load("SAM EAGER", 1, 60), load("ours (docker)", 2, 4),
             load("SAM EAGER", 2, 5), load("SAM EAGER", 1, 40, rerun=True)]

    text = how_it_ran(report(loads, {"moto": "no Docker"}))

    assert "Each of the 2 targets that ran took 2 rounds" in text
    assert "in a round it started, waited until the machine was quiet again" in text
    assert f"; {Plan().settle_seconds:g} s at most), ran every scenario" in text
    assert "(ours (docker), SAM EAGER, then back in the reverse order)" in text
    assert "3 of 4 rounds started on a quiet machine" in text
    assert "1 that did not were run again (0 then found it quiet)" in text
    assert "Rounds left out for a busy machine: SAM EAGER (1)." in text


def test_a_run_on_a_quiet_machine_says_nothing_was_rerun_or_left_out() -> None:
    loads = [load("ours (docker)", 1, 3), load("ours (docker)", 2, 4)]

    text = how_it_ran(report(loads, {"SAM EAGER": "x", "moto": "y"}))

    assert text.startswith("Every figure comes from this one run on the machine below. The "
                           "one target that ran took 2 rounds")
    assert "2 of 2 rounds started on a quiet machine (" in text
    assert "run again" not in text and "left out" not in text


def test_the_round_table_marks_the_try_that_counts() -> None:
    loads = [load("ours (docker)", 1, 90), load("ours (docker)", 2, 3),
             load("ours (docker)", 1, 4, rerun=True)]

    rows = rounds_table(report(loads)).splitlines()[2:]

    assert rows == ["| 1 | ours (docker) | 90% | 1.5 | 70% | no |",
                    "| 2 | ours (docker) | 3% | 1.5 | 70% | yes |",
                    "| 1 (again) | ours (docker) | 4% | 1.5 | 70% | yes |"]


def test_the_run_rewrites_its_own_part_of_the_page_and_keeps_the_other_sections(
        tmp_path: Path) -> None:
    page = tmp_path / "BENCHMARKS.md"
    write_markdown(report([load("ours (docker)", 1, 3)]), page)
    replace_section(page, "first-invokes", "| first | invokes |")

    write_markdown(report([load("ours (docker)", 1, 3), load("ours (docker)", 2, 3)]), page)

    text = page.read_text()
    assert text.startswith("# Benchmarks\n")
    assert text.count("<!-- begin bench -->") == 1 and "2 of 2 rounds" in text
    assert "| first | invokes |" in text
