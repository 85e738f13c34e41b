"""Instruction counts: ``python -m benchmarks.instructions build core [--loops N]``.

Wall-clock figures swing 2-10x on a loaded machine; the number of instructions a statement
executes does not. For each candidate of the named suites (``build`` and ``core``), this runs
Python under valgrind's callgrind twice, once timing nothing and once running the candidate's
statement ``--loops`` times (both after the same warm-up), and reports the difference divided by
the loop count: instructions per call, and the ratio to the first row of its group. It needs
``valgrind`` on the PATH and takes about a minute per candidate.

Examples:
    >>> [candidate.key for candidate in suite_candidates("build")][:3]
    ['toolz', 'annotated', 'unannotated']
"""

import argparse
import importlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._timing import Candidate

SUITES = ("build", "core")
"""The suites whose modules offer ``candidates()``."""

WARM_UP = 50
"""Calls before counting starts, in both runs: caches and compiled paths are warm."""


def suite_candidates(suite: str) -> list[Candidate]:
    """The candidates of ``suite``, in report order."""
    if suite not in SUITES:
        raise SystemExit(f"unknown suite {suite!r}; choose from {', '.join(SUITES)}")
    module = importlib.import_module(f"benchmarks.{suite}")
    candidates: list[Candidate] = module.candidates()
    return candidates


def _child(suite: str, ident: str, loops: int) -> None:
    """Run one candidate's statement ``WARM_UP`` times, then ``loops`` times (under valgrind)."""
    candidate = next(c for c in suite_candidates(suite) if c.ident == ident)
    candidate.verify()
    warm = compile(f"for _ in range({WARM_UP}):\n    {candidate.stmt}\n", "<warm>", "exec")
    counted = compile(f"for _ in range({loops}):\n    {candidate.stmt}\n", "<counted>", "exec")
    names = dict(candidate.names)
    exec(warm, names)
    exec(counted, names)


def _total(path: Path) -> int:
    """The total instruction count callgrind wrote to ``path`` (its ``totals:`` line)."""
    found = re.search(r"^totals:\s+(\d+)", path.read_text(), re.MULTILINE)
    if found is None:
        raise SystemExit(f"callgrind wrote no totals to {path}")
    return int(found.group(1))


def count(suite: str, ident: str, loops: int) -> float:
    """Instructions per call of one candidate: (run with ``loops`` - run with 0) / ``loops``."""
    totals = []
    with tempfile.TemporaryDirectory() as folder:
        for n in (0, loops):
            out = Path(folder) / f"callgrind.{n}.out"
            command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
            command += [sys.executable, "-m", "benchmarks.instructions", "--child", suite, ident]
            command += [str(n)]
            # same hashes in both runs, and neither writes bytecode caches the other reads
            env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
            subprocess.run(command, check=True, capture_output=True, env=env)
            totals.append(_total(out))
    per_call = (totals[1] - totals[0]) / loops
    if per_call <= 0:
        raise SystemExit(
            f"{suite} {ident}: the counted run executed no more instructions than the empty one "
            f"({totals[1]:,} vs {totals[0]:,}): something else changed between the runs (a "
            f"checkout being edited or tested at the same time?); run it on a quiet checkout"
        )
    return per_call


def main(argv: list[str] | None = None) -> int:
    """Count every candidate of the named suites and print a table per group."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions")
    parser.add_argument("suites", nargs="*", metavar="SUITE", default=list(SUITES))
    parser.add_argument("--loops", type=int, default=2000, help="counted calls (default 2000)")
    parser.add_argument("--child", nargs=3, metavar=("SUITE", "IDENT", "LOOPS"), help="internal")
    args = parser.parse_args(argv)
    if args.child:
        suite, ident, loops = args.child
        _child(suite, ident, int(loops))
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not on the PATH: instruction counts need callgrind")
    # compile the bytecode caches first, so neither counted run pays for writing them
    subprocess.run([sys.executable, "-c", "import benchmarks.build, benchmarks.core"], check=True)
    for suite in args.suites:
        print(f"{suite}: instructions per call (callgrind, {args.loops} calls minus none)")
        first: dict[str, float] = {}
        for candidate in suite_candidates(suite):
            per_call = count(suite, candidate.ident, args.loops)
            baseline = first.setdefault(candidate.group, per_call)
            print(
                f"  {candidate.group:<12}{candidate.label:<52}{per_call:>12,.0f}"
                f"{per_call / baseline:>9.2f}x",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
