"""A core that never reads its context shares one across unrecorded pipe-stage runs; any sign of
a read (or anything the check cannot see through) keeps a fresh context per run."""

from __future__ import annotations

import copy
import functools
import pickle
import sys
from collections.abc import Callable
from typing import Any

from wumbo import template
from wumbo.decorators.observers import Event
from wumbo.framework import BaseTemplate, ExecutionContext, TemplateMetadata
from wumbo.framework._context_use import reads_context


def ignores(self: object, n: int, *, context: ExecutionContext) -> int:
    return n + 1


def reads_an_attribute(self: object, n: int, *, context: ExecutionContext) -> int:
    return n + len(context.config)


def passes_it_on(self: object, n: int, *, context: ExecutionContext) -> int:
    return int(str(context))


def closes_over_it(self: object, n: int, *, context: ExecutionContext) -> int:
    return (lambda: len(context.config))() + n


def reads_it_in_a_comprehension(self: object, n: int, *, context: ExecutionContext) -> list[str]:
    return [str(context) for _ in range(n)]  # the comprehension's own code reads it


def rebinds_then_reads(self: object, n: int, *, context: ExecutionContext) -> object:
    context = context  # a read, whatever it is stored into
    return context


def only_rebinds(self: object, n: int, *, context: ExecutionContext) -> int:
    context = None  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]  # noqa: F841
    return n


def through_locals(self: object, n: int, *, context: ExecutionContext) -> object:
    return locals()["context"]


def through_the_frame(self: object, n: int, *, context: ExecutionContext) -> object:
    return sys._getframe().f_locals["context"]  # pyright: ignore[reportPrivateUsage]


def through_eval(self: object, n: int, *, context: ExecutionContext) -> object:
    return eval("context")


def keyword_catch_all(self: object, n: int, **kwargs: Any) -> int:
    return n


def _wrapped(core: Callable[..., int]) -> Callable[..., int]:
    @functools.wraps(core)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        return core(*args, **kwargs)

    return wrapper


def test_a_core_that_never_names_its_context_does_not_read_it() -> None:
    assert not reads_context(ignores)
    assert not reads_context(only_rebinds)


def test_every_way_of_reaching_the_context_counts_as_a_read() -> None:
    for core in (
        reads_an_attribute,
        passes_it_on,
        closes_over_it,
        reads_it_in_a_comprehension,
        rebinds_then_reads,
        through_locals,
        through_the_frame,
        through_eval,
    ):
        assert reads_context(core), core.__name__


def test_what_the_check_cannot_see_through_counts_as_a_read() -> None:
    assert reads_context(keyword_catch_all)  # the context hides in **kwargs
    assert reads_context(_wrapped(ignores))  # a decorator's wrapper forwards it
    assert reads_context(functools.partial(ignores, None))
    assert reads_context(print)


seen: list[ExecutionContext] = []


class Ignoring(BaseTemplate[int]):
    template_metadata = TemplateMetadata("ignoring")

    def _execute_core(self, n: int, *, context: ExecutionContext) -> int:
        return n + 1


class Reading(Ignoring):
    """The same template whose core reads its context: the subclass is checked on its own."""

    def _execute_core(self, n: int, *, context: ExecutionContext) -> int:
        seen.append(context)
        return n + 1


def test_a_core_that_reads_gets_a_fresh_context_per_pipe_run() -> None:
    seen.clear()
    pipeline = template(int) | Reading()
    assert [pipeline.run("1"), pipeline.run("2")] == [2, 3]
    assert seen[0] is not seen[1]
    assert seen[0].execution_id != seen[1].execution_id


def test_observers_still_get_each_runs_own_context_after_unrecorded_runs() -> None:
    ignoring = Ignoring(limit=2)
    pipeline = template(int) | ignoring
    assert pipeline.run("1") == 2  # unrecorded: the shared context is made here
    contexts: list[object] = []

    def hook(event: Event) -> None:
        if event.kind == "start":
            contexts.append(event.detail)

    ignoring.add_observer(hook)
    assert [pipeline.run("2"), pipeline.run("3")] == [3, 4]
    assert len(contexts) == 2
    first, second = contexts
    assert isinstance(first, ExecutionContext)
    assert isinstance(second, ExecutionContext)
    assert first.execution_id != second.execution_id
    assert first is not ignoring._shared_context  # pyright: ignore[reportPrivateUsage]


def test_copies_and_pickles_make_their_own_shared_context() -> None:
    ignoring = Ignoring(limit=2)
    assert ignoring(1) == 2
    for clone in (pickle.loads(pickle.dumps(ignoring)), copy.copy(ignoring)):
        assert clone._shared_context is None  # pyright: ignore[reportPrivateUsage]
        assert (template(int) | clone).run("5") == 6
        shared = clone._shared_context  # pyright: ignore[reportPrivateUsage]
        assert shared is not None
        assert shared is not ignoring._shared_context  # pyright: ignore[reportPrivateUsage]
