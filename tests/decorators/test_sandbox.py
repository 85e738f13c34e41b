"""sandbox: every attack becomes a Failure with a clear reason, and no process is left behind.

Each attack is bounded in the test itself (allocations, forks, output and result sizes), so a
broken limit cannot harm the machine. The attacks live at module level: the sandbox process
imports this module to run them.
"""

from __future__ import annotations

import ast
import ctypes
import errno
import inspect
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
import time
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from returns.result import Failure, Result, Success
from sandbox_guard import (
    kill_leftovers,
    no_sandbox_leftovers,  # noqa: F401  (autouse: each test cleans up after itself)
    processes_of,
    sandbox_processes,
)

from wumbo import StageError, template
from wumbo.decorators._sandbox_options import SANDBOX_UID_BASE
from wumbo.decorators.sandbox import MiB, SandboxError, SandboxLimits, SandboxOptions, sandbox

ROOT = os.geteuid() == 0
WALL = 20.0
"""A generous wall limit for runs that are not about time (a loaded machine starts slowly)."""


# -- the stages and attacks ------------------------------------------------------------------


def double(n: int) -> int:
    return n * 2


async def double_later(n: int) -> int:
    await anyio.sleep(0)
    return n * 2


def process_id(_: object) -> int:
    return os.getpid()


def checked(n: int) -> Result[int, str]:
    return Success(n) if n >= 0 else Failure(f"negative: {n}")


def reject(text: str) -> int:
    raise ValueError(f"bad input {text!r}")


def who_am_i(_: object) -> tuple[int, int, list[int], dict[str, str]]:
    return os.getuid(), os.getgid(), os.getgroups(), dict(os.environ)


def hog_memory(blocks: int) -> int:
    """Allocate ``blocks`` x 64 MiB (bounded by the caller)."""
    held = [bytearray(64 * MiB) for _ in range(blocks)]
    return len(held)


def claim_memory(_: object) -> None:
    """Raise MemoryError far from the limit: a forged ``memory`` reason."""
    raise MemoryError("fake")


def hog_then_hide(blocks: int) -> int:
    """Run out of memory for real, then raise something else (bounded by the caller)."""
    try:
        return hog_memory(blocks)
    except MemoryError:
        raise ValueError("not about memory, it says") from None


def hog_then_abort(blocks: int) -> int:
    """Run out of memory for real, then die as C code failing an allocation does (SIGABRT)."""
    try:
        return hog_memory(blocks)
    except MemoryError:
        os.abort()


def claim_processes(_: object) -> None:
    """Raise the error of a refused fork without forking: a forged ``processes`` reason."""
    raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))


def spawn_threads(tries: int) -> int:
    """Start up to ``tries`` threads that each wait 30 s (a runaway thread spawner, bounded)."""
    never = threading.Event()
    for _ in range(tries):
        threading.Thread(target=never.wait, args=(30,), daemon=True).start()
    return tries


