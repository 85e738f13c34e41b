"""The kernel's isolation mechanisms, called through ``ctypes``: namespaces and Landlock.

* `unshare`: ``unshare(2)`` (``os.unshare`` exists only from Python 3.12);
* `loopback_up`: bring ``lo`` up in a fresh network namespace;
* `landlock_abi`, `LandlockRules` and `landlock_restrict`: Landlock's
  version, and a ruleset that
  allows reading (and executing) only below some paths and writing only below others, and (ABI
  6+) scopes signals and abstract UNIX sockets to the sandbox;
* `drop_capabilities`: clear every capability (a non-root caller's user namespace);
* `prctl`: the process controls the sandbox sets (subreaper, ``no_new_privs``).

Examples:
    >>> landlock_abi() >= 0
    True
    >>> CLONE_NEWNET == 0x40000000
    True
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import platform
import socket
import struct
from collections.abc import Iterable
from typing import Final

__all__ = [
    "CLONE_NEWNET",
    "CLONE_NEWPID",
    "CLONE_NEWUSER",
    "PR_SET_CHILD_SUBREAPER",
    "PR_SET_NO_NEW_PRIVS",
    "LandlockRules",
    "drop_capabilities",
    "landlock_abi",
    "landlock_restrict",
    "loopback_up",
    "map_own_user",
    "prctl",
    "unshare",
]

CLONE_NEWUSER: Final = 0x10000000
CLONE_NEWPID: Final = 0x20000000
CLONE_NEWNET: Final = 0x40000000
PR_SET_CHILD_SUBREAPER: Final = 36
PR_SET_NO_NEW_PRIVS: Final = 38

_LANDLOCK_SYSCALLS: Final = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
_LANDLOCK_CREATE_RULESET_VERSION: Final = 1
_LANDLOCK_RULE_PATH_BENEATH: Final = 1
_READ: Final = (1 << 0) | (1 << 2) | (1 << 3)  # execute, read file, read dir
_FILE_RIGHTS: Final = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 14) | (1 << 15)
"""The rights that apply to a file (not a directory): execute, write, read, truncate, ioctl."""
_SCOPE_ABSTRACT_UNIX_SOCKET: Final = 1 << 0
_SCOPE_SIGNAL: Final = 1 << 1
_SIOCSIFFLAGS: Final = 0x8914
_IFF_UP_LOOPBACK_RUNNING: Final = 0x1 | 0x8 | 0x40
_CAPABILITY_VERSION_3: Final = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what} failed: {os.strerror(code)}")
    return result


def unshare(flags: int) -> None:
    """Move the calling process into new namespaces (``CLONE_NEW*`` flags)."""
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def prctl(option: int, value: int) -> None:
    """``prctl(option, value)`` (``PR_SET_CHILD_SUBREAPER``, ``PR_SET_NO_NEW_PRIVS``...)."""
    _check(_libc.prctl(option, value, 0, 0, 0), f"prctl({option})")


def map_own_user(uid: int, gid: int) -> None:
    """In a fresh user namespace, map ``uid``/``gid`` to themselves (a non-root caller)."""
    with open("/proc/self/setgroups", "w", encoding="ascii") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w", encoding="ascii") as f:
        f.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w", encoding="ascii") as f:
        f.write(f"{gid} {gid} 1")


def loopback_up() -> None:
    """Bring up ``lo`` (a new network namespace starts with it down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH22x", b"lo", _IFF_UP_LOOPBACK_RUNNING)
        fcntl.ioctl(sock.fileno(), _SIOCSIFFLAGS, request)


def _syscalls() -> tuple[int, int, int] | None:
    return _LANDLOCK_SYSCALLS.get(platform.machine())


def landlock_abi() -> int:
    """Landlock's ABI version on this kernel (0: no Landlock)."""
    numbers = _syscalls()
    if numbers is None:
        return 0
    version = _libc.syscall(numbers[0], None, ctypes.c_size_t(0), _LANDLOCK_CREATE_RULESET_VERSION)
    return max(int(version), 0)


def _handled_fs(abi: int) -> int:
    rights = (1 << 13) - 1  # ABI 1: execute .. make_sym
    if abi >= 2:
        rights |= 1 << 13  # refer
    if abi >= 3:
        rights |= 1 << 14  # truncate
    if abi >= 5:
        rights |= 1 << 15  # ioctl_dev
    return rights


def _allow(ruleset: int, numbers: tuple[int, int, int], path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # absent paths need no rule
    try:
        if not os.path.isdir(path):
            rights &= _FILE_RIGHTS
        rule = struct.pack("=Qi", rights, fd)
        buffer = ctypes.create_string_buffer(rule, len(rule))
        _check(
            _libc.syscall(numbers[1], ruleset, _LANDLOCK_RULE_PATH_BENEATH, buffer, 0),
            f"landlock_add_rule({path})",
        )
    finally:
        os.close(fd)


class LandlockRules:
    """A Landlock ruleset being built: reads below some paths, everything below others.

    `enforce` binds this process and its children to it (``CAP_SYS_ADMIN`` or
    ``no_new_privs`` first); every file access the rules do not allow is refused.
    """

    def __init__(self) -> None:
        abi, numbers = landlock_abi(), _syscalls()
        if abi < 1 or numbers is None:
            raise OSError("Landlock is not available on this kernel")
        self._numbers, self._handled = numbers, _handled_fs(abi)
        scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL if abi >= 6 else 0
        attr = struct.pack("=QQQ", self._handled, 0, scoped)
        size = 24 if abi >= 6 else 16 if abi >= 4 else 8
        buffer = ctypes.create_string_buffer(attr[:size], size)
        self._fd = _check(
            _libc.syscall(numbers[0], buffer, ctypes.c_size_t(size), 0), "landlock_create_ruleset"
        )

    def allow(self, paths: Iterable[str], *, write: bool) -> None:
        """Allow reading (and executing) below ``paths``; with ``write``, every operation."""
        for path in paths:
            _allow(self._fd, self._numbers, path, self._handled if write else _READ)

    def enforce(self) -> None:
        """Restrict this process (and its future children) to the rules; close the ruleset."""
        try:
            _check(_libc.syscall(self._numbers[2], self._fd, 0), "landlock_restrict_self")
        finally:
            os.close(self._fd)


def landlock_restrict(readable: Iterable[str], writable: Iterable[str]) -> None:
    """Allow reads below ``readable``, every file operation below ``writable``, nothing else.

    Needs ``no_new_privs`` (or ``CAP_SYS_ADMIN``) first; binds this process and its children.
    """
    rules = LandlockRules()
    rules.allow(readable, write=False)
    rules.allow(writable, write=True)
    rules.enforce()


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    )


def drop_capabilities() -> None:
    """Clear the effective, permitted and inheritable capabilities of this thread."""
    header = _CapHeader(_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")
