import os

import boto3


def handler(event, context):
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    sts = boto3.client("sts", endpoint_url=endpoint) if endpoint else boto3.client("sts")
    return sts.get_caller_identity()
