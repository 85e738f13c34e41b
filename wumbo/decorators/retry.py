"""``retry``: run a stage again when it raises or returns a Failure, with backoff and jitter.

Attempt ``n`` that fails with a retryable error is followed, after a pause, by attempt ``n + 1``
until ``attempts`` were made; then the last failure is the result, reported at the retried
stage's position. The pause before attempt ``n + 1`` is ``min(max_delay, delay * backoff **
(n - 1))``, drawn uniformly from zero up to that ("full jitter") unless ``jitter=False``.
Sync stages sleep with ``time.sleep``, async ones with ``anyio.sleep`` (so a cancelled task
stops waiting at once). Each attempt runs with
[`wumbo.decorators.attempt.current_attempt`][wumbo.decorators.attempt.current_attempt] set to its number, which is how ``trace``
records it. In [`wumbo_testing_mode`][wumbo.decorators.testing.wumbo_testing_mode] no pause is slept and the jitter
is seeded.

Examples:
    >>> calls = []
    >>> @retry(attempts=3, delay=0)
    ... def flaky(n: int) -> int:
    ...     calls.append(n)
    ...     if len(calls) < 3:
    ...         raise ConnectionError("try again")
    ...     return n * 2
    >>> flaky(21), len(calls)
    (<Success: 42>, 3)
    >>> flaky
    <Template retry(flaky)>
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from returns.result import Result, Success

from wumbo.core.effects import Behaviour, Call, Sleep, behaviour_step
from wumbo.core.template import TemplateFactory
from wumbo.core.validate import positive_int, positive_number
from wumbo.decorators._wrap import (
    ErrorFilter,
    ErrorSpec,
    Inner,
    as_factory,
    as_template,
    decorated,
    error_of,
    passed_on,
)
from wumbo.decorators.attempt import current_attempt
from wumbo.decorators.testing import SWITCH

__all__ = ["RetryEvent", "RetryPolicy", "retry"]

# ``with attempt(n):`` is the readable spelling of these two calls; a generator-based context
# manager costs about 0.7 us per call, more than the whole success-path budget of ``retry``.
_enter_attempt: Final = current_attempt.set
_leave_attempt: Final = current_attempt.reset


@dataclass(frozen=True, slots=True)
class RetryEvent:
    """What ``on_retry`` hears before each pause: which attempt failed, why, how long to wait.

    Examples:
        >>> RetryEvent("fetch", 1, TimeoutError("slow"), 0.1).attempt
        1
    """

    stage: str
    attempt: int
    """The number (1-based) of the attempt that just failed."""
    error: object
    """The exception the stage raised, or the value of the Failure it returned."""
    delay: float
    """Seconds to wait before the next attempt (not slept in the testing mode)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """The options of one ``retry(...)``: picklable when ``retry_on`` and ``on_retry`` are.

    Examples:
        >>> policy = RetryPolicy(3, 1.0, 10.0, 2.0, False, ErrorFilter(Exception), None)
        >>> [policy.ceiling(n) for n in (1, 2, 3, 4, 5)]
        [1.0, 2.0, 4.0, 8.0, 10.0]
    """

    attempts: int
    delay: float
    max_delay: float
    backoff: float
    jitter: bool
    retry_on: ErrorFilter
    on_retry: Callable[[RetryEvent], object] | None

    def ceiling(self, failed: int) -> float:
        """The longest pause after attempt number ``failed``."""
        try:
            grown = self.delay * self.backoff ** (failed - 1)
        except OverflowError:
            return self.max_delay
        return min(self.max_delay, grown)

    def pause(self, failed: int, failure: Result[Any, Any], stage: str) -> float | None:
        """Seconds to sleep before attempt ``failed + 1``, or None when the failure is final.

        Calls ``on_retry`` first; in the testing mode the jitter is seeded and 0 is returned.
        """
        error = error_of(failure)
        if failed >= self.attempts or not self.retry_on.matches(error):
            return None
        ceiling = self.ceiling(failed)
        settings = SWITCH.settings
        if not self.jitter:
            delay = ceiling
        elif settings.enabled:
            delay = random.Random(f"{settings.seed}:{failed}").uniform(0, ceiling)
        else:
            delay = random.uniform(0, ceiling)
        if self.on_retry is not None:
            self.on_retry(RetryEvent(stage, failed, error, delay))
        return 0.0 if settings.enabled else delay


def _retry(policy: RetryPolicy, inner: Inner, value: Any) -> Behaviour:
    number = 1
    while True:
        token = _enter_attempt(number)
        try:
            result = yield Call(inner, value)
        finally:
            _leave_attempt(token)
        if result.__class__ is Success:
            return result
        delay = policy.pause(number, result, inner.__name__)
        if delay is None:
            return passed_on(result)
        if delay:
            yield Sleep(delay)
        number += 1


def retry(
    *,
    attempts: int = 3,
    delay: float = 0.1,
    max_delay: float = 10.0,
    backoff: float = 2.0,
    jitter: bool = True,
    retry_on: ErrorSpec = Exception,
    on_retry: Callable[[RetryEvent], object] | None = None,
) -> TemplateFactory:
    """Retry a stage on failure: ``@retry(attempts=3)`` or ``retry(attempts=3)(fetch)``.

    * ``attempts``: how many times the stage runs at most (1 means no retry).
    * ``delay``, ``backoff``, ``max_delay``: the pause after attempt ``n`` is at most
      ``min(max_delay, delay * backoff ** (n - 1))`` seconds; ``jitter`` (default on) draws
      it uniformly from zero to that bound, so many clients do not retry in step.
    * ``retry_on``: what is retryable: exception types, matched against the exception the stage
      raised or the value of the Failure it returned, or a function of that error returning
      truthy to retry. The default, ``Exception``, retries every raised exception and every
      Failure holding an exception, not a Failure holding another value.
    * ``on_retry``: called with a [`RetryEvent`][wumbo.decorators.retry.RetryEvent] before each pause (for logging).

    The decorated stage keeps the stage's types and is async when the stage is.

    Examples:
        >>> from wumbo import Failure
        >>> seen = []
        >>> def busy(n: int):
        ...     return Failure("busy")
        >>> patient = retry(attempts=4, delay=0, retry_on=lambda e: e == "busy",
        ...                 on_retry=lambda event: seen.append(event.attempt))
        >>> patient(busy)(1), seen
        (<Failure: busy>, [1, 2, 3])
    """
    policy = RetryPolicy(
        attempts=positive_int("attempts", attempts),
        delay=positive_number("delay", delay, allow_zero=True),
        max_delay=positive_number("max_delay", max_delay, allow_zero=True),
        backoff=_backoff(backoff),
        jitter=bool(jitter),
        retry_on=ErrorFilter(retry_on, option="retry_on"),
        on_retry=on_retry,
    )

    def build(stage: Callable[[Any], Any]) -> Inner:
        inner = as_template(stage)
        name = f"retry({inner.__name__})"
        step = behaviour_step(name, inner.is_async, _retry, policy, inner)
        return decorated(name, stage, inner, step)

    return as_factory(build)


def _backoff(value: object) -> float:
    number = positive_number("backoff", value)
    if number < 1:
        raise ValueError(f"backoff must be >= 1 (1 keeps the delay constant), got {value!r}")
    return number
