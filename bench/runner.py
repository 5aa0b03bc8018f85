"""Runs the scenarios on each target in turn, filling the results; a target or scenario that
fails is recorded as such and the run goes on."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import psutil
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench import latency, load
from bench.plan import Plan
from bench.results import Measurement, Metric, Results
from bench.target import ApiTarget, Target

Step = Callable[[Callable[[int, int], None]], dict[str, Measurement]]
# In the order they run: idle memory before anything has run, scale-out last (it leaves
# hundreds of environments behind).
BUSY_PERCENT = 50.0
ORDER = ("memory.idle", "warm", "cold", "payload", "throughput", "memory", "reload", "scale")


class Runner:
    def __init__(self, plan: Plan, metrics: list[Metric], results: Results) -> None:
        self.plan = plan
        self.metrics = metrics
        self.results = results
        self.failures: dict[str, str] = {}  # target → why it could not run
        self.seconds: dict[str, float] = {}  # target → wall time, start to stop
        self.steps: dict[str, dict[str, float]] = {}  # target → scenario (and "stop") → s
        # target → (1-minute load average at its start, % CPU busy while it ran)
        self.load: dict[str, tuple[float, float]] = {}
        self.progress = Progress(TextColumn("{task.description:<44}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn())

    def run(self, targets: list[Target]) -> None:
        with self.progress:
            overall = self.progress.add_task("targets", total=len(targets))
            for target in targets:
                self.progress.update(overall, description=f"[bold]{target.name}")
                self._settle()
                began, load = time.monotonic(), os.getloadavg()[0]
                psutil.cpu_percent()  # from here on
                self._run_target(target)
                self.seconds[target.name] = time.monotonic() - began
                self.load[target.name] = (load, psutil.cpu_percent())
                self.progress.advance(overall)

    def _settle(self) -> None:
        """Give the machine a moment to calm down (the previous target's clean-up, other
        work) before a target starts; says so when it stays busy."""
        deadline = time.monotonic() + self.plan.settle_seconds
        while (busy := psutil.cpu_percent(interval=1.0)) > BUSY_PERCENT:
            if time.monotonic() > deadline:
                self.say(f"[yellow]the machine stays busy ({busy:.0f}% CPU): figures will be "
                         "slower than on an idle machine")
                return

    def say(self, line: str) -> None:
        self.progress.console.print(f"  {line}")

    def _run_target(self, target: Target) -> None:
        began = time.monotonic()
        try:
            target.start(self.say)
        except Exception as error:  # a peer that cannot run is reported, never fatal
            why = str(error).splitlines()[0] if str(error) else type(error).__name__
            self.failures[target.name] = why
            self.say(f"[yellow]{target.name} could not run:[/] {why}")
            self._mark(target, "", Measurement.absent(f"could not run: {why}"))
            target.stop()
            return
        self._took(target, "start", began)
        try:
            for scenario in ORDER:
                self._step(target, scenario)
        finally:
            self.say(f"stopping {target.name}")
            began = time.monotonic()
            try:
                target.stop()
            except Exception as error:  # what it left is the next target's noise, not fatal
                self.say(f"[red]{target.name}: stopping failed:[/] {error}")
            self._took(target, "stop", began)

    def _step(self, target: Target, scenario: str) -> None:
        why = target.unsupported(scenario.split(".")[0]) or target.unsupported(scenario)
        if why:
            self._mark(target, scenario, Measurement.absent(why))
            return
        task = self.progress.add_task(f"  {target.name}: {scenario}", total=None)
        began = time.monotonic()

        def tick(done: int, total: int) -> None:
            self.progress.update(task, completed=done, total=total)

        try:
            found = self._scenario(target, scenario)(tick)
        except Exception as error:  # one failed scenario must not sink the run
            self.say(f"[red]{target.name}: {scenario} failed:[/] {error}")
            self._mark(target, scenario, Measurement.absent(f"failed: {error}"))
            found = {}
        finally:
            self.progress.remove_task(task)
            self._took(target, scenario, began)
        for key, measurement in found.items():
            self.results.put(key, target.name, measurement)

    def _took(self, target: Target, step: str, began: float) -> None:
        seconds = time.monotonic() - began
        self.steps.setdefault(target.name, {})[step] = seconds
        self.say(f"{target.name}: {step} took {seconds:.1f} s")

    def _scenario(self, target: Target, scenario: str) -> Step:
        plan = self.plan
        if scenario == "warm":
            return lambda tick: latency.warm(target, plan, tick)
        if scenario == "payload":
            return lambda tick: latency.payloads(target, plan, tick)
        assert isinstance(target, ApiTarget), f"{scenario} needs a Lambda API"
        steps: dict[str, Step] = {
            "memory.idle": lambda tick: load.memory_idle(target),
            "cold": lambda tick: latency.cold(target, plan, tick),
            "throughput": lambda tick: load.throughput(target, plan, tick),
            "memory": lambda tick: self._memory(target, tick),
            "scale": lambda tick: load.scale_out(target, plan, tick),
            "reload": lambda tick: latency.hot_reload(target, plan, tick),
        }
        return steps[scenario]

    def _memory(self, target: ApiTarget, tick: Callable[[int, int], None]
                ) -> dict[str, Measurement]:
        found = {}
        for part in ("memory.loaded", "memory.environment"):
            why = target.unsupported(part)
            if why:
                found[part] = Measurement.absent(why)
        scale = "memory.loaded" not in found
        measured = load.memory_loaded(target, self.plan, tick, scale)
        return {**measured, **found}

    def _mark(self, target: Target, scenario: str, measurement: Measurement) -> None:
        """The same absent measurement for every metric of a scenario ("" = all)."""
        for metric in self.metrics:
            prefix = metric.key.split(".")[0]
            if scenario in ("", prefix, metric.key) or (scenario == "warm" and
                                                        prefix == "overhead"):
                if self.results.get(metric.key, target.name) is None:
                    self.results.put(metric.key, target.name, measurement)
