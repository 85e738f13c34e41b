"""The typing suite's runner (tests/typing/run.py) fails when an expected error disappears.

The suite itself runs as ``python tests/typing/run.py`` (``make typing-tests``); here only the
harness is checked, on two tiny files, so this stays fast.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

RUNNER = Path(__file__).parent / "typing" / "run.py"


def _load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wumbo_typing_run", RUNNER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


runner = _load_runner()


def test_a_vanished_expected_error_fails_both_checkers() -> None:
    problems: list[str] = runner.self_test()
    assert problems == []


def test_each_checker_gets_the_shared_files_and_only_its_own() -> None:
    for_mypy: list[Path] = runner.case_files()[0]
    for_pyright: list[Path] = runner.case_files()[1]
    mypy_names = {path.name for path in for_mypy}
    pyright_names = {path.name for path in for_pyright}
    assert "shared_compose.py" in mypy_names & pyright_names
    assert "__init__.pyi" in mypy_names & pyright_names  # the toolz stubs
    assert not any(name.startswith("pyright_only_") for name in mypy_names)
    assert not any(name.startswith("mypy_only_") for name in pyright_names)
    assert "run.py" not in mypy_names | pyright_names
