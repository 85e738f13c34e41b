"""Declarations that only the checkers read, kept in step with the ones the runtime uses.

``trace``, ``metrics`` and ``sandbox`` take their options alone (``trace(backend="logging")``,
a decorator) or with the stage (``trace(stage, backend="logging")``, the decorated stage). The
keyword overload names each option with its default; the stage overloads take
``**options: Unpack[<TypedDict>]``. These tests keep the two declarations, and the options
object the runtime builds, naming the same options with the same types.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
import typing
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from wumbo import Template
from wumbo.decorators._options import Options
from wumbo.decorators.metrics import MetricsOptions, metrics
from wumbo.decorators.sandbox import SandboxOptions, sandbox
from wumbo.decorators.trace import TraceOptions, trace

# the modules themselves: ``wumbo.decorators.trace`` is also the name of the function it exports
DECORATORS: list[tuple[Callable[..., Any], ModuleType, str, type[Options]]] = [
    (trace, importlib.import_module("wumbo.decorators.trace"), "_TraceKeywords", TraceOptions),
    (
        metrics,
        importlib.import_module("wumbo.decorators.metrics"),
        "_MetricsKeywords",
        MetricsOptions,
    ),
    (
        sandbox,
        importlib.import_module("wumbo.decorators.sandbox"),
        "_SandboxKeywords",
        SandboxOptions,
    ),
]
IDS = [decorator.__name__ for decorator, *_ in DECORATORS]


@pytest.mark.parametrize(("decorator", "module", "keywords_name", "options"), DECORATORS, ids=IDS)
def test_with_a_stage_it_takes_the_options_of_its_keyword_form(
    decorator: Callable[..., Any], module: ModuleType, keywords_name: str, options: type[Options]
) -> None:
    keyword_form = next(
        function
        for function in typing.get_overloads(decorator)
        if "stage" not in inspect.signature(function).parameters
    )
    expected = typing.get_type_hints(keyword_form)
    expected.pop("return")
    keywords_type = getattr(module, keywords_name)
    keywords = typing.get_type_hints(keywords_type)
    assert keywords == expected
    assert tuple(keywords) == options.names()
    assert keywords_type.__required_keys__ == frozenset()


@pytest.mark.parametrize(("decorator", "module", "keywords_name", "options"), DECORATORS, ids=IDS)
def test_every_stage_form_takes_the_options(
    decorator: Callable[..., Any], module: ModuleType, keywords_name: str, options: type[Options]
) -> None:
    stage_forms = [
        inspect.signature(function)
        for function in typing.get_overloads(decorator)
        if "stage" in inspect.signature(function).parameters
    ]
    assert len(stage_forms) == 5  # Template, async Result, async, Result, plain
    for signature in stage_forms:
        given = signature.parameters["options"]
        assert given.kind is inspect.Parameter.VAR_KEYWORD
        assert given.annotation == f"Unpack[{keywords_name}]"


def _parse(text: str) -> int:
    return int(text)


@pytest.mark.parametrize(("decorator", "module", "keywords_name", "options"), DECORATORS, ids=IDS)
def test_the_runtime_takes_every_option_with_the_stage(
    decorator: Callable[..., Any], module: ModuleType, keywords_name: str, options: type[Options]
) -> None:
    defaults = {
        field.name: field.default for field in dataclasses.fields(typing.cast("Any", options))
    }
    for name in options.names():
        given = decorator(_parse, **{name: defaults[name]})
        assert isinstance(given, Template), name
        assert given.__name__ == decorator(_parse).__name__, name
    with pytest.raises(TypeError, match=rf"{options.feature} got unknown options \['nme'\]"):
        decorator(_parse, nme=1)


@pytest.mark.parametrize(
    ("decorator", "bad", "message"),
    [
        (trace, {"level": 0}, "trace level must be a positive int, got int 0"),
        (metrics, {"collector": []}, "collector must be a MetricsCollector, got list []"),
        (sandbox, {"cpu_seconds": 0}, "sandbox cpu_seconds must be a positive number"),
    ],
    ids=IDS,
)
def test_an_option_given_with_the_stage_is_checked_as_in_the_keyword_form(
    decorator: Callable[..., Any], bad: dict[str, Any], message: str
) -> None:
    with pytest.raises((TypeError, ValueError), match=re.escape(message)):
        decorator(**bad)
    with pytest.raises((TypeError, ValueError), match=re.escape(message)):
        decorator(_parse, **bad)
