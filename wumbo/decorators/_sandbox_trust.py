"""What may come back from a sandbox: a restricted unpickler with an explicit allow-list.

The result of a sandboxed stage is a pickle written by code the caller does not trust.
`TrustedTypes` unpickles it, but resolves only the names on its allow-list: built-in
values and containers, the built-in exceptions, a few standard value types (dates, decimals,
fractions, UUIDs, paths, ``collections``), the railway (``Success``, ``Failure``,
``StageError``, ``Stop``, ``SandboxError``), the types named in the stage's return annotations
(a ``Result[C, E]`` names ``C`` and ``E``, generics are walked), and the types the user allows.
Any other name (a function such as ``os.system``, a class with a hostile ``__reduce__``) is
refused *before* its module is imported, so nothing the child chose runs in the caller.

Examples:
    >>> import pickle
    >>> from returns.result import Success
    >>> TrustedTypes(()).load(pickle.dumps(Success([1, {"a": (2.5, None)}])))
    <Success: [1, {'a': (2.5, None)}]>
    >>> import os
    >>> TrustedTypes(()).load(pickle.dumps(os.getcwd))
    Traceback (most recent call last):
    ...
    wumbo.decorators._sandbox_trust.UntrustedType: posix.getcwd
"""

from __future__ import annotations

import builtins
import io
import pickle
import typing
from collections.abc import Iterable
from typing import Any, Final

from wumbo.core.template import Template

__all__ = ["TrustedTypes", "UntrustedType", "declared_types"]


def _builtin_types() -> frozenset[tuple[str, str]]:
    values = (int, float, complex, str, bytes, bytearray, list, tuple, dict, set, frozenset)
    names = {("builtins", kind.__name__) for kind in (*values, bool, slice, range)}
    names |= {
        ("builtins", name)
        for name, value in vars(builtins).items()
        if isinstance(value, type) and issubclass(value, BaseException)
    }
    return frozenset(names)


_STANDARD: Final = _builtin_types() | {
    ("collections", "OrderedDict"),
    ("collections", "deque"),
    ("collections", "defaultdict"),
    ("collections", "Counter"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("decimal", "Decimal"),
    ("fractions", "Fraction"),
    ("uuid", "UUID"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "PosixPath"),
    ("returns.result", "Success"),
    ("returns.result", "Failure"),
    ("wumbo.core.result", "StageError"),
    ("wumbo.core.steps", "Stop"),
    ("wumbo.decorators._sandbox_error", "_rebuild"),
}
"""Names every sandbox result may use: plain values, standard value types, the railway."""


class UntrustedType(pickle.UnpicklingError):
    """The result named something not on the allow-list (the message is its dotted name)."""


def _types_in(hint: object, found: set[type]) -> None:
    for kind in (hint, typing.get_origin(hint)):
        if isinstance(kind, type):
            found.add(kind)
    for argument in typing.get_args(hint):
        _types_in(argument, found)


def declared_types(pipeline: Template[Any, Any, Any]) -> frozenset[type]:
    """The classes named in the return annotations of ``pipeline``'s stages.

    Examples:
        >>> from returns.result import Result
        >>> from wumbo import template
        >>> def parse(text: str) -> Result[list[complex], KeyError]: ...
        >>> sorted(kind.__name__ for kind in declared_types(template(parse)))
        ['KeyError', 'Result', 'complex', 'list']
    """
    found: set[type] = set()
    for stage in pipeline.stages:
        try:
            hint = typing.get_type_hints(stage.fn).get("return", stage.out_hint)
        except Exception:  # unresolvable annotations: keep what composition already knew
            hint = stage.out_hint
        _types_in(hint, found)
    return frozenset(found)


class TrustedTypes:
    """An allow-list of names a sandbox's result may use, and the unpickler that applies it.

    Examples:
        >>> import pickle, fractions
        >>> TrustedTypes([fractions.Fraction]).load(pickle.dumps(fractions.Fraction(1, 3)))
        Fraction(1, 3)
    """

    def __init__(self, allowed: Iterable[type]) -> None:
        self.names = _STANDARD | {(kind.__module__, kind.__qualname__) for kind in allowed}

    def load(self, data: bytes) -> Any:
        """Unpickle ``data``; raise `UntrustedType` for any name not allowed."""
        names = self.names

        class _Restricted(pickle.Unpickler):
            def find_class(self, module: str, name: str) -> Any:
                if (module, name) not in names:
                    raise UntrustedType(f"{module}.{name}")
                return super().find_class(module, name)

            def persistent_load(self, pid: Any) -> Any:
                raise UntrustedType(f"persistent id {pid!r}")

        return _Restricted(io.BytesIO(data)).load()
