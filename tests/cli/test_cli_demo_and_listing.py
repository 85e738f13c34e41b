"""``wumbo demo``, ``wumbo list`` and ``wumbo info``, plugins included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import records, run_wumbo, write_jsonl

from wumbo.cli import main

PLUGIN = '''
from wumbo.framework import BaseTemplate, TemplateMetadata, TemplateType


class ShoutTemplate(BaseTemplate[str]):
    """Upper-cases its input."""

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata(
            "shouter", description="Upper-case text", template_type=TemplateType.TRANSFORMER
        )

    def _execute_core(self, text: str, *, context: object) -> str:
        return text.upper()
'''


def test_demo_is_deterministic_and_says_what_it_did(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    first = capsys.readouterr().out
    assert main(["demo"]) == 0
    assert capsys.readouterr().out == first
    assert "sync  (pipeline.map):  16 invoiced, 8 failed" in first
    assert "async (pipeline.amap): 16 invoiced, 8 failed: the same results as the sync run" in first
    assert "A-1005  validate (1 of 3)  ValueError: order has no customer" in first
    assert "A-1006  convert (2 of 3)   ConnectionError: rate service busy" in first
    assert "A-1011  declared failure   CreditLimitExceeded" in first
    assert "exchange-rate cache: 14 hits, 6 misses" in first
    assert "retries of fetch_rate: 7 failed attempts were retried" in first


def test_demo_runs_as_a_real_process(tmp_path: Path) -> None:
    done = run_wumbo("demo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "16 invoiced, 8 failed" in done.stdout
    assert done.stderr == ""


def test_the_demo_pipeline_runs_through_wumbo_run(tmp_path: Path) -> None:
    data = Path(__file__).resolve().parents[2] / "wumbo" / "data" / "demo_orders.jsonl"
    source = tmp_path / "orders.jsonl"
    source.write_bytes(data.read_bytes())
    target = "wumbo.cli.demo_pipeline:invoice"
    assert main(["run", target, str(source), "--no-progress"]) == 1
    failures = {record["line"]: record for record in records(tmp_path / "orders.errors.jsonl")}
    assert len(failures) == 8
    assert failures[11]["stage"] == "price"
    assert failures[11]["error_type"] == "CreditLimitExceeded"
    assert records(tmp_path / "orders.out.jsonl")[0] == {
        "line": 1,
        "output": {"order_id": "A-1001", "customer": "ada", "currency": "EUR", "total_eur": 8.5},
    }


def test_list_shows_templates_with_categories_and_aliases(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("templates (")
    assert re.search(r"^data_processor +data_processor +dp, processor +1\.0\.0", shown, re.M)
    assert main(["list", "--category", "validator"]) == 0
    only = capsys.readouterr().out
    assert "validator  validator  check, validate" in only
    assert "data_processor" not in only


def test_info_shows_one_template_by_alias(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "agg"]) == 0
    shown = capsys.readouterr().out
    assert re.search(r"^aliases +agg, aggregate$", shown, re.M)
    assert re.search(
        r"^class +wumbo\.framework\.builtins\.aggregator\.AggregatorTemplate$", shown, re.M
    )
    assert "wumbo run aggregator INPUT" in shown


def test_plugins_are_listed_described_and_run(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "shouting.py").write_text(PLUGIN)
    listed = run_wumbo("list", cwd=tmp_path, WUMBO_PLUGIN_PATHS=str(plugins))
    assert listed.returncode == 0, listed.stderr
    assert re.search(
        r"^shouter +transformer +1\.0\.0 +\S*shouting +Upper-case text", listed.stdout, re.M
    )
    info = run_wumbo("info", "shouter", cwd=tmp_path, WUMBO_PLUGIN_PATHS=str(plugins))
    assert info.returncode == 0, info.stderr
    assert "Upper-cases its input." in info.stdout
    source = write_jsonl(tmp_path / "words.jsonl", ['"hi"', 3])
    ran = run_wumbo(
        "run",
        "shouter",
        str(source),
        "--no-progress",
        cwd=tmp_path,
        WUMBO_PLUGIN_PATHS=str(plugins),
    )
    assert ran.returncode == 1, ran.stderr
    assert records(tmp_path / "words.out.jsonl") == [{"line": 1, "output": "HI"}]
    assert records(tmp_path / "words.errors.jsonl")[0]["stage"] == "shouter"
