"""``cache``: remember a stage's successful results, bounded in size (LRU) and age (TTL).

Results are keyed by the input, or by ``key(input)``; a key must be hashable. Concurrent
callers of the same key compute it once ("single flight"): the first one runs the stage and
the others, in other threads or other tasks, wait for its outcome and share it. Only
successes are stored unless ``cache_failures=True``; a failure is still shared with the callers
that were waiting for it. The store is guarded by a lock held only for bookkeeping, never while
the stage runs, so it is safe from threads and from asyncio or trio tasks.

The cached Template's stage is a [`CachedStage`][wumbo.decorators.cache.CachedStage]: [`cache_of`][wumbo.decorators.cache.cache_of] finds it, for its
[`stats`][wumbo.decorators.cache.CachedStage.stats] and [`clear`][wumbo.decorators.cache.CachedStage.clear]. In
[`wumbo_testing_mode`][wumbo.decorators.testing.wumbo_testing_mode] the cache is bypassed.

Examples:
    >>> calls = []
    >>> @cache(maxsize=100)
    ... def square(n: int) -> int:
    ...     calls.append(n)
    ...     return n * n
    >>> square(4), square(4), calls
    (<Success: 16>, <Success: 16>, [4])
    >>> cache_of(square).stats()
    CacheStats(hits=1, misses=1, evictions=0, expirations=0, size=1, maxsize=100)
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.lowlevel
import anyio.to_thread
from returns.result import Result, Success

from wumbo.core.effects import Behaviour, Call, implementation
from wumbo.core.result import bounded_repr
from wumbo.core.stage import Stage, describe
from wumbo.core.template import Template, TemplateFactory
from wumbo.core.validate import positive_int, positive_number
from wumbo.decorators._wrap import Inner, as_factory, as_template, decorated, passed_on
from wumbo.decorators.testing import SWITCH

__all__ = ["AsyncCachedStage", "CacheOptions", "CacheStats", "CachedStage", "cache", "cache_of"]

_FOREVER = float("inf")


@dataclass(frozen=True, slots=True)
class CacheStats:
    """A snapshot of a cache's counters.

    ``hits`` counts calls answered without running the stage (from the store, or by sharing a
    concurrent caller's run), ``misses`` the runs of the stage, ``evictions`` entries dropped
    to respect ``maxsize``, ``expirations`` entries found older than ``ttl``.

    Examples:
        >>> CacheStats(hits=3, misses=1, evictions=0, expirations=0, size=1, maxsize=8).hits
        3
    """

    hits: int
    misses: int
    evictions: int
    expirations: int
    size: int
    maxsize: int | None


@dataclass(frozen=True, slots=True)
class CacheOptions:
    """The options of one ``cache(...)``, checked when built: ``cache(**fields)`` builds one.

    A cached stage pickles as an empty cache with the same options.

    Examples:
        >>> CacheOptions(maxsize=10, ttl=60).ttl
        60.0
        >>> cache_of(cache(maxsize=10)(abs)).options.maxsize
        10
        >>> CacheOptions(maxsize=0)
        Traceback (most recent call last):
        ...
        ValueError: maxsize (None for no bound) must be a positive int, got int 0
    """

    maxsize: int | None = 128
    """Entries kept at most (least recently used dropped first); None: unbounded."""
    ttl: float | None = None
    """Seconds an entry stays valid, measured with ``clock``; None: forever."""
    key: Callable[[Any], Hashable] | None = None
    """Computes the key from the input (default: the input itself, which must be hashable)."""
    cache_failures: bool = False
    """Also store failures (a raised exception is raised again on a hit)."""
    clock: Callable[[], float] = time.monotonic
    """The time source for ``ttl``."""

    def __post_init__(self) -> None:
        if self.maxsize is not None:
            positive_int("maxsize (None for no bound)", self.maxsize)
        if self.ttl is not None:
            object.__setattr__(self, "ttl", positive_number("ttl", self.ttl))
        if self.key is not None and not callable(self.key):
            raise TypeError(f"key must be a function of the input, got {describe(self.key)}")
        object.__setattr__(self, "cache_failures", bool(self.cache_failures))


class _Flight:
    """One run of the stage for a key, which concurrent callers of that key wait for."""

    __slots__ = ("done", "event", "loop", "outcome")

    def __init__(self, is_async: bool) -> None:
        self.done = threading.Event()
        self.outcome: Result[Any, Any] | None = None  # None: the run was cancelled
        self.event = anyio.Event() if is_async else None
        self.loop = anyio.lowlevel.current_token() if is_async else None

    def run_sync(self) -> None:
        """Wait, as a request of `CachedStage._lookup`, in this thread."""
        self.done.wait()

    def finish(self, outcome: Result[Any, Any] | None) -> None:
        self.outcome = outcome
        self.done.set()
        if self.event is not None:
            self.event.set()

    async def run_async(self) -> None:
        """Wait, as a request of `CachedStage._lookup`, in this task."""
        if self.event is not None and self.loop == anyio.lowlevel.current_token():
            await self.event.wait()
        else:  # the run happens in another event loop (another thread): wait off this loop
            await anyio.to_thread.run_sync(self.done.wait, abandon_on_cancel=True)


class CachedStage:
    """The stage of a cached Template: the store, its lock and counters, and the inner stage.

    Get it with [`cache_of`][wumbo.decorators.cache.cache_of]. It pickles as an empty cache with the same options.

    Examples:
        >>> square = cache(maxsize=2)(lambda n: n * n)
        >>> square(3).unwrap(), len(cache_of(square))
        (9, 1)
        >>> cache_of(square).clear()
        >>> len(cache_of(square))
        0
    """

    def __init__(self, inner: Inner, options: CacheOptions) -> None:
        self.inner = inner
        self.options = options
        self.maxsize = options.maxsize
        self.ttl = options.ttl
        self.key = options.key
        self.cache_failures = options.cache_failures
        self.clock = options.clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[Result[Any, Any], float]] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._hits = self._misses = self._evictions = self._expirations = 0
        self._is_async = inner.is_async
        self._lookup = implementation(_lookup, is_async=inner.is_async)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.inner, self.options))

    def __len__(self) -> int:
        return len(self._entries)

    def stats(self) -> CacheStats:
        """The counters and size now.

        Examples:
            >>> cache_of(cache()(abs)).stats().size
            0
        """
        with self._lock:
            return CacheStats(
                hits=self._hits,
                misses=self._misses,
                evictions=self._evictions,
                expirations=self._expirations,
                size=len(self._entries),
                maxsize=self.maxsize,
            )

    def clear(self) -> None:
        """Drop every stored result and reset the counters (runs in progress still finish).

        Examples:
            >>> doubled = cache()(lambda n: n * 2)
            >>> doubled(1).unwrap(), cache_of(doubled).clear(), cache_of(doubled).stats().misses
            (2, None, 0)
        """
        with self._lock:
            self._entries.clear()
            self._hits = self._misses = self._evictions = self._expirations = 0

    # -- bookkeeping ---------------------------------------------------------------------------

    def _unhashable(self, key: object) -> TypeError:
        source = "got" if self.key is None else f"key={describe(self.key)} returned"
        return TypeError(
            f"cache key must be hashable: {source} {type(key).__name__} {bounded_repr(key)}; "
            f"pass key=... to cache() to derive a hashable key from the input"
        )

    def _claim(self, key: Hashable, is_async: bool) -> Result[Any, Any] | tuple[_Flight, bool]:
        """The fresh stored result (a hit), else the run in progress for ``key`` and whether
        the caller owns it (a new run when there is none)."""
        with self._lock:
            try:
                entry = self._entries.get(key)
            except TypeError as error:
                raise self._unhashable(key) from error
            if entry is not None:
                if self.ttl is None or self.clock() < entry[1]:
                    self._entries.move_to_end(key)
                    self._hits += 1
                    return entry[0]
                del self._entries[key]
                self._expirations += 1
            return self._join(key, is_async)

    def _join(self, key: Hashable, is_async: bool) -> tuple[_Flight, bool]:
        flight = self._flights.get(key)
        if flight is not None:
            self._hits += 1
            return flight, False
        flight = self._flights[key] = _Flight(is_async)
        self._misses += 1
        return flight, True

    def _finish(self, key: Hashable, flight: _Flight, outcome: Result[Any, Any] | None) -> None:
        with self._lock:
            del self._flights[key]
            if outcome is not None and (self.cache_failures or outcome.__class__ is Success):
                expires = _FOREVER if self.ttl is None else self.clock() + self.ttl
                self._entries[key] = (outcome, expires)
                self._entries.move_to_end(key)
                if self.maxsize is not None and len(self._entries) > self.maxsize:
                    self._entries.popitem(last=False)
                    self._evictions += 1
        flight.finish(outcome)

    # -- one call, sync or async (wumbo.core.effects) ----------------------------------------

    def __call__(self, value: Any) -> Any:
        return self._lookup(self, value)


class AsyncCachedStage(CachedStage):
    """The stage of a cached Template whose inner stage is async (tasks wait, not threads).

    Examples:
        >>> import anyio
        >>> async def fetch(n: int) -> int:
        ...     return n + 1
        >>> cached = cache()(fetch)
        >>> type(cache_of(cached)).__name__, anyio.run(cached.acall, 1)
        ('AsyncCachedStage', <Success: 2>)
    """

    async def __call__(self, value: Any) -> Any:
        return await self._lookup(self, value)


def _lookup(store: CachedStage, value: Any) -> Behaviour:
    """A hit, else run the stage (the key's first caller) or wait for that run and share it."""
    if SWITCH.settings.bypass_cache:
        return passed_on((yield Call(store.inner, value)))
    key = value if store.key is None else store.key(value)
    while True:
        claim = store._claim(key, store._is_async)  # pyright: ignore[reportPrivateUsage]
        if claim.__class__ is Success:  # the common hit, first
            return claim
        if not isinstance(claim, tuple):
            return passed_on(claim)
        flight, owner = claim
        if owner:
            try:
                outcome = yield Call(store.inner, value)
            except BaseException:  # interrupted: the waiting callers run the stage themselves
                store._finish(key, flight, None)  # pyright: ignore[reportPrivateUsage]
                raise
            store._finish(key, flight, outcome)  # pyright: ignore[reportPrivateUsage]
            return passed_on(outcome)
        yield flight  # wait for the owner's run, in this thread or this task
        if flight.outcome is not None:
            return passed_on(flight.outcome)


def cache(
    *,
    maxsize: int | None = 128,
    ttl: float | None = None,
    key: Callable[[Any], Hashable] | None = None,
    cache_failures: bool = False,
    clock: Callable[[], float] = time.monotonic,
) -> TemplateFactory:
    """Cache a stage's results: ``@cache(maxsize=1000, ttl=60)`` or ``cache()(fetch)``.

    The options are the fields of [`CacheOptions`][wumbo.decorators.cache.CacheOptions] (``cache_of(cached).options``):

    * ``maxsize``: entries kept at most (least recently used dropped first); None: unbounded.
    * ``ttl``: seconds an entry stays valid, measured with ``clock`` (``time.monotonic``).
    * ``key``: computes the key from the input (default: the input itself, which must then be
      hashable; an unhashable input is a Failure whose ``TypeError`` says so).
    * ``cache_failures``: also store failures (a raised exception is raised again on a hit).

    Each decorated stage gets its own store, reachable with [`cache_of`][wumbo.decorators.cache.cache_of].

    Examples:
        >>> import itertools
        >>> now = itertools.count()
        >>> lengths = cache(ttl=2, clock=lambda: next(now), key=str.lower)(len)
        >>> lengths("Ab"), lengths("aB"), cache_of(lengths).stats().hits
        (<Success: 2>, <Success: 2>, 1)
        >>> print(cache()(len)([1, 2]).failure())
        stage 'cache(len)' (1 of 1) raised TypeError: cache key must be hashable: got list [1, 2]; pass key=... to cache() to derive a hashable key from the input; input: [1, 2]
    """
    options = CacheOptions(
        maxsize=maxsize, ttl=ttl, key=key, cache_failures=cache_failures, clock=clock
    )

    def build(stage: Callable[[Any], Any]) -> Inner:
        inner = as_template(stage)
        kind = AsyncCachedStage if inner.is_async else CachedStage
        store = kind(inner, options)
        return decorated(f"cache({inner.__name__})", stage, inner, store)

    return as_factory(build)


def cache_of(cached: Template[Any, Any, Any]) -> CachedStage:
    """The [`CachedStage`][wumbo.decorators.cache.CachedStage] of a Template made by [`cache`][wumbo.decorators.cache.cache], for stats and clearing.

    Examples:
        >>> doubled = cache()(lambda n: n * 2)
        >>> cache_of(doubled).stats().misses
        0
        >>> cache_of(doubled | abs)
        Traceback (most recent call last):
        ...
        TypeError: cache_of() expects the Template returned by cache(...)(stage), got <Template cache(<lambda>) | abs>
    """
    stages: tuple[Stage, ...] = getattr(cached, "stages", ())
    if len(stages) == 1 and isinstance(stages[0].fn, CachedStage):
        return stages[0].fn
    raise TypeError(
        f"cache_of() expects the Template returned by cache(...)(stage), got {cached!r}"
    )
