"""boto3 clients for the simulator's own endpoint, as its pollers, schedulers and event wiring
use them: real clients of the same services users call, signed with the access token (as
their secret access key) when the server requires one. boto3 (and botocore's HTTP stack) is
imported on first use, not when the server starts: many sessions never need it, and
importing it costs memory (docs/MEASUREMENTS.md)."""

from __future__ import annotations

from typing import Any

from simulator.config import Settings


def own_client(settings: Settings, service: str, region: str | None = None,
               **config: Any) -> Any:
    """A client that reads nothing of the host's AWS configuration: a profile named in
    AWS_PROFILE (even one that does not exist) must not stop the server calling itself. Its
    access key is the account id, so its calls stay in the account they are made for."""
    import boto3
    import botocore.session
    from botocore.config import Config

    isolated = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    return boto3.session.Session(botocore_session=isolated).client(
        service, endpoint_url=settings.endpoint_url, region_name=region or settings.region,
        aws_access_key_id=settings.account_id,
        aws_secret_access_key=settings.access_token or "test",
        config=Config(**config) if config else None,
    )
