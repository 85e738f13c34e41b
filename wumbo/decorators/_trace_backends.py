"""Where ``trace`` sends its spans: OpenTelemetry, or the standard ``logging`` module.

A backend opens a span before a stage runs (`begin`, which makes it the current span so
nested work is parented under it) and closes it with the run's outcome (`end`). Both
backends pickle (a traced pipeline can go to a process pool), except an OpenTelemetry backend
bound to an explicit tracer provider.

Examples:
    >>> import logging, sys
    >>> from wumbo.decorators.observers import StageInfo
    >>> logger = logging.getLogger("wumbo.example")
    >>> logger.addHandler(logging.StreamHandler(sys.stdout)); logger.setLevel(logging.INFO)
    >>> spans = LoggingSpans("wumbo.example")
    >>> handle = spans.begin(StageInfo("parse", 1, 1, "parse"), attempt=1)
    >>> spans.end(handle, "success", 42, 0.0015)
    wumbo span 'parse' success in 1.500 ms (stage 1 of 1, attempt 1)
"""

from __future__ import annotations

import importlib.util
import logging
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Literal, Protocol

from wumbo.decorators._instrumented import Outcome
from wumbo.decorators.observers import StageInfo

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider

__all__ = ["Backend", "BackendName", "LoggingSpans", "OtelSpans", "resolve_backend"]

BackendName = Literal["auto", "opentelemetry", "logging"]
"""``auto`` picks OpenTelemetry when ``opentelemetry-api`` is installed, else ``logging``."""


class Backend(Protocol):
    """Opens and closes one span per stage run.

    Examples:
        >>> spans: Backend = LoggingSpans()
        >>> handle = spans.begin(StageInfo("parse", 1, 1, "parse"), attempt=1)
        >>> spans.end(handle, "success", 42, 0.001)
    """

    def begin(self, info: StageInfo, attempt: int) -> Any:
        """Open a span for a run of ``info`` and make it current; return a handle for ``end``."""
        ...

    def end(self, handle: Any, outcome: Outcome, detail: object, duration: float) -> None:
        """Close the span: ``detail`` is the output, the exception, or the failure value."""
        ...


logging.getLogger("wumbo.trace").addHandler(logging.NullHandler())  # silent unless configured

_enclosing: ContextVar[str | None] = ContextVar("wumbo_trace_enclosing", default=None)


class LoggingSpans:
    """One log record per stage run, on the logger ``wumbo.trace`` by default.

    A success logs at ``level`` (INFO by default), a failure or error at WARNING or above (an
    error with its traceback). Every record carries ``wumbo_stage``, ``wumbo_position``,
    ``wumbo_total``, ``wumbo_pipeline``, ``wumbo_attempt``, ``wumbo_outcome``,
    ``wumbo_duration`` (seconds) and ``wumbo_parent`` (the enclosing span's name, or None) as
    record attributes, for structured-log formatters.

    Examples:
        >>> LoggingSpans().logger.name
        'wumbo.trace'
    """

    __slots__ = ("level", "logger")

    def __init__(self, logger: str = "wumbo.trace", level: int = logging.INFO) -> None:
        self.logger = logging.getLogger(logger)
        self.level = level

    def __reduce__(self) -> tuple[Any, ...]:
        return (LoggingSpans, (self.logger.name, self.level))

    def begin(self, info: StageInfo, attempt: int) -> Any:
        """Remember the enclosing span and make this one current (a context variable)."""
        parent = _enclosing.get()
        return info, attempt, parent, _enclosing.set(info.name)

    def end(self, handle: Any, outcome: Outcome, detail: object, duration: float) -> None:
        """Log the run's record: name, outcome, duration, position and attempt."""
        info, attempt, parent, token = handle
        _enclosing.reset(token)
        level = self.level if outcome == "success" else max(self.level, logging.WARNING)
        if not self.logger.isEnabledFor(level):
            return
        error = detail if outcome == "error" and isinstance(detail, BaseException) else None
        self.logger.log(
            level,
            "wumbo span %r %s in %.3f ms (%s %d of %d, attempt %d)%s",
            info.name,
            outcome,
            duration * 1000,
            info.kind,
            info.position,
            info.total,
            attempt,
            f": {detail!r}" if outcome == "failure" else "",
            exc_info=error,
            extra={
                "wumbo_stage": info.name,
                "wumbo_position": info.position,
                "wumbo_total": info.total,
                "wumbo_pipeline": info.pipeline,
                "wumbo_kind": info.kind,
                "wumbo_attempt": attempt,
                "wumbo_outcome": outcome,
                "wumbo_duration": duration,
                "wumbo_parent": parent,
            },
        )


