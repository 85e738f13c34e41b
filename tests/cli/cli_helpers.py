"""Helpers of the command-line tests: test pipelines, record files, real subprocess runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PIPELINES = '''
import os
import threading
import time
from dataclasses import dataclass

from returns.result import Failure, Result, Success

from wumbo import template

DELAY = float(os.environ.get("WUMBO_TEST_DELAY", "0"))
release = threading.Event()


@dataclass(frozen=True)
class Doubled:
    n: int
    doubled: int
    tags: frozenset[str]


@template
def parse(item: dict) -> int:
    """Take the number out of an item; raises on anything else."""
    if DELAY:
        time.sleep(DELAY)
    return int(item["n"])


def check(n: int) -> Result[int, str]:
    """A declared failure for multiples of seven."""
    return Failure(f"{n} is a multiple of seven") if n % 7 == 0 else Success(n)


def double(n: int) -> Doubled:
    return Doubled(n, n * 2, frozenset({"even" if n % 2 == 0 else "odd", "number"}))


numbers = parse | check | double


def parse_plainly(item: dict) -> int:
    return int(item["n"])


plain_numbers = template(parse_plainly) | check | double


async def shout(item: dict) -> str:
    return str(item["word"]).upper()


loud = template(shout)


def hang_on_three(item: dict) -> int:
    """Blocks (until released) on the item 3, else its number."""
    if item["n"] == 3:
        release.wait(timeout=30)
    return int(item["n"])


hanging = template(hang_on_three)


def unencodable(item: dict) -> object:
    return {"nan": float("nan")} if item["n"] == 1 else object() if item["n"] == 2 else item


odd_outputs = template(unencodable)

not_a_pipeline = 42
'''


@pytest.fixture(name="pipelines")
def pipelines_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A module of test pipelines, importable under a name unique to the test (a fixture:
    test modules import it)."""
    name = f"cli_pipelines_{os.getpid()}_{abs(hash(tmp_path)) % 10**8}"
    (tmp_path / f"{name}.py").write_text(PIPELINES)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    yield name
    sys.modules.pop(name, None)


def write_jsonl(path: Path, lines: list[object | str]) -> Path:
    """One JSON value per line; ``str`` entries are written as raw text (to make bad lines)."""
    text = "".join(
        (entry if isinstance(entry, str) else json.dumps(entry)) + "\n" for entry in lines
    )
    path.write_text(text)
    return path


def records(path: Path) -> list[dict[str, object]]:
    """The JSON records of a file written by ``wumbo run``."""
    return [json.loads(line) for line in path.read_text().splitlines()]


def recorded(*paths: Path) -> list[int]:
    """Every line number recorded in the files, sorted, duplicates kept."""
    return sorted(int(str(record["line"])) for path in paths for record in records(path))


def wumbo_command(*args: str) -> list[str]:
    """The argv of a real ``python -m wumbo`` process."""
    return [sys.executable, "-m", "wumbo", *args]


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment of a subprocess: this interpreter's, the repository importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def run_python(
    *args: str, cwd: Path, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGS`` (this interpreter, the repository importable) to completion."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=subprocess_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_wumbo(
    *args: str, cwd: Path, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m wumbo ARGS`` to completion."""
    return run_python("-m", "wumbo", *args, cwd=cwd, timeout=timeout, **env)


__all__ = [
    "PIPELINES",
    "pipelines_module",
    "recorded",
    "records",
    "run_python",
    "run_wumbo",
    "subprocess_env",
    "write_jsonl",
    "wumbo_command",
]
