"""Reading the input of ``wumbo run``: JSON Lines or CSV, one numbered item per record.

Every item carries the number of the input line it starts on (1-based, as an editor shows it),
so each output record points back at its line. Blank lines are not items. A line that cannot
be read (invalid UTF-8, invalid JSON, JSON nested too deeply or an integer too long for
Python, a CSV row with the wrong number of fields or a field too large) becomes a
`Malformed` item, which ``wumbo run`` writes to the errors file: it is never skipped and
never stops the run. A CSV file's first row is its header; each later row is a ``dict`` of
strings. A UTF-8 byte order mark is ignored. What a line's JSON value (or a CSV row) becomes is
a `Decoding`'s choice: `RAW` keeps it as it is; ``wumbo run`` decodes it into the pipeline's
input type (`wumbo.cli.decoding`), and a value that does not fit that type becomes a `Misfit`.

Examples:
    >>> import io
    >>> data = io.BytesIO(b'{"a": 1}\\n\\n[2]\\n{oops\\n')
    >>> for item in read_items(data, "jsonl"):
    ...     print(item.line, item.value)
    1 {'a': 1}
    3 [2]
    4 Malformed(text='{oops', reason='not valid JSON: Expecting property name enclosed in double quotes at column 2')
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final, Literal, NamedTuple, Protocol, cast

from wumbo.cli.exits import CommandLineError

__all__ = [
    "FORMATS",
    "RAW",
    "Decoding",
    "InputFormat",
    "Malformed",
    "Misfit",
    "Numbered",
    "Unread",
    "count_items",
    "input_format",
    "json_value",
    "open_input",
    "read_items",
]

InputFormat = Literal["jsonl", "csv"]
FORMATS: Final[tuple[InputFormat, ...]] = ("jsonl", "csv")
_BOM: Final = "\ufeff"


@dataclass(frozen=True, slots=True)
class Malformed:
    """An input line that is not an item: its text, and why it could not be read.

    Examples:
        >>> Malformed("{oops", "not valid JSON").reason
        'not valid JSON'
    """

    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Misfit:
    """An input line whose value does not fit the pipeline's input type: the value (as read
    from JSON, or the CSV row), and what did not fit where.

    Examples:
        >>> Misfit({"qty": "two"}, "the input does not fit Line: Expected `int`, got `str` at qty").value
        {'qty': 'two'}
    """

    value: object
    reason: str


Unread: Final = (Malformed, Misfit)
"""What an item's value is when the line could not be read as an item: it does not run."""


class Numbered(NamedTuple):
    """One item of the input and the line it starts on; ``value`` may be `Malformed` or
    `Misfit`.

    Examples:
        >>> Numbered(3, {"id": 7})
        Numbered(line=3, value={'id': 7})
    """

    line: int
    value: object


_numbered: Final[Callable[..., Numbered]] = tuple.__new__  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
"""``_numbered(Numbered, (line, value))``: a `Numbered` without NamedTuple's Python ``__new__``."""


def input_format(path: Path, requested: InputFormat | None) -> InputFormat:
    """The format asked for, else ``csv`` for a ``.csv`` file and JSON Lines for anything else.

    Examples:
        >>> input_format(Path("orders.csv"), None), input_format(Path("orders.txt"), None)
        ('csv', 'jsonl')
        >>> input_format(Path("orders.csv"), "jsonl")
        'jsonl'
    """
    if requested is not None:
        return requested
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def open_input(path: Path) -> BinaryIO:
    """``path`` opened for reading, or a `CommandLineError` saying why it cannot be.

    Examples:
        >>> open_input(Path("/no/such/input.jsonl"))
        Traceback (most recent call last):
        ...
        wumbo.cli.exits.CommandLineError: cannot read input file '/no/such/input.jsonl': No such file or directory
    """
    try:
        stream = path.open("rb")
    except OSError as error:
        raise CommandLineError(f"cannot read input file '{path}': {error.strerror}") from None
    return stream


def _decoded(raw: bytes, line: int) -> tuple[str, str | None]:
    """The text of one raw line, and what is wrong with its encoding (``None``: nothing)."""
    bad: str | None = None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = f"not valid UTF-8: {error.reason} at byte {error.start + 1}"
        text = raw.decode("utf-8", "replace")
    if line == 1 and text.startswith(_BOM):
        text = text[len(_BOM) :]
    return text, bad


def _json_item(raw: bytes, line: int) -> object:
    """The JSON value of a line that the fast path could not read, or why it is `Malformed`."""
    text, bad = _decoded(raw, line)
    text = text.rstrip("\r\n")
    if bad is not None:
        return Malformed(text, bad)
    try:
        value: object = json.loads(text)
    except json.JSONDecodeError as error:
        return Malformed(text, f"not valid JSON: {error.msg} at column {error.colno}")
    except RecursionError:
        return Malformed(text, "cannot be read: JSON nested too deeply for Python's parser")
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        return Malformed(text, f"cannot be read: {error}")
    return value


_scan: Final[Callable[[str, int], tuple[object, int]]] = json.scanner.make_scanner(
    cast("Any", json.JSONDecoder())  # the stubs say it takes a scanner: it takes a decoder
)
"""``json``'s own scanner (its C one), as ``json.loads`` runs it, minus two Python calls and a
regular expression per line."""

_JSON_WHITESPACE: Final = " \t\n\r"


