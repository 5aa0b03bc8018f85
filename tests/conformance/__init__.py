"""The AWS conformance suite: scenarios replayed against the simulator with boto3, compared
with responses recorded against AWS."""
