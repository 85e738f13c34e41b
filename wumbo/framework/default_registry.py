"""The module-level functions of the original framework, all on the shared registry.

Examples:
    >>> from wumbo.framework import get_template, list_templates
    >>> list_templates()[:3]
    ['aggregator', 'api_client', 'batch_processor']
    >>> get_template("transform", map_func=str.upper)("a")
    ['A']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from wumbo.framework.base import BaseTemplate
from wumbo.framework.metadata import TemplateType
from wumbo.framework.registry import TemplateRegistry

__all__ = [
    "auto_register",
    "create_template",
    "discover_templates",
    "get_registry",
    "get_template",
    "list_templates",
    "register_template",
    "search_templates",
]

TemplateClass = TypeVar("TemplateClass", bound=type[BaseTemplate[Any]])


def get_registry() -> TemplateRegistry:
    """The shared registry (``TemplateRegistry.get_instance()``).

    Examples:
        >>> get_registry() is TemplateRegistry.get_instance()
        True
    """
    return TemplateRegistry.get_instance()


def register_template(
    template_class: type[BaseTemplate[Any]],
    name: str | None = None,
    aliases: Iterable[str] | None = None,
    override: bool = False,
) -> None:
    """``get_registry().register(...)``.

    Examples:
        >>> from wumbo.framework import TransformTemplate
        >>> register_template(TransformTemplate, name="doc_transform")
        >>> get_registry().unregister("doc_transform")
        True
    """
    get_registry().register(template_class, name, aliases, override)


def get_template(name: str, **config: Any) -> BaseTemplate[Any]:
    """A new instance of the template ``name`` (or alias), configured with ``config``.

    Examples:
        >>> get_template("batch", batch_size=2)(1, 2, 3)
        [[1, 2], [3]]
    """
    return get_registry().get(name, **config)


def create_template(template_type: str, **config: Any) -> BaseTemplate[Any]:
    """The original name of [`get_template`][wumbo.framework.default_registry.get_template].

    Examples:
        >>> create_template("validator", validators=[bool])(0)[0]["valid"]
        False
    """
    return get_template(template_type, **config)


def list_templates(template_type: TemplateType | None = None) -> list[str]:
    """The sorted names of the shared registry's templates (of one type if given).

    Examples:
        >>> from wumbo.framework import TemplateType
        >>> list_templates(TemplateType.API_CLIENT)
        ['api_client']
    """
    names: list[str] = get_registry().list_templates(template_type)
    return names


def search_templates(query: str) -> list[dict[str, Any]]:
    """Search the shared registry (see ``TemplateRegistry.search``).

    Examples:
        >>> search_templates("http")[0]["name"]
        'api_client'
    """
    return get_registry().search(query)


def discover_templates(module_or_path: str | Path) -> int:
    """An existing directory becomes a plugin path and its files are loaded; anything else is
    imported as a module name. The number of templates registered.

    Examples:
        >>> discover_templates("no_such_plugin_module")
        0
    """
    registry = get_registry()
    if Path(module_or_path).is_dir():
        registry.add_plugin_path(module_or_path)
        return registry.load_plugins()
    return registry.discover_templates(str(module_or_path))


def auto_register(
    name: str | None = None, aliases: Iterable[str] | None = None, override: bool = False
) -> Callable[[TemplateClass], TemplateClass]:
    """Class decorator: register the class in the shared registry when it is defined.

    Examples:
        >>> from wumbo.framework import BaseTemplate, TemplateMetadata
        >>> @auto_register(name="doc_echo", aliases=["doc_echo_alias"])
        ... class Echo(BaseTemplate[tuple[object, ...]]):
        ...     def _get_metadata(self) -> TemplateMetadata:
        ...         return TemplateMetadata("echo")
        ...     def _execute_core(self, *args: object, context: object) -> tuple[object, ...]:
        ...         return args
        >>> get_template("doc_echo_alias")(1, 2)
        (1, 2)
        >>> get_registry().unregister("doc_echo")
        True
    """

    def register(template_class: TemplateClass) -> TemplateClass:
        get_registry().register(template_class, name, aliases, override)
        return template_class

    return register
