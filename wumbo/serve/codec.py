"""``Codec``: a served pipeline's JSON in and out, decoded and encoded by its types.

The input type is the first stage's parameter annotation, the output type the last stage's
value (``X`` of ``Result[X, E]``). msgspec converts the decoded JSON to the input type
(dataclasses, TypedDicts, ``NamedTuple``, attrs classes, enums, ``datetime``/``date``/``UUID``/
``Decimal`` from their JSON strings, ``Literal``, unions and containers, nested) and the output
back to JSON values. A value that does not fit is a 422 ``input_misfit`` naming the path of the
offending field and what was expected. Fields an object has beyond its type's are ignored.
An unannotated (or ``Any``/``object``) first stage gets the JSON value as it came.

Examples:
    >>> from dataclasses import dataclass
    >>> from wumbo import template
    >>> @dataclass
    ... class Item:
    ...     sku: str
    ...     qty: int
    >>> codec = Codec.of(template(lambda item: item) | (lambda item: item))
    >>> codec.decode({"anything": 1}), codec.typed
    ({'anything': 1}, False)
    >>> def count(items: list[Item]) -> int:
    ...     return sum(item.qty for item in items)
    >>> codec = Codec.of(template(count))
    >>> codec.decode([{"sku": "a", "qty": 2}])
    [Item(sku='a', qty=2)]
    >>> codec.decode([{"sku": "a", "qty": "two"}])
    Traceback (most recent call last):
    ...
    wumbo.serve.errors.ServeError: the input does not fit list[Item]: Expected `int`, got `str` at [0].qty
    >>> codec.encode(Item("a", 1))
    b'{"sku": "a", "qty": 1}'
"""

from __future__ import annotations

import re
import typing
from typing import Any, Final

import msgspec

from wumbo.core.stage import MISSING
from wumbo.core.template import Template
from wumbo.serve.errors import ServeError
from wumbo.serve.jsonio import OutputNotJSON, encode_json

__all__ = ["Codec", "type_name"]

_WHERE: Final = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


def _is_typed(hint: object) -> bool:
    return not (
        hint is MISSING or hint is Any or hint is object or isinstance(hint, typing.TypeVar)
    )


def type_name(hint: object) -> str:
    """A short name of a type hint for messages.

    Examples:
        >>> type_name(int), type_name(list[int]), type_name(int | None)
        ('int', 'list[int]', 'int | None')
    """
    if isinstance(hint, type) and not typing.get_args(hint):
        return hint.__qualname__
    return repr(hint).replace("typing.", "").replace(f"{__name__}.", "")


def _misfit(error: msgspec.ValidationError, hint: object) -> ServeError:
    match = _WHERE.match(str(error))
    what = match["what"] if match else str(error)
    path = (match["path"] or "").lstrip(".") if match else ""
    where = f" at {path}" if path else ""
    return ServeError(
        422,
        "input_misfit",
        f"the input does not fit {_short(hint)}: {what.replace(' - ', ' ')}{where}",
        details={"path": path, "expected": what, "type": _short(hint)},
    )


def _short(hint: object) -> str:
    return re.sub(r"\b(?:[A-Za-z_][\w]*\.)+(?=[A-Za-z_])", "", type_name(hint))


class Codec:
    """How one served pipeline's input is decoded and its output encoded (see the module).

    Examples:
        >>> from wumbo import template
        >>> def parse(text: str) -> int:
        ...     return int(text)
        >>> Codec.of(template(parse)).in_type, Codec.of(template(len)).typed
        (<class 'str'>, False)
    """

    __slots__ = ("in_type", "out_type", "typed")

    def __init__(self, in_type: object, out_type: object) -> None:
        self.in_type = in_type
        self.out_type = out_type
        self.typed = _is_typed(in_type)

    @classmethod
    def of(cls, pipeline: Template[Any, Any, Any]) -> Codec:
        """The codec of ``pipeline``'s first stage's input and last stage's output types."""
        stages = pipeline.stages
        first = stages[0].in_hint if stages else MISSING
        last = stages[-1].out_hint if stages else MISSING
        return cls(first, last)

    def decode(self, value: object) -> object:
        """``value`` (decoded JSON) as the input type, or a 422 ``input_misfit`` ServeError."""
        if not self.typed:
            return value
        try:
            return msgspec.convert(value, self.in_type)
        except msgspec.ValidationError as error:
            raise _misfit(error, self.in_type) from None

    def encode(self, value: object) -> bytes:
        """The JSON of an output, with typed values (dataclasses, enums, dates...) as JSON
        values; `OutputNotJSON` when there is none. An output whose
        type is not annotated is encoded as it is (a set is no JSON)."""
        if not _is_typed(self.out_type):
            return encode_json(value)
        try:
            plain = msgspec.to_builtins(value)
        except TypeError as error:
            raise OutputNotJSON(f"the template's output is not JSON: {error}") from None
        return encode_json(plain)