def spin(_: object) -> None:
    """Burn CPU for at most 30 s (the limits stop it long before)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pass


def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


async def nap_later(seconds: float) -> float:
    await anyio.sleep(seconds)
    return seconds


def spawn(tries: int) -> int:
    """Fork up to ``tries`` children that each sleep 30 s (a runaway spawner, bounded)."""
    started = 0
    for _ in range(tries):
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        started += 1
    return started


def escape_and_linger(_: object) -> int:
    """Leave a grandchild (sleeping 30 s) in a session of its own; return the sandbox's uid."""
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.setsid()
        grandchild = os.fork()
        if grandchild == 0:
            os.close(write_end)
            time.sleep(30)
            os._exit(0)
        os.write(write_end, str(grandchild).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        pipe.read()
    return os.getuid()


def exit_three(_: object) -> None:
    os._exit(3)


def segfault(_: object) -> bytes:
    return ctypes.string_at(0)


def chatter(lines: int) -> int:
    """Print ``lines`` KiB (bounded by the caller)."""
    line = "x" * 1023 + "\n"
    for _ in range(lines):
        sys.stdout.write(line)
    return lines


def huge(size: int) -> bytes:
    return b"x" * size


def open_many(count: int) -> int:
    handles = [open(os.devnull) for _ in range(count)]  # noqa: SIM115
    return len(handles)


# -- helpers ---------------------------------------------------------------------------------


def left_behind(error: SandboxError) -> list[str]:
    """Processes (zombies included) still in the sandbox's session or owned by its uid.

    The supervisor itself (``error.pid``, root) exits right after its report: not counted.
    """
    assert error.pid is not None
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            owner = entry.stat().st_uid
        except (OSError, IndexError):
            continue
        if int(entry.name) == error.pid:
            continue
        if int(fields[3]) == error.pid or (error.uid is not None and owner == error.uid):
            found.append(f"{entry.name} ({fields[0]})")
    return found


def sandbox_error(result: Result[Any, Any]) -> SandboxError:
    assert isinstance(result, Failure), result
    failure = result.failure()
    assert isinstance(failure, StageError), failure
    assert isinstance(failure.error, SandboxError), failure.error
    return failure.error


def run_attack(stage: Any, value: object, **limits: Any) -> SandboxError:
    error = sandbox_error(sandbox(**limits)(stage)(value))
    assert left_behind(error) == []
    return error


# -- the railway -----------------------------------------------------------------------------


def test_success_comes_back() -> None:
    assert sandbox(wall_seconds=WALL)(double)(21) == Success(42)


def test_bare_decorator_and_inline_use() -> None:
    pipeline = template(str.strip) | int | sandbox(double) | str
    assert pipeline(" 4 ") == Success("8")
    assert [stage.name for stage in pipeline.stages] == ["strip", "int", "sandbox(double)", "str"]


def test_raised_error_is_reported_at_the_sandbox_position() -> None:
    pipeline = template(str.strip) | sandbox(wall_seconds=WALL)(reject)
    failure = pipeline(" x ").failure()
    assert isinstance(failure, StageError)
    assert (failure.stage, failure.position) == ("sandbox(reject)", 2)
    assert isinstance(failure.error, ValueError)
    assert str(failure.error) == "bad input 'x'"
    assert any("raised in the sandbox process" in note for note in failure.error.__notes__)


def test_declared_failure_comes_back_as_it_is() -> None:
    assert sandbox(wall_seconds=WALL)(checked)(-1) == Failure("negative: -1")
    assert sandbox(wall_seconds=WALL)(checked)(1) == Success(1)


def test_a_whole_pipeline_runs_in_one_sandbox() -> None:
    sandboxed = sandbox(wall_seconds=WALL)(template(int) | double)
    assert [stage.name for stage in sandboxed.stages] == ["sandbox(int | double)"]
    assert sandboxed.run("5") == 10


def test_the_drivers_run_the_sandbox_like_the_derived_functions() -> None:
    """What ``WUMBO_NO_CODEGEN=1`` runs (the generator, driven) sandboxes as the default does."""
    from wumbo.core.effects import drive, drive_async
    from wumbo.core.effects_compile import derived
    from wumbo.decorators.sandbox import _sandboxed  # pyright: ignore[reportPrivateUsage]

    limits = SandboxOptions(wall_seconds=WALL)
    ways: tuple[Callable[[Any, Any], Any], ...] = (
        lambda inner, value: drive(_sandboxed, limits, inner, value),
        lambda inner, value: derived(_sandboxed, is_async=False)(limits, inner, value),
        lambda inner, value: anyio.run(drive_async, _sandboxed, limits, inner, value),
        lambda inner, value: anyio.run(derived(_sandboxed, is_async=True), limits, inner, value),
    )
    for run in ways:
        assert run(template(double), 21) == Success(42)
        assert run(template(process_id), None) != Success(os.getpid())  # another process
        assert run(template(checked), -1) == Failure("negative: -1")
        with pytest.raises(ValueError, match="bad input 'x'"):
            run(template(reject), "x")


def test_async_stage_runs_in_the_sandbox_from_sync_code() -> None:
    assert sandbox(wall_seconds=WALL)(double_later)(4) == Success(8)


@pytest.mark.anyio
async def test_async_caller_waits_without_blocking_the_loop() -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await anyio.sleep(0.01)
            ticks += 1

    async with anyio.create_task_group() as group:
        group.start_soon(ticker)
        assert await sandbox(wall_seconds=WALL)(double_later).acall(5) == Success(10)
        assert await sandbox(wall_seconds=WALL)(double).acall(6) == Success(12)
        group.cancel_scope.cancel()
    assert ticks > 0  # the loop ran while the sandbox processes worked


@pytest.mark.anyio
async def test_cancelling_an_async_caller_kills_the_sandbox() -> None:
    stage = sandbox(wall_seconds=60)(nap_later)
    with anyio.move_on_after(1.0) as scope:
        await stage.acall(30.0)
    assert scope.cancelled_caught
    # the supervisor was asked to stop (by the abandoned waiting thread, which this test cannot
    # join): it kills the stage, then exits; bounded wait for that thread's clean-up
    with anyio.fail_after(10):
        while sandbox_processes():
            await anyio.sleep(0.05)


def test_environment_is_scrubbed() -> None:
    os.environ["WUMBO_SECRET_TOKEN"] = "hunter2"
    try:
        _, _, _, env = sandbox(env_allow=("PATH",), wall_seconds=WALL)(who_am_i).run(None)
    finally:
        del os.environ["WUMBO_SECRET_TOKEN"]
    assert set(env) <= {"PATH", "LC_CTYPE", "TMPDIR"}  # Python may set LC_CTYPE for its locale
    assert env["TMPDIR"] != os.environ.get("TMPDIR", "/tmp")  # its own scratch folder
    assert "WUMBO_SECRET_TOKEN" not in env


@pytest.mark.skipif(not ROOT, reason="switching users needs root")
def test_root_caller_runs_the_stage_as_an_unprivileged_user_of_its_own() -> None:
    uid, gid, groups, _ = sandbox(wall_seconds=WALL)(who_am_i).run(None)
    assert uid >= 2_000_000_000
    assert gid == uid
    assert groups == []
    other_uid = sandbox(wall_seconds=WALL)(who_am_i).run(None)[0]
    assert other_uid != uid  # each run has its own


def test_an_unpicklable_stage_is_refused_clearly() -> None:
    error = sandbox_error(sandbox(wall_seconds=WALL)(lambda n: n)(1))
    assert error.reason == "not_picklable"
    assert "must pickle" in str(error)


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="memory_bytes must be a positive int, got int -5"):
        sandbox(memory_bytes=-5)
    with pytest.raises(ValueError, match="wall_seconds must be a positive number"):
        sandbox(wall_seconds="soon")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="env_allow must hold environment variable names"):
        sandbox(env_allow=["A=B"])
    with pytest.raises(ValueError, match="uid must be 'auto', None or a non-root uid"):
        sandbox(uid=0)


