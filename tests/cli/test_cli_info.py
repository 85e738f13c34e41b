"""``wumbo info MODULE:ATTR``: the stages with their types and marks, or the Mermaid picture."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from wumbo.cli import main

STAGES = """
import time

from returns.result import Failure, Result, Success

from wumbo import template
from wumbo.decorators import cache, retry


class Refused(Exception):
    pass


def parse(text: str) -> int:
    return int(text)


def check(n: int) -> Result[int, Refused | KeyError]:
    return Success(n) if n else Failure(Refused("zero"))


async def fetch(n: int) -> str:
    return str(n)


def wait(text: str) -> str:
    time.sleep(0)
    return text


pipeline = template(parse) | check | fetch | template(wait, blocking=True)
decorated = retry(attempts=2)(cache()(parse))
settings = {"a": 1}
"""


@pytest.fixture(name="stages")
def stages_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name = f"cli_info_{abs(hash(tmp_path)) % 10**8}"
    (tmp_path / f"{name}.py").write_text(STAGES)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    yield name
    sys.modules.pop(name, None)


def test_info_lists_the_stages_in_order_with_types_errors_and_marks(
    stages: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["info", f"{stages}:pipeline", "--plain"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "parse | check | fetch | wait: str -> str",
        "#  stage  input  output  fails with         marks",
        "-  -----  -----  ------  -----------------  --------",
        "1  parse  str    int",
        "2  check  int    int     Refused, KeyError",
        "3  fetch  int    str                        async",
        "4  wait   str    str                        blocking",
        "",
        f"run it: wumbo run {stages}:pipeline INPUT",
    ]


def test_info_names_the_decorators_of_a_stage(
    stages: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["info", f"{stages}:decorated", "--plain"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[3].split() == ["1", "retry(cache(parse))", "str", "int", "retry,", "cache"]


def test_info_mermaid_prints_the_flowchart(stages: str, capsys: pytest.CaptureFixture[str]) -> None:
    from importlib import import_module

    assert main(["info", f"{stages}:pipeline", "--mermaid"]) == 0
    expected = import_module(stages).pipeline.to_mermaid()
    assert capsys.readouterr().out == expected + "\n"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_such_module_here:pipeline", "cannot import module 'no_such_module_here'"),
        ("{stages}:pipelin", "has no attribute 'pipelin'; did you mean 'pipeline'?"),
        ("{stages}:settings", "is a dict, not a pipeline"),
        (":pipeline", "expected MODULE:ATTR"),
    ],
)
def test_info_of_what_is_not_a_pipeline_is_a_usage_error(
    stages: str, spec: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["info", spec.format(stages=stages)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("wumbo info: error: ")
    assert message in captured.err
    assert len(captured.err.splitlines()) == 1


def test_info_of_a_registered_name_still_shows_its_metadata(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["info", "validator", "--plain"]) == 0
    assert "run it" in capsys.readouterr().out


def test_the_docs_draw_the_orders_pipeline_as_to_mermaid_draws_it_now() -> None:
    from wumbo.examples.orders import invoice_order

    page = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()
    shown = re.findall(r"^```mermaid\n(.*?)\n```$", page, re.DOTALL | re.MULTILINE)
    assert shown == [invoice_order.to_mermaid()]
