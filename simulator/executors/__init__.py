"""Executors start and stop the runtime of an execution environment: in a Docker container or
as a local process, with an in-memory fake beside them for unit tests. Everything above them
speaks only to the `Executor` interface in `base.py`.

May import: the plain modules only."""
