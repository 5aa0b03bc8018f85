"""Benchmarks of Lambda Simulator against the other local Lambda tools: `python -m bench`."""
