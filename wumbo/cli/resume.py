"""``--resume``: which input lines an interrupted run already recorded.

A run killed while writing may leave a last line without its newline: that partial record is
cut off (the file is truncated to its last complete line), so the item runs again and is
recorded once. Every complete line must be a record with a ``"line"`` number; anything else
means the file is not one ``wumbo run`` wrote, and resuming stops with a clear error rather
than guess.

Examples:
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "out.jsonl"
    >>> _ = path.write_bytes(b'{"line": 1, "output": 2}\\n{"line": 3, "output": 6}\\n{"line": 4, "out')
    >>> sorted(recorded_lines(path))
    [1, 3]
    >>> path.read_bytes()
    b'{"line": 1, "output": 2}\\n{"line": 3, "output": 6}\\n'
"""

from __future__ import annotations

import json
from pathlib import Path

from wumbo.cli.exits import CommandLineError

__all__ = ["recorded_lines"]


def _line_number(raw: bytes, path: Path, number: int) -> int:
    try:
        record: object = json.loads(raw)
    except ValueError:
        record = None
    line = record.get("line") if isinstance(record, dict) else None  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
    if not isinstance(line, int) or isinstance(line, bool):
        raise CommandLineError(
            f"cannot resume: line {number} of '{path}' is not a record of wumbo run "
            f'(expected a JSON object with a "line" number, got {raw[:60]!r})'
        )
    return line


def recorded_lines(path: Path) -> set[int]:
    """The input line numbers recorded in ``path`` (empty when it does not exist yet).

    Examples:
        >>> recorded_lines(Path("/no/such/file.jsonl"))
        set()
    """
    try:
        stream = path.open("r+b")
    except FileNotFoundError:
        return set()
    except OSError as error:
        raise CommandLineError(f"cannot resume from '{path}': {error.strerror}") from None
    lines: set[int] = set()
    with stream:
        complete = 0
        for number, raw in enumerate(stream, start=1):
            if not raw.endswith(b"\n"):
                stream.truncate(complete)  # a record cut short when the run was killed
                break
            complete += len(raw)
            lines.add(_line_number(raw, path, number))
    return lines
