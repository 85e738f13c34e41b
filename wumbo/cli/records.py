"""The records ``wumbo run`` writes: one JSON line per input item, in one of two files.

A success goes to the output file as ``{"line": n, "output": ...}``; a failure goes to the
errors file as ``{"line", "stage", "position", "error_type", "error", "input"}``. Outputs are
encoded with `to_json`, which also handles dataclasses, sets, enums, dates, paths,
decimals, pydantic models and, when msgspec is installed, what it encodes (attrs classes,
msgspec Structs); an output that still cannot be encoded (or a ``NaN``, which is
not JSON) becomes an error record of the stage ``"write"``, so every item yields exactly one
record. Records are appended in whole lines and written at least every second.

Examples:
    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Invoice:
    ...     total: float
    ...     tags: frozenset[str]
    >>> print(output_line(3, Invoice(9.5, frozenset({"b", "a"}))).decode(), end="")
    {"line": 3, "output": {"total": 9.5, "tags": ["a", "b"]}}
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import functools
import json
import json.encoder
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from types import TracebackType
from typing import Any, BinaryIO, Final, cast

from wumbo.cli.exits import CommandLineError, ExitStatus
from wumbo.core.result import bounded_repr

__all__ = [
    "ErrorRecord",
    "NotEncodable",
    "RecordFiles",
    "error_line",
    "output_line",
    "to_json",
]

_WRITE_SECONDS: Final = 1.0
_WRITE_BYTES: Final = 1 << 20


class NotEncodable(ValueError):
    """An output that cannot be written as JSON; says what was wrong.

    Examples:
        >>> try:
        ...     output_line(1, object())
        ... except NotEncodable as error:
        ...     print(error)
        output is not JSON-encodable: Object of type object is not JSON serializable
    """


def _sorted_if_possible(items: Collection[Any]) -> list[Any]:
    """The members in order when they can be ordered (mixed types cannot), else as they come."""
    try:
        return sorted(items)
    except TypeError:
        return list(items)


@functools.lru_cache(maxsize=256)
def _field_names(cls: type[Any]) -> tuple[str, ...]:
    """The field names of a dataclass, looked up once per class."""
    return tuple(field.name for field in dataclasses.fields(cls))


def to_json(value: object) -> object:
    """The ``default`` of the JSON encoder: a JSON-friendly form of what ``json`` cannot encode.

    Raises ``TypeError`` (as ``json`` expects) for anything else.

    Examples:
        >>> import datetime, decimal, enum
        >>> class Color(enum.Enum):
        ...     RED = "red"
        >>> [to_json(v) for v in ({3, 1}, Color.RED, datetime.date(2024, 5, 1), decimal.Decimal("1.10"))]
        [[1, 3], 'red', '2024-05-01', '1.10']
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: getattr(value, name) for name in _field_names(type(value))}
    if isinstance(value, set | frozenset):
        return _sorted_if_possible(cast("Collection[Any]", value))
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal | uuid.UUID | PurePath):
        return str(value)
    if isinstance(value, Mapping):
        mapping: Mapping[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
        return dict(mapping)
    dump: object = getattr(value, "model_dump", None)  # pydantic v2 models
    if callable(dump) and not isinstance(value, type):
        dumped: object = dump(mode="json")
        return dumped
    to_builtins = _msgspec_to_builtins()  # attrs classes, msgspec Structs...: as wumbo serve
    if to_builtins is not None:
        try:
            return to_builtins(value)
        except TypeError:
            pass
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


@functools.cache
def _msgspec_to_builtins() -> Callable[[object], object] | None:
    """msgspec's conversion to JSON values when msgspec is installed (the serve extra)."""
    try:
        import msgspec
    except ImportError:
        return None
    return msgspec.to_builtins


def _encoder() -> Callable[[object], str]:
    """``json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=to_json).encode``,
    minus its per-call set-up: ``json``'s C encoder is made once and called directly.

    It keeps no record of the objects it is inside (``check_circular``): a value that
    contains itself ends in a ``RecursionError``, and `output_line` then asks the checking
    encoder (`_explained`) which of the two it was.
    """
    make: Callable[..., Callable[[object, int], list[str]]] | None
    make = getattr(json.encoder, "c_make_encoder", None)  # not in the stubs: a private name
    if make is None:  # no C accelerator (another Python): the encoder's own method
        return json.JSONEncoder(
            ensure_ascii=False, allow_nan=False, default=to_json, check_circular=False
        ).encode
    chunks = make(
        None, to_json, json.encoder.encode_basestring, None, ": ", ", ", False, False, False
    )
    return lambda value: "".join(chunks(value, 0))


_encode: Final = _encoder()


def output_line(line: int, output: object) -> bytes:
    """The output record of input line ``line``, as one UTF-8 line; `NotEncodable` if
    ``output`` cannot be written as JSON.

    Examples:
        >>> output_line(2, {"total": 1.5})
        b'{"line": 2, "output": {"total": 1.5}}\\n'
        >>> try:
        ...     output_line(2, float("nan"))
        ... except NotEncodable as error:
        ...     print(str(error).split(":")[1])
         Out of range float values are not JSON compliant
    """
    record = {"line": line, "output": output}
    try:
        return (_encode(record) + "\n").encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError) as error:
        raise NotEncodable(f"output is not JSON-encodable: {error}") from None
    except RecursionError:
        raise NotEncodable(f"output is not JSON-encodable: {_explained(record)}") from None


