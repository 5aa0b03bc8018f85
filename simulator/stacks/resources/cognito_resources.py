"""Cognito user pools: AWS::Cognito::UserPool (`Ref` is the pool id), UserPoolClient (`Ref`
is the client id), UserPoolGroup (`Ref` is the group name) and UserPoolDomain (`Ref` is the
domain). Properties keep their API names, so each passes through to the API typed by
botocore's model: a parameter gives numbers and booleans as text, and a template often gives
a schema attribute's length limits as numbers where the API takes text."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from simulator.botocore_models import service_model
from simulator.stacks.provisioning import (
    Provisioned,
    ProvisioningContext,
    ResourceFailed,
    ResourceProvisioner,
)
from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    attribute_text,
    changed,
    compact,
    resource_name,
)

# Set by CreateUserPool and UpdateUserPool alike (an absent one returns to its default).
POOL_SETTINGS = ("AccountRecoverySetting", "AdminCreateUserConfig", "AutoVerifiedAttributes",
                 "DeletionProtection", "DeviceConfiguration", "EmailConfiguration",
                 "EmailVerificationMessage", "EmailVerificationSubject", "LambdaConfig",
                 "MfaConfiguration", "Policies", "SmsAuthenticationMessage",
                 "SmsConfiguration", "SmsVerificationMessage", "UserAttributeUpdateSettings",
                 "UserPoolAddOns", "UserPoolTags", "UserPoolTier",
                 "VerificationMessageTemplate")
# Set only when the pool is made: CloudFormation refuses a change to one.
POOL_FIXED_SETTINGS = ("AliasAttributes", "UsernameAttributes", "UsernameConfiguration")
# Set through SetUserPoolMfaConfig.
MFA_PROPERTIES = ("EnabledMfas", "EmailAuthenticationMessage", "EmailAuthenticationSubject",
                  "WebAuthnFactorConfiguration", "WebAuthnRelyingPartyID",
                  "WebAuthnUserVerification")
CLIENT_SETTINGS = ("AccessTokenValidity", "AllowedOAuthFlows", "AllowedOAuthFlowsUserPoolClient",
                   "AllowedOAuthScopes", "AnalyticsConfiguration", "AuthSessionValidity",
                   "CallbackURLs", "DefaultRedirectURI", "EnablePropagateAdditionalUserContextData",
                   "EnableTokenRevocation", "ExplicitAuthFlows", "IdTokenValidity", "LogoutURLs",
                   "PreventUserExistenceErrors", "ReadAttributes", "RefreshTokenRotation",
                   "RefreshTokenValidity", "SupportedIdentityProviders", "TokenValidityUnits",
                   "WriteAttributes")
GROUP_SETTINGS = ("Description", "Precedence", "RoleArn")
DOMAIN_SETTINGS = ("CustomDomainConfig", "ManagedLoginVersion")
NAME_LENGTH = 128


def api_typed(value: Any, shape: Shape) -> Any:
    """`value` in the types `shape` takes; members the shape does not know are left for the
    API to refuse."""
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        return {name: api_typed(item, shape.members[name]) if name in shape.members else item
                for name, item in value.items()}
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [api_typed(item, shape.member) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, Mapping):
        return {str(key): api_typed(item, shape.value) for key, item in value.items()}
    if shape.type_name == "boolean" and isinstance(value, str):
        return value.lower() == "true"
    if shape.type_name in ("integer", "long") and isinstance(value, str):
        return int(value)
    if shape.type_name == "string" and isinstance(value, (bool, int, float)):
        return attribute_text(value)
    return value


def api_parameters(operation: str, properties: Mapping[str, Any], names: Iterable[str]
                   ) -> dict[str, Any]:
    """The named properties the template gives, as `operation`'s parameters."""
    members = service_model("cognito-idp").operation_model(operation).input_shape.members
    return {name: api_typed(properties[name], members[name]) for name in names
            if properties.get(name) is not None}


def schema_attributes(properties: Mapping[str, Any]) -> dict[str, Any]:
    """The pool's `Schema` by attribute name."""
    return {str(attribute["Name"]): attribute for attribute in
            api_parameters("CreateUserPool", properties, ["Schema"]).get("Schema", [])}


