"""The first-invokes harness's statistics, verdicts, template and table: what the report says
follows from the timings measured, never from fixed text."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.first_invokes import Spread, report, template, verdict


def test_a_spread_is_the_median_its_middle_half_and_its_extremes() -> None:
    spread = Spread.of([40.0, 10.0, 30.0, 20.0, 1000.0])
    assert (spread.count, spread.median, spread.least, spread.most) == (5, 30.0, 10.0, 1000.0)
    assert (spread.lower_quartile, spread.upper_quartile) == (20.0, 40.0)
    assert spread.text() == "30 (20–40; 10–1000)"


def test_an_even_count_has_the_mean_of_its_middle_two_and_one_value_is_its_own_spread() -> None:
    assert Spread.of([10.0, 20.0, 30.0, 40.0]).median == 25.0
    single = Spread.of([7.0])
    assert (single.median, single.lower_quartile, single.upper_quartile) == (7.0, 7.0, 7.0)
    with pytest.raises(ValueError):
        Spread.of([])


def test_a_goal_is_met_at_or_under_it() -> None:
    assert (verdict(250.0, 250.0), verdict(250.1, 250.0)) == ("met", "missed")


def test_the_template_has_one_function_per_name_with_its_code_beside_it(tmp_path: Path) -> None:
    path = template(tmp_path / "app", ["a", "b"])
    document = yaml.safe_load(path.read_text())
    functions = [resource["Properties"] for resource in document["Resources"].values()]
    assert [f["FunctionName"] for f in functions] == ["a", "b"]
    assert all(f["CodeUri"] == "." for f in functions)
    assert (tmp_path / "app" / "app.py").is_file()


def test_the_table_judges_each_row_by_its_executors_goal_and_only_with_standby() -> None:
    fast, slow = Spread.of([10.0, 12.0, 14.0]), Spread.of([300.0, 400.0, 500.0])
    rows = [
        {"executor": "docker", "standby": 1, "created": slow, "deployed": fast,
         "load": (1.0, 2.0)},
        {"executor": "process", "standby": 1, "created": fast, "deployed": slow,
         "load": (0.5, 0.7)},
        {"executor": "docker", "standby": 0, "created": slow, "deployed": slow,
         "load": (2.0, 2.5)},
    ]
    lines = report(rows, functions=3, rounds=1).splitlines()
    assert lines[4] == ("| docker | 1 | 400 (350–450; 300–500) | missed | 12 (11–13; 10–14) | "
                        "met | 1.0 → 2.0 |")
    assert lines[5] == ("| process | 1 | 12 (11–13; 10–14) | met | 400 (350–450; 300–500) | "
                        "missed | 0.5 → 0.7 |")
    assert lines[6].split(" | ")[3] == "—" and lines[6].split(" | ")[5] == "—"
