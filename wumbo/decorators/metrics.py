"""``metrics``: per-stage counts and durations, in process, exportable to Prometheus.

``@metrics`` (or ``metrics(collector=...)``) records every run of a stage, or of each stage of
a pipeline, into a [`MetricsCollector`][wumbo.decorators.metrics.MetricsCollector] (the seed's): calls by outcome (``success``,
``failure`` for a returned ``Failure``, ``error`` for a raise) and a duration histogram.
[`MetricsCollector.snapshot`][wumbo.decorators.metrics.MetricsCollector.snapshot] reads them; [`register_prometheus`][wumbo.decorators.metrics.register_prometheus] exposes them to
``prometheus-client`` (``pip install 'wumbo[prometheus]'``) at scrape time, so recording costs
the same with or without Prometheus. Metrics stay in the process that runs the stage.

Examples:
    >>> collector = MetricsCollector()
    >>> @metrics(collector=collector)
    ... def parse(text: str) -> int:
    ...     return int(text)
    >>> parse("1"), parse("2"), parse("x").failure().stage
    (<Success: 1>, <Success: 2>, 'parse')
    >>> stats = collector.snapshot()["parse"]
    >>> stats.calls, stats.successes, stats.errors, stats.failures
    (3, 2, 1, 0)
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from time import perf_counter
from typing import TYPE_CHECKING, Any, Final, Never, TypedDict, overload

from returns.result import Result, Success
from typing_extensions import TypeVar, Unpack

from wumbo.core.effects import Behaviour, Call
from wumbo.core.template import Template, TemplateFactory
from wumbo.core.validate import instance_of
from wumbo.decorators._instrumented import Outcome, outcome_of, wrap_each_stage
from wumbo.decorators._options import Options
from wumbo.decorators._wrap import passed_on
from wumbo.decorators.observers import StageInfo

if TYPE_CHECKING:
    from prometheus_client.registry import Collector, CollectorRegistry

__all__ = [
    "DEFAULT_BUCKETS",
    "DEFAULT_COLLECTOR",
    "MetricsCollector",
    "MetricsOptions",
    "StageStats",
    "metrics",
    "register_prometheus",
]

X = TypeVar("X")
C = TypeVar("C")
E = TypeVar("E")

DEFAULT_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10)
"""Histogram upper bounds in seconds (Prometheus' defaults); ``+Inf`` is always added."""


@dataclass(frozen=True, slots=True)
class StageStats:
    """One stage's figures at the time of a snapshot.

    ``buckets`` are cumulative ``(upper bound in seconds, runs at most that long)`` pairs, the
    last bound being ``inf``, as in a Prometheus histogram.

    Examples:
        >>> stats = StageStats(4, 1, 1, 2.0, 0.1, 1.0, ((1.0, 4), (float("inf"), 4)))
        >>> stats.successes, stats.mean_seconds
        (2, 0.5)
    """

    calls: int
    failures: int
    errors: int
    total_seconds: float
    min_seconds: float
    max_seconds: float
    buckets: tuple[tuple[float, int], ...]

    @property
    def successes(self) -> int:
        """Runs that gave a value."""
        return self.calls - self.failures - self.errors

    @property
    def mean_seconds(self) -> float:
        """Mean duration of a run (0.0 before any run)."""
        return self.total_seconds / self.calls if self.calls else 0.0


class _Figures:
    """The mutable counters of one stage (guarded by the collector's lock)."""

    __slots__ = ("calls", "counts", "errors", "failures", "maximum", "minimum", "total")

    def __init__(self, buckets: int) -> None:
        self.calls = self.failures = self.errors = 0
        self.total, self.minimum, self.maximum = 0.0, float("inf"), 0.0
        self.counts = [0] * buckets

    def frozen(self, bounds: tuple[float, ...]) -> StageStats:
        cumulative: list[tuple[float, int]] = []
        running = 0
        for bound, count in zip(bounds, self.counts, strict=True):
            running += count
            cumulative.append((bound, running))
        return StageStats(
            self.calls,
            self.failures,
            self.errors,
            self.total,
            self.minimum,
            self.maximum,
            tuple(cumulative),
        )


class MetricsCollector:
    """Thread-safe counters and duration histograms per stage name.

    Examples:
        >>> collector = MetricsCollector(buckets=(0.1, 1.0))
        >>> collector.record("fetch", 0.05, "success")
        >>> collector.record("fetch", 2.0, "error")
        >>> collector.record_execution("fetch", 0.5, success=False)  # the seed's spelling
        >>> stats = collector.snapshot()["fetch"]
        >>> stats.calls, stats.errors, stats.failures, stats.max_seconds
        (3, 1, 1, 2.0)
        >>> stats.buckets
        ((0.1, 1), (1.0, 2), (inf, 3))
        >>> collector.reset(); collector.snapshot()
        {}
    """

    def __init__(self, buckets: Iterable[float] = DEFAULT_BUCKETS) -> None:
        bounds = sorted(float(bound) for bound in buckets)
        if any(bound <= 0 for bound in bounds) or len(set(bounds)) != len(bounds):
            raise ValueError(
                f"buckets must be distinct positive upper bounds in seconds, got {bounds!r}"
            )
        self._bounds = (*[b for b in bounds if b != float("inf")], float("inf"))
        self._lock = threading.Lock()
        self._stages: dict[str, _Figures] = {}

    def __reduce__(self) -> Never:
        raise TypeError(
            "a MetricsCollector cannot be pickled: what another process records would be lost; "
            "use metrics() without a collector (each process records into its own default)"
        )

    def record(self, stage: str, seconds: float, outcome: Outcome) -> None:
        """Count one run of ``stage`` that took ``seconds`` and ended with ``outcome``."""
        bucket = bisect_left(self._bounds, seconds)
        with self._lock:
            figures = self._stages.get(stage)
            if figures is None:
                figures = self._stages[stage] = _Figures(len(self._bounds))
            figures.calls += 1
            if outcome == "failure":
                figures.failures += 1
            elif outcome == "error":
                figures.errors += 1
            figures.total += seconds
            figures.minimum = min(figures.minimum, seconds)
            figures.maximum = max(figures.maximum, seconds)
            figures.counts[bucket] += 1

    def record_execution(self, template_name: str, execution_time: float, success: bool) -> None:
        """The seed's ``record_execution``: a run that succeeded, or failed (as ``failure``)."""
        self.record(template_name, execution_time, "success" if success else "failure")

    def snapshot(self) -> dict[str, StageStats]:
        """A consistent copy of every stage's figures, by stage name."""
        with self._lock:
            return {name: fig.frozen(self._bounds) for name, fig in self._stages.items()}

    def reset(self) -> None:
        """Forget every figure."""
        with self._lock:
            self._stages.clear()


DEFAULT_COLLECTOR: Final = MetricsCollector()
"""Where ``metrics`` records when no collector is given (one per process)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricsOptions(Options):
    """The option of [`metrics`][wumbo.decorators.metrics.metrics], checked when it is built.

    Examples:
        >>> MetricsOptions().collector is None
        True
        >>> MetricsOptions(collector={})
        Traceback (most recent call last):
        ...
        TypeError: collector must be a MetricsCollector, got dict {}
    """

    feature = "metrics"

    collector: MetricsCollector | None = None
    """Where the runs are recorded; ``None``: [`DEFAULT_COLLECTOR`][wumbo.decorators.metrics.DEFAULT_COLLECTOR] of the process
    that runs the stage (so a measured pipeline pickles; a collector of its own does not)."""

    def __post_init__(self) -> None:
        if self.collector is not None:
            instance_of("collector", self.collector, MetricsCollector)


def _target(collector: MetricsCollector | None) -> MetricsCollector:
    return DEFAULT_COLLECTOR if collector is None else collector


def _record(collector: MetricsCollector | None, name: str, result: Any, seconds: float) -> Any:
    target = _target(collector)
    if result.__class__ is Success:
        target.record(name, seconds, "success")
        return result.unwrap()
    target.record(name, seconds, outcome_of(result)[0])
    return passed_on(result)


def _measured(
    inner: Template[Any, Any, Any],
    setup: tuple[MetricsOptions, StageInfo],
    value: Any,
) -> Behaviour:
    options, info = setup
    collector = options.collector
    started = perf_counter()
    try:
        result = yield Call(inner, value)
    except BaseException:  # KeyboardInterrupt, cancellation
        _target(collector).record(info.name, perf_counter() - started, "error")
        raise
    return _record(collector, info.name, result, perf_counter() - started)


class _MetricsKeywords(TypedDict, total=False):
    """The option given with the stage, ``metrics(stage, collector=c)``: the keyword overload's,
    without its default (a test checks that both name the same types)."""

    collector: MetricsCollector | None


@overload
def metrics(  # type: ignore[overload-overlap]
    stage: Template[X, C, E], /, **options: Unpack[_MetricsKeywords]
) -> Template[X, C, E]: ...
@overload
def metrics(  # type: ignore[overload-overlap]
    stage: Callable[[X], Coroutine[Any, Any, Result[C, E]]], /, **options: Unpack[_MetricsKeywords]
) -> Template[X, C, E]: ...
@overload
def metrics(
    stage: Callable[[X], Coroutine[Any, Any, C]], /, **options: Unpack[_MetricsKeywords]
) -> Template[X, C]: ...
@overload
def metrics(  # type: ignore[overload-overlap]
    stage: Callable[[X], Result[C, E]], /, **options: Unpack[_MetricsKeywords]
) -> Template[X, C, E]: ...
@overload
def metrics(stage: Callable[[X], C], /, **options: Unpack[_MetricsKeywords]) -> Template[X, C]: ...
@overload
def metrics(*, collector: MetricsCollector | None = ...) -> TemplateFactory: ...
def metrics(
    stage: Callable[[Any], Any] | None = None, /, **options: Any
) -> Template[Any, Any, Any] | TemplateFactory:
    """Record each run of a stage (or of every stage of a pipeline) into a collector.

    Bare (``@metrics``) it records into [`DEFAULT_COLLECTOR`][wumbo.decorators.metrics.DEFAULT_COLLECTOR]; ``metrics(collector=c)``
    returns a typed decorator recording into ``c``; ``metrics(stage, collector=c)``, the
    measured stage. Figures are keyed by stage name. Failures
    reach the pipeline exactly as without metrics. The options are the fields of
    [`MetricsOptions`][wumbo.decorators.metrics.MetricsOptions]; an unknown one is refused.

    Examples:
        >>> from wumbo import template
        >>> collector = MetricsCollector()
        >>> pipeline = metrics(collector=collector)(template(str.strip) | int)
        >>> pipeline(" 3 "), pipeline(" y ").failure().stage
        (<Success: 3>, 'int')
        >>> {name: (s.calls, s.errors) for name, s in collector.snapshot().items()}
        {'strip': (2, 0), 'int': (2, 1)}
        >>> metrics(len, collector=collector)("abc"), collector.snapshot()["len"].calls
        (<Success: 3>, 1)
    """
    if stage is not None:  # a collector given with the stage still applies
        return metrics(**options)(stage)
    chosen = MetricsOptions.build(options)

    def decorate(target: Callable[[Any], Any]) -> Template[Any, Any, Any]:
        return wrap_each_stage(target, _measured, chosen)

    return decorate


def register_prometheus(
    collector: MetricsCollector | None = None,
    *,
    registry: CollectorRegistry | None = None,
    namespace: str = "wumbo",
) -> Collector:
    """Expose ``collector``'s figures to Prometheus (needs ``prometheus-client``).

    Registers, on ``registry`` (default: ``prometheus_client.REGISTRY``), a collector read at
    scrape time that exports ``<namespace>_stage_calls_total{stage, outcome}`` and the histogram
    ``<namespace>_stage_duration_seconds{stage}``. Returns it (to ``registry.unregister``).

    Examples:
        >>> from prometheus_client import CollectorRegistry, generate_latest
        >>> collector, registry = MetricsCollector(), CollectorRegistry()
        >>> _ = register_prometheus(collector, registry=registry)
        >>> collector.record("parse", 0.002, "success")
        >>> text = generate_latest(registry).decode()
        >>> 'wumbo_stage_calls_total{outcome="success",stage="parse"} 1.0' in text
        True
    """
    try:
        from wumbo.decorators._prometheus import StageMetricsExporter
    except ModuleNotFoundError as error:
        if error.name != "prometheus_client":
            raise
        raise ImportError(
            "register_prometheus needs prometheus-client: pip install 'wumbo[prometheus]'"
        ) from error
    from prometheus_client import REGISTRY

    exporter = StageMetricsExporter(_target(collector), namespace)
    (REGISTRY if registry is None else registry).register(exporter)
    return exporter
