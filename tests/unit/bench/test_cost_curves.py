"""The cost-curves harness's statistics, verdicts, section and plots: what the report says
follows from the figures measured, never from fixed text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.cost_curves import (
    FULL,
    MB,
    QUICK,
    EnvironmentsPoint,
    Figures,
    FunctionsPoint,
    ServicesFigures,
    duration,
    idle_function_bytes,
    markdown,
    one_queue_fill_seconds,
    rich_tables,
    run_until,
    section,
    spread,
    verdicts,
    write_plots,
)


def functions_point(functions: int, rss_mb: float, start: float = 1.0, listing: float = 0.1,
                    p50: float = 3.0, reference: float = 3.0) -> FunctionsPoint:
    return FunctionsPoint(functions, 1.0, rss_mb * MB, rss_mb * MB, start, listing, p50,
                          reference, p50 / reference, 0.5)


def environments_point(count: int, p50: float, runtimes_mb: float,
                       reference: float = 2.0) -> EnvironmentsPoint:
    return EnvironmentsPoint(count, count, p50, reference, p50 / reference, 90 * MB,
                             runtimes_mb * MB, 0.5)


SERVICES = ServicesFigures(
    objects=10_000, put_seconds=50.0, list_objects_seconds=2.0, s3_start_seconds=3.0,
    messages=100_000, queues=1_000, send_seconds=200.0, sqs_start_seconds=20.0,
    attributes_seconds=10.0, received_per_second=150.0, empty_start_seconds=1.5,
    depth_ms=[(0, 10.0), (500, 60.0), (1000, 110.0)])


def figures(functions: list[FunctionsPoint] | None = None,
            environments: list[EnvironmentsPoint] | None = None) -> Figures:
    return Figures(FULL, functions if functions is not None else [
        functions_point(100, 80.0, start=1.5, listing=0.02, p50=3.0),
        functions_point(1_000, 81.0, start=1.8, listing=0.1, p50=3.1),
        functions_point(10_000, 99.8, start=4.0, listing=1.2, p50=3.3)],
        environments if environments is not None else [
        environments_point(1, 2.0, 20.0), environments_point(10, 2.1, 200.0),
        environments_point(100, 2.6, 2000.0)], SERVICES, 2)


def test_the_spread_is_the_most_over_the_least() -> None:
    assert spread([2.0, 2.5, 2.2]) == pytest.approx(0.25)
    assert spread([3.0]) == 0.0


def test_an_idle_function_costs_the_steeper_slope_of_running_and_restarted() -> None:
    first = FunctionsPoint(100, 1.0, 80 * MB, 70 * MB, 1.0, 0.1, 3.0, 3.0, 1.0, 0.5)
    last = FunctionsPoint(10_000, 1.0, 90 * MB, 90 * MB, 1.0, 0.1, 3.0, 3.0, 1.0, 0.5)
    assert idle_function_bytes([first, last]) == pytest.approx(20 * MB / 9_900)


def test_each_target_is_judged_from_the_figures() -> None:
    found = {v.goal: v for v in verdicts(figures())}
    goals = list(found)
    assert [found[g].met for g in goals] == [True, False, True, True, True]
    assert found[goals[0]].measured == (
        "×1.00 (100), ×1.03 (1,000), ×1.10 (10,000) of the one-function server's: +10% most "
        "over least")
    assert found[goals[1]].measured.endswith("+30% most over least")
    assert found[goals[2]].measured == "4.0 s with 10,000 functions"
    assert found[goals[4]].measured == "2.0 KB"  # (99.8 - 80) MB over 9,900 functions


def test_the_goals_for_ten_thousand_are_not_judged_on_a_smaller_run_nor_missing_curves() -> None:
    small = figures([functions_point(20, 75.0, start=9.0, listing=9.0),
                     functions_point(500, 76.0, start=9.0, listing=9.0)], [])
    found = verdicts(small)
    assert [v.met for v in found] == [True, None, None, True]
    assert verdicts(figures([], [])) == []


def test_a_warm_invoke_is_judged_against_the_server_invoked_alongside_it() -> None:
    loaded_later = [functions_point(100, 80.0, p50=3.0, reference=3.0),
                    functions_point(1_000, 80.0, p50=6.0, reference=6.0)]
    assert verdicts(figures(loaded_later, []))[0].met is True
    slower_alone = [functions_point(100, 80.0, p50=3.0, reference=3.0),
                    functions_point(1_000, 80.0, p50=3.6, reference=3.0)]
    assert verdicts(figures(slower_alone, []))[0].met is False


def test_goals_are_met_at_their_limits_and_missed_beyond() -> None:
    at_limit = [functions_point(100, 80.0, start=5.0, listing=3.0, p50=2.0),
                functions_point(10_000, 80.0 + 50 * 9_900 / 1024, start=5.0, listing=3.0,
                                p50=2.3)]
    assert [v.met for v in verdicts(figures(at_limit, []))] == [True, True, True, True]
    beyond = [functions_point(100, 80.0, p50=2.0),
              functions_point(10_000, 81.0 + 50 * 9_900 / 1024, start=5.1, listing=3.1,
                              p50=2.31)]
    assert [v.met for v in verdicts(figures(beyond, []))] == [False, False, False, False]


def test_filling_one_queue_follows_the_line_through_the_batches_costs() -> None:
    # 10 ms a batch, plus 0.1 ms for each message already in the queue.
    depth_ms = [(0, 10.0), (500, 60.0), (1000, 110.0)]
    # 100 batches: 100 × 10 ms + 0.1 ms × 10 × (0 + 1 + ... + 99) = 1 s + 4.95 s.
    assert one_queue_fill_seconds(depth_ms, 1_000) == pytest.approx(5.95)
    assert [duration(s) for s in (59.4, 600.0, 36_000.0)] == ["59 s", "10 min", "10 h"]


def test_the_section_says_what_the_figures_say() -> None:
    text = section(figures(), "python -m bench.cost_curves", ["cost-functions.png"])
    assert text.startswith("## Cost curves\n\n`python -m bench.cost_curves`")
    assert "| 10,000 | 1 s | 99.8 MB | 99.8 MB | 4.0 s | 1.20 s | 3.30 ms / 3.00 ms: ×1.10 " \
        "| 0.5 |" in text
    assert "| 100 | 2.60 ms / 2.00 ms: ×1.30 | 90.0 MB | 2000 MB | 0.5 |" in text
    assert "2.0 KB for each idle function" in text
    assert "about 20 MB RSS" in text  # (2000 - 20) MB over 99 more environments
    assert "| a warm invoke's p50 the same within 15%, however many warm environments | " \
        "×1.00 (1), ×1.05 (10), ×1.30 (100) of the one-function server's: +30% most over " \
        "least | not met |" in text
    assert "10,000 objects 3.0 s, and with the 100,000 messages 20.0 s" in text
    assert "filling one queue of 100,000 would take about 14 h" in text
    assert text.endswith("![cost-functions](cost-functions.png)")


def test_a_curve_not_run_leaves_no_table_and_no_sentence() -> None:
    text = section(Figures(QUICK, [], [], None, 2), "python -m bench.cost_curves --quick", [])
    assert "### Functions deployed" not in text and "### S3 and SQS" not in text
    assert "| target | measured | verdict |\n|---|---|---|" in text
    assert [table.title for table in rich_tables(figures())] == [
        "Functions deployed", "Warm environments", "S3 and SQS", "Targets"]


def test_a_markdown_table_has_its_header_rule_and_rows() -> None:
    assert markdown(["a", "b"], [["1", "2"]]) == "| a | b |\n|---|---|\n| 1 | 2 |"


def test_a_fill_stops_between_chunks_once_its_deadline_passed() -> None:
    done: list[int] = []
    assert run_until(float("inf"), done.append, range(450)) == 450
    assert sorted(done) == list(range(450))
    assert run_until(0.0, done.append, range(450)) == 0


def test_each_curve_draws_its_plot(tmp_path: Path) -> None:
    written = write_plots(figures(), tmp_path)
    assert [path.name for path in written] == [
        "cost-functions.png", "cost-invoke.png", "cost-sqs-depth.png"]
    assert write_plots(Figures(QUICK, [], [], None, 2), tmp_path) == []
