"""Finding the pipeline ``wumbo run`` was asked for: ``MODULE:ATTR`` or a registered name.

* ``package.module:name`` (``name`` may be dotted) imports the module, from the current
  directory too, and takes the attribute: a wumbo ``Template``, a framework ``BaseTemplate``
  (an instance, or a class that is instantiated with ``--config``), or a plain function of one
  argument (a one-stage pipeline).
* Anything without ``:`` is a name (or alias) in the template registry, plugins included,
  instantiated with ``--config``.

Each way of getting it wrong raises a `CommandLineError` saying what
was expected and what was found.

Examples:
    >>> load_pipeline("wumbo.examples.orders:invoice_order")
    <Template validate | price>
    >>> load_pipeline("wumbo.examples.orders:TAX_RATES")
    Traceback (most recent call last):
    ...
    wumbo.cli.exits.CommandLineError: 'wumbo.examples.orders:TAX_RATES' is a dict, not a pipeline: expected a wumbo Template, a BaseTemplate, or a function of one argument
    >>> load_pipeline("wumbo.examples.orders")  # the pipeline left off
    Traceback (most recent call last):
    ...
    wumbo.cli.exits.CommandLineError: 'wumbo.examples.orders' is a module, not a pipeline: expected MODULE:ATTR for a pipeline in a module, or a registered template name; its Templates: wumbo.examples.orders:invoice_order, wumbo.examples.orders:summarise, wumbo.examples.orders:validate
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from wumbo.cli.exits import CommandLineError
from wumbo.core.template import Template, template

__all__ = ["load_pipeline"]

_Pipeline = Template[Any, Any, Any]
_EXPECTED = "expected a wumbo Template, a BaseTemplate, or a function of one argument"
_EXPECTED_SPEC = "expected MODULE:ATTR for a pipeline in a module, or a registered template name"


def _current_directory_importable() -> None:
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` does: modules next to the data


def _import(module_name: str) -> ModuleType:
    _current_directory_importable()
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if module_name == missing or module_name.startswith(missing + "."):
            raise CommandLineError(f"cannot import module {module_name!r}: {error}") from None
        raise CommandLineError(
            f"importing module {module_name!r} failed: {type(error).__name__}: {error}"
        ) from None
    except Exception as error:
        raise CommandLineError(
            f"importing module {module_name!r} failed: {type(error).__name__}: {error}"
        ) from None


def _attribute(module: ModuleType, path: str) -> object:
    found: object = module
    for part in path.split("."):
        try:
            found = getattr(found, part)
        except AttributeError:
            names = [name for name in dir(found) if not name.startswith("_")]
            import difflib  # only to suggest a name: not imported on a good run

            close = difflib.get_close_matches(part, names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            owner = module.__name__ if found is module else path.rpartition(".")[0]
            raise CommandLineError(f"{owner!r} has no attribute {part!r}{hint}") from None
    return found


def _no_config(spec: str, config: Mapping[str, object]) -> None:
    if config:
        raise CommandLineError(
            f"--config applies to registered templates and BaseTemplate classes, not to {spec!r}"
        )


def _instantiated(spec: str, cls: type[Any], config: Mapping[str, object]) -> _Pipeline:
    from wumbo.framework import TemplateError

    try:
        instance = cls(**config)
    except (TemplateError, TypeError, ValueError) as error:
        raise CommandLineError(f"cannot configure {spec!r}: {error}") from None
    core: _Pipeline = instance.as_template()
    return core


def _as_pipeline(spec: str, found: object, config: Mapping[str, object]) -> _Pipeline:
    if isinstance(found, Template):
        _no_config(spec, config)
        pipeline: _Pipeline = found  # pyright: ignore[reportUnknownVariableType]
        return pipeline
    if "wumbo.framework" in sys.modules:  # a BaseTemplate can only come from there
        from wumbo.framework import BaseTemplate

        if isinstance(found, BaseTemplate):
            _no_config(spec, config)
            instance: BaseTemplate[Any] = found  # pyright: ignore[reportUnknownVariableType]
            core: _Pipeline = instance.as_template()
            return core
        if inspect.isclass(found) and issubclass(found, BaseTemplate):
            cls: type[BaseTemplate[Any]] = found  # pyright: ignore[reportUnknownVariableType]
            return _instantiated(spec, cls, config)
    if inspect.isroutine(found):
        _no_config(spec, config)
        try:
            return template(found)
        except TypeError as error:
            raise CommandLineError(f"{spec!r} cannot be a pipeline: {error}") from None
    raise CommandLineError(f"{spec!r} is a {type(found).__name__}, not a pipeline: {_EXPECTED}")


def _not_registered(name: str, error: Exception) -> CommandLineError:
    """The error for a name the registry does not know: it may be a module whose pipeline was
    left off (``MODULE`` instead of ``MODULE:ATTR``), then say so and list its Templates."""
    module = None
    if all(part.isidentifier() for part in name.split(".")):
        _current_directory_importable()
        try:
            module = importlib.import_module(name)
        except Exception:  # not a module either (or a broken one): the registry's answer stands
            module = None
    if module is None:
        return CommandLineError(f"{error} ({_EXPECTED_SPEC})")
    pipelines = sorted(
        attribute
        for attribute, value in vars(module).items()
        if isinstance(value, Template) and not attribute.startswith("_")
    )
    found = (
        f"its Templates: {', '.join(f'{name}:{attribute}' for attribute in pipelines)}"
        if pipelines
        else f"it has no Template attributes (a function of one argument works too: "
        f"{name}:FUNCTION)"
    )
    return CommandLineError(f"{name!r} is a module, not a pipeline: {_EXPECTED_SPEC}; {found}")


def _registered(name: str, config: Mapping[str, object]) -> _Pipeline:
    from wumbo.framework import TemplateError, get_registry

    registry = get_registry()
    try:
        cls = registry.get_class(name)
    except TemplateError as error:
        raise _not_registered(name, error) from None
    return _instantiated(name, cls, config)


def load_pipeline(spec: str, config: Mapping[str, object] | None = None) -> _Pipeline:
    """The pipeline ``spec`` names, configured with ``config`` when it is a template class.

    Examples:
        >>> load_pipeline("wumbo.examples.orders:summarise").__name__
        'reduce_items(_add)'
        >>> load_pipeline("transformer", {"map_func": None})
        <Template transformer>
    """
    settings = dict(config or {})
    module_name, colon, attribute = spec.partition(":")
    if not colon:
        return _registered(spec, settings)
    if not module_name or not attribute:
        raise CommandLineError(f"{_EXPECTED_SPEC}, got {spec!r}")
    found = _attribute(_import(module_name), attribute)
    return _as_pipeline(spec, found, settings)
