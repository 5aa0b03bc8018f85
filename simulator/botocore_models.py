"""botocore's service models (the wire contract), read with botocore's loader alone: a
botocore session would also import its HTTP and credential stack, memory the server would
hold for nothing (docs/MEASUREMENTS.md)."""

from __future__ import annotations

import functools

from botocore.loaders import Loader
from botocore.model import ServiceModel


@functools.cache
def service_model(service: str) -> ServiceModel:
    return ServiceModel(Loader().load_service_model(service, "service-2"), service)
