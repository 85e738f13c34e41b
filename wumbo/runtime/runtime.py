"""``Runtime``: how ``pipeline.map`` and ``pipeline.amap`` run, chosen from the options.

======================  ==========================  ===========================================
call                    ``executor=``               runs on
======================  ==========================  ===========================================
``amap``                ``None``                    the async engine: worker tasks awaiting
                                                    ``pipeline.acall``, or the stage itself
                                                    for one ``async def`` stage (blocking
                                                    stages in worker threads)
``amap``                an executor                 the async engine: worker tasks awaiting
                                                    the executor's futures
``map``                 ``None``, sync pipeline     the caller's thread, item after item
``map``                 ``None``, async pipeline    the async engine, on an event loop in a
                                                    background thread
``map``                 an executor                 the blocking driver over the executor's
                                                    futures, in the caller's thread
======================  ==========================  ===========================================

Every path yields exactly one Result per item, keeps at most ``concurrency`` items pulled and
not yet consumed, reports progress after each item, and cleans up (tasks, threads, owned
pools) when the consumer stops early. ``amap`` returns a
[`ResultStream`][wumbo.core.many.ResultStream]: iterated, the async engine streams; awaited, it
collects every Result into one list (`Run.collect`).

Examples:
    >>> import anyio
    >>> from wumbo import template
    >>> async def shout(text: str) -> str:
    ...     await anyio.sleep(0)
    ...     return text.upper()
    >>> [r.unwrap() for r in template(shout).map(["a", "b"], concurrency=2)]
    ['A', 'B']
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Generator, Iterable
from typing import Any, Final

from returns.result import Result

from wumbo.core._returns_internals import FAST
from wumbo.core.bridge import in_event_loop
from wumbo.core.many import MapOptions, ResultStream
from wumbo.core.stage import Stage
from wumbo.core.template import Template
from wumbo.runtime.adaptive import AdaptiveLimit
from wumbo.runtime.background import iterate_in_background
from wumbo.runtime.blocking import drive
from wumbo.runtime.engine import Run, Work
from wumbo.runtime.executors import Dispatcher
from wumbo.runtime.futures import FutureWaiter
from wumbo.runtime.progress import Tally, known_total
from wumbo.runtime.window import Window

__all__ = ["AUTO_MAXIMUM", "Runtime"]

AUTO_MAXIMUM: Final = 256
"""The most items ``concurrency="auto"`` keeps in flight (fewer for an owned process pool)."""

_Pipeline = Template[Any, Any, Any]


def _check(pipeline: _Pipeline, options: MapOptions) -> None:
    """Raise a clear error when the options cannot work for this pipeline.

    The options check their own values when they are built (`MapOptions`); what is left
    depends on the pipeline.
    """
    if options.timeout is not None and options.executor is None and not pipeline.is_async:
        raise ValueError(
            f"timeout={options.timeout!r} cannot interrupt {pipeline!r}: its stages are all "
            f"synchronous and executor=None runs them inline, where nothing can stop them; "
            f'pass executor="threads" (the item fails at the deadline, its thread runs on) or '
            f'executor="processes" (the stuck process is killed)'
        )


def _size(options: MapOptions) -> int:
    """How many workers an owned pool gets."""
    return AUTO_MAXIMUM if options.concurrency == "auto" else int(options.concurrency)


def _limits(options: MapOptions, dispatcher: Dispatcher | None) -> tuple[int, AdaptiveLimit | None]:
    """The starting limit and, for ``"auto"``, its controller."""
    if options.concurrency != "auto":
        return int(options.concurrency), None
    maximum = AUTO_MAXIMUM if dispatcher is None or dispatcher.size is None else dispatcher.size
    adaptive = AdaptiveLimit(maximum=maximum)
    return adaptive.limit, adaptive


class Runtime:
    """The runner wumbo installs for ``Template.map`` and ``Template.amap``.

    Examples:
        >>> from wumbo import template
        >>> from wumbo.core.many import runner
        >>> isinstance(runner(), Runtime)
        True
        >>> [r.unwrap() for r in template(abs).map([-1, -2], executor="threads")]
        [1, 2]
    """

    def map(
        self, pipeline: _Pipeline, items: Iterable[Any], options: MapOptions
    ) -> Generator[Result[Any, Any], None, None]:
        """Yield one Result per item, synchronously; see the module docstring for the paths.

        Examples:
            >>> from wumbo import template
            >>> [r.unwrap() for r in Runtime().map(template(abs), [-3], MapOptions())]
            [3]
        """
        _check(pipeline, options)
        tally = Tally(options.progress, known_total(items))
        if options.executor is not None:
            dispatcher = Dispatcher.of(pipeline, options.executor, size=_size(options))
            limit, adaptive = _limits(options, dispatcher)
            window = Window(limit, options.ordered)
            return drive(dispatcher, items, window, tally, options.timeout, adaptive)
        if not pipeline.is_async:
            return _inline(pipeline, items, tally)
        if in_event_loop():
            raise RuntimeError(
                f"pipeline {pipeline.__name__!r} has async stages and map() was called inside a "
                f"running event loop, which it would block; use "
                f"`async for result in pipeline.amap(items)` instead"
            )
        return iterate_in_background(lambda: _run(pipeline, options, None).results(items, tally))

    def amap(
        self,
        pipeline: _Pipeline,
        items: Iterable[Any] | AsyncIterable[Any],
        options: MapOptions,
    ) -> ResultStream[Result[Any, Any]]:
        """One Result per item, asynchronously; sync or async iterables are accepted.

        Iterated, the Results stream; awaited, they come as one list.

        Examples:
            >>> import anyio
            >>> from wumbo import template
            >>> async def main() -> tuple[list[int], list[int]]:
            ...     results = Runtime().amap(template(abs), [-5], MapOptions())
            ...     collected = await Runtime().amap(template(abs), [-6], MapOptions())
            ...     return [r.unwrap() async for r in results], [r.unwrap() for r in collected]
            >>> anyio.run(main)
            ([5], [6])
        """
        _check(pipeline, options)
        dispatcher = None
        if options.executor is not None:
            dispatcher = Dispatcher.of(pipeline, options.executor, size=_size(options))
        tally = Tally(options.progress, known_total(items))
        run = _run(pipeline, options, dispatcher)
        close = None if dispatcher is None else _closer(dispatcher)
        return ResultStream(
            lambda: run.results(items, tally, close), lambda: run.collect(items, tally, close)
        )


def _run(pipeline: _Pipeline, options: MapOptions, dispatcher: Dispatcher | None) -> Run:
    """The engine's run of ``pipeline`` with these options, on ``dispatcher`` if any."""
    limit, adaptive = _limits(options, dispatcher)
    wraps = None
    if dispatcher is not None:
        work = _on_executor(dispatcher)
    elif options.timeout is None and (stage := _one_async_stage(pipeline)) is not None:
        work, wraps = stage.fn, stage.name
    else:
        work = _acall(pipeline)
    return Run(
        work,
        pipeline.__name__,
        len(pipeline.stages),
        limit=limit,
        ordered=options.ordered,
        timeout=options.timeout,
        adaptive=adaptive,
        wraps=wraps,
    )


