import os
import time


def handler(event, context):
    if event.get("wait"):
        time.sleep(event["wait"])
    initialization_type = os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]
    print(f"initialization type: {initialization_type}")
    return initialization_type
