"""JSON in and out: strict decoding that says where a body is wrong (400), and encoding of
template outputs that refuses what JSON cannot hold.

Hostile documents get the same 400 as any malformed JSON, on every Python version: nesting
deeper than `MAX_DEPTH` levels (which would otherwise exhaust the parser's recursion),
and integers longer than Python converts (``sys.get_int_max_str_digits()``, 4300 digits by
default).

Examples:
    >>> decode_json(b'{"n": 1}')
    {'n': 1}
    >>> decode_json(b'{"n": }')
    Traceback (most recent call last):
    ...
    wumbo.serve.errors.ServeError: malformed JSON at line 1, column 7: Expecting value
    >>> decode_json(b"[" * 600 + b"]" * 600)
    Traceback (most recent call last):
    ...
    wumbo.serve.errors.ServeError: malformed JSON: nested deeper than 500 levels
    >>> encode_json({"total": 3})
    b'{"total": 3}'
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import cast

from wumbo.serve.errors import ServeError

__all__ = ["MAX_DEPTH", "OutputNotJSON", "decode_json", "encode_json"]

MAX_DEPTH = 500
"""The deepest nesting of arrays and objects a request may hold (``[]`` is one level)."""


class OutputNotJSON(TypeError):
    """A template produced a value JSON cannot represent (a set, an object, ``NaN``...).

    Examples:
        >>> encode_json({1, 2})
        Traceback (most recent call last):
        ...
        wumbo.serve.jsonio.OutputNotJSON: the template's output is not JSON: Object of type set is not JSON serializable
    """


class _NotJSONConstant(ValueError):
    """``NaN`` or ``Infinity`` in a request: Python's parser accepts them, JSON does not."""


def _no_constant(name: str) -> object:
    raise _NotJSONConstant(f"{name} is not valid JSON")


def _children(item: object) -> Iterable[object] | None:
    """The values inside a list or dict; ``None`` for anything else."""
    if isinstance(item, dict):
        return cast("dict[str, object]", item).values()
    return cast("list[object]", item) if isinstance(item, list) else None


def _deeper_than(value: object, limit: int) -> bool:
    """Whether ``value`` nests lists and dicts more than ``limit`` levels (no recursion)."""
    stack = [(value, 0)]  # a container at depth d is on level d + 1
    while stack:
        item, depth = stack.pop()
        children = _children(item)
        if children is not None:
            if depth >= limit:
                return True
            stack.extend((child, depth + 1) for child in children)
    return False


def _malformed(where: str, problem: str, **details: object) -> ServeError:
    """The 400 for a document that is no JSON (``where`` prefixes the message)."""
    return ServeError(400, "malformed_json", f"{where}malformed JSON{problem}", details=details)


def _too_deep(where: str) -> ServeError:
    return _malformed(where, f": nested deeper than {MAX_DEPTH} levels", max_depth=MAX_DEPTH)


def decode_json(raw: bytes, where: str = "") -> object:
    """Decode a JSON document, or raise a 400 [`ServeError`][wumbo.serve.errors.ServeError] saying
    where (``line``, ``column``) and what is wrong. ``where`` prefixes the message.

    Examples:
        >>> decode_json(b"NaN", "line 3: ")
        Traceback (most recent call last):
        ...
        wumbo.serve.errors.ServeError: line 3: malformed JSON: NaN is not valid JSON
        >>> decode_json(b"")
        Traceback (most recent call last):
        ...
        wumbo.serve.errors.ServeError: malformed JSON at line 1, column 1: Expecting value (the body is empty)
        >>> decode_json(b"1" * 5000)
        Traceback (most recent call last):
        ...
        wumbo.serve.errors.ServeError: malformed JSON: a number has more than 4300 digits
    """
    try:
        value = json.loads(raw, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        empty = " (the body is empty)" if not raw.strip() else ""
        at = f" at line {error.lineno}, column {error.colno}: {error.msg}{empty}"
        raise _malformed(where, at, line=error.lineno, column=error.colno) from None
    except RecursionError:
        raise _too_deep(where) from None
    except (UnicodeDecodeError, _NotJSONConstant) as error:
        raise _malformed(where, f": {error}") from None
    except ValueError:  # the only other one: an integer longer than Python converts
        digits = sys.get_int_max_str_digits()
        raise _malformed(where, f": a number has more than {digits} digits") from None
    # Python may parse deeper documents than the limit (3.13 does): refuse them all the same.
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and _deeper_than(value, MAX_DEPTH):
        raise _too_deep(where)
    return value


def encode_json(value: object) -> bytes:
    """The JSON text of ``value`` as UTF-8 bytes; `OutputNotJSON` when it has none
    (including values nested too deeply for the encoder).

    Examples:
        >>> encode_json(float("nan"))  # the reason's wording depends on the Python version
        Traceback (most recent call last):
        ...
        wumbo.serve.jsonio.OutputNotJSON: the template's output is not JSON: Out of range float values are not JSON compliant...
    """
    try:
        return json.dumps(value, allow_nan=False).encode("utf-8")
    except RecursionError:
        raise OutputNotJSON("the template's output is not JSON: it is nested too deeply") from None
    except (TypeError, ValueError) as error:
        raise OutputNotJSON(f"the template's output is not JSON: {error}") from None
