"""Runs the scenarios on each target in alternating rounds (`bench.rounds`), filling the
results; a target or scenario that fails is recorded as such and the run goes on."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import psutil
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench import latency, load
from bench.plan import Plan
from bench.results import Measurement, Metric, Results
from bench.rounds import QUIET_PERCENT, RoundLoad, combine, counted, reruns, round_plan, turn_order
from bench.target import ApiTarget, Target

Step = Callable[[Callable[[int, int], None]], dict[str, Measurement]]
# In the order they run: idle memory before anything has run, scale-out last (it leaves
# hundreds of environments behind).
ORDER = ("memory.idle", "warm", "cold", "payload", "throughput", "memory", "reload", "scale")


class Runner:
    def __init__(self, plan: Plan, metrics: list[Metric], results: Results) -> None:
        self.plan = plan
        self.metrics = metrics
        self.results = results
        self.failures: dict[str, str] = {}  # target → why it could not run
        self.seconds: dict[str, float] = {}  # target → wall time of all its rounds
        self.steps: dict[str, dict[str, float]] = {}  # target → scenario (and "stop") → s
        self.loads: list[RoundLoad] = []  # every round, in the order they ran
        self.progress = Progress(TextColumn("{task.description:<44}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn())

    def run(self, targets: list[Target]) -> None:
        by_name = {target.name: target for target in targets}
        per_round = round_plan(self.plan)
        rounds: dict[tuple[str, int], Results] = {}
        with self.progress:
            overall = self.progress.add_task("rounds", total=self.plan.rounds * len(targets))
            for number in range(1, self.plan.rounds + 1):
                for name in turn_order(list(by_name), number):
                    if name not in self.failures:
                        self.progress.update(overall, description=f"[bold]{name}, round "
                                             f"{number} of {self.plan.rounds}")
                        rounds[name, number] = self._round(by_name[name], number, per_round)
                    self.progress.advance(overall)
            for busy in reruns(self.loads):
                if busy.target not in self.failures:
                    self.say(f"{busy.target}: round {busy.round} started on a busy machine "
                             f"({busy.busy_before:.0f}% CPU): running it again")
                    rounds[busy.target, busy.round] = self._round(
                        by_name[busy.target], busy.round, per_round, rerun=True)
        for name in by_name:
            self._combine(name, [rounds[name, number] for number in sorted(counted(
                self.loads, name)) if (name, number) in rounds])

    def _round(self, target: Target, number: int, plan: Plan, rerun: bool = False) -> Results:
        busy_before = self._settle()
        began, load = time.monotonic(), os.getloadavg()[0]
        psutil.cpu_percent()  # from here on
        found = Results()
        self._run_target(target, plan, found)
        self.seconds[target.name] = self.seconds.get(target.name, 0.0) + (
            time.monotonic() - began)
        self.loads.append(RoundLoad(target.name, number, busy_before, load,
                                    psutil.cpu_percent(), rerun))
        return found

    def _combine(self, target: str, rounds: list[Results]) -> None:
        keys = dict.fromkeys(key for found in rounds for key in found.cells)
        for key in keys:
            measured = [m for found in rounds if (m := found.get(key, target)) is not None]
            self.results.put(key, target, combine(measured))

    def _settle(self) -> float:
        """Give the machine a moment to calm down (the previous round's clean-up, other work)
        before a round starts; the CPU share still busy then, which decides whether the
        round counts as run on a quiet machine."""
        deadline = time.monotonic() + self.plan.settle_seconds
        while (busy := psutil.cpu_percent(interval=1.0)) > QUIET_PERCENT:
            if time.monotonic() > deadline:
                self.say(f"[yellow]the machine stays busy ({busy:.0f}% CPU)")
                break
        return busy

    def say(self, line: str) -> None:
        self.progress.console.print(f"  {line}")

    def _run_target(self, target: Target, plan: Plan, found: Results) -> None:
        began = time.monotonic()
        try:
            target.start(self.say)
        except Exception as error:  # a peer that cannot run is reported, never fatal
            why = str(error).splitlines()[0] if str(error) else type(error).__name__
            self.failures[target.name] = why
            self.say(f"[yellow]{target.name} could not run:[/] {why}")
            self._mark(target, "", Measurement.absent(f"could not run: {why}"), found)
            target.stop()
            return
        self._took(target, "start", began)
        self._settle()  # what the target does ahead of demand (standby containers) is over
        try:
            for scenario in ORDER:
                self._step(target, scenario, plan, found)
        finally:
            self.say(f"stopping {target.name}")
            began = time.monotonic()
            try:
                target.stop()
            except Exception as error:  # what it left is the next target's noise, not fatal
                self.say(f"[red]{target.name}: stopping failed:[/] {error}")
            self._took(target, "stop", began)

    def _step(self, target: Target, scenario: str, plan: Plan, found: Results) -> None:
        why = target.unsupported(scenario.split(".")[0]) or target.unsupported(scenario)
        if why:
            self._mark(target, scenario, Measurement.absent(why), found)
            return
        task = self.progress.add_task(f"  {target.name}: {scenario}", total=None)
        began = time.monotonic()

        def tick(done: int, total: int) -> None:
            self.progress.update(task, completed=done, total=total)

        try:
            measured = self._scenario(target, scenario, plan)(tick)
        except Exception as error:  # one failed scenario must not sink the run
            self.say(f"[red]{target.name}: {scenario} failed:[/] {error}")
            self._mark(target, scenario, Measurement.absent(f"failed: {error}"), found)
            measured = {}
        finally:
            self.progress.remove_task(task)
            self._took(target, scenario, began)
        for key, measurement in measured.items():
            found.put(key, target.name, measurement)

    def _took(self, target: Target, step: str, began: float) -> None:
        seconds = time.monotonic() - began
        steps = self.steps.setdefault(target.name, {})
        steps[step] = steps.get(step, 0.0) + seconds
        self.say(f"{target.name}: {step} took {seconds:.1f} s")

    def _scenario(self, target: Target, scenario: str, plan: Plan) -> Step:
        if scenario == "warm":
            return lambda tick: latency.warm(target, plan, tick)
        if scenario == "payload":
            return lambda tick: latency.payloads(target, plan, tick)
        assert isinstance(target, ApiTarget), f"{scenario} needs a Lambda API"
        steps: dict[str, Step] = {
            "memory.idle": lambda tick: load.memory_idle(target),
            "cold": lambda tick: latency.cold(target, plan, tick),
            "throughput": lambda tick: load.throughput(target, plan, tick),
            "memory": lambda tick: self._memory(target, plan, tick),
            "scale": lambda tick: load.scale_out(target, plan, tick),
            "reload": lambda tick: latency.hot_reload(target, plan, tick),
        }
        return steps[scenario]

    def _memory(self, target: ApiTarget, plan: Plan, tick: Callable[[int, int], None]
                ) -> dict[str, Measurement]:
        found = {}
        for part in ("memory.loaded", "memory.environment"):
            why = target.unsupported(part)
            if why:
                found[part] = Measurement.absent(why)
        scale = "memory.loaded" not in found
        measured = load.memory_loaded(target, plan, tick, scale)
        return {**measured, **found}

    def _mark(self, target: Target, scenario: str, measurement: Measurement,
              found: Results) -> None:
        """The same absent measurement for every metric of a scenario ("" = all)."""
        for metric in self.metrics:
            prefix = metric.key.split(".")[0]
            if scenario in ("", prefix, metric.key) or (scenario == "warm" and
                                                        prefix == "overhead"):
                if found.get(metric.key, target.name) is None:
                    found.put(metric.key, target.name, measurement)
