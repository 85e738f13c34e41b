"""``Codec``: a served pipeline's JSON in and out, decoded and encoded by its types.

The input type is the first stage's parameter annotation, the output type the last stage's
value (``X`` of ``Result[X, E]``). msgspec converts the decoded JSON to the input type
(dataclasses, TypedDicts, ``NamedTuple``, attrs classes, enums, ``datetime``/``date``/``UUID``/
``Decimal`` from their JSON strings, ``Literal``, unions and containers, nested) and the output
back to JSON values. A type that is or holds a pydantic model (``list[Model]``, a dataclass
with a model field...) is validated and dumped by pydantic's ``TypeAdapter`` instead (pydantic
is optional: without it no type holds a model). A value that does not fit is a 422
``input_misfit`` naming the path of the offending field and what was expected, whichever
library checked it. Fields an object has beyond its type's are ignored (pydantic's default too).
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
import sys
import typing
from typing import TYPE_CHECKING, Any, Final

import msgspec

from wumbo.core.stage import MISSING
from wumbo.core.template import Template
from wumbo.serve.errors import ServeError
from wumbo.serve.jsonio import OutputNotJSON, encode_json

if TYPE_CHECKING:
    from pydantic import TypeAdapter, ValidationError
    from pydantic.json_schema import JsonSchemaMode

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


def _input_misfit(hint: object, path: str, what: str) -> ServeError:
    """The 422 for an input that does not fit ``hint``: ``what`` was expected at ``path``."""
    where = f" at {path}" if path else ""
    return ServeError(
        422,
        "input_misfit",
        f"the input does not fit {_short(hint)}: {what.replace(' - ', ' ')}{where}",
        details={"path": path, "expected": what, "type": _short(hint)},
    )


def _misfit(error: msgspec.ValidationError, hint: object) -> ServeError:
    match = _WHERE.match(str(error))
    what = match["what"] if match else str(error)
    path = (match["path"] or "").lstrip(".") if match else ""
    return _input_misfit(hint, path, what)


def _short(hint: object) -> str:
    return re.sub(r"\b(?:[A-Za-z_][\w]*\.)+(?=[A-Za-z_])", "", type_name(hint))


_FIELDED: Final = ("__dataclass_fields__", "__total__", "_fields")
"""What dataclasses, TypedDicts and NamedTuples have (and look through for pydantic models)."""


def _fields_of(hint: object) -> list[object]:
    """The field types of a dataclass, TypedDict or NamedTuple (none for other types)."""
    if not isinstance(hint, type):
        return []
    if not any(hasattr(hint, marker) for marker in _FIELDED):
        return []
    try:
        return list(typing.get_type_hints(hint).values())
    except Exception:  # a hint that cannot be resolved: decoding will say so
        return []


def _mentions_model(hint: object, model: type, seen: set[int]) -> bool:
    """Whether ``hint`` is, or holds somewhere (type arguments, fields), a ``model`` subclass."""
    if id(hint) in seen:
        return False
    seen.add(id(hint))
    if isinstance(hint, type) and issubclass(hint, model):
        return True
    parts = [*typing.get_args(hint), *_fields_of(hint)]
    return any(_mentions_model(part, model, seen) for part in parts)


def _pydantic_adapter(hint: object) -> TypeAdapter[Any] | None:
    """A pydantic ``TypeAdapter`` of ``hint`` when it is (or holds) a pydantic model; ``None``
    otherwise, and when pydantic was never imported (then no type can be a model)."""
    pydantic = sys.modules.get("pydantic")
    if pydantic is None or not _mentions_model(hint, pydantic.BaseModel, set()):
        return None
    adapter: TypeAdapter[Any] = pydantic.TypeAdapter(hint)
    return adapter


def _pydantic_misfit(error: ValidationError, hint: object) -> ServeError:
    first = error.errors(include_url=False)[0]
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"])
    return _input_misfit(hint, path.lstrip("."), first["msg"])


class Codec:
    """How one served pipeline's input is decoded and its output encoded (see the module).

    A type that is (or holds) a pydantic model is decoded, encoded and described by pydantic's
    ``TypeAdapter`` instead of msgspec.

    Examples:
        >>> from wumbo import template
        >>> def parse(text: str) -> int:
        ...     return int(text)
        >>> Codec.of(template(parse)).in_type, Codec.of(template(len)).typed
        (<class 'str'>, False)
    """

    __slots__ = ("_in_adapter", "_out_adapter", "in_type", "out_type", "typed")

    def __init__(self, in_type: object, out_type: object) -> None:
        self.in_type = in_type
        self.out_type = out_type
        self.typed = _is_typed(in_type)
        self._in_adapter = _pydantic_adapter(in_type) if self.typed else None
        self._out_adapter = _pydantic_adapter(out_type) if _is_typed(out_type) else None

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
        if self._in_adapter is not None:
            from pydantic import ValidationError

            try:
                return self._in_adapter.validate_python(value)
            except ValidationError as error:
                raise _pydantic_misfit(error, self.in_type) from None
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
            if self._out_adapter is not None:
                plain: object = self._out_adapter.dump_python(value, mode="json")
            else:
                plain = msgspec.to_builtins(value)
        except (TypeError, ValueError) as error:
            raise OutputNotJSON(f"the template's output is not JSON: {error}") from None
        return encode_json(plain)

    def schema(self, *, output: bool, ref_template: str) -> dict[str, Any] | None:
        """The JSON Schema of the output (or input) type when pydantic describes it (its
        named types under ``$defs``, referenced through ``ref_template``, e.g.
        ``"#/components/schemas/{model}"``); ``{}`` when the type is not annotated;
        ``None`` when msgspec describes it (see [`wumbo.serve.openapi`][wumbo.serve.openapi]).

        Examples:
            >>> from wumbo import template
            >>> Codec.of(template(len)).schema(output=False, ref_template="#/{model}")
            {}
        """
        hint = self.out_type if output else self.in_type
        if not _is_typed(hint):
            return {}
        adapter = self._out_adapter if output else self._in_adapter
        if adapter is None:
            return None
        mode: JsonSchemaMode = "serialization" if output else "validation"
        return adapter.json_schema(ref_template=ref_template, mode=mode)
