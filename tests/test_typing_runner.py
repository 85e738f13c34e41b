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


def test_the_installed_run_has_no_repo_stubs_and_no_repo_only_files() -> None:
    for_mypy: list[Path] = runner.case_files(installed=True)[0]
    for_pyright: list[Path] = runner.case_files(installed=True)[1]
    names = {path.name for path in for_mypy + for_pyright}
    assert "shared_curry.py" in names
    assert not any(name.endswith(".pyi") for name in names)
    assert not any(name.startswith("repo_only_") for name in names)
    assert "repo_only_toolz_stubs.py" in {path.name for path in runner.case_files()[0]}


def test_the_checker_environment_pins_the_dev_checkers() -> None:
    requirements: list[str] = runner.environment_requirements()
    assert any(pin.startswith("mypy==") for pin in requirements)
    assert any(pin.startswith("pyright==") for pin in requirements)
    assert any(pin.startswith("returns") for pin in requirements)
    folder: Path = runner.environment_folder(requirements)
    assert folder != runner.environment_folder([*requirements, "extra==1"])
    assert not folder.is_relative_to(runner.ROOT)


def test_the_scratch_cases_live_outside_the_repo_with_a_config_of_their_own(
    tmp_path: Path,
) -> None:
    for_mypy: list[Path] = runner.scratch_cases(tmp_path)[0]
    folder = for_mypy[0].parent
    assert not folder.is_relative_to(runner.ROOT)
    config = (folder / "pyrightconfig.json").read_text()
    assert '"strict"' in config
    assert "stubPath" not in config
    assert "extraPaths" not in config


def test_the_typing_guide_is_a_case_file_with_the_guides_line_numbers(tmp_path: Path) -> None:
    markdown = "# Title\n\n```python\nx = 1\n```\n\ntext\n\n```text\nnot code\n```\n```python\ny = 2\n```\n"
    code: str = runner.guide_code(markdown)
    lines = code.splitlines()
    assert len(lines) == len(markdown.splitlines())
    assert lines[3] == "x = 1"
    assert lines[12] == "y = 2"
    assert "not code" not in code
    assert "Title" not in code
    guide: Path = runner.write_guide_case(tmp_path)
    assert "assert_type(" in guide.read_text()
    for_mypy, for_pyright = runner.scratch_cases(tmp_path)
    assert runner.GUIDE_CASE in {path.name for path in for_mypy} & {
        path.name for path in for_pyright
    }


def test_the_guides_quoted_messages_are_what_the_checkers_must_report() -> None:
    quoted: dict[str, list[str]] = runner.quoted_messages(runner.GUIDE.read_text())
    assert len(quoted["mypy"]) == 2
    assert len(quoted["pyright"]) == 2
    case = runner.MISTYPED_CASE
    output = "".join(f"  /tmp/x/{case}:9:5 - {message}\n" for message in quoted["pyright"])
    reported = runner.Outcome("pyright", 1, output, ((case, 9), (case, 9)))
    judged = runner.judged_against_the_guide(reported)
    assert judged.ok
    assert "the ones docs/typing.md quotes" in judged.output
    changed = output.replace("reportOperatorIssue", "reportCallIssue")
    judged = runner.judged_against_the_guide(runner.Outcome("pyright", 1, changed, ()))
    assert not judged.ok
    assert "docs/typing.md quotes, for pyright" in judged.output


def test_the_mistyped_case_is_the_guide_with_one_ignore_removed(tmp_path: Path) -> None:
    guide = runner.write_guide_case(tmp_path).read_text().splitlines()
    mistyped = runner.write_mistyped_case(tmp_path).read_text().splitlines()
    changed = [(a, b) for a, b in zip(guide, mistyped, strict=True) if a != b]
    assert len(changed) == 1
    assert "# type: ignore" in changed[0][0]
    assert "# type: ignore" not in changed[0][1]
