"""``wumbo run``'s items decoded by type: each line becomes the pipeline's input type ``A``.

The input type is the first stage's parameter annotation, as ``wumbo serve`` reads it
(`wumbo.serve.codec.Codec`), and msgspec decodes each JSON line into it straight from
its bytes: dataclasses, TypedDicts, ``NamedTuple``, attrs classes, enums,
``datetime``/``date``/``UUID``/``Decimal`` from their JSON strings, ``Literal``, unions and
containers, nested. A CSV row (an object of strings) is converted the same way, numbers and
booleans from their text. A value that does not fit becomes a `Misfit` naming
the path of the offending field and what was expected (an error record of the stage ``read``,
error type ``InputMisfit``); a line that is not JSON stays `Malformed`, with the same message
as without types. Fields an object has beyond its type's are ignored.

`decoding_for` picks `RAW` (each JSON value as it is) for ``--raw``, for a first stage
without annotation (or annotated ``Any``/``object``), and, with a warning saying why, when the
type cannot be decoded: the serve extra, which brings msgspec, is not installed
(``pip install 'wumbo[serve]'``), or msgspec does not support the type.

Examples:
    >>> from dataclasses import dataclass
    >>> from wumbo import template
    >>> @dataclass
    ... class Line:
    ...     sku: str
    ...     qty: int
    >>> def total(lines: list[Line]) -> int:
    ...     return sum(line.qty for line in lines)
    >>> decoding, warning = decoding_for(template(total), raw=False)
    >>> decoding.line(b'[{"sku": "pen", "qty": 2}]\\n', 1), warning
    ([Line(sku='pen', qty=2)], None)
    >>> decoding.line(b'[{"sku": "pen", "qty": "two"}]\\n', 2)
    Misfit(value=[{'sku': 'pen', 'qty': 'two'}], reason='the input does not fit list[Line]: Expected `int`, got `str` at [0].qty')
    >>> TypedDecoding(Line).row({"sku": "pen", "qty": "2"})  # a CSV row: fields from text
    Line(sku='pen', qty=2)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final, TypeVar

from wumbo.cli.reading import RAW, Decoding, Misfit, Unread, json_value
from wumbo.core.describe import type_label
from wumbo.core.stage import MISSING
from wumbo.core.template import Template

if TYPE_CHECKING:
    import msgspec

__all__ = ["TypedDecoding", "decoding_for"]

_WHERE: Final = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")


def _reason(error: msgspec.ValidationError, hint: object) -> str:
    """``the input does not fit T: what was wrong at path``, from msgspec's message."""
    text = str(error)
    match = _WHERE.search(text)
    where = f" at {match['path']}" if match and match["path"] else ""
    what = text[: match.start()] if match else text
    return f"the input does not fit {type_label(hint)}: {what}{where}"


class TypedDecoding:
    """Decodes lines (and CSV rows) into ``hint`` with msgspec; see the module.

    Examples:
        >>> from datetime import date
        >>> TypedDecoding(date).line(b'"2024-05-01"\\n', 1)
        datetime.date(2024, 5, 1)
    """

    __slots__ = ("_decode", "_msgspec", "hint")

    def __init__(self, hint: object) -> None:
        import msgspec

        self.hint = hint
        self._msgspec = msgspec
        self._decode = msgspec.json.Decoder(hint).decode  # TypeError: a type it cannot decode

    def line(self, raw: bytes, number: int) -> object:
        """The item of one JSON line: a value of the type, `Malformed` or `Misfit`."""
        try:
            return self._decode(raw)
        except self._msgspec.DecodeError:  # not JSON, or not of the type: find out which
            value = json_value(raw, number)
        if isinstance(value, Unread):
            return value
        return self._converted(value, strict=True)

    def row(self, row: dict[str, str]) -> object:
        """The item of one CSV row: its fields converted from text to the type's fields."""
        return self._converted(row, strict=False)

    def _converted(self, value: object, *, strict: bool) -> object:
        try:
            return self._msgspec.convert(value, self.hint, strict=strict)
        except self._msgspec.ValidationError as error:
            return Misfit(value, _reason(error, self.hint))


def decoding_for(pipeline: Template[Any, Any, Any], *, raw: bool) -> tuple[Decoding, str | None]:
    """How ``wumbo run`` makes the items of ``pipeline``, and a warning when it cannot decode
    them by type although the first stage is annotated (``None``: no warning).

    Examples:
        >>> from wumbo import template
        >>> decoding_for(template(len), raw=False)[0] is RAW
        True
        >>> def parse(text: str) -> int:
        ...     return int(text)
        >>> type(decoding_for(template(parse), raw=False)[0]).__name__
        'TypedDecoding'
        >>> decoding_for(template(parse), raw=True)[0] is RAW
        True
    """
    if raw:
        return RAW, None
    try:
        from wumbo.serve.codec import Codec
    except ImportError as missing:  # the serve extra (msgspec) is not installed
        hint = pipeline.stages[0].in_hint if pipeline.stages else MISSING
        if not _annotated(hint):
            return RAW, None
        return RAW, _fallback(hint, str(missing))
    codec = Codec.of(pipeline)
    if not codec.typed:
        return RAW, None
    try:
        return TypedDecoding(codec.in_type), None
    except TypeError as error:
        return RAW, _fallback(codec.in_type, f"msgspec cannot decode it: {error}")


def _annotated(hint: object) -> bool:
    return not (hint is MISSING or hint is Any or hint is object or isinstance(hint, TypeVar))


def _fallback(hint: object, why: str) -> str:
    return (
        f"the input lines are not decoded into {type_label(hint)}, the first stage's input "
        f"type: {why}; each line's JSON value is given as it is (pass --raw to ask for "
        f"that and silence this warning)"
    )
