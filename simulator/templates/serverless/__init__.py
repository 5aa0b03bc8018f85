"""Serverless Framework service files (serverless.yml, .yaml, .json) read as the SAM template
their deployment amounts to: variables resolved, functions, events, layers and `resources`
converted, so that the template loader (and AWS's SAM translator) take it like any other."""

from simulator.templates.serverless.conversion import (
    ServiceTemplate,
    is_service_file,
    service_template,
)

__all__ = ["ServiceTemplate", "is_service_file", "service_template"]
