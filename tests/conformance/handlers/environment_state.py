"""Keeps one value in /tmp and one in memory, to show what survives a timeout."""

import time

STORE = "/tmp/environment-state"
number = 0


def handler(event, context):
    global number
    if "write-file" in event:
        with open(STORE, "w") as stored:
            stored.write(event["write-file"])
    elif "read-file" in event:
        with open(STORE) as stored:
            return {"content": stored.read()}
    elif "set-number" in event:
        number = event["set-number"]
    elif "read-number" in event:
        return {"number": number}
    elif "sleep" in event:
        print("starting wait")
        time.sleep(event["sleep"])
        print("done waiting")
    return None
