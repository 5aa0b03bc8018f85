"""Function configuration as the API shows it, and invocations."""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import replace

import pytest

from simulator.models import (
    LATEST,
    FunctionConfig,
    Invocation,
    InvocationResult,
    aws_timestamp,
    runtime_version_arn,
)
from tests.helpers import ROLE
from tests.unit.function_configs import REGION, function, image_function

ACCOUNT = "123456789012"
LAST_MODIFIED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000")


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


def test_an_image_function_shows_its_image_config_and_no_runtime() -> None:
    body = image_function().to_api(REGION, ACCOUNT)

    assert body["PackageType"] == "Image"
    assert "Runtime" not in body and "Handler" not in body
    assert body["ImageConfigResponse"] == {"ImageConfig": {"Command": ["app.handler"]}}


def test_an_image_function_survives_persistence() -> None:
    stored = image_function()
    assert FunctionConfig.from_json(stored.to_json()) == stored


def test_a_function_logs_text_to_its_own_group_unless_configured_otherwise() -> None:
    assert function().to_api(REGION, ACCOUNT)["LoggingConfig"] == {
        "LogFormat": "Text", "LogGroup": "/aws/lambda/my-function"}


def test_json_logs_show_their_levels_and_a_custom_group() -> None:
    configured = function(log_format="JSON", application_log_level="DEBUG",
                          system_log_level="WARN", log_group="cool_lambda")

    assert configured.to_api(REGION, ACCOUNT)["LoggingConfig"] == {
        "LogFormat": "JSON", "ApplicationLogLevel": "DEBUG", "SystemLogLevel": "WARN",
        "LogGroup": "cool_lambda"}
    assert configured.to_api(REGION, ACCOUNT, listed=True)["LoggingConfig"]["LogFormat"] \
        == "JSON"


def test_a_logging_config_survives_persistence() -> None:
    stored = function(log_format="JSON", application_log_level="ERROR",
                      system_log_level="INFO", log_group="/custom/group")

    assert FunctionConfig.from_json(stored.to_json()) == stored


def test_a_configuration_stored_before_logging_configs_reads_as_text_logs() -> None:
    fields = json.loads(function().to_json())
    for name in ("log_format", "application_log_level", "system_log_level", "log_group"):
        del fields[name]

    restored = FunctionConfig.from_json(json.dumps(fields))

    assert restored.to_api(REGION, ACCOUNT)["LoggingConfig"] == {
        "LogFormat": "Text", "LogGroup": "/aws/lambda/my-function"}


def test_vpc_config_is_shown_with_a_vpc_id_that_follows_the_subnets() -> None:
    vpc = {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}
    body = function(vpc_config=vpc).to_api(REGION, ACCOUNT)

    assert body["VpcConfig"]["SubnetIds"] == ["subnet-1"]
    assert body["VpcConfig"]["SecurityGroupIds"] == ["sg-1"]
    assert re.fullmatch(r"vpc-[0-9a-f]{17}", body["VpcConfig"]["VpcId"])
    assert function(vpc_config=vpc).to_api(REGION, ACCOUNT)["VpcConfig"] == body["VpcConfig"]
    assert "VpcConfig" not in function().to_api(REGION, ACCOUNT)


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


def test_environment_set_without_variables_is_shown_empty_as_aws_does() -> None:
    config = replace(function(), has_environment=True)

    assert config.to_api(REGION, ACCOUNT)["Environment"] == {"Variables": {}}


def test_runtime_version_is_stable_per_runtime() -> None:
    body = function().to_api(REGION, ACCOUNT)
    other = replace(function(), runtime="nodejs22.x").to_api(REGION, ACCOUNT)

    arn = body["RuntimeVersionConfig"]["RuntimeVersionArn"]
    assert re.fullmatch(r"arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}", arn)
    assert arn == runtime_version_arn(REGION, "python3.12")
    assert other["RuntimeVersionConfig"]["RuntimeVersionArn"] != arn
    assert "RuntimeVersionConfig" not in image_function().to_api(REGION, ACCOUNT)


def test_a_listed_function_has_no_state_and_no_runtime_version() -> None:
    body = replace(function(), state="Active", last_update_status="Successful").to_api(
        REGION, ACCOUNT, listed=True, qualified=True)

    assert not {"State", "LastUpdateStatus", "RuntimeVersionConfig"} & body.keys()
    assert body["FunctionArn"].endswith(":function:my-function:$LATEST")


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


def test_people_see_what_runs_a_function() -> None:
    assert function().runs_on == "python3.12"
    assert image_function().runs_on == "image app:1"


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
