"""Observability: function logs through the CloudWatch Logs API (persisted in the state
folder), Lambda's metrics through CloudWatch and Prometheus, recent invocations with their
timeline, and the dashboard at `/_simulator/ui`."""
