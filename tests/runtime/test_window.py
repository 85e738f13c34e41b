"""The window's bounds, checked on random schedules of admissions, finishes and takes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Success

from wumbo.runtime.window import Window


@given(
    limit=st.integers(1, 8),
    ordered=st.booleans(),
    steps=st.lists(st.sampled_from(["admit", "finish", "take"]), max_size=200),
    choice=st.randoms(use_true_random=False),
)
def test_bounds_hold_and_every_result_comes_out_once(
    limit: int, ordered: bool, steps: list[str], choice: object
) -> None:
    import random

    assert isinstance(choice, random.Random)
    window = Window(limit, ordered)
    running: list[int] = []
    admitted, taken = 0, []
    for step in steps:
        if step == "admit" and window.has_room():
            running.append(window.admit())
            admitted += 1
        elif step == "finish" and running:
            index = running.pop(choice.randrange(len(running)))
            window.finish(index, Success(index))
        elif step == "take":
            result = window.take()
            if result is not None:
                taken.append(result.unwrap())
        assert window.in_flight == len(running) <= limit
        assert admitted - len(taken) <= 2 * limit
    for index in running:
        window.finish(index, Success(index))
    while (result := window.take()) is not None:
        taken.append(result.unwrap())
    assert sorted(taken) == list(range(admitted))
    assert window.drained
    if ordered:
        assert taken == list(range(admitted))


def test_a_limit_below_one_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="at least 1"):
        Window(0, True)
