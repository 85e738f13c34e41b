"""wumbo: typed pipelines of plain functions, composed with ``|``, on a Result railway.

Example:
    >>> from wumbo import template
    >>> @template
    ... def parse(text: str) -> int:
    ...     return int(text)
    >>> (parse | (lambda n: n * 2))("21")
    <Success: 42>
"""

from toolz import curry

from wumbo.core.combinators import (
    batch,
    branch,
    expect,
    fallback,
    fan_out,
    filter_items,
    map_items,
    reduce_items,
    tap,
)
from wumbo.core.result import Failure, Result, StageError, Success, UnwrapFailedError
from wumbo.core.template import Template, pipe, template

__version__ = "0.1.0"

__all__ = [
    "Failure",
    "Result",
    "StageError",
    "Success",
    "Template",
    "UnwrapFailedError",
    "batch",
    "branch",
    "curry",
    "expect",
    "fallback",
    "fan_out",
    "filter_items",
    "map_items",
    "pipe",
    "reduce_items",
    "tap",
    "template",
]
