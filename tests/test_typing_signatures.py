"""Declarations that only the checkers read, kept in step with the ones the runtime uses."""

from __future__ import annotations

import importlib
import inspect
import typing

from wumbo.decorators.trace import TraceOptions, trace

# the module itself: ``wumbo.decorators.trace`` is also the name of the function it exports
trace_module = importlib.import_module("wumbo.decorators.trace")


def test_trace_with_a_stage_takes_the_options_of_its_keyword_form() -> None:
    keyword_form = next(
        function
        for function in typing.get_overloads(trace)
        if "backend" in inspect.signature(function).parameters
    )
    expected = typing.get_type_hints(keyword_form)
    expected.pop("return")
    keywords = typing.get_type_hints(trace_module._TraceKeywords)
    assert keywords == expected
    assert tuple(keywords) == TraceOptions.names()
    assert trace_module._TraceKeywords.__required_keys__ == frozenset()


def test_every_stage_form_of_trace_takes_the_options() -> None:
    stage_forms = [
        inspect.signature(function)
        for function in typing.get_overloads(trace)
        if "stage" in inspect.signature(function).parameters
    ]
    assert len(stage_forms) == 5
    for signature in stage_forms:
        options = signature.parameters["options"]
        assert options.kind is inspect.Parameter.VAR_KEYWORD
        assert options.annotation == "Unpack[_TraceKeywords]"
