"""Everything observability one simulator owns: its function logs (in memory, persisted),
metrics, recent invocations, X-Ray traces (also sent over OTLP when asked), what they would
cost on AWS and saved test events, and the CloudWatch Logs, CloudWatch and X-Ray apps the
gateway routes the `logs`, `monitoring` and `xray` services to."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.config import Settings
from simulator.invocation.observer import Observers
from simulator.models import WSGIApp
from simulator.observability.cloudwatch_api import create_cloudwatch_app
from simulator.observability.cost import Configuration, CostMeter, ProvisionedConfigs
from simulator.observability.cost_prices import load_prices
from simulator.observability.history import InvocationHistory
from simulator.observability.log_persistence import LogArchive
from simulator.observability.log_queries import LogQueries
from simulator.observability.log_store import LogStore
from simulator.observability.logs_api import create_logs_app
from simulator.observability.metric_queries import MetricQueries
from simulator.observability.metrics import MetricsRecorder
from simulator.observability.saved_events import SavedEvents
from simulator.observability.trace_store import TraceStore
from simulator.observability.xray_api import create_xray_app

if TYPE_CHECKING:
    from simulator.observability.otlp_export import OtlpSpanExport


class Observability:
    """`busy` counts a function's busy environments (the pool's), for ConcurrentExecutions;
    `configuration` and `provisioned` tell the cost meter each function's memory and
    architecture, and the provisioned concurrency configured."""

    def __init__(self, settings: Settings, busy: Callable[[str], int],
                 configuration: Configuration = lambda name: None,
                 provisioned: ProvisionedConfigs = lambda: []) -> None:
        self.archive = LogArchive(settings.state_dir / "logs.db")
        self.logs = LogStore(on_append=self.archive.record)
        self.archive.restore_into(self.logs)
        self.metrics = MetricsRecorder(busy)
        self.history = InvocationHistory()
        self.cost = CostMeter(load_prices(settings.region), configuration, provisioned)
        self.observer = Observers(self.metrics, self.history, self.cost)
        self._spans = _span_export(settings)
        self.traces = TraceStore(on_segment=self._spans.export_segment if self._spans else None)
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
            "xray": create_xray_app(self.traces),
        }

    def close(self) -> None:
        """Write the logs still queued and send the spans; call after the environments
        have stopped."""
        self.archive.close()
        if self._spans is not None:
            self._spans.close()


def _span_export(settings: Settings) -> OtlpSpanExport | None:
    """The OTLP exporter, when asked for: its packages are an optional extra, loaded only
    then."""
    if not settings.otlp_endpoint:
        return None
    try:
        from simulator.observability.otlp_export import OtlpSpanExport
    except ImportError as error:
        raise OtlpUnavailable(
            f"--otlp-endpoint needs the OpenTelemetry SDK ({error.name} is missing): "
            "pip install 'lambda-simulator[otlp]'") from None
    return OtlpSpanExport.to_collector(settings.otlp_endpoint, settings.region,
                                       settings.account_id)


class OtlpUnavailable(RuntimeError):
    """Exporting over OTLP was asked for without the packages it needs."""
