"""Runtime speed and memory: ``map``/``amap`` against hand-written pools, serial code and itself.

Every figure is a ratio of two measurements taken in the same run (best of the samples, the
candidates timed round-robin so machine noise hits them alike; the amap group, one thread
running one event loop, is timed in process CPU time, which other programs on a loaded machine
do not inflate):

* ``amap`` of an async stage (it awaits one checkpoint) over 10,000 items, concurrency 100, in
  order and as completed, streamed (``async for``) and awaited (``await pipeline.amap(...)``,
  the list of Results), against the anchor: a bare anyio pool of 100 worker tasks that calls
  the stage itself (no wumbo at all) and collects the values into a list. That is what a user
  writes instead of ``amap``, and the target is stated against it. For scale, also a
  hand-written pool of 100 workers that sends every ``pipeline.acall`` Result through an anyio
  memory object stream to an ``async for`` consumer (what ``amap`` provides: one Result per
  item, delivered to the caller), the stream floor (the cheapest stream of Results we could
  write by hand: the bare pool's workers append ``Success(value)`` to a list that an async
  generator hands over a batch per wake, with no order, bound or early close), and one task
  per item under a ``CapacityLimiter``. The anchor collects a list, as the awaited ``amap``
  does: that form's target is stated against the anchor. Streaming hands each Result over as
  it is ready, which no stream does for free: the streamed form's target is stated against
  the stream floor;
* thread ``map`` of a CPU-light sync stage against ``ThreadPoolExecutor.map``, both with 8
  threads and the pool created inside the timed run;
* process ``map`` of a CPU-bound stage (2 workers) against a serial loop, over enough items
  (about 2-3 s serial) that the pool's start-up (forkserver, imports, unpickling the pipeline
  once per worker; included in the figure) is amortised as it is in real use;
* process ``map`` of a cheap stage (about 30 us per item), as a user writes it (default
  concurrency, pool start-up included), against the inline loop ``[pipeline(n) for n in
  items]``: what chunks buy when items are far cheaper than sending one to a process;
* peak traced memory (``tracemalloc``) of ``amap`` over 1,000,000 items against 10,000 items;
* ``concurrency="auto"`` against every fixed setting on a simulated I/O-bound server that
  serves ``CAPACITY`` requests at a time and slows down when more queue up. Each fixed setting
  runs ``FIXED_ITEMS`` items (its rate is flat from the start); ``"auto"`` runs ``AUTO_ITEMS``
  items, slow start and probing included, long enough for the controller to converge (about
  4 s), and is compared with the best fixed rate.
"""

from __future__ import annotations

import math
import os
import time
import tracemalloc
from collections.abc import AsyncGenerator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import anyio
import anyio.abc
import anyio.lowlevel
from returns.primitives.container import BaseContainer
from returns.result import Success

import wumbo.runtime  # noqa: F401  (installs the runner behind map/amap)
from benchmarks._timing import Settings, Target, print_targets
from wumbo import template

DESCRIPTION = "map/amap vs hand-written anyio pool, ThreadPoolExecutor.map, serial; memory; auto"

ITEMS = 10_000
WORKERS = 100
THREADS = 8
CPU_ITEMS = 200
CPU_LOOPS = 300_000
CHEAP_ITEMS = 20_000
CHEAP_LOOPS = 300
CAPACITY = 16
LATENCY_S = 0.004
PENALTY = 0.05
FIXED = (4, 8, 16, 32, 64, 128)
FIXED_ITEMS = 3_000
AUTO_ITEMS = 12_000

# How the fastest hand-written code builds a Success (returns' slot, no Python __init__): the
# stream floor's, not wumbo's (which does the same, see wumbo.core._returns_internals).
_new_success: Callable[[type], Any] = object.__new__
_set_inner: Callable[[object, object], None] = BaseContainer.__dict__["_inner_value"].__set__


async def tick(n: int) -> int:
    """The async stage: one checkpoint (a network call that answers at once)."""
    await anyio.lowlevel.checkpoint()
    return n + 1


def light(n: int) -> int:
    """The CPU-light sync stage."""
    return n * 2 + 1


