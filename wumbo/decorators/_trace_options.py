"""The options of ``trace``, declared once: [`TraceOptions`][wumbo.decorators.trace.TraceOptions].

``trace(**options)`` builds one (its checks run when ``trace(...)`` is called), and the docs'
options table is checked against its fields.

Examples:
    >>> TraceOptions(backend="logging", pipeline_span="checkout").pipeline_span
    'checkout'
    >>> TraceOptions(enabled="no")
    Traceback (most recent call last):
    ...
    ValueError: trace enabled must be True or False, got str 'no'
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, get_args

from wumbo.core.validate import flag, non_empty_text, one_of, positive_int
from wumbo.decorators._options import Options
from wumbo.decorators._trace_backends import BackendName
from wumbo.decorators.observers import Observer, check_observer

__all__ = ["TraceOptions", "TracerProviderLike"]


class TracerProviderLike(Protocol):
    """What ``trace(tracer_provider=...)`` takes: an OpenTelemetry ``TracerProvider``.

    A protocol, not OpenTelemetry's class, so that ``trace``'s signature is fully known to a
    checker where OpenTelemetry is not installed (pyright strict would report it partially
    unknown). Any object with OpenTelemetry's ``get_tracer`` fits.

    Examples:
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> provider: TracerProviderLike = TracerProvider()
        >>> TraceOptions(tracer_provider=provider).tracer_provider is provider
        True
    """

    def get_tracer(self, *args: Any, **kwargs: Any) -> Any:
        """OpenTelemetry's ``TracerProvider.get_tracer``."""
        ...


def _observers(value: object) -> tuple[Observer, ...]:
    if not isinstance(value, Iterable) or isinstance(value, str):
        raise TypeError(f"trace observers must be an iterable of observers, got {value!r}")
    items: Iterable[Any] = value  # pyright: ignore[reportUnknownVariableType]
    observers = tuple(items)
    for observer in observers:
        check_observer(observer)
    return observers


def _provider(value: object) -> object:
    if value is not None and not callable(getattr(value, "get_tracer", None)):
        raise TypeError(
            f"trace tracer_provider must be an OpenTelemetry TracerProvider, got {value!r}"
        )
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceOptions(Options):
    """Every option of [`trace`][wumbo.decorators.trace.trace], checked when it is built.

    Examples:
        >>> TraceOptions().backend, TraceOptions(observers=[]).observers
        ('auto', ())
    """

    feature = "trace"

    observers: tuple[Observer, ...] = ()
    """Notified of this trace's runs, before the observers registered globally (any iterable
    is kept as a tuple)."""
    backend: BackendName = "auto"
    """``"opentelemetry"``, ``"logging"``, or ``"auto"`` (OpenTelemetry if installed)."""
    pipeline_span: str | None = None
    """Also one span of this name around each run of the whole pipeline."""
    tracer_provider: TracerProviderLike | None = None
    """An OpenTelemetry ``TracerProvider`` instead of the global one."""
    logger: str = "wumbo.trace"
    """The logging backend's logger name."""
    level: int = logging.INFO
    """The logging backend's level for a success."""
    enabled: bool = True
    """``False``: return the stage as a plain Template, with nothing wrapped."""

    def __post_init__(self) -> None:
        span = self.pipeline_span
        checked: dict[str, object] = {
            "observers": _observers(self.observers),
            "backend": one_of("trace backend", self.backend, get_args(BackendName)),
            "pipeline_span": None
            if span is None
            else non_empty_text("pipeline_span", span, what="span name"),
            "tracer_provider": _provider(self.tracer_provider),
            "logger": non_empty_text("trace logger", self.logger, what="logger name"),
            "level": positive_int("trace level", self.level),
            "enabled": flag("trace enabled", self.enabled),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)
