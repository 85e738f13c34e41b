"""Building a pipeline where it is used: build and first call, against toolz doing the same.

Users build small pipelines inside functions and call them once (wumbo's own orders example
did). Each candidate builds a fresh pipeline and calls it once, so it pays for inspection,
composition and the first call; the anchor is toolz ``compose_left`` built and called:

* ``(template(f) | g)(1)`` with annotated stages, and ``(template(f) | h)(1)`` with an
  unannotated ``h``, against ``compose_left(f, g)(1)``;
* ``map_items(f).run([1, 2, 3])`` against ``compose_left(toolz.curried.map(f), list)(...)``.

Each build uses the same module-level functions, as code in a function body would. Targets
(at most 3x the anchor) are reported, never asserted.
"""

from typing import Any

import toolz
import toolz.curried

from benchmarks._timing import Candidate, Settings, Target, measure, print_targets, table
from wumbo import map_items, template

DESCRIPTION = "build and first call of small pipelines vs toolz compose_left built and called"


def f(x: int) -> int:
    """An annotated stage."""
    return x + 1


def g(x: int) -> int:
    """Another annotated stage."""
    return x * 2


def h(x):  # type: ignore[no-untyped-def]
    """An unannotated stage."""
    return x * 2


NAMES: dict[str, Any] = {
    "f": f,
    "g": g,
    "h": h,
    "template": template,
    "map_items": map_items,
    "compose_left": toolz.compose_left,
    "tmap": toolz.curried.map,
}


def candidates() -> list[Candidate]:
    """The rows of the report, toolz anchor first in each group."""

    def make(group: str, key: str, label: str, stmt: str, expected: object) -> Candidate:
        return Candidate(group, key, label, stmt, NAMES, lambda value: value == expected)

    from returns.result import Success

    return [
        make("pair", "toolz", "toolz compose_left(f, g)(1)", "compose_left(f, g)(1)", 4),
        make("pair", "annotated", "(template(f) | g)(1)", "(template(f) | g)(1)", Success(4)),
        make("pair", "unannotated", "(template(f) | h)(1)", "(template(f) | h)(1)", Success(4)),
        make(
            "map",
            "toolz",
            "toolz compose_left(map(f), list)([1, 2, 3])",
            "compose_left(tmap(f), list)([1, 2, 3])",
            [2, 3, 4],
        ),
        make(
            "map",
            "map_items",
            "map_items(f).run([1, 2, 3])",
            "map_items(f).run([1, 2, 3])",
            [2, 3, 4],
        ),
    ]


def run(settings: Settings) -> dict[str, Any]:
    """Time the builds, print them and the targets, return the data."""
    rows = candidates()
    results = measure(rows, settings)
    print(f"build: {DESCRIPTION}")
    for group in ("pair", "map"):
        measured = [results[c.ident] for c in rows if c.group == group]
        print()
        print(table(f"{group}: build and call once", measured, measured[0]))

    def ratio(group: str, key: str) -> float:
        return results[f"{group}/{key}"].min_ns / results[f"{group}/toolz"].min_ns

    targets = [
        Target("(template(f) | g)(1) built and called vs toolz", ratio("pair", "annotated"), 3.0),
        Target("(template(f) | h)(1) built and called vs toolz", ratio("pair", "unannotated"), 3.0),
        Target("map_items(f).run([...]) built and called vs toolz", ratio("map", "map_items"), 3.0),
    ]
    print_targets(targets)
    return {
        "description": DESCRIPTION,
        "results": {ident: result.as_dict() for ident, result in results.items()},
        "targets": [target.as_dict() for target in targets],
    }
