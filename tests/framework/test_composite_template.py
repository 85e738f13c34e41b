"""CompositeTemplate and compose_templates: decision 2 (spread tuples and lists, flatten)."""

from __future__ import annotations

from typing import Any

import pytest

from wumbo.framework import (
    BaseTemplate,
    CompositeTemplate,
    ExecutionContext,
    TemplateConfigError,
    TemplateMetadata,
    TemplateType,
    compose_templates,
    create_aggregator,
    create_data_processor,
    create_transformer,
)


class Pair(BaseTemplate[tuple[int, int]]):
    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("pair")

    def _execute_core(self, n: int, *, context: ExecutionContext) -> tuple[int, int]:
        return (n, n + 1)


class Seen(BaseTemplate[tuple[Any, ...]]):
    """Returns its positional arguments and remembers the context and keywords it got."""

    def __init__(self) -> None:
        self.contexts: list[ExecutionContext] = []
        self.kwargs: list[dict[str, Any]] = []
        super().__init__()

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("seen")

    def _execute_core(self, *args: Any, context: ExecutionContext, **kwargs: Any) -> Any:
        self.contexts.append(context)
        self.kwargs.append(kwargs)
        return args


def test_a_list_result_is_spread_into_the_next_template() -> None:
    composite = compose_templates(
        create_transformer(map_func=lambda n: n * 2),
        create_data_processor(operation=lambda n: n + 10),
    )
    assert composite(1, 2, 3) == [12, 14, 16]


def test_a_tuple_result_is_spread_and_other_results_pass_as_one_argument() -> None:
    seen = Seen()
    assert CompositeTemplate([Pair(), seen])(4) == (4, 5)
    assert CompositeTemplate([create_aggregator(), seen])(1, 2) == (3,)


def test_steps_share_the_context_and_keywords() -> None:
    first, second = Seen(), Seen()
    composite = CompositeTemplate([first, second])
    result = composite.execute(1, flag=True)
    assert result.data == (1,)
    assert first.contexts == second.contexts == [result.context]
    assert first.kwargs == second.kwargs == [{"flag": True}]


def test_metadata_names_the_number_of_templates() -> None:
    metadata = CompositeTemplate([Pair(), Seen(), Seen()]).metadata
    assert metadata.name == "composite_3_templates"
    assert metadata.description == "Composite of 3 templates"
    assert metadata.template_type is TemplateType.PIPELINE


def test_nested_composites_are_flattened() -> None:
    inner = CompositeTemplate([Pair(), Seen()])
    outer = compose_templates(inner, Seen())
    assert len(outer.templates) == 3
    assert Pair().compose(inner).templates[1:] == inner.templates
    assert outer(1) == (1, 2)


def test_a_failing_step_fails_the_composite_with_its_exception() -> None:
    composite = compose_templates(create_transformer(map_func=lambda n: 1 // n), Seen())
    result = composite.execute(0)
    assert not result.success
    assert isinstance(result.error, ZeroDivisionError)


def test_names_are_resolved_in_the_shared_registry() -> None:
    composite = compose_templates("transformer", "aggregator")
    assert composite(1, 2, 3) == 6


def test_empty_composites_are_configuration_errors() -> None:
    with pytest.raises(TemplateConfigError, match="needs at least one template, got none"):
        CompositeTemplate([])
    with pytest.raises(TemplateConfigError, match="needs at least one template"):
        compose_templates()


def test_bad_steps_say_what_was_expected() -> None:
    with pytest.raises(ValueError, match=r"Invalid template type: .* got int 5 \(argument 2\)"):
        compose_templates("transformer", 5)  # type: ignore[arg-type]
    with pytest.raises(TemplateConfigError, match="step 1 must be a BaseTemplate, got str"):
        CompositeTemplate(["transformer"])  # type: ignore[list-item]
    with pytest.raises(TemplateConfigError, match="expects a list of templates, got Pair"):
        CompositeTemplate(Pair())  # type: ignore[arg-type]
