"""Generated call paths can be read, stepped through and switched off."""

from __future__ import annotations

import contextlib
import inspect
import linecache
import os
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

import pytest
from returns.result import Failure, Result, Success

import wumbo.core.template as template_module
from wumbo import Template, template
from wumbo.core import _returns_internals

ROOT = Path(__file__).resolve().parent.parent


def parse(text: str) -> int:
    return int(text)


def show(n: int) -> str:
    return f"#{n}"


def explode(n: int) -> int:
    raise ValueError(f"no {n}")


def compiled(pipeline: Template[Any, Any, Any]) -> Template[Any, Any, Any]:
    """The pipeline after the calls that compile its paths (its first calls are interpreted)."""
    for _ in range(3):
        pipeline("1")
        with contextlib.suppress(ValueError):
            pipeline.run("1")
    return pipeline


def test_a_traceback_shows_the_generated_line_and_the_pipeline_name() -> None:
    pipeline = compiled(template(parse) | explode)
    try:
        pipeline.run("3")
    except ValueError as error:
        frames = traceback.extract_tb(error.__traceback__)
    generated = next(frame for frame in frames if frame.filename.startswith("<wumbo generated"))
    assert generated.name == "parse | explode"
    assert generated.line == "x = s1(x)"


def test_the_generated_source_is_in_linecache_and_inspect_reads_it() -> None:
    pipeline = compiled(template(parse) | explode)
    runner = pipeline.__dict__["_call"]
    source = inspect.getsource(runner)
    assert "x = s1(x)" in source
    assert linecache.getlines(runner.__code__.co_filename)


def test_signature_of_a_pipeline() -> None:
    signature = inspect.signature(template(parse) | show)
    assert list(signature.parameters) == ["value"]
    assert signature.parameters["value"].annotation is str
    assert signature.parameters["value"].kind is inspect.Parameter.POSITIONAL_ONLY
    assert signature.return_annotation == Result[str, Any]
    assert "stages" in inspect.signature(Template).parameters  # the class keeps its own


def test_signature_of_an_unannotated_pipeline_and_the_identity() -> None:
    assert str(inspect.signature(template(lambda x: x))) == (
        "(value, /) -> returns.result.Result[typing.Any, typing.Any]"
    )
    assert list(inspect.signature(Template(())).parameters) == ["value"]


def test_returns_internals_are_checked_and_used() -> None:
    assert _returns_internals.FAST  # the installed returns is the one this was written for
    built = _returns_internals.new_failure(KeyError("k"))
    assert isinstance(built, Failure)
    assert built == Failure(built.failure())
    assert _returns_internals.new_success([1]) == Success([1])


def test_changed_returns_internals_fall_back_to_the_public_constructors() -> None:
    """A returns release that moves its internals must not break wumbo, only slow it."""
    script = """
import returns.result, returns.primitives.container as container
del container.BaseContainer  # as if a release had moved it
from returns.result import Success, Failure
from wumbo import template
from wumbo.core import _returns_internals
assert not _returns_internals.FAST
pipeline = template(int) | (lambda n: n * 2)
assert pipeline("21") == Success(42), pipeline("21")
failure = pipeline("x")
assert isinstance(failure, Failure) and failure.failure().stage == "int"
assert pipeline.run("1") == 2
print("fallback ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "fallback ok" in done.stdout


@pytest.mark.skipif(bool(os.environ.get("WUMBO_NO_CODEGEN")), reason="already interpreting")
def test_the_core_suite_passes_on_the_reference_interpreter() -> None:
    """``WUMBO_NO_CODEGEN=1`` runs every pipeline through the reference interpreter."""
    tests = ["test_template.py", "test_async.py", "test_combinators.py", "test_laws.py"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=ROOT / "tests",
        env={**os.environ, "WUMBO_NO_CODEGEN": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout


def test_the_interpreter_is_really_used_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    # WUMBO_NO_CODEGEN is read when wumbo is imported (the subprocess test above sets it so)
    monkeypatch.setattr(template_module, "_NO_CODEGEN", True)
    pipeline = template(parse) | explode
    try:
        pipeline.run("3")
    except ValueError as error:
        files = {frame.filename for frame in traceback.extract_tb(error.__traceback__)}
    assert not any(name.startswith("<wumbo generated") for name in files)
    assert any(name.endswith("interpret.py") for name in files)
    assert pipeline("4").failure().position == 2
