"""What ``import wumbo`` costs, against importing the libraries it is built on.

Each sample is a fresh interpreter (``python -c``) that times one import statement with
``time.perf_counter`` around it, so interpreter start-up is left out of both sides:

* the anchor: ``import returns.result, anyio, toolz, typing_extensions`` (what the core needs);
* ``import wumbo``;
* ``import wumbo`` then first use of a decorator (``wumbo.retry``) and of the framework
  (``wumbo.framework``), reported for information: those load on first use.

Samples alternate between the candidates, so machine noise hits them alike; the figure is the
median over the samples (start-up of a fresh process is noisier than a timeit loop, and the
median is the robust choice there). The target, at most 1.5x the anchor, is reported, never
asserted.
"""

import statistics
import subprocess
import sys
from typing import Any

from benchmarks._timing import Settings, Target, print_targets

DESCRIPTION = "import wumbo vs importing returns + anyio + toolz + typing_extensions"

_TIMED = "import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
CANDIDATES = {
    "anchor": "import returns.result, anyio, toolz, typing_extensions",
    "wumbo": "import wumbo",
    "wumbo+decorators": "import wumbo; wumbo.retry",
    "wumbo+framework": "import wumbo, wumbo.framework",
}
LABELS = {
    "anchor": "import returns.result, anyio, toolz, typing_extensions",
    "wumbo": "import wumbo",
    "wumbo+decorators": "import wumbo, then wumbo.retry (decorators load)",
    "wumbo+framework": "import wumbo, wumbo.framework",
}


def _sample(statement: str) -> float:
    code = _TIMED.format(statement=statement)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return float(done.stdout.strip())


def run(settings: Settings) -> dict[str, Any]:
    """Time the imports in fresh interpreters, print medians and the target, return the data."""
    rounds = 3 if settings.quick else max(7, min(settings.repeats, 21))
    samples: dict[str, list[float]] = {key: [] for key in CANDIDATES}
    for _ in range(rounds):
        for key, statement in CANDIDATES.items():
            samples[key].append(_sample(statement))
    medians = {key: statistics.median(values) for key, values in samples.items()}
    anchor = medians["anchor"]
    print(f"imports: median of {rounds} fresh interpreters each, import statement only")
    print(f"  {'candidate':<52}{'ms':>8}{'vs anchor':>11}")
    for key, value in medians.items():
        print(f"  {LABELS[key]:<52}{value * 1e3:>8.1f}{value / anchor:>10.2f}x")
    targets = [Target("import wumbo vs its dependencies", medians["wumbo"] / anchor, 1.5)]
    print_targets(targets)
    return {
        "median_s": medians,
        "samples_s": samples,
        "targets": [target.as_dict() for target in targets],
    }