def _explained(record: object) -> str:
    """Why ``record`` cannot be encoded, from the encoder that checks for values containing
    themselves ("Circular reference detected") and otherwise reports the depth: the failure
    path only, so the success path keeps its cheaper encoder."""
    try:
        json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=to_json).encode(record)
    except (TypeError, ValueError, RecursionError, UnicodeEncodeError) as error:
        return str(error)
    return "maximum recursion depth exceeded"  # encodes now: it was nested too deeply then


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """Why one input line yielded no output: where it failed, how, and on what input.

    ``stage`` is the failing stage's name and ``position`` its 1-based position in the
    pipeline; ``"read"`` and ``"write"`` (position 0) are the command's own steps, and a
    failure of the whole item (a timeout, a lost worker) names the pipeline, at position 0.

    Examples:
        >>> ErrorRecord(4, "parse", 1, "ValueError", "bad number", "x").error_type
        'ValueError'
    """

    line: int
    stage: str
    position: int
    error_type: str
    error: str
    input: object


_ERROR_FIELDS: Final = dataclasses.fields(ErrorRecord)


def error_line(record: ErrorRecord) -> bytes:
    """The error record as one UTF-8 line; an input that cannot be encoded is written as its
    ``repr``, so an error record is always written.

    Examples:
        >>> error_line(ErrorRecord(4, "read", 0, "Malformed", "not valid JSON", "{oops"))
        b'{"line": 4, "stage": "read", "position": 0, "error_type": "Malformed", "error": "not valid JSON", "input": "{oops"}\\n'
        >>> b'"input": "<object' in error_line(ErrorRecord(1, "s", 1, "E", "e", object()))
        True
        >>> import json
        >>> deep: list[object] = []
        >>> for _ in range(100_000):
        ...     deep = [deep]
        >>> json.loads(error_line(ErrorRecord(1, "s", 1, "E", "e", deep)))["input"]
        '[[[[...]]]]'
    """
    fields = {field.name: getattr(record, field.name) for field in _ERROR_FIELDS}
    try:
        return (_encode(fields) + "\n").encode("utf-8")
    except (TypeError, ValueError, RecursionError, UnicodeEncodeError):
        fields["input"] = _text_of(record.input)
        return (json.dumps(fields, ensure_ascii=True) + "\n").encode("ascii")


def _text_of(value: object) -> str:
    """``repr(value)``, or a shortened one when the value is nested too deeply for ``repr``."""
    try:
        return repr(value)
    except RecursionError:
        return bounded_repr(value)


def _opened(path: Path, append: bool) -> BinaryIO:
    try:
        return path.open("ab" if append else "wb")
    except OSError as error:
        raise CommandLineError(f"cannot write '{path}': {error.strerror}") from None


class RecordFiles:
    """The output and errors files of one run, written in whole lines, at least every second.

    Records are kept in memory and written together once a second (or once a MiB is
    pending), and at the end; ``before_write`` is called just before, so that what must be on
    disk before any record (the input's fingerprint) is. ``append=True`` (for ``--resume``)
    keeps what the files hold; otherwise they start empty. A failed write raises
    `CommandLineError` with the ABORTED status.

    Examples:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> with RecordFiles(folder / "out.jsonl", folder / "errors.jsonl") as files:
        ...     files.write(output_line(1, [1, 2]))
        ...     files.write(error_line(ErrorRecord(2, "read", 0, "Malformed", "bad", "")), failed=True)
        >>> (folder / "out.jsonl").read_text()
        '{"line": 1, "output": [1, 2]}\\n'
    """

    def __init__(
        self,
        output: Path,
        errors: Path,
        *,
        append: bool = False,
        clock: Callable[[], float] = time.monotonic,
        before_write: Callable[[], None] = lambda: None,
    ) -> None:
        self.output_path, self.errors_path = output, errors
        self._output = _opened(output, append)
        try:
            self._errors = _opened(errors, append)
        except BaseException:
            self._output.close()
            raise
        self._pending_output, self._pending_errors = bytearray(), bytearray()
        self._clock, self._before_write = clock, before_write
        self._written = clock()

    def write(self, record: bytes, *, failed: bool = False) -> None:
        """Add one record line for the errors file (``failed``) or the output file."""
        pending = self._pending_errors if failed else self._pending_output
        pending += record
        now = self._clock()
        if now - self._written >= _WRITE_SECONDS or len(pending) >= _WRITE_BYTES:
            self.flush()
            self._written = now

    def flush(self) -> None:
        """Write the pending records to the files now (``before_write`` first)."""
        if not (self._pending_output or self._pending_errors):
            return
        self._before_write()
        for stream, pending, path in (
            (self._output, self._pending_output, self.output_path),
            (self._errors, self._pending_errors, self.errors_path),
        ):
            try:
                stream.write(pending)
                stream.flush()
            except OSError as error:
                raise CommandLineError(
                    f"cannot write '{path}': {error.strerror}", status=ExitStatus.ABORTED
                ) from None
            pending.clear()

    def close(self) -> None:
        """Write what is pending and close both files (both are closed even after a failure)."""
        problem: CommandLineError | None = None
        try:
            self.flush()
        except CommandLineError as error:
            problem = error
        for stream, path in ((self._output, self.output_path), (self._errors, self.errors_path)):
            try:
                stream.close()
            except OSError as error:
                problem = problem or CommandLineError(
                    f"cannot write '{path}': {error.strerror}", status=ExitStatus.ABORTED
                )
        if problem is not None:
            raise problem

    def __enter__(self) -> RecordFiles:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
