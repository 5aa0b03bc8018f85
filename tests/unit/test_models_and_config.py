"""Function configuration as the API shows it, invocations, settings and exit wording."""

from __future__ import annotations

import re
import threading
import uuid
from pathlib import Path

import pytest

from simulator.config import DEFAULT_PORT, Settings
from simulator.environments.variables import lambda_variables
from simulator.executors.base import ExitStatus
from simulator.models import (
    LATEST,
    FunctionConfig,
    Invocation,
    InvocationResult,
    aws_timestamp,
)

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = "arn:aws:iam::123456789012:role/lambda-role"
LAST_MODIFIED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000")


def function(**changes: object) -> FunctionConfig:
    fields: dict[str, object] = {
        "name": "my-function",
        "runtime": "python3.12",
        "role": ROLE,
        "handler": "app.handler",
        "code_sha256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        "code_size": 321,
    }
    fields.update(changes)
    return FunctionConfig(**fields)  # type: ignore[arg-type]


# -- FunctionConfig ---------------------------------------------------------------------------


def test_to_api_has_the_function_configuration_shape() -> None:
    body = function().to_api(REGION, ACCOUNT)

    assert body["FunctionName"] == "my-function"
    assert body["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:my-function"
    assert body["Runtime"] == "python3.12"
    assert body["Role"] == ROLE
    assert body["Handler"] == "app.handler"
    assert body["CodeSha256"] == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    assert body["CodeSize"] == 321
    assert body["Version"] == "$LATEST"
    assert body["Timeout"] == 3
    assert body["MemorySize"] == 128
    assert body["PackageType"] == "Zip"
    assert body["Architectures"] == ["x86_64"]
    assert body["EphemeralStorage"] == {"Size": 512}
    assert body["TracingConfig"] == {"Mode": "PassThrough"}
    assert LAST_MODIFIED.fullmatch(body["LastModified"])
    assert uuid.UUID(body["RevisionId"])


def image_function() -> FunctionConfig:
    return function(runtime="", handler="", package_type="Image", image_uri="app:1",
                    resolved_image_uri="app@sha256:ab", code_sha256="ab", code_size=0,
                    image_config={"Command": ["app.handler"]})


def test_an_image_function_shows_its_image_config_and_no_runtime() -> None:
    body = image_function().to_api(REGION, ACCOUNT)

    assert body["PackageType"] == "Image"
    assert "Runtime" not in body and "Handler" not in body
    assert body["ImageConfigResponse"] == {"ImageConfig": {"Command": ["app.handler"]}}


def test_an_image_function_survives_persistence() -> None:
    stored = image_function()
    assert FunctionConfig.from_json(stored.to_json()) == stored


def test_vpc_config_is_shown_with_a_vpc_id_that_follows_the_subnets() -> None:
    vpc = {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}
    body = function(vpc_config=vpc).to_api(REGION, ACCOUNT)

    assert body["VpcConfig"]["SubnetIds"] == ["subnet-1"]
    assert body["VpcConfig"]["SecurityGroupIds"] == ["sg-1"]
    assert re.fullmatch(r"vpc-[0-9a-f]{17}", body["VpcConfig"]["VpcId"])
    assert function(vpc_config=vpc).to_api(REGION, ACCOUNT)["VpcConfig"] == body["VpcConfig"]
    assert "VpcConfig" not in function().to_api(REGION, ACCOUNT)


def test_an_image_keeps_its_own_runtime_variables() -> None:
    variables = lambda_variables(image_function(), "stream", "10.0.0.1:9001", REGION)

    for name in ("_HANDLER", "AWS_EXECUTION_ENV", "PATH", "PYTHONPATH", "LANG"):
        assert name not in variables
    assert variables["AWS_LAMBDA_RUNTIME_API"] == "10.0.0.1:9001"
    assert lambda_variables(function(), "s", "h:1", REGION)["_HANDLER"] == "app.handler"


def test_pending_function_says_it_is_being_created() -> None:
    body = function(state="Pending").to_api(REGION, ACCOUNT)

    assert body["State"] == "Pending"
    assert body["StateReason"] == "The function is being created."
    assert body["StateReasonCode"] == "Creating"


def test_active_function_has_no_state_reason() -> None:
    body = function(state="Active", last_update_status="Successful").to_api(REGION, ACCOUNT)

    assert body["State"] == "Active"
    assert body["LastUpdateStatus"] == "Successful"
    assert "StateReason" not in body
    assert "StateReasonCode" not in body
    assert "LastUpdateStatusReason" not in body


def test_update_in_progress_carries_a_reason() -> None:
    body = function(state="Active", last_update_status="InProgress").to_api(REGION, ACCOUNT)

    assert body["LastUpdateStatus"] == "InProgress"
    assert body["LastUpdateStatusReason"]
    assert body["LastUpdateStatusReasonCode"]


def test_environment_is_left_out_when_there_are_no_variables() -> None:
    assert "Environment" not in function().to_api(REGION, ACCOUNT)


def test_environment_variables_are_shown_under_variables() -> None:
    config = function(environment={"STAGE": "dev"})

    body = config.to_api(REGION, ACCOUNT)
    body["Environment"]["Variables"]["STAGE"] = "changed by the caller"

    assert config.to_api(REGION, ACCOUNT)["Environment"] == {"Variables": {"STAGE": "dev"}}


def test_updated_bumps_generation_and_revision() -> None:
    original = function(state="Active")

    changed = original.updated(timeout=30)

    assert changed.timeout == 30
    assert changed.generation == original.generation + 1
    assert changed.revision_id != original.revision_id
    assert LAST_MODIFIED.fullmatch(changed.last_modified)
    assert original.timeout == 3
    assert changed.updated().generation == original.generation + 2


def test_updated_keeps_what_was_not_changed() -> None:
    original = function(state="Active", memory_size=256, environment={"A1": "x"})

    changed = original.updated(timeout=10)

    assert (changed.name, changed.memory_size, changed.environment, changed.code_sha256) == (
        original.name,
        original.memory_size,
        original.environment,
        original.code_sha256,
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (0.0, "1970-01-01T00:00:00.000+0000"),
        (1_700_000_000.1234, "2023-11-14T22:13:20.123+0000"),
        (1_700_000_000.9999, "2023-11-14T22:13:20.999+0000"),
    ],
)
def test_last_modified_uses_lambda_timestamp_format(moment: float, expected: str) -> None:
    assert aws_timestamp(moment) == expected


