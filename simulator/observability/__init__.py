"""Observability: function logs through the CloudWatch Logs API (persisted in the state
folder), Lambda's metrics through CloudWatch and Prometheus, recent invocations with their
timeline, and the dashboard at `/_simulator/ui`.

Fed through `invocation.observer.InvocationObserver` and the pool's log callback, so the core
never imports it. May import: `invocation`, `functions`, `environments` and the plain
modules (to read what it shows)."""
