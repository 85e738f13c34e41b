"""The seam between a Template and the runtime that runs it over many items.

``pipeline.map(items, ...)`` and ``pipeline.amap(items, ...)`` are methods of the core
[`Template`][wumbo.core.template.Template], but streaming, concurrency and executors live in the runtime layer
(``wumbo.runtime``), above the core. The core therefore only defines what a run over many items
is asked to do ([`MapOptions`][wumbo.core.many.MapOptions]), what it reports ([`Progress`][wumbo.core.many.Progress]), and a slot the runtime
fills ([`install_runner`][wumbo.core.many.install_runner], done by the root package); it imports nothing from above.

Examples:
    >>> from wumbo import template
    >>> [r.unwrap() for r in template(int).map(["1", "2"])]
    [1, 2]
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, Callable, Generator, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from wumbo.core.stage import describe
from wumbo.core.validate import positive_int, positive_number

if TYPE_CHECKING:
    from returns.result import Result

    from wumbo.core.template import Template

__all__ = ["ManyItemsRunner", "MapOptions", "Progress", "install_runner", "runner"]


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
    ) -> AsyncGenerator[Result[Any, Any], None]:
        """Yield one Result per item, asynchronously."""
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