# -- Invocation -------------------------------------------------------------------------------


def invocation() -> Invocation:
    return Invocation(payload=b"{}", invoked_arn="arn:aws:lambda:us-east-1:1:function:f")


def test_invocations_get_distinct_request_ids() -> None:
    assert invocation().request_id != invocation().request_id
    assert uuid.UUID(invocation().request_id)


def test_finish_records_the_answer_and_wakes_waiters() -> None:
    inv = invocation()
    result = InvocationResult(b'"ok"')

    assert inv.finish(result) is True

    assert inv.result is result
    assert inv.done.is_set()
    assert inv.dispatched.is_set()


def test_finish_keeps_the_first_answer() -> None:
    inv = invocation()
    response = InvocationResult(b'"ok"')
    crash = InvocationResult(b'{"errorType": "Runtime.ExitError"}', "Runtime.ExitError")

    assert inv.finish(response) is True
    assert inv.finish(crash) is False

    assert inv.result is response
    assert not inv.result.failed


def test_finish_keeps_exactly_one_answer_when_two_threads_race() -> None:
    for _ in range(200):
        inv = invocation()
        answers = [InvocationResult(b"1"), InvocationResult(b"2", "Unhandled")]
        won: list[InvocationResult] = []
        barrier = threading.Barrier(2)

        def answer(
            result: InvocationResult,
            inv: Invocation = inv,
            barrier: threading.Barrier = barrier,
            won: list = won,
        ) -> None:
            barrier.wait()
            if inv.finish(result):
                won.append(result)

        threads = [threading.Thread(target=answer, args=(a,)) for a in answers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert len(won) == 1
        assert inv.result is won[0]


def test_result_with_an_error_type_is_a_failure() -> None:
    assert InvocationResult(b"{}", "Unhandled").failed
    assert not InvocationResult(b"{}").failed


def test_latest_is_spelled_like_aws() -> None:
    assert LATEST == "$LATEST"


# -- Settings ---------------------------------------------------------------------------------


def test_vpc_networks_map_subnets_to_docker_networks() -> None:
    settings = Settings.from_env({"LAMBDA_SIM_VPC_NETWORKS": "subnet-a=net1, subnet-b = net2"})
    assert settings.vpc_network_map == {"subnet-a": "net1", "subnet-b": "net2"}
    assert Settings.from_env({}).vpc_network_map == {}


def test_defaults_without_any_variables() -> None:
    settings = Settings.from_env({})

    assert settings.port == DEFAULT_PORT == 4570
    assert settings.host == "127.0.0.1"
    assert settings.region == "us-east-1"
    assert settings.executor == "auto"
    assert settings.state_dir.is_absolute()


def test_variables_are_read_with_their_types(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "LAMBDA_SIM_PORT": "5001",
            "LAMBDA_SIM_HOST": "0.0.0.0",
            "LAMBDA_SIM_REGION": "eu-west-1",
            "LAMBDA_SIM_EXECUTOR": "process",
            "LAMBDA_SIM_IDLE_TIMEOUT": "2.5",
            "LAMBDA_SIM_ACCOUNT_CONCURRENCY": "10",
            "LAMBDA_SIM_DOCKER_NETWORK_INTERNAL": "true",
            "LAMBDA_SIM_STATE_DIR": str(tmp_path / "state"),
            "LAMBDA_SIM_ACCOUNT_ID": "123456789012",
        }
    )

    assert settings.port == 5001
    assert settings.host == "0.0.0.0"
    assert settings.region == "eu-west-1"
    assert settings.executor == "process"
    assert settings.idle_timeout == 2.5
    assert settings.account_concurrency == 10
    assert settings.docker_network_internal is True
    assert settings.state_dir == tmp_path / "state"
    assert settings.account_id == "123456789012"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("", False),
    ],
)
def test_boolean_variables(raw: str, expected: bool) -> None:
    settings = Settings.from_env({"LAMBDA_SIM_DOCKER_NETWORK_INTERNAL": raw})

    assert settings.docker_network_internal is expected


