"""The one error of template reading: what the user must fix in the file."""

from __future__ import annotations


class TemplateError(Exception):
    """A template the user must fix before it can be deployed; the message names the file and
    what to change."""
