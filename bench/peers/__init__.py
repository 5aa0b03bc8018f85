"""The other local Lambda tools the benchmark compares with, each in a virtualenv of its own."""
