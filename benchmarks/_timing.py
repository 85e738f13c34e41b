"""Timing helpers shared by every benchmark suite.

A suite describes what to time as :class:`Candidate` objects (a statement plus the names it
uses) and hands them all to :func:`measure`, which

* checks each candidate once (the statement must produce the expected value: a benchmark that
  times the wrong thing is worse than none), which also warms caches such as wumbo's compiled
  call paths;
* calibrates a loop count per candidate so one sample takes about ``Settings.sample_ms``;
* takes ``Settings.repeats`` samples per candidate, **round-robin**: every round times every
  candidate once, starting one place further along each round, so a burst of machine noise
  hits all candidates alike instead of whichever happened to run at that moment;
* stops early (after at least ``MIN_ROUNDS`` rounds) when the suite's time budget is spent.

Each sample is ``timeit.Timer.timeit(loops) / loops`` (garbage collection off, as timeit
does); a candidate's figure is the minimum over its samples (the median is kept to show the
noise). Ratios compare minimums measured in the same run, never numbers from another run.
"""

import statistics
import time
import timeit
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

MIN_ROUNDS = 3
"""Rounds always completed, whatever the time budget says."""


@dataclass(frozen=True)
class Settings:
    """How long and how carefully to measure; shared by all suites of one run."""

    repeats: int = 40
    """Samples per candidate (rounds of the round-robin), unless the budget runs out first."""
    sample_ms: float = 25.0
    """Target duration of one sample; loop counts are calibrated to it."""
    budget_s: float = 45.0
    """Wall-clock budget for one suite's sampling; rounds stop once it is spent."""
    quick: bool = False
    """Smoke-run mode: a handful of tiny samples, numbers meaningful only as "it runs"."""


QUICK = Settings(repeats=3, sample_ms=0.5, budget_s=5.0, quick=True)
"""Settings for ``--quick``: finishes in a second or two; the figures are only indicative."""


@dataclass
class Candidate:
    """One thing to time: ``stmt`` run in a timeit loop with ``names`` bound as locals.

    ``check`` receives the statement's value (evaluated once before timing) and must return
    True; ``group`` and ``key`` identify the candidate in reports and JSON.
    """

    group: str
    key: str
    label: str
    stmt: str
    names: dict[str, Any]
    check: Callable[[Any], bool]

    @property
    def ident(self) -> str:
        """``group/key``: unique within a suite."""
        return f"{self.group}/{self.key}"

    def timer(self) -> timeit.Timer:
        """A timer whose setup binds ``names`` as locals of the timing function (fast access)."""
        setup = "\n".join(f"{name} = _names[{name!r}]" for name in self.names)
        return timeit.Timer(self.stmt, setup, time.perf_counter, {"_names": self.names})

    def verify(self) -> None:
        """Evaluate the statement once; raise ``AssertionError`` if ``check`` rejects it."""
        value = eval(self.stmt, {}, dict(self.names))
        if not self.check(value):
            raise AssertionError(f"benchmark candidate {self.ident!r} produced {value!r}")


@dataclass
class Measurement:
    """The samples of one candidate, in nanoseconds per call."""

    candidate: Candidate
    loops: int
    samples_ns: list[float] = field(default_factory=list)

    @property
    def min_ns(self) -> float:
        """The best sample: the figure reports and ratios use."""
        return min(self.samples_ns)

    @property
    def median_ns(self) -> float:
        """The median sample: how much noise the run saw."""
        return statistics.median(self.samples_ns)

    def as_dict(self, baseline: "Measurement | None" = None) -> dict[str, Any]:
        """JSON-ready summary; with ``baseline``, also ``vs_baseline`` (min over its min)."""
        summary: dict[str, Any] = {
            "group": self.candidate.group,
            "key": self.candidate.key,
            "label": self.candidate.label,
            "min_ns": self.min_ns,
            "median_ns": self.median_ns,
            "loops": self.loops,
            "samples": len(self.samples_ns),
        }
        if baseline is not None:
            summary["vs_baseline"] = self.min_ns / baseline.min_ns
        return summary


def calibrate(timer: timeit.Timer, sample_s: float) -> int:
    """The loop count that makes one sample last about ``sample_s`` seconds."""
    loops = 1
    while True:
        elapsed = timer.timeit(loops)
        if elapsed >= sample_s / 10:
            return max(1, round(loops * sample_s / elapsed))
        loops *= 10


def measure(candidates: Sequence[Candidate], settings: Settings) -> dict[str, Measurement]:
    """Verify, calibrate and time ``candidates`` round-robin; results keyed by ``ident``."""
    for candidate in candidates:
        candidate.verify()
    timers = [candidate.timer() for candidate in candidates]
    sample_s = settings.sample_ms / 1000
    results = [
        Measurement(candidate, calibrate(timer, sample_s))
        for candidate, timer in zip(candidates, timers, strict=True)
    ]
    count = len(candidates)
    started = time.perf_counter()
    for round_ in range(settings.repeats):
        if round_ >= MIN_ROUNDS and time.perf_counter() - started > settings.budget_s:
            break
        for step in range(count):
            index = (round_ + step) % count
            loops = results[index].loops
            elapsed = timers[index].timeit(loops)
            results[index].samples_ns.append(elapsed / loops * 1e9)
    return {result.candidate.ident: result for result in results}


@dataclass(frozen=True)
class Target:
    """A goal stated as a ratio of two measurements of the same run; reported, never asserted.

    ``strict`` means "faster than" (ratio < limit) rather than "at most" (ratio <= limit).
    """

    description: str
    ratio: float
    limit: float
    strict: bool = False

    @property
    def met(self) -> bool:
        """Whether the measured ratio satisfies the limit."""
        return self.ratio < self.limit if self.strict else self.ratio <= self.limit

    def line(self) -> str:
        """``MET     description: 1.043x (target <= 1.20x)``."""
        status = "MET" if self.met else "MISSED"
        relation = "<" if self.strict else "<="
        return (
            f"{status:<7} {self.description}: {self.ratio:.3f}x "
            f"(target {relation} {self.limit:.2f}x)"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "description": self.description,
            "ratio": self.ratio,
            "limit": self.limit,
            "strict": self.strict,
            "met": self.met,
        }


def table(title: str, rows: Sequence[Measurement], baseline: Measurement) -> str:
    """A text table: label, min and median ns per call, and min / baseline min."""
    width = max(len(row.candidate.label) for row in rows) + 2
    lines = [
        title,
        f"  {'candidate':<{width}}{'ns/call':>10}{'median':>10}{'vs baseline':>13}",
    ]
    for row in rows:
        ratio = row.min_ns / baseline.min_ns
        lines.append(
            f"  {row.candidate.label:<{width}}{row.min_ns:>10.1f}{row.median_ns:>10.1f}"
            f"{ratio:>12.2f}x"
        )
    return "\n".join(lines)


def print_targets(targets: list[Target], how: str = "") -> None:
    """Print the targets under one heading, a ``MET``/``MISSED`` line each.

    ``how`` adds a word on how to read the lines to the heading.
    """
    print()
    print(f"targets (reported, never asserted{'; ' + how if how else ''})")
    for target in targets:
        print(f"  {target.line()}")
