"""What this machine's kernel lets a sandbox use: [`SandboxCapabilities`][wumbo.decorators.sandbox.SandboxCapabilities].

The zygote probes it once, when it starts (each namespace in a throw-away child process), and
the caller asks for it with [`wumbo.decorators.sandbox.sandbox_capabilities`][wumbo.decorators.sandbox.sandbox_capabilities].

Examples:
    >>> capabilities = SandboxCapabilities.probe()
    >>> capabilities.file_size_limit
    True
    >>> SandboxCapabilities(False, True, True, 0, True).missing(network=False)
    ['Landlock (file system access rules)']
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import asdict, dataclass
from typing import Any

from wumbo.decorators import _sandbox_kernel as kernel

__all__ = ["SandboxCapabilities"]


def _can_unshare(flags: int) -> bool:
    child = os.fork()
    if child == 0:
        code = 1
        with contextlib.suppress(BaseException):
            kernel.unshare(flags)
            code = 0
        os._exit(code)
    _, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status) == 0


@dataclass(frozen=True)
class SandboxCapabilities:
    """The protections this machine supports for a sandboxed stage.

    * ``user_namespace``: unprivileged user namespaces (what a non-root caller needs for the
      other namespaces); ``pid_namespace`` and ``network_namespace``: as this caller;
    * ``landlock_abi``: Landlock's version (0: none; file system rules need 1, signal and
      abstract-socket scoping 6);
    * ``file_size_limit``: ``RLIMIT_FSIZE`` (always); ``uid_switch``: the caller is root.

    Examples:
        >>> SandboxCapabilities(True, True, True, 6, True).as_dict()["landlock_abi"]
        6
    """

    uid_switch: bool
    user_namespace: bool
    pid_namespace: bool
    landlock_abi: int
    network_namespace: bool
    file_size_limit: bool = True

    @classmethod
    def probe(cls) -> SandboxCapabilities:
        """Try each mechanism in a throw-away child process (fork, unshare, exit)."""
        root = os.geteuid() == 0
        user = _can_unshare(kernel.CLONE_NEWUSER)
        extra = 0 if root else kernel.CLONE_NEWUSER
        return cls(
            uid_switch=root,
            user_namespace=user,
            pid_namespace=_can_unshare(kernel.CLONE_NEWPID | extra),
            landlock_abi=kernel.landlock_abi(),
            network_namespace=_can_unshare(kernel.CLONE_NEWNET | extra),
        )

    def missing(self, *, network: bool) -> list[str]:
        """The protections a sandbox with these options needs that this machine lacks."""
        lacking: list[str] = []
        if not self.pid_namespace:
            lacking.append("PID namespace (unshare CLONE_NEWPID)")
        if not network and not self.network_namespace:
            lacking.append("network namespace (unshare CLONE_NEWNET)")
        if self.landlock_abi < 1:
            lacking.append("Landlock (file system access rules)")
        return lacking

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)
