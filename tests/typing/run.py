"""Run wumbo's typing suite: mypy --strict and pyright (strict) over tests/typing.

Usage, from anywhere (the checkers run from the repository root):

    python tests/typing/run.py              # the suite; exit status 1 if either checker errs
    python tests/typing/run.py --self-test  # prove that a vanished expected error fails

Both checkers come from the environment of the Python running this script: mypy as
``sys.executable -m mypy``, pyright as the ``pyright`` next to ``sys.executable``, told to use
that interpreter with ``--pythonpath``.

What each checker reads:

* every other ``*.py`` in tests/typing (``shared_*.py``, ``known_issues.py``, the
  decorators' and framework's files, ``_stages.py``): both checkers.
* ``mypy_only_*.py``: mypy only. ``pyright_only_*.py``: pyright only.
* ``stubs/toolz/*.pyi`` (the repo's toolz stubs): both, so the stubs are strict-clean too.

A correct case is an ``assert_type(...)``; an incorrect one ends in ``# type: ignore[<code>]``
(``# pyright: ignore[<rule>]`` in pyright-only files). Both checkers report an ignore that no
longer suppresses anything (mypy: ``warn_unused_ignores`` in pyproject.toml; pyright:
``reportUnnecessaryTypeIgnoreComment`` in tests/typing/pyrightconfig.json), so an expected
error that disappears fails the suite.

mypy runs with pyproject.toml's settings plus ``--strict`` and ``--follow-imports=silent``:
the suite judges the API as a user's checker sees it, so errors inside wumbo's own modules are
left to ``make typecheck``; the files listed (cases and stubs) are reported in full.
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import re
import subprocess
import sys
import tempfile
import time
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
STUBS = ROOT / "stubs"
PYPROJECT = ROOT / "pyproject.toml"
MYPY_ONLY = "mypy_only_"
PYRIGHT_ONLY = "pyright_only_"

_MARKER = re.compile(r"#\s*(type|pyright):\s*ignore\[")
_MYPY_ERROR = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?:\d+:)? error:", re.MULTILINE)
_PYRIGHT_ERROR = re.compile(r"^\s*(?P<path>.+?):(?P<line>\d+):\d+ - error:", re.MULTILINE)
_PYRIGHT_SUMMARY = re.compile(r"^(\d+) errors?, ", re.MULTILINE)


@dataclass(frozen=True)
class Outcome:
    """One checker's run: its exit status, its output, and the errors found in that output."""

    checker: str
    status: int
    output: str
    errors: tuple[tuple[str, int], ...]  # (file name, line) of each error reported

    @property
    def ok(self) -> bool:
        return self.status == 0 and not self.errors


def case_files() -> tuple[list[Path], list[Path]]:
    """The files mypy checks and the files pyright checks (stubs first in both)."""
    stubs = sorted((STUBS / "toolz").rglob("*.pyi"))
    cases = sorted(path for path in HERE.glob("*.py") if path.name != Path(__file__).name)
    shared = [path for path in cases if not path.name.startswith((MYPY_ONLY, PYRIGHT_ONLY))]
    for_mypy = stubs + shared + [path for path in cases if path.name.startswith(MYPY_ONLY)]
    for_pyright = stubs + shared + [path for path in cases if path.name.startswith(PYRIGHT_ONLY)]
    return for_mypy, for_pyright


def pyright_executable() -> Path:
    return Path(sys.executable).parent / "pyright"


def run_mypy(files: Sequence[Path], *, cache_dir: Path | None = None) -> Outcome:
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        str(PYPROJECT),
        "--strict",
        "--follow-imports=silent",
        "--show-error-codes",
    ]
    if cache_dir is not None:
        command += ["--cache-dir", str(cache_dir)]
    command += [str(path) for path in files]
    status, output = _run(command)
    errors = tuple(
        (Path(match["path"]).name, int(match["line"])) for match in _MYPY_ERROR.finditer(output)
    )
    return Outcome("mypy", status, output, errors)


