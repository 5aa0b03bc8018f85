import json
import os

# Headers the function URL adds itself, dropped when TRIM_X_HEADERS is "1".
ADDED_PREFIXES = ("x-amzn", "x-forwarded-")


def handler(event, context):
    print(json.dumps(event))
    headers = event.get("headers", {})
    if os.environ.get("TRIM_X_HEADERS") == "1":
        headers = {name: value for name, value in headers.items()
                   if not name.startswith(ADDED_PREFIXES)}
    http = event["requestContext"]["http"]
    seen = {
        "args": event.get("queryStringParameters", {}),
        "data": event.get("body", ""),
        "domain": event["requestContext"].get("domainName", ""),
        "headers": headers,
        "method": http.get("method", ""),
        "origin": http.get("sourceIp", ""),
        "path": http.get("path", ""),
    }
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": seen}
