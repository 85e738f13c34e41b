"""The classic ``wumbo(*args, **kwargs)``: the original universal function, unchanged in
behaviour, logging instead of printing.

Options (all keyword, all optional): ``preprocess`` (applied to each argument first, not
guarded), ``operation`` (applied to each argument; an error gives ``None`` when
``fail_silently``, the default, else the original exception propagates), ``postprocess``
(applied once to the whole list, not guarded), ``as_dict`` (``{"item_0": ...}``, checked
first), ``as_single`` (the bare result when there is exactly one), ``verbose`` (log at INFO
rather than DEBUG, on the logger ``wumbo.classic``). Other keywords are ignored, except
``context=``, an [`ExecutionContext`][wumbo.framework.execution.ExecutionContext] to run in.

Examples:
    >>> from wumbo.framework import wumbo
    >>> wumbo(1, 2, 3, operation=lambda n: n * 10)
    [10, 20, 30]
    >>> wumbo("a", "b", operation=str.upper, as_dict=True)
    {'item_0': 'A', 'item_1': 'B'}
    >>> wumbo(" x ", preprocess=str.strip, as_single=True)
    'x'
    >>> wumbo(1, 0, operation=lambda n: 1 / n)
    [1.0, None]
    >>> wumbo()
    []
"""

from __future__ import annotations

from typing import Any

from wumbo.framework.builtins.classic_wumbo import ClassicWumboTemplate

__all__ = ["wumbo"]

_OPTIONS: dict[str, Any] = {
    "preprocess": None,
    "operation": None,
    "postprocess": None,
    "fail_silently": True,
    "as_dict": False,
    "as_single": False,
    "verbose": True,
}


def wumbo(*args: Any, **kwargs: Any) -> Any:
    """Apply ``preprocess``/``operation``/``postprocess`` to the arguments; see the module.

    Raises ``TemplateConfigError`` (a ``ValueError``) for a function option that is set but
    not callable, and re-raises the original exception of an unguarded step.

    Examples:
        >>> wumbo(1, 2, postprocess=sum)
        3
        >>> wumbo(1, operation=5)
        Traceback (most recent call last):
        ...
        wumbo.framework.errors.TemplateConfigError: operation must be callable, got int 5
    """
    options = {name: kwargs.pop(name, default) for name, default in _OPTIONS.items()}
    return ClassicWumboTemplate(**options)(*args, **kwargs)
