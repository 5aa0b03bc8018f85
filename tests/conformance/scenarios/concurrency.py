"""Reserved and provisioned concurrency, and recursion settings, of a function; how they
decide where (and whether) an invoke runs."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.conformance.replay import Replay, scenario, short_id, zip_of
from tests.conformance.scenarios.destinations import as_received, queue

API = "lambda_api"


@scenario(API, "TestLambdaReservedConcurrency::test_function_concurrency_exceptions",
          "concurrency")
def function_concurrency_exceptions(run: Replay) -> None:
    run.capture("put_function_concurrency_with_function_name_doesnotexist",
                "put_function_concurrency", FunctionName="doesnotexist",
                ReservedConcurrentExecutions=1)
    run.capture("put_function_concurrency_with_function_name_doesnotexist_and_invalid_"
                "concurrency", "put_function_concurrency", FunctionName="doesnotexist",
                ReservedConcurrentExecutions=0)
    name = run.function_name()
    run.create_function(name)
    arn = run.call("get_function_configuration", FunctionName=name,
                   Qualifier="$LATEST")["FunctionArn"]
    run.capture("put_function_concurrency_with_qualified_arn", "put_function_concurrency",
                FunctionName=arn, ReservedConcurrentExecutions=0)


@scenario(API, "TestLambdaReservedConcurrency::test_function_concurrency", "concurrency")
def function_concurrency(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    run.capture("put_function_concurrency_with_reserved_0", "put_function_concurrency",
                FunctionName=name, ReservedConcurrentExecutions=0)
    run.capture("put_function_concurrency_with_reserved_1", "put_function_concurrency",
                FunctionName=name, ReservedConcurrentExecutions=1)
    run.capture("get_function_concurrency", "get_function_concurrency", FunctionName=name)
    run.capture("delete_response", "delete_function_concurrency", FunctionName=name)
    run.capture("get_function_concurrency_after_delete", "get_function_concurrency",
                FunctionName=name)


def recursion_function(run: Replay) -> str:
    name = f"recursion-test-{short_id()}"
    run.on_cleanup(lambda: run.call("delete_function", FunctionName=name))
    run.create_function(name, Description="Lambda with recursion test")
    return name


@scenario(API, "TestLambdaRecursion::test_put_function_recursion_config_allow", "concurrency")
def recursion_config_allow(run: Replay) -> None:
    name = recursion_function(run)
    run.capture("put_recursion_config_response", "put_function_recursion_config",
                FunctionName=name, RecursiveLoop="Allow")
    run.capture("get_recursion_config_response", "get_function_recursion_config",
                FunctionName=name)


@scenario(API, "TestLambdaRecursion::test_put_function_recursion_config_default_terminate",
          "concurrency")
def recursion_config_default(run: Replay) -> None:
    run.capture("get_recursion_default_terminate_response", "get_function_recursion_config",
                FunctionName=recursion_function(run))


@scenario(API, "TestLambdaRecursion::test_put_function_recursion_config_invalid_value",
          "concurrency")
def recursion_config_invalid(run: Replay) -> None:
    run.capture("put_recursion_invalid_value_error", "put_function_recursion_config",
                FunctionName=recursion_function(run), RecursiveLoop="InvalidValue")


@scenario(API, "TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions",
          "concurrency")
def provisioned_concurrency_exceptions(run: Replay) -> None:
    unchecked = run.client("lambda", validate=False)
    name = run.function_name()
    run.create_function(name)
    published = run.record("publish_version_result",
                           run.call_with(unchecked, "publish_version", FunctionName=name))
    version = published.get("Version", "1")

    def capture(key: str, operation: str, **params: object) -> None:
        run.record(key, run.call_with(unchecked, operation, **params))

    capture("get_provisioned_config_doesnotexist", "get_provisioned_concurrency_config",
            FunctionName=name, Qualifier=version)
    capture("get_provisioned_functionname_doesnotexist", "get_provisioned_concurrency_config",
            FunctionName="doesnotexist", Qualifier="noalias")
    for key, qualifier in [("qualifier_doesnotexist", "noalias"),
                           ("version_doesnotexist", "10"), ("latest", "$LATEST")]:
        capture(f"get_provisioned_{key}", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=qualifier)
    capture("list_provisioned_noconfigs", "list_provisioned_concurrency_configs",
            FunctionName=name)
    capture("list_provisioned_functionname_doesnotexist",
            "list_provisioned_concurrency_configs", FunctionName="doesnotexist")
    capture("delete_provisioned_functionname_doesnotexist",
            "delete_provisioned_concurrency_config", FunctionName="doesnotexist",
            Qualifier=version)
    for key, qualifier in [("qualifier_doesnotexist", "noalias"),
                           ("version_doesnotexist", "10"), ("latest", "$LATEST"),
                           ("config_doesnotexist", version)]:
        capture(f"delete_provisioned_{key}", "delete_provisioned_concurrency_config",
                FunctionName=name, Qualifier=qualifier)
    capture("put_provisioned_invalid_param_0", "put_provisioned_concurrency_config",
            FunctionName=name, Qualifier=version, ProvisionedConcurrentExecutions=0)
    for key, qualifier in [("alias", "noalias"), ("version", "1")]:
        capture(f"put_provisioned_functionname_doesnotexist_{key}",
                "put_provisioned_concurrency_config", FunctionName="doesnotexist",
                Qualifier=qualifier, ProvisionedConcurrentExecutions=1)
    for key, qualifier in [("qualifier_doesnotexist", "doesnotexist"),
                           ("version_doesnotexist", "10"), ("latest", "$LATEST")]:
        capture(f"put_provisioned_{key}", "put_provisioned_concurrency_config",
                FunctionName=name, Qualifier=qualifier, ProvisionedConcurrentExecutions=1)


@scenario(API, "TestLambdaProvisionedConcurrency::test_provisioned_concurrency_limits",
          "concurrency")
def provisioned_concurrency_limits(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    version = run.published(name).get("Version", "1")
    limit = run.call("get_account_settings")["AccountLimit"]["ConcurrentExecutions"]
    for key, requested in [("account_limit_exceeded", limit + 1),
                           ("below_unreserved_min_value", limit)]:
        run.capture(f"put_provisioned_concurrency_{key}", "put_provisioned_concurrency_config",
                    FunctionName=name, Qualifier=version,
                    ProvisionedConcurrentExecutions=requested)


def provisioned_ready(run: Replay, name: str, qualifier: str) -> bool:
    """Whether the qualifier's provisioned concurrency became READY within 60 s."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = run.call("get_provisioned_concurrency_config", FunctionName=name,
                          Qualifier=qualifier).get("Status")
        if status == "READY":
            return True
        if status in (None, "FAILED"):
            return False
        time.sleep(0.2)
    return False


