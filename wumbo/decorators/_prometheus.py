"""The Prometheus side of ``metrics``: a ``prometheus_client`` collector read at scrape time.

Imported only by [`wumbo.decorators.metrics.register_prometheus`][wumbo.decorators.metrics.register_prometheus] (it needs the optional
``prometheus-client``).

Examples:
    >>> from prometheus_client import CollectorRegistry, generate_latest
    >>> from wumbo.decorators.metrics import MetricsCollector
    >>> collector, registry = MetricsCollector(buckets=(0.1,)), CollectorRegistry()
    >>> registry.register(StageMetricsExporter(collector, "demo"))
    >>> collector.record("parse", 0.5, "error")
    >>> print(generate_latest(registry).decode().strip())  # doctest: +NORMALIZE_WHITESPACE
    # HELP demo_stage_calls_total Runs of each wumbo stage, by outcome (success, failure, error).
    # TYPE demo_stage_calls_total counter
    demo_stage_calls_total{outcome="success",stage="parse"} 0.0
    demo_stage_calls_total{outcome="failure",stage="parse"} 0.0
    demo_stage_calls_total{outcome="error",stage="parse"} 1.0
    # HELP demo_stage_duration_seconds Duration of each run of a wumbo stage, in seconds.
    # TYPE demo_stage_duration_seconds histogram
    demo_stage_duration_seconds_bucket{le="0.1",stage="parse"} 0.0
    demo_stage_duration_seconds_bucket{le="+Inf",stage="parse"} 1.0
    demo_stage_duration_seconds_count{stage="parse"} 1.0
    demo_stage_duration_seconds_sum{stage="parse"} 0.5
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from wumbo.decorators.metrics import MetricsCollector

__all__ = ["StageMetricsExporter"]


class StageMetricsExporter(Collector):
    """Exports a [`MetricsCollector`][wumbo.decorators.metrics.MetricsCollector] on every scrape.

    Examples:
        >>> from wumbo.decorators.metrics import MetricsCollector
        >>> [m.name for m in StageMetricsExporter(MetricsCollector(), "wumbo").collect()]
        ['wumbo_stage_calls', 'wumbo_stage_duration_seconds']
    """

    def __init__(self, collector: MetricsCollector, namespace: str) -> None:
        self._collector = collector
        self._namespace = namespace

    def collect(self) -> Iterator[Metric]:
        """One counter family (calls by outcome) and one histogram family (durations)."""
        calls = CounterMetricFamily(
            f"{self._namespace}_stage_calls",
            "Runs of each wumbo stage, by outcome (success, failure, error).",
            labels=["stage", "outcome"],
        )
        durations = HistogramMetricFamily(
            f"{self._namespace}_stage_duration_seconds",
            "Duration of each run of a wumbo stage, in seconds.",
            labels=["stage"],
        )
        for stage, stats in sorted(self._collector.snapshot().items()):
            calls.add_metric([stage, "success"], stats.successes)
            calls.add_metric([stage, "failure"], stats.failures)
            calls.add_metric([stage, "error"], stats.errors)
            buckets = [
                ("+Inf" if math.isinf(bound) else repr(bound), count)
                for bound, count in stats.buckets
            ]
            durations.add_metric([stage], buckets, sum_value=stats.total_seconds)
        yield calls
        yield durations
