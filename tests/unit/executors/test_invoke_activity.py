"""InvokeActivity: a wait for a lull in invokes, ended by the lull, its bound, a hurry or a
stop."""

from __future__ import annotations

import threading
import time

from simulator.executors.invoke_activity import InvokeActivity

LULL = 0.05


def timed_wait(activity: InvokeActivity, longest: float,
               stop: threading.Event | None = None) -> float:
    began = time.monotonic()
    activity.wait_for_lull(longest, stop or threading.Event())
    return time.monotonic() - began


def keep_invoking(activity: InvokeActivity, until: threading.Event) -> threading.Thread:
    def invoke() -> None:
        while not until.is_set():
            activity.note()
            time.sleep(0.005)

    thread = threading.Thread(target=invoke, daemon=True)
    thread.start()
    return thread


def test_with_no_invoke_yet_the_wait_ends_at_once() -> None:
    assert timed_wait(InvokeActivity(LULL), longest=5.0) < LULL


def test_after_an_invoke_the_wait_lasts_until_the_lull() -> None:
    activity = InvokeActivity(LULL)
    activity.note()

    waited = timed_wait(activity, longest=5.0)

    assert LULL * 0.8 <= waited < 1.0


def test_steady_invokes_put_the_wait_off_until_its_bound() -> None:
    activity = InvokeActivity(LULL)
    done = threading.Event()
    invoker = keep_invoking(activity, done)
    try:
        waited = timed_wait(activity, longest=0.4)
    finally:
        done.set()
        invoker.join()

    assert 0.35 <= waited < 2.0


def test_a_hurry_ends_every_wait_under_way() -> None:
    activity = InvokeActivity(LULL)
    done = threading.Event()
    invoker = keep_invoking(activity, done)
    waits: list[float] = []
    waiters = [threading.Thread(target=lambda: waits.append(timed_wait(activity, 10.0)))
               for _ in range(3)]
    try:
        for waiter in waiters:
            waiter.start()
        time.sleep(0.2)
        activity.hurry()
        for waiter in waiters:
            waiter.join(timeout=5.0)
    finally:
        done.set()
        invoker.join()

    assert len(waits) == 3
    assert all(0.15 <= waited < 5.0 for waited in waits)


def test_a_stop_ends_the_wait() -> None:
    activity = InvokeActivity(LULL)
    stop = threading.Event()
    done = threading.Event()
    invoker = keep_invoking(activity, done)
    threading.Timer(0.1, stop.set).start()
    try:
        waited = timed_wait(activity, longest=10.0, stop=stop)
    finally:
        done.set()
        invoker.join()

    assert waited < 5.0


def test_the_wait_follows_the_clock_it_is_given() -> None:
    now = [100.0]
    activity = InvokeActivity(LULL, clock=lambda: now[0])
    activity.note()
    now[0] += 2 * LULL

    assert timed_wait(activity, longest=5.0) < LULL
