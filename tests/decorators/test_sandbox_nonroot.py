"""sandbox called by a user who is not root: the user-namespace path, really run.

The suite runs as root, where a sandbox switches to a fresh uid instead. Here a second Python,
Debian's ``/usr/bin/python3.11`` (world-readable, the same 3.11 ABI as the venv), runs as
``nobody`` (``setpriv``), with ``PYTHONPATH`` on this checkout and the venv's packages, and
attacks each protection (network, reads, writes, processes) from a sandboxed stage, reporting
what its caller saw as JSON.
Isolation holds (network, reads, writes), or, where the kernel refuses unprivileged user
namespaces, a strict call fails with reason ``isolation_unavailable`` and a best-effort one
runs. Its files live in a world-readable temporary folder, removed afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import wumbo

NOBODY = 65534
SYSTEM_PYTHON = Path("/usr/bin/python3.11")
PROJECT = Path(wumbo.__file__).resolve().parents[1]
ATTACKS = Path(__file__).resolve().parent
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])

SCRIPT = """
import json, os, sys
from returns.result import Success
from sandbox_attacks import connect_and_send, my_uid, read_text, spawn_sleepers, write_text
from wumbo.decorators.sandbox import SandboxError, sandbox, sandbox_capabilities

port, secret, planted = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def seen(result):
    if isinstance(result, Success):
        return ["value", result.unwrap()]
    error = result.failure().error
    if isinstance(error, SandboxError):
        return ["sandbox", error.reason, error.detail]
    return ["raised", type(error).__name__]


print(json.dumps({
    "uid": os.getuid(),
    "capabilities": sandbox_capabilities().as_dict(),
    "uid_in_sandbox": seen(sandbox(wall_seconds=60)(my_uid)(None)),
    "connect": seen(sandbox(wall_seconds=60)(connect_and_send)(port)),
    "read": seen(sandbox(wall_seconds=60)(read_text)(secret)),
    "write": seen(sandbox(wall_seconds=60)(write_text)(planted)),
    "spawn": seen(sandbox(processes=8, wall_seconds=60)(spawn_sleepers)(300)),
    "best_effort": seen(sandbox(isolation="best-effort", wall_seconds=60)(my_uid)(None)),
}))
"""


def _processes_started_with(argument: str) -> list[int]:
    """Processes whose command line holds ``argument`` (its zygote's, and their forks)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                    if argument.encode() in f.read().split(b"\0"):
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


def _others_can_read(path: Path) -> bool:
    return all(os.stat(folder).st_mode & 0o005 == 0o005 for folder in (path, *path.parents))


def _why_not() -> str | None:
    if os.geteuid() != 0:
        return "running a stage as another, unprivileged user needs root"
    if not SYSTEM_PYTHON.exists():
        return f"{SYSTEM_PYTHON} (a Python an unprivileged user may run) is missing"
    if shutil.which("setpriv") is None:
        return "setpriv (util-linux) is missing"
    if sys.version_info[:2] != (3, 11):
        return "the venv's packages must match /usr/bin/python3.11's ABI (3.11)"
    unreadable = [path for path in (PROJECT, SITE_PACKAGES) if not _others_can_read(path)]
    if unreadable:
        return f"nobody cannot read {unreadable}"
    return None


pytestmark = pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")


@pytest.fixture
def world_readable() -> Iterator[Path]:
    """A folder nobody may read (the script, the secret), with a world-writable part."""
    folder = Path(tempfile.mkdtemp(prefix="wumbo-nonroot-"))
    try:
        folder.chmod(0o755)
        yield folder
    finally:
        shutil.rmtree(folder)


def test_a_non_root_caller_is_isolated_through_a_user_namespace(world_readable: Path) -> None:
    # the script's folder is on its sys.path, which the sandbox may read: the secret is elsewhere
    (world_readable / "script").mkdir(mode=0o755)
    script = world_readable / "script" / "attack.py"
    script.write_text(SCRIPT)
    (world_readable / "private").mkdir(mode=0o755)
    secret = world_readable / "private" / "secret.txt"
    secret.write_text("the caller's secret")
    outside = world_readable / "outside"
    outside.mkdir(mode=0o777)
    outside.chmod(0o777)
    scratch = world_readable / "tmp"  # its TMPDIR: where its sandboxes make their folders
    scratch.mkdir()
    scratch.chmod(0o1777)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        done = subprocess.run(
            [
                "setpriv",
                f"--reuid={NOBODY}",
                f"--regid={NOBODY}",
                "--clear-groups",
                str(SYSTEM_PYTHON),
                str(script),
                str(port),
                str(secret),
                str(outside / "planted.txt"),
            ],
            env={
                "PATH": "/usr/bin:/bin",
                "PYTHONPATH": os.pathsep.join(map(str, (PROJECT, SITE_PACKAGES, ATTACKS))),
                "PYTHONDONTWRITEBYTECODE": "1",
                "TMPDIR": str(scratch),
            },
            cwd=world_readable,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing came
    seen = json.loads(done.stdout)
    capabilities = seen["capabilities"]
    assert seen["uid"] == NOBODY
    assert capabilities["uid_switch"] is False
    assert seen["best_effort"] == ["value", NOBODY]
    isolated = capabilities["user_namespace"] and capabilities["landlock_abi"] >= 1
    if isolated and capabilities["pid_namespace"] and capabilities["network_namespace"]:
        assert seen["uid_in_sandbox"] == ["value", NOBODY]  # mapped to itself, no capability
        assert seen["connect"] == ["raised", "ConnectionRefusedError"]  # its own loopback
        assert seen["read"] == ["raised", "PermissionError"]  # Landlock
        assert seen["write"] == ["raised", "PermissionError"]
        # RLIMIT_NPROC, counted in its user namespace: exactly the 8 asked for, no more
        reached = "reached its limit of 8 processes and threads (8 were running)"
        assert seen["spawn"] == ["sandbox", "processes", reached]
    else:  # the kernel refuses unprivileged user namespaces (or more): strict says so
        for attack in ("uid_in_sandbox", "connect", "read", "write", "spawn"):
            assert seen[attack][:2] == ["sandbox", "isolation_unavailable"], seen[attack]
    assert not (outside / "planted.txt").exists()
    assert os.listdir(scratch) == []  # every scratch folder removed
    # its zygote (started with that TMPDIR as an argument) and every fork of it are gone
    assert _processes_started_with(str(scratch)) == []
