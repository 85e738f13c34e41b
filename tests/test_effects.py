"""Behaviours written once (``wumbo.core.effects``): the drivers and the derived functions.

Every behaviour runs four ways: the sync and the async driver stepping the generator (what
``WUMBO_NO_CODEGEN=1`` uses), and the sync and async plain functions derived from its source
(the default). Each test checks that all four agree.
"""

from __future__ import annotations

import inspect
import os
import pickle
import subprocess
import sys
import traceback
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from returns.result import Failure, Success

from wumbo import template
from wumbo.core.effects import (
    Apply,
    Behaviour,
    Call,
    CallAll,
    Sleep,
    behaviour_step,
    drive,
    drive_async,
)
from wumbo.core.effects_compile import derived

# -- behaviours under test (module level: derived code is compiled from their source) ---------

LOG: list[str] = []


def twice(inner: Any, value: Any) -> Behaviour:
    first = yield Call(inner, value)
    second = yield Call(inner, first.unwrap())
    return second


def nothing(value: Any) -> Behaviour:
    return value * 2
    yield  # a generator that yields nothing


def guarded(inner: Any, value: Any) -> Behaviour:
    LOG.append("open")
    try:
        result = yield Call(inner, value)
    except ValueError as error:
        LOG.append(f"caught {error}")
        return "handled"
    finally:
        LOG.append("closed")
    return result


def napping(seconds: float, value: Any) -> Behaviour:
    yield Sleep(seconds)
    return value


def applying(function: Callable[..., Any], value: Any) -> Behaviour:
    return (yield Apply(function, value, "extra"))


def both(inners: tuple[Any, ...], value: Any) -> Behaviour:
    return (yield CallAll(inners, value))


class Boom:
    """A request that raises, to see the exception thrown in at the ``yield``."""

    def run_sync(self) -> Any:
        raise ValueError("boom")

    async def run_async(self) -> Any:
        raise ValueError("boom")


def raising(value: Any) -> Behaviour:
    try:
        yield Boom()
    except ValueError as error:
        return f"{value}: {error}"
    return "not reached"


# -- the four ways of running one -------------------------------------------------------------


def run_driven(behaviour: Callable[..., Behaviour], *args: Any) -> Any:
    return drive(behaviour, *args)


def run_driven_async(behaviour: Callable[..., Behaviour], *args: Any) -> Any:
    return anyio.run(drive_async, behaviour, *args)


def run_derived(behaviour: Callable[..., Behaviour], *args: Any) -> Any:
    return derived(behaviour, is_async=False)(*args)


def run_derived_async(behaviour: Callable[..., Behaviour], *args: Any) -> Any:
    return anyio.run(derived(behaviour, is_async=True), *args)


WAYS = pytest.mark.parametrize(
    "run", [run_driven, run_driven_async, run_derived, run_derived_async]
)


def inc(n: int) -> int:
    return n + 1


async def ainc(n: int) -> int:
    return n + 1


@WAYS
def test_calls_in_order_and_returns_what_the_generator_returns(run: Any) -> None:
    assert run(twice, template(inc), 1) == Success(3)
    assert run(twice, template(ainc), 1) == Success(3)


@WAYS
def test_a_generator_that_yields_nothing_returns_at_once(run: Any) -> None:
    assert run(nothing, 21) == 42


@WAYS
def test_an_exception_is_thrown_in_at_the_yield(run: Any) -> None:
    assert run(raising, "x") == "x: boom"


@WAYS
def test_try_finally_around_a_yield_runs_on_success_and_on_a_raise(run: Any) -> None:
    LOG.clear()
    assert run(guarded, template(inc), 1) == Success(2)
    assert LOG == ["open", "closed"]
    LOG.clear()

    def interrupt(value: int) -> int:
        raise KeyboardInterrupt  # not caught by the stage's Result: thrown in, then re-raised

    with pytest.raises(KeyboardInterrupt):
        run(guarded, template(interrupt), 1)
    assert LOG == ["open", "closed"]


@WAYS
def test_sleep_and_apply(run: Any) -> None:
    assert run(napping, 0, "rested") == "rested"
    assert run(applying, lambda value, extra: f"{value}+{extra}", "v") == "v+extra"


