"""Decorators on the success path: what each one adds to a call, against other libraries.

The stage is ``inc`` (``def inc(x: int) -> int: return x + 1``). Timed, in one session:

* the baseline, the bare call ``inc(x)``, and ``template(inc).run(x)`` for reference;
* wumbo's ``retry``, ``cache`` (a hit), ``CircuitBreaker`` (closed), ``recover``, ``timeout``
  (sync, the default: the call runs in a reusable worker thread, pinned on Linux to the CPU its
  caller runs on, one round trip between two threads per call) and ``timeout(interrupt=True)``
  (the call runs in the caller's thread under one shared watchdog), each called with
  ``.run(x)``;
* the **thread hand-off floor**: one round trip between two threads over two raw locks
  (`LockPingPong`), what any timeout that runs the call in another thread and waits for it
  pays at least. It depends on the machine far more than on Python: a few microseconds when
  the other core is busy, tens on an idle virtual machine whose idle core must be woken;
* the **pinned hand-off floor** (Linux): the same round trip written by hand the fastest
  way known here (`PinnedPingPong`): the partner thread pinned to the caller's CPU, so that
  both hand-offs are context switches on one CPU, and woken through an eventfd with the GIL
  released: a few microseconds however idle the other CPU is. The default ``timeout`` (which
  does the same) is judged against the issue's 10 us and against the lower floor, all
  measured in the same run;
* tenacity ``@retry(stop=stop_after_attempt(3))`` and stamina ``@retry(on=Exception,
  attempts=3)``, each succeeding on the first attempt;
* cachetools ``@cached(LRUCache(128), lock=threading.Lock())`` on a hit.

tenacity, stamina and cachetools are benchmark-only packages, not wumbo dependencies: a
missing one is reported and its candidates skipped.
"""

import importlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks._timing import (
    Candidate,
    Measurement,
    Settings,
    Target,
    measure,
    print_targets,
    table,
)
from wumbo import template
from wumbo.decorators import CircuitBreaker, cache, recover, retry, timeout

DESCRIPTION = (
    "decorators' success path vs the bare call; retry vs tenacity/stamina; cache vs cachetools"
)
START = 1
RETRY_BUDGET_NS = 1000.0
"""The issue's goal: retry's success path costs at most 1 us over the bare call."""
TIMEOUT_BUDGET_NS = 10_000.0
"""The issue's goal: sync timeout's success path costs at most 10 us over the bare call (the
interrupting form meets it; the worker-thread form is reported against it and, since no
hand-off can beat the floor, against the thread hand-off floor + 10 us)."""


def inc(x: int) -> int:
    """The decorated stage."""
    return x + 1


def zero(x: int, error: object) -> int:
    """The recover handler (never called on the success path)."""
    return 0


class LockPingPong:
    """``x + 1`` computed after one round trip to a partner thread over two raw locks.

    The floor of any design that runs a call in another thread and waits for it: the caller
    releases the partner's lock and blocks on its own, the partner wakes, releases the caller's
    lock and blocks again. Nothing else runs.
    """

    def __init__(self) -> None:
        self._go, self._back = threading.Lock(), threading.Lock()
        self._go.acquire()
        self._back.acquire()
        threading.Thread(target=self._partner, name="ping-pong partner", daemon=True).start()

    def _partner(self) -> None:
        go, back = self._go, self._back
        while True:
            go.acquire()
            back.release()

    def __call__(self, x: int) -> int:
        self._go.release()
        self._back.acquire()
        return x + 1


