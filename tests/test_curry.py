"""wumbo.curry: toolz' currying at run time (its types are checked in tests/typing)."""

from __future__ import annotations

import toolz

from wumbo import curry, template


def scale(factor: float, amount: float) -> float:
    return amount * factor


def test_curry_is_a_toolz_curry_at_run_time() -> None:
    curried = curry(scale)
    assert isinstance(curried, toolz.curry)
    assert curried(2.0)(3.0) == curried(2.0, 3.0) == 6.0
    assert curried.func is scale


def test_arguments_given_to_curry_itself_are_bound() -> None:
    assert curry(scale, 2.0)(4.0) == 8.0
    assert curry(scale, factor=3.0)(amount=1.0) == 3.0


def test_a_curried_stage_composes_on_both_sides() -> None:
    assert (template(float) | curry(scale)(2.0)).run("1.5") == 3.0
    assert (curry(scale)(2.0) | template(str)).run(1.5) == "3.0"
