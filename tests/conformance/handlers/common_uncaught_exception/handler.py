"""Fails with an exception that carries part of the event."""
import json


def handler(event, context):
    print(json.dumps(event))
    raise Exception("Failed: " + str(event.get("error_msg")))