def mfa_settings(properties: Mapping[str, Any]) -> dict[str, Any]:
    """SetUserPoolMfaConfig's parameters: `EnabledMfas` names the factors turned on."""
    enabled = properties.get("EnabledMfas") or []
    settings: dict[str, Any] = {
        "MfaConfiguration": properties.get("MfaConfiguration") or "OFF",
        "SoftwareTokenMfaConfiguration": {"Enabled": "SOFTWARE_TOKEN_MFA" in enabled}}
    if "SMS_MFA" in enabled:
        settings["SmsMfaConfiguration"] = api_parameters(
            "CreateUserPool", properties, ["SmsAuthenticationMessage", "SmsConfiguration"])
    if "EMAIL_OTP" in enabled:
        settings["EmailMfaConfiguration"] = compact({
            "Message": properties.get("EmailAuthenticationMessage"),
            "Subject": properties.get("EmailAuthenticationSubject")})
    web_authn = compact({"RelyingPartyId": properties.get("WebAuthnRelyingPartyID"),
                         "UserVerification": properties.get("WebAuthnUserVerification"),
                         "FactorConfiguration": properties.get("WebAuthnFactorConfiguration")})
    if web_authn:
        settings["WebAuthnConfiguration"] = web_authn
    return settings


def refused_update(message: str) -> ResourceFailed:
    return ResourceFailed(f'Resource handler returned message: "Invalid request provided: '
                          f'{message}" (HandlerErrorCode: InvalidRequest)')


class UserPoolProvisioner:
    """No property needs a new pool: the name and settings change in place, `Schema` takes
    new attributes only, and the sign-in settings cannot change at all."""

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        idp = context.client("cognito-idp")
        pool = idp.create_user_pool(
            PoolName=resource_name(context, properties, "UserPoolName", NAME_LENGTH),
            **api_parameters("CreateUserPool", properties,
                             (*POOL_SETTINGS, *POOL_FIXED_SETTINGS, "Schema")))["UserPool"]
        if any(properties.get(name) is not None for name in MFA_PROPERTIES):
            idp.set_user_pool_mfa_config(UserPoolId=pool["Id"], **mfa_settings(properties))
        return self._provisioned(context, pool)

    def replaces(self, old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
                 ) -> bool:
        return False

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        for name in POOL_FIXED_SETTINGS:
            if changed(old_properties, new_properties, [name]):
                raise refused_update(f"Updates are not allowed for property - {name}.")
        had, wanted = schema_attributes(old_properties), schema_attributes(new_properties)
        if any(wanted.get(name) != attribute for name, attribute in had.items()):
            raise refused_update("Existing schema attributes cannot be modified or deleted.")
        idp = context.client("cognito-idp")
        pool = idp.describe_user_pool(UserPoolId=physical_id)["UserPool"]
        idp.update_user_pool(
            UserPoolId=physical_id,
            PoolName=new_properties.get("UserPoolName") or pool["Name"],
            **api_parameters("UpdateUserPool", new_properties, POOL_SETTINGS))
        added = [attribute for name, attribute in wanted.items() if name not in had]
        if added:
            idp.add_custom_attributes(UserPoolId=physical_id, CustomAttributes=added)
        if changed(old_properties, new_properties, (*MFA_PROPERTIES, "MfaConfiguration")) and \
                any(properties.get(name) is not None for properties in
                    (old_properties, new_properties) for name in MFA_PROPERTIES):
            idp.set_user_pool_mfa_config(UserPoolId=physical_id,
                                         **mfa_settings(new_properties))
        return self._provisioned(context, pool)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("cognito-idp").delete_user_pool(UserPoolId=physical_id)

    @staticmethod
    def _provisioned(context: ProvisioningContext, pool: Mapping[str, Any]) -> Provisioned:
        pool_id = str(pool["Id"])
        provider = f"cognito-idp.{context.region}.amazonaws.com/{pool_id}"
        return Provisioned(pool_id, {"Arn": pool["Arn"], "ProviderName": provider,
                                     "ProviderURL": f"https://{provider}",
                                     "UserPoolId": pool_id})


