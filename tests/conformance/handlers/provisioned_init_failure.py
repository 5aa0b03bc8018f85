"""Fails to start in an environment provisioned ahead of time, runs in one started on demand."""

import os

INITIALIZATION_TYPE = os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]

if INITIALIZATION_TYPE == "provisioned-concurrency":
    raise Exception("Intentional failure upon provisioned concurrency initialization")


def handler(event, context):
    print(f"initialization type: {INITIALIZATION_TYPE}")
    return INITIALIZATION_TYPE
