import json


def handler(event, context):
    print(json.dumps(event))
    failures = []
    for record in event.get("Records", []):
        image = record["dynamodb"].get("NewImage", {})
        if image.get("should_fail", {}).get("BOOL", False):
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failures}
