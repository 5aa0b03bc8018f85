"""Durable functions: executions that checkpoint, wait, take callbacks and replay, served by
AWS's own durable-execution service logic (`aws-durable-execution-sdk-python-testing`) over the
simulator's invoke path and state folder. May import the data plane (`invocation`), the control
plane (`functions`) and the plain modules."""
