import os
import time


def handler(event, context):
    time.sleep(event.get("sleep", 0))
    return {"environment": dict(os.environ)}
