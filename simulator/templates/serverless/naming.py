"""The logical ids and names the Serverless Framework gives what it generates, so that a
service's own `resources` (and the outputs that name them) find them under the same ids."""

from __future__ import annotations

import re


def normalized(name: str) -> str:
    """The framework's normalisation of a name for a logical id: `-` spelled `Dash`, `_`
    spelled `Underscore`, the first letter capitalised (`get-user_v2` →
    `GetDashuserUnderscorev2`)."""
    spelled = name.replace("-", "Dash").replace("_", "Underscore")
    return spelled[:1].upper() + spelled[1:]


def alphanumeric(name: str) -> str:
    """A bucket's or topic's name as part of a logical id: letters and digits only, the first
    letter capitalised."""
    kept = re.sub(r"[^A-Za-z0-9]", "", name)
    return kept[:1].upper() + kept[1:]


def function_id(function_name: str) -> str:
    return f"{normalized(function_name)}LambdaFunction"


def layer_id(layer_name: str) -> str:
    return f"{normalized(layer_name)}LambdaLayer"


def bucket_id(bucket_name: str) -> str:
    return f"S3Bucket{alphanumeric(bucket_name)}"


def topic_id(topic_name: str) -> str:
    return f"SNSTopic{alphanumeric(topic_name)}"


def event_bus_id(bus_name: str) -> str:
    return f"EventBridgeEventBus{alphanumeric(bus_name)}"


REST_API_ID = "ApiGatewayRestApi"
