"""wumbo's one hook registry: observers told when a stage or a template runs, or a registry changes.

**The contract.** An observer is a callable taking one [`Event`][wumbo.decorators.observers.Event]:
``kind`` (``"start"``, ``"complete"``, ``"error"``, or a registry change such as
``"registered"``), ``source`` (``"stage"`` or ``"pipeline"`` for what ``trace`` decorates,
``"template"`` for a class-based template's run, ``"registry"`` for a template registry),
``name``, ``value`` (the input, the output or the error; a registry change's aliases),
``duration`` in seconds, and ``detail``, the source's own record. Every source tells its
events through this module and nothing else, so an observer registered once with
[`add_observer`][wumbo.decorators.observers.add_observer] (or for a ``with`` block with
[`observing`][wumbo.decorators.observers.observing]) hears all of them, in every thread and
task. A source can also keep observers of its own (``trace(observers=[...])``,
``BaseTemplate.add_observer``, ``TemplateRegistry.add_observer``, each a
[`Hooks`][wumbo.decorators.observers.Hooks]): they are told first, then the global ones.

The seed's observer objects are adapters onto this contract: an object with ``on_start(stage,
input)``, ``on_complete(stage, output, duration)`` and ``on_error(stage, error, duration)``
(the [`StageCallbacks`][wumbo.decorators.observers.StageCallbacks] protocol) is told the start, complete and
error events, with ``stage`` a [`StageInfo`][wumbo.decorators.observers.StageInfo]; the
framework's ``ExecutionObserver`` and registry observers are adapters too. Callbacks run inline
(inside the stage's span): keep them quick. An observer that raises is logged (logger
``wumbo.observers``) and never changes what the observed code returns.

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
    >>> with observing(lambda event: print(event.kind, event.source, event.name)):
    ...     traced("8").unwrap()
    start parse 8
    start stage parse
    done parse 8
    complete stage parse
    8
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol, TypeAlias, cast, runtime_checkable

from wumbo._log import get_logger
from wumbo.core.stage import describe

__all__ = [
    "Event",
    "EventKind",
    "EventSource",
    "Hook",
    "Hooks",
    "Observer",
    "StageCallbacks",
    "StageInfo",
    "add_observer",
    "check_observer",
    "global_hooks",
    "global_observers",
    "notify",
    "notify_complete",
    "notify_error",
    "notify_start",
    "observing",
    "remove_observer",
]

_log = get_logger("wumbo.observers")

EventKind: TypeAlias = Literal[
    "start", "complete", "error", "registered", "loaded", "unregistered", "cleared"
]
"""What happened: a run started, completed or failed, or a registry changed."""

EventSource: TypeAlias = Literal["stage", "pipeline", "template", "registry"]
"""What told it: a traced stage, a traced whole pipeline, a class-based template, a registry."""


@dataclass(frozen=True, slots=True)
class StageInfo:
    """What a stage observer (and a span) is told about the stage that runs.

    ``position`` and ``total`` locate the stage in the pipeline given to ``trace`` (``1`` of
    ``1`` for a single function); ``pipeline`` names that pipeline. ``kind`` is ``"pipeline"``
    for the optional span around a whole pipeline run, and ``"template"`` for a class-based
    template's run. The attempt number (under ``retry``) is
    [`wumbo.decorators.attempt.current_attempt`][wumbo.decorators.attempt.current_attempt]: read it inside the callback.

    Examples:
        >>> StageInfo("parse", 2, 3, "read | parse | save")
        StageInfo(name='parse', position=2, total=3, pipeline='read | parse | save', kind='stage')
    """

    name: str
    position: int
    total: int
    pipeline: str
    kind: Literal["stage", "pipeline", "template"] = "stage"


class Event(NamedTuple):
    """One thing an observer is told (the one contract of every observer in wumbo).

    Immutable (a named tuple: cheap to make on every observed run).

    ``value`` is the input (``start``), the output (``complete``), the error (``error``: the
    exception raised, or the value of a returned ``Failure``), or a registry change's aliases;
    ``duration`` is in seconds (``0.0`` for ``start`` and registry changes). ``detail`` is the
    source's own record: a [`StageInfo`][wumbo.decorators.observers.StageInfo] for a stage or a
    pipeline, the ``ExecutionContext`` (``start``, ``error``) or ``ExecutionResult``
    (``complete``) for a template, the ``RegistryEvent`` for a registry.

    Examples:
        >>> Event("complete", "stage", "parse", 7, 0.25)
        Event(kind='complete', source='stage', name='parse', value=7, duration=0.25, detail=None)
    """

    kind: EventKind
    source: EventSource
    name: str
    value: object = None
    duration: float = 0.0
    detail: object = None


@runtime_checkable
class StageCallbacks(Protocol):
    """The seed's three callbacks (structural: any object with these methods), an adapter
    onto the one contract: told the start, complete and error events of every source.

    Examples:
        >>> class Quiet:
        ...     def on_start(self, stage, input): pass
        ...     def on_complete(self, stage, output, duration): pass
        ...     def on_error(self, stage, error, duration): pass
        >>> isinstance(Quiet(), StageCallbacks)
        True
    """

    def on_start(self, stage: StageInfo, input: object, /) -> None:
        """The stage is about to run on ``input``."""

    def on_complete(self, stage: StageInfo, output: object, duration: float, /) -> None:
        """The stage returned ``output`` after ``duration`` seconds."""

    def on_error(self, stage: StageInfo, error: object, duration: float, /) -> None:
        """The stage raised ``error`` (or returned ``Failure(error)``) after ``duration`` s."""


Hook: TypeAlias = Callable[[Event], object]
"""An observer in the one contract: anything that can be called with an ``Event``."""

Observer: TypeAlias = StageCallbacks | Hook
"""What every ``add_observer`` and ``trace(observers=...)`` takes: a hook, or the seed's
three callbacks."""

_CALLBACKS = ("on_start", "on_complete", "on_error")


def check_observer(observer: object) -> None:
    """Raise ``TypeError`` unless ``observer`` is a hook or has the three callbacks.

    Examples:
        >>> check_observer(print)  # a callable: a hook taking an Event
        >>> check_observer(5)
        Traceback (most recent call last):
        ...
        TypeError: expected an observer with on_start, on_complete and on_error methods, or a callable taking an Event, got int 5
    """
    present = [name for name in _CALLBACKS if callable(getattr(observer, name, None))]
    if not present and callable(observer):
        return
    if len(present) == len(_CALLBACKS):
        return
    if present:
        missing = [name for name in _CALLBACKS if name not in present]
        raise TypeError(
            f"expected an observer with on_start, on_complete and on_error methods, "
            f"got {type(observer).__name__} without {', '.join(missing)}"
        )
    raise TypeError(
        "expected an observer with on_start, on_complete and on_error methods, or a callable "
        f"taking an Event, got {describe(observer)}"
    )


def _stage_of(source: EventSource, name: str, detail: object) -> StageInfo:
    if isinstance(detail, StageInfo):
        return detail
    return StageInfo(name, 1, 1, name, kind="template" if source == "template" else "stage")


def _deliver(
    observers: tuple[object, ...],
    kind: EventKind,
    source: EventSource,
    name: str,
    value: object,
    duration: float,
    detail: object,
) -> None:
    """Tell every observer, in order; the ``Event`` is built only if a hook needs it."""
    event: Event | None = None
    for observer in observers:
        callback = "hook"
        try:
            if hasattr(observer, "on_start"):  # the seed's callbacks (checked when added)
                callbacks = cast("StageCallbacks", observer)
                if kind not in ("start", "complete", "error"):
                    continue  # the seed's callbacks have none for registry changes
                callback = f"on_{kind}"
                stage = _stage_of(source, name, detail)
                if kind == "start":
                    callbacks.on_start(stage, value)
                elif kind == "complete":
                    callbacks.on_complete(stage, value, duration)
                else:
                    callbacks.on_error(stage, value, duration)
                continue
            if event is None:
                event = Event(kind, source, name, value, duration, detail)
            cast("Hook", observer)(event)
        except Exception:
            _log.exception("observer %r failed in %s for %s %r", observer, callback, source, name)


class Hooks:
    """One set of observers, in registration order, safe to change from any thread.

    [`global_hooks`][wumbo.decorators.observers.global_hooks] is the set every source tells;
    a source with observers of its own (a template, a registry) keeps a ``Hooks`` whose
    [`notify`][wumbo.decorators.observers.Hooks.notify] tells its own observers, then the
    global ones. Reading ``observers`` never takes the lock (it is an immutable tuple).

    Examples:
        >>> seen = []
        >>> mine = Hooks("my component")
        >>> mine.add(seen.append)
        >>> mine.notify(Event("start", "template", "t", 1))
        >>> [event.kind for event in seen], bool(mine)
        (['start'], True)
        >>> mine.remove(print)
        Traceback (most recent call last):
        ...
        ValueError: builtin_function_or_method <built-in function print> is not an observer of my component
    """

    __slots__ = ("_lock", "inherits_global", "observers", "owner")

    def __init__(self, owner: str, *, inherits_global: bool = True) -> None:
        self.owner = owner
        self.inherits_global = inherits_global
        self._lock = threading.Lock()
        self.observers: tuple[Observer, ...] = ()

    def __reduce__(self) -> tuple[object, ...]:
        """Pickles (with what it observes) for process pools; the lock is made anew."""
        return (_restored, (self.owner, self.inherits_global, self.observers))

    def __bool__(self) -> bool:
        """True when someone would hear an event: an observer here (or a global one).

        Examples:
            >>> bool(Hooks("a template"))
            False
        """
        return bool(self.observers or (self.inherits_global and _global.observers))

    def add(self, observer: Observer) -> None:
        """Tell ``observer`` of every event of this set (``TypeError`` if it is neither a hook
        nor an object with the three callbacks)."""
        check_observer(observer)
        with self._lock:
            self.observers = (*self.observers, observer)

    def remove(self, observer: Observer) -> None:
        """Stop telling ``observer``; ``ValueError`` when it was not added."""
        with self._lock:
            if observer not in self.observers:
                raise ValueError(f"{describe(observer)} is not an observer of {self.owner}")
            index = self.observers.index(observer)
            self.observers = self.observers[:index] + self.observers[index + 1 :]

    def notify(self, event: Event) -> None:
        """Tell this set's observers, then the global ones (each failure logged, not raised)."""
        observers = self.observers
        if self.inherits_global:
            observers += _global.observers
        if observers:
            _deliver(
                observers,
                event.kind,
                event.source,
                event.name,
                event.value,
                event.duration,
                event.detail,
            )


