"""The events a Cognito user pool sends its Lambda triggers, and what their answers change.

Every trigger gets the common fields (version, triggerSource, region, userPoolId, userName,
callerContext) around a `request` and an initial `response`, as Cognito's developer guide
lays them out; the pre token generation trigger's answer becomes claims and scopes of the
tokens it is about to issue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SDK_VERSION = "aws-sdk-unknown-unknown"
CODE_PARAMETER = "{####}"
LINK_PARAMETER = "{##Click Here##}"
USERNAME_PARAMETER = "{username}"
# Claims Cognito sets itself: a pre token generation answer cannot add, change or remove them.
RESERVED_CLAIMS = frozenset({
    "acr", "amr", "aud", "at_hash", "auth_time", "azp", "client_id", "cognito:username",
    "event_id", "exp", "iat", "identities", "iss", "jti", "nonce", "origin_jti", "sub",
    "token_use", "username", "scope"})
# A pool's PreTokenGenerationConfig LambdaVersion, as the event's `version` field says it.
TOKEN_EVENT_VERSIONS = {"V1_0": "1", "V2_0": "2", "V3_0": "3"}


def trigger_event(trigger_source: str, pool_id: str, user_name: str, client_id: str | None,
                  request: dict[str, Any], response: dict[str, Any], version: str = "1"
                  ) -> dict[str, Any]:
    """One trigger's event; the region is the pool's, the part of its id before `_`."""
    return {
        "version": version,
        "triggerSource": trigger_source,
        "region": pool_id.partition("_")[0],
        "userPoolId": pool_id,
        "userName": user_name,
        "callerContext": {"awsSdkVersion": SDK_VERSION, "clientId": client_id or ""},
        "request": request,
        "response": response,
    }


def user_attributes(attributes: list[dict[str, str]], status: str | None = None
                    ) -> dict[str, str]:
    """A user's attributes as triggers see them: name to value, with the user's status once
    the user exists (`cognito:user_status`)."""
    flat = {attribute["Name"]: attribute["Value"] for attribute in attributes}
    if status is not None:
        flat["cognito:user_status"] = status
    return flat


def custom_message_request(attributes: dict[str, str], client_metadata: dict[str, str] | None,
                           names_username: bool) -> dict[str, Any]:
    """The placeholders a custom message puts where Cognito fills in the code, the link and
    (for a user an administrator created) the user name."""
    return {"userAttributes": attributes, "codeParameter": CODE_PARAMETER,
            "linkParameter": LINK_PARAMETER,
            "usernameParameter": USERNAME_PARAMETER if names_username else None,
            "clientMetadata": client_metadata or {}}


def filled_message(template: str | None, code: str, username: str) -> str | None:
    """A custom message as the user would get it, placeholders filled in."""
    if template is None:
        return None
    return template.replace(CODE_PARAMETER, code).replace(USERNAME_PARAMETER, username)


@dataclass
class TokenOverrides:
    """What a pre token generation answer asks for. `groups` is None when it leaves the
    user's groups as they are."""

    id_claims: dict[str, Any] = field(default_factory=dict)
    id_suppressed: list[str] = field(default_factory=list)
    access_claims: dict[str, Any] = field(default_factory=dict)
    access_suppressed: list[str] = field(default_factory=list)
    scopes_added: list[str] = field(default_factory=list)
    scopes_suppressed: list[str] = field(default_factory=list)
    groups: list[str] | None = None
    roles: list[str] | None = None
    preferred_role: str | None = None


def token_request(attributes: dict[str, str], groups: list[str], scopes: list[str],
                  client_metadata: dict[str, str] | None, version: str) -> dict[str, Any]:
    request: dict[str, Any] = {
        "userAttributes": attributes,
        "groupConfiguration": {"groupsToOverride": groups, "iamRolesToOverride": [],
                               "preferredRole": None},
        "clientMetadata": client_metadata or {},
    }
    if version != "1":
        request["scopes"] = scopes
    return request


def token_response(version: str) -> dict[str, Any]:
    if version == "1":
        return {"claimsOverrideDetails": None}
    return {"claimsAndScopeOverrideDetails": None}


def token_overrides(response: dict[str, Any], version: str) -> TokenOverrides:
    """Version 1 changes the ID token (and both tokens' groups); versions 2 and 3 change
    each token on its own, and the access token's scopes."""
    overrides = TokenOverrides()
    if version == "1":
        details = _mapping(response.get("claimsOverrideDetails"))
        overrides.id_claims = _mapping(details.get("claimsToAddOrOverride"))
        overrides.id_suppressed = _names(details.get("claimsToSuppress"))
    else:
        details = _mapping(response.get("claimsAndScopeOverrideDetails"))
        id_token = _mapping(details.get("idTokenGeneration"))
        access_token = _mapping(details.get("accessTokenGeneration"))
        overrides.id_claims = _mapping(id_token.get("claimsToAddOrOverride"))
        overrides.id_suppressed = _names(id_token.get("claimsToSuppress"))
        overrides.access_claims = _mapping(access_token.get("claimsToAddOrOverride"))
        overrides.access_suppressed = _names(access_token.get("claimsToSuppress"))
        overrides.scopes_added = _names(access_token.get("scopesToAdd"))
        overrides.scopes_suppressed = _names(access_token.get("scopesToSuppress"))
    group_details = details.get("groupOverrideDetails")
    if isinstance(group_details, dict):
        if isinstance(group_details.get("groupsToOverride"), list):
            overrides.groups = _names(group_details["groupsToOverride"])
        if isinstance(group_details.get("iamRolesToOverride"), list):
            overrides.roles = _names(group_details["iamRolesToOverride"])
        if isinstance(group_details.get("preferredRole"), str):
            overrides.preferred_role = group_details["preferredRole"]
    return overrides


def overridden_claims(claims: dict[str, Any], token_use: str, overrides: TokenOverrides
                      ) -> dict[str, Any]:
    """The claims a token carries once the answer is applied; Cognito's own claims stay."""
    changed = dict(claims)
    if overrides.groups is not None:
        changed.pop("cognito:groups", None)
        if overrides.groups:
            changed["cognito:groups"] = overrides.groups
    if token_use == "id":
        added, suppressed = overrides.id_claims, overrides.id_suppressed
        if overrides.roles is not None:
            changed["cognito:roles"] = overrides.roles
        if overrides.preferred_role is not None:
            changed["cognito:preferred_role"] = overrides.preferred_role
    else:
        added, suppressed = overrides.access_claims, overrides.access_suppressed
        scopes = [s for s in str(changed.get("scope", "")).split() if
                  s not in overrides.scopes_suppressed]
        scopes += [s for s in overrides.scopes_added if s not in scopes]
        changed["scope"] = " ".join(scopes)
    for name in suppressed:
        if name not in RESERVED_CLAIMS:
            changed.pop(name, None)
    for name, value in added.items():
        if name not in RESERVED_CLAIMS:
            changed[name] = value
    return changed


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _names(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
