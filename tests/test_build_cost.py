"""Building a pipeline where it is used stays cheap: caches by callable and by shape."""

from __future__ import annotations

import gc
import weakref

import pytest
from returns.result import Success

from wumbo import Template, map_items, template
from wumbo.core import compile as compile_module
from wumbo.core import template as template_module
from wumbo.core.stage import Stage


def inc(n: int) -> int:
    return n + 1


def test_pipelines_built_and_called_once_compile_their_shape_after_two_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(compile_module, "_makers", {})
    monkeypatch.setattr(template_module, "_makes", {})
    monkeypatch.setattr(compile_module, "_interpreted", {})
    built = [template(inc) | inc for _ in range(3)]
    assert [pipeline(1) for pipeline in built] == [Success(3)] * 3
    assert ["_call" in pipeline.__dict__ for pipeline in built] == [False, False, True]


def test_pipelines_of_the_same_shape_share_their_generated_code() -> None:
    def build_and_use() -> None:
        pipeline = template(inc) | inc | (lambda n: n * 2)
        for _ in range(3):
            assert pipeline(1) == Success(6)

    build_and_use()
    shapes = dict(compile_module._makers)
    build_and_use()
    assert compile_module._makers == shapes  # nothing generated again


def test_a_pipeline_of_a_known_shape_binds_its_code_at_the_first_call() -> None:
    first = template(inc) | (lambda n: n * 2)
    for _ in range(3):
        first(1)
    again = template(inc) | (lambda n: n * 3)
    assert again(1) == Success(6)
    assert "_call" in again.__dict__  # compiled at once: no interpreted calls


def test_the_first_calls_of_a_new_shape_are_interpreted_then_the_pipeline_compiles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(compile_module, "_makers", {})
    monkeypatch.setattr(template_module, "_makes", {})  # every shape is new
    monkeypatch.setattr(compile_module, "_interpreted", {})
    pipeline = template(inc) | inc
    assert pipeline(1) == Success(3)
    assert pipeline.run(1) == 3
    assert "_call" not in pipeline.__dict__
    assert "run" not in pipeline.__dict__
    assert pipeline(1) == Success(3)
    assert "_call" in pipeline.__dict__  # compiled: later calls go straight to generated code
    assert pipeline.run(2) == 4
    assert "run" in pipeline.__dict__
    assert template(inc)(1) == Success(2)  # the next pipeline of that shape is compiled at once


def test_the_interpreted_first_calls_fail_like_compiled_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(compile_module, "_makers", {})
    monkeypatch.setattr(template_module, "_makes", {})
    monkeypatch.setattr(compile_module, "_interpreted", {})
    pipeline = template(int) | inc
    interpreted = pipeline("x").failure()
    pipeline(1)
    compiled = pipeline("x").failure()
    assert (interpreted.stage, interpreted.position, interpreted.input) == ("int", 1, "x")
    assert (compiled.stage, compiled.position, compiled.input) == ("int", 1, "x")


def test_caches_keep_no_function_alive() -> None:
    refs = []
    for offset in range(50):
        function = eval(f"lambda n: n + {offset}")  # a fresh function each time
        refs.append(weakref.ref(function))
        pipeline = template(function) | inc | map_items(function)
        for _ in range(3):
            pipeline(1)
        del function, pipeline
    gc.collect()
    assert [ref for ref in refs if ref() is not None] == []


def test_an_inspection_is_reused_but_options_still_apply() -> None:
    plain, named = Stage.of(inc), Stage.of(inc, name="increment", blocking=True)
    assert plain.name == "inc"
    assert (named.name, named.blocking, named.in_hint) == ("increment", True, int)


class _TakesText:
    """Equal to every ``_TakesNumber``: equality must not merge inspections."""

    def __call__(self, text: str) -> int:
        return int(text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _TakesText | _TakesNumber)

    def __hash__(self) -> int:
        return 0


class _TakesNumber:
    def __call__(self, n: int) -> str:
        return str(n)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _TakesText | _TakesNumber)

    def __hash__(self) -> int:
        return 0


def test_equal_callables_with_different_signatures_get_their_own_inspection() -> None:
    text, number = _TakesText(), _TakesNumber()
    assert text == number
    assert hash(text) == hash(number)
    first, second = Stage.of(text), Stage.of(number)
    assert (first.in_hint, first.out_hint) == (str, int)
    assert (second.in_hint, second.out_hint) == (int, str)
    assert (Stage.of(text).in_hint, Stage.of(number).in_hint) == (str, int)  # cached: still apart


