import base64
import json

RAISE_ERROR_FLAG = "raise_error"


def record_data(record):
    """A Kinesis record's data, or a DynamoDB record's new image, as the text it holds."""
    if "kinesis" in record:
        return base64.b64decode(record["kinesis"]["data"]).decode("utf-8", "replace")
    return json.dumps(record.get("dynamodb", {}).get("NewImage", {}))


def handler(event, context):
    print("Lambda log message - print function", flush=True)
    for record in event.get("Records", []):
        if RAISE_ERROR_FLAG in record_data(record):
            raise Exception("Test exception (this is intentional)")
    return {"event": event}
