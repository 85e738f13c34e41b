"""Observers: callbacks told when a traced stage starts, completes or fails.

An observer is any object with ``on_start(stage, input)``, ``on_complete(stage, output,
duration)`` and ``on_error(stage, error, duration)`` (the seed's observer callbacks). Give
observers to one [`trace`][wumbo.decorators.trace.trace] call, or register them for every traced
stage with [`add_observer`][wumbo.decorators.observers.add_observer] / [`observing`][wumbo.decorators.observers.observing]. ``stage`` is a [`StageInfo`][wumbo.decorators.observers.StageInfo];
``duration`` is in seconds; ``error`` is the exception the stage raised, or the value of the
``Failure`` it returned. Callbacks run inline, inside the stage's span: keep them quick. An
observer that raises is logged (logger ``wumbo.observers``) and never breaks the pipeline.

Examples:
    >>> from wumbo.decorators.trace import trace
    >>> class Printer:
    ...     def on_start(self, stage, input):
    ...         print("start", stage.name, input)
    ...     def on_complete(self, stage, output, duration):
    ...         print("done", stage.name, output)
    ...     def on_error(self, stage, error, duration):
    ...         print("error", stage.name, repr(error))
    >>> def parse(text: str) -> int:
    ...     return int(text)
    >>> traced = trace(observers=[Printer()], backend="logging")(parse)
    >>> traced("7")
    start parse 7
    done parse 7
    <Success: 7>
    >>> traced("x").failure().stage
    start parse x
    error parse ValueError("invalid literal for int() with base 10: 'x'")
    'parse'
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from wumbo._log import get_logger

__all__ = [
    "Observer",
    "StageInfo",
    "add_observer",
    "check_observer",
    "global_observers",
    "notify_complete",
    "notify_error",
    "notify_start",
    "observing",
    "remove_observer",
]

_log = get_logger("wumbo.observers")


@dataclass(frozen=True, slots=True)
class StageInfo:
    """What an observer (and a span) is told about the stage that runs.

    ``position`` and ``total`` locate the stage in the pipeline given to ``trace`` (``1`` of
    ``1`` for a single function); ``pipeline`` names that pipeline. ``kind`` is ``"pipeline"``
    for the optional span around a whole pipeline run. The attempt number (under ``retry``) is
    [`wumbo.decorators.attempt.current_attempt`][wumbo.decorators.attempt.current_attempt]: read it inside the callback.

    Examples:
        >>> StageInfo("parse", 2, 3, "read | parse | save")
        StageInfo(name='parse', position=2, total=3, pipeline='read | parse | save', kind='stage')
    """

    name: str
    position: int
    total: int
    pipeline: str
    kind: Literal["stage", "pipeline"] = "stage"


@runtime_checkable
class Observer(Protocol):
    """The three callbacks of an observer (structural: any object with these methods).

    Examples:
        >>> class Quiet:
        ...     def on_start(self, stage, input): pass
        ...     def on_complete(self, stage, output, duration): pass
        ...     def on_error(self, stage, error, duration): pass
        >>> isinstance(Quiet(), Observer)
        True
    """

    def on_start(self, stage: StageInfo, input: object, /) -> None:
        """The stage is about to run on ``input``."""

    def on_complete(self, stage: StageInfo, output: object, duration: float, /) -> None:
        """The stage returned ``output`` after ``duration`` seconds."""

    def on_error(self, stage: StageInfo, error: object, duration: float, /) -> None:
        """The stage raised ``error`` (or returned ``Failure(error)``) after ``duration`` s."""


_lock = threading.Lock()
_registered: tuple[Observer, ...] = ()


def global_observers() -> tuple[Observer, ...]:
    """The observers every traced stage notifies, in registration order.

    Examples:
        >>> global_observers()
        ()
    """
    return _registered


def check_observer(observer: object) -> None:
    """Raise ``TypeError`` unless ``observer`` has the three callbacks.

    Examples:
        >>> check_observer(print)
        Traceback (most recent call last):
        ...
        TypeError: expected an observer with on_start, on_complete and on_error methods, got builtin_function_or_method without on_start, on_complete, on_error
    """
    missing = [
        name
        for name in ("on_start", "on_complete", "on_error")
        if not callable(getattr(observer, name, None))
    ]
    if missing:
        raise TypeError(
            f"expected an observer with on_start, on_complete and on_error methods, "
            f"got {type(observer).__name__} without {', '.join(missing)}"
        )


def add_observer(observer: Observer) -> None:
    """Notify ``observer`` of every traced stage's runs, in every thread and task.

    Examples:
        >>> class Quiet:
        ...     def on_start(self, stage, input): pass
        ...     def on_complete(self, stage, output, duration): pass
        ...     def on_error(self, stage, error, duration): pass
        >>> quiet = Quiet()
        >>> add_observer(quiet)
        >>> global_observers() == (quiet,)
        True
        >>> remove_observer(quiet)
    """
    global _registered
    check_observer(observer)
    with _lock:
        _registered = (*_registered, observer)


def remove_observer(observer: Observer) -> None:
    """Stop notifying ``observer`` (registered with [`add_observer`][wumbo.decorators.observers.add_observer]).

    Raises ``ValueError`` when it is not registered.

    Examples:
        >>> remove_observer(object())  # type: ignore[arg-type]
        Traceback (most recent call last):
        ...
        ValueError: observer <object object at ...> is not registered
    """
    global _registered
    with _lock:
        if observer not in _registered:
            raise ValueError(f"observer {observer!r} is not registered")
        index = _registered.index(observer)
        _registered = _registered[:index] + _registered[index + 1 :]


@contextmanager
def observing(observer: Observer) -> Generator[Observer, None, None]:
    """Register ``observer`` globally for the duration of a ``with`` block.

    Examples:
        >>> class Quiet:
        ...     def on_start(self, stage, input): pass
        ...     def on_complete(self, stage, output, duration): pass
        ...     def on_error(self, stage, error, duration): pass
        >>> with observing(Quiet()) as quiet:
        ...     quiet in global_observers()
        True
        >>> global_observers()
        ()
    """
    add_observer(observer)
    try:
        yield observer
    finally:
        remove_observer(observer)


def notify_start(observers: tuple[Observer, ...], stage: StageInfo, value: object) -> None:
    """Call every ``on_start``; a raising observer is logged, never propagated.

    Examples:
        >>> notify_start((), StageInfo("s", 1, 1, "s"), 1)
    """
    for observer in observers:
        try:
            observer.on_start(stage, value)
        except Exception:
            _log.exception("observer %r failed in on_start for stage %r", observer, stage.name)


def notify_complete(
    observers: tuple[Observer, ...], stage: StageInfo, output: object, duration: float
) -> None:
    """Call every ``on_complete``; a raising observer is logged, never propagated.

    Examples:
        >>> notify_complete((), StageInfo("s", 1, 1, "s"), 1, 0.5)
    """
    for observer in observers:
        try:
            observer.on_complete(stage, output, duration)
        except Exception:
            _log.exception("observer %r failed in on_complete for stage %r", observer, stage.name)


def notify_error(
    observers: tuple[Observer, ...], stage: StageInfo, error: object, duration: float
) -> None:
    """Call every ``on_error``; a raising observer is logged, never propagated.

    Examples:
        >>> notify_error((), StageInfo("s", 1, 1, "s"), ValueError(), 0.5)
    """
    for observer in observers:
        try:
            observer.on_error(stage, error, duration)
        except Exception:
            _log.exception("observer %r failed in on_error for stage %r", observer, stage.name)
