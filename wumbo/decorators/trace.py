"""``trace``: one span per stage run, with its name, duration, outcome and attempt.

Spans go to OpenTelemetry when ``opentelemetry-api`` is installed (``pip install
'wumbo[otel]'``; configure the SDK and exporter as usual), and to the standard ``logging``
module (logger ``wumbo.trace``) otherwise, or when asked with ``backend="logging"``.
Observers ([`wumbo.decorators.observers`][wumbo.decorators.observers]) hook in here. Only what ``trace`` decorates is
wrapped: other stages, and all stages when tracing is off (``enabled=False``), run untouched.

* ``@trace`` / ``trace(stage)`` traces a function or every stage of a Template, with defaults.
* ``@trace(...)`` / ``trace(...)(stage)`` takes options; inline: ``validate | trace()(fetch)``.
* ``trace(pipeline_span="checkout")(pipeline)`` also opens one span around each run of the
  whole pipeline (the stages' spans are its children); the pipeline then becomes one stage
  named ``checkout``, and a failure inside it keeps its inner position in a PEP 678 note.

Examples:
    >>> import logging, sys
    >>> logger = logging.getLogger("wumbo.trace")
    >>> handler = logging.StreamHandler(sys.stdout)
    >>> logger.addHandler(handler); logger.setLevel(logging.INFO)
    >>> def parse(text: str) -> int:
    ...     return int(text)
    >>> def double(n: int) -> int:
    ...     return n * 2
    >>> traced = trace(backend="logging")(parse) | double
    >>> traced("21")  # doctest: +ELLIPSIS
    wumbo span 'parse' success in ... ms (stage 1 of 1, attempt 1)
    <Success: 42>
    >>> logger.removeHandler(handler)
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from time import perf_counter
from typing import TYPE_CHECKING, Any, TypedDict, cast, overload

from returns.result import Result
from typing_extensions import TypeVar, Unpack

from wumbo.core.effects import Behaviour, Call
from wumbo.core.template import Template, TemplateFactory
from wumbo.decorators._instrumented import (
    Outcome,
    driven,
    outcome_of,
    wrap_each_stage,
    wrap_whole,
)
from wumbo.decorators._trace_backends import Backend, BackendName, resolve_backend
from wumbo.decorators._trace_options import TraceOptions, TracerProviderLike
from wumbo.decorators._wrap import as_template, passed_on
from wumbo.decorators.attempt import current_attempt
from wumbo.decorators.observers import (
    Observer,
    StageInfo,
    global_observers,
    notify_complete,
    notify_error,
    notify_start,
)

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider

__all__ = ["TraceOptions", "TracerProviderLike", "trace"]


X = TypeVar("X")
C = TypeVar("C")
E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class _Tracing:
    """What every traced stage of one ``trace`` call shares (pickles with its pipeline)."""

    spans: Backend
    observers: tuple[Observer, ...]


def _close(
    tracing: _Tracing,
    handle: Any,
    observers: tuple[Observer, ...],
    info: StageInfo,
    ended: tuple[Outcome, object],
    duration: float,
) -> None:
    outcome, detail = ended
    if observers:
        if outcome == "success":
            notify_complete(observers, info, detail, duration)
        else:
            notify_error(observers, info, detail, duration)
    tracing.spans.end(handle, outcome, detail, duration)


def _open(tracing: _Tracing, info: StageInfo, value: object) -> tuple[Any, tuple[Observer, ...]]:
    observers = tracing.observers + global_observers()
    handle = tracing.spans.begin(info, current_attempt.get())
    if observers:
        notify_start(observers, info, value)
    return handle, observers


def _traced(
    inner: Template[Any, Any, Any], setup: tuple[_Tracing, StageInfo], value: Any
) -> Behaviour:
    tracing, info = setup
    handle, observers = _open(tracing, info, value)
    started = perf_counter()
    try:
        result = yield Call(inner, value)
    except BaseException as error:  # KeyboardInterrupt, cancellation: close the span, re-raise
        _close(tracing, handle, observers, info, ("error", error), perf_counter() - started)
        raise
    _close(tracing, handle, observers, info, outcome_of(result), perf_counter() - started)
    return passed_on(result)


class _TraceKeywords(TypedDict, total=False):
    """The options given with the stage, ``trace(stage, backend="logging")``: the keyword
    overload's, without defaults (a test checks that both name the same types)."""

    observers: Iterable[Observer]
    backend: BackendName
    pipeline_span: str | None
    tracer_provider: TracerProviderLike | None
    logger: str
    level: int
    enabled: bool


