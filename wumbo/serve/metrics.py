"""``GET /metrics``: per-template calls, failures and latency, in Prometheus' text format.

The figures live in a :class:`~wumbo.decorators.MetricsCollector` (the one the ``metrics``
decorator records into), keyed by template name, and are exported at scrape time by the
decorators' Prometheus exporter, under the namespace ``wumbo_serve``:
``wumbo_serve_stage_calls_total{stage, outcome}`` (outcome ``success``, ``failure`` for a
template that failed, ``error`` for a timeout) and the histogram
``wumbo_serve_stage_duration_seconds{stage}``. The ``stage`` label holds the template name.

Examples:
    >>> metrics = ServeMetrics()
    >>> metrics.record("double", 0.002, "success")
    >>> metrics.record("double", 0.003, "failure")
    >>> text = metrics.render().decode()
    >>> 'wumbo_serve_stage_calls_total{outcome="failure",stage="double"} 1.0' in text
    True
    >>> 'wumbo_serve_stage_duration_seconds_count{stage="double"} 2.0' in text
    True
"""

from __future__ import annotations

from typing import Literal

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from wumbo.decorators.metrics import MetricsCollector, register_prometheus

__all__ = ["METRICS_CONTENT_TYPE", "NAMESPACE", "Outcome", "ServeMetrics"]

NAMESPACE = "wumbo_serve"
"""The prefix of every metric the server exports."""

METRICS_CONTENT_TYPE: str = CONTENT_TYPE_LATEST
"""The ``Content-Type`` of ``GET /metrics`` (Prometheus text format 0.0.4)."""

Outcome = Literal["success", "failure", "error"]
"""How a call ended, as ``MetricsCollector.record`` counts it."""


class ServeMetrics:
    """The server's collector and the Prometheus registry that exports it.

    Examples:
        >>> metrics = ServeMetrics()
        >>> metrics.record("t", 0.5, "error")
        >>> metrics.collector.snapshot()["t"].errors
        1
    """

    def __init__(self) -> None:
        self.collector = MetricsCollector()
        self._registry = CollectorRegistry()
        register_prometheus(self.collector, registry=self._registry, namespace=NAMESPACE)

    def record(self, template: str, seconds: float, outcome: Outcome) -> None:
        """Count one call of ``template`` that took ``seconds`` and ended with ``outcome``."""
        self.collector.record(template, seconds, outcome)

    def render(self) -> bytes:
        """The current figures in Prometheus' text exposition format."""
        return generate_latest(self._registry)
