"""AWS::SecretsManager::Secret: `Ref` is the secret's ARN. A `GenerateSecretString` makes a
random password, alone or as one key of a JSON template, as CloudFormation does."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    as_bool,
    as_int,
    compact,
    resource_name,
    tag_list,
)

PASSWORD_OPTIONS = (("PasswordLength", "PasswordLength"),
                    ("ExcludeCharacters", "ExcludeCharacters"),
                    ("ExcludeNumbers", "ExcludeNumbers"),
                    ("ExcludePunctuation", "ExcludePunctuation"),
                    ("ExcludeUppercase", "ExcludeUppercase"),
                    ("ExcludeLowercase", "ExcludeLowercase"),
                    ("IncludeSpace", "IncludeSpace"),
                    ("RequireEachIncludedType", "RequireEachIncludedType"))


def secret_value(secrets: Any, properties: Mapping[str, Any]) -> str | None:
    """The secret's text: given, or generated from `GenerateSecretString`."""
    if properties.get("SecretString") is not None:
        return str(properties["SecretString"])
    generate = properties.get("GenerateSecretString")
    if not generate:
        return None
    options: dict[str, Any] = {}
    for prop, parameter in PASSWORD_OPTIONS:
        if prop in generate:
            options[parameter] = as_int(generate[prop]) if prop == "PasswordLength" \
                else (generate[prop] if prop == "ExcludeCharacters" else as_bool(generate[prop]))
    password = str(secrets.get_random_password(**options)["RandomPassword"])
    template = generate.get("SecretStringTemplate")
    if not template:
        return password
    document = json.loads(template)
    document[generate["GenerateStringKey"]] = password
    return json.dumps(document)


class SecretProvisioner(ReplacedByProperties):
    replacement_properties = frozenset({"Name"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        secrets = context.client("secretsmanager")
        secret = secrets.create_secret(
            Name=resource_name(context, properties, "Name", 256), **compact({
                "Description": properties.get("Description"),
                "KmsKeyId": properties.get("KmsKeyId"),
                "SecretString": secret_value(secrets, properties),
                "Tags": tag_list(properties.get("Tags")) or None}))
        return Provisioned(secret["ARN"], {"Id": secret["ARN"]})

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        secrets = context.client("secretsmanager")
        value_changed = any(old_properties.get(name) != new_properties.get(name)
                            for name in ("SecretString", "GenerateSecretString"))
        secrets.update_secret(SecretId=physical_id, **compact({
            "Description": new_properties.get("Description", ""),
            "KmsKeyId": new_properties.get("KmsKeyId"),
            "SecretString": secret_value(secrets, new_properties) if value_changed else None}))
        return Provisioned(physical_id, {"Id": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("secretsmanager").delete_secret(SecretId=physical_id,
                                                       ForceDeleteWithoutRecovery=True)
