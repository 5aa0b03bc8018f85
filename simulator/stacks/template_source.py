"""Where a call's template comes from: `TemplateBody`, or `TemplateURL` naming an object of
the simulator's own S3 (virtual-hosted or path-style URL, AWS's or the endpoint's own)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urlparse

from simulator.stacks.errors import ValidationError
from simulator.stacks.template_parsing import MAX_BODY_BYTES

log = logging.getLogger(__name__)

VIRTUAL_HOST = re.compile(r"^(?P<bucket>.+)\.s3[.-]")
MAX_URL_TEMPLATE_BYTES = 1_048_576


def template_text(request: Mapping[str, Any], s3_client: Callable[[], Any]) -> str:
    """The template text of a CreateStack/UpdateStack/CreateChangeSet/ValidateTemplate
    request."""
    body, url = request.get("TemplateBody"), request.get("TemplateURL")
    if body is not None and url is not None:
        raise ValidationError("Exactly one of TemplateBody or TemplateUrl must be specified.")
    if body is not None:
        if len(str(body).encode()) > MAX_BODY_BYTES:
            raise ValidationError(
                f"1 validation error detected: Value '{str(body)[:20]}...' at 'templateBody' "
                f"failed to satisfy constraint: Member must have length less than or equal to "
                f"{MAX_BODY_BYTES}")
        return str(body)
    if url is None:
        raise ValidationError("Either Template URL or Template Body must be specified.")
    return _read_url(str(url), s3_client)


def s3_location(url: str) -> tuple[str, str]:
    """(bucket, key) of an S3 object URL; ValidationError for a URL that names none."""
    parsed = urlparse(url)
    host = parsed.hostname or ""
    path = unquote(parsed.path).lstrip("/")
    virtual = VIRTUAL_HOST.match(host)
    if virtual is not None:
        bucket, key = virtual.group("bucket"), path
    else:
        bucket, _, key = path.partition("/")
    if parsed.scheme not in ("http", "https") or not bucket or not key:
        raise ValidationError("TemplateURL must be a supported URL.")
    return bucket, key


def _read_url(url: str, s3_client: Callable[[], Any]) -> str:
    bucket, key = s3_location(url)
    from botocore.exceptions import ClientError

    try:
        response = s3_client().get_object(Bucket=bucket, Key=key)
        data = response["Body"].read()
    except ClientError as error:
        log.info("TemplateURL %s could not be read: %s", url, error)
        code = error.response.get("Error", {}).get("Code", "")
        raise ValidationError(f"S3 error: {error.response.get('Error', {}).get('Message', code)}"
                              ) from None
    if len(data) > MAX_URL_TEMPLATE_BYTES:
        raise ValidationError("Template may not exceed 1048576 bytes in size.")
    return str(data.decode("utf-8"))
