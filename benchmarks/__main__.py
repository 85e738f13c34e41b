"""Command line: ``python -m benchmarks [SUITE ...] [--quick] [--json PATH]``.

With no suite named, every registered suite runs. To add one, write a module with a
``DESCRIPTION`` string and a ``run(settings: Settings) -> dict`` that prints its report and
returns JSON-ready data, and register it in ``SUITES``.
"""

import argparse
import importlib
import json
import platform
import sys
import time
from dataclasses import asdict, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from benchmarks._timing import QUICK, Settings

SUITES = {
    "core": "benchmarks.core",
    "runtime": "benchmarks.runtime",
    "decorators": "benchmarks.decorators",
    "decorators_trace": "benchmarks.decorators_trace",
    "sandbox": "benchmarks.sandbox",
    "framework": "benchmarks.framework",
    "serve": "benchmarks.serve",
    "imports": "benchmarks.imports",
    "build": "benchmarks.build",
    "cli": "benchmarks.cli",
}
"""Suite name -> module; the order here is the order ``python -m benchmarks`` runs them."""

PACKAGES = (
    "wumbo",
    "returns",
    "toolz",
    "cytoolz",
    "expression",
    "anyio",
    "distributed",
    "tenacity",
    "stamina",
    "cachetools",
    "opentelemetry-sdk",
)


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def _parser() -> argparse.ArgumentParser:
    default = Settings()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time wumbo against hand-written code and other libraries.",
    )
    parser.add_argument(
        "suites",
        nargs="*",
        metavar="SUITE",
        help=f"suites to run, default all: {', '.join(SUITES)}",
    )
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (tiny samples)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results as JSON")
    parser.add_argument("--list", action="store_true", help="list the suites and exit")
    parser.add_argument(
        "--repeats", type=int, help=f"samples per candidate (default {default.repeats})"
    )
    parser.add_argument(
        "--sample-ms", type=float, help=f"duration of one sample (default {default.sample_ms:g})"
    )
    parser.add_argument(
        "--budget",
        type=float,
        metavar="SECONDS",
        help=f"sampling time for the whole run, shared by its suites (default {default.budget_s:g})",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the selected suites and print (and optionally save) their reports."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list:
        for name, module in SUITES.items():
            print(f"{name:<12}{importlib.import_module(module).DESCRIPTION}")
        return 0
    unknown = [name for name in args.suites if name not in SUITES]
    if unknown:
        parser.error(f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join(SUITES)}")
    selected = list(dict.fromkeys(args.suites)) or list(SUITES)

    settings = QUICK if args.quick else Settings()
    overrides = {
        "repeats": args.repeats,
        "sample_ms": args.sample_ms,
        "budget_s": args.budget,
    }
    settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
    per_suite = replace(settings, budget_s=settings.budget_s / len(selected))

    versions = _versions()
    print("wumbo benchmarks: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print(
        f"{platform.platform()}; {settings.repeats} rounds max, ~{settings.sample_ms:g} ms "
        f"per sample, {settings.budget_s:g} s sampling budget"
        + (" [--quick: smoke run, figures only indicative]" if settings.quick else "")
    )
    report: dict[str, Any] = {"versions": versions, "settings": asdict(settings), "suites": {}}
    started = time.perf_counter()
    for name in selected:
        print()
        report["suites"][name] = importlib.import_module(SUITES[name]).run(per_suite)
    elapsed = time.perf_counter() - started
    report["elapsed_s"] = elapsed
    print()
    print(f"done in {elapsed:.1f} s")
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
