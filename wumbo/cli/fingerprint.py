"""``--resume``'s proof that the input is still the one the records came from.

While ``wumbo run`` reads its input it hashes every byte it consumes (SHA-256 of the consumed
prefix, skipped lines included). Before any record reaches the output or errors file, the
fingerprint of what was consumed so far (bytes, lines, hash) replaces the file
``<output>.fingerprint`` next to the output, atomically, so every record on disk is covered by
the fingerprint on disk, even after ``kill -9``. ``--resume`` hashes that prefix of the input
again: a line inserted, edited or removed in it stops the run with one clear error (exit 2),
while an input that only grew past it resumes.

Examples:
    >>> import io, tempfile
    >>> from pathlib import Path
    >>> consumed = ConsumedInput(io.BytesIO(b'{"n": 1}\\n{"n": 2}\\n'))
    >>> [len(line) for line in consumed]
    [9, 9]
    >>> print(consumed.fingerprint())
    18 bytes in 2 lines, sha256 8bc530da...
    >>> source = Path(tempfile.mkdtemp()) / "in.jsonl"
    >>> _ = source.write_bytes(b'{"n": 1}\\n{"n": 2}\\n{"n": 3}\\n')  # it grew: fine
    >>> check_unchanged(source, consumed.fingerprint())
    >>> _ = source.write_bytes(b'{"n": 0}\\n{"n": 1}\\n{"n": 2}\\n')  # a line inserted at the top
    >>> check_unchanged(source, consumed.fingerprint())
    Traceback (most recent call last):
    ...
    wumbo.cli.exits.CommandLineError: cannot resume: the input ... changed since the records were written: its first 2 lines (18 bytes) differ from what was read then; restore it, or run without --resume to start over
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from wumbo.cli.exits import CommandLineError, ExitStatus

__all__ = [
    "Checkpoints",
    "ConsumedInput",
    "Fingerprint",
    "check_unchanged",
    "fingerprint_path",
    "load_fingerprint",
]

_CHUNK: Final = 1 << 20
BATCH: Final = 1024
"""Consumed lines hashed together, at most (`ConsumedInput`)."""


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a run consumed of its input: its first ``size`` bytes, ``lines`` lines, and their hash.

    Examples:
        >>> Fingerprint(0, 0, hashlib.sha256().hexdigest()).lines
        0
    """

    size: int
    lines: int
    sha256: str

    def __str__(self) -> str:
        return f"{self.size} bytes in {self.lines} lines, sha256 {self.sha256[:8]}..."


def fingerprint_path(output: Path) -> Path:
    """Where the fingerprint of a run writing to ``output`` is kept: next to it.

    Examples:
        >>> fingerprint_path(Path("data/orders.out.jsonl"))
        PosixPath('data/orders.out.jsonl.fingerprint')
    """
    return output.with_name(output.name + ".fingerprint")


class ConsumedInput:
    """The lines of a binary stream, each one hashed once it has been consumed.

    Reading a line costs one append to a queue; the lines are hashed in batches (every
    `BATCH` lines, and when `fingerprint` is called, which may be from another thread than
    the one reading), so a fingerprint always covers exactly the lines consumed so far.

    Examples:
        >>> import io
        >>> consumed = ConsumedInput(io.BytesIO(b"1\\n2\\n"))
        >>> next(iter(consumed)), consumed.fingerprint().size
        (b'1\\n', 2)
    """

    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream
        self._hash = hashlib.sha256()
        self._size = self._lines = 0
        self._pending: deque[bytes] = deque()
        self._lock = threading.Lock()

    def __iter__(self) -> Iterator[bytes]:
        pending = self._pending
        for raw in self._stream:
            pending.append(raw)
            if len(pending) >= BATCH:
                self._hash_pending()
            yield raw

    def _hash_pending(self) -> None:
        """Hash the lines consumed and not hashed yet, in order (one thread at a time)."""
        with self._lock:
            pending = self._pending
            lines = [pending.popleft() for _ in range(len(pending))]
            consumed = b"".join(lines)
            self._hash.update(consumed)
            self._size += len(consumed)
            self._lines += len(lines)

    def fingerprint(self) -> Fingerprint:
        """What was consumed so far."""
        self._hash_pending()
        with self._lock:
            return Fingerprint(self._size, self._lines, self._hash.hexdigest())


