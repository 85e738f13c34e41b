"""sandbox: what a call costs against starting Python, measured side by side in one run.

The stage is ``inc`` (``def inc(x: int) -> int: return x + 1``). Alternately, round after
round (so both see the same load):

* ``python -I -c pass``: the anchor, the cheapest Python start there is;
* ``sandbox(inc).run(x)``: a warm sandbox call (its zygote started by a first, untimed call):
  a fork of the zygote, a fresh PID and network namespace, Landlock, the limits, a fresh uid
  when root, the run, and the clean-up.

The goal: a call costs at most 0.25x the Python start (best of each, and the medians shown).
"""

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks._timing import Settings, Target, print_targets
from wumbo.decorators.sandbox import sandbox, sandbox_capabilities

DESCRIPTION = "sandbox call vs starting python -I -c pass, side by side"
RATIO = 0.25
"""Goal: a sandboxed call of a trivial stage costs at most 0.25x ``python -I -c pass``."""
START = 1


def inc(x: int) -> int:
    """The sandboxed stage (the zygote imports this module once)."""
    return x + 1


def _python_start() -> None:
    subprocess.run([sys.executable, "-I", "-c", "pass"], check=True)


def _timed_ms(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def run(settings: Settings) -> dict[str, Any]:
    """Time both alternately, print the figures and the target; return the data."""
    print(f"sandbox: {DESCRIPTION}")
    print(f"  kernel: {sandbox_capabilities()}")
    sandboxed = sandbox(wall_seconds=60)(inc)
    if sandboxed.run(START) != START + 1:  # also starts the zygote, untimed
        raise AssertionError("the sandboxed benchmark stage gave a wrong value")
    rounds = 3 if settings.quick else 15
    deadline = time.perf_counter() + settings.budget_s
    starts: list[float] = []
    calls: list[float] = []
    while len(starts) < rounds and (len(starts) < 3 or time.perf_counter() < deadline):
        starts.append(_timed_ms(_python_start))
        calls.append(_timed_ms(lambda: sandboxed.run(START)))
    print(f"  {len(starts)} rounds, alternating (ms)")
    print(f"  {'':<34}{'best':>10}{'median':>10}")
    for label, samples in (("python -I -c pass", starts), ("sandbox(inc).run(x)", calls)):
        print(f"  {label:<34}{min(samples):>10.1f}{statistics.median(samples):>10.1f}")
    median_ratio = statistics.median(calls) / statistics.median(starts)
    print(f"  median / median: {median_ratio:.3f}x")
    targets = [
        Target("sandbox call / python -I -c pass (best of each)", min(calls) / min(starts), RATIO)
    ]
    print_targets(targets)
    return {
        "description": DESCRIPTION,
        "rounds": len(starts),
        "python_start_ms": starts,
        "sandbox_call_ms": calls,
        "median_ratio": median_ratio,
        "targets": [target.as_dict() for target in targets],
    }