def test_an_unknown_option_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(
        TypeError, match=r"unknown options \['memroy_bytes'\]; it takes cpu_seconds"
    ):
        sandbox(memroy_bytes=1)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="unknown options"):
        sandbox(double, memroy_bytes=1)  # type: ignore[call-overload]


def test_the_options_are_declared_once_and_typed_to_match() -> None:
    assert SandboxLimits is SandboxOptions  # the earlier name
    keyword_forms = [
        signature
        for signature in map(inspect.signature, typing.get_overloads(sandbox))
        if "cpu_seconds" in signature.parameters
    ]
    assert len(keyword_forms) == 1
    parameters = keyword_forms[0].parameters
    assert tuple(parameters) == SandboxOptions.names()
    assert {parameter.kind for parameter in parameters.values()} == {inspect.Parameter.KEYWORD_ONLY}
    assert {parameter.default for parameter in parameters.values()} == {...}  # defaults: once


def test_the_docs_table_names_every_option_with_its_default() -> None:
    page = Path(__file__).parents[2] / "docs" / "decorators" / "sandbox.md"
    table = page.read_text().split("| option=default |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `(\w+)=(.+?)` \|", table, flags=re.MULTILINE)
    assert sorted(name for name, _ in rows) == sorted(SandboxOptions.names())
    defaults = SandboxOptions()
    for name, written in rows:
        value = eval(written, {"MiB": MiB})  # the docs page's own text
        assert getattr(SandboxOptions(**{name: value}), name) == getattr(defaults, name), name


