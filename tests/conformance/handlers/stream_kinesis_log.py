import base64
import json


def handler(event, context):
    print(json.dumps([json.loads(base64.b64decode(record["kinesis"]["data"]))
                      for record in event["Records"]]))
