"""JSON in and out: strict decoding that says where a body is wrong (400), and encoding of
template outputs that refuses what JSON cannot hold.

Examples:
    >>> decode_json(b'{"n": 1}')
    {'n': 1}
    >>> decode_json(b'{"n": }')
    Traceback (most recent call last):
    ...
    wumbo.serve.errors.ServeError: malformed JSON at line 1, column 7: Expecting value
    >>> encode_json({"total": 3})
    b'{"total": 3}'
"""

from __future__ import annotations

import json

from wumbo.serve.errors import ServeError

__all__ = ["OutputNotJSON", "decode_json", "encode_json"]


class OutputNotJSON(TypeError):
    """A template produced a value JSON cannot represent (a set, an object, ``NaN``...).

    Examples:
        >>> encode_json({1, 2})
        Traceback (most recent call last):
        ...
        wumbo.serve.jsonio.OutputNotJSON: the template's output is not JSON: Object of type set is not JSON serializable
    """


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def decode_json(raw: bytes, where: str = "") -> object:
    """Decode a JSON document, or raise a 400 :class:`~wumbo.serve.errors.ServeError` saying
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
    """
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        empty = " (the body is empty)" if not raw.strip() else ""
        raise ServeError(
            400,
            "malformed_json",
            f"{where}malformed JSON at line {error.lineno}, column {error.colno}: "
            f"{error.msg}{empty}",
            details={"line": error.lineno, "column": error.colno},
        ) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise ServeError(400, "malformed_json", f"{where}malformed JSON: {error}") from None


def encode_json(value: object) -> bytes:
    """The JSON text of ``value`` as UTF-8 bytes; :class:`OutputNotJSON` when it has none.

    Examples:
        >>> encode_json(float("nan"))
        Traceback (most recent call last):
        ...
        wumbo.serve.jsonio.OutputNotJSON: the template's output is not JSON: Out of range float values are not JSON compliant
    """
    try:
        return json.dumps(value, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as error:
        raise OutputNotJSON(f"the template's output is not JSON: {error}") from None
