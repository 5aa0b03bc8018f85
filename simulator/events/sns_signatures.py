"""The signature on an SNS notification delivered to a queue or an HTTP endpoint, as AWS
makes it: SignatureVersion "1" (SHA1 with RSA) unless the topic's SignatureVersion attribute
asks for "2" (SHA256 with RSA). The embedded SNS always signs with version 2, so a consumer
checking the version, or verifying the signature by the version it states, would see a
notification AWS never sends."""

from __future__ import annotations

import base64
import threading
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

DEFAULT_VERSION = "1"
# The members of a Notification that are signed, in the order AWS signs them.
SIGNED_MEMBERS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")

_lock = threading.Lock()
_installed = False


def string_to_sign(notification: Mapping[str, Any]) -> bytes:
    """Each signed member present, as its name and its value on lines of their own."""
    return "".join(f"{name}\n{notification[name]}\n" for name in SIGNED_MEMBERS
                   if name in notification).encode()


def signed(notification: dict[str, Any], key: rsa.RSAPrivateKey, version: str
           ) -> dict[str, Any]:
    """The notification with its SignatureVersion and a Signature made by that version."""
    version = "2" if version == "2" else DEFAULT_VERSION
    algorithm = hashes.SHA256() if version == "2" else hashes.SHA1()
    signature = key.sign(string_to_sign(notification), padding.PKCS1v15(), algorithm)
    return {**notification, "SignatureVersion": version,
            "Signature": base64.b64encode(signature).decode()}


def install() -> None:
    """Patch moto's notification body, once per process."""
    global _installed
    with _lock:
        if _installed:
            return
        from moto.sns import models as sns_models

        original = sns_models.Subscription.get_post_data

        def get_post_data(subscription: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
            notification: dict[str, Any] = original(subscription, *args, **kwargs)
            version = str(getattr(subscription.topic, "signature_version", DEFAULT_VERSION))
            return signed(notification, subscription.private_key(), version)

        sns_models.Subscription.get_post_data = (  # type: ignore[method-assign]
            get_post_data)  # type: ignore[assignment]
        _installed = True
