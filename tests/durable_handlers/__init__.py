"""Durable handlers written with aws-durable-execution-sdk-python, one feature each.

Each module is an ordinary Lambda handler file (`handler` decorated with `@durable_execution`):
the end-to-end tests zip one as `app.py` and run it on the simulator, and run the same module
in-process with the testing SDK's local runner, to compare the two.
"""
