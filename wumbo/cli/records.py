"""The records ``wumbo run`` writes: one JSON line per input item, in one of two files.

A success goes to the output file as ``{"line": n, "output": ...}``; a failure goes to the
errors file as ``{"line", "stage", "position", "error_type", "error", "input"}``. Outputs are
encoded with [`to_json`][wumbo.cli.records.to_json], which also handles dataclasses, sets, enums, dates, paths,
decimals and pydantic models; an output that still cannot be encoded (or a ``NaN``, which is
not JSON) becomes an error record of the stage ``"write"``, so every item yields exactly one
record. Records are appended in whole lines and flushed at least every second.

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
import json
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from types import TracebackType
from typing import Any, BinaryIO, Final, cast

from wumbo.cli.exits import CommandLineError, ExitStatus

__all__ = [
    "ErrorRecord",
    "NotEncodable",
    "RecordFiles",
    "error_line",
    "output_line",
    "to_json",
]

_FLUSH_SECONDS: Final = 1.0


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
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
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
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_encode: Final[Callable[[object], str]] = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, default=to_json
).encode


def output_line(line: int, output: object) -> bytes:
    """The output record of input line ``line``, as one UTF-8 line; [`NotEncodable`][wumbo.cli.records.NotEncodable] if
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
    try:
        return (_encode({"line": line, "output": output}) + "\n").encode("utf-8")
    except (TypeError, ValueError, RecursionError, UnicodeEncodeError) as error:
        raise NotEncodable(f"output is not JSON-encodable: {error}") from None


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


def error_line(record: ErrorRecord) -> bytes:
    """The error record as one UTF-8 line; an input that cannot be encoded is written as its
    ``repr``, so an error record is always written.

    Examples:
        >>> error_line(ErrorRecord(4, "read", 0, "Malformed", "not valid JSON", "{oops"))
        b'{"line": 4, "stage": "read", "position": 0, "error_type": "Malformed", "error": "not valid JSON", "input": "{oops"}\\n'
        >>> b'"input": "<object' in error_line(ErrorRecord(1, "s", 1, "E", "e", object()))
        True
    """
    fields = dataclasses.asdict(record)
    try:
        return (_encode(fields) + "\n").encode("utf-8")
    except (TypeError, ValueError, RecursionError, UnicodeEncodeError):
        fields["input"] = repr(record.input)
        return (json.dumps(fields, ensure_ascii=True) + "\n").encode("ascii")


def _opened(path: Path, append: bool) -> BinaryIO:
    try:
        return path.open("ab" if append else "wb")
    except OSError as error:
        raise CommandLineError(f"cannot write '{path}': {error.strerror}") from None


class RecordFiles:
    """The output and errors files of one run, written in whole lines, flushed every second.

    ``append=True`` (for ``--resume``) keeps what the files hold; otherwise they start empty.
    A failed write raises `CommandLineError` with the ABORTED status.

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
    ) -> None:
        self.output_path, self.errors_path = output, errors
        self._output = _opened(output, append)
        try:
            self._errors = _opened(errors, append)
        except BaseException:
            self._output.close()
            raise
        self._clock = clock
        self._flushed = clock()

    def write(self, record: bytes, *, failed: bool = False) -> None:
        """Append one record line to the errors file (``failed``) or the output file."""
        try:
            (self._errors if failed else self._output).write(record)
            now = self._clock()
            if now - self._flushed >= _FLUSH_SECONDS:
                self._flush()
                self._flushed = now
        except OSError as error:
            target = self.errors_path if failed else self.output_path
            raise CommandLineError(
                f"cannot write '{target}': {error.strerror}", status=ExitStatus.ABORTED
            ) from None

    def _flush(self) -> None:
        self._output.flush()
        self._errors.flush()

    def close(self) -> None:
        """Flush and close both files (both are closed even when one cannot be written)."""
        problem = None
        for stream, path in ((self._output, self.output_path), (self._errors, self.errors_path)):
            try:
                stream.close()
            except OSError as error:
                problem = problem or f"cannot write '{path}': {error.strerror}"
        if problem is not None:
            raise CommandLineError(problem, status=ExitStatus.ABORTED)

    def __enter__(self) -> RecordFiles:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
