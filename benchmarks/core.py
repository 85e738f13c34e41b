"""Core speed: a wumbo pipeline of N trivial stages against hand-written code and other libraries.

For N = 1, 5 and 20 stages of ``inc`` (``def inc(x: int) -> int: return x + 1``) it times

* the baseline, a hand-written nested call ``inc(inc(...inc(x)))`` (generated source);
* the same wrapped once in returns' ``Success``;
* wumbo's Result call ``pipeline(x)`` and plain call ``pipeline.run(x)``, and beside them the
  plain call of the same stages unannotated (``def inc(x): return x + 1``) and as lambdas, whose
  results wumbo checks for a ``Result`` at run time, and the Result call of the unannotated ones;
* toolz and cytoolz ``compose_left(*fns)``, returns ``flow(x, *fns)`` and ``pipe(*fns)``,
  and Expression ``pipe(x, *fns)``;

and the failure path at N = 5 with stage 3 raising ``ValueError``: wumbo's Result call against
hand-written ``try: return Success(nested(x)) except Exception as e: return Failure(e)``.
"""

from collections.abc import Callable
from typing import Any

import cytoolz
import toolz
from expression import pipe as expression_pipe
from returns.pipeline import flow as returns_flow
from returns.pipeline import pipe as returns_pipe
from returns.result import Failure, Success

from benchmarks._timing import (
    Candidate,
    Measurement,
    Settings,
    Target,
    measure,
    print_targets,
    table,
)
from wumbo import StageError
from wumbo import pipe as wumbo_pipe

DESCRIPTION = "N trivial stages: wumbo vs hand-written code, toolz, cytoolz, returns, Expression"
SIZES = (1, 5, 20)
FAILURE_SIZE = 5
FAILURE_AT = 3
START = 1


def inc(x: int) -> int:
    """The trivial stage: one annotated addition (wumbo's fastest, plain-value path)."""
    return x + 1


def inc_unannotated(x):  # type: ignore[no-untyped-def]
    """The same addition without annotations: wumbo checks its result for a Result at run time."""
    return x + 1


def boom(x: int) -> int:
    """The failing stage of the failure-path benchmark."""
    raise ValueError(x)


def hand_written(name: str, stages: list[str], template: str) -> Any:
    """Compile ``def name(x): <template>`` with ``{call}`` replaced by the literal nested call.

    ``stages`` are names looked up as globals (``inc``, ``boom``), the way code written by hand
    calls module-level functions; ``stages[0]`` is applied first, so it is the innermost call.
    """
    call = "x"
    for stage in stages:
        call = f"{stage}({call})"
    body = template.format(call=call).replace("\n", "\n    ")
    source = f"def {name}(x):\n    {body}\n"
    namespace: dict[str, Any] = {
        "inc": inc,
        "boom": boom,
        "Success": Success,
        "Failure": Failure,
    }
    exec(compile(source, f"<hand-written {name}>", "exec"), namespace)
    return namespace[name]


def _equals(expected: object) -> Callable[[Any], bool]:
    """A check that the candidate's result equals ``expected``."""
    return lambda value: value == expected


def success_candidates(n: int) -> list[Candidate]:
    """The candidates of the N-stage group, baseline first."""
    group = f"N={n}"
    fns = (inc,) * n
    pipeline = wumbo_pipe(*fns)
    unannotated = wumbo_pipe(*(inc_unannotated,) * n)
    lambdas = wumbo_pipe(*[lambda x: x + 1 for _ in range(n)])
    value, success = _equals(START + n), _equals(Success(START + n))

    def make(
        key: str, label: str, stmt: str, names: dict[str, Any], check: Callable[[Any], bool]
    ) -> Candidate:
        return Candidate(group, key, label, stmt, {**names, "x": START}, check)

    nested = hand_written(f"nested_{n}", ["inc"] * n, "return {call}")
    success_nested = hand_written(f"success_nested_{n}", ["inc"] * n, "return Success({call})")
    return [
        make("nested", "hand-written nested call", "f(x)", {"f": nested}, value),
        make("success_nested", "Success(nested call)", "f(x)", {"f": success_nested}, success),
        make("wumbo_result", "wumbo pipeline(x) [Result]", "p(x)", {"p": pipeline}, success),
        make("wumbo_plain", "wumbo pipeline.run(x) [plain]", "p.run(x)", {"p": pipeline}, value),
        make(
            "wumbo_plain_unannotated",
            "wumbo pipeline.run(x) [plain], unannotated stages",
            "p.run(x)",
            {"p": unannotated},
            value,
        ),
        make(
            "wumbo_plain_lambdas",
            "wumbo pipeline.run(x) [plain], lambdas",
            "p.run(x)",
            {"p": lambdas},
            value,
        ),
        make(
            "wumbo_result_unannotated",
            "wumbo pipeline(x) [Result], unannotated stages",
            "p(x)",
            {"p": unannotated},
            success,
        ),
        make("toolz", "toolz compose_left(*fns)", "f(x)", {"f": toolz.compose_left(*fns)}, value),
        make(
            "cytoolz",
            "cytoolz compose_left(*fns)",
            "f(x)",
            {"f": cytoolz.compose_left(*fns)},
            value,
        ),
        make(
            "returns_flow",
            "returns flow(x, *fns)",
            "flow(x, *fns)",
            {"flow": returns_flow, "fns": fns},
            value,
        ),
        make("returns_pipe", "returns pipe(*fns)", "f(x)", {"f": returns_pipe(*fns)}, value),
        make(
            "expression_pipe",
            "Expression pipe(x, *fns)",
            "pipe(x, *fns)",
            {"pipe": expression_pipe, "fns": fns},
            value,
        ),
    ]