def test_the_inspection_cache_forgets_a_callable_when_it_dies() -> None:
    from wumbo.core import stage as stage_module

    before = len(stage_module._inspections)
    functions = [eval(f"lambda n: n + {offset}") for offset in range(20)]
    refs = [weakref.ref(function) for function in functions]
    for function in functions:
        Stage.of(function)
    assert len(stage_module._inspections) == before + 20
    del function, functions
    gc.collect()
    assert [ref for ref in refs if ref() is not None] == []
    assert len(stage_module._inspections) == before


def test_a_known_shape_renames_its_code_once_per_pipeline_name() -> None:
    def build() -> None:
        pipeline = template(inc) | inc | (lambda n: n - 1)
        for _ in range(3):
            assert pipeline(1) == Success(2)

    build()
    (names,) = [
        by_label
        for by_label in compile_module._makers.values()
        if "inc | inc | <lambda>" in by_label
    ]
    renamed = names["inc | inc | <lambda>"]
    build()
    assert names["inc | inc | <lambda>"] is renamed  # reused, not renamed again


def test_the_names_kept_per_shape_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compile_module, "_LABELS_KEPT", 3)
    pipelines = [template(inc, name=f"step{index}") | inc for index in range(6)]
    for pipeline in pipelines:
        for _ in range(3):
            assert pipeline(1) == Success(3)
    by_label = next(names for names in compile_module._makers.values() if "step5 | inc" in names)
    assert len(by_label) <= 3
    assert "step0 | inc" not in by_label  # the oldest name was dropped first
    assert pipelines[0](1) == Success(3)  # still bound, and renamed again on a new build
    assert (template(inc, name="step0") | inc)(1) == Success(3)


def test_an_unhashable_hint_is_judged_without_the_verdict_cache() -> None:
    from typing import Literal

    def pick(text: str) -> Literal[["unhashable"]]:  # type: ignore[valid-type]
        return text

    def shout(text: str) -> str:
        return text.upper()

    with pytest.raises(TypeError, match="unhashable"):
        hash(Literal[["unhashable"]])
    assert (template(pick) | shout)("a") == Success("A")  # benefit of the doubt, no crash


def test_composing_makes_no_stage_objects_until_asked() -> None:
    pipeline = template(inc) | (lambda n: n * 2)
    assert "_stages" not in pipeline.__dict__  # only the callables and their infos
    stages = pipeline.stages
    assert [stage.name for stage in stages] == ["inc", "<lambda>"]
    assert stages[0] == Stage.of(inc)
    assert pipeline.stages is stages  # made once


def test_a_pipeline_built_again_binds_from_its_infos(monkeypatch: pytest.MonkeyPatch) -> None:
    def build() -> Template[int, int]:
        return template(inc) | inc | inc

    for _ in range(3):  # a new shape is interpreted twice, then compiled
        assert build()(1) == Success(4)
    key = (build()._infos, None, "_call")  # the same infos: kept per callable
    assert key in template_module._makes

    def no_new_binding(*args: object) -> None:
        raise AssertionError("a known pipeline was bound again")

    monkeypatch.setattr(template_module, "maker", no_new_binding)
    assert build()(1) == Success(4)


def test_the_bound_pipelines_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_module, "_makes", {})
    monkeypatch.setattr(template_module, "_MAKES_KEPT", 4)
    for index in range(10):
        assert (template(inc, name=f"bounded{index}") | inc)(1) == Success(3)
        assert len(template_module._makes) <= 4


def test_options_make_their_own_info_and_the_plain_one_is_shared() -> None:
    from wumbo.core.stage import stage_info

    assert stage_info(inc) is stage_info(inc)
    named = stage_info(inc, "increment", True, True)
    assert (named.name, named.blocking, named.check, named.kind) == (
        "increment",
        True,
        True,
        (True, False, True),
    )
    assert stage_info(inc).name == "inc"  # the shared one is untouched
    with pytest.raises(AttributeError, match="no setter"):
        named.name = "other"  # type: ignore[misc]


def test_the_same_or_a_missing_hint_is_not_judged(monkeypatch: pytest.MonkeyPatch) -> None:
    def untyped(n):  # type: ignore[no-untyped-def]
        return n

    def show(n: int) -> str:
        return str(n)

    def judged(produced: object, wanted: object) -> bool:
        raise AssertionError(f"judged {produced} -> {wanted}")

    monkeypatch.setattr(template_module, "may_fit", judged)
    assert (template(inc) | inc | untyped | inc)(1) == Success(4)  # int -> int, missing hints
    with pytest.raises(AssertionError, match="judged <class 'str'> -> <class 'int'>"):
        template(show) | inc  # type: ignore[operator]  # different hints still are


def test_hints_that_cannot_fit_are_still_refused() -> None:
    def show(n: int) -> str:
        return str(n)

    with pytest.raises(TypeError, match="'show' returns str but 'inc' takes int"):
        template(show) | inc  # type: ignore[operator]
