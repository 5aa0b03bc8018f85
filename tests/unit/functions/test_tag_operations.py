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
    with pytest.raises(InvalidParameterValueException, match="versions or aliases"):
        tags.tag(f"{ARN}:{qualifier}", {"Tags": {"team": "payments"}})

    assert tags.list_tags(ARN) == {"Tags": {}}


def test_a_taggable_resource_that_is_not_a_function_is_refused(tags: TagService) -> None:
    mapping = ("arn:aws:lambda:us-east-1:000000000000:event-source-mapping:"
               "a1b2c3d4-e5f6-4a5b-8c9d-0123456789ab")

    with pytest.raises(InvalidParameterValueException, match="not on " + mapping):
        tags.list_tags(mapping)


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

    assert refused.value.message == "Number of tags exceeds resource tag limit of 50."
    assert len(tags.list_tags(ARN)["Tags"]) == 45
    tags.tag(ARN, {"Tags": {f"new-{i}": "v" for i in range(5)}})
    assert len(tags.list_tags(ARN)["Tags"]) == 50
