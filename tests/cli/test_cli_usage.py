"""Exit statuses and one-line reasons for every way of calling ``wumbo`` wrongly; ``--help``."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import (
    pipelines_module,  # noqa: F401  (the pipelines fixture)
    run_python,
    write_jsonl,
)

from wumbo.cli import main


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line the command printed on stderr."""
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize("command", [[], ["run"], ["demo"], ["list"], ["info"], ["serve"]])
def test_help_everywhere(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    assert "usage: wumbo" in capsys.readouterr().out


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "commands" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (["-c", "0"], "argument -c/--concurrency: expected a positive whole number or 'auto'"),
        (["--timeout", "-1"], "argument --timeout: expected a positive number of seconds"),
        (["--config", "no equals"], "argument --config: expected KEY=VALUE"),
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
    ],
)
def test_bad_arguments_exit_2_with_the_reason(
    arguments: list[str], reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "m:p", str(tmp_path / "in.jsonl"), *arguments]) == 2
    assert reason in capsys.readouterr().err


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("no_such_module_xyz:pipeline", "cannot import module 'no_such_module_xyz'"),
        ("{module}:nombers", "has no attribute 'nombers'; did you mean 'numbers'?"),
        ("{module}:not_a_pipeline", "is a int, not a pipeline: expected a wumbo Template"),
        ("no_such_template_xyz", "Template 'no_such_template_xyz' not found"),
        ("trnsformer", "did you mean 'transformer'?"),
        (":pipeline", "expected MODULE:ATTR for a pipeline in a module, or a registered"),
        ("no_such_template_xyz", "(expected MODULE:ATTR for a pipeline in a module, or a"),
        ("builtins:divmod", "cannot be a pipeline"),
    ],
)
def test_a_pipeline_that_cannot_be_found_exits_2(
    target: str, reason: str, pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": 1}])
    assert main(["run", target.format(module=pipelines), str(source)]) == 2
    line = error_line(capsys)
    assert line.startswith("wumbo run: error: ")
    assert reason in line
    assert not (tmp_path / "in.out.jsonl").exists()


def test_a_module_that_fails_to_import_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken_cli_module.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    source = write_jsonl(tmp_path / "in.jsonl", [1])
    assert main(["run", "broken_cli_module:pipeline", str(source)]) == 2
    assert "importing module 'broken_cli_module' failed: ModuleNotFoundError" in error_line(capsys)


@pytest.mark.parametrize("name", ["missing.jsonl", "."])
def test_an_unreadable_input_exits_2(
    name: str, pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", f"{pipelines}:numbers", str(tmp_path / name)]) == 2
    assert "cannot read input file" in error_line(capsys)


def test_output_into_a_missing_folder_exits_2(
    pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": 1}])
    assert main(["run", f"{pipelines}:numbers", str(source), "-o", "nowhere/out.jsonl"]) == 2
    assert "cannot write 'nowhere/out.jsonl': No such file or directory" in error_line(capsys)


def test_output_over_the_input_is_refused(
    pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": 1}])
    assert main(["run", f"{pipelines}:numbers", str(source), "-o", str(source)]) == 2
    assert "must be three different files" in error_line(capsys)
    assert source.read_text() == '{"n": 1}\n'


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (["-e", "gpu"], "--executor expects inline, threads, processes or a Dask scheduler"),
        (["--timeout", "1"], "--timeout needs --executor threads or processes"),
        (["--config", "x=1"], "--config applies to registered templates and BaseTemplate"),
    ],
)
def test_options_that_do_not_fit_exit_2(
    arguments: list[str],
    reason: str,
    pipelines: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": 1}])
    assert main(["run", f"{pipelines}:numbers", str(source), *arguments]) == 2
    assert reason in error_line(capsys)


def test_bad_template_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [1])
    assert main(["run", "transformer", str(source), "--config", "map_func=3"]) == 2
    assert "cannot configure 'transformer'" in error_line(capsys)


def test_unknown_template_info_and_category_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "no_such_template_xyz"]) == 2
    assert "Template 'no_such_template_xyz' not found" in error_line(capsys)
    assert main(["list", "--category", "gadgets"]) == 2
    assert "--category expects one of data_processor" in error_line(capsys)


@pytest.mark.parametrize(
    "argv",
    [["list", "--plain"], ["--plain", "list"], ["list", "--category", "validator", "--plain"]],
)
def test_global_flags_work_after_the_subcommand_too(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 0
    assert "validator" in capsys.readouterr().out


def test_version_after_the_subcommand_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--version"]) == 0
    assert capsys.readouterr().out.startswith("wumbo ")


def test_a_module_without_its_pipeline_says_module_attr_and_lists_its_templates(
    pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": 1}])
    assert main(["run", pipelines, str(source)]) == 2
    line = error_line(capsys)
    assert line.startswith(f"wumbo run: error: {pipelines!r} is a module, not a pipeline: ")
    assert "expected MODULE:ATTR for a pipeline in a module, or a registered template name" in line
    for name in ("hanging", "loud", "numbers", "odd_outputs", "plain_numbers"):
        assert f"{pipelines}:{name}" in line
    assert f"{pipelines}:parse," in line  # a @template stage is a Template too
    assert "not_a_pipeline" not in line


def test_a_module_without_templates_suggests_module_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "plain_functions_xyz.py").write_text("def clean(x):\n    return x\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    source = write_jsonl(tmp_path / "in.jsonl", [1])
    assert main(["run", "plain_functions_xyz", str(source)]) == 2
    assert "it has no Template attributes" in error_line(capsys)


def test_the_timeout_help_reads_right(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert (
        "--timeout SECONDS fail an item that takes longer than this; for pipelines of "
        "synchronous stages, it needs --executor threads or processes"
    ) in help_text


WITHOUT_SERVE = """
import importlib.util
import sys

found = importlib.util.find_spec
importlib.util.find_spec = lambda name, *args: (  # as if the serve extra were not installed
    None if name in ("starlette", "uvicorn", "prometheus_client") else found(name, *args)
)
from wumbo.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_serve_install_hint_is_given_once(tmp_path: Path) -> None:
    finished = run_python("-c", WITHOUT_SERVE, "serve", "some.module", cwd=tmp_path)
    assert finished.returncode == 2, finished.stderr
    (line,) = finished.stderr.strip().splitlines()
    assert line.startswith("wumbo serve: error: wumbo.serve needs starlette")
    assert line.count("pip install 'wumbo[serve]'") == 1


IMPORTED_BY_RUN = """
import sys
from wumbo.cli.main import main
status = main(sys.argv[1:])
loaded = [name for name in ("wumbo.serve.cli", "wumbo.runtime.runtime", "csv") if name in sys.modules]
print(status, *loaded)
"""


def test_a_run_imports_only_what_it_needs(pipelines: str, tmp_path: Path) -> None:
    """An inline run of a synchronous pipeline loads neither the serve extra (the options of
    ``wumbo serve``) nor the runtime of ``map``; ``--help`` still lists ``serve``."""
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": 1}])
    args = ["run", f"{pipelines}:plain_numbers", str(source), "--no-progress"]
    finished = run_python("-c", IMPORTED_BY_RUN, *args, cwd=tmp_path)
    assert finished.stdout.strip().splitlines()[-1] == "0", finished.stderr
    helped = run_python("-c", IMPORTED_BY_RUN, "--help", cwd=tmp_path)
    assert "serve" in helped.stdout.split("commands:")[1]
