"""sandbox isolation: each protection attacked as a hostile stage would, seen from the caller.

Every attack asserts the caller's view: a Failure with the right reason (or the stage's own
error where the kernel refused it an operation), nothing received, nothing written, nothing
run in the caller, nothing left behind. A control run with the protection opened (``network``,
``readable``, ``writable``) shows that the attack itself works. A protection this kernel lacks
skips its test with a reason naming it. The attacks live at module level: the sandbox imports
this module to run them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from returns.result import Failure, Result, Success
from sandbox_attacks import (
    Detonator,
    OddError,
    Point,
    checked_odd,
    claim_cpu,
    connect_and_send,
    fill_disk,
    forge,
    make_point,
    make_point_undeclared,
    raise_detonator,
    raise_odd,
    read_text,
    remember,
    remembered,
    return_detonator,
    return_exec_detonator,
    signal_outsiders,
    where_am_i,
    write_text,
)
from sandbox_guard import no_sandbox_leftovers  # noqa: F401  (autouse: processes of each test)

from wumbo import StageError
from wumbo.decorators.sandbox import MiB, SandboxError, sandbox, sandbox_capabilities

WALL = 20.0
CAPABILITIES = sandbox_capabilities()
ROOT = os.geteuid() == 0


def needs(protection: str, available: bool) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not available, reason=f"this kernel lacks {protection}")


needs_landlock = needs("Landlock (file system rules)", CAPABILITIES.landlock_abi >= 1)
needs_net_ns = needs("network namespaces", CAPABILITIES.network_namespace)
needs_pid_ns = needs("PID namespaces", CAPABILITIES.pid_namespace)


# -- helpers -------------------------------------------------------------------------------------


def failed(result: Result[Any, Any]) -> BaseException:
    """The error inside a Failure: a SandboxError, or the stage's own exception."""
    assert isinstance(result, Failure), result
    failure = result.failure()
    assert isinstance(failure, StageError), failure
    return failure.error


def sandbox_error(result: Result[Any, Any], reason: str) -> SandboxError:
    error = failed(result)
    assert isinstance(error, SandboxError), error
    assert error.reason == reason, error
    return error


def scratch_folders() -> set[str]:
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("wumbo-sandbox-")}


@pytest.fixture
def outside() -> Iterator[Path]:
    """A folder outside the sandbox that every user may read, write and search (mode 777)."""
    folder = Path(tempfile.mkdtemp(prefix="wumbo-outside-"))
    folder.chmod(0o777)
    (folder / "secret.txt").write_text("the caller's secret")
    (folder / "secret.txt").chmod(0o666)
    yield folder
    for entry in folder.iterdir():
        entry.unlink()
    folder.rmdir()


@pytest.fixture(autouse=True)
def no_scratch_folder_left() -> Iterator[None]:
    before = scratch_folders()
    yield
    assert scratch_folders() <= before, "a scratch folder was left behind"


# -- the network ---------------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(5)
        yield server


