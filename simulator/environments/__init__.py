"""Execution environments: one runtime process or container each (a state machine with an
explicit transition table), and the pool that shares them: warm reuse, cold starts within
concurrency limits, idle reaping.

May import: `executors` and the plain modules. The Runtime API listener each environment
gets is handed in by the composition root, so nothing here imports `api`."""
