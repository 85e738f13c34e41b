"""Framework adapter overhead: class-based templates against the code they stand for.

It times, on small inputs,

* a trivial ``BaseTemplate`` (``_execute_core`` returns ``n + 1``): ``execute`` (the
  ExecutionResult), the data call ``template(x)``, and as a stage of a core pipeline
  ``template(int) | tpl`` against ``template(int) | inc`` (and, for reference, the same stage
  with a core that reads its context, which gets a fresh one per run, and with an observer
  attached, which keeps every record of the run);
* the classic ``wumbo(*items, operation=inc)`` and a prebuilt ``DataProcessorTemplate`` against a
  hand-written ``try``/``except`` loop over the items;
* a prebuilt ``TransformTemplate`` (filter then map) against a hand-written comprehension.

Ratios are of minimum times measured in one interleaved run; targets are reported, not asserted.
"""

from collections.abc import Callable
from typing import Any

from benchmarks._timing import Candidate, Measurement, Settings, Target, measure, table
from wumbo import template
from wumbo.framework import (
    BaseTemplate,
    ExecutionContext,
    TemplateMetadata,
    create_data_processor,
    create_transformer,
    wumbo,
)

DESCRIPTION = "wumbo.framework overhead: BaseTemplate, classic wumbo(), built-ins vs plain code"
ITEMS = tuple(range(10))


def inc(n: int) -> int:
    """The trivial operation."""
    return n + 1


def is_even(n: int) -> bool:
    """The trivial filter."""
    return n % 2 == 0


class Inc(BaseTemplate[int]):
    """The trivial class-based template."""

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("inc")

    def _execute_core(self, n: int, *, context: ExecutionContext) -> int:
        return n + 1


class IncReadingContext(Inc):
    """``Inc`` whose core reads its context (it logs at DEBUG, as the built-ins do)."""

    def _execute_core(self, n: int, *, context: ExecutionContext) -> int:
        context.logger.debug("inc %s", n)
        return n + 1


def hand_written_classic(*items: int) -> list[Any]:
    """What ``wumbo(*items, operation=inc)`` does, by hand."""
    results: list[Any] = []
    for item in items:
        try:
            results.append(inc(item))
        except Exception:
            results.append(None)
    return results


def hand_written_transform(items: tuple[int, ...]) -> list[int]:
    """What the TransformTemplate does, by hand."""
    return [inc(item) for item in items if is_even(item)]


def _watched() -> Inc:
    """An ``Inc`` with an observer (a hook that does nothing): its runs keep their records."""
    watched = Inc()
    watched.add_observer(lambda event: None)
    return watched


def _equals(expected: object) -> Callable[[Any], bool]:
    return lambda value: value == expected


def candidates() -> dict[str, list[Candidate]]:
    """The groups to time, each baseline first."""
    tpl = Inc()
    expected_items = [inc(item) for item in ITEMS]
    evens = [inc(item) for item in ITEMS if is_even(item)]
    single = {
        "tpl": tpl,
        "inc": inc,
        "x": 1,
        "core_pipe": template(int) | inc,
        "tpl_pipe": template(int) | tpl,
        "reading_pipe": template(int) | IncReadingContext(),
        "watched_pipe": template(int) | _watched(),
    }
    return {
        "single": [
            Candidate("single", "inc", "inc(x) [plain function]", "inc(x)", single, _equals(2)),
            Candidate("single", "call", "tpl(x) [data]", "tpl(x)", single, _equals(2)),
            Candidate(
                "single",
                "execute",
                "tpl.execute(x) [ExecutionResult]",
                "tpl.execute(x)",
                single,
                lambda result: result.data == 2,
            ),
        ],
        "pipe": [
            Candidate(
                "pipe", "core", "template(int) | inc", "p.run('1')", {"p": single["core_pipe"]},
                _equals(2),
            ),
            Candidate(
                "pipe", "tpl", "template(int) | Inc()", "p.run('1')", {"p": single["tpl_pipe"]},
                _equals(2),
            ),
            Candidate(
                "pipe", "reading", "template(int) | Inc() reading its context", "p.run('1')",
                {"p": single["reading_pipe"]}, _equals(2),
            ),
            Candidate(
                "pipe", "watched", "template(int) | Inc() observed [all records]", "p.run('1')",
                {"p": single["watched_pipe"]}, _equals(2),
            ),
        ],
        "classic": [
            Candidate(
                "classic", "hand", "hand-written try/except loop", "f(*items)",
                {"f": hand_written_classic, "items": ITEMS}, _equals(expected_items),
            ),
            Candidate(
                "classic", "wumbo", "wumbo(*items, operation=inc)", "w(*items, operation=inc)",
                {"w": wumbo, "items": ITEMS, "inc": inc}, _equals(expected_items),
            ),
            Candidate(
                "classic", "processor", "prebuilt DataProcessorTemplate(*items)", "p(*items)",
                {"p": create_data_processor(operation=inc), "items": ITEMS},
                _equals(expected_items),
            ),
        ],
        "transform": [
            Candidate(
                "transform", "hand", "hand-written comprehension", "f(items)",
                {"f": hand_written_transform, "items": ITEMS}, _equals(evens),
            ),
            Candidate(
                "transform", "template", "prebuilt TransformTemplate(*items)", "t(*items)",
                {"t": create_transformer(map_func=inc, filter_func=is_even), "items": ITEMS},
                _equals(evens),
            ),
        ],
    }  # fmt: skip


def run(settings: Settings) -> dict[str, Any]:
    """Measure every candidate in one interleaved session, print the report, return its data."""
    groups = candidates()
    every = [candidate for group in groups.values() for candidate in group]
    results = measure(every, settings)

    def get(group: str, key: str) -> Measurement:
        return results[f"{group}/{key}"]

    def ratio(group: str, key: str, over: str) -> float:
        return get(group, key).min_ns / get(group, over).min_ns

    print(f"framework: {DESCRIPTION}")
    titles = {
        "single": "one trivial call",
        "pipe": "as a stage of a core pipeline",
        "classic": f"classic processing of {len(ITEMS)} items",
        "transform": f"filter then map {len(ITEMS)} items",
    }
    for group, members in groups.items():
        rows = [results[candidate.ident] for candidate in members]
        print()
        print(table(titles[group], rows, rows[0]))
    targets = [
        Target("BaseTemplate in a pipe <= 3x a plain stage", ratio("pipe", "tpl", "core"), 3.0),
        Target("tpl(x) <= 60x the plain function", ratio("single", "call", "inc"), 60.0),
        Target(
            "prebuilt DataProcessor <= 10x hand-written loop",
            ratio("classic", "processor", "hand"),
            10.0,
        ),
        Target(
            "prebuilt Transform <= 20x hand-written comprehension",
            ratio("transform", "template", "hand"),
            20.0,
        ),
    ]
    print()
    for target in targets:
        print(target.line())
    return {
        "results": {key: value.as_dict() for key, value in results.items()},
        "targets": [target.as_dict() for target in targets],
    }
