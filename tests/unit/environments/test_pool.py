"""The environment pool and its environments, driven through the fake executor: warm reuse,
scale-out, throttling, reaping, retirement after updates, failed launches and crashes."""

from __future__ import annotations

import base64
import dataclasses
import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest

from simulator.api.runtime_api import RuntimeApiListener
from simulator.config import Settings
from simulator.environments.environment import Environment
from simulator.environments.pool import EnvironmentPool, PoolLimits, image_settings
from simulator.errors import ServiceException, TooManyRequestsException
from simulator.executors.fake import Crash, FakeContext, FakeExecutor, FakeRuntime
from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_store import VersionStore
from simulator.invocation.invoker import Invoker
from simulator.models import FunctionConfig
from simulator.observability.log_store import LogStore
from tests.helpers import ROLE, eventually, make_zip

CODE = base64.b64encode(make_zip({"app.py": "# the fake executor runs registered callables\n"}))


def environment_of(event: Any, context: FakeContext) -> str:
    """Answers with the log stream name, which names the environment that ran the event."""
    if event.get("crash"):
        raise Crash(3)
    return context.variables["AWS_LAMBDA_LOG_STREAM_NAME"]


@dataclass
class Stack:
    """Service, pool and registry composed as the simulator composes them, without its HTTP
    app and event sources: what these tests exercise, and nothing they would wait for."""

    registry: FunctionRegistry
    pool: EnvironmentPool
    functions: FunctionOperations
    invoker: Invoker

    def close(self) -> None:
        self.invoker.shutdown()
        self.pool.shutdown()
        self.registry.close()


Start = Callable[..., Stack]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    """Builds stacks on a fake executor with the given settings; all closed afterwards."""
    started: list[Stack] = []

    def start_stack(executor: FakeExecutor, **overrides: Any) -> Stack:
        state_dir = tmp_path / f"state-{len(started)}"
        settings = Settings.from_env(environ={}, port=0, state_dir=state_dir, **overrides)
        registry = FunctionRegistry(state_dir / "functions.db")
        pool = EnvironmentPool(
            executor,
            open_endpoint=lambda environment: RuntimeApiListener(
                environment, executor.runtime_api_host(), pool.owner_of
            ),
            emit_log=LogStore().append,
            region=settings.region,
            limits=PoolLimits(settings.account_concurrency, settings.idle_timeout),
        )
        functions = FunctionOperations(settings, registry, CodeStore(state_dir / "code"), pool,
                                       VersionStore(state_dir / "versions.db"))
        started.append(Stack(registry, pool, functions, Invoker(settings, functions, pool)))
        return started[-1]

    yield start_stack
    for stack in started:
        stack.close()


def create(stack: Stack, name: str = "fn", handler: str = "app.handler",
           reserved: int | None = None, **fields: Any) -> FunctionConfig:
    stack.functions.create_function({
        "FunctionName": name, "Runtime": "python3.12", "Role": ROLE, "Handler": handler,
        "Code": {"ZipFile": CODE.decode()}, **fields,
    })
    if reserved is not None:
        stack.functions.put_function_concurrency(name, {"ReservedConcurrentExecutions": reserved})
    return current(stack, name)


def current(stack: Stack, name: str = "fn") -> FunctionConfig:
    function = stack.registry.get(name)
    assert function is not None
    return function


def runtime_ended(environment: Environment) -> bool:
    runtime = cast(FakeRuntime, environment.runtime)
    runtime.thread.join(3)
    return not runtime.thread.is_alive()


@pytest.fixture
def executor() -> FakeExecutor:
    return FakeExecutor({"app.handler": environment_of})


# -- warm and cold ----------------------------------------------------------------------------


def test_first_acquire_is_cold_and_the_second_gets_the_same_environment_warm(
    start: Start, executor: FakeExecutor
) -> None:
    stack = start(executor)
    function = create(stack)

    first, first_cold = stack.pool.acquire(function)
    stack.pool.release(first)
    second, second_cold = stack.pool.acquire(function)

    assert (first_cold, second_cold) == (True, False)
    assert second is first
    assert executor.launches == 1


def test_invocations_in_a_row_run_in_one_warm_environment(
    start: Start, executor: FakeExecutor
) -> None:
    stack = start(executor)
    function = create(stack)

    results = [stack.invoker.run(function, b"{}") for _ in range(3)]

    assert [result.cold for result in results] == [True, False, False]
    assert len({result.payload for result in results}) == 1
    assert stack.pool.counts("fn").warm == 1