def test_every_test_the_docs_attack_table_names_exists() -> None:
    page = Path(__file__).parents[2] / "docs" / "decorators" / "sandbox.md"
    section = page.read_text().split("## Attacks, and what stops them", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    named = {
        name.split("[", 1)[0]
        for row in rows[1:]  # the header names no test
        for name in re.findall(r"`(test_\w+(?:\[\w+\])?)`", row.rsplit("|", 2)[1])
    }
    assert all(re.search(r"`test_\w+", row.rsplit("|", 2)[1]) for row in rows[1:]), rows
    defined = {
        node.name
        for module in Path(__file__).parent.glob("test_sandbox*.py")
        for node in ast.walk(ast.parse(module.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }
    assert named <= defined, sorted(named - defined)
    assert len(named) >= 25


def test_sandbox_error_pickles() -> None:
    error = SandboxError("cpu", "spin", "used too much", signal=24, pid=7, uid=8, output=b"hi")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.reason, copy.stage, copy.signal, copy.pid, copy.uid, copy.output) == (
        "cpu",
        "spin",
        24,
        7,
        8,
        b"hi",
    )
    assert str(copy) == str(error)


# -- the attacks -----------------------------------------------------------------------------


def test_memory_hog() -> None:
    error = run_attack(hog_memory, 40, memory_bytes=256 * MiB, wall_seconds=WALL)  # 2.5 GiB asked
    assert error.reason == "memory"
    assert "256 MiB" in str(error)


def test_a_memory_error_raised_far_from_the_limit_is_the_stages_own() -> None:
    result = sandbox(wall_seconds=WALL)(claim_memory)(None)  # 1 GiB: nowhere near
    failure = result.failure()
    assert isinstance(failure, StageError)
    assert type(failure.error) is MemoryError
    assert str(failure.error) == "fake"


def test_memory_is_judged_by_what_the_supervisor_saw_not_by_the_exception() -> None:
    error = run_attack(hog_then_hide, 40, memory_bytes=256 * MiB, wall_seconds=WALL)
    assert error.reason == "memory"
    assert "of its 256 MiB address space" in str(error)


def test_a_worker_that_dies_out_of_memory_is_judged_by_its_peak_resident_memory() -> None:
    error = run_attack(hog_then_abort, 40, memory_bytes=256 * MiB, wall_seconds=WALL)
    assert error.reason == "memory"
    assert "of its 256 MiB limit (resident)" in str(error)
    assert error.signal == signal.SIGABRT


def test_a_worker_that_dies_far_from_the_memory_limit_crashed() -> None:
    error = run_attack(segfault, None, memory_bytes=256 * MiB, wall_seconds=WALL)
    assert error.reason == "crashed"


def test_infinite_loop_stopped_by_cpu_limit() -> None:
    error = run_attack(spin, None, cpu_seconds=1, wall_seconds=25)
    assert error.reason == "cpu", error
    assert "1 s of CPU time" in str(error)


def test_infinite_loop_stopped_by_wall_limit() -> None:
    error = run_attack(spin, None, cpu_seconds=25, wall_seconds=1)
    assert error.reason == "wall_time"


def test_sleeper_stopped_by_wall_limit() -> None:
    error = run_attack(nap, 25.0, wall_seconds=1)
    assert error.reason == "wall_time"


def test_runaway_spawner() -> None:
    error = run_attack(spawn, 300, processes=16, wall_seconds=WALL)
    assert error.reason == "processes"
    assert "16 processes" in str(error)


def test_runaway_thread_spawner() -> None:
    # each thread reserves address space (its stack, a malloc arena): room for all of it
    error = run_attack(spawn_threads, 300, processes=16, memory_bytes=8192 * MiB, wall_seconds=WALL)
    assert error.reason == "processes"
    assert "16 processes and threads (16 were running)" in str(error)


def test_a_refused_fork_claimed_without_forking_is_the_stages_own() -> None:
    failure = sandbox(processes=16, wall_seconds=WALL)(claim_processes)(None).failure()
    assert isinstance(failure, StageError)
    assert isinstance(failure.error, OSError)
    assert failure.error.errno == errno.EAGAIN


@pytest.mark.skipif(not ROOT, reason="a sandbox's processes are told apart by its own uid (root)")
def test_processes_that_escape_the_session_are_killed_too() -> None:
    # the grandchild has said it is running (a pipe) before the stage returns: no timing
    uid = sandbox(wall_seconds=WALL)(escape_and_linger).run(None)
    assert uid >= SANDBOX_UID_BASE
    assert processes_of(uid) == []  # that run's own user: nothing of it is left, anywhere


@pytest.mark.skipif(not ROOT, reason="starting processes as another user needs root")
def test_the_guard_kills_leftovers_of_this_session_only() -> None:
    uid = SANDBOX_UID_BASE + 1  # pid 1 is never a supervisor: no run has this uid
    ours = subprocess.Popen(["sleep", "30"], user=uid, group=uid)
    # another session's: started by a shell that exits, so it is not below this process
    started = subprocess.run(
        ["setsid", "sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!"],
        user=uid,
        group=uid,
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = int(started.stdout)
    try:
        assert sandbox_processes() == [ours.pid]
        assert kill_leftovers() == [f"{ours.pid} (uid {uid})"]
        assert ours.wait() == -signal.SIGKILL
        assert sandbox_processes() == []
        assert processes_of(uid) == [theirs]  # not ours: left alone
    finally:
        ours.kill()
        os.kill(theirs, signal.SIGKILL)


def test_os_exit() -> None:
    error = run_attack(exit_three, None, wall_seconds=WALL)
    assert error.reason == "crashed"
    assert error.exit_code == 3
    assert "exited with code 3" in str(error)


def test_segfault() -> None:
    error = run_attack(segfault, None, wall_seconds=WALL)
    assert error.reason == "crashed"
    assert error.signal == 11
    assert "SIGSEGV" in str(error)


def test_output_flood() -> None:
    error = run_attack(
        chatter, 300 * 1024, max_output_bytes=1 * MiB, wall_seconds=WALL
    )  # 300 MiB asked
    assert error.reason == "output_too_large"
    assert len(error.output) == 1 * MiB


def test_huge_result() -> None:
    error = run_attack(huge, 64 * MiB, max_result_bytes=1 * MiB, wall_seconds=WALL)
    assert error.reason == "result_too_large"


def test_too_many_open_files() -> None:
    result = sandbox(open_files=32, wall_seconds=WALL)(open_many)(1000)
    failure = result.failure()
    assert isinstance(failure, StageError)
    assert isinstance(failure.error, OSError)
    assert "Too many open files" in str(failure.error)


def test_printed_output_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="wumbo.sandbox"):
        assert sandbox(wall_seconds=WALL)(chatter)(2) == Success(2)
    assert "printed" in caplog.text
    assert "x" * 100 in caplog.text


@pytest.mark.skipif(not ROOT, reason="only a switched uid meets unreadable directories")
def test_module_the_sandbox_user_cannot_read(tmp_path: Path) -> None:
    hidden = tmp_path / "hidden"
    hidden.mkdir(mode=0o700)
    (hidden / "wumbo_hidden_helper.py").write_text("VALUE = 1\n")
    (tmp_path / "wumbo_lazy_stage.py").write_text(
        "def stage(n):\n    import wumbo_hidden_helper\n    return wumbo_hidden_helper.VALUE\n"
    )
    sys.path[:0] = [str(tmp_path), str(hidden)]
    try:
        import wumbo_lazy_stage  # type: ignore[import-not-found]

        failure = sandbox(wall_seconds=WALL)(wumbo_lazy_stage.stage)(1).failure()
    finally:
        del sys.path[:2]
        sys.modules.pop("wumbo_lazy_stage", None)
    assert isinstance(failure, StageError)
    error = failure.error
    # the supervisor cannot see why an import failed: the stage's own error, with a hint
    assert isinstance(error, ModuleNotFoundError)
    assert any(str(hidden) in note and "cannot read" in note for note in error.__notes__)
