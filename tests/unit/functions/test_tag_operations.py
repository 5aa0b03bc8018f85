"""TagResource, UntagResource and ListTags: tags belong to the function's unqualified ARN, merge
on TagResource, are checked as AWS checks them, and changing them changes nothing that runs."""

from __future__ import annotations

import pytest

from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
    ValidationException,
)
from simulator.functions.tag_operations import TAGGABLE_RESOURCE_RULE, TagService
from tests.unit.lambda_service import ARN, LambdaService, create


@pytest.fixture
def tags(service: LambdaService) -> TagService:
    create(service)
    return TagService(service.functions)


def test_a_new_function_has_no_tags(tags: TagService) -> None:
    assert tags.list_tags(ARN) == {"Tags": {}}


def test_tag_resource_merges_and_overwrites_keys(tags: TagService) -> None:
    tags.tag(ARN, {"Tags": {"team": "payments", "stage": "dev"}})

    tags.tag(ARN, {"Tags": {"stage": "prod", "owner": "ana"}})

    assert tags.list_tags(ARN) == {"Tags": {"team": "payments", "stage": "prod",
                                            "owner": "ana"}}


def test_untag_removes_the_keys_given_and_ignores_unknown_ones(tags: TagService) -> None:
    tags.tag(ARN, {"Tags": {"team": "payments", "stage": "dev", "owner": "ana"}})

    tags.untag(ARN, ["stage", "owner", "never-set"])

    assert tags.list_tags(ARN) == {"Tags": {"team": "payments"}}


def test_get_function_shows_the_tags(service: LambdaService, tags: TagService) -> None:
    tags.tag(ARN, {"Tags": {"team": "payments"}})

    assert service.functions.get_function("fn")["Tags"] == {"team": "payments"}


def test_tagging_keeps_warm_environments(
    service: LambdaService, tags: TagService, pool: EnvironmentPool
) -> None:
    service.invoker.invoke("fn", None, b"{}")
    [warm] = pool.live_environments()
    generation = service.functions.latest("fn").generation  # type: ignore[union-attr]

    tags.tag(ARN, {"Tags": {"team": "payments"}})
    tags.untag(ARN, ["team"])
    service.invoker.invoke("fn", None, b"{}")

    assert service.functions.latest("fn").generation == generation  # type: ignore[union-attr]
    assert pool.live_environments() == [warm]


def test_a_malformed_resource_fails_validation_with_aws_pattern(tags: TagService) -> None:
    with pytest.raises(ValidationException) as refused:
        tags.list_tags("fn")

    assert refused.value.message == (
        "1 validation error detected: Value 'fn' at 'resource' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {TAGGABLE_RESOURCE_RULE}")
    assert refused.value.status == 400


@pytest.mark.parametrize("qualifier", ["$LATEST", "1", "live"])
def test_a_version_or_alias_arn_is_refused(tags: TagService, qualifier: str) -> None:
    with pytest.raises(InvalidParameterValueException,
                       match="^Tags on function aliases and versions are not supported"):
        tags.tag(f"{ARN}:{qualifier}", {"Tags": {"team": "payments"}})

    assert tags.list_tags(ARN) == {"Tags": {}}


def test_a_code_signing_config_is_not_tagged_here(tags: TagService) -> None:
    config = "arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0123456789abcdef0"

    with pytest.raises(InvalidParameterValueException, match="not on " + config):
        tags.list_tags(config)


@pytest.mark.parametrize("resource", [
    "arn:aws:lambda:us-east-1:000000000000:function:other",
    "arn:aws:lambda:eu-west-1:000000000000:function:fn",
    "arn:aws:lambda:us-east-1:111122223333:function:fn",
])
def test_a_function_that_is_not_here_is_not_found(tags: TagService, resource: str) -> None:
    with pytest.raises(ResourceNotFoundException) as missing:
        tags.tag(resource, {"Tags": {"team": "payments"}})

    assert missing.value.message == f"Function not found: {resource}"
    assert missing.value.status == 404


def test_keys_under_aws_are_reserved(tags: TagService) -> None:
    with pytest.raises(InvalidParameterValueException, match="reserved prefix aws:"):
        tags.tag(ARN, {"Tags": {"aws:cloudformation:stack-name": "demo"}})


def test_the_fifty_tag_limit_counts_the_tags_already_set(tags: TagService) -> None:
    tags.tag(ARN, {"Tags": {f"key-{i}": "v" for i in range(45)}})

    with pytest.raises(InvalidParameterValueException) as refused:
        tags.tag(ARN, {"Tags": {f"new-{i}": "v" for i in range(6)}})

    assert refused.value.message == "Number of tags exceeds resource tag limit."
    assert len(tags.list_tags(ARN)["Tags"]) == 45
    tags.tag(ARN, {"Tags": {f"new-{i}": "v" for i in range(5)}})
    assert len(tags.list_tags(ARN)["Tags"]) == 50


def test_no_tags_to_add_or_keys_to_remove_is_refused_as_aws_does(tags: TagService) -> None:
    with pytest.raises(InvalidParameterValueException) as no_tags:
        tags.tag(ARN, {"Tags": {}})
    with pytest.raises(ValidationException) as no_keys:
        tags.untag(ARN, [])

    assert no_tags.value.message == "An error occurred and the request cannot be processed."
    assert no_keys.value.message == (
        "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: "
        "Member must not be null")


def test_a_capacity_provider_is_never_found(tags: TagService) -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:capacity-provider:pool"

    with pytest.raises(ResourceNotFoundException) as missing:
        tags.list_tags(arn)

    assert missing.value.message == f"Capacity provider not found: {arn}"


def test_an_event_source_mapping_is_tagged_by_its_arn(tags: TagService) -> None:
    mapping = ("arn:aws:lambda:us-east-1:000000000000:event-source-mapping:"
               "3f1c4ab5-4bd6-4a0c-9c8e-7f1f8c0d2e11")

    tags.tag(mapping, {"Tags": {"A": "a", "B": "b"}})
    tags.untag(mapping, ["A"])

    assert tags.list_tags(mapping) == {"Tags": {"B": "b"}}
    tags.forget(mapping)
    assert tags.list_tags(mapping) == {"Tags": {}}
