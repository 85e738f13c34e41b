"""The seam between a Template and the runtime that runs it over many items.

``pipeline.map(items, ...)`` and ``pipeline.amap(items, ...)`` are methods of the core
[`Template`][wumbo.core.template.Template], but streaming, concurrency and executors live in the runtime layer
(``wumbo.runtime``), above the core. The core therefore only defines what a run over many items
is asked to do ([`MapOptions`][wumbo.core.many.MapOptions]), what it reports ([`Progress`][wumbo.core.many.Progress]), what ``amap`` hands back
([`ResultStream`][wumbo.core.many.ResultStream]), and a slot the runtime fills ([`install_runner`][wumbo.core.many.install_runner], done by the
root package); it imports nothing from above.

Examples:
    >>> from wumbo import template
    >>> [r.unwrap() for r in template(int).map(["1", "2"])]
    [1, 2]
"""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    Callable,
    Coroutine,
    Generator,
    Iterable,
)
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar, overload

from wumbo.core.stage import describe
from wumbo.core.validate import positive_int, positive_number

if TYPE_CHECKING:
    from returns.result import Result

    from wumbo.core.template import Template

__all__ = ["ManyItemsRunner", "MapOptions", "Progress", "ResultStream", "install_runner", "runner"]

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a run over many items has come; handed to the ``progress`` callback.

    Examples:
        >>> Progress(done=3, failed=1, total=10)
        Progress(done=3, failed=1, total=10)
    """

    done: int
    """Items finished so far, successes and failures."""
    failed: int
    """Of those, how many ended as a Failure."""
    total: int | None
    """The number of items when the source has a ``len``, else ``None``."""


@dataclass(frozen=True, slots=True)
class MapOptions:
    """What ``map``/``amap`` were asked for: the one declaration of these options.

    Built, it is valid: a bad value raises here, naming the option, what it expected and
    what came, wherever the options come from (``map``/``amap``, the framework, the command
    line).

    Examples:
        >>> MapOptions().concurrency
        8
        >>> MapOptions(concurrency=0)
        Traceback (most recent call last):
        ...
        ValueError: concurrency must be a positive int, got int 0 (or "auto")
        >>> MapOptions(timeout=-1)
        Traceback (most recent call last):
        ...
        ValueError: timeout must be a positive number of seconds, got int -1
    """

    concurrency: int | Literal["auto"] = 8
    """Items in flight at once, or ``"auto"`` to tune it from measured throughput."""
    ordered: bool = True
    """Yield results in input order (``True``) or as they complete (``False``)."""
    timeout: float | None = None
    """Seconds one item may take; past that it becomes a Failure."""
    progress: Callable[[Progress], object] | None = None
    """Called after every finished item."""
    executor: object = None
    """Where sync work runs: ``None`` (inline/event loop), ``"threads"``, ``"processes"``, a
    ``concurrent.futures.Executor``, or a Dask ``distributed.Client``."""

    def __post_init__(self) -> None:
        concurrency: object = self.concurrency
        if concurrency != "auto":
            try:
                positive_int("concurrency", concurrency)
            except ValueError as error:
                raise ValueError(f'{error} (or "auto")') from None
        if self.timeout is not None:
            positive_number("timeout", self.timeout, unit="seconds")
        if self.progress is not None and not callable(self.progress):
            raise TypeError(f"progress must be a callable or None, got {describe(self.progress)}")


class ResultStream(AsyncGenerator[R, None], Generic[R]):
    """What ``amap`` returns: ``async for`` streams the Results, ``await`` gives them as a list.

    Iterate it to handle each Result as soon as it is ready, with the source pulled only as
    fast as you consume (an async generator: ``aclose()`` and ``contextlib.aclosing`` work as
    for any). Await it when you want them all: ``await pipeline.amap(items)`` is the list of
    Results, in input order (as completed with ``ordered=False``), collected by the workers
    without a hand-off per item, so it is the faster way to the whole list. Nothing runs until
    it is iterated or awaited, and it runs once: iterating and awaiting the same stream, or
    awaiting it twice, raises ``RuntimeError``.

    Examples:
        >>> import anyio
        >>> from wumbo import template
        >>> async def double(n: int) -> int:
        ...     await anyio.sleep(0)
        ...     return n * 2
        >>> async def main() -> tuple[list[int], list[int]]:
        ...     streamed = [r.unwrap() async for r in template(double).amap(range(3))]
        ...     collected = await template(double).amap(range(3))
        ...     return streamed, [r.unwrap() for r in collected]
        >>> anyio.run(main)
        ([0, 2, 4], [0, 2, 4])
    """

    __slots__ = ("_awaited", "_collect", "_generator", "_stream")

    def __init__(
        self,
        stream: Callable[[], AsyncGenerator[R, None]],
        collect: Callable[[], Coroutine[Any, Any, list[R]]],
    ) -> None:
        self._stream = stream
        self._collect = collect
        self._generator: AsyncGenerator[R, None] | None = None  # made when first iterated
        self._awaited = False

    def _iterating(self) -> AsyncGenerator[R, None]:
        generator = self._generator
        if generator is None:
            if self._awaited:
                raise RuntimeError("this amap() was awaited: it cannot be iterated too")
            generator = self._generator = self._stream()
        return generator

    def __aiter__(self) -> AsyncGenerator[R, None]:
        return self._iterating()

    def __anext__(self) -> Coroutine[Any, Any, R]:
        return self._iterating().__anext__()

    def asend(self, value: None, /) -> Coroutine[Any, Any, R]:
        """Send ``None`` in and get the next Result (the async generator protocol)."""
        return self._iterating().asend(value)

    @overload
    def athrow(
        self,
        kind: type[BaseException],
        value: object = None,
        traceback: TracebackType | None = None,
        /,
    ) -> Coroutine[Any, Any, R]: ...
    @overload
    def athrow(
        self, error: BaseException, value: None = None, traceback: TracebackType | None = None, /
    ) -> Coroutine[Any, Any, R]: ...
    def athrow(
        self,
        error: Any,
        value: Any = None,
        traceback: TracebackType | None = None,
        /,
    ) -> Coroutine[Any, Any, R]:
        """Raise ``error`` where the stream waits (the async generator protocol)."""
        if value is None and traceback is None:  # the one-argument form newer Pythons keep
            return self._iterating().athrow(error)
        return self._iterating().athrow(error, value, traceback)

    async def aclose(self) -> None:
        """Stop the run: cancel its workers and release what it holds (nothing if unstarted)."""
        if not self._awaited:  # closed before it started, its generator closes unstarted
            await self._iterating().aclose()

    def __await__(self) -> Generator[Any, None, list[R]]:
        if self._generator is not None or self._awaited:
            raise RuntimeError(
                "this amap() was already iterated or awaited: call amap() again for a new run"
            )
        self._awaited = True
        return self._collect().__await__()


class ManyItemsRunner(Protocol):
    """What the runtime layer provides to run a Template over many items."""

    def map(
        self, pipeline: Template[Any, Any, Any], items: Iterable[Any], options: MapOptions
    ) -> Generator[Result[Any, Any], None, None]:
        """Yield one Result per item, synchronously."""
        ...

    def amap(
        self,
        pipeline: Template[Any, Any, Any],
        items: Iterable[Any] | AsyncIterable[Any],
        options: MapOptions,
    ) -> ResultStream[Result[Any, Any]]:
        """One Result per item, asynchronously: streamed, or collected when awaited."""
        ...


_loader: list[Callable[[], ManyItemsRunner]] = []
_loaded: list[ManyItemsRunner] = []


def install_runner(load: Callable[[], ManyItemsRunner]) -> None:
    """Fill the slot with a function that makes the runner (called on first use, once).

    The root package installs the runtime layer's loader, so ``import wumbo`` does not import
    the runtime until a pipeline first runs over many items.

    Examples:
        >>> current = runner()
        >>> install_runner(lambda: current)  # reinstalling the current runner changes nothing
        >>> runner() is current
        True
    """
    _loader[:] = [load]
    _loaded.clear()


def runner() -> ManyItemsRunner:
    """The installed runner, made on first use; a clear error if no runtime was installed.

    Examples:
        >>> type(runner()).__name__
        'Runtime'
    """
    if not _loaded:
        if not _loader:
            raise RuntimeError("no runtime installed for map/amap: import wumbo first")
        _loaded[:] = [_loader[0]()]
    return _loaded[0]
