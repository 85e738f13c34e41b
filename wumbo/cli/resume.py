"""``--resume``: which input lines an interrupted run already recorded, from the same input.

A run killed while writing may leave a last line without its newline: that partial record is
cut off (the file is truncated to its last complete line), so the item runs again and is
recorded once. Every complete line must be a record with a ``"line"`` number; anything else
means the file is not one ``wumbo run`` wrote, and resuming stops with a clear error rather
than guess. The records must come from the input as it is now: `resume_point` checks the
input against the fingerprint the interrupted run saved (see `wumbo.cli.fingerprint`).

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
from wumbo.cli.fingerprint import Fingerprint, check_unchanged, load_fingerprint

__all__ = ["recorded_lines", "resume_point"]


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


def resume_point(
    source: Path, output: Path, errors: Path, fingerprint_file: Path
) -> tuple[set[int], Fingerprint | None]:
    """The lines recorded in ``output`` and ``errors``, and the fingerprint of the input they
    came from, checked against ``source``: a `CommandLineError` when they do not match.

    Examples:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "in.jsonl").write_text("1\\n2\\n")
        >>> _ = (folder / "out.jsonl").write_text('{"line": 1, "output": 1}\\n')
        >>> resume_point(folder / "in.jsonl", folder / "out.jsonl", folder / "errors.jsonl",
        ...              folder / "out.jsonl.fingerprint")
        Traceback (most recent call last):
        ...
        wumbo.cli.exits.CommandLineError: cannot resume: there is no fingerprint '...out.jsonl.fingerprint' of the input the records in '...out.jsonl' and '...errors.jsonl' came from, so they cannot be matched to its lines; run without --resume to start over
    """
    done = recorded_lines(output) | recorded_lines(errors)
    if not done:
        return done, None
    fingerprint = load_fingerprint(fingerprint_file)
    if fingerprint is None:
        raise CommandLineError(
            f"cannot resume: there is no fingerprint '{fingerprint_file}' of the input the "
            f"records in '{output}' and '{errors}' came from, so they cannot be matched to its "
            f"lines; run without --resume to start over"
        )
    if max(done) > fingerprint.lines:
        raise CommandLineError(
            f"cannot resume: the records in '{output}' and '{errors}' go up to line "
            f"{max(done)}, but the fingerprint '{fingerprint_file}' covers {fingerprint.lines} "
            f"lines: they do not come from the same run; run without --resume to start over"
        )
    check_unchanged(source, fingerprint)
    return done, fingerprint
