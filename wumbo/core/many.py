"""The seam between a Template and the runtime that runs it over many items.

``pipeline.map(items, ...)`` and ``pipeline.amap(items, ...)`` are methods of the core
:class:`~wumbo.Template`, but streaming, concurrency and executors live in the runtime layer
(``wumbo.runtime``), above the core. The core therefore only defines what a run over many items
is asked to do (:class:`MapOptions`), what it reports (:class:`Progress`), and a slot the runtime
fills when it is imported (:func:`install_runner`); it imports nothing from above.

Examples:
    >>> from wumbo import template
    >>> [r.unwrap() for r in template(int).map(["1", "2"])]
    [1, 2]
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, Callable, Generator, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

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
    """What ``map``/``amap`` were asked for.

    Examples:
        >>> MapOptions().concurrency
        8
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


_installed: list[ManyItemsRunner] = []


def install_runner(new_runner: ManyItemsRunner) -> None:
    """Fill the slot (the runtime layer does this when ``wumbo`` is imported).

    Examples:
        >>> install_runner(runner())  # reinstalling the current runner changes nothing
    """
    _installed[:] = [new_runner]


def runner() -> ManyItemsRunner:
    """The installed runner; a clear error if the runtime layer was never imported.

    Examples:
        >>> type(runner()).__name__
        'Runtime'
    """
    if not _installed:
        raise RuntimeError(
            "no runtime installed for map/amap: import wumbo (not only wumbo.core) first"
        )
    return _installed[0]
