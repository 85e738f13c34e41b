"""``GET /metrics``: per-template calls, failures and latency, in Prometheus' text format.

The figures live in a [`MetricsCollector`][wumbo.decorators.metrics.MetricsCollector] (the one the ``metrics``
decorator records into), keyed by template name, and are exported at scrape time by the
decorators' Prometheus exporter, under the namespace ``wumbo_serve``:
``wumbo_serve_stage_calls_total{stage, outcome}`` (outcome ``success``, ``failure`` for a
template that failed, ``error`` for a timeout) and the histogram
``wumbo_serve_stage_duration_seconds{stage}``. The ``stage`` label holds the template name.
Two gauges tell how busy the server is: ``wumbo_serve_requests_in_progress{phase}``, with
``phase`` ``reading`` (a body still arriving: it holds no concurrency slot) or ``running``
(holding a slot), and ``wumbo_serve_abandoned_threads`` (sync template calls still running
after their client was answered).

A scrape shows only the templates its caller may see: `ServeMetrics.render` takes the
test of what is visible.

Examples:
    >>> metrics = ServeMetrics()
    >>> metrics.record("double", 0.002, "success")
    >>> metrics.record("double", 0.003, "failure")
    >>> text = metrics.render().decode()
    >>> 'wumbo_serve_stage_calls_total{outcome="failure",stage="double"} 1.0' in text
    True
    >>> 'wumbo_serve_stage_duration_seconds_count{stage="double"} 2.0' in text
    True
    >>> 'stage="double"' in metrics.render(visible=lambda name: False).decode()
    False
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest

from wumbo.decorators.metrics import MetricsCollector, StageStats, register_prometheus

__all__ = ["METRICS_CONTENT_TYPE", "NAMESPACE", "Outcome", "Phase", "ServeMetrics"]

NAMESPACE = "wumbo_serve"
"""The prefix of every metric the server exports."""

METRICS_CONTENT_TYPE: str = CONTENT_TYPE_LATEST
"""The ``Content-Type`` of ``GET /metrics`` (Prometheus text format 0.0.4)."""

Outcome = Literal["success", "failure", "error"]
"""How a call ended, as ``MetricsCollector.record`` counts it."""

Phase = Literal["reading", "running"]
"""Where a template request is: receiving its body, or holding a concurrency slot."""


class _Visible(MetricsCollector):
    """The figures of another collector, restricted to the templates a caller may see."""

    def __init__(self, source: MetricsCollector, visible: Callable[[str], bool]) -> None:
        super().__init__()
        self._source = source
        self._visible = visible

    def snapshot(self) -> dict[str, StageStats]:
        return {name: s for name, s in self._source.snapshot().items() if self._visible(name)}


class ServeMetrics:
    """The server's collector, its gauges, and their Prometheus export.

    Examples:
        >>> metrics = ServeMetrics()
        >>> metrics.record("t", 0.5, "error")
        >>> metrics.collector.snapshot()["t"].errors
        1
        >>> metrics.requests.labels("reading").inc()
        >>> 'wumbo_serve_requests_in_progress{phase="reading"} 1.0' in metrics.render().decode()
        True
    """

    def __init__(self) -> None:
        self.collector = MetricsCollector()
        self._gauges = CollectorRegistry()
        self.requests = Gauge(
            "requests_in_progress",
            "Template requests in progress, by phase (reading the body, running).",
            ["phase"],
            namespace=NAMESPACE,
            registry=self._gauges,
        )
        self.abandoned_threads = Gauge(
            "abandoned_threads",
            "Sync template calls still running in threads after their client was answered.",
            namespace=NAMESPACE,
            registry=self._gauges,
        )
        for phase in ("reading", "running"):
            self.requests.labels(phase)

    def record(self, template: str, seconds: float, outcome: Outcome) -> None:
        """Count one call of ``template`` that took ``seconds`` and ended with ``outcome``."""
        self.collector.record(template, seconds, outcome)

    def render(self, visible: Callable[[str], bool] | None = None) -> bytes:
        """The current figures in Prometheus' text exposition format: the gauges, and the
        templates for which ``visible`` is true (default: all)."""
        stages = CollectorRegistry()
        source = self.collector if visible is None else _Visible(self.collector, visible)
        register_prometheus(source, registry=stages, namespace=NAMESPACE)
        return generate_latest(stages) + generate_latest(self._gauges)
