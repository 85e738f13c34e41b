"""``--executor tcp://...``: a run on a real Dask scheduler and worker on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import (
    pipelines_module,  # noqa: F401  (the pipelines fixture)
    recorded,
    write_jsonl,
)

from wumbo.cli import main

distributed = pytest.importorskip("distributed")


@pytest.fixture
def scheduler() -> Iterator[str]:
    cluster = distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address=":0",  # a free port, never 8787
    )
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


def test_a_run_on_a_dask_cluster(pipelines: str, tmp_path: Path, scheduler: str) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": n} for n in range(1, 16)])
    args = ["run", f"{pipelines}:plain_numbers", str(source), "-e", scheduler, "--no-progress"]
    assert main(args) == 1
    out, errors = tmp_path / "in.out.jsonl", tmp_path / "in.errors.jsonl"
    assert recorded(out, errors) == list(range(1, 16))
    assert recorded(errors) == [7, 14]


def test_an_address_nobody_answers_exits_2(
    pipelines: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("wumbo.cli.executors.CONNECT_SECONDS", 0.5)
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": 1}])
    args = ["run", f"{pipelines}:plain_numbers", str(source), "-e", "tcp://127.0.0.1:9"]
    assert main(args) == 2
    assert "cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
