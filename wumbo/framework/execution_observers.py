"""Observers of template executions: start, completion and error callbacks, and a metrics one.

Attach one with ``BaseTemplate.add_observer``. An observer that raises is logged and ignored:
watching a template never changes what it returns.

Examples:
    >>> from wumbo.framework import MetricsObserver, create_transformer
    >>> metrics = MetricsObserver()
    >>> doubler = create_transformer(map_func=lambda n: n * 2)
    >>> doubler.add_observer(metrics)
    >>> doubler(1, 2)
    [2, 4]
    >>> metrics.collector.snapshot()["transformer"].calls
    1
"""

from __future__ import annotations

from typing import Any

from wumbo.decorators.metrics import MetricsCollector
from wumbo.framework.execution import ExecutionContext, ExecutionResult

__all__ = ["ExecutionObserver", "MetricsCollector", "MetricsObserver"]


class ExecutionObserver:
    """Override the callbacks you need; the others do nothing.

    Examples:
        >>> from wumbo.framework import create_transformer
        >>> class Printer(ExecutionObserver):
        ...     def on_execution_complete(self, result: ExecutionResult[Any]) -> None:
        ...         print("done:", result.data)
        >>> upper = create_transformer(map_func=str.upper)
        >>> upper.add_observer(Printer())
        >>> upper.execute("a").success
        done: ['A']
        True
    """

    def on_execution_start(self, context: ExecutionContext) -> None:
        """Called before preprocessing, with the run's context."""

    def on_execution_complete(self, result: ExecutionResult[Any]) -> None:
        """Called after a successful run, with its result."""

    def on_execution_error(self, error: Exception, context: ExecutionContext) -> None:
        """Called after a failed run, with the original exception."""


class MetricsObserver(ExecutionObserver):
    """Feeds every run of the templates it observes into a [`MetricsCollector`][wumbo.decorators.metrics.MetricsCollector].

    The collector is the one the ``metrics`` decorator uses (the seed's MetricsCollector), so
    class-based templates and core pipelines report into the same figures and the same
    Prometheus exporter.

    Examples:
        >>> from wumbo.framework import MetricsCollector, MetricsObserver, create_transformer
        >>> collector = MetricsCollector()
        >>> doubler = create_transformer(map_func=lambda n: n * 2)
        >>> doubler.add_observer(MetricsObserver(collector))
        >>> doubler(1, 2)
        [2, 4]
        >>> collector.snapshot()["transformer"].calls
        1
    """

    def __init__(self, collector: MetricsCollector | None = None) -> None:
        self.collector = collector if collector is not None else MetricsCollector()

    def on_execution_complete(self, result: ExecutionResult[Any]) -> None:
        context = result.context
        name = context.template_name if context is not None else "unknown"
        self.collector.record_execution(name, result.execution_time or 0.0, success=True)

    def on_execution_error(self, error: Exception, context: ExecutionContext) -> None:
        elapsed = float(context.metadata.get("execution_time", 0.0))
        self.collector.record_execution(context.template_name, elapsed, success=False)
