"""The original framework's class-building decorator: ``template("name", ...)`` on a function
gives a BaseTemplate subclass.

The generated class calls the function with the template's positional and keyword arguments,
plus ``context=`` when the function has a ``context`` parameter. It is not registered (use
``register_template`` or ``auto_register``). At the top level, ``wumbo.template`` is the core
decorator; this one lives in ``wumbo.framework``.

Examples:
    >>> from wumbo.framework import TemplateType, template
    >>> @template("word_count", template_type=TemplateType.AGGREGATOR)
    ... def word_count(*texts: str) -> int:
    ...     "Count the words of all texts."
    ...     return sum(len(text.split()) for text in texts)
    >>> counter = word_count()
    >>> counter("a b", "c"), counter.metadata.description
    (3, 'Count the words of all texts.')
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any

from wumbo.core.stage import describe
from wumbo.framework._checks import is_instance
from wumbo.framework.base import BaseTemplate
from wumbo.framework.execution import ExecutionContext
from wumbo.framework.metadata import TemplateMetadata, TemplateType

__all__ = ["TemplateDecorator", "template"]


def _accepts_context(function: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return "context" in parameters


class TemplateDecorator:
    """What ``template(name, ...)`` returns: apply it to a function to get a template class.

    Examples:
        >>> decorator = TemplateDecorator("echo", TemplateType.CUSTOM, "", {})
        >>> Echo = decorator(lambda *args: args)
        >>> Echo.__name__, Echo()(1, 2)
        ('EchoTemplate', (1, 2))
    """

    def __init__(
        self,
        name: str,
        template_type: TemplateType,
        description: str,
        metadata_kwargs: dict[str, Any],
    ) -> None:
        if not is_instance(name, str) or not name:
            raise TypeError(
                f"template(name, ...): name must be a non-empty str, got {describe(name)}"
            )
        if not is_instance(template_type, TemplateType):
            raise TypeError(
                f"template(...): template_type must be a TemplateType, got {describe(template_type)}"
            )
        self.name = name
        self.template_type = template_type
        self.description = description
        self.metadata_kwargs = metadata_kwargs

    def __call__(self, function: Callable[..., Any]) -> type[BaseTemplate[Any]]:
        if not callable(function):
            raise TypeError(
                f"template({self.name!r}) decorates a function, got {describe(function)}"
            )
        metadata = TemplateMetadata(
            name=self.name,
            description=self.description or inspect.getdoc(function) or "",
            template_type=self.template_type,
            **self.metadata_kwargs,
        )
        wants_context = _accepts_context(function)

        def _get_metadata(self: BaseTemplate[Any]) -> TemplateMetadata:
            return copy.deepcopy(metadata)

        def _execute_core(
            self: BaseTemplate[Any], *args: Any, context: ExecutionContext, **kwargs: Any
        ) -> Any:
            if wants_context:
                return function(*args, context=context, **kwargs)
            return function(*args, **kwargs)

        class_name = "".join(part.title() for part in self.name.split("_")) + "Template"
        namespace = {
            "_get_metadata": _get_metadata,
            "_execute_core": _execute_core,
            "__doc__": metadata.description,
            "__module__": getattr(function, "__module__", __name__),
            "__qualname__": class_name,
        }
        return type(class_name, (BaseTemplate,), namespace)


def template(
    name: str,
    template_type: TemplateType = TemplateType.CUSTOM,
    description: str = "",
    **metadata_kwargs: Any,
) -> TemplateDecorator:
    """A decorator turning a function into a BaseTemplate subclass named ``name``.

    ``metadata_kwargs`` go to [`TemplateMetadata`][wumbo.framework.metadata.TemplateMetadata] (``version``,
    ``tags``, ``author``...).

    Examples:
        >>> Greeter = template("greeter", tags=["text"])(lambda who: f"hi {who}")
        >>> Greeter()("ada"), Greeter().metadata.tags
        ('hi ada', ['text'])
    """
    return TemplateDecorator(name, template_type, description, metadata_kwargs)
