"""Tags on functions and event source mappings: set on create, add, overwrite, remove, limits,
and what AWS refuses."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from tests.conformance.replay import Replay, Scenario, add_scenario, scenario, short_id

API = "lambda_api"


def function_arn(run: Replay) -> str:
    name = run.function_name()
    run.create_function(name)
    arn: str = run.call("get_function", FunctionName=name)["Configuration"]["FunctionArn"]
    return arn


def queue_arn(run: Replay) -> str:
    sqs = run.client("sqs")
    url = sqs.create_queue(QueueName=f"queue-{short_id()}")["QueueUrl"]
    run.on_cleanup(lambda: sqs.delete_queue(QueueUrl=url))
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    return arn


def mapping_arn(run: Replay) -> str:
    created = run.mapping(EventSourceArn=queue_arn(run), FunctionName=function_arn(run),
                          BatchSize=1)
    arn: str = created["EventSourceMappingArn"]
    return arn


@scenario(API, "TestLambdaTag::test_create_tag_on_fn_create", "tags")
def create_tag_on_fn_create(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, Tags={"testtag": f"tag-{short_id()}"})
    got = run.capture("get_function_result", "get_function", FunctionName=name)
    run.capture("list_tags_result", "list_tags", Resource=got["Configuration"]["FunctionArn"])


@scenario(API, "TestLambdaTag::test_create_tag_on_esm_create", "tags")
def create_tag_on_esm_create(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    created = run.mapping(EventSourceArn=queue_arn(run), FunctionName=name, BatchSize=1,
                          Tags={"testtag": f"tag-{short_id()}"})
    # The recording holds what its wait returned: whether the mapping left Creating.
    run.record("get_event_source_mapping_with_tag", run.wait_for_mapping(created["UUID"]))
    run.capture("list_tags_result", "list_tags", Resource=created["EventSourceMappingArn"])


def tag_lifecycle(resource: str, make: Callable[[Replay], str]) -> None:
    def replay(run: Replay) -> None:
        arn = make(run)
        steps: list[tuple[str, str, dict[str, object]]] = [
            ("tag_single_response", "tag_resource", {"Tags": {"A": "tag-a"}}),
            ("tag_multiple_response", "tag_resource", {"Tags": {"B": "tag-b", "C": "tag-c"}}),
            ("tag_overlap_response", "tag_resource",
             {"Tags": {"C": "tag-c-newsuffix", "D": "tag-d"}}),
            ("untag_single_response", "untag_resource", {"TagKeys": ["A"]}),
            ("untag_multiple_response", "untag_resource", {"TagKeys": ["B", "C"]}),
            ("untag_nonexisting_response", "untag_resource", {"TagKeys": ["F"]}),
            ("untag_existing_and_nonexisting_response", "untag_resource",
             {"TagKeys": ["D", "F"]}),
        ]
        for key, operation, params in steps:
            run.capture(key, operation, Resource=arn, **params)
            run.capture(f"{key}_listtags", "list_tags", Resource=arn)
    add_scenario(Scenario(API, f"TestLambdaTag::test_tag_lifecycle[{resource}]", "tags",
                          replay))


tag_lifecycle("lambda_function", function_arn)
tag_lifecycle("event_source_mapping", mapping_arn)


def tag_exceptions(resource: str, kind: str) -> None:
    def replay(run: Replay) -> None:
        arn = run.arn(f"{kind}:{uuid.uuid4()}")
        run.capture("not_found_exception_tag", "tag_resource", Resource=arn, Tags={"A": "B"})
        run.capture("not_found_exception_untag", "untag_resource", Resource=arn, TagKeys=["A"])
        run.capture("not_found_exception_list", "list_tags", Resource=arn)
        run.capture("aliased_arn_exception", "list_tags", Resource=f"{arn}:alias")
        parts = arn.rsplit(":", 2)
        parts[1] = "foobar"
        run.capture("invalid_arn_exception", "list_tags", Resource=":".join(parts))
    add_scenario(Scenario(API, f"TestLambdaTag::test_tag_exceptions[{resource}]", "tags",
                          replay))


tag_exceptions("lambda_function", "function")
tag_exceptions("event_source_mapping", "event-source-mapping")
tag_exceptions("capacity_provider", "capacity-provider")


@scenario(API, "TestLambdaTag::test_tag_nonexisting_resource", "tags")
def tag_nonexisting_resource(run: Replay) -> None:
    arn = function_arn(run)
    run.capture("pre_delete_get_function", "get_function", FunctionName=arn)
    run.call("delete_function", FunctionName=arn)
    run.capture("not_found_exception_tag", "tag_resource", Resource=arn, Tags={"A": "B"})
    run.capture("not_found_exception_untag", "untag_resource", Resource=arn, TagKeys=["A"])
    run.capture("not_found_exception_list", "list_tags", Resource=arn)


@scenario(API, "TestLambdaTags::test_tag_exceptions", "tags")
def tags_exceptions(run: Replay) -> None:
    arn = function_arn(run)
    run.capture("tag_lambda_invalidarn", "tag_resource", Resource="arn:aws:something",
                Tags={"key_a": "value_a"})
    run.capture("tag_lambda_doesnotexist", "tag_resource",
                Resource=run.arn("function:doesnotexist"), Tags={"key_a": "value_a"})
    run.capture("tag_lambda_qualifier_doesnotexist", "tag_resource", Resource=f"{arn}:v1",
                Tags={"key_a": "value_a"})
    run.capture("list_tag_lambda_empty", "list_tags", Resource=arn)
    run.capture("untag_nomatch", "untag_resource", Resource=arn, TagKeys=["somekey"])
    run.capture("untag_empty_keys", "untag_resource", Resource=arn, TagKeys=[])
    run.capture("tag_empty_tags", "tag_resource", Resource=arn, Tags={})


@scenario(API, "TestLambdaTags::test_tag_limits", "tags")
def tag_limits(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    arn = run.call("get_function", FunctionName=name)["Configuration"]["FunctionArn"]
    run.capture("tag_lambda_too_many_tags", "tag_resource", Resource=arn,
                Tags={f"{k}_key": f"{k}_value" for k in range(51)})
    run.capture("tag_response", "tag_resource", Resource=arn,
                Tags={f"{k}_key": f"{k}_value" for k in range(50)})
    run.capture("list_tags_response", "list_tags", Resource=arn)
    run.capture("get_fn_response", "get_function", FunctionName=name)
    run.capture("tag_lambda_too_many_tags_additional", "tag_resource", Resource=arn,
                Tags={"a_key": "a_value"})
    run.capture("create_function_invalid_tags", "create_function", **run.plain(
        f"fn-tag-{short_id()}", Tags={f"{k}_key": f"{k}_value" for k in range(51)}))


FOUR_TAGS = {"key_b": "value_b", "key_c": "value_c", "key_d": "value_d", "key_e": "value_e"}


@scenario(API, "TestLambdaTags::test_tag_versions", "tags")
def tag_versions(run: Replay) -> None:
    name = run.function_name()
    created = run.create_function(name, Tags={"key_a": "value_a"})
    version_arn = run.published(name)["FunctionArn"]
    run.capture("tag_resource_exception", "tag_resource", Resource=version_arn, Tags=FOUR_TAGS)
    run.capture("tag_resource_latest_exception", "tag_resource",
                Resource=f"{created['CreateFunctionResponse']['FunctionArn']}:$LATEST",
                Tags=FOUR_TAGS)


@scenario(API, "TestLambdaTags::test_tag_lifecycle", "tags")
def tags_lifecycle(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, Tags={"key_a": "value_a"})
    arn = run.call("get_function", FunctionName=name)["Configuration"]["FunctionArn"]

    def snapshot_tags(suffix: str) -> None:
        run.capture(f"list_tags_response_{suffix}", "list_tags", Resource=arn)
        run.capture(f"get_fn_response_{suffix}", "get_function", FunctionName=arn)

    snapshot_tags("postfncreate")
    run.capture("tag_resource_response", "tag_resource", Resource=arn, Tags=FOUR_TAGS)
    snapshot_tags("postaddtags")
    run.capture("tag_resource_overwrite", "tag_resource", Resource=arn,
                Tags={"key_b": "value_b", "key_c": "value_x"})
    snapshot_tags("overwrite")
    run.call("untag_resource", Resource=arn, TagKeys=["key_c", "key_d"])
    snapshot_tags("postuntag")
    run.call("untag_resource", Resource=arn, TagKeys=["key_a", "key_b", "key_e"])
    snapshot_tags("postuntagall")
    run.call("delete_function", FunctionName=name)
    run.capture("list_tags_postdelete", "list_tags", Resource=arn)