@needs_net_ns
def test_stage_cannot_reach_a_listener_of_the_caller(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    error = failed(sandbox(wall_seconds=WALL)(connect_and_send)(port))
    assert isinstance(error, ConnectionRefusedError)  # its own loopback: nobody listens
    listener.setblocking(False)
    with pytest.raises(BlockingIOError):
        listener.accept()  # nothing came


def test_network_true_shares_the_callers_network(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    received: list[bytes] = []

    def accept() -> None:
        connection, _ = listener.accept()
        with connection:
            received.append(connection.recv(100))

    thread = threading.Thread(target=accept)
    thread.start()
    assert sandbox(network=True, wall_seconds=WALL)(connect_and_send)(port) == Success("sent")
    thread.join()
    assert received == [b"stolen"]


# -- the file system -----------------------------------------------------------------------------


@needs_landlock
def test_stage_cannot_read_a_world_readable_file_outside(outside: Path) -> None:
    error = failed(sandbox(wall_seconds=WALL)(read_text)(str(outside / "secret.txt")))
    assert isinstance(error, PermissionError)


def test_readable_opens_a_folder_for_reading(outside: Path) -> None:
    stage = sandbox(readable=[outside], wall_seconds=WALL)(read_text)
    assert stage(str(outside / "secret.txt")) == Success("the caller's secret")
    error = failed(stage(str(outside / "elsewhere")))  # reading only: no write below it
    assert isinstance(error, FileNotFoundError)


@needs_landlock
def test_stage_cannot_write_into_a_world_writable_folder_outside(outside: Path) -> None:
    error = failed(sandbox(wall_seconds=WALL)(write_text)(str(outside / "planted.txt")))
    assert isinstance(error, PermissionError)
    assert not (outside / "planted.txt").exists()


@needs_landlock
def test_readable_does_not_open_writing(outside: Path) -> None:
    stage = sandbox(readable=[outside], wall_seconds=WALL)(write_text)
    assert isinstance(failed(stage(str(outside / "planted.txt"))), PermissionError)
    assert not (outside / "planted.txt").exists()


def test_writable_opens_a_folder(outside: Path) -> None:
    stage = sandbox(writable=[outside], wall_seconds=WALL)(write_text)
    assert stage(str(outside / "planted.txt")) == Success("written")
    assert (outside / "planted.txt").read_text() == "planted"


def test_a_private_scratch_folder_is_the_working_directory_and_tmpdir_and_is_removed() -> None:
    stage = sandbox(wall_seconds=WALL)(where_am_i)
    cwd, tmpdir, before = stage.run("first")
    assert cwd == tmpdir
    assert Path(cwd).name.startswith("wumbo-sandbox-")
    assert before == []
    assert not Path(cwd).exists()
    second_cwd, _, second_before = stage.run("second")
    assert second_before == []  # nothing of the first call
    assert second_cwd != cwd


def test_filling_the_disk_stops_at_file_bytes() -> None:
    error = sandbox_error(
        sandbox(file_bytes=4 * MiB, wall_seconds=WALL)(fill_disk)(64), "file_too_large"
    )
    assert error.signal == signal.SIGXFSZ
    assert "4194304 bytes" in str(error)


def test_file_bytes_is_validated() -> None:
    with pytest.raises(ValueError, match="file_bytes must be a positive int, got int 0"):
        sandbox(file_bytes=0)
    with pytest.raises(ValueError, match="readable must hold file system paths"):
        sandbox(readable=[3])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="isolation must be 'strict' or 'best-effort'"):
        sandbox(isolation="loose")  # type: ignore[call-overload]


# -- processes -----------------------------------------------------------------------------------


@needs_pid_ns
def test_stage_cannot_signal_processes_outside_its_namespace() -> None:
    hits: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda number, frame: hits.append(number))
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        # uid=None: the stage keeps root, so only the namespace (and Landlock) stand in its way
        outcomes = sandbox(uid=None, wall_seconds=WALL)(signal_outsiders).run(
            [os.getpid(), sleeper.pid]
        )
        assert outcomes == ["ProcessLookupError", "ProcessLookupError"]
        assert sleeper.poll() is None
        assert hits == []
    finally:
        sleeper.kill()
        sleeper.wait()
        signal.signal(signal.SIGUSR1, previous)


def test_each_call_is_a_fresh_process() -> None:
    stage = sandbox(wall_seconds=WALL)(remember)
    assert stage.run("a") == ["a"]
    assert stage.run("b") == ["b"]
    assert remembered == []  # and nothing ran here


# -- the result channel --------------------------------------------------------------------------


@pytest.mark.parametrize("attack", [return_detonator, return_exec_detonator, raise_detonator])
def test_hostile_reduce_never_runs_in_the_caller(attack: Any, tmp_path: Path) -> None:
    marker = tmp_path / "detonated"
    error = sandbox_error(sandbox(wall_seconds=WALL)(attack)(str(marker)), "untrusted_result")
    assert ("posix.system" in error.detail) or ("builtins.exec" in error.detail)
    assert not marker.exists()


@pytest.mark.parametrize(
    "message",
    [
        b"garbage",
        b"R\x80\x05garbage",
        b"R" + b"\x80\x05K*.",  # a plain int, not a Result
        b'L{"reason": "memory", "message": "forged"}',
        b"\xff" * 100,
    ],
)
def test_forged_bytes_on_the_result_channel_are_refused(message: bytes) -> None:
    error = sandbox_error(sandbox(wall_seconds=WALL)(forge)(message), "untrusted_result")
    assert error.reason != "memory"


