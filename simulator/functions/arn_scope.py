"""A function ARN names a region and an account: AWS answers one of another region as not
reachable from the region asked (404) and one of another account as denied (403), before
looking the function up. These checks run first, on every route that names a function."""

from __future__ import annotations

import re

from simulator.errors import AccessDeniedException, ResourceNotFoundException

ARN_SCOPE = re.compile(
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?"
    r"((?P<region>(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}):)?"
    r"((?P<account>\d{12}):)?")


class ForeignAccountDenied(AccessDeniedException):
    """AWS's 403 for another account's function carries no message."""

    def __init__(self) -> None:
        super().__init__("")

    def body(self) -> dict[str, object]:
        return {"Message": None}


def refuse_foreign(reference: str, region: str, account_id: str) -> None:
    """Raise AWS's error when `reference` is an ARN (full or partial) of another region or
    account than this endpoint's."""
    match = ARN_SCOPE.match(reference)
    if match is None:
        return
    named_region = match.group("region")
    if named_region is not None and named_region != region:
        raise ResourceNotFoundException(
            f"Functions from '{named_region}' are not reachable in this region ('{region}')")
    named_account = match.group("account")
    if named_account is not None and named_account != account_id:
        raise ForeignAccountDenied()
