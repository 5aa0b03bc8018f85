"""Standby slots and their bookkeeping, without Docker: folders, the assignment pipe, linking
code in, which functions may use a standby, and how many to keep per profile."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from simulator.executors.standby import (
    StandbyPool,
    StandbyProfile,
    StandbySlot,
    link_tree,
    servable,
)

PROFILE = StandbyProfile("lambda-sim/python3.11", 128, 512)


def test_link_tree_mirrors_files_folders_and_links_into_an_existing_folder(
        tmp_path: Path) -> None:
    source = tmp_path / "code"
    (source / "pkg" / "sub").mkdir(parents=True)
    (source / "app.py").write_text("app")
    (source / "pkg" / "sub" / "mod.py").write_text("mod")
    os.symlink("pkg", source / "alias")
    target = tmp_path / "slot"
    target.mkdir()
    link_tree(source, target)
    assert (target / "app.py").read_text() == "app"
    assert (target / "pkg" / "sub" / "mod.py").read_text() == "mod"
    assert os.readlink(target / "alias") == "pkg"
    assert (target / "app.py").stat().st_ino == (source / "app.py").stat().st_ino


def test_a_slot_hands_its_assignment_to_the_reader_of_its_pipe(tmp_path: Path) -> None:
    slot = StandbySlot(tmp_path, PROFILE)
    slot.prepare()
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text("x")
    slot.assign(code, None, {"AWS_LAMBDA_FUNCTION_NAME": "f"})  # the reader comes later
    with open(slot.channel, "rb") as pipe:
        assert json.loads(pipe.read()) == {"variables": {"AWS_LAMBDA_FUNCTION_NAME": "f"}}
    assert (slot.task_dir / "app.py").read_text() == "x"
    assert slot.folder == tmp_path / slot.id


def test_discarding_a_slot_releases_a_writer_that_nobody_will_read(tmp_path: Path) -> None:
    slot = StandbySlot(tmp_path, PROFILE)
    slot.prepare()
    code = tmp_path / "code"
    code.mkdir()
    before = {t.name for t in threading.enumerate()}
    slot.assign(code, None, {})
    writers = [t for t in threading.enumerate()
               if t.name.startswith("standby-assign") and t.name not in before]
    slot.discard()
    for writer in writers:
        writer.join(timeout=5)
        assert not writer.is_alive()
    assert not slot.folder.exists()


def test_only_our_python_runtime_without_interpreter_variables_is_servable() -> None:
    assert servable("python3.11", {"PYTHONPATH": "/var/runtime", "MINE": "1"}, False)
    assert not servable("python3.11", {"PYTHONUTF8": "1"}, False)
    assert not servable("python3.11", {}, debugging=True)
    assert not servable("nodejs20.x", {}, False)
    assert not servable("provided.al2023", {}, False)


def test_the_pool_keeps_its_count_per_profile_and_the_latest_profiles() -> None:
    pool = StandbyPool(per_profile=2, max_profiles=2)
    assert pool.to_start(PROFILE) == (2, [])
    assert pool.to_start(PROFILE) == (0, [])  # two are starting already
    slots = [StandbySlot(Path("/nonexistent"), PROFILE) for _ in range(2)]
    assert all(pool.started(slot, PROFILE) for slot in slots)
    assert pool.claim(PROFILE) is slots[0]
    assert pool.to_start(PROFILE) == (1, [])
    assert pool.started(None, PROFILE) is False  # that one failed to start
    other, third = StandbyProfile("lambda-sim/python3.13", 128, 512), StandbyProfile("x", 256, 512)
    pool.to_start(other)
    count, evicted = pool.to_start(third)
    assert count == 2 and evicted == [slots[1]]  # the least recently used profile goes
    assert pool.claim(PROFILE) is None
    pool.remove(slots[1])
    assert pool.drain() == []


def test_link_tree_leaves_out_the_standby_folders_inside_a_code_folder(tmp_path: Path) -> None:
    """A template's `CodeUri: .` holds the state folder: no slot may get another's files."""
    project = tmp_path / "project"
    slots = project / ".lambda-sim" / "standby"
    other = StandbySlot(slots, PROFILE)
    other.prepare()
    (project / "app.py").write_text("app")
    mine = StandbySlot(slots, PROFILE)
    mine.prepare()
    link_tree(project, mine.task_dir, slots.resolve())
    assert (mine.task_dir / "app.py").read_text() == "app"
    assert not (mine.task_dir / ".lambda-sim" / "standby").exists()


def test_start_variables_keep_a_function_off_standby() -> None:
    assert not servable("python3.11", {"LD_LIBRARY_PATH": "/var/task/lib"}, False)
    assert not servable("python3.11", {"LC_ALL": "C"}, False)


def test_functions_deployed_and_not_yet_started_each_want_a_slot_up_to_a_bound() -> None:
    pool = StandbyPool(per_profile=1, max_wanted=3)
    for _ in range(5):
        pool.want(PROFILE)
    assert pool.to_start(PROFILE) == (3, [])  # three wanted, not five: the bound
    slots = [StandbySlot(Path("/nonexistent"), PROFILE) for _ in range(3)]
    assert all(pool.started(slot, PROFILE) for slot in slots)
    assert pool.claim(PROFILE) is slots[0]  # one function started: two still want one
    assert pool.to_start(PROFILE) == (0, [])
    assert pool.claim(PROFILE) is slots[1]
    assert pool.claim(PROFILE) is slots[2]
    assert pool.to_start(PROFILE) == (1, [])  # back to the standing one


def test_without_standby_deployed_functions_start_none() -> None:
    pool = StandbyPool(per_profile=0)
    pool.want(PROFILE)
    assert pool.to_start(PROFILE) == (0, [])


def test_a_profile_pushed_out_forgets_what_it_wanted() -> None:
    pool = StandbyPool(per_profile=1, max_profiles=1)
    pool.want(PROFILE)
    pool.want(PROFILE)
    assert pool.to_start(PROFILE) == (2, [])
    slots = [StandbySlot(Path("/nonexistent"), PROFILE) for _ in range(2)]
    assert all(pool.started(slot, PROFILE) for slot in slots)
    assert pool.to_start(StandbyProfile("x", 256, 512)) == (1, slots)  # PROFILE pushed out
    assert pool.to_start(PROFILE) == (1, [])  # the standing one only


def test_a_claim_waits_for_a_slot_already_starting_and_not_for_none() -> None:
    pool = StandbyPool(per_profile=1)
    assert pool.claim(PROFILE, wait=5.0) is None  # nothing starting: at once
    assert pool.to_start(PROFILE) == (1, [])
    slot = StandbySlot(Path("/nonexistent"), PROFILE)
    threading.Timer(0.05, pool.started, (slot, PROFILE)).start()
    assert pool.claim(PROFILE, wait=5.0) is slot
    assert pool.to_start(PROFILE) == (1, [])
    failing = threading.Timer(0.05, pool.started, (None, PROFILE))
    failing.start()
    assert pool.claim(PROFILE, wait=5.0) is None  # it failed to start: no slot to wait for
    failing.join()