@pytest.mark.parametrize("run", [run_driven_async, run_derived_async])
def test_apply_awaits_an_async_function_in_async_code(run: Any) -> None:
    async def join(value: str, extra: str) -> str:
        await anyio.sleep(0)
        return f"{value}+{extra}"

    assert run(applying, join, "v") == "v+extra"


@WAYS
def test_call_all_reports_the_first_failure(run: Any) -> None:
    def declared(n: int) -> Any:
        return Failure("no")

    results = run(both, (template(inc), template(declared), template(inc)), 1)
    assert results[:2] == [Success(2), Failure("no")]
    assert results[2] is None or results[2] == Success(2)  # sync stops; async may finish it


def test_call_all_sync_stops_at_the_first_failure() -> None:
    calls: list[int] = []

    def declared(n: int) -> Any:
        return Failure("no")

    def counted(n: int) -> int:
        calls.append(n)
        return n

    assert drive(both, (template(declared), template(counted)), 1) == [Failure("no"), None]
    assert calls == []


@pytest.mark.parametrize("behaviour_runner", [drive_async, "derived"])
def test_cancellation_is_thrown_in_and_the_generator_cleans_up(behaviour_runner: Any) -> None:
    LOG.clear()
    started = anyio.Event()

    async def forever(n: int) -> int:
        started.set()
        await anyio.sleep_forever()
        return n

    async def main() -> None:
        async with anyio.create_task_group() as group:
            if behaviour_runner == "derived":
                group.start_soon(derived(guarded, is_async=True), template(forever), 1)
            else:
                group.start_soon(drive_async, guarded, template(forever), 1)
            await started.wait()
            group.cancel_scope.cancel()

    anyio.run(main)
    assert LOG == ["open", "closed"]  # not "caught": the cancellation went through


def test_call_all_async_cancels_the_other_branches_at_a_failure() -> None:
    cancelled: list[bool] = []

    async def declared(n: int) -> Any:
        await anyio.sleep(0)
        return Failure("no")

    async def slow(n: int) -> int:
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            cancelled.append(True)
            raise
        return n

    results = anyio.run(drive_async, both, (template(slow), template(declared)), 1)
    assert results == [None, Failure("no")]
    assert cancelled == [True]


def test_derived_code_is_debuggable_with_the_behaviours_own_lines() -> None:
    function = derived(raising, is_async=False)
    assert function.__qualname__ == "raising"
    assert "yield Boom()" in inspect.getsource(function)

    def fails(n: int) -> int:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as caught:
        derived(twice, is_async=False)(template(fails), 1)
    lines = traceback.format_tb(caught.value.__traceback__)
    assert any(__file__ in line and "first = yield Call(inner, value)" in line for line in lines)


def test_a_behaviour_must_be_a_module_level_generator() -> None:
    captured = 1

    def closure(value: Any) -> Behaviour:
        return value + captured
        yield

    with pytest.raises(TypeError, match="generator function defined at module level"):
        derived(closure, is_async=False)
    with pytest.raises(TypeError, match="generator function defined at module level"):
        derived(inc, is_async=False)


@pytest.mark.parametrize("is_async", [False, True])
def test_a_behaviour_step_pickles_and_compares_equal(is_async: bool) -> None:
    step = behaviour_step("twice(inc)", is_async, twice, template(inc))
    clone = pickle.loads(pickle.dumps(step))
    assert clone == step
    assert (anyio.run(clone, 1) if is_async else clone(1)) == Success(3)


def test_without_codegen_the_drivers_run_the_generators() -> None:
    script = (
        "from wumbo.core.effects import behaviour_step, drive;"
        "from wumbo.core.combinators import _tap;"
        "import pickle;"
        "step = behaviour_step('tap', False, _tap, None);"
        "assert step.impl is drive, step.impl;"
        "assert pickle.loads(pickle.dumps(step)) == step"
    )
    environment = {**os.environ, "WUMBO_NO_CODEGEN": "1"}
    subprocess.run([sys.executable, "-c", script], check=True, env=environment)