def _one_async_stage(pipeline: _Pipeline) -> Stage | None:
    """The stage of a pipeline that is one unchecked ``async def`` stage returning a plain
    value (its annotation says so), which the engine awaits itself: no coroutine of
    ``acall``'s per item. ``None`` for every other pipeline, or when returns' containers
    cannot be built the fast way (see `wumbo.core._returns_internals`)."""
    stages = pipeline.stages
    if len(stages) != 1 or not FAST:
        return None
    stage = stages[0]
    return stage if stage.kind == _PLAIN_ASYNC and not stage.check else None


_PLAIN_ASYNC: Final = (True, True, False)
"""`Stage.kind` of an ``async def`` stage that passes a plain value on (not blocking)."""


def _acall(pipeline: _Pipeline) -> Work:
    """``pipeline.acall`` without its method frame: the compiled coroutine function itself,
    awaited once per item."""
    return pipeline._runner("acall")  # pyright: ignore[reportPrivateUsage]


def _closer(dispatcher: Dispatcher) -> Callable[[bool], None]:
    """Shut ``dispatcher`` down when the run ends; cancel its work unless it completed."""
    return lambda completed: dispatcher.close(cancel=not completed)


def _on_executor(dispatcher: Dispatcher) -> Work:
    """Work that sends each item to ``dispatcher`` and awaits its future."""
    waiters: list[FutureWaiter] = []

    async def work(item: Any) -> Result[Any, Any]:
        if not waiters:  # created on the first item, inside the event loop
            waiters.append(FutureWaiter())
        waiter = waiters[0]
        future = dispatcher.submit(item)
        try:
            await waiter.wait(future)
        except BaseException:
            dispatcher.abandon(future)
            raise
        return dispatcher.outcome(future, item)

    return work


def _inline(
    pipeline: _Pipeline, items: Iterable[Any], tally: Tally
) -> Generator[Result[Any, Any], None, None]:
    """A pipeline of sync stages, run item after item in the caller's thread."""
    count = tally.count if tally.reports else None  # nobody listens: skip counting
    for item in items:
        result = pipeline(item)
        if count is not None:
            count(result)
        yield result
