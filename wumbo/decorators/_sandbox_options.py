"""The options of a sandbox, declared once: [`SandboxOptions`][wumbo.decorators.sandbox.SandboxOptions].

Each option is a field here, with its type, its default and what it does; ``sandbox(**options)``
builds one, its checks run once (when ``sandbox(...)`` is called), the worker gets
`SandboxOptions.for_child`, and the docs' options table is checked against these fields.

Examples:
    >>> options = SandboxOptions(cpu_seconds=2, memory_bytes=256 * MiB)
    >>> options.cpu_seconds, options.memory_bytes // MiB, options.wall_seconds
    (2.0, 256, 60.0)
    >>> SandboxOptions(memory_bytes=-1)
    Traceback (most recent call last):
    ...
    ValueError: sandbox memory_bytes must be a positive int, got int -1
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, Literal

from wumbo.core.validate import flag, positive_int, positive_number
from wumbo.decorators._options import Options

__all__ = ["DEFAULT_ENV_ALLOW", "SANDBOX_UID_BASE", "Isolation", "MiB", "SandboxOptions"]

Isolation = Literal["strict", "best-effort"]
"""``"strict"``: a protection the kernel refuses fails the call; ``"best-effort"``: skip it."""

MiB: Final = 1 << 20
"""One mebibyte, for writing limits: ``memory_bytes=256 * MiB``."""

DEFAULT_ENV_ALLOW: Final = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ")
"""The environment variables a sandboxed stage sees by default (all others are dropped)."""

SANDBOX_UID_BASE: Final = 2_000_000_000
"""Run as root, each sandbox run gets its own uid and gid: this plus the supervisor's pid."""


def _uid(value: object) -> int | Literal["auto"] | None:
    if value is None or value == "auto":
        return None if value is None else "auto"
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**32 - 1:
        raise ValueError(f"sandbox uid must be 'auto', None or a non-root uid, got {value!r}")
    return value


def _items(value: object) -> tuple[object, ...]:
    """One string or path is one item, not its characters."""
    if isinstance(value, str) or hasattr(value, "__fspath__") or not isinstance(value, Iterable):
        return (value,)
    items: Iterable[object] = value  # pyright: ignore[reportUnknownVariableType]
    return tuple(items)


def _fspath(item: object) -> object:
    fspath = getattr(item, "__fspath__", None)
    return fspath() if callable(fspath) else item


def _paths(name: str, value: object) -> tuple[str, ...]:
    paths: list[str] = []
    for item in _items(value):
        path = _fspath(item)
        if not isinstance(path, str) or not path:
            raise ValueError(f"sandbox {name} must hold file system paths, got {item!r}")
        paths.append(os.path.abspath(path))
    return tuple(paths)


def _types(value: object) -> tuple[type, ...]:
    items = _items(value)
    bad = [item for item in items if not isinstance(item, type)]
    if bad:
        raise ValueError(f"sandbox allow must hold classes, got {bad!r}")
    return tuple(item for item in items if isinstance(item, type))


def _isolation(value: object) -> Isolation:
    if value == "strict":
        return "strict"
    if value == "best-effort":
        return "best-effort"
    raise ValueError(f"sandbox isolation must be 'strict' or 'best-effort', got {value!r}")


