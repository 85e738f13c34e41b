"""The limits of a sandbox run, checked once when ``sandbox(...)`` is called.

Examples:
    >>> limits = SandboxLimits(cpu_seconds=2, memory_bytes=256 * MiB)
    >>> limits.cpu_seconds, limits.memory_bytes // MiB, limits.wall_seconds
    (2.0, 256, 60.0)
    >>> SandboxLimits(memory_bytes=-1)
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

from wumbo.core.validate import positive_int, positive_number

__all__ = ["DEFAULT_ENV_ALLOW", "SANDBOX_UID_BASE", "Isolation", "MiB", "SandboxLimits"]

Isolation = Literal["strict", "best-effort"]
"""``"strict"``: a protection the kernel refuses fails the call; ``"best-effort"``: skip it."""

MiB: Final = 1 << 20
"""One mebibyte, for writing limits: ``memory_bytes=256 * MiB``."""

DEFAULT_ENV_ALLOW: Final = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ")
"""The environment variables a sandboxed stage sees by default (all others are dropped)."""

SANDBOX_UID_BASE: Final = 2_000_000_000
"""Run as root, each sandbox run gets its own uid and gid: this plus the supervisor's pid."""


def _uid(value: object) -> int | Literal["auto"] | None:
    if value is None:
        return None
    if value == "auto":
        return "auto"
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**32 - 1:
        raise ValueError(f"sandbox uid must be 'auto', None or a non-root uid, got {value!r}")
    return value


def _fspath(item: object) -> object:
    fspath = getattr(item, "__fspath__", None)
    return fspath() if callable(fspath) else item


def _paths(name: str, value: Iterable[object]) -> tuple[str, ...]:
    items: tuple[object, ...] = (value,) if isinstance(value, str | os.PathLike) else tuple(value)
    paths: list[str] = []
    for item in items:
        path = _fspath(item)
        if not isinstance(path, str) or not path:
            raise ValueError(f"sandbox {name} must hold file system paths, got {item!r}")
        paths.append(os.path.abspath(path))
    return tuple(paths)


def _types(value: Iterable[object]) -> tuple[type, ...]:
    items = tuple(value)
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


def _names(value: Iterable[object]) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value)
    bad = [name for name in names if not isinstance(name, str) or not name or "=" in name]
    if bad:
        raise ValueError(f"sandbox env_allow must hold environment variable names, got {bad!r}")
    return tuple(str(name) for name in names)


@dataclass(frozen=True, slots=True, init=False)
class SandboxLimits:
    """What a sandboxed stage may use; see [`wumbo.decorators.sandbox.sandbox`][wumbo.decorators.sandbox.sandbox].

    Examples:
        >>> SandboxLimits(processes=4).processes
        4
    """

    cpu_seconds: float
    memory_bytes: int
    wall_seconds: float
    processes: int
    open_files: int
    max_output_bytes: int
    max_result_bytes: int
    env_allow: tuple[str, ...]
    uid: int | Literal["auto"] | None
    network: bool
    readable: tuple[str, ...]
    writable: tuple[str, ...]
    file_bytes: int
    isolation: Isolation
    allow: tuple[type, ...]

    def __init__(
        self,
        *,
        cpu_seconds: float = 30.0,
        memory_bytes: int = 1024 * MiB,
        wall_seconds: float = 60.0,
        processes: int = 32,
        open_files: int = 64,
        max_output_bytes: int = 1 * MiB,
        max_result_bytes: int = 16 * MiB,
        env_allow: Iterable[str] = DEFAULT_ENV_ALLOW,
        uid: int | Literal["auto"] | None = "auto",
        network: bool = False,
        readable: Iterable[str | os.PathLike[str]] = (),
        writable: Iterable[str | os.PathLike[str]] = (),
        file_bytes: int = 64 * MiB,
        isolation: Isolation = "strict",
        allow: Iterable[type] = (),
    ) -> None:
        set_ = object.__setattr__
        set_(
            self, "cpu_seconds", positive_number("sandbox cpu_seconds", cpu_seconds, unit="seconds")
        )
        set_(self, "memory_bytes", positive_int("sandbox memory_bytes", memory_bytes))
        set_(
            self,
            "wall_seconds",
            positive_number("sandbox wall_seconds", wall_seconds, unit="seconds"),
        )
        set_(self, "processes", positive_int("sandbox processes", processes))
        set_(self, "open_files", positive_int("sandbox open_files", open_files))
        set_(self, "max_output_bytes", positive_int("sandbox max_output_bytes", max_output_bytes))
        set_(self, "max_result_bytes", positive_int("sandbox max_result_bytes", max_result_bytes))
        set_(self, "env_allow", _names(env_allow))
        set_(self, "uid", _uid(uid))
        if not isinstance(network, bool):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"sandbox network must be True or False, got {network!r}")
        set_(self, "network", network)
        set_(self, "readable", _paths("readable", readable))
        set_(self, "writable", _paths("writable", writable))
        set_(self, "file_bytes", positive_int("sandbox file_bytes", file_bytes))
        set_(self, "isolation", _isolation(isolation))
        set_(self, "allow", _types(allow))

    def for_child(self) -> dict[str, Any]:
        """The limits as JSON-ready values for the sandbox process.

        ``uid`` becomes ``"fresh"`` (a uid of its own, when running as root), a uid, or None.

        Examples:
            >>> SandboxLimits(uid=None).for_child()["cpu_seconds"]
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
