"""``CircuitBreaker``: stop calling a failing dependency for a while, then probe it again.

A breaker is **closed** (calls go through) until ``failure_threshold`` consecutive calls fail;
then it is **open**: calls fail fast, without running the stage, with a Failure holding
[`CircuitOpen`][wumbo.decorators.breaker.CircuitOpen] (which says how long until the next try). After ``reset_timeout`` seconds
it is **half-open**: one trial call goes through (others still fail fast); its success closes
the breaker, its failure opens it again. What counts as a failure is chosen by ``failure_on``
(exception types, or a function of the raised exception or Failure's value); other failures
count as successes, since the dependency answered.

The breaker is an object because it has state: it is the decorator itself (``@breaker``), one
breaker may guard several stages that share a dependency, and ``breaker.state`` tells where it
is. It is thread-safe (a lock held only for bookkeeping, never while a stage runs) and works
the same in async code. A pickled breaker (sent to a process pool) arrives closed.

Examples:
    >>> now = [100.0]  # a hand-driven clock
    >>> breaker = CircuitBreaker(failure_threshold=2, reset_timeout=10, clock=lambda: now[0])
    >>> @breaker
    ... def fetch(key: str) -> str:
    ...     raise ConnectionError(key)
    >>> fetch("a"), fetch("b"), breaker.state
    (<Failure: ...ConnectionError: a...>, <Failure: ...ConnectionError: b...>, <CircuitState.OPEN: 'open'>)
    >>> now[0] += 2
    >>> print(fetch("c").failure().error)
    circuit breaker is open after 2 consecutive failures; calls fail fast for 8 s more
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, overload

from returns.result import Failure, Result, Success
from typing_extensions import TypeVar

from wumbo.core.effects import Behaviour, Call, behaviour_step
from wumbo.core.template import Template
from wumbo.core.validate import positive_int, positive_number
from wumbo.decorators._wrap import (
    ErrorFilter,
    ErrorSpec,
    Inner,
    as_template,
    decorated,
    error_of,
    passed_on,
)

__all__ = ["BreakerOptions", "CircuitBreaker", "CircuitOpen", "CircuitState"]

X = TypeVar("X")
C = TypeVar("C")
E = TypeVar("E")


class CircuitState(enum.Enum):
    """Where a circuit breaker is.

    Examples:
        >>> CircuitState.HALF_OPEN.value
        'half-open'
    """

    CLOSED = "closed"
    """Calls go through; consecutive failures are counted."""
    OPEN = "open"
    """Calls fail fast with [`CircuitOpen`][wumbo.decorators.breaker.CircuitOpen] until the reset timeout has passed."""
    HALF_OPEN = "half-open"
    """One trial call goes through; its outcome closes or re-opens the breaker."""


class CircuitOpen(Exception):
    """A call was refused because the circuit breaker is open (or half-open and busy).

    ``retry_in`` is how many seconds remain until the breaker lets a trial call through.

    Examples:
        >>> error = CircuitOpen("breaker 'db'", 3, 1.5)
        >>> error.retry_in, str(error)
        (1.5, "breaker 'db' is open after 3 consecutive failures; calls fail fast for 1.5 s more")
    """

    def __init__(self, breaker: str, failures: int, retry_in: float) -> None:
        self.breaker = breaker
        self.failures = failures
        self.retry_in = retry_in
        if retry_in > 0:
            message = (
                f"{breaker} is open after {failures} consecutive failures; "
                f"calls fail fast for {retry_in:.3g} s more"
            )
        else:
            message = f"{breaker} is half-open and its trial call is still running; try again"
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.breaker, self.failures, self.retry_in))


StateListener = Callable[[CircuitState, CircuitState], object]
"""``on_state_change(old, new)``, called after each transition (outside the breaker's lock)."""


@dataclass(frozen=True, slots=True)
class BreakerOptions:
    """The options of one [`CircuitBreaker`][wumbo.decorators.breaker.CircuitBreaker], checked when built; what it pickles as.

    ``CircuitBreaker(**options)`` builds one; ``CircuitBreaker.of(options)`` takes one (to share
    a configuration, or read it from settings). ``breaker.options`` is it.

    Examples:
        >>> BreakerOptions(failure_threshold=2).reset_timeout
        30.0
        >>> CircuitBreaker.of(BreakerOptions(failure_threshold=2)).options.failure_threshold
        2
        >>> BreakerOptions(failure_threshold=0)
        Traceback (most recent call last):
        ...
        ValueError: failure_threshold must be a positive int, got int 0
    """

    failure_threshold: int = 5
    """Consecutive failures that open a closed breaker."""
    reset_timeout: float = 30.0
    """Seconds an open breaker waits before letting a trial call through."""
    failure_on: ErrorSpec = Exception
    """Which failures count (exception types or a function of the error), as ``retry_on``."""
    on_state_change: StateListener | None = None
    """Called with ``(old, new)`` after each transition."""
    clock: Callable[[], float] = time.monotonic
    """The time source for ``reset_timeout``."""
    name: str | None = None
    """Shown in the breaker's repr and in [`CircuitOpen`][wumbo.decorators.breaker.CircuitOpen]'s message."""

    def __post_init__(self) -> None:
        checked = positive_int("failure_threshold", self.failure_threshold)
        object.__setattr__(self, "failure_threshold", checked)
        object.__setattr__(
            self, "reset_timeout", positive_number("reset_timeout", self.reset_timeout)
        )
        ErrorFilter(self.failure_on, option="failure_on")  # a bad spec is refused here


class CircuitBreaker:
    """A circuit breaker, and the decorator that guards stages with it (see the module doc).

    Its keyword arguments are the fields of [`BreakerOptions`][wumbo.decorators.breaker.BreakerOptions] (``breaker.options``):

    * ``failure_threshold``: consecutive failures that open a closed breaker.
    * ``reset_timeout``: seconds an open breaker waits before letting a trial call through.
    * ``failure_on``: which failures count (default: raised exceptions and Failures holding an
      exception), as for ``retry_on`` in [`retry`][wumbo.decorators.retry.retry].
    * ``on_state_change``: called with ``(old, new)`` after each transition.
    * ``clock``: the time source for ``reset_timeout`` (``time.monotonic``).
    * ``name``: shown in its repr and in the refusals' message.

    Examples:
        >>> breaker = CircuitBreaker(failure_threshold=1, reset_timeout=0.5, name="db")
        >>> guarded = breaker(int)
        >>> guarded("1"), breaker.state.value
        (<Success: 1>, 'closed')
        >>> guarded("x").failure().error.__class__.__name__, breaker.state.value
        ('ValueError', 'open')
        >>> guarded("1").failure().error.__class__.__name__
        'CircuitOpen'
    """

    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        failure_on: ErrorSpec = Exception,
        on_state_change: StateListener | None = None,
        clock: Callable[[], float] = time.monotonic,
        name: str | None = None,
    ) -> None:
        options = BreakerOptions(
            failure_threshold=failure_threshold,
            reset_timeout=reset_timeout,
            failure_on=failure_on,
            on_state_change=on_state_change,
            clock=clock,
            name=name,
        )
        self._configure(options)

    @classmethod
    def of(cls, options: BreakerOptions) -> CircuitBreaker:
        """A closed breaker with these options.

        Examples:
            >>> CircuitBreaker.of(BreakerOptions(name="db"))
            <circuit breaker 'db': closed, 0 consecutive failures>
        """
        breaker = cls.__new__(cls)
        breaker._configure(options)
        return breaker

    def _configure(self, options: BreakerOptions) -> None:
        self.options = options
        self._failure_on = ErrorFilter(options.failure_on, option="failure_on")
        self._clock = options.clock
        self._lock = threading.Lock()
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False

    def __repr__(self) -> str:
        return f"<{self._label()}: {self.state.value}, {self._failures} consecutive failures>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (CircuitBreaker.of, (self.options,))

    def _label(self) -> str:
        name = self.options.name
        return "circuit breaker" if name is None else f"circuit breaker {name!r}"

    # -- state -------------------------------------------------------------------------------

    @property
    def state(self) -> CircuitState:
        """The state now (an open breaker past its reset timeout reads as half-open).

        Examples:
            >>> CircuitBreaker().state
            <CircuitState.CLOSED: 'closed'>
        """
        with self._lock:
            changes = self._wake()
            state = self._state
        self._announce(changes)
        return state

    @property
    def failures(self) -> int:
        """Consecutive failures counted while closed (or the ones that opened it).

        Examples:
            >>> CircuitBreaker().failures
            0
        """
        return self._failures

    def reset(self) -> None:
        """Close the breaker by hand and forget the failures.

        Examples:
            >>> breaker = CircuitBreaker(failure_threshold=1)
            >>> _ = breaker(int)("x")
            >>> breaker.reset(); breaker.state.value
            'closed'
        """
        with self._lock:
            changes = self._move(CircuitState.CLOSED)
            self._failures = 0
        self._announce(changes)

    def _move(self, new: CircuitState) -> list[tuple[CircuitState, CircuitState]]:
        """Enter ``new``; the transition to announce, if any. Lock held."""
        old, self._state = self._state, new
        if new is CircuitState.OPEN:
            self._opened_at = self._clock()
        return [] if old is new else [(old, new)]

    def _wake(self) -> list[tuple[CircuitState, CircuitState]]:
        """Open -> half-open once the reset timeout has passed. Lock held."""
        waited = self._clock() - self._opened_at
        if self._state is CircuitState.OPEN and waited >= self.options.reset_timeout:
            return self._move(CircuitState.HALF_OPEN)
        return []

    def _announce(self, changes: list[tuple[CircuitState, CircuitState]]) -> None:
        listener = self.options.on_state_change
        if listener is not None:
            for old, new in changes:
                listener(old, new)

    # -- one guarded call --------------------------------------------------------------------

    def admit(self) -> bool:
        """Let a call through (True: it is the half-open trial) or raise [`CircuitOpen`][wumbo.decorators.breaker.CircuitOpen].

        Examples:
            >>> CircuitBreaker().admit()
            False
        """
        if self._state is CircuitState.CLOSED:  # the common case, read without the lock
            return False
        return self._admit_locked()

    def _admit_locked(self) -> bool:
        refusal: CircuitOpen | None = None
        with self._lock:
            changes = self._wake()
            probe = self._state is CircuitState.HALF_OPEN and not self._probing
            if probe:
                self._probing = True
            elif self._state is not CircuitState.CLOSED:
                waited = self._clock() - self._opened_at
                retry_in = (
                    max(0.0, self.options.reset_timeout - waited) if not self._probing else 0.0
                )
                refusal = CircuitOpen(self._label(), self._failures, retry_in)
        self._announce(changes)
        if refusal is not None:
            raise refusal
        return probe

    def record(self, result: Result[Any, Any] | None, probe: bool) -> None:
        """Count a call's outcome (None: it was interrupted and counts for nothing).

        Examples:
            >>> from returns.result import Failure
            >>> breaker = CircuitBreaker(failure_threshold=1)
            >>> breaker.record(Failure(OSError("down")), probe=False); breaker.state.value
            'open'
        """
        if not probe and result.__class__ is Success and self._failures == 0:
            return  # a success while closed with nothing counted: nothing changes
        failed = isinstance(result, Failure) and self._failure_on.matches(error_of(result))
        changes: list[tuple[CircuitState, CircuitState]] = []
        with self._lock:
            if probe:
                self._probing = False
                if result is not None:
                    changes = self._move(CircuitState.OPEN if failed else CircuitState.CLOSED)
                    self._failures = self._failures + 1 if failed else 0
            elif result is not None and self._state is CircuitState.CLOSED:
                self._failures = self._failures + 1 if failed else 0
                if self._failures >= self.options.failure_threshold:
                    changes = self._move(CircuitState.OPEN)
        self._announce(changes)

    # -- the decorator -----------------------------------------------------------------------

    @overload
    def __call__(self, fn: Template[X, C, E], /) -> Template[X, C, E]: ...  # type: ignore[overload-overlap]
    @overload
    def __call__(  # type: ignore[overload-overlap]
        self, fn: Callable[[X], Coroutine[Any, Any, Result[C, E]]], /
    ) -> Template[X, C, E]: ...
    @overload
    def __call__(self, fn: Callable[[X], Coroutine[Any, Any, C]], /) -> Template[X, C]: ...
    @overload
    def __call__(self, fn: Callable[[X], Result[C, E]], /) -> Template[X, C, E]: ...  # type: ignore[overload-overlap]
    @overload
    def __call__(self, fn: Callable[[X], C], /) -> Template[X, C]: ...
    def __call__(self, fn: Callable[[Any], Any], /) -> Template[Any, Any, Any]:
        """Guard a stage with this breaker: ``@breaker`` or ``breaker(fetch)``.

        Examples:
            >>> CircuitBreaker()(len).run("abc")
            3
        """
        inner = as_template(fn)
        name = f"circuit_breaker({inner.__name__})"
        step = behaviour_step(name, inner.is_async, _guard, self, inner)
        return decorated(name, fn, inner, step)


def _guard(breaker: CircuitBreaker, inner: Inner, value: Any) -> Behaviour:
    probe = breaker.admit()
    try:
        result = yield Call(inner, value)
    except BaseException:  # interrupted or cancelled: the trial (if it was one) is given back
        breaker.record(None, probe)
        raise
    breaker.record(result, probe)
    return passed_on(result)