def heavy(n: int) -> int:
    """The CPU-bound stage: a fixed amount of pure-Python arithmetic."""
    total = n
    for i in range(CPU_LOOPS):
        total = (total + i * i) % 1_000_003
    return total


def cheap(n: int) -> int:
    """The cheap sync stage: about 30 us of pure-Python arithmetic."""
    total = n
    for i in range(CHEAP_LOOPS):
        total = (total + i * i) % 1_000_003
    return total


def _best(samples: dict[str, list[float]], key: str) -> float:
    return min(samples[key])


def _round_robin(
    candidates: dict[str, Callable[[], object]],
    rounds: int,
    budget_s: float,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, list[float]]:
    """Time each candidate once per round, rotating the start; at least two rounds.

    ``clock`` is wall-clock time unless the candidates run in this thread only (an event loop),
    where the process's CPU time leaves out the time other programs on the machine take.
    """
    samples: dict[str, list[float]] = {key: [] for key in candidates}
    keys = list(candidates)
    started = time.perf_counter()
    for round_ in range(rounds):
        if round_ >= 2 and time.perf_counter() - started > budget_s:
            break
        for step in range(len(keys)):
            key = keys[(round_ + step) % len(keys)]
            begin = clock()
            candidates[key]()
            samples[key].append(clock() - begin)
    return samples


# -- amap against a hand-written pool --------------------------------------------------------


def amap_candidates(items: int) -> dict[str, Callable[[], object]]:
    """The amap group: hand-written pool first."""
    pipeline = template(tick)
    expected = items * (items + 1) // 2

    async def bare_pool() -> int:
        source = iter(range(items))
        values: list[int] = []

        async def worker() -> None:
            for item in source:
                values.append(await tick(item))

        async with anyio.create_task_group() as group:
            for _ in range(WORKERS):
                group.start_soon(worker)
        return sum(values)

    async def streaming_pool() -> int:
        source = iter(range(items))
        total = 0
        send, receive = anyio.create_memory_object_stream[Any](WORKERS)

        async def worker(results: anyio.abc.ObjectSendStream[Any]) -> None:
            async with results:
                for item in source:
                    await results.send(await pipeline.acall(item))

        async with anyio.create_task_group() as group:
            async with send:
                for _ in range(WORKERS):
                    group.start_soon(worker, send.clone())
            async with receive:
                async for result in receive:
                    total += result.unwrap()
        return total

    async def stream_floor() -> int:
        """The cheapest stream of Results we could write by hand: the bare pool's workers
        append ``Success(value)`` (built as amap builds it: ``object.__new__`` and returns'
        slot, no Python ``__init__``) to a list, and an async generator hands them to an
        ``async for`` a batch per wake, in the order they finished: no read-ahead bound, no
        input order, no early close, no progress, no stage failures."""
        source = iter(range(items))
        finished: list[Success[int]] = []
        waiting: list[anyio.Event] = []
        workers = WORKERS

        async def worker() -> None:
            nonlocal workers
            for item in source:
                result = _new_success(Success)
                _set_inner(result, await tick(item))
                finished.append(result)
                if waiting:
                    waiting.pop().set()
            workers -= 1
            if waiting:
                waiting.pop().set()

        async def results() -> AsyncGenerator[Success[int], None]:
            async with anyio.create_task_group() as group:
                for _ in range(WORKERS):
                    group.start_soon(worker)
                while finished or workers:
                    if finished:
                        batch = finished[:]
                        finished.clear()
                        for result in batch:
                            yield result
                        continue
                    waiting.append(anyio.Event())
                    await waiting[-1].wait()

        return sum([result.unwrap() async for result in results()])

    async def task_per_item() -> int:
        limiter = anyio.CapacityLimiter(WORKERS)
        total = 0

        async def one(item: int) -> None:
            nonlocal total
            async with limiter:
                value = (await pipeline.acall(item)).unwrap()
            total += value

        async with anyio.create_task_group() as group:
            for item in range(items):
                group.start_soon(one, item)
        return total

    def wumbo_amap(ordered: bool) -> Callable[[], Any]:
        async def run() -> int:
            results = pipeline.amap(range(items), concurrency=WORKERS, ordered=ordered)
            return sum([result.unwrap() async for result in results])

        return run

    def awaited_amap(ordered: bool) -> Callable[[], Any]:
        async def run() -> int:
            results = await pipeline.amap(range(items), concurrency=WORKERS, ordered=ordered)
            return sum([result.unwrap() for result in results])

        return run

    def checked(main: Callable[[], Any]) -> Callable[[], object]:
        def call() -> object:
            value = anyio.run(main)
            assert value == expected, value
            return value

        return call

    return {
        "pool": checked(bare_pool),
        "streaming_pool": checked(streaming_pool),
        "stream_floor": checked(stream_floor),
        "amap_ordered": checked(wumbo_amap(True)),
        "amap_completed": checked(wumbo_amap(False)),
        "awaited_ordered": checked(awaited_amap(True)),
        "awaited_completed": checked(awaited_amap(False)),
        "task_per_item": checked(task_per_item),
    }