def test_concurrent_invocations_each_get_an_environment_of_their_own(start: Start) -> None:
    count = 4
    together = threading.Barrier(count, timeout=5)

    def meet(event: Any, context: FakeContext) -> str:
        together.wait()
        return environment_of(event, context)

    executor = FakeExecutor({"app.handler": meet}, launch_delay=0.01)
    stack = start(executor)
    function = create(stack)

    with ThreadPoolExecutor(count) as threads:
        results = list(threads.map(lambda _: stack.invoker.run(function, b"{}"),
                                   range(count)))

    assert [result.error_type for result in results] == [None] * count
    assert len({result.payload for result in results}) == count
    assert all(result.cold for result in results)
    assert executor.launches == count
    assert stack.pool.counts("fn").warm == count


class OneStartAtATime(FakeExecutor):
    """An engine that makes one environment at a time, slowly; records the most launches
    it saw under way at once."""

    parallel_starts = 1

    def __init__(self) -> None:
        super().__init__({"app.handler": environment_of}, launch_delay=0.2)
        self.under_way = 0
        self.most_under_way = 0
        self._counting = threading.Lock()

    def launch(self, *args: Any, **kwargs: Any) -> Any:
        with self._counting:
            self.under_way += 1
            self.most_under_way = max(self.most_under_way, self.under_way)
        try:
            return super().launch(*args, **kwargs)
        finally:
            with self._counting:
                self.under_way -= 1


def test_invokes_past_the_executors_parallel_starts_wait_and_take_a_freed_environment(
        start: Start) -> None:
    """A burst on an engine that makes environments slowly: no more launches run at once
    than the executor takes, and the invokes that waited for one are answered by the warm
    environments that freed up meanwhile."""
    executor = OneStartAtATime()
    stack = start(executor)
    function = create(stack)
    count = 8

    with ThreadPoolExecutor(count) as threads:
        results = list(threads.map(lambda _: stack.invoker.run(function, b"{}"),
                                   range(count)))

    assert [result.error_type for result in results] == [None] * count
    assert executor.most_under_way == 1
    assert executor.launches < count
    assert sum(not result.cold for result in results) == count - executor.launches


# -- throttling -------------------------------------------------------------------------------


