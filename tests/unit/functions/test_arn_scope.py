"""ARNs of another region or account are answered as AWS answers them."""

from __future__ import annotations

import pytest

from simulator.errors import AccessDeniedException, ResourceNotFoundException
from simulator.functions.arn_scope import refuse_foreign

ACCOUNT = "123456789012"


@pytest.mark.parametrize("reference", [
    "fn", "fn:prod", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn",
    f"us-east-1:{ACCOUNT}:function:fn", f"{ACCOUNT}:function:fn", "function:fn",
])
def test_local_references_pass(reference: str) -> None:
    refuse_foreign(reference, "us-east-1", ACCOUNT)


@pytest.mark.parametrize("reference", [
    f"arn:aws:lambda:eu-central-1:{ACCOUNT}:function:fn",
    f"arn:aws:lambda:eu-central-1:{ACCOUNT}:function:fn:1",
    f"eu-central-1:{ACCOUNT}:function:fn",
])
def test_another_region_is_not_reachable(reference: str) -> None:
    with pytest.raises(ResourceNotFoundException) as raised:
        refuse_foreign(reference, "us-east-1", ACCOUNT)
    assert raised.value.message == (
        "Functions from 'eu-central-1' are not reachable in this region ('us-east-1')")


def test_another_account_is_denied_without_a_message() -> None:
    with pytest.raises(AccessDeniedException) as raised:
        refuse_foreign("arn:aws:lambda:us-east-1:210987654321:function:fn", "us-east-1",
                       ACCOUNT)
    assert raised.value.status == 403
    assert raised.value.body() == {"Message": None}