def test_os_environment_is_read_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAMBDA_SIM_PORT", "5002")

    assert Settings.from_env().port == 5002


def test_flags_override_variables() -> None:
    environ = {"LAMBDA_SIM_PORT": "5001", "LAMBDA_SIM_REGION": "eu-west-1"}

    settings = Settings.from_env(environ, port=6000, region=None)

    assert settings.port == 6000
    assert settings.region == "eu-west-1"


def test_relative_state_dir_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    settings = Settings.from_env({"LAMBDA_SIM_STATE_DIR": "state"})

    assert settings.state_dir == (tmp_path / "state").resolve()


def test_unrelated_variables_are_ignored() -> None:
    settings = Settings.from_env({"PORT": "1", "SIM_PORT": "2", "LAMBDA_SIM_NOT_A_SETTING": "3"})

    assert settings.port == DEFAULT_PORT


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("0.0.0.0", "http://127.0.0.1:4570"),
        ("127.0.0.1", "http://127.0.0.1:4570"),
        ("localhost", "http://localhost:4570"),
    ],
)
def test_endpoint_url_is_reachable_locally(host: str, url: str) -> None:
    assert Settings(host=host).endpoint_url == url


# -- ExitStatus -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "oom", "words"),
    [
        (1, False, "exit status 1"),
        (2, False, "exit status 2"),
        (255, False, "exit status 255"),
        (-11, False, "signal: segmentation fault"),
        (139, False, "signal: segmentation fault"),
        (-9, False, "signal: killed"),
        (137, False, "signal: killed"),
        (137, True, "signal: killed"),
        (-9, True, "signal: killed"),
        (-6, False, "signal: aborted"),
        (-15, False, "signal: terminated"),
        (143, False, "signal: terminated"),
        (-7, False, "signal: bus error"),
    ],
)
def test_exit_is_described_like_lambda_does(code: int, oom: bool, words: str) -> None:
    assert ExitStatus.from_code(code, oom_killed=oom).describe() == words


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (-1, "signal: hangup"),
        (-2, "signal: interrupt"),
        (-8, "signal: floating point exception"),
        (-13, "signal: broken pipe"),
    ],
)
def test_other_signals_use_the_same_words_as_lambda(code: int, words: str) -> None:
    assert ExitStatus.from_code(code).describe() == words


def test_container_exit_code_of_a_signal_is_read_as_that_signal() -> None:
    status = ExitStatus.from_code(137)

    assert status.signal_number == 9
    assert status.exit_code is None


def test_plain_exit_code_is_kept() -> None:
    status = ExitStatus.from_code(3)

    assert status.exit_code == 3
    assert status.signal_number is None
    assert not status.oom_killed


def test_people_see_what_runs_a_function() -> None:
    assert function().runs_on == "python3.12"
    assert image_function().runs_on == "image app:1"