def _restored(owner: str, inherits_global: bool, observers: tuple[Observer, ...]) -> Hooks:
    hooks = Hooks(owner, inherits_global=inherits_global)
    hooks.observers = observers
    return hooks


_global = Hooks("every source", inherits_global=False)


def global_hooks() -> Hooks:
    """The global set: every traced stage, template run and registry change tells it.

    Examples:
        >>> global_hooks().owner
        'every source'
    """
    return _global


def global_observers() -> tuple[Observer, ...]:
    """The observers registered globally, in registration order.

    Examples:
        >>> global_observers()
        ()
    """
    return _global.observers


def add_observer(observer: Observer) -> None:
    """Tell ``observer`` of every event of every source, in every thread and task.

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
    _global.add(observer)


def remove_observer(observer: Observer) -> None:
    """Stop telling ``observer`` (registered with [`add_observer`][wumbo.decorators.observers.add_observer]).

    Raises ``ValueError`` when it is not registered.

    Examples:
        >>> remove_observer(object())  # type: ignore[arg-type]
        Traceback (most recent call last):
        ...
        ValueError: observer <object object at ...> is not registered
    """
    try:
        _global.remove(observer)
    except ValueError:
        raise ValueError(f"observer {observer!r} is not registered") from None


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


def notify(observers: tuple[Observer, ...], event: Event) -> None:
    """Tell ``observers`` of ``event``, in order; a raising observer is logged, never propagated.

    Examples:
        >>> notify((print,), Event("cleared", "registry", ""))
        Event(kind='cleared', source='registry', name='', value=None, duration=0.0, detail=None)
    """
    _deliver(
        observers, event.kind, event.source, event.name, event.value, event.duration, event.detail
    )


def notify_start(observers: tuple[Observer, ...], stage: StageInfo, value: object) -> None:
    """Tell ``observers`` that a traced ``stage`` starts on ``value``.

    Examples:
        >>> notify_start((), StageInfo("s", 1, 1, "s"), 1)
    """
    _deliver(observers, "start", _source_of(stage), stage.name, value, 0.0, stage)


def notify_complete(
    observers: tuple[Observer, ...], stage: StageInfo, output: object, duration: float
) -> None:
    """Tell ``observers`` that a traced ``stage`` returned ``output``.

    Examples:
        >>> notify_complete((), StageInfo("s", 1, 1, "s"), 1, 0.5)
    """
    _deliver(observers, "complete", _source_of(stage), stage.name, output, duration, stage)


def notify_error(
    observers: tuple[Observer, ...], stage: StageInfo, error: object, duration: float
) -> None:
    """Tell ``observers`` that a traced ``stage`` failed with ``error``.

    Examples:
        >>> notify_error((), StageInfo("s", 1, 1, "s"), ValueError(), 0.5)
    """
    _deliver(observers, "error", _source_of(stage), stage.name, error, duration, stage)


def _source_of(stage: StageInfo) -> EventSource:
    return "pipeline" if stage.kind == "pipeline" else "stage"
