"""A bucket's configuration properties as the S3 API's sub-resources: each property is put
with its own call when set, and removed with its own call when a stack update drops it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.stacks.resources.properties import as_bool, as_int, compact, tag_list

NOTIFICATION_KINDS = (
    ("LambdaConfigurations", "LambdaFunctionConfigurations", "Function", "LambdaFunctionArn"),
    ("QueueConfigurations", "QueueConfigurations", "Queue", "QueueArn"),
    ("TopicConfigurations", "TopicConfigurations", "Topic", "TopicArn"),
)


def notification_configuration(value: Mapping[str, Any]) -> dict[str, Any]:
    """`NotificationConfiguration`: one event per entry in CloudFormation, a list in S3;
    `Filter.S3Key.Rules` becomes `Filter.Key.FilterRules`."""
    answer: dict[str, Any] = {}
    for cfn_name, api_name, target, api_target in NOTIFICATION_KINDS:
        entries = []
        for entry in value.get(cfn_name) or ():
            converted: dict[str, Any] = {api_target: entry[target], "Events": [entry["Event"]]}
            rules = ((entry.get("Filter") or {}).get("S3Key") or {}).get("Rules")
            if rules:
                converted["Filter"] = {"Key": {"FilterRules": [
                    {"Name": rule["Name"], "Value": rule["Value"]} for rule in rules]}}
            entries.append(converted)
        if entries:
            answer[api_name] = entries
    if as_bool((value.get("EventBridgeConfiguration") or {}).get("EventBridgeEnabled")):
        answer["EventBridgeConfiguration"] = {}
    return answer


def cors_configuration(value: Mapping[str, Any]) -> dict[str, Any]:
    return {"CORSRules": [compact({
        "ID": rule.get("Id"), "AllowedHeaders": rule.get("AllowedHeaders"),
        "AllowedMethods": rule["AllowedMethods"], "AllowedOrigins": rule["AllowedOrigins"],
        "ExposeHeaders": rule.get("ExposedHeaders"), "MaxAgeSeconds": as_int(rule.get("MaxAge")),
    }) for rule in value.get("CorsRules") or ()]}


def lifecycle_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    expiration = compact({"Days": as_int(rule.get("ExpirationInDays")),
                          "Date": rule.get("ExpirationDate"),
                          "ExpiredObjectDeleteMarker":
                              as_bool(rule.get("ExpiredObjectDeleteMarker"))})
    noncurrent = rule.get("NoncurrentVersionExpiration") or (
        {"NoncurrentDays": rule["NoncurrentVersionExpirationInDays"]}
        if "NoncurrentVersionExpirationInDays" in rule else None)
    transitions = list(rule.get("Transitions") or ())
    if rule.get("Transition"):
        transitions.append(rule["Transition"])
    abort = rule.get("AbortIncompleteMultipartUpload")
    return compact({
        "ID": rule.get("Id"), "Status": rule["Status"],
        "Filter": {"Prefix": rule.get("Prefix", "")},
        "Expiration": expiration or None,
        "NoncurrentVersionExpiration": compact({
            "NoncurrentDays": as_int(noncurrent.get("NoncurrentDays")),
            "NewerNoncurrentVersions": as_int(noncurrent.get("NewerNoncurrentVersions"))})
        if noncurrent else None,
        "Transitions": [compact({"Days": as_int(t.get("TransitionInDays")),
                                 "Date": t.get("TransitionDate"),
                                 "StorageClass": t["StorageClass"]}) for t in transitions]
        or None,
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation":
                                           as_int(abort["DaysAfterInitiation"])}
        if abort else None,
    })


def website_configuration(value: Mapping[str, Any]) -> dict[str, Any]:
    rules = [compact({"Redirect": rule["RedirectRule"],
                      "Condition": rule.get("RoutingRuleCondition")})
             for rule in value.get("RoutingRules") or ()]
    return compact({
        "IndexDocument": {"Suffix": value["IndexDocument"]} if value.get("IndexDocument")
        else None,
        "ErrorDocument": {"Key": value["ErrorDocument"]} if value.get("ErrorDocument") else None,
        "RedirectAllRequestsTo": value.get("RedirectAllRequestsTo"),
        "RoutingRules": rules or None,
    })


@dataclass(frozen=True)
class BucketSetting:
    """How one configuration property is put on a bucket, and taken off it."""

    put: Callable[[Any, str, Any], None]
    remove: Callable[[Any, str], None]


SETTINGS: dict[str, BucketSetting] = {
    "VersioningConfiguration": BucketSetting(
        lambda s3, bucket, value: s3.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": value["Status"]}),
        lambda s3, bucket: s3.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})),
    "Tags": BucketSetting(
        lambda s3, bucket, value: s3.put_bucket_tagging(
            Bucket=bucket, Tagging={"TagSet": tag_list(value)}),
        lambda s3, bucket: s3.delete_bucket_tagging(Bucket=bucket)),
    "CorsConfiguration": BucketSetting(
        lambda s3, bucket, value: s3.put_bucket_cors(
            Bucket=bucket, CORSConfiguration=cors_configuration(value)),
        lambda s3, bucket: s3.delete_bucket_cors(Bucket=bucket)),
    "LifecycleConfiguration": BucketSetting(
        lambda s3, bucket, value: s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={
                "Rules": [lifecycle_rule(rule) for rule in value["Rules"]]}),
        lambda s3, bucket: s3.delete_bucket_lifecycle(Bucket=bucket)),
    "BucketEncryption": BucketSetting(
        lambda s3, bucket, value: s3.put_bucket_encryption(
            Bucket=bucket, ServerSideEncryptionConfiguration={
                "Rules": [encryption_rule(rule)
                          for rule in value["ServerSideEncryptionConfiguration"]]}),
        lambda s3, bucket: s3.delete_bucket_encryption(Bucket=bucket)),
    "WebsiteConfiguration": BucketSetting(
        lambda s3, bucket, value: s3.put_bucket_website(
            Bucket=bucket, WebsiteConfiguration=website_configuration(value)),
        lambda s3, bucket: s3.delete_bucket_website(Bucket=bucket)),
    "PublicAccessBlockConfiguration": BucketSetting(
        lambda s3, bucket, value: s3.put_public_access_block(
            Bucket=bucket, PublicAccessBlockConfiguration={
                name: bool(as_bool(setting)) for name, setting in value.items()}),
        lambda s3, bucket: s3.delete_public_access_block(Bucket=bucket)),
    "OwnershipControls": BucketSetting(
        lambda s3, bucket, value: s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": value["Rules"]}),
        lambda s3, bucket: s3.delete_bucket_ownership_controls(Bucket=bucket)),
    "NotificationConfiguration": BucketSetting(
        lambda s3, bucket, value: s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration=notification_configuration(value)),
        lambda s3, bucket: s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={})),
}


def apply_settings(s3: Any, bucket: str, old: Mapping[str, Any], new: Mapping[str, Any]
                   ) -> None:
    """Puts each configuration property that is new or changed, removes each dropped one."""
    for name, setting in SETTINGS.items():
        if new.get(name) == old.get(name):
            continue
        if new.get(name) is None:
            setting.remove(s3, bucket)
        else:
            setting.put(s3, bucket, new[name])


def encryption_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    """A CloudFormation encryption rule as S3's API spells it: `ServerSideEncryptionByDefault`
    is the API's `ApplyServerSideEncryptionByDefault`, and the key is a boolean."""
    applied: dict[str, Any] = {}
    if "ServerSideEncryptionByDefault" in rule:
        applied["ApplyServerSideEncryptionByDefault"] = dict(
            rule["ServerSideEncryptionByDefault"])
    if "BucketKeyEnabled" in rule:
        applied["BucketKeyEnabled"] = bool(as_bool(rule["BucketKeyEnabled"]))
    return applied
