import base64
import json


def handler(event, context):
    print(json.dumps(event))
    failures = []
    for record in event.get("Records", []):
        data = json.loads(base64.b64decode(record["kinesis"]["data"]))
        if data.get("should_fail", False):
            failures.append({"itemIdentifier": record["kinesis"]["sequenceNumber"]})
    return {"batchItemFailures": failures}
