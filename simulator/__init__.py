"""Lambda Simulator: a local AWS Lambda that speaks the real wire API."""

__version__ = "0.1.0"
