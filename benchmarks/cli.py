"""``wumbo run`` over a big file: with the progress bar, with progress lines, without, and by hand.

The input is 100,000 JSON lines of the orders shipped with wumbo (``wumbo/data/orders.jsonl``
repeated: 5 of every 8 orders are invoiced, 3 fail). Each candidate is a real process, timed
from start to exit (interpreter start and imports included, as a user sees them), and must
write one record per line (62,500 outputs and 37,500 errors, checked after every run):

* the **hand-written loop** (the baseline): reads each line, ``json.loads`` it, calls
  ``invoice_order.run`` and writes one JSON record, or one error record, per line;
* ``wumbo run wumbo.examples.orders:invoice_order`` with ``--no-progress`` (each line decoded
  into the first stage's ``dict[str, Any]`` by msgspec), and with ``--raw`` too (``json.loads``);
* the same with its progress lines (its stderr is not a terminal: a line a second);
* the same on a terminal (a pseudo-terminal as stdout and stderr, drained by a thread): the
  rich progress bar.

Candidates run round-robin, a round at a time, until the suite's time budget is spent (at
least two rounds; a single one with ``--quick``, over 2,000 lines); each figure is the best
round. Both the wall-clock time and the CPU time of the process (all its threads: the bar's
refresh thread included) are reported; the targets use the CPU time, which a busy shared
machine distorts far less than the wall clock (on an idle machine the two agree: the work is
single-threaded).
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._timing import Settings, Target, print_targets
from wumbo import Success
from wumbo.examples.orders import invoice_order

DESCRIPTION = "wumbo run over 100,000 orders: progress bar, lines, none, vs a hand-written loop"
LINES = 100_000
QUICK_LINES = 2_000
MIN_ROUNDS = 2
ROOT = Path(__file__).resolve().parents[1]
ORDERS = ROOT / "wumbo" / "data" / "orders.jsonl"
PIPELINE = "wumbo.examples.orders:invoice_order"
LIMIT_S = 600.0

LOOP = """\
import dataclasses, json, sys
from wumbo.examples.orders import invoice_order

source, output, errors = sys.argv[1:]
with open(source, "rb") as lines, open(output, "w") as out, open(errors, "w") as err:
    for number, raw in enumerate(lines, start=1):
        try:
            invoice = invoice_order.run(json.loads(raw))
        except Exception as error:
            err.write(json.dumps({"line": number, "error": str(error)}) + "\\n")
        else:
            out.write(json.dumps({"line": number, "output": dataclasses.asdict(invoice)}) + "\\n")
"""


@dataclass(frozen=True)
class Candidate:
    """One way of processing the file: a command, and whether it runs on a terminal."""

    key: str
    label: str
    arguments: tuple[str, ...]
    terminal: bool = False


RUN = ("-m", "wumbo", "run", PIPELINE, "{source}", "-o", "{output}", "--errors", "{errors}")

CANDIDATES = (
    Candidate("loop", "hand-written loop", ("-c", LOOP, "{source}", "{output}", "{errors}")),
    Candidate(
        "no_progress",
        "wumbo run --no-progress",
        (*RUN, "--no-progress"),
    ),
    Candidate(
        "raw",
        "wumbo run --raw --no-progress",
        (*RUN, "--raw", "--no-progress"),
    ),
    Candidate(
        "lines",
        "wumbo run, progress lines",
        RUN,
    ),
    Candidate(
        "bar",
        "wumbo run, progress bar (terminal)",
        RUN,
        terminal=True,
    ),
)


def _write_input(path: Path, lines: int) -> tuple[int, int]:
    """``lines`` orders, cycling through the shipped ones; how many succeed and fail."""
    orders = [line for line in ORDERS.read_text().splitlines() if line.strip()]
    succeeds = [isinstance(invoice_order(json.loads(order)), Success) for order in orders]
    ok = 0
    with path.open("w") as stream:
        for number in range(lines):
            stream.write(orders[number % len(orders)] + "\n")
            ok += succeeds[number % len(orders)]
    return ok, lines - ok


def _drain(controller: int) -> None:
    """Read the terminal until the process closes it, as a terminal emulator does."""
    while True:
        try:
            if not os.read(controller, 65536):
                return
        except OSError:  # the other side closed
            return


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_run(candidate: Candidate, files: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (its threads included) of one run of ``candidate``."""
    cpu_before = _cpu_of_children()
    argv = [sys.executable, *(files.get(part, part) for part in candidate.arguments)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    if not candidate.terminal:
        started = time.perf_counter()
        completed = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
        elapsed = time.perf_counter() - started
        status, stderr = completed.returncode, completed.stderr.decode(errors="replace")
    else:
        controller, terminal = os.openpty()
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=terminal, stderr=terminal)
        os.close(terminal)
        reader = threading.Thread(target=_drain, args=(controller,), daemon=True)
        reader.start()
        status = process.wait(LIMIT_S)
        elapsed = time.perf_counter() - started
        reader.join(LIMIT_S)
        os.close(controller)
        stderr = ""
    if status not in (0, 1):  # 1: some items failed, as they must
        raise RuntimeError(f"{candidate.label} exited with {status}: {stderr[-2000:]}")
    return elapsed, _cpu_of_children() - cpu_before


