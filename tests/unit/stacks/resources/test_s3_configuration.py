from __future__ import annotations

from simulator.stacks.resources.s3_configuration import (
    apply_settings,
    cors_configuration,
    lifecycle_rule,
    notification_configuration,
    website_configuration,
)
from tests.unit.stacks.resources.fake_clients import FakeClient


def test_notifications_take_s3s_shape() -> None:
    assert notification_configuration({
        "LambdaConfigurations": [{"Event": "s3:ObjectCreated:*", "Function": "fn-arn",
                                  "Filter": {"S3Key": {"Rules": [
                                      {"Name": "suffix", "Value": ".jpg"}]}}}],
        "TopicConfigurations": [{"Event": "s3:ObjectRemoved:*", "Topic": "topic-arn"}],
        "EventBridgeConfiguration": {"EventBridgeEnabled": "true"},
    }) == {
        "LambdaFunctionConfigurations": [{
            "LambdaFunctionArn": "fn-arn", "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".jpg"}]}}}],
        "TopicConfigurations": [{"TopicArn": "topic-arn", "Events": ["s3:ObjectRemoved:*"]}],
        "EventBridgeConfiguration": {},
    }


def test_cors_lifecycle_and_website_are_renamed() -> None:
    assert cors_configuration({"CorsRules": [{
        "Id": "r", "AllowedMethods": ["GET"], "AllowedOrigins": ["*"],
        "ExposedHeaders": ["ETag"], "MaxAge": "30"}]}) == {"CORSRules": [{
            "ID": "r", "AllowedMethods": ["GET"], "AllowedOrigins": ["*"],
            "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 30}]}
    assert lifecycle_rule({"Id": "old", "Status": "Enabled", "Prefix": "logs/",
                           "ExpirationInDays": "7",
                           "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}) == {
        "ID": "old", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
        "Expiration": {"Days": 7}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}
    assert website_configuration({"IndexDocument": "index.html",
                                  "ErrorDocument": "error.html"}) == {
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}}


def test_an_update_puts_what_changed_and_removes_what_went() -> None:
    s3 = FakeClient("s3")
    apply_settings(s3, "b", {"CorsConfiguration": {"CorsRules": []},
                             "Tags": [{"Key": "a", "Value": "1"}]},
                   {"Tags": [{"Key": "a", "Value": "1"}],
                    "VersioningConfiguration": {"Status": "Enabled"}})
    assert s3.operations() == ["put_bucket_versioning", "delete_bucket_cors"]