def load_fingerprint(path: Path) -> Fingerprint | None:
    """The fingerprint saved at ``path``, ``None`` when there is none; an error if garbled.

    Examples:
        >>> load_fingerprint(Path("/no/such/out.jsonl.fingerprint")) is None
        True
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CommandLineError(f"cannot resume: cannot read '{path}': {error.strerror}") from None
    try:
        saved: object = json.loads(text)
        if not isinstance(saved, dict):
            raise TypeError
        fields: dict[str, object] = saved  # pyright: ignore[reportUnknownVariableType]
        size, lines, sha256 = fields["bytes"], fields["lines"], fields["sha256"]
        if not (isinstance(size, int) and isinstance(lines, int) and isinstance(sha256, str)):
            raise TypeError
    except (ValueError, TypeError, KeyError):
        raise CommandLineError(
            f"cannot resume: '{path}' is not a fingerprint of wumbo run (expected a JSON "
            f'object with "bytes", "lines" and "sha256", got {text[:60]!r})'
        ) from None
    return Fingerprint(size, lines, sha256)


def _prefix(stream: BinaryIO, size: int) -> tuple[str, bytes]:
    """The hash of the next ``size`` bytes of ``stream`` (fewer when it ends), and the last one."""
    digest = hashlib.sha256()
    left, last = size, b""
    while left > 0:
        chunk = stream.read(min(left, _CHUNK))
        if not chunk:
            return "", last  # shorter than what was consumed: no hash matches
        digest.update(chunk)
        left -= len(chunk)
        last = chunk[-1:]
    return digest.hexdigest(), last


def check_unchanged(source: Path, fingerprint: Fingerprint) -> None:
    """Raise a `CommandLineError` unless ``source`` starts with what was consumed.

    When the consumed part ended without a newline (it was the input's end), the input may
    only have grown by new lines: that last line must still end there.

    Examples:
        >>> import tempfile
        >>> source = Path(tempfile.mkdtemp()) / "in.jsonl"
        >>> _ = source.write_bytes(b"1\\n2")
        >>> with source.open("rb") as stream:
        ...     consumed = ConsumedInput(stream)
        ...     _ = list(consumed)
        >>> _ = source.write_bytes(b"1\\n2\\n3\\n")  # new lines after the last one: fine
        >>> check_unchanged(source, consumed.fingerprint())
        >>> _ = source.write_bytes(b"1\\n23\\n")  # line 2 is now another line
        >>> check_unchanged(source, consumed.fingerprint())
        Traceback (most recent call last):
        ...
        wumbo.cli.exits.CommandLineError: cannot resume: the input ... changed since the records were written: its first 2 lines (3 bytes) differ from what was read then; restore it, or run without --resume to start over
    """
    with source.open("rb") as stream:
        sha256, last = _prefix(stream, fingerprint.size)
        following = stream.read(2)
    line_ends_there = (
        fingerprint.size == 0
        or last == b"\n"
        or following in (b"", b"\r\n")
        or following.startswith(b"\n")
    )
    if sha256 == fingerprint.sha256 and line_ends_there:
        return
    lines = f"{fingerprint.lines} line{'' if fingerprint.lines == 1 else 's'}"
    raise CommandLineError(
        f"cannot resume: the input '{source}' changed since the records were written: its first "
        f"{lines} ({fingerprint.size} bytes) differ from what was read then; "
        f"restore it, or run without --resume to start over"
    )


class Checkpoints:
    """Saves the fingerprint of what ``consumed`` read, atomically, before records are written.

    ``floor`` is the fingerprint a resumed run started from (already checked against the
    input): it stays on disk until this run has consumed more, since records cover it.

    Examples:
        >>> import io, tempfile
        >>> path = Path(tempfile.mkdtemp()) / "out.jsonl.fingerprint"
        >>> consumed = ConsumedInput(io.BytesIO(b"1\\n2\\n"))
        >>> _ = next(iter(consumed))
        >>> Checkpoints(path, consumed).save()
        >>> load_fingerprint(path)
        Fingerprint(size=2, lines=1, sha256='...')
    """

    def __init__(
        self, path: Path, consumed: ConsumedInput, floor: Fingerprint | None = None
    ) -> None:
        self.path, self._consumed, self._floor = path, consumed, floor
        self._temporary = path.with_name(path.name + ".tmp")

    def save(self) -> None:
        """Replace the saved fingerprint by what was consumed so far (unless below the floor)."""
        current = self._consumed.fingerprint()
        if self._floor is not None and current.size < self._floor.size:
            return
        self._floor = None
        text = json.dumps({"bytes": current.size, "lines": current.lines, "sha256": current.sha256})
        try:
            self._temporary.write_text(text + "\n", encoding="utf-8")
            os.replace(self._temporary, self.path)
        except OSError as error:
            raise CommandLineError(
                f"cannot write '{self.path}': {error.strerror}", status=ExitStatus.ABORTED
            ) from None
