"""Module attributes that import their module on first use (PEP 562).

A package lists, for each name it offers lazily, the module that defines it; the module is
imported the first time the name is looked up, and the value is then stored on the package, so
later look-ups cost nothing. Type checkers see the same names through explicit
``if TYPE_CHECKING:`` re-exports in the package itself.

A lazy name may equal its module's name (``wumbo.decorators.retry`` is both a module and the
``retry`` decorator): importing the submodule would then make the package attribute the
module. The package's class is therefore switched to `LazyPackage`, which keeps the
exported value instead, as an eager ``from .retry import retry`` in the package would.

Examples:
    >>> import sys, types
    >>> sys.modules["demo"] = types.ModuleType("demo")
    >>> getattr_, dir_ = lazy_attributes("demo", {"dedent": "textwrap"})
    >>> getattr_("dedent")("  x")
    'x'
    >>> "dedent" in dir_()
    True
    >>> del sys.modules["demo"]
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping

__all__ = ["LazyPackage", "lazy_attributes"]


class LazyPackage(types.ModuleType):
    """A package whose lazily exported names are never shadowed by same-named submodules.

    Examples:
        >>> import wumbo.decorators
        >>> type(wumbo.decorators).__name__, callable(wumbo.decorators.retry)
        ('LazyPackage', True)
    """

    _lazy_exports: Mapping[str, str]

    def __setattr__(self, name: str, value: object) -> None:
        exports: Mapping[str, str] = self.__dict__.get("_lazy_exports", {})
        if isinstance(value, types.ModuleType) and exports.get(name) == value.__name__:
            value = getattr(value, name)  # the import system binding a submodule: keep the export
        super().__setattr__(name, value)


def lazy_attributes(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` serving ``exports`` (name -> defining module).

    ``package`` is the name of the module being set up (it passes ``__name__``). An unknown name
    raises the usual ``AttributeError``.

    Examples:
        >>> import sys, types
        >>> sys.modules["paths"] = types.ModuleType("paths")
        >>> getattr_, dir_ = lazy_attributes("paths", {"sep": "os"})
        >>> getattr_("sep") in ("/", "\\\\")
        True
        >>> getattr_("nothing")
        Traceback (most recent call last):
        ...
        AttributeError: module 'paths' has no attribute 'nothing'
        >>> del sys.modules["paths"]
    """
    module = sys.modules[package]
    if not isinstance(module, LazyPackage):
        module.__class__ = LazyPackage
    module.__dict__["_lazy_exports"] = {**module.__dict__.get("_lazy_exports", {}), **exports}

    def __getattr__(name: str) -> object:
        source = exports.get(name)
        if source is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(source), name)
        setattr(module, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(module), *exports})

    return __getattr__, __dir__
