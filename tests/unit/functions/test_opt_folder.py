"""The merged /opt folder of a function's layers."""

from __future__ import annotations

from pathlib import Path

from simulator.functions.opt_folder import merge_folders


def test_merge_puts_later_sources_over_earlier_ones(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "python").mkdir(parents=True)
    (second / "python").mkdir(parents=True)
    (first / "python" / "shared.py").write_text("first")
    (first / "python" / "only_first.py").write_text("first")
    (second / "python" / "shared.py").write_text("second")
    merged = merge_folders([first, second], tmp_path / "merged")
    assert (merged / "python" / "shared.py").read_text() == "second"
    assert (merged / "python" / "only_first.py").read_text() == "first"
    assert merge_folders([second], merged) == merged  # already built: kept as it is
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []
