"""The legacy ``template(name, ...)`` decorator builds a working BaseTemplate subclass."""

from __future__ import annotations

import pytest

from wumbo.framework import (
    BaseTemplate,
    ExecutionContext,
    TemplateDecorator,
    TemplateType,
    get_registry,
    register_template,
    template,
)


def test_builds_a_class_with_the_metadata() -> None:
    @template("word_count", template_type=TemplateType.AGGREGATOR, version="2.1", tags=["text"])
    def word_count(*texts: str) -> int:
        """Count words."""
        return sum(len(text.split()) for text in texts)

    assert isinstance(word_count, type)
    assert issubclass(word_count, BaseTemplate)
    counter = word_count()
    assert counter("a b", "c d e") == 5
    metadata = counter.metadata
    assert (metadata.name, metadata.version, metadata.tags) == ("word_count", "2.1", ["text"])
    assert metadata.template_type is TemplateType.AGGREGATOR
    assert metadata.description == "Count words."
    assert word_count.__name__ == "WordCountTemplate"


def test_passes_context_only_to_functions_that_take_it() -> None:
    @template("with_context", description="explicit")
    def with_context(value: int, context: ExecutionContext) -> str:
        return f"{context.template_name}:{value}"

    assert with_context()(3) == "with_context:3"
    assert with_context().metadata.description == "explicit"

    @template("keywords")
    def keywords(value: int, scale: int = 1) -> int:
        return value * scale

    assert keywords()(3, scale=4) == 12


def test_each_instance_gets_its_own_metadata() -> None:
    Tagged = template("tagged", tags=["a"])(lambda: None)
    first, second = Tagged(), Tagged()
    first.metadata.tags.append("changed")
    assert second.metadata.tags == ["a"]


def test_is_not_registered_until_asked() -> None:
    Greeter = template("legacy_greeter")(lambda who: f"hi {who}")
    assert "legacy_greeter" not in get_registry()
    register_template(Greeter)
    try:
        assert get_registry().get("legacy_greeter")("ada") == "hi ada"
    finally:
        get_registry().unregister("legacy_greeter")


def test_misuse_says_what_was_expected() -> None:
    with pytest.raises(TypeError, match="name must be a non-empty str, got int 5"):
        template(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="template_type must be a TemplateType, got str"):
        template("x", template_type="custom")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="decorates a function, got int 3"):
        template("x")(3)  # type: ignore[arg-type]
    assert isinstance(template("x"), TemplateDecorator)
