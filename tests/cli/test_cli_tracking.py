"""Timing every stage of ``wumbo run`` changes nothing a stage gives."""

from __future__ import annotations

import pickle
from typing import Any

import anyio
from returns.result import Failure, Result, Success

from wumbo import template
from wumbo.cli.reading import Numbered
from wumbo.cli.tracking import tracked


def half(n: int) -> int:
    return n // 2


async def ahalf(n: int) -> int:
    return n // 2


def lies(n: int) -> int:  # returns a Result object as its plain value
    result: Any = Success(n)
    return result  # type: ignore[no-any-return]


def declared(n: int) -> Result[int, str]:
    return Failure("odd") if n % 2 else Success(n)


def test_a_checked_stage_still_checks_its_input() -> None:
    pipeline = template(half, check=True)
    run = tracked(pipeline).run(Numbered(1, "x"))
    assert str(run.result) == str(pipeline("x"))  # type: ignore[arg-type]
    assert isinstance(run.result, Failure)
    assert [(stage.name, stage.ok) for stage in run.stages] == [("half", False)]


def test_an_async_checked_stage_still_checks_its_input() -> None:
    pipeline = template(ahalf, check=True)

    async def both() -> tuple[str, str]:
        run = await tracked(pipeline).acall(Numbered(1, "x"))
        return str(run.unwrap().result), str(await pipeline.acall("x"))  # type: ignore[arg-type]

    timed, plain = anyio.run(both)
    assert timed == plain
    assert "Failure" in timed


def test_a_result_object_returned_as_a_plain_value_stays_a_value() -> None:
    pipeline = template(lies) | str
    run = tracked(pipeline).run(Numbered(1, 3))
    assert run.result == pipeline(3) == Success("<Success: 3>")
    assert [stage.ok for stage in run.stages] == [True, True]


def test_declared_failures_count_as_failed_runs_of_their_stage() -> None:
    pipeline = template(declared) | half
    run = tracked(pipeline).run(Numbered(4, 3))
    assert run.result == pipeline(3) == Failure("odd")
    assert [(stage.name, stage.position, stage.ok) for stage in run.stages] == [
        ("declared", 1, False)
    ]


def test_a_timed_pipeline_pickles() -> None:
    copy = pickle.loads(pickle.dumps(tracked(template(declared) | half)))
    run = copy.run(Numbered(2, 8))
    assert (run.line, run.result) == (2, Success(4))
    assert [stage.name for stage in run.stages] == ["declared", "half"]


def test_the_generator_and_its_derived_functions_track_alike() -> None:
    """What ``WUMBO_NO_CODEGEN=1`` runs (the drivers) gives what the derived functions give."""
    from wumbo.cli.reading import Malformed
    from wumbo.cli.tracking import _run, _timed  # pyright: ignore[reportPrivateUsage]
    from wumbo.core.effects import drive, drive_async
    from wumbo.core.effects_compile import derived

    timed = _timed(template(half, check=True) | declared)
    atimed = _timed(template(ahalf, check=True, name="half") | declared)
    items = (Numbered(1, 8), Numbered(2, 6), Numbered(3, "x"), Numbered(4, Malformed("{", "bad")))
    for item in items:
        ways = (
            drive(_run, timed, item),
            derived(_run, is_async=False)(timed, item),
            anyio.run(drive_async, _run, atimed, item),
            anyio.run(derived(_run, is_async=True), atimed, item),
        )
        seen = {
            (
                run.line,
                type(run.result).__name__,
                run.result.value_or(None),
                tuple((stage.name, stage.ok) for stage in run.stages),
            )
            for run in ways
        }
        assert len(seen) == 1, seen
