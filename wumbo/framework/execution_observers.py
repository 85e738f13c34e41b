"""Observers of template executions: start, completion and error callbacks, and a metrics one.

An ``ExecutionObserver`` is an adapter onto wumbo's one hook registry
([`wumbo.decorators.observers`][wumbo.decorators.observers]): it is a hook (a callable taking an
``Event``) that turns a template's start, complete and error events into its three callbacks.
Attach one to a template with ``BaseTemplate.add_observer``, or to every template (and every
traced stage) with ``wumbo.decorators.observers.add_observer``. An observer that raises is
logged (logger ``wumbo.observers``) and ignored: watching a template never changes what it
returns.

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

from dataclasses import dataclass
from typing import Any, Protocol, cast

from wumbo.core.stage import describe
from wumbo.decorators.metrics import MetricsCollector
from wumbo.decorators.observers import Event, Hook
from wumbo.framework.execution import ExecutionContext, ExecutionResult

__all__ = [
    "ExecutionCallbacks",
    "ExecutionObserver",
    "MetricsCollector",
    "MetricsObserver",
    "as_execution_hook",
]

_CALLBACKS = ("on_execution_start", "on_execution_complete", "on_execution_error")


class ExecutionCallbacks(Protocol):
    """The three callbacks of an execution observer (structural: any object with them).

    Examples:
        >>> class Quiet:
        ...     def on_execution_start(self, context: ExecutionContext) -> None: pass
        ...     def on_execution_complete(self, result: ExecutionResult[Any]) -> None: pass
        ...     def on_execution_error(self, error: Exception, context: ExecutionContext) -> None: pass
        >>> quiet: ExecutionCallbacks = Quiet()
    """

    def on_execution_start(self, context: ExecutionContext, /) -> None:
        """A run starts, with its context."""

    def on_execution_complete(self, result: ExecutionResult[Any], /) -> None:
        """A run succeeded, with its result."""

    def on_execution_error(self, error: Exception, context: ExecutionContext, /) -> None:
        """A run failed, with the original exception."""


def _tell(observer: ExecutionCallbacks, event: Event) -> None:
    """Turn a template event into the ``on_execution_*`` callback of ``observer``."""
    if event.source != "template":
        return
    if event.kind == "start":
        observer.on_execution_start(cast("ExecutionContext", event.detail))
    elif event.kind == "complete":
        observer.on_execution_complete(cast("ExecutionResult[Any]", event.detail))
    elif event.kind == "error":
        observer.on_execution_error(
            cast("Exception", event.value), cast("ExecutionContext", event.detail)
        )


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

    def __call__(self, event: Event) -> None:
        """The hook: a template's ``start``, ``complete`` and ``error`` events become the
        callbacks below; other events are not for this observer.

        Examples:
            >>> from wumbo.decorators.observers import Event
            >>> ExecutionObserver()(Event("registered", "registry", "t"))
        """
        _tell(self, event)

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


@dataclass(frozen=True, slots=True)
class _Callbacks:
    """An object with ``on_execution_*`` methods that does not subclass ExecutionObserver,
    as a hook (equal to another wrapper of the same object, so it can be removed)."""

    observer: object

    def __call__(self, event: Event) -> None:
        _tell(cast("ExecutionCallbacks", self.observer), event)


def as_execution_hook(observer: object) -> Hook:
    """What ``BaseTemplate.add_observer`` registers: a hook of the one observer contract.

    An ``ExecutionObserver`` and any callable are hooks already; an object with the three
    ``on_execution_*`` callbacks is wrapped; anything else is a ``TypeError``.

    Examples:
        >>> class Duck:
        ...     def on_execution_start(self, context): print("start", context.template_name)
        ...     def on_execution_complete(self, result): pass
        ...     def on_execution_error(self, error, context): pass
        >>> from wumbo.framework import create_aggregator
        >>> total = create_aggregator()
        >>> total.add_observer(Duck())
        >>> total(1)
        start aggregator
        1
        >>> as_execution_hook(5)
        Traceback (most recent call last):
        ...
        TypeError: expected an ExecutionObserver, an object with on_execution_start, on_execution_complete and on_execution_error methods, or a callable taking an Event, got int 5
    """
    if all(callable(getattr(observer, name, None)) for name in _CALLBACKS):
        return observer if callable(observer) else _Callbacks(observer)
    if callable(observer):
        return cast("Hook", observer)
    raise TypeError(
        "expected an ExecutionObserver, an object with on_execution_start, "
        "on_execution_complete and on_execution_error methods, or a callable taking an Event, "
        f"got {describe(observer)}"
    )
