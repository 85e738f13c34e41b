"""A BaseTemplate's Template surface is its core form's: same results, nothing re-implemented."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from wumbo import Success, Template, template
from wumbo.framework import BaseTemplate, ExecutionContext, TemplateMetadata, create_transformer
from wumbo.framework.execution import DeferredContext


class Parse(BaseTemplate[int]):
    template_metadata = TemplateMetadata("parse", tags=["text"])

    def _execute_core(self, text: str, *, context: ExecutionContext) -> int:
        return int(text)


def double(n: int) -> int:
    return n * 2


async def collect(stream: Any) -> list[Any]:
    return [item async for item in stream]


#: Template's public methods a BaseTemplate does not take from its core form, and why.
OWN = {
    "__call__": "the seed's data call: the data or the original exception, not a Result",
    "__eq__": "templates compare by identity",
    "__hash__": "templates hash by identity",
    "__init__": "configured by keyword, not built from stages",
    "__reduce__": "pickles its state (the core form is rebuilt on demand)",
    "__repr__": "names the class and the template",
    "__setattr__": "a template's attributes are its configuration",
    "__delattr__": "a template's attributes are its configuration",
}


def _public_methods(cls: type) -> set[str]:
    names = set()
    for name, value in vars(cls).items():
        if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
            continue
        if name in {"__init_subclass__", "__class_getitem__", "__dict__", "__weakref__"}:
            continue
        if inspect.isfunction(value):
            names.add(name)
    return names


def test_every_template_method_is_delegated_or_deliberately_its_own() -> None:
    for name in _public_methods(Template) - OWN.keys():
        method = getattr(BaseTemplate, name)
        assert getattr(method, "__wrapped__", None) is getattr(Template, name), (
            f"BaseTemplate.{name} must delegate to the core form's {name}"
        )


def test_run_then_checked_and_mermaid_match_the_core_form() -> None:
    parse = Parse()
    core = parse.__wumbo_template__()
    assert core is parse.as_template()  # built once per instance
    assert parse.run("12") == core.run("12") == 12
    assert parse.then(double).run("4") == core.then(double).run("4") == 8
    assert parse.checked()("5") == core.checked()("5") == Success(5)
    assert parse.to_mermaid() == core.to_mermaid()
    with pytest.raises(ValueError) as raised:
        parse.run("x")
    assert "stage 'parse'" in raised.value.__notes__[-1]


def test_pipes_on_either_side_match_the_core_form() -> None:
    parse = Parse()
    core = parse.as_template()
    assert (parse | double).run("3") == (core | double).run("3") == 6
    assert (str.strip | parse).run(" 3 ") == (str.strip | core).run(" 3 ") == 3
    assert (template(str.strip) | parse).run(" 4 ") == 4
    assert (parse | double).then(str).stages[-1].name == "str"
    assert (parse | double).stages[0].name == "parse"
    ours, theirs = (parse | double)("x").failure(), (core | double)("x").failure()
    assert str(ours) == str(theirs)
    assert (ours.stage, ours.position) == (theirs.stage, theirs.position) == ("parse", 1)


def test_map_matches_the_core_form() -> None:
    parse = Parse()
    items = ["1", "x", "3"]
    ours = [result.value_or(None) for result in parse.map(items, concurrency=2)]
    theirs = [result.value_or(None) for result in parse.as_template().map(items, concurrency=2)]
    assert ours == theirs == [1, None, 3]


@pytest.mark.anyio
async def test_async_forms_match_the_core_form() -> None:
    parse = Parse()
    core = parse.as_template()
    assert await parse.acall("7") == await core.acall("7") == Success(7)
    assert await parse.arun("8") == await core.arun("8") == 8
    ours = await collect(parse.amap(["1", "2"], concurrency=2))
    theirs = await collect(core.amap(["1", "2"], concurrency=2))
    assert ours == theirs == [Success(1), Success(2)]


def test_unknown_options_fail_as_the_core_form_does() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'speed'"):
        Parse().map(["1"], speed=3)


def test_metadata_is_declared_once_and_copied_per_instance() -> None:
    first, second = Parse(), Parse()
    first.metadata.tags.append("mine")
    assert second.metadata.tags == ["text"]
    assert Parse.template_metadata is not None
    assert Parse.template_metadata.tags == ["text"]


def test_a_data_call_makes_the_context_fields_only_when_read() -> None:
    transformer = create_transformer(factor=3)
    context = DeferredContext(transformer)
    assert {"execution_id", "config", "metadata"}.isdisjoint(vars(context))
    assert context.config == {"factor": 3}
    assert context.config is not transformer.config
    first = context.execution_id
    assert context.execution_id == first
    assert context == context
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        context.nothing  # pyright: ignore[reportAttributeAccessIssue]