def test_forged_pickle_on_the_result_channel_runs_nothing(tmp_path: Path) -> None:
    import pickle

    marker = tmp_path / "detonated"
    message = b"R" + pickle.dumps(Success(Detonator(str(marker))))
    error = sandbox_error(sandbox(wall_seconds=WALL)(forge)(message), "untrusted_result")
    assert "posix.system" in error.detail
    assert not marker.exists()


def test_a_forged_cpu_signal_is_a_crash_not_the_cpu_limit() -> None:
    error = sandbox_error(sandbox(wall_seconds=WALL)(claim_cpu)(None), "crashed")
    assert error.signal == signal.SIGXCPU


def test_an_undeclared_class_is_refused_and_allow_lets_it_through() -> None:
    error = sandbox_error(sandbox(wall_seconds=WALL)(make_point_undeclared)(3), "untrusted_result")
    assert f"{Point.__module__}.Point" in error.detail
    assert sandbox(allow=[Point], wall_seconds=WALL)(make_point_undeclared)(3) == Success(Point(3))


def test_the_declared_return_type_comes_back() -> None:
    assert sandbox(wall_seconds=WALL)(make_point)(2) == Success(Point(2))


def test_an_exception_type_is_allowed_when_declared_or_allowed() -> None:
    sandbox_error(sandbox(wall_seconds=WALL)(raise_odd)(1), "untrusted_result")
    assert isinstance(failed(sandbox(allow=[OddError], wall_seconds=WALL)(raise_odd)(1)), OddError)
    declared = sandbox(wall_seconds=WALL)(checked_odd)(5)
    assert isinstance(declared.failure(), OddError)


# -- capabilities, strict and best-effort --------------------------------------------------------


def test_capabilities_are_reported() -> None:
    capabilities = sandbox_capabilities()
    assert capabilities.file_size_limit
    assert capabilities.uid_switch == ROOT
    assert capabilities.as_dict()["landlock_abi"] == capabilities.landlock_abi


def test_a_refused_protection_fails_strict_calls_and_best_effort_runs_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wumbo.decorators._sandbox_capabilities import SandboxCapabilities
    from wumbo.decorators._sandbox_options import SandboxOptions
    from wumbo.decorators._sandbox_run import zygote_of

    zygote = zygote_of(SandboxOptions())
    lacking = SandboxCapabilities(ROOT, False, False, 0, False)
    monkeypatch.setattr(type(zygote), "capabilities", property(lambda self: lacking))
    error = sandbox_error(sandbox(wall_seconds=WALL)(remember)(1), "isolation_unavailable")
    assert "PID namespace" in error.detail
    assert "Landlock" in error.detail
    assert "network namespace" in error.detail
    relaxed = sandbox(isolation="best-effort", wall_seconds=WALL)(remember)
    assert relaxed(1) == Success([1])


# -- the zygote ----------------------------------------------------------------------------------


def test_a_killed_zygote_is_restarted() -> None:
    from wumbo.decorators._sandbox_options import SandboxOptions
    from wumbo.decorators._sandbox_run import zygote_of

    stage = sandbox(wall_seconds=WALL)(remember)
    assert stage(1) == Success([1])
    zygote = zygote_of(SandboxOptions())
    first = zygote.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    assert stage(2) == Success([2])
    assert zygote.pid != first


def test_the_zygote_stops_when_its_caller_exits(tmp_path: Path) -> None:
    script = (
        f"import sys; sys.path[:0] = {sys.path!r}\n"
        "from wumbo.decorators.sandbox import sandbox\n"
        "from wumbo.decorators._sandbox_options import SandboxOptions\n"
        "from wumbo.decorators._sandbox_run import zygote_of\n"
        "from sandbox_attacks import remember\n"
        "assert sandbox(remember)(1).unwrap() == [1]\n"
        "print(zygote_of(SandboxOptions()).pid)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    zygote = int(done.stdout.strip())
    assert not Path(f"/proc/{zygote}").exists()