class OtelSpans:
    """OpenTelemetry spans through ``opentelemetry-api`` (the SDK, if any, is the user's).

    Span name: the stage's name. Attributes: ``wumbo.stage``, ``wumbo.position``,
    ``wumbo.total``, ``wumbo.pipeline``, ``wumbo.kind``, ``wumbo.attempt``, ``wumbo.outcome``.
    A failure or error sets the status to ERROR and records the exception. Without
    ``provider``, the global tracer provider is used (set it before or after decorating).

    Examples:
        >>> spans = OtelSpans()  # the global provider: a no-op until the SDK sets one
        >>> handle = spans.begin(StageInfo("parse", 1, 1, "parse"), attempt=1)
        >>> spans.end(handle, "error", ValueError("bad"), 0.001)
    """

    __slots__ = ("_attach", "_detach", "_error", "_provider", "_set_in_context", "tracer")

    def __init__(self, provider: TracerProvider | None = None) -> None:
        from opentelemetry import context, trace
        from opentelemetry.trace import Status, StatusCode

        from wumbo._version import __version__

        self._provider = provider
        self.tracer = trace.get_tracer("wumbo", __version__, tracer_provider=provider)
        self._attach, self._detach = context.attach, context.detach
        self._set_in_context = trace.set_span_in_context
        self._error = (Status, StatusCode.ERROR)

    def __reduce__(self) -> tuple[Any, ...]:
        if self._provider is not None:
            raise TypeError(
                "a trace bound to an explicit tracer_provider cannot be pickled (it cannot "
                "reach another process); use the global provider (trace.set_tracer_provider)"
            )
        return (OtelSpans, ())

    def begin(self, info: StageInfo, attempt: int) -> Any:
        """Start the span and attach it as the current span."""
        span = self.tracer.start_span(
            info.name,
            attributes={
                "wumbo.stage": info.name,
                "wumbo.position": info.position,
                "wumbo.total": info.total,
                "wumbo.pipeline": info.pipeline,
                "wumbo.kind": info.kind,
                "wumbo.attempt": attempt,
            },
        )
        if not span.get_span_context().is_valid:  # the API's no-op span: keep the current one
            return span, None
        return span, self._attach(self._set_in_context(span))

    def end(self, handle: Any, outcome: Outcome, detail: object, duration: float) -> None:
        """Set the outcome (and the error status and exception), end, detach."""
        span, token = handle
        span.set_attribute("wumbo.outcome", outcome)
        if outcome != "success":
            if isinstance(detail, BaseException):
                span.record_exception(detail)
                description = f"{type(detail).__name__}: {detail}"
            else:
                description = f"returned Failure({detail!r})"
            status, error = self._error
            span.set_status(status(error, description))
        span.end()
        if token is not None:
            self._detach(token)


def otel_installed() -> bool:
    """Whether ``opentelemetry-api`` can be imported here.

    Examples:
        >>> isinstance(otel_installed(), bool)
        True
    """
    try:
        return importlib.util.find_spec("opentelemetry.trace") is not None
    except ImportError:  # the parent package is missing or blocked
        return False


def resolve_backend(
    backend: BackendName, *, provider: TracerProvider | None, logger: str, level: int
) -> Backend:
    """The backend ``trace(backend=...)`` asked for, with a clear error for a bad choice.

    Examples:
        >>> type(resolve_backend("logging", provider=None, logger="wumbo.trace", level=20)).__name__
        'LoggingSpans'
        >>> resolve_backend("zipkin", provider=None, logger="x", level=20)  # type: ignore[arg-type]
        Traceback (most recent call last):
        ...
        ValueError: trace backend must be 'auto', 'opentelemetry' or 'logging', got 'zipkin'
    """
    if backend not in ("auto", "opentelemetry", "logging"):
        raise ValueError(
            f"trace backend must be 'auto', 'opentelemetry' or 'logging', got {backend!r}"
        )
    if backend != "logging" and otel_installed():
        return OtelSpans(provider)
    if backend == "opentelemetry":
        raise ImportError(
            "trace(backend='opentelemetry') needs opentelemetry-api: pip install 'wumbo[otel]'"
        )
    if provider is not None:
        raise ValueError("tracer_provider is an OpenTelemetry option: not for logging")
    return LoggingSpans(logger, level)
