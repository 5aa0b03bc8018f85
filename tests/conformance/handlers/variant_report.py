"""Reports the variant (FUNCTION_VARIANT) that ran a request, and, when S3_BUCKET_NAME is
set, leaves an object named after the request and the variant in that bucket."""

import json
import os
import time

import boto3

BUCKET = os.environ.get("S3_BUCKET_NAME")
VARIANT = os.environ.get("FUNCTION_VARIANT")


def handler(event, context):
    time.sleep(int(event.get("sleep_seconds", 0)))
    prefix = event.get("request_prefix")
    report = {"function_version": context.function_version,
              "request_id": context.aws_request_id, "request_prefix": prefix,
              "function_variant": VARIANT}
    if BUCKET:
        report["s3_key"] = f"{prefix}--{VARIANT}"
        s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
        s3.put_object(Bucket=BUCKET, Key=report["s3_key"], Body=json.dumps(report))
    return report