def test_reserved_concurrency_throttles_past_the_reservation(
    start: Start, executor: FakeExecutor
) -> None:
    stack = start(executor)
    function = create(stack, reserved=1)
    held, _ = stack.pool.acquire(function)

    with pytest.raises(TooManyRequestsException) as throttled:
        stack.pool.acquire(function)

    assert throttled.value.fields["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    stack.pool.release(held)
    again, _ = stack.pool.acquire(function)
    assert again is held


def test_reserved_concurrency_of_zero_throttles_every_invoke(
    start: Start, executor: FakeExecutor
) -> None:
    stack = start(executor)
    create(stack, reserved=0)

    with pytest.raises(TooManyRequestsException) as throttled:
        stack.invoker.invoke("fn", None, b"{}")

    assert throttled.value.status == 429
    assert throttled.value.fields["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert executor.launches == 0


def test_account_concurrency_throttles_across_functions(
    start: Start, executor: FakeExecutor
) -> None:
    stack = start(executor, account_concurrency=2)
    first, second = create(stack, "first"), create(stack, "second")
    stack.pool.acquire(first)
    stack.pool.acquire(second)

    with pytest.raises(TooManyRequestsException) as throttled:
        stack.pool.acquire(first)

    assert throttled.value.fields["Reason"] == "ConcurrentInvocationLimitExceeded"


# -- reaping and retirement -------------------------------------------------------------------


def test_idle_environments_are_reaped_after_the_idle_timeout(
    start: Start, executor: FakeExecutor
) -> None:
    stack = start(executor, idle_timeout=0.2)
    function = create(stack)
    busy, _ = stack.pool.acquire(function)
    idle, _ = stack.pool.acquire(function)
    stack.pool.release(idle)

    assert eventually(lambda: not idle.alive)

    assert busy.alive, "an environment in use is never reaped"
    assert runtime_ended(idle)
    assert stack.pool.counts("fn").warm == 0
    _, cold = stack.pool.acquire(function)
    assert cold


def test_an_update_stops_idle_environments_at_once_and_busy_ones_on_release(
    start: Start, executor: FakeExecutor
) -> None:
    stack = start(executor)
    function = create(stack)
    busy, _ = stack.pool.acquire(function)
    idle, _ = stack.pool.acquire(function)
    stack.pool.release(idle)

    stack.functions.update_function_configuration("fn", {"Description": "second"})

    assert eventually(lambda: not idle.alive)
    assert busy.alive
    stack.pool.release(busy)
    assert not busy.alive
    assert runtime_ended(busy) and runtime_ended(idle)
    fresh, cold = stack.pool.acquire(current(stack))
    assert cold and fresh not in (busy, idle)


def test_a_busy_environment_of_a_deleted_function_never_serves_its_successor(
    start: Start,
) -> None:
    entered, finish = threading.Event(), threading.Event()

    def old(event: Any, context: FakeContext) -> str:
        entered.set()
        finish.wait(5)
        return "old"

    stack = start(FakeExecutor({"app.old": old, "app.new": lambda event, context: "new"}))
    create(stack, handler="app.old")
    with ThreadPoolExecutor(1) as threads:
        running = threads.submit(stack.invoker.invoke, "fn", None, b"{}")
        assert entered.wait(5)
        stack.functions.delete_function("fn")
        create(stack, handler="app.new")
        assert stack.invoker.invoke("fn", None, b"{}").payload == b'"new"'
        finish.set()
        assert running.result(5).payload == b'"old"'

    assert stack.invoker.invoke("fn", None, b"{}").payload == b'"new"'


# -- tenant isolation -------------------------------------------------------------------------

PER_TENANT = {"TenancyConfig": {"TenantIsolationMode": "PER_TENANT"}}


def tenant_and_environment(event: Any, context: FakeContext) -> list[Any]:
    return [context.tenant_id, context.variables["AWS_LAMBDA_LOG_STREAM_NAME"]]


def test_each_tenant_runs_in_environments_of_its_own_and_reuses_them_warm(
    start: Start,
) -> None:
    stack = start(FakeExecutor({"app.handler": tenant_and_environment}))
    create(stack, **PER_TENANT)

    def run(tenant: str) -> tuple[list[Any], bool]:
        result = stack.invoker.invoke("fn", None, b"{}", tenant_id=tenant).result
        assert result is not None
        return json.loads(result.payload), result.cold

    (blue_tenant, blue_env), blue_cold = run("blue")
    (green_tenant, green_env), green_cold = run("green")
    (again_tenant, again_env), again_cold = run("blue")

    assert (blue_tenant, green_tenant, again_tenant) == ("blue", "green", "blue")
    assert green_env != blue_env and (blue_cold, green_cold) == (True, True)
    assert again_env == blue_env and not again_cold
    assert stack.pool.counts("fn").warm == 2


def test_an_update_retires_every_tenants_idle_environments(
    start: Start, executor: FakeExecutor
) -> None:
    stack = start(executor)
    function = create(stack, **PER_TENANT)
    blue, _ = stack.pool.acquire(dataclasses.replace(function, tenant_id="blue"))
    green, _ = stack.pool.acquire(dataclasses.replace(function, tenant_id="green"))
    stack.pool.release(blue)
    stack.pool.release(green)

    stack.functions.update_function_configuration("fn", {"Description": "second"})

    assert eventually(lambda: not blue.alive and not green.alive)
    updated = dataclasses.replace(current(stack), tenant_id="blue")
    fresh, cold = stack.pool.acquire(updated)
    stack.pool.release(fresh)
    again, warm_cold = stack.pool.acquire(updated)
    assert cold and fresh not in (blue, green)
    assert again is fresh and not warm_cold, "the new generation's environments stay warm"


def test_a_deleted_function_takes_every_tenants_environments(
    start: Start, executor: FakeExecutor
) -> None:
    stack = start(executor)
    function = create(stack, **PER_TENANT)
    blue, _ = stack.pool.acquire(dataclasses.replace(function, tenant_id="blue"))
    stack.pool.release(blue)

    stack.functions.delete_function("fn")

    assert eventually(lambda: not blue.alive)


def test_idle_tenant_environments_are_reaped(start: Start, executor: FakeExecutor) -> None:
    stack = start(executor, idle_timeout=0.2)
    function = dataclasses.replace(create(stack, **PER_TENANT), tenant_id="blue")
    idle, _ = stack.pool.acquire(function)
    stack.pool.release(idle)

    assert eventually(lambda: not idle.alive)

    assert stack.pool.counts("fn").warm == 0
    _, cold = stack.pool.acquire(function)
    assert cold


# -- failures ---------------------------------------------------------------------------------


def test_a_failed_launch_gives_its_concurrency_back(start: Start) -> None:
    executor = FakeExecutor({"app.handler": environment_of}, fail_launch=True)
    stack = start(executor)
    function = create(stack, reserved=1)

    with pytest.raises(ServiceException) as failed:
        stack.invoker.invoke("fn", None, b"{}")

    assert failed.value.status == 500
    assert stack.pool.live_environments() == []
    executor.fail_launch = False
    environment, cold = stack.pool.acquire(function)
    assert cold and environment.alive


def test_a_runtime_crash_answers_exit_error_and_the_next_invoke_starts_afresh(
    start: Start, executor: FakeExecutor
) -> None:
    stack = start(executor)
    create(stack)
    warm = stack.invoker.invoke("fn", None, b"{}")

    crashed = stack.invoker.invoke("fn", None, b'{"crash": true}')
    after = stack.invoker.invoke("fn", None, b"{}")

    error = json.loads(crashed.payload)
    assert crashed.function_error == "Unhandled"
    assert error["errorType"] == "Runtime.ExitError"
    assert error["errorMessage"].endswith("Runtime exited with error: exit status 3")
    assert after.function_error is None and after.result is not None and after.result.cold
    assert after.payload != warm.payload
    assert executor.launches == 2


def test_a_timed_out_invocation_answers_sandbox_timedout_and_loses_its_environment(
    start: Start,
) -> None:
    finish = threading.Event()
    executor = FakeExecutor({"app.handler": environment_of,
                             "app.stuck": lambda event, context: finish.wait(5)})
    stack = start(executor)
    create(stack, handler="app.stuck", Timeout=1)

    timed_out = stack.invoker.invoke("fn", None, b"{}")
    finish.set()

    error = json.loads(timed_out.payload)
    assert error["errorType"] == "Sandbox.Timedout"
    assert error["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert eventually(lambda: stack.pool.live_environments() == [])


def test_a_failed_init_answers_its_invocation_and_is_not_reused(
    start: Start, executor: FakeExecutor
) -> None:
    stack = start(executor)
    create(stack, handler="app.missing")

    first = stack.invoker.invoke("fn", None, b"{}")
    second = stack.invoker.invoke("fn", None, b"{}")

    assert json.loads(first.payload)["errorType"] == "Runtime.ImportModuleError"
    assert json.loads(second.payload)["errorType"] == "Runtime.ImportModuleError"
    assert executor.launches == 2
    assert eventually(lambda: stack.pool.live_environments() == [])


def test_shutdown_stops_every_environment_and_answers_the_invocation_in_flight(
    start: Start,
) -> None:
    entered, finish = threading.Event(), threading.Event()

    def blocking(event: Any, context: FakeContext) -> str:
        entered.set()
        finish.wait(5)
        return "too late"

    executor = FakeExecutor({"app.handler": environment_of, "app.blocking": blocking})
    stack = start(executor)
    idle_function, busy_function = create(stack, "idle"), create(stack, "busy",
                                                                      "app.blocking")
    stack.invoker.run(idle_function, b"{}")
    with ThreadPoolExecutor(1) as threads:
        running = threads.submit(stack.invoker.run, busy_function, b"{}")
        assert entered.wait(5)
        environments = stack.pool.live_environments()

        stack.pool.shutdown()

        result = running.result(5)
        finish.set()
    assert len(environments) == 2
    assert result.error_type == "Runtime.ExitError"
    assert b"Runtime exited with error: signal: killed" in result.payload
    assert stack.pool.live_environments() == []
    assert not any(environment.alive for environment in environments)
    assert all(runtime_ended(environment) for environment in environments)


def test_an_image_function_launches_its_pinned_image_with_its_overrides() -> None:
    function = FunctionConfig(
        name="img", runtime="", role=ROLE, handler="", code_sha256="ab12", code_size=0,
        package_type="Image", image_uri="app:1",
        image_config={"EntryPoint": ["/entry"], "Command": ["app.handler"],
                      "WorkingDirectory": "/srv"})

    assert image_settings(function) == {"image": "sha256:ab12", "entrypoint": ("/entry",),
                                        "command": ("app.handler",), "working_dir": "/srv"}
    unresolved = dataclasses.replace(function, code_sha256="", image_config=None)
    assert image_settings(unresolved) == {"image": "app:1", "entrypoint": None,
                                          "command": None, "working_dir": None}
    assert image_settings(dataclasses.replace(function, package_type="Zip")) == {}