@overload
def trace(stage: Template[X, C, E], /, **options: Unpack[_TraceKeywords]) -> Template[X, C, E]: ...  # type: ignore[overload-overlap]
@overload
def trace(  # type: ignore[overload-overlap]
    stage: Callable[[X], Coroutine[Any, Any, Result[C, E]]], /, **options: Unpack[_TraceKeywords]
) -> Template[X, C, E]: ...
@overload
def trace(
    stage: Callable[[X], Coroutine[Any, Any, C]], /, **options: Unpack[_TraceKeywords]
) -> Template[X, C]: ...
@overload
def trace(  # type: ignore[overload-overlap]
    stage: Callable[[X], Result[C, E]], /, **options: Unpack[_TraceKeywords]
) -> Template[X, C, E]: ...
@overload
def trace(stage: Callable[[X], C], /, **options: Unpack[_TraceKeywords]) -> Template[X, C]: ...
@overload
def trace(
    *,
    observers: Iterable[Observer] = ...,
    backend: BackendName = ...,
    pipeline_span: str | None = ...,
    tracer_provider: TracerProviderLike | None = ...,
    logger: str = ...,
    level: int = ...,
    enabled: bool = ...,
) -> TemplateFactory: ...
def trace(
    stage: Callable[[Any], Any] | None = None, /, **options: Any
) -> Template[Any, Any, Any] | TemplateFactory:
    """Trace a stage, or every stage of a pipeline: one span per run.

    Bare (``@trace``, ``trace(stage)``) it uses the defaults; called with options it returns a
    typed decorator; given a stage and options (``trace(stage, backend="logging")``), the
    traced stage. The options, their defaults and checks are the fields of
    [`TraceOptions`][wumbo.decorators.trace.TraceOptions] (declared there once); an unknown
    option is refused, naming the known ones:

    * ``observers``: notified of this trace's runs (before the observers registered globally
      with [`add_observer`][wumbo.decorators.observers.add_observer]).
    * ``backend``: ``"auto"`` (OpenTelemetry if installed, else logging), ``"opentelemetry"``
      or ``"logging"``.
    * ``pipeline_span``: also one span of this name around each whole run (see the module doc).
    * ``tracer_provider``: an OpenTelemetry ``TracerProvider`` instead of the global one.
    * ``logger`` and ``level``: the logging backend's logger name and success level.
    * ``enabled``: ``False`` returns the stage as a plain Template, with nothing wrapped.

    A span records the stage's name, position (in the pipeline given to ``trace``), the attempt
    ([`current_attempt`][wumbo.decorators.attempt.current_attempt], which ``retry`` sets), the duration and
    the outcome: ``success``, ``failure`` (it returned a ``Failure``) or ``error`` (it raised;
    the span holds the exception and the ERROR status). Failures are reported to the pipeline
    exactly as without tracing.

    Examples:
        >>> from wumbo import template
        >>> seen = []
        >>> class Recorder:
        ...     def on_start(self, stage, input): pass
        ...     def on_complete(self, stage, output, duration): seen.append((stage.name, output))
        ...     def on_error(self, stage, error, duration): seen.append((stage.name, "error"))
        >>> pipeline = template(str.strip) | int
        >>> traced = trace(observers=[Recorder()], backend="logging")(pipeline)
        >>> traced(" 5 "), traced(" x ").failure().position
        (<Success: 5>, 2)
        >>> seen
        [('strip', '5'), ('int', 5), ('strip', 'x'), ('int', 'error')]
        >>> trace(enabled=False)(pipeline) is pipeline
        True
    """
    if stage is not None:  # options given with the stage still apply
        return trace(**options)(stage)
    chosen = TraceOptions.build(options)
    if not chosen.enabled:
        return as_template
    provider = cast("TracerProvider | None", chosen.tracer_provider)
    spans = resolve_backend(
        chosen.backend, provider=provider, logger=chosen.logger, level=chosen.level
    )
    tracing = _Tracing(spans, chosen.observers)
    pipeline_span = chosen.pipeline_span

    def decorate(target: Callable[[Any], Any]) -> Template[Any, Any, Any]:
        traced = wrap_each_stage(target, _traced, tracing)
        if pipeline_span is None:
            return traced
        whole = StageInfo(pipeline_span, 0, len(traced.stages), traced.__name__, "pipeline")
        return wrap_whole(pipeline_span, traced, *driven(_traced), (tracing, whole))

    return decorate