@scenario(API, "TestLambdaProvisionedConcurrency::test_lambda_provisioned_lifecycle",
          "concurrency")
def lambda_provisioned_lifecycle(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    version = run.record("publish_version_result", run.published(name)).get("Version", "1")
    alias = f"alias-{short_id()}"
    run.capture("create_alias_result", "create_alias", FunctionName=name, Name=alias,
                FunctionVersion=version)
    one = {"FunctionName": name, "ProvisionedConcurrentExecutions": 1}
    run.capture("put_provisioned_on_version", "put_provisioned_concurrency_config",
                Qualifier=version, **one)
    run.capture("put_provisioned_on_alias_versionconflict",
                "put_provisioned_concurrency_config", Qualifier=alias, **one)
    if not provisioned_ready(run, name, version):
        raise AssertionError("the version's provisioned concurrency never became READY")
    run.capture("delete_provisioned_version", "delete_provisioned_concurrency_config",
                FunctionName=name, Qualifier=version)
    run.capture("get_provisioned_version_postdelete", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=version)
    run.capture("put_provisioned_on_alias", "put_provisioned_concurrency_config",
                Qualifier=alias, **one)
    run.capture("put_provisioned_on_version_conflict", "put_provisioned_concurrency_config",
                Qualifier=version, **one)
    run.capture("delete_alias_result", "delete_alias", FunctionName=name, Name=alias)
    run.capture("get_provisioned_alias_postaliasdelete", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=alias)
    run.capture("list_response_postdeletes", "list_provisioned_concurrency_configs",
                FunctionName=name)


# -- concurrency at invoke time (LocalStack's test_lambda.py) --------------------------------

SOURCE = "lambda"
HANDLERS = Path(__file__).parents[1] / "handlers"
HELLO = json.dumps({"hello": "world"})


def handler_code(handler: str) -> bytes:
    return zip_of({"handler.py": (HANDLERS / f"{handler}.py").read_text()})


def concurrency_function(run: Replay, handler: str | None = None, **settings: Any) -> str:
    """A python3.12 function (the recordings' echo, or handler `handler`)."""
    name = run.function_name()
    run.create_function(name, **({"code": handler_code(handler)} if handler else {}),
                        **settings)
    return name


def provisioned_status(run: Replay, name: str, qualifier: str, wanted: str) -> None:
    """Wait (up to 60 s) until the qualifier's provisioned concurrency has status `wanted`."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = run.call("get_provisioned_concurrency_config", FunctionName=name,
                          Qualifier=qualifier).get("Status")
        if status == wanted:
            return
        if status in (None, "READY", "FAILED"):
            break
        time.sleep(0.2)
    raise AssertionError(f"the provisioned concurrency of {qualifier} is {status}, not {wanted}")


def initialization_type(run: Replay, name: str, qualifier: str, expected: str,
                        **payload: Any) -> None:
    """Invoke; the handler answers how its environment started, which must be `expected`."""
    answer = run.invoke(FunctionName=name, Qualifier=qualifier, Payload=json.dumps(payload))
    if json.loads(answer.get("Payload") or "null") != expected:
        raise AssertionError(f"{qualifier} ran in an environment of {answer}, not {expected}")


@scenario(SOURCE, "TestLambdaConcurrency::test_lambda_concurrency_crud", "concurrency")
def lambda_concurrency_crud(run: Replay) -> None:
    name = concurrency_function(run)
    run.capture("get_function_concurrency_default", "get_function_concurrency",
                FunctionName=name)
    run.capture("put_function_concurrency", "put_function_concurrency", FunctionName=name,
                ReservedConcurrentExecutions=0)
    run.capture("get_function_concurrency_updated", "get_function_concurrency",
                FunctionName=name)
    run.call("delete_function_concurrency", FunctionName=name)
    run.capture("get_function_concurrency_deleted", "get_function_concurrency",
                FunctionName=name)


@scenario(SOURCE, "TestLambdaConcurrency::test_lambda_concurrency_update", "concurrency")
def lambda_concurrency_update(run: Replay) -> None:
    name = concurrency_function(run)
    run.capture("put_function_concurrency", "put_function_concurrency", FunctionName=name,
                ReservedConcurrentExecutions=3)
    run.capture("get_function_concurrency_updated", "get_function_concurrency",
                FunctionName=name)
    run.capture("get_function_concurrency_info", "get_function", FunctionName=name)
    run.call("delete_function_concurrency", FunctionName=name)
    run.capture("get_function_concurrency_deleted", "get_function_concurrency",
                FunctionName=name)


@scenario(SOURCE, "TestLambdaConcurrency::test_lambda_concurrency_block", "concurrency")
def lambda_concurrency_block(run: Replay) -> None:
    name = concurrency_function(run)
    version = run.record("v1_result", run.published(name)).get("Version", "1")
    run.capture("reserved_concurrency_result", "put_function_concurrency", FunctionName=name,
                ReservedConcurrentExecutions=1)
    latest = {"FunctionName": name, "Qualifier": "$LATEST", "Payload": HELLO}
    run.record("invoke_latest_before_block", run.invoke(**latest))
    run.capture("provisioned_concurrency_result", "put_provisioned_concurrency_config",
                FunctionName=name, Qualifier=version, ProvisionedConcurrentExecutions=1)
    provisioned_status(run, name, version, "READY")
    run.record("invoke_latest_first_exc", run.invoke(**latest))
    run.record("invoke_v1_after_block", run.invoke(FunctionName=name, Qualifier=version,
                                                   Payload=HELLO))
    run.record("invoke_latest_second_exc", run.invoke(**latest))


def provisioned_five(run: Replay, name: str, qualifier: str) -> None:
    run.capture("put_provisioned_5", "put_provisioned_concurrency_config", FunctionName=name,
                Qualifier=qualifier, ProvisionedConcurrentExecutions=5)
    run.capture("get_provisioned_prewait", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=qualifier)
    provisioned_status(run, name, qualifier, "READY")
    run.capture("get_provisioned_postwait", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=qualifier)


@scenario(SOURCE, "TestLambdaConcurrency::test_provisioned_concurrency", "concurrency")
def provisioned_concurrency(run: Replay) -> None:
    name = concurrency_function(run, "initialization_type")
    version = run.published(name).get("Version", "1")
    provisioned_five(run, name, version)
    initialization_type(run, name, version, "provisioned-concurrency")
    initialization_type(run, name, "$LATEST", "on-demand")


@scenario(SOURCE, "TestLambdaConcurrency::test_provisioned_concurrency_on_alias", "concurrency")
def provisioned_concurrency_on_alias(run: Replay) -> None:
    name = concurrency_function(run, "initialization_type")
    version = run.published(name).get("Version", "1")
    run.call("create_alias", FunctionName=name, Name="live", FunctionVersion=version)
    provisioned_five(run, name, "live")
    initialization_type(run, name, "live", "provisioned-concurrency")
    initialization_type(run, name, version, "provisioned-concurrency")
    initialization_type(run, name, "$LATEST", "on-demand")


@scenario(SOURCE, "TestLambdaConcurrency::test_provisioned_concurrency_init_failure",
          "concurrency")
def provisioned_concurrency_init_failure(run: Replay) -> None:
    name = concurrency_function(run, "provisioned_init_failure", Publish=True)
    version = run.call("get_function", FunctionName=name, Qualifier="1")[
        "Configuration"]["Version"]
    run.capture("put_provisioned", "put_provisioned_concurrency_config", FunctionName=name,
                Qualifier=version, ProvisionedConcurrentExecutions=1)
    run.capture("get_provisioned_prewait", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=version)
    initialization_type(run, name, version, "on-demand")
    provisioned_status(run, name, version, "FAILED")
    run.capture("get_provisioned_postwait", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=version)
    initialization_type(run, name, version, "on-demand")


@scenario(SOURCE, "TestLambdaConcurrency::test_lambda_provisioned_concurrency_scheduling",
          "concurrency")
def provisioned_concurrency_scheduling(run: Replay) -> None:
    name = concurrency_function(run, "initialization_type", Timeout=10)
    version = run.published(name).get("Version", "1")
    run.call("put_provisioned_concurrency_config", FunctionName=name, Qualifier=version,
             ProvisionedConcurrentExecutions=1)
    provisioned_status(run, name, version, "READY")
    run.capture("get_provisioned_postwait", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=version)
    initialization_type(run, name, version, "provisioned-concurrency")
    # While the one provisioned environment is busy, an invoke runs in one started on demand.
    with ThreadPoolExecutor(1) as pool:
        busy = pool.submit(initialization_type, run, name, version, "provisioned-concurrency",
                           wait=6)
        time.sleep(2)
        initialization_type(run, name, version, "on-demand")
        busy.result()


@scenario(SOURCE, "TestLambdaConcurrency::test_reserved_provisioned_overlap", "concurrency")
def reserved_provisioned_overlap(run: Replay) -> None:
    name = concurrency_function(run, "initialization_type")
    first = run.published(name).get("Version", "1")
    run.capture("put_provisioned_5", "put_provisioned_concurrency_config", FunctionName=name,
                Qualifier=first, ProvisionedConcurrentExecutions=2)
    run.capture("get_provisioned_prewait", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=first)
    provisioned_status(run, name, first, "READY")
    run.capture("get_provisioned_postwait", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=first)
    run.capture("reserved_lower_than_provisioned_exc", "put_function_concurrency",
                FunctionName=name, ReservedConcurrentExecutions=1)
    run.call("put_function_concurrency", FunctionName=name, ReservedConcurrentExecutions=2)
    run.capture("get_concurrency", "get_function_concurrency", FunctionName=name)
    run.record("reserved_equals_provisioned_latest_invoke_exc",
               run.invoke(FunctionName=name))
    initialization_type(run, name, first, "provisioned-concurrency")
    run.capture("update_func_config", "update_function_configuration", FunctionName=name,
                Timeout=15)
    run.wait("function_updated_v2", FunctionName=name)
    second = run.published(name).get("Version", "2")
    run.capture("reserved_equals_provisioned_another_provisioned_exc",
                "put_provisioned_concurrency_config", FunctionName=name, Qualifier=second,
                ProvisionedConcurrentExecutions=1)
    run.capture("reserved_equals_provisioned_increase_provisioned_exc",
                "put_provisioned_concurrency_config", FunctionName=name, Qualifier=first,
                ProvisionedConcurrentExecutions=3)


# The message attributes the recorder wrote as `timestamp`, whatever they were.
TIMESTAMP_ATTRIBUTES = ("ApproximateFirstReceiveTimestamp", "SentTimestamp")


@scenario(SOURCE, "TestLambdaConcurrency::test_reserved_concurrency", "concurrency")
def reserved_concurrency(run: Replay) -> None:
    name = concurrency_function(run, Timeout=20)
    run.capture("fn", "get_function_configuration", FunctionName=name, Qualifier="$LATEST")
    run.capture("put_reserved", "put_function_concurrency", FunctionName=name,
                ReservedConcurrentExecutions=0)
    run.record("exc_no_cap_requestresponse", run.invoke(FunctionName=name))
    url, arn = queue(run)
    run.capture("put_event_invoke_conf", "put_function_event_invoke_config", FunctionName=name,
                MaximumRetryAttempts=0, DestinationConfig={"OnFailure": {"Destination": arn}})
    run.record("invoke_result", run.invoke(FunctionName=name, InvocationType="Event"))
    sqs = run.client("sqs")
    deadline = time.monotonic() + 30
    while True:
        messages = sqs.receive_message(QueueUrl=url, AttributeNames=["All"],
                                       WaitTimeSeconds=2).get("Messages", [])
        if messages or time.monotonic() > deadline:
            break
    if not messages:
        raise AssertionError("no record of the throttled event reached the queue in 30 s")
    message = as_received(messages[0])
    message["Attributes"] = {key: "timestamp" if key in TIMESTAMP_ATTRIBUTES else value
                             for key, value in message.get("Attributes", {}).items()}
    run.record("msg", message)


def notified_request_ids(run: Replay, url: str, count: int, wait: float) -> set[str]:
    """The request ids of the next `count` notifications on the queue, within `wait` s."""
    sqs = run.client("sqs")
    found: set[str] = set()
    deadline = time.monotonic() + wait
    while len(found) < count and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1,
                                           MaxNumberOfMessages=10).get("Messages", []):
            found.add(json.loads(message["Body"])["request_id"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


@scenario(SOURCE, "TestLambdaConcurrency::test_reserved_concurrency_async_queue", "concurrency")
def reserved_concurrency_async_queue(run: Replay) -> None:
    url, _ = queue(run)
    name = concurrency_function(run, "notifier")
    arn = run.capture("fn", "get_function_configuration", FunctionName=name,
                      Qualifier="$LATEST")["FunctionArn"]
    run.capture("put_fn_concurrency", "put_function_concurrency", FunctionName=name,
                ReservedConcurrentExecutions=1)
    run.invoke(FunctionName=arn)
    first = run.invoke(FunctionName=arn, InvocationType="Event",
                       Payload=json.dumps({"notify": url, "wait": 15}))
    if notified_request_ids(run, url, 1, 15) != {first["ResponseMetadata"]["RequestId"]}:
        raise AssertionError("the first event did not run")
    # Throttled while the first holds the function's one slot: queued and tried again.
    second = run.invoke(FunctionName=arn, InvocationType="Event",
                        Payload=json.dumps({"notify": url}))
    run.record("too_many_requests_exc", run.invoke(FunctionName=arn))
    run.call("put_function_concurrency", FunctionName=name, ReservedConcurrentExecutions=3)
    final = run.invoke(FunctionName=arn, Payload=json.dumps({"notify": url}))
    expected = {second["ResponseMetadata"]["RequestId"], final["ResponseMetadata"]["RequestId"]}
    if notified_request_ids(run, url, 2, 20) != expected:
        raise AssertionError("the throttled event did not run once the reservation grew")