def run_pyright(files: Sequence[Path]) -> Outcome:
    executable = pyright_executable()
    if not executable.exists():
        message = f"pyright not found at {executable} (install the 'dev' extra)\n"
        return Outcome("pyright", 2, message, ())
    command = [
        str(executable),
        "--pythonpath",
        sys.executable,
        "-p",
        str(HERE),
        *(str(path) for path in files),
    ]
    status, output = _run(command)
    errors = tuple(
        (Path(match["path"]).name, int(match["line"])) for match in _PYRIGHT_ERROR.finditer(output)
    )
    summary = _PYRIGHT_SUMMARY.search(output)
    if summary is not None and int(summary.group(1)) != len(errors):  # an unparsed format
        errors += (("<pyright summary>", 0),) * (int(summary.group(1)) - len(errors))
    return Outcome("pyright", status, output, errors)


def _run(command: Sequence[str]) -> tuple[int, str]:
    environment = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", NO_COLOR="1")
    completed = subprocess.run(
        command,
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.returncode, completed.stdout + completed.stderr


def count_cases(files: Sequence[Path]) -> tuple[int, int]:
    """(``assert_type`` checks, expected-error markers) over the given case files.

    Counted from the code: ``assert_type`` calls on lines without a marker, and the marker
    comments themselves (docstrings that mention either do not count).
    """
    checks = markers = 0
    for path in files:
        if path.suffix != ".py":
            continue
        source = path.read_text(encoding="utf-8")
        marked: set[int] = set()
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and _MARKER.match(token.string):
                marked.add(token.start[0])
        markers += len(marked)
        for node in ast.walk(ast.parse(source, str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "assert_type"
                and node.lineno not in marked
            ):
                checks += 1
    return checks, markers


def _report(outcome: Outcome, seconds: float, files: int) -> str:
    state = "OK" if outcome.ok else f"FAILED ({len(outcome.errors)} errors, exit {outcome.status})"
    return f"{outcome.checker} {state} on {files} files in {seconds:.1f}s"


def main_suite() -> int:
    for_mypy, for_pyright = case_files()
    outcomes: list[str] = []
    failed = False
    for checker, files in (("mypy", for_mypy), ("pyright", for_pyright)):
        started = time.perf_counter()
        outcome = run_mypy(files) if checker == "mypy" else run_pyright(files)
        seconds = time.perf_counter() - started
        print(f"===== {checker} ({len(files)} files) =====")
        print(outcome.output.rstrip())
        outcomes.append(_report(outcome, seconds, len(files)))
        failed = failed or not outcome.ok
    cases = sorted({*for_mypy, *for_pyright})
    checks, expected = count_cases(cases)
    print("=====")
    print(
        f"typing suite: {'FAILED' if failed else 'passed'}: {'; '.join(outcomes)}; "
        f"{checks} assert_type checks, {expected} expected-error markers"
    )
    return 1 if failed else 0


# -- self-test -------------------------------------------------------------------------------

_GOOD = """\
from typing import assert_type

total: int = "one"  # type: ignore[assignment]
assert_type(len("abc"), int)
"""

_BAD = """\
from typing import assert_type

total: int = 1  # type: ignore[operator]
assert_type(len("abc"), int)
"""


def self_test() -> list[str]:
    """Check the harness itself; return the problems found (none: it works).

    A file whose expected error is real must pass both checkers; a file whose expected error
    has disappeared (a ``# type: ignore[operator]`` on a correct line) must fail both, at that
    line.
    """
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="wumbo-typing-self-test-") as directory:
        folder = Path(directory)
        good, bad = folder / "good_case.py", folder / "bad_case.py"
        good.write_text(_GOOD, encoding="utf-8")
        bad.write_text(_BAD, encoding="utf-8")
        cache = folder / "mypy-cache"
        for outcome in (run_mypy([good, bad], cache_dir=cache), run_pyright([good, bad])):
            errors = set(outcome.errors)
            if outcome.status == 0:
                problems.append(f"{outcome.checker} exited 0 on a vanished expected error")
            if ("bad_case.py", 3) not in errors:
                problems.append(f"{outcome.checker} did not report the unused ignore at line 3")
            if any(name == "good_case.py" for name, _ in errors):
                problems.append(f"{outcome.checker} reported an error in good_case.py")
            if problems:
                problems.append(f"{outcome.checker} output:\n{outcome.output}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="prove the harness fails when an expected error disappears, then exit",
    )
    arguments = parser.parse_args(argv)
    if arguments.self_test:
        problems = self_test()
        for problem in problems:
            print(problem)
        print(f"typing self-test: {'FAILED' if problems else 'passed'}")
        return 1 if problems else 0
    return main_suite()


if __name__ == "__main__":
    sys.exit(main())
