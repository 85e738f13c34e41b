"""``wumbo serve MODULE ...``: load the modules (or plugin directories) whose templates to serve.

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

from wumbo.framework import TemplateError, TemplateRegistry
from wumbo.framework.plugins import template_classes_in
from wumbo.serve.settings import SettingsError

__all__ = ["load_modules"]


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
