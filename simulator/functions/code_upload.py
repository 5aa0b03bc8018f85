"""Where uploaded code comes from: the request itself (`ZipFile`, base64 in JSON) or an object
in the simulator's own S3, as CreateFunction, UpdateFunctionCode and PublishLayerVersion allow.
The S3 is moto's, mounted in this process on the same endpoint, so its backend is read
directly: the bucket a user filled with boto3's S3 client is the one the code comes from."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from simulator.errors import InvalidParameterValueException, RequestEntityTooLargeException
from simulator.functions.code_store import MAX_ZIPPED_BYTES, UNZIP_FAILED

NO_SOURCE = "Please provide a source for function code."


def zip_from(code: dict[str, Any]) -> bytes:
    """The zip bytes a `Code`/`Content` member (or UpdateFunctionCode's body) names."""
    if code.get("S3Bucket") or code.get("S3Key"):
        if not code.get("S3Bucket") or not code.get("S3Key"):
            raise InvalidParameterValueException(NO_SOURCE)
        return s3_object(code["S3Bucket"], code["S3Key"], code.get("S3ObjectVersion"))
    encoded = code.get("ZipFile")
    if not encoded:
        raise InvalidParameterValueException(NO_SOURCE)
    try:
        zip_bytes = base64.b64decode(encoded, validate=True)
    except (binascii.Error, TypeError):
        raise InvalidParameterValueException(UNZIP_FAILED) from None
    # Only an archive in the request is held to the zipped limit: one in S3 may be larger.
    if len(zip_bytes) >= MAX_ZIPPED_BYTES:
        raise RequestEntityTooLargeException(
            f"Zipped size must be smaller than {MAX_ZIPPED_BYTES} bytes")
    return zip_bytes


def s3_object(bucket: str, key: str, version: str | None = None) -> bytes:
    """An object's bytes, or AWS's error for a missing bucket, key or version. moto is
    imported here, not at the top: it is large and only code from S3 needs it."""
    from moto.s3.models import s3_backends

    located = s3_backends.bucket_accounts.get(bucket)
    if located is None:
        raise _get_object_error("NoSuchBucket", "The specified bucket does not exist")
    partition, account_id = located
    found = s3_backends[account_id][partition].get_object(bucket, key, version)
    if found is None:
        if version is not None:
            raise _get_object_error("NoSuchVersion", "The specified version does not exist.")
        raise _get_object_error("NoSuchKey", "The specified key does not exist.")
    return bytes(found.value)


def _get_object_error(code: str, message: str) -> InvalidParameterValueException:
    return InvalidParameterValueException(
        f"Error occurred while GetObject. S3 Error Code: {code}. S3 Error Message: {message}")