def _count_lines(path: str) -> int:
    with open(path, "rb") as stream:
        return sum(1 for _ in stream)


def run(settings: Settings) -> dict[str, Any]:
    """Time every candidate round-robin, print the report, return its data."""
    lines = QUICK_LINES if settings.quick else LINES
    rounds_wanted = 1 if settings.quick else MIN_ROUNDS
    seconds: dict[str, list[float]] = {candidate.key: [] for candidate in CANDIDATES}
    cpu: dict[str, list[float]] = {candidate.key: [] for candidate in CANDIDATES}
    with tempfile.TemporaryDirectory(prefix="wumbo-bench-cli-") as folder:
        work = Path(folder)
        expected = _write_input(work / "orders.jsonl", lines)
        files = {
            "{source}": str(work / "orders.jsonl"),
            "{output}": str(work / "out.jsonl"),
            "{errors}": str(work / "errors.jsonl"),
        }
        started = time.perf_counter()
        round_ = 0
        while round_ < rounds_wanted or (
            not settings.quick and time.perf_counter() - started < settings.budget_s
        ):
            for step in range(len(CANDIDATES)):
                candidate = CANDIDATES[(round_ + step) % len(CANDIDATES)]
                wall, used = _timed_run(candidate, files, work)
                seconds[candidate.key].append(wall)
                cpu[candidate.key].append(used)
                written = (_count_lines(files["{output}"]), _count_lines(files["{errors}"]))
                if written != expected:
                    raise AssertionError(
                        f"{candidate.label} wrote {written} (outputs, errors), not {expected}"
                    )
            round_ += 1
    best = {key: min(values) for key, values in seconds.items()}
    best_cpu = {key: min(values) for key, values in cpu.items()}
    rate = {key: lines / value for key, value in best.items()}
    cpu_rate = {key: lines / value for key, value in best_cpu.items()}
    print(f"cli: {DESCRIPTION}")
    print(f"  {lines:,} lines, {round_} rounds, best round; whole processes, start to exit")
    print(f"  {'':<38}{'---- wall clock ----':>29}  {'------ CPU time ------':>29}")
    print(f"  {'candidate':<38}" + f"{'seconds':>9}{'items/s':>10}{'vs loop':>10}" * 2)
    for candidate in CANDIDATES:
        key = candidate.key
        print(
            f"  {candidate.label:<38}{best[key]:>9.2f}{rate[key]:>10,.0f}"
            f"{rate[key] / rate['loop']:>9.2f}x{best_cpu[key]:>9.2f}{cpu_rate[key]:>10,.0f}"
            f"{cpu_rate[key] / cpu_rate['loop']:>9.2f}x"
        )
    runs = (
        ("no_progress", "wumbo run --no-progress"),
        ("bar", "wumbo run with the progress bar"),
        ("raw", "wumbo run --raw --no-progress"),
    )
    targets = [
        *(
            Target(
                f"{label} CPU time <= 1.25x the loop's (>= 0.8x its items/s)",
                best_cpu[key] / best_cpu["loop"],
                1.25,
            )
            for key, label in runs
        ),
        Target(
            "progress bar costs at most 10%: bar CPU time <= 1.10x --no-progress CPU time",
            best_cpu["bar"] / best_cpu["no_progress"],
            1.10,
        ),
    ]
    print_targets(targets)
    return {
        "description": DESCRIPTION,
        "lines": lines,
        "rounds": round_,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "items_per_second": rate,
        "cpu_items_per_second": cpu_rate,
        "targets": [target.as_dict() for target in targets],
    }
