"""Composition of class-based templates: ``CompositeTemplate``, ``BaseTemplate.compose`` and
``compose_templates``.

Step one receives the composite's arguments; after each step a tuple **or list** result is
spread into the next step's positional arguments and any other result is passed as one
argument (decision 2). Every step shares the context and the keyword arguments. Nested
composites are flattened; an empty composite is a configuration error.

Examples:
    >>> from wumbo.framework import compose_templates, create_data_processor, create_transformer
    >>> doubled_plus_ten = compose_templates(
    ...     create_transformer(map_func=lambda n: n * 2),
    ...     create_data_processor(operation=lambda n: n + 10),
    ... )
    >>> doubled_plus_ten(1, 2, 3)
    [12, 14, 16]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wumbo.core.stage import describe
from wumbo.framework._checks import is_instance
from wumbo.framework.base import BaseTemplate
from wumbo.framework.default_registry import get_template
from wumbo.framework.errors import TemplateConfigError
from wumbo.framework.execution import ExecutionContext
from wumbo.framework.metadata import TemplateMetadata, TemplateType

__all__ = ["CompositeTemplate", "compose_templates"]


def _flattened(templates: Iterable[object]) -> list[BaseTemplate[Any]]:
    flat: list[BaseTemplate[Any]] = []
    for position, step in enumerate(templates, start=1):
        if isinstance(step, CompositeTemplate):
            flat.extend(step.templates)
        elif isinstance(step, BaseTemplate):
            flat.append(step)  # pyright: ignore[reportUnknownArgumentType]
        else:
            raise TemplateConfigError(
                f"CompositeTemplate: step {position} must be a BaseTemplate, got {describe(step)}"
            )
    return flat


class CompositeTemplate(BaseTemplate[Any]):
    """Run templates one after the other; see the module docstring for how results flow.

    Examples:
        >>> from wumbo.framework import CompositeTemplate
        >>> CompositeTemplate([])
        Traceback (most recent call last):
        ...
        wumbo.framework.errors.TemplateConfigError: CompositeTemplate needs at least one template, got none
    """

    def __init__(self, templates: Iterable[BaseTemplate[Any]], **config: Any) -> None:
        if is_instance(templates, BaseTemplate) or not is_instance(templates, Iterable):
            raise TemplateConfigError(
                f"CompositeTemplate expects a list of templates, got {describe(templates)}"
            )
        self.templates = _flattened(templates)
        super().__init__(**config)

    def _get_metadata(self) -> TemplateMetadata:
        count = len(self.templates)
        return TemplateMetadata(
            name=f"composite_{count}_templates",
            description=f"Composite of {count} templates",
            template_type=TemplateType.PIPELINE,
        )

    def _validate_config(self) -> None:
        if not self.templates:
            raise TemplateConfigError("CompositeTemplate needs at least one template, got none")

    def _execute_core(self, *args: Any, context: ExecutionContext, **kwargs: Any) -> Any:
        current: tuple[Any, ...] = args
        result: Any = None
        for step in self.templates:
            result = step(*current, context=context, **kwargs)
            spread: bool = isinstance(result, tuple | list)
            current = tuple(result) if spread else (result,)
        return result


def compose_templates(*templates: BaseTemplate[Any] | str) -> CompositeTemplate:
    """A [`CompositeTemplate`][wumbo.framework.composite.CompositeTemplate] of the templates, in order; a name is resolved with
    ``get_template(name)`` (no config).

    Examples:
        >>> compose_templates("transformer", 5)
        Traceback (most recent call last):
        ...
        ValueError: Invalid template type: expected a BaseTemplate or a registered template name, got int 5 (argument 2)
    """
    resolved: list[BaseTemplate[Any]] = []
    for position, step in enumerate(templates, start=1):
        if isinstance(step, str):
            resolved.append(get_template(step))
        elif is_instance(step, BaseTemplate):
            resolved.append(step)
        else:
            raise ValueError(
                f"Invalid template type: expected a BaseTemplate or a registered template "
                f"name, got {describe(step)} (argument {position})"
            )
    return CompositeTemplate(resolved)


BaseTemplate._composite_class = CompositeTemplate  # pyright: ignore[reportPrivateUsage]
