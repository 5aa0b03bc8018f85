"""The control plane: creating, reading, listing, updating and deleting functions, and their
reserved concurrency, with functions run by the fake executor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
    ValidationException,
)
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.functions.function_operations import _resolved_image_uri
from simulator.functions.registry import FunctionRegistry
from tests.helpers import eventually
from tests.unit.lambda_service import ARN, LambdaService, create, zip_of

# -- create, get, list ------------------------------------------------------------------------


def test_create_answers_pending_and_get_shows_the_function_active(service: LambdaService) -> None:
    created = create(service, Timeout=7)

    found = service.functions.get_function("fn")

    assert created["State"] == "Pending"
    assert created["FunctionArn"] == ARN
    assert found["Configuration"]["State"] == "Active"
    assert found["Configuration"]["Timeout"] == 7
    # AWS gives a function a new revision when it becomes Active.
    assert found["Configuration"]["RevisionId"] != created["RevisionId"]
    assert found["Code"]["Location"].endswith("/_simulator/code/fn.zip")
    assert service.functions.get_function_configuration(ARN) == found["Configuration"]


def test_a_tenancy_config_is_shown_wherever_the_function_is_and_outlives_updates(
        service: LambdaService) -> None:
    tenancy = {"TenantIsolationMode": "PER_TENANT"}
    created = create(service, TenancyConfig=tenancy, Publish=True)  # answers version 1
    create(service, "plain")

    updated = service.functions.update_function_configuration("fn", {"Description": "second"})
    listed = {entry["FunctionName"]: entry
              for entry in service.functions.list_functions(None, None, None)["Functions"]}

    assert created["TenancyConfig"] == tenancy
    assert service.functions.get_function("fn")["Configuration"]["TenancyConfig"] == tenancy
    assert service.functions.get_function_configuration("fn", "1")["TenancyConfig"] == tenancy
    assert updated["TenancyConfig"] == tenancy
    assert listed["fn"]["TenancyConfig"] == tenancy
    assert "TenancyConfig" not in listed["plain"]
    assert "TenancyConfig" not in service.functions.get_function_configuration("plain")


def test_create_with_a_taken_name_conflicts(service: LambdaService) -> None:
    create(service)

    with pytest.raises(ResourceConflictException):
        create(service)


def test_get_of_an_unknown_function_is_not_found(service: LambdaService) -> None:
    with pytest.raises(ResourceNotFoundException) as missing:
        service.functions.get_function("nope")

    assert missing.value.status == 404
    # AWS names an unqualified function without `:$LATEST`.
    assert missing.value.message == (
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope")


def test_a_qualified_get_answers_under_the_qualified_arn(service: LambdaService) -> None:
    create(service)

    found = service.functions.get_function("fn", "$LATEST")

    assert found["Configuration"]["FunctionArn"] == f"{ARN}:$LATEST"


def test_create_with_publish_answers_version_1_pending(service: LambdaService) -> None:
    created = create(service, Publish=True)

    assert (created["Version"], created["State"], created["FunctionArn"]) == (
        "1", "Pending", ARN)
    assert service.functions.get_function("fn", "1")["Configuration"]["Version"] == "1"


def test_update_code_with_publish_answers_the_new_version(service: LambdaService) -> None:
    create(service)

    updated = service.functions.update_function_code(
        "fn", {"ZipFile": zip_of("# second\n"), "Publish": True})

    assert (updated["Version"], updated["FunctionArn"], updated["State"]) == (
        "1", f"{ARN}:1", "Pending")


def test_list_with_every_version_names_latest_by_its_qualified_arn(
        service: LambdaService) -> None:
    create(service, Publish=True)

    listed = service.functions.list_functions(None, None, "ALL")["Functions"]

    assert [entry["FunctionArn"] for entry in listed] == [f"{ARN}:$LATEST", f"{ARN}:1"]
    assert not {"State", "RuntimeVersionConfig"} & listed[0].keys()
    with pytest.raises(ValidationException):
        service.functions.list_functions(None, None, "invalid")


def test_list_pages_in_name_order_by_marker_and_max_items(service: LambdaService) -> None:
    for name in ["fn-3", "fn-0", "fn-4", "fn-1", "fn-2"]:
        create(service, name)

    pages: list[list[str]] = []
    marker = None
    while True:
        page = service.functions.list_functions(marker, "2")
        pages.append([function["FunctionName"] for function in page["Functions"]])
        marker = page.get("NextMarker")
        if marker is None:
            break

    assert pages == [["fn-0", "fn-1"], ["fn-2", "fn-3"], ["fn-4"]]
    everything = service.functions.list_functions(None, None)
    assert len(everything["Functions"]) == 5 and "NextMarker" not in everything


def test_list_with_every_version_pages_by_name_and_version(service: LambdaService) -> None:
    for name in ["b", "c", "a"]:
        create(service, name, Publish=name != "c")

    pages: list[list[str]] = []
    marker = None
    while True:
        page = service.functions.list_functions(marker, "2", "ALL")
        pages.append([f"{entry['FunctionName']}:{entry['Version']}"
                      for entry in page["Functions"]])
        marker = page.get("NextMarker")
        if marker is None:
            break

    assert pages == [["a:$LATEST", "a:1"], ["b:$LATEST", "b:1"], ["c:$LATEST"]]


def test_a_marker_naming_a_deleted_function_lists_on_from_the_next_name(
        service: LambdaService) -> None:
    for name in ["fn-0", "fn-1", "fn-2"]:
        create(service, name)
    service.functions.delete_function("fn-1")

    page = service.functions.list_functions("fn-1", None)

    assert [entry["FunctionName"] for entry in page["Functions"]] == ["fn-2"]


# -- update and delete ------------------------------------------------------------------------


def test_update_code_bumps_the_revision_and_retires_warm_environments(
    pool: EnvironmentPool, service: LambdaService
) -> None:
    created = create(service)
    service.invoker.invoke("fn", None, b"{}")
    [warm] = pool.live_environments()

    updated = service.functions.update_function_code("fn", {"ZipFile": zip_of("# second\n")})

    assert updated["RevisionId"] != created["RevisionId"]
    assert updated["CodeSha256"] != created["CodeSha256"]
    configuration = service.functions.get_function("fn")["Configuration"]
    # The update answers the revision it had in progress; settled, it has another, as on AWS.
    assert configuration["RevisionId"] not in (updated["RevisionId"], created["RevisionId"])
    assert eventually(lambda: not warm.alive)
    after = service.invoker.invoke("fn", None, b"{}")
    assert after.result is not None and after.result.cold


def test_update_configuration_bumps_the_revision_and_runs_the_new_settings(
    service: LambdaService, executor: FakeExecutor
) -> None:
    executor.handlers["app.other"] = lambda event, context: "other"
    created = create(service)
    service.invoker.invoke("fn", None, b"{}")

    updated = service.functions.update_function_configuration("fn", {"Handler": "app.other"})

    assert updated["RevisionId"] != created["RevisionId"]
    assert updated["Handler"] == "app.other"
    assert service.invoker.invoke("fn", None, b"{}").payload == b'"other"'


def test_update_with_a_stale_revision_id_is_refused(service: LambdaService) -> None:
    created = create(service)
    service.functions.update_function_configuration("fn", {"Description": "second"})

    with pytest.raises(PreconditionFailedException):
        service.functions.update_function_configuration(
            "fn", {"Description": "third", "RevisionId": created["RevisionId"]}
        )


def test_delete_removes_the_function_and_stops_its_environments(
    pool: EnvironmentPool, service: LambdaService
) -> None:
    create(service)
    service.invoker.invoke("fn", None, b"{}")
    [warm] = pool.live_environments()

    service.functions.delete_function("fn")

    with pytest.raises(ResourceNotFoundException):
        service.functions.get_function("fn")
    with pytest.raises(ResourceNotFoundException):
        service.invoker.invoke("fn", None, b"{}")
    with pytest.raises(ResourceNotFoundException):
        service.functions.delete_function("fn")
    assert eventually(lambda: not warm.alive)


def test_delete_of_a_version_that_does_not_exist_keeps_the_function(
    service: LambdaService,
) -> None:
    create(service)

    with pytest.raises(ResourceNotFoundException):
        service.functions.delete_function("fn", "1")

    assert service.functions.get_function("fn")["Configuration"]["FunctionName"] == "fn"


def test_latest_alone_cannot_be_deleted(service: LambdaService) -> None:
    with pytest.raises(InvalidParameterValueException) as refused:
        service.functions.delete_function("fn:$LATEST")

    assert refused.value.message == (
        "$LATEST version cannot be deleted without deleting the function.")


# -- logging config ---------------------------------------------------------------------------


def test_a_logging_config_is_kept_through_partial_updates_and_published_versions(
        service: LambdaService) -> None:
    created = create(service, LoggingConfig={"LogFormat": "JSON"})

    updated = service.functions.update_function_configuration(
        "fn", {"LoggingConfig": {"ApplicationLogLevel": "ERROR", "LogGroup": "cool_lambda"}})
    latest = service.functions.latest("fn")
    assert latest is not None
    version = service.functions.publish(latest).version

    assert created["LoggingConfig"] == {"LogFormat": "JSON", "ApplicationLogLevel": "INFO",
                                        "SystemLogLevel": "INFO", "LogGroup": "/aws/lambda/fn"}
    expected = {"LogFormat": "JSON", "ApplicationLogLevel": "ERROR", "SystemLogLevel": "INFO",
                "LogGroup": "cool_lambda"}
    assert updated["LoggingConfig"] == expected
    assert service.functions.get_function("fn")["Configuration"]["LoggingConfig"] == expected
    assert service.functions.get_function_configuration(
        "fn", version)["LoggingConfig"] == expected


def test_a_refused_logging_config_leaves_the_function_as_it_was(service: LambdaService) -> None:
    create(service, LoggingConfig={"LogGroup": "kept"})

    with pytest.raises(ValidationException):
        service.functions.update_function_configuration(
            "fn", {"Timeout": 30, "LoggingConfig": {"LogFormat": "XML"}})

    configuration = service.functions.get_function_configuration("fn")
    assert configuration["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "kept"}
    assert configuration["Timeout"] == 3


def test_a_logging_config_outlives_a_restart(service: LambdaService, tmp_path: Path) -> None:
    create(service, LoggingConfig={"LogFormat": "JSON", "SystemLogLevel": "WARN"})

    reopened = FunctionRegistry(tmp_path / "functions.db")
    try:
        stored = reopened.get("fn")
    finally:
        reopened.close()

    assert stored is not None
    assert (stored.log_format, stored.application_log_level, stored.system_log_level) == (
        "JSON", "INFO", "WARN")


def test_the_runtime_of_json_logs_is_told_the_format_and_the_applications_level(
        service: LambdaService, executor: FakeExecutor) -> None:
    def log_settings(event: Any, context: FakeContext) -> list[str | None]:
        return [context.variables.get("AWS_LAMBDA_LOG_FORMAT"),
                context.variables.get("AWS_LAMBDA_LOG_LEVEL")]
    executor.handlers["app.handler"] = log_settings
    create(service)
    text = service.invoker.invoke("fn", None, b"{}").payload

    service.functions.update_function_configuration(
        "fn", {"LoggingConfig": {"LogFormat": "JSON", "ApplicationLogLevel": "WARN"}})

    assert text == b"[null, null]"
    assert service.invoker.invoke("fn", None, b"{}").payload == b'["JSON", "WARN"]'


# -- reserved concurrency ---------------------------------------------------------------------


def test_concurrency_is_put_read_and_deleted(service: LambdaService) -> None:
    create(service)

    put = service.functions.put_function_concurrency("fn", {"ReservedConcurrentExecutions": 10})

    assert put == {"ReservedConcurrentExecutions": 10}
    assert service.functions.get_function_concurrency("fn") == put
    assert service.functions.get_function("fn")["Concurrency"] == put
    service.functions.delete_function_concurrency("fn")
    assert service.functions.get_function_concurrency("fn") == {}
    assert "Concurrency" not in service.functions.get_function("fn")


def test_reservations_must_leave_100_unreserved(service: LambdaService) -> None:
    create(service, "first")
    create(service, "second")
    service.functions.put_function_concurrency("first", {"ReservedConcurrentExecutions": 900})

    with pytest.raises(InvalidParameterValueException) as refused:
        service.functions.put_function_concurrency("second", {"ReservedConcurrentExecutions": 1})

    assert "minimum value of [100]" in refused.value.message
    service.functions.put_function_concurrency("first", {"ReservedConcurrentExecutions": 900})
    with pytest.raises(InvalidParameterValueException):
        service.functions.put_function_concurrency("first", {"ReservedConcurrentExecutions": 901})


@pytest.mark.parametrize("reserved", [-1, "5", 2.5, True, None])
def test_concurrency_must_be_a_non_negative_integer(service: LambdaService, reserved: Any) -> None:
    create(service)

    with pytest.raises(InvalidParameterValueException):
        service.functions.put_function_concurrency("fn", {"ReservedConcurrentExecutions": reserved})


@pytest.mark.parametrize(("uri", "resolved"), [
    ("app", "app@sha256:ab"),
    ("app:1", "app@sha256:ab"),
    ("localhost:5000/team/app:1", "localhost:5000/team/app@sha256:ab"),
    ("localhost:5000/team/app", "localhost:5000/team/app@sha256:ab"),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:ff",
     "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:ab"),
])
def test_resolved_image_uri_names_the_repository_at_the_resolved_digest(
        uri: str, resolved: str) -> None:
    assert _resolved_image_uri(uri, "ab") == resolved
