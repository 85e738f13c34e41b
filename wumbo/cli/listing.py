"""``wumbo list`` and ``wumbo info NAME``: the template registry, plugins included.

``list`` shows every registered template (built-ins, entry-point plugins of the group
``wumbo.templates`` and the files of ``WUMBO_PLUGIN_PATHS``) with its category, aliases,
version, the module it comes from and its description; ``info`` shows one template's metadata.
A registered name runs with ``wumbo run NAME INPUT``.

Examples:
    >>> import sys
    >>> from wumbo.cli.display import Display
    >>> show_info(Display(sys.stdout, rich=False), "agg")  # doctest: +ELLIPSIS
    aggregator
    field          value
    -------------  ----...
    name           aggregator
    aliases        agg, aggregate
    category       aggregator
    ...
"""

from __future__ import annotations

from typing import Any

from wumbo.cli.display import Display
from wumbo.cli.exits import CommandLineError
from wumbo.cli.tables import Column, show_table

__all__ = ["category_names", "show_info", "show_list"]


def category_names() -> list[str]:
    """The categories templates are registered under (the values of ``TemplateType``).

    Examples:
        >>> category_names()[:3]
        ['data_processor', 'api_client', 'workflow']
    """
    from wumbo.framework import TemplateType

    return [kind.value for kind in TemplateType]


def show_list(display: Display, category: str | None = None) -> None:
    """Show the registry as a table, optionally only one category.

    Examples:
        >>> import sys
        >>> from wumbo.cli.display import Display
        >>> show_list(Display(sys.stdout, rich=False), "validator")
        templates (1)
        name       category   aliases          version  module                               description
        ---------  ---------  ---------------  -------  -----------------------------------  -----------------------------------------------------
        validator  validator  check, validate  1.0.0    wumbo.framework.builtins.validation  Validate data items against predicates and type hints
    """
    from wumbo.framework import TemplateType, get_registry

    registry = get_registry()
    kinds = category_names()
    if category is not None and category not in kinds:
        raise CommandLineError(f"--category expects one of {', '.join(kinds)}, got {category!r}")
    kind = None if category is None else TemplateType(category)
    entries: list[dict[str, Any]] = registry.list_templates(kind, include_metadata=True)
    rows = [
        [
            entry["name"],
            entry["metadata"].template_type.value,
            ", ".join(entry["aliases"]),
            entry["metadata"].version,
            registry.get_class(entry["name"]).__module__,
            entry["metadata"].description,
        ]
        for entry in entries
    ]
    columns = ["name", "category", "aliases", "version", "module", "description"]
    show_table(display, f"templates ({len(rows)})", [Column(name) for name in columns], rows)


def _first_paragraph(text: str | None) -> str:
    return " ".join((text or "").strip().split("\n\n")[0].split())


def show_info(display: Display, name: str) -> None:
    """Show the metadata of the template registered as ``name`` (or an alias of it)."""
    from wumbo.framework import TemplateError, get_registry

    registry = get_registry()
    try:
        cls = registry.get_class(name)
        metadata = registry.get_metadata(name)
    except TemplateError as error:
        raise CommandLineError(str(error)) from None
    entries: list[dict[str, Any]] = registry.list_templates(include_metadata=True)
    entry = next((entry for entry in entries if entry["metadata"] is metadata), None)
    canonical: str = name if entry is None else entry["name"]
    aliases: list[str] = [] if entry is None else entry["aliases"]
    fields = [
        ("name", canonical),
        ("aliases", ", ".join(aliases)),
        ("category", metadata.template_type.value),
        ("version", metadata.version),
        ("description", metadata.description),
        ("author", metadata.author),
        ("tags", ", ".join(metadata.tags)),
        ("dependencies", ", ".join(metadata.dependencies)),
        ("async", "native" if metadata.supports_async else "through a worker thread"),
        ("streaming", "yes" if metadata.supports_streaming else "no"),
        ("class", f"{cls.__module__}.{cls.__qualname__}"),
        ("documentation", _first_paragraph(cls.__doc__)),
        ("run it", f"wumbo run {canonical} INPUT [--config KEY=VALUE ...]"),
    ]
    show_table(display, canonical, [Column("field"), Column("value")], [list(f) for f in fields])