# -- thread map, process map -----------------------------------------------------------------


def thread_candidates(items: int) -> dict[str, Callable[[], object]]:
    """``ThreadPoolExecutor.map`` first, then wumbo's thread map."""
    pipeline = template(light)
    expected = sum(light(n) for n in range(items))

    def executor_map() -> None:
        with ThreadPoolExecutor(THREADS) as pool:
            total = sum(result.unwrap() for result in pool.map(pipeline, range(items)))
        assert total == expected

    def wumbo_map() -> None:
        results = pipeline.map(range(items), concurrency=THREADS, executor="threads")
        assert sum(result.unwrap() for result in results) == expected

    return {"executor_map": executor_map, "wumbo_threads": wumbo_map}


def process_candidates(items: int) -> dict[str, Callable[[], object]]:
    """A serial loop first, then wumbo's process map as a user writes it: the default
    concurrency (8 items in flight) on an owned pool of one process per core (2 here), so each
    worker has the next item waiting when it finishes one."""
    pipeline = template(heavy)
    expected = [heavy(n) for n in range(items)]

    def serial() -> None:
        assert [pipeline(n).unwrap() for n in range(items)] == expected

    def processes() -> None:
        results = pipeline.map(range(items), executor="processes")
        assert [result.unwrap() for result in results] == expected

    return {"serial": serial, "processes": processes}


def cheap_process_candidates(items: int) -> dict[str, Callable[[], object]]:
    """The inline loop first, then wumbo's process map of the cheap stage (chunks)."""
    pipeline = template(cheap)
    expected = [cheap(n) for n in range(items)]

    def inline() -> None:
        assert [pipeline(n).unwrap() for n in range(items)] == expected

    def processes() -> None:
        results = pipeline.map(range(items), executor="processes")
        assert [result.unwrap() for result in results] == expected

    return {"inline": inline, "processes": processes}


# -- memory ----------------------------------------------------------------------------------


def peak_memory(items: int) -> int:
    """Peak traced bytes while ``amap`` streams ``items`` items of the async stage."""
    pipeline = template(tick)

    async def main() -> int:
        count = 0
        async for _ in pipeline.amap(iter(range(items)), concurrency=WORKERS):
            count += 1
        return count

    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        assert anyio.run(main) == items
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- adaptive concurrency --------------------------------------------------------------------


class SimulatedServer:
    """Serves ``CAPACITY`` requests at once in ``LATENCY_S`` each; queued requests slow it.

    Every request waiting for a slot adds ``PENALTY`` to the service time (contention), so
    throughput peaks at ``CAPACITY`` in flight and falls beyond it.
    """

    def __init__(self) -> None:
        self.slots = anyio.Semaphore(CAPACITY)
        self.waiting = 0

    async def request(self, n: int) -> int:
        self.waiting += 1
        async with self.slots:
            self.waiting -= 1
            await anyio.sleep(LATENCY_S * (1 + PENALTY * self.waiting))
        return n


