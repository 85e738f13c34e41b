"""Where plugin templates come from: entry points, plugin directories and modules.

* Entry points of the group ``wumbo.templates`` (``name = package.module:TemplateClass`` in a
  distribution's metadata) are registered lazily: nothing is imported until the template is
  first asked for.
* A plugin directory (``TemplateRegistry.add_plugin_path``, or the ``WUMBO_PLUGIN_PATHS``
  environment variable: directories separated by ``os.pathsep``) holds ``.py`` files; loading
  imports each and registers the BaseTemplate subclasses it defines.

Examples:
    >>> import os
    >>> ENTRY_POINT_GROUP, PLUGIN_PATHS_ENV
    ('wumbo.templates', 'WUMBO_PLUGIN_PATHS')
    >>> plugin_paths_from_env({PLUGIN_PATHS_ENV: os.pathsep.join(["/a", "", "/b"])})
    [PosixPath('/a'), PosixPath('/b')]
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import inspect
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from wumbo.framework._checks import is_template_class
from wumbo.framework.base import BaseTemplate

__all__ = [
    "ENTRY_POINT_GROUP",
    "PLUGIN_PATHS_ENV",
    "entry_points",
    "import_plugin_file",
    "plugin_files",
    "plugin_paths_from_env",
    "template_classes_in",
]

ENTRY_POINT_GROUP = "wumbo.templates"
"""The entry-point group plugin distributions declare their templates in."""

PLUGIN_PATHS_ENV = "WUMBO_PLUGIN_PATHS"
"""The environment variable listing plugin directories."""


def plugin_paths_from_env(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The directories named by ``WUMBO_PLUGIN_PATHS`` (empty entries ignored).

    Examples:
        >>> plugin_paths_from_env({})
        []
    """
    value = (os.environ if environ is None else environ).get(PLUGIN_PATHS_ENV, "")
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def entry_points(group: str = ENTRY_POINT_GROUP) -> list[importlib.metadata.EntryPoint]:
    """The installed entry points of ``group``, sorted by name.

    Examples:
        >>> isinstance(entry_points("wumbo.no_such_group"), list)
        True
    """
    return sorted(importlib.metadata.entry_points(group=group), key=lambda point: point.name)


def template_classes_in(module: ModuleType) -> list[type[BaseTemplate[Any]]]:
    """The concrete BaseTemplate subclasses *defined* in ``module`` (not merely imported).

    Examples:
        >>> import wumbo.framework.builtins.transform as transform
        >>> [cls.__name__ for cls in template_classes_in(transform)]
        ['TransformTemplate']
    """
    found: list[type[BaseTemplate[Any]]] = []
    for _, value in inspect.getmembers(module, inspect.isclass):
        if (
            is_template_class(value)
            and value.__module__ == module.__name__
            and not inspect.isabstract(value)
        ):
            found.append(value)
    return found


def plugin_files(directory: Path) -> list[Path]:
    """The plugin modules of a directory: its ``.py`` files not starting with ``_``.

    Examples:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     for name in ("b.py", "a.py", "_private.py", "notes.txt"):
        ...         _ = (Path(folder) / name).write_text("")
        ...     [path.name for path in plugin_files(Path(folder))]
        ['a.py', 'b.py']
    """
    return sorted(path for path in directory.glob("*.py") if not path.name.startswith("_"))


def import_plugin_file(path: Path) -> ModuleType:
    """Import a plugin file as the module named after it (reused if already imported from the
    same file); ``ImportError`` if that name belongs to another module.

    Examples:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     plugin = Path(folder) / "wumbo_doc_plugin.py"
        ...     _ = plugin.write_text("ANSWER = 42\\n")
        ...     import_plugin_file(plugin).ANSWER
        42
        >>> del sys.modules["wumbo_doc_plugin"]
    """
    name = path.stem
    existing = sys.modules.get(name)
    if existing is not None:
        existing_file = getattr(existing, "__file__", None)
        if existing_file is not None and Path(existing_file).resolve() == path.resolve():
            return existing
        raise ImportError(
            f"plugin file {path} would be imported as module {name!r}, but a module of that "
            f"name is already imported from {existing_file or 'a built-in'}; rename the file"
        )
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import plugin file {path}: no loader for it")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
