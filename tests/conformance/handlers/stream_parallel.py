import json
import time


def handler(event, context):
    started = {"executionStart": time.time(), "event": event}
    time.sleep(5)
    print(json.dumps(started))
    return started