class PinnedPingPong:
    """``x + 1`` after one round trip to a partner thread pinned to the caller's CPU, written
    by hand the fastest way known here (Linux only, `available`).

    Before each round trip the caller reads its CPU (``sched_getcpu``, through ctypes) and,
    when it has changed, pins the partner there (``os.sched_setaffinity``): both hand-offs are
    then context switches on one CPU rather than wake-ups of an idle one. The caller wakes the
    partner through an eventfd (``os.eventfd_write`` releases the GIL, so the woken partner
    runs at once instead of waiting for it) and waits on a raw lock that the partner releases.
    """

    def __init__(self) -> None:
        import ctypes

        self._sched_getcpu = ctypes.CDLL(None).sched_getcpu
        self._cpu = -1
        self._bell = os.eventfd(0, os.EFD_CLOEXEC)
        self._back = threading.Lock()
        self._back.acquire()
        partner = threading.Thread(target=self._partner, name="pinned partner", daemon=True)
        partner.start()
        assert partner.native_id is not None, "threads have native ids where they can be pinned"
        self._partner_id = partner.native_id

    @staticmethod
    def available() -> bool:
        """Whether this system can pin threads and has eventfds (Linux)."""
        if not (hasattr(os, "sched_setaffinity") and hasattr(os, "eventfd")):
            return False
        import ctypes

        return hasattr(ctypes.CDLL(None), "sched_getcpu")

    def _partner(self) -> None:
        bell, back = self._bell, self._back
        while True:
            os.eventfd_read(bell)
            back.release()

    def __call__(self, x: int) -> int:
        cpu = self._sched_getcpu()
        if cpu != self._cpu:
            os.sched_setaffinity(self._partner_id, (cpu,))
            self._cpu = cpu
        os.eventfd_write(self._bell, 1)
        self._back.acquire()
        return x + 1


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        print(f"  ({name} is not installed: its candidates are skipped; pip install {name})")
        return None


def success_candidate(key: str, label: str, call: Callable[[int], Any]) -> Candidate:
    """``call(START)`` timed on the success path (it must give ``START + 1``)."""
    return Candidate("success path", key, label, "f(x)", {"f": call, "x": START}, _is_two)


def candidates() -> list[Candidate]:
    """Every candidate, the bare call first."""
    make = success_candidate
    warm_cache = cache()(inc)
    found = [
        make("bare", "bare call inc(x)", inc),
        make("template", "template(inc).run(x)", template(inc).run),
        make("retry", "wumbo retry(attempts=3)(inc).run(x)", retry(attempts=3)(inc).run),
        make("cache", "wumbo cache()(inc).run(x) [hit]", warm_cache.run),
        make("breaker", "wumbo CircuitBreaker()(inc).run(x)", CircuitBreaker()(inc).run),
        make("recover", "wumbo recover(zero)(inc).run(x)", recover(zero)(inc).run),
        make("floor", "thread hand-off floor (lock ping-pong)", LockPingPong()),
        *(
            [make("pinned", "pinned hand-off floor (same CPU, eventfd)", PinnedPingPong())]
            if PinnedPingPong.available()
            else []
        ),
        make("timeout", "wumbo timeout(5)(inc).run(x) [thread]", timeout(5.0)(inc).run),
        make(
            "interrupt",
            "wumbo timeout(5, interrupt=True)(inc).run(x)",
            timeout(5.0, interrupt=True)(inc).run,
        ),
    ]
    tenacity = _optional("tenacity")
    if tenacity is not None:
        policy = tenacity.retry(stop=tenacity.stop_after_attempt(3))
        found.append(make("tenacity", "tenacity @retry(stop_after_attempt(3))", policy(inc)))
    stamina = _optional("stamina")
    if stamina is not None:
        policy = stamina.retry(on=Exception, attempts=3)
        found.append(make("stamina", "stamina @retry(on=Exception, attempts=3)", policy(inc)))
    cachetools = _optional("cachetools")
    if cachetools is not None:
        cached = cachetools.cached(cachetools.LRUCache(128), lock=threading.Lock())(inc)
        found.append(make("cachetools", "cachetools @cached(LRUCache, lock) [hit]", cached))
    return found


def _is_two(value: object) -> bool:
    return value == START + 1


