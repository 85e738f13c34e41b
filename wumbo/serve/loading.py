"""``wumbo serve MODULE ...``: load the modules, plugin directories and pipelines to serve.

``MODULE:ATTR`` (or ``NAME=MODULE:ATTR``) names one pipeline: a core ``Template``, or anything
with a ``__wumbo_template__()`` method (a ``BaseTemplate`` instance), served under ``ATTR`` (or
``NAME``); ``ATTR`` may be dotted (``mod:Class.pipeline``). See `load_pipelines`.

A directory is added to the registry's plugin paths and its ``.py`` files are loaded (as for
``WUMBO_PLUGIN_PATHS``). Anything else is a module name, imported (from the current directory
too, as ``python -m`` does); the BaseTemplate classes it defines are registered unless it
registered them itself (``@auto_register``). A module that cannot be imported is an error, not
a warning: a server should not start without the templates it was asked for.

Examples:
    >>> from wumbo.framework import TemplateError, TemplateRegistry
    >>> registry = TemplateRegistry(isolated=True)
    >>> load_modules(registry, ["wumbo.framework.builtins.aggregator"])
    1
    >>> registry.list_templates()
    ['aggregator']
    >>> load_modules(registry, ["no_such_module_here"])
    Traceback (most recent call last):
    ...
    wumbo.serve.settings.SettingsError: cannot import module 'no_such_module_here': No module named 'no_such_module_here'
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any, TypeGuard

from wumbo.core.stage import describe
from wumbo.core.template import Template
from wumbo.framework import TemplateError, TemplateRegistry
from wumbo.framework.plugins import template_classes_in
from wumbo.serve.settings import SettingsError

__all__ = ["as_template", "is_pipeline_spec", "load_modules", "load_pipelines"]


def _import(name: str) -> ModuleType:
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(name)
    except Exception as error:
        if isinstance(error, ModuleNotFoundError) and error.name == name:
            raise SettingsError(f"cannot import module {name!r}: {error}") from None
        raise SettingsError(
            f"importing module {name!r} failed: {type(error).__name__}: {error}"
        ) from None


def load_modules(registry: TemplateRegistry, specs: Iterable[str]) -> int:
    """Load each module or plugin directory of ``specs`` into ``registry``; the number of
    templates registered here (a module's own ``@auto_register`` ones are not counted).
    """
    registered = 0
    for spec in specs:
        if Path(spec).is_dir():
            registry.add_plugin_path(spec)
            registered += registry.load_plugins()
            continue
        module = _import(spec)
        known = {registry.get_class(name) for name in registry.list_templates()}
        for cls in template_classes_in(module):
            if cls not in known:
                try:
                    registry.register(cls)
                except TemplateError as error:
                    raise SettingsError(f"module {spec!r}: {error}") from None
                registered += 1
    return registered


def is_pipeline_spec(spec: str) -> bool:
    """True when ``spec`` names one pipeline (``MODULE:ATTR``), not a module or directory.

    Examples:
        >>> is_pipeline_spec("shop.orders:pipeline"), is_pipeline_spec("shop.orders")
        (True, False)
    """
    return ":" in spec and not Path(spec).is_dir()


def _is_template(value: object) -> TypeGuard[Template[Any, Any, Any]]:
    return isinstance(value, Template)


def as_template(value: object, what: str) -> Template[Any, Any, Any]:
    """``value`` as a core Template: itself, or what its ``__wumbo_template__()`` returns.

    Examples:
        >>> from wumbo import template
        >>> as_template(template(abs), "x").run(-2)
        2
        >>> as_template(42, "shop:answer")
        Traceback (most recent call last):
        ...
        wumbo.serve.settings.SettingsError: shop:answer: expected a Template or an object with __wumbo_template__(), got int 42
    """
    if _is_template(value):
        return value
    converter = None if isinstance(value, type) else getattr(value, "__wumbo_template__", None)
    converted: object = converter() if callable(converter) else None
    if _is_template(converted):
        return converted

    raise SettingsError(
        f"{what}: expected a Template or an object with __wumbo_template__(), got {describe(value)}"
    )


def load_pipelines(specs: Iterable[str]) -> dict[str, Template[Any, Any, Any]]:
    """The pipelines named by ``MODULE:ATTR`` or ``NAME=MODULE:ATTR`` specs, by served name.

    Examples:
        >>> load_pipelines(["wumbo.examples.orders:invoice_order", "total=wumbo.examples.orders:summarise"])
        {'invoice_order': <Template validate | price>, 'total': <Template reduce_items(_add)>}
        >>> load_pipelines(["wumbo.examples.orders:nothing"])
        Traceback (most recent call last):
        ...
        wumbo.serve.settings.SettingsError: wumbo.examples.orders:nothing: 'wumbo.examples.orders' has no attribute 'nothing'
    """
    pipelines: dict[str, Template[Any, Any, Any]] = {}
    for spec in specs:
        name, equals, target = spec.rpartition("=") if "=" in spec else ("", "", spec)
        module_name, _, attribute = target.partition(":")
        if not module_name or not attribute or (equals and not name.strip()):
            raise SettingsError(f"expected MODULE:ATTR or NAME=MODULE:ATTR, got {spec!r}")
        try:
            value: object = _import(module_name)
        except SettingsError as error:
            raise SettingsError(f"{target}: {error}") from None
        for part in attribute.split("."):
            if not hasattr(value, part):
                raise SettingsError(f"{target}: {module_name!r} has no attribute {attribute!r}")
            value = getattr(value, part)
        served = name.strip() or attribute.rsplit(".", 1)[-1]
        if served in pipelines:
            raise SettingsError(
                f"two pipelines would be served as {served!r}: name one with --name"
            )
        pipelines[served] = as_template(value, target)
    return pipelines
