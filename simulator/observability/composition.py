"""Everything observability one simulator owns: its function logs (in memory, persisted),
metrics, recent invocations and saved test events, and the CloudWatch Logs and CloudWatch
apps the gateway routes the `logs` and `monitoring` services to."""

from __future__ import annotations

from collections.abc import Callable

from simulator.config import Settings
from simulator.invocation.observer import Observers
from simulator.models import WSGIApp
from simulator.observability.cloudwatch_api import create_cloudwatch_app
from simulator.observability.history import InvocationHistory
from simulator.observability.log_persistence import LogArchive
from simulator.observability.log_queries import LogQueries
from simulator.observability.log_store import LogStore
from simulator.observability.logs_api import create_logs_app
from simulator.observability.metric_queries import MetricQueries
from simulator.observability.metrics import MetricsRecorder
from simulator.observability.saved_events import SavedEvents


class Observability:
    """`busy` counts a function's busy environments (the pool's), for ConcurrentExecutions."""

    def __init__(self, settings: Settings, busy: Callable[[str], int]) -> None:
        self.archive = LogArchive(settings.state_dir / "logs.db")
        self.logs = LogStore(on_append=self.archive.record)
        self.archive.restore_into(self.logs)
        self.metrics = MetricsRecorder(busy)
        self.history = InvocationHistory()
        self.observer = Observers(self.metrics, self.history)
        self.saved_events = SavedEvents(settings.state_dir / "test-events")
        self._log_queries = LogQueries(self.logs, settings.region, settings.account_id,
                                       self.archive.set_retention)
        self._metric_queries = MetricQueries(self.metrics)

    def service_apps(self, fallback: WSGIApp) -> dict[str, WSGIApp]:
        """The apps for requests signed for `logs` and `monitoring`; CloudWatch requests
        that are not about Lambda's metrics go on to `fallback`."""
        return {
            "logs": create_logs_app(self._log_queries),
            "monitoring": create_cloudwatch_app(self._metric_queries, fallback),
        }

    def close(self) -> None:
        """Write the logs still queued; call after the environments have stopped."""
        self.archive.close()