def throughput(concurrency: int | Literal["auto"], items: int) -> float:
    """Items per second of ``amap`` over the simulated server."""

    async def main() -> float:
        server = SimulatedServer()
        pipeline = template(server.request)
        begin = time.perf_counter()
        count = 0
        async for _ in pipeline.amap(range(items), concurrency=concurrency):
            count += 1
        return count / (time.perf_counter() - begin)

    result: float = anyio.run(main)
    return result


# -- the report ------------------------------------------------------------------------------


def _line(label: str, value: float, unit: str) -> str:
    return f"  {label:<52}{value:>12.4f} {unit}"


def run(settings: Settings) -> dict[str, Any]:
    """Measure every group, print the report and the targets, return the data."""
    quick = settings.quick
    rounds = 2 if quick else max(3, min(settings.repeats, 7))
    budget = settings.budget_s / 5
    items = 1_000 if quick else ITEMS
    print(f"runtime: {DESCRIPTION}")
    print(f"  {os.cpu_count()} CPUs; best of up to {rounds} rounds per candidate, round-robin")

    amap = _round_robin(amap_candidates(items), rounds, budget, time.process_time)
    threads = _round_robin(thread_candidates(items), rounds, budget)
    processes = _round_robin(process_candidates(4 if quick else CPU_ITEMS), 2, budget)
    cheap_items = 500 if quick else CHEAP_ITEMS
    cheap_processes = _round_robin(cheap_process_candidates(cheap_items), rounds, budget)
    small, large = (1_000, 100_000) if quick else (10_000, 1_000_000)
    memory_small, memory_large = peak_memory(small), peak_memory(large)
    fixed_items, auto_items = (300, 600) if quick else (FIXED_ITEMS, AUTO_ITEMS)
    fixed = {n: throughput(n, fixed_items) for n in FIXED}
    auto = max(throughput("auto", auto_items) for _ in range(1 if quick else 2))
    best_n = max(fixed, key=fixed.__getitem__)

    figures = {
        "amap_ordered_vs_pool": _best(amap, "pool") / _best(amap, "amap_ordered"),
        "amap_completed_vs_pool": _best(amap, "pool") / _best(amap, "amap_completed"),
        "amap_ordered_vs_streaming_pool": _best(amap, "streaming_pool")
        / _best(amap, "amap_ordered"),
        "amap_completed_vs_streaming_pool": _best(amap, "streaming_pool")
        / _best(amap, "amap_completed"),
        "stream_floor_vs_pool": _best(amap, "pool") / _best(amap, "stream_floor"),
        "amap_ordered_vs_stream_floor": _best(amap, "stream_floor") / _best(amap, "amap_ordered"),
        "amap_completed_vs_stream_floor": _best(amap, "stream_floor")
        / _best(amap, "amap_completed"),
        "awaited_ordered_vs_pool": _best(amap, "pool") / _best(amap, "awaited_ordered"),
        "awaited_completed_vs_pool": _best(amap, "pool") / _best(amap, "awaited_completed"),
        "task_per_item_vs_pool": _best(amap, "pool") / _best(amap, "task_per_item"),
        "threads_vs_executor_map": _best(threads, "executor_map") / _best(threads, "wumbo_threads"),
        "processes_speedup": _best(processes, "serial") / _best(processes, "processes"),
        "cheap_processes_vs_inline": _best(cheap_processes, "inline")
        / _best(cheap_processes, "processes"),
        "memory_ratio": memory_large / memory_small,
        "auto_vs_best_fixed": auto / fixed[best_n],
    }
    print()
    print(f"amap, {items:,} items, async stage, concurrency {WORKERS} (seconds per run)")
    for key, label in (
        ("pool", f"bare anyio pool of {WORKERS} workers calling the stage (anchor)"),
        ("streaming_pool", f"hand-written pool of {WORKERS}, streaming to async for"),
        ("stream_floor", "stream floor: the cheapest hand-written stream"),
        ("amap_ordered", "wumbo amap, ordered, async for"),
        ("amap_completed", "wumbo amap, as completed, async for"),
        ("awaited_ordered", "wumbo amap, ordered, awaited (the list)"),
        ("awaited_completed", "wumbo amap, as completed, awaited (the list)"),
        ("task_per_item", "task per item under a CapacityLimiter"),
    ):
        print(_line(label, _best(amap, key), "s"))
    print()
    print(f"thread map, {items:,} items, CPU-light stage, {THREADS} threads (seconds per run)")
    print(_line("ThreadPoolExecutor.map", _best(threads, "executor_map"), "s"))
    print(_line('wumbo map(executor="threads")', _best(threads, "wumbo_threads"), "s"))
    print()
    print(
        f"process map, CPU-bound stage, {4 if quick else CPU_ITEMS} items, 2 workers, "
        f"pool start-up included (seconds per run)"
    )
    print(_line("serial loop", _best(processes, "serial"), "s"))
    print(_line('wumbo map(executor="processes")', _best(processes, "processes"), "s"))
    print()
    print(
        f"process map, cheap stage (~30 us), {cheap_items:,} items, default concurrency, pool "
        f"start-up included (seconds per run)"
    )
    print(_line("inline loop (anchor)", _best(cheap_processes, "inline"), "s"))
    print(_line('wumbo map(executor="processes")', _best(cheap_processes, "processes"), "s"))
    print()
    print("peak traced memory of amap (tracemalloc)")
    print(_line(f"{small:,} items", memory_small / 1024, "KiB"))
    print(_line(f"{large:,} items", memory_large / 1024, "KiB"))
    print()
    print(
        f"simulated server: {CAPACITY} slots, {LATENCY_S * 1000:g} ms, +{PENALTY:.0%} per queued "
        f"request; fixed: {fixed_items:,} items, auto: {auto_items:,} items (items per second)"
    )
    for n, rate in fixed.items():
        print(_line(f"concurrency={n}" + (" (best fixed)" if n == best_n else ""), rate, "/s"))
    print(_line('concurrency="auto"', auto, "/s"))

    targets = [
        Target(
            "amap ordered, async for: stream floor time / amap time >= 0.9",
            0.9 / figures["amap_ordered_vs_stream_floor"],
            1.0,
        ),
        Target(
            "amap as completed, async for: stream floor time / amap time >= 0.9",
            0.9 / figures["amap_completed_vs_stream_floor"],
            1.0,
        ),
        Target(
            "amap ordered, awaited: bare pool time / amap time >= 0.85",
            0.85 / figures["awaited_ordered_vs_pool"],
            1.0,
        ),
        Target(
            "amap as completed, awaited: bare pool time / amap time >= 0.85",
            0.85 / figures["awaited_completed_vs_pool"],
            1.0,
        ),
        Target(
            "amap ordered: streaming pool time / amap time >= 0.9",
            0.9 / figures["amap_ordered_vs_streaming_pool"],
            1.0,
        ),
        Target(
            "thread map: executor map time / wumbo time >= 0.9",
            0.9 / figures["threads_vs_executor_map"],
            1.0,
        ),
        Target(
            "process map on 2 cores: serial time / wumbo time >= 1.7",
            1.7 / figures["processes_speedup"],
            1.0,
        ),
        Target(
            "process map of a cheap stage: inline time / wumbo time >= 0.5",
            0.5 / figures["cheap_processes_vs_inline"],
            1.0,
        ),
        Target(
            f"peak memory {large:,} items / {small:,} items <= 1.2",
            figures["memory_ratio"],
            1.2,
        ),
        Target(
            "auto throughput / best fixed throughput >= 0.9",
            0.9 / figures["auto_vs_best_fixed"],
            1.0,
        ),
    ]
    print()
    print("ratios (same run)")
    for key, value in figures.items():
        print(f"  {key:<52}{value:>8.3f}x")
    print_targets(targets, "each line shows required / measured, <= 1 is MET")
    return {
        "description": DESCRIPTION,
        "seconds": {
            "amap": amap,
            "threads": threads,
            "processes": processes,
            "cheap_processes": cheap_processes,
        },
        "memory_bytes": {str(small): memory_small, str(large): memory_large},
        "throughput": {**{str(n): rate for n, rate in fixed.items()}, "auto": auto},
        "ratios": figures,
        "targets": [target.as_dict() for target in targets],
        "finite": all(math.isfinite(value) for value in figures.values()),
    }