def failure_candidates() -> list[Candidate]:
    """The failure-path group: stage ``FAILURE_AT`` of ``FAILURE_SIZE`` raises, baseline first."""
    group = f"failure N={FAILURE_SIZE}"
    names = ["inc"] * FAILURE_SIZE
    names[FAILURE_AT - 1] = "boom"
    handled = hand_written(
        "try_failure",
        names,
        "try:\n    return Success({call})\nexcept Exception as e:\n    return Failure(e)",
    )
    pipeline = wumbo_pipe(*(boom if name == "boom" else inc for name in names))

    def plain_failure(result: object) -> bool:
        return isinstance(result, Failure) and isinstance(result.failure(), ValueError)

    def stage_failure(result: object) -> bool:
        if not isinstance(result, Failure):
            return False
        error = result.failure()
        return (
            isinstance(error, StageError)
            and error.position == FAILURE_AT
            and isinstance(error.error, ValueError)
        )

    return [
        Candidate(
            group,
            "try_failure",
            "hand-written try/except + Failure",
            "f(x)",
            {"f": handled, "x": START},
            plain_failure,
        ),
        Candidate(
            group,
            "wumbo_failure",
            "wumbo pipeline(x) [Result]",
            "p(x)",
            {"p": pipeline, "x": START},
            stage_failure,
        ),
    ]


def candidates() -> list[Candidate]:
    """Every row of the report, group by group, each group's baseline first."""
    groups = [success_candidates(n) for n in SIZES] + [failure_candidates()]
    return [candidate for group in groups for candidate in group]


def run(settings: Settings) -> dict[str, Any]:
    """Measure every candidate in one interleaved session, print the report, return its data."""
    groups = {f"N={n}": success_candidates(n) for n in SIZES}
    failure_group = f"failure N={FAILURE_SIZE}"
    groups[failure_group] = failure_candidates()
    candidates = [candidate for group in groups.values() for candidate in group]
    results = measure(candidates, settings)

    def get(group: str, key: str) -> Measurement:
        return results[f"{group}/{key}"]

    def ratio(group: str, key: str, over: str) -> float:
        return get(group, key).min_ns / get(group, over).min_ns

    rounds = min(len(result.samples_ns) for result in results.values())
    print(f"core: {DESCRIPTION}")
    print(
        f"  {len(candidates)} candidates timed round-robin, {rounds} samples each of "
        f"~{settings.sample_ms:g} ms; figures are the minimum ns per call (median beside it)"
    )
    titles = {f"N={n}": f"N = {n} stage{'s' if n > 1 else ''} of inc" for n in SIZES}
    titles[failure_group] = (
        f"failure path: N = {FAILURE_SIZE}, stage {FAILURE_AT} of {FAILURE_SIZE} raises ValueError"
    )
    for group, members in groups.items():
        rows = [results[candidate.ident] for candidate in members]
        print()
        print(table(titles[group], rows, rows[0]))

    ratios: list[dict[str, Any]] = []
    print()
    print("ratios (same run, minimum over minimum)")
    for n in SIZES:
        group = f"N={n}"
        for description, key, over in (
            ("plain call / nested call", "wumbo_plain", "nested"),
            ("plain call, unannotated / nested call", "wumbo_plain_unannotated", "nested"),
            ("plain call, lambdas / nested call", "wumbo_plain_lambdas", "nested"),
            (
                "Result call, unannotated / Success(nested)",
                "wumbo_result_unannotated",
                "success_nested",
            ),
            ("Result call / Success(nested call)", "wumbo_result", "success_nested"),
            ("plain call / cytoolz compose_left", "wumbo_plain", "cytoolz"),
        ):
            value = ratio(group, key, over)
            ratios.append({"group": group, "description": description, "ratio": value})
            print(f"  N = {n:<3} {description:<46}{value:>7.3f}x")
    value = ratio(failure_group, "wumbo_failure", "try_failure")
    description = "Result call failure / try-except + Failure"
    ratios.append({"group": failure_group, "description": description, "ratio": value})
    print(f"  N = {FAILURE_SIZE:<3} {description:<46}{value:>7.3f}x")

    targets = [
        Target(
            f"plain call <= 1.2x hand-written nested call, N = {n}",
            ratio(f"N={n}", "wumbo_plain", "nested"),
            1.2,
        )
        for n in (5, 20)
    ]
    targets += [
        Target(
            f"plain call of {what} <= 1.8x hand-written nested call, N = {n}",
            ratio(f"N={n}", key, "nested"),
            1.8,
        )
        for n in (5, 20)
        for what, key in (
            ("unannotated stages", "wumbo_plain_unannotated"),
            ("lambdas", "wumbo_plain_lambdas"),
        )
    ]
    targets += [
        Target(
            f"plain call faster than cytoolz compose_left, N = {n}",
            ratio(f"N={n}", "wumbo_plain", "cytoolz"),
            1.0,
            strict=True,
        )
        for n in (5, 20)
    ]
    targets += [
        Target(
            f"Result call <= 1.1x Success(nested call), N = {n}",
            ratio(f"N={n}", "wumbo_result", "success_nested"),
            1.1,
        )
        for n in (5, 20)
    ]
    targets.append(
        Target(
            f"failure path <= 1.2x try/except + one Failure, N = {FAILURE_SIZE}",
            ratio(failure_group, "wumbo_failure", "try_failure"),
            1.2,
        )
    )
    print_targets(targets)

    return {
        "description": DESCRIPTION,
        "samples": rounds,
        "groups": {
            group: [
                results[candidate.ident].as_dict(baseline=results[members[0].ident])
                for candidate in members
            ]
            for group, members in groups.items()
        },
        "ratios": ratios,
        "targets": [target.as_dict() for target in targets],
    }
