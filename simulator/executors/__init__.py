"""Executors start and stop the runtime of an execution environment: in a Docker container or
as a local process. Everything above them speaks only to the `Executor` interface."""