class UserPoolClientProvisioner(ReplacedByProperties):
    """A client without `ClientName` is named as CloudFormation names resources."""

    required_properties = frozenset({"UserPoolId"})
    replacement_properties = frozenset({"UserPoolId", "GenerateSecret"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        client = context.client("cognito-idp").create_user_pool_client(
            UserPoolId=properties["UserPoolId"],
            ClientName=resource_name(context, properties, "ClientName", NAME_LENGTH),
            **api_parameters("CreateUserPoolClient", properties,
                             (*CLIENT_SETTINGS, "GenerateSecret")))["UserPoolClient"]
        return self._provisioned(client)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        client = context.client("cognito-idp").update_user_pool_client(
            UserPoolId=new_properties["UserPoolId"], ClientId=physical_id,
            **api_parameters("UpdateUserPoolClient", new_properties,
                             (*CLIENT_SETTINGS, "ClientName")))["UserPoolClient"]
        return self._provisioned(client)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("cognito-idp").delete_user_pool_client(
            UserPoolId=properties["UserPoolId"], ClientId=physical_id)

    @staticmethod
    def _provisioned(client: Mapping[str, Any]) -> Provisioned:
        """`ClientSecret` is there only for a client that has one."""
        return Provisioned(str(client["ClientId"]), compact({
            "ClientId": client["ClientId"], "Name": client.get("ClientName"),
            "ClientSecret": client.get("ClientSecret")}))


class UserPoolGroupProvisioner(ReplacedByProperties):
    required_properties = frozenset({"UserPoolId"})
    replacement_properties = frozenset({"UserPoolId", "GroupName"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        name = resource_name(context, properties, "GroupName", NAME_LENGTH)
        context.client("cognito-idp").create_group(
            UserPoolId=properties["UserPoolId"], GroupName=name,
            **api_parameters("CreateGroup", properties, GROUP_SETTINGS))
        return Provisioned(name)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        context.client("cognito-idp").update_group(
            UserPoolId=new_properties["UserPoolId"], GroupName=physical_id,
            **api_parameters("UpdateGroup", new_properties, GROUP_SETTINGS))
        return Provisioned(physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("cognito-idp").delete_group(UserPoolId=properties["UserPoolId"],
                                                   GroupName=physical_id)


class UserPoolDomainProvisioner(ReplacedByProperties):
    """`CloudFrontDistribution` is the domain's CloudFront host, as DescribeUserPoolDomain
    answers it."""

    required_properties = frozenset({"UserPoolId", "Domain"})
    replacement_properties = frozenset({"UserPoolId", "Domain"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        idp = context.client("cognito-idp")
        idp.create_user_pool_domain(
            UserPoolId=properties["UserPoolId"], Domain=properties["Domain"],
            **api_parameters("CreateUserPoolDomain", properties, DOMAIN_SETTINGS))
        return self._provisioned(idp, str(properties["Domain"]))

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        idp = context.client("cognito-idp")
        if changed(old_properties, new_properties, DOMAIN_SETTINGS):
            idp.update_user_pool_domain(
                UserPoolId=new_properties["UserPoolId"], Domain=physical_id,
                **api_parameters("UpdateUserPoolDomain", new_properties, DOMAIN_SETTINGS))
        return self._provisioned(idp, physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("cognito-idp").delete_user_pool_domain(
            UserPoolId=properties["UserPoolId"], Domain=physical_id)

    @staticmethod
    def _provisioned(idp: Any, domain: str) -> Provisioned:
        described = idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]
        return Provisioned(domain, compact({
            "CloudFrontDistribution": described.get("CloudFrontDistribution")}))


# The types this module serves, as the registry of provisioners takes them.
PROVISIONERS: dict[str, Callable[[], ResourceProvisioner]] = {
    "AWS::Cognito::UserPool": UserPoolProvisioner,
    "AWS::Cognito::UserPoolClient": UserPoolClientProvisioner,
    "AWS::Cognito::UserPoolGroup": UserPoolGroupProvisioner,
    "AWS::Cognito::UserPoolDomain": UserPoolDomainProvisioner,
}