def json_value(raw: bytes, line: int) -> object:
    """The JSON value of one raw line (number ``line``), or `Malformed` saying why not.

    What ``json.loads`` gives for the line: the value, or the same error, said by `Malformed`.

    Examples:
        >>> json_value(b'{"a": [1, 2]}\\n', 1), json_value(b"\\xef\\xbb\\xbf7\\n", 1)
        ({'a': [1, 2]}, 7)
        >>> json_value(b"nul\\n", 2)
        Malformed(text='nul', reason='not valid JSON: Expecting value at column 1')
        >>> json_value(b' [1] \\r\\n', 3), json_value(b"[1] 2\\n", 4)
        ([1], Malformed(text='[1] 2', reason='not valid JSON: Extra data at column 5'))
    """
    try:
        text = raw.decode()
        value, end = _scan(text, 0)
    except (ValueError, RecursionError, StopIteration):  # or leading space, a byte order mark
        return _json_item(raw, line)  # the slower way, which says what is wrong
    if end != len(text) and text[end:].strip(_JSON_WHITESPACE):  # something after the value
        return _json_item(raw, line)
    return value


class Decoding(Protocol):
    """What an input line's value becomes: its JSON value, or the pipeline's input type."""

    def line(self, raw: bytes, number: int) -> object:
        """The item of one JSON line (its raw bytes): a value, `Malformed` or `Misfit`."""
        ...

    def row(self, row: dict[str, str]) -> object:
        """The item of one CSV row (an object of strings): a value or `Misfit`."""
        ...


class _Raw:
    """Values as they are: the JSON value of each line, each CSV row as a ``dict``."""

    @staticmethod
    def line(raw: bytes, number: int) -> object:
        return json_value(raw, number)

    @staticmethod
    def row(row: dict[str, str]) -> object:
        return row


RAW: Final[Decoding] = _Raw()
"""The `Decoding` of ``--raw`` (and of pipelines whose input is not annotated)."""


def _jsonl(stream: Iterable[bytes], skip: Container[int], decode: Decoding) -> Iterator[Numbered]:
    decoded = decode.line
    for line, raw in enumerate(stream, start=1):
        if not raw.isspace() and line not in skip:
            yield _numbered(Numbered, (line, decoded(raw, line)))


class _TextLines:
    """Decoded lines for ``csv.reader``, remembering which lines each record was made of."""

    def __init__(self, stream: Iterable[bytes]) -> None:
        self._raw = iter(stream)
        self._line = 0
        self._taken: list[str] = []
        self._bad: str | None = None

    def __iter__(self) -> _TextLines:
        return self

    def __next__(self) -> str:
        raw = next(self._raw)
        self._line += 1
        text, bad = _decoded(raw, self._line)
        if bad is not None and self._bad is None:
            self._bad = f"line {self._line} is {bad}"
        self._taken.append(text)
        return text

    def take(self) -> tuple[int, str, str | None]:
        """The first line number, the text and any encoding problem of the last record."""
        first = self._line - len(self._taken) + 1
        text, bad = "".join(self._taken).rstrip("\r\n"), self._bad
        self._taken, self._bad = [], None
        return first, text, bad


def _csv_header(lines: _TextLines, reader: Iterator[list[str]]) -> list[str] | None:
    for row in reader:
        first, _, bad = lines.take()
        if bad is not None:
            raise CommandLineError(f"the CSV header (line {first}) is {bad}")
        if row:
            return row
    return None


def _csv(stream: Iterable[bytes], skip: Container[int], decode: Decoding) -> Iterator[Numbered]:
    import csv  # for CSV input only: a JSON Lines run does not load it

    lines = _TextLines(stream)
    reader = csv.reader(lines)
    try:
        header = _csv_header(lines, reader)
    except csv.Error as error:
        raise CommandLineError(f"the CSV header is not valid CSV: {error}") from None
    if header is None:
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            first, text, _ = lines.take()
            if first not in skip:
                yield Numbered(first, Malformed(text, f"not valid CSV: {error}"))
            continue
        first, text, bad = lines.take()
        if not row or first in skip:
            continue
        if bad is not None:
            yield Numbered(first, Malformed(text, bad))
        elif len(row) != len(header):
            reason = f"expected {len(header)} fields ({', '.join(header)}), got {len(row)}"
            yield Numbered(first, Malformed(text, reason))
        else:
            yield Numbered(first, decode.row(dict(zip(header, row, strict=True))))


def read_items(
    stream: Iterable[bytes],
    input_format: InputFormat,
    skip: Container[int] = (),
    decode: Decoding = RAW,
) -> Iterator[Numbered]:
    """The numbered items of a binary stream, leaving out the lines in ``skip``, their values
    made by ``decode``.

    Examples:
        >>> import io
        >>> data = io.BytesIO(b"id,qty\\n1,2\\n2\\n3,4\\n")
        >>> [(item.line, item.value) for item in read_items(data, "csv", skip={4})]
        [(2, {'id': '1', 'qty': '2'}), (3, Malformed(text='2', reason='expected 2 fields (id, qty), got 1'))]
    """
    if input_format == "csv":
        return _csv(stream, skip, decode)
    return _jsonl(stream, skip, decode)


def count_items(stream: Iterable[bytes], input_format: InputFormat) -> int:
    """How many items the stream holds, cheaply (no JSON parsing): for the progress total.

    Examples:
        >>> import io
        >>> count_items(io.BytesIO(b"1\\n\\n2\\n"), "jsonl"), count_items(io.BytesIO(b"a\\n1\\n2\\n"), "csv")
        (2, 2)
    """
    if input_format == "jsonl":
        return sum(1 for raw in stream if not raw.isspace())
    import csv

    lines = (raw.decode("utf-8", "replace") for raw in stream)
    try:
        rows = sum(1 for row in csv.reader(lines) if row)
    except csv.Error:  # only an estimate: the real read reports the bad row
        return 0
    return max(0, rows - 1)
