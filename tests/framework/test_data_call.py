"""The data call (``tpl(x)`` and a pipe stage) skips the run's records only when nobody sees them."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from wumbo import template
from wumbo.framework import (
    BaseTemplate,
    ExecutionContext,
    ExecutionObserver,
    ExecutionResult,
    TemplateMetadata,
)


class Scale(BaseTemplate[int]):
    """Multiplies by its ``factor`` config, read from the run's context."""

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("scale")

    def _execute_core(self, n: int, *, context: ExecutionContext) -> int:
        if n < 0:
            raise ValueError(f"negative: {n}")
        factor: int = context.config["factor"]
        context.config["factor"] = 0  # a copy: the template's own config is untouched
        return n * factor


def test_the_fast_data_call_gives_the_core_a_fresh_context_per_run() -> None:
    scale = Scale(factor=3)
    pipeline = template(int) | scale
    assert [pipeline.run("2"), pipeline.run("2"), scale(4)] == [6, 6, 12]
    assert scale.config == {"factor": 3}


def test_observers_see_every_pipe_and_data_call() -> None:
    events: list[str] = []

    class Listener(ExecutionObserver):
        def on_execution_start(self, context: ExecutionContext) -> None:
            events.append("start")

        def on_execution_complete(self, result: ExecutionResult[Any]) -> None:
            events.append(f"complete {result.data} {result.execution_time is not None}")

        def on_execution_error(self, error: Exception, context: ExecutionContext) -> None:
            events.append(f"error {type(error).__name__}")

    scale = Scale(factor=2)
    scale.add_observer(Listener())
    pipeline = template(int) | scale
    assert pipeline.run("5") == 10
    assert isinstance(pipeline("-1").failure().error, ValueError)
    assert scale(1) == 2
    assert events == [
        "start",
        "complete 10 True",
        "start",
        "error ValueError",
        "start",
        "complete 2 True",
    ]


def test_an_overridden_execute_still_runs_for_the_data_call_and_the_pipe() -> None:
    class Audited(Scale):
        def execute(
            self, *args: Any, context: ExecutionContext | None = None, **kwargs: Any
        ) -> ExecutionResult[int]:
            result = super().execute(*args, context=context, **kwargs)
            return ExecutionResult(data=-1 if result.data is None else result.data + 1000)

    audited = Audited(factor=1)
    assert audited(2) == 1002
    assert (template(int) | audited).run("3") == 1003


def test_a_failure_on_the_fast_path_is_logged_and_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scale = Scale(factor=1)
    with caplog.at_level(logging.ERROR, logger="wumbo"), pytest.raises(ValueError, match="-4"):
        scale(-4)
    assert [record.getMessage() for record in caplog.records] == ["Execution failed: negative: -4"]


def test_a_context_passed_in_is_used_as_it_is() -> None:
    scale = Scale(factor=5)
    context = scale.create_context()
    assert scale._data(2, context=context) == 10  # pyright: ignore[reportPrivateUsage]
    assert context.config["factor"] == 0
    assert "execution_time" in context.metadata
