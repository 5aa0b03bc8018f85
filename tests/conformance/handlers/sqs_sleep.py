"""Sleeps TEST_SLEEP_S seconds an invocation."""

import os
import time

SLEEP_SECONDS = int(os.environ.get("TEST_SLEEP_S", "0"))


def handler(event, context):
    print(f"sleeping for {SLEEP_SECONDS}")
    time.sleep(SLEEP_SECONDS)
    print("done sleeping")
    return {"status": "ok"}