@dataclass(frozen=True)
class SuccessPath:
    """The success path as measured: each candidate by key, and its overhead over ``bare``."""

    by_key: dict[str, Measurement]
    overheads: dict[str, float]
    rounds: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: samples per candidate, the rows (against the bare call), overheads."""
        bare = self.by_key["bare"]
        return {
            "samples": self.rounds,
            "rows": [row.as_dict(bare) for row in self.by_key.values()],
            "overhead_ns": self.overheads,
        }


def success_path(members: list[Candidate], settings: Settings) -> SuccessPath:
    """Time ``members`` (one keyed ``bare``); print their table and overheads over it."""
    results = measure(members, settings)
    rows = [results[candidate.ident] for candidate in members]
    by_key = {row.candidate.key: row for row in rows}
    bare = by_key["bare"]
    rounds = min(len(row.samples_ns) for row in rows)
    print(f"  {len(rows)} candidates timed round-robin, {rounds} samples each")
    print()
    print(table("success path of inc(x)", rows, bare))

    overheads = {key: row.min_ns - bare.min_ns for key, row in by_key.items() if key != "bare"}
    print()
    print("overhead over the bare call (ns, same run)")
    for key, value in overheads.items():
        print(f"  {by_key[key].candidate.label:<44}{value:>10.1f}")
    return SuccessPath(by_key, overheads, rounds)


def run(settings: Settings) -> dict[str, Any]:
    """Measure, print the table, overheads and targets; return the data."""
    print(f"decorators: {DESCRIPTION}")
    measured = success_path(candidates(), settings)
    by_key, overheads = measured.by_key, measured.overheads

    # A thread hand-off is bimodal: in a sample where the scheduler keeps both threads on
    # warm cores a round trip takes a tenth of its usual time, so the minimum says little
    # about what a call costs. The worker-thread rows are compared by their medians.
    bare_median = by_key["bare"].median_ns
    floors = [key for key in ("floor", "pinned") if key in by_key]
    handed_off = {key: by_key[key].median_ns - bare_median for key in ("timeout", *floors)}
    floor = min(handed_off[key] for key in floors)
    targets = [
        Target(
            "retry success-path overhead over the bare call <= 1 us (overhead / 1 us)",
            overheads["retry"] / RETRY_BUDGET_NS,
            1.0,
        ),
        Target(
            "sync timeout(interrupt=True) success-path overhead over the bare call <= 10 us "
            "(overhead / 10 us)",
            overheads["interrupt"] / TIMEOUT_BUDGET_NS,
            1.0,
        ),
        Target(
            "sync timeout [thread] success-path overhead over the bare call <= 10 us, medians "
            "(overhead / 10 us; the issue's target)",
            handed_off["timeout"] / TIMEOUT_BUDGET_NS,
            1.0,
        ),
        Target(
            "sync timeout [thread] success-path overhead <= the lower hand-off floor + 10 us, "
            "medians ((overhead - floor) / 10 us)",
            (handed_off["timeout"] - floor) / TIMEOUT_BUDGET_NS,
            1.0,
        ),
    ]
    for other in ("tenacity", "stamina"):
        if other in by_key:
            targets.append(
                Target(
                    f"retry success path faster than {other}",
                    by_key["retry"].min_ns / by_key[other].min_ns,
                    1.0,
                    strict=True,
                )
            )
    if "cachetools" in by_key:
        targets.append(
            Target(
                "cache hit no slower than cachetools @cached with a lock",
                by_key["cache"].min_ns / by_key["cachetools"].min_ns,
                1.0,
            )
        )
    print()
    for key in floors:
        print(
            f"sync timeout [thread] overhead / {by_key[key].candidate.label}, medians: "
            f"{handed_off['timeout'] / handed_off[key]:.2f}x (the floor: "
            f"{handed_off[key]:.0f} ns per round trip on this machine, now)"
        )
    print_targets(targets)
    return {
        "description": DESCRIPTION,
        **measured.as_dict(),
        "targets": [target.as_dict() for target in targets],
    }