def _names(value: object) -> tuple[str, ...]:
    names = _items(value)
    bad = [name for name in names if not isinstance(name, str) or not name or "=" in name]
    if bad:
        raise ValueError(f"sandbox env_allow must hold environment variable names, got {bad!r}")
    return tuple(str(name) for name in names)


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxOptions(Options):
    """Every option of [`sandbox`][wumbo.decorators.sandbox.sandbox], checked when it is built.

    Sequences (``env_allow``, ``readable``, ``writable``, ``allow``) may be given as any
    iterable (a single path or name too) and are kept as tuples; paths are made absolute.

    Examples:
        >>> SandboxOptions(processes=4).processes
        4
        >>> SandboxOptions(readable="/srv/data").readable
        ('/srv/data',)
        >>> SandboxOptions.build({"memroy_bytes": 1})
        Traceback (most recent call last):
        ...
        TypeError: sandbox got unknown options ['memroy_bytes']; it takes cpu_seconds, memory_bytes, wall_seconds, processes, open_files, max_output_bytes, max_result_bytes, env_allow, uid, network, readable, writable, file_bytes, isolation, allow
    """

    feature = "sandbox"

    cpu_seconds: float = 30.0
    """CPU time (``RLIMIT_CPU``, rounded up to whole seconds); reason ``cpu``."""
    memory_bytes: int = 1024 * MiB
    """Address space of each process (``RLIMIT_AS``); reason ``memory``."""
    wall_seconds: float = 60.0
    """Wall-clock time of the run, its start excluded; reason ``wall_time``."""
    processes: int = 32
    """Processes and threads at once, the stage's own included (``RLIMIT_NPROC``; it binds
    only for a non-root user, see ``uid``); reason ``processes``."""
    open_files: int = 64
    """Open file descriptors per process (``RLIMIT_NOFILE``)."""
    max_output_bytes: int = 1 * MiB
    """What it prints (stdout and stderr together); reason ``output_too_large``."""
    max_result_bytes: int = 16 * MiB
    """Its pickled result; reason ``result_too_large``."""
    env_allow: tuple[str, ...] = DEFAULT_ENV_ALLOW
    """The environment variables it sees; every other one is removed."""
    uid: int | Literal["auto"] | None = "auto"
    """``"auto"``: as root, a fresh uid and gid of its own; an int: that uid (root only);
    ``None``: never switch."""
    network: bool = False
    """``False``: a private network namespace (loopback only); ``True``: the caller's."""
    readable: tuple[str, ...] = ()
    """Extra paths it may read (Landlock)."""
    writable: tuple[str, ...] = ()
    """Extra paths it may read and write (Landlock)."""
    file_bytes: int = 64 * MiB
    """The size of any file it writes (``RLIMIT_FSIZE``); reason ``file_too_large``."""
    isolation: Isolation = "strict"
    """``"strict"``: a protection the kernel refuses fails the call; ``"best-effort"``: run
    without it."""
    allow: tuple[type, ...] = ()
    """Classes its result or exceptions may hold beyond the allow-list."""

    def __post_init__(self) -> None:
        checked: dict[str, object] = {
            "cpu_seconds": positive_number("sandbox cpu_seconds", self.cpu_seconds, unit="seconds"),
            "memory_bytes": positive_int("sandbox memory_bytes", self.memory_bytes),
            "wall_seconds": positive_number(
                "sandbox wall_seconds", self.wall_seconds, unit="seconds"
            ),
            "processes": positive_int("sandbox processes", self.processes),
            "open_files": positive_int("sandbox open_files", self.open_files),
            "max_output_bytes": positive_int("sandbox max_output_bytes", self.max_output_bytes),
            "max_result_bytes": positive_int("sandbox max_result_bytes", self.max_result_bytes),
            "env_allow": _names(self.env_allow),
            "uid": _uid(self.uid),
            "network": flag("sandbox network", self.network),
            "readable": _paths("readable", self.readable),
            "writable": _paths("writable", self.writable),
            "file_bytes": positive_int("sandbox file_bytes", self.file_bytes),
            "isolation": _isolation(self.isolation),
            "allow": _types(self.allow),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    def for_child(self) -> dict[str, Any]:
        """The limits as JSON-ready values for the sandbox process.

        ``uid`` becomes ``"fresh"`` (a uid of its own, when running as root), a uid, or None.

        Examples:
            >>> SandboxOptions(uid=None).for_child()["cpu_seconds"]
            30
        """
        root = os.geteuid() == 0
        uid: int | Literal["fresh"] | None = None
        if self.uid == "auto":
            uid = "fresh" if root else None
        elif self.uid is not None:
            if not root:
                raise PermissionError(f"sandbox(uid={self.uid}) needs root to switch to that uid")
            uid = self.uid
        return {
            "cpu_seconds": max(1, math.ceil(self.cpu_seconds)),
            "memory_bytes": self.memory_bytes,
            "wall_seconds": self.wall_seconds,
            "processes": self.processes,
            "open_files": self.open_files,
            "max_output_bytes": self.max_output_bytes,
            "max_result_bytes": self.max_result_bytes,
            "uid": uid,
            "file_bytes": self.file_bytes,
            "readable": list(self.readable),
            "writable": list(self.writable),
        }
