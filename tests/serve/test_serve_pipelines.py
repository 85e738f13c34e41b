"""Core Templates served by name (``MODULE:ATTR``, ``--name``, a mapping), on a real uvicorn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from serve_helpers import WAIT_LIMIT, Explode
from test_serve_process import free_port, wait_until_ready

from wumbo import template
from wumbo.serve.loading import load_pipelines
from wumbo.serve.server import BackgroundServer
from wumbo.serve.settings import ServeSettings, SettingsError

HERE = Path(__file__).parent
TOKENS = {"t-ops": frozenset({"ops"}), "t-other": frozenset({"other"})}


def test_a_mapping_of_templates_is_served_at_the_template_routes() -> None:
    pipelines = {
        "size": template(str.strip) | len,
        "echo": load_pipelines(["typed_shop:echo"])["echo"],
    }
    with BackgroundServer(ServeSettings(port=0), pipelines) as server:
        listed = httpx.get(f"{server.url}/templates").json()["templates"]
        assert [record["name"] for record in listed] == ["echo", "size"]  # no built-ins
        described = httpx.get(f"{server.url}/templates/size").json()
        assert described["type"] == "pipeline"
        assert described["stages"] == ["strip", "len"]
        ran = httpx.post(f"{server.url}/templates/size/run", json="  abc ")
        assert ran.json() == {"template": "size", "output": 3}
        lines = '"a"\n" bb "\n7\n'
        mapped = httpx.post(
            f"{server.url}/templates/size/map",
            content=lines,
            headers={"Content-Type": "application/x-ndjson"},
        )
        records = [line for line in mapped.text.splitlines() if line]
        assert len(records) == 3
        assert '"output":1' in records[0].replace(" ", "")
        assert '"output":2' in records[1].replace(" ", "")
        assert "template_failed" in records[2] or "error" in records[2]
        metrics = httpx.get(f"{server.url}/metrics").text
        assert 'stage="size"' in metrics


def test_served_pipelines_obey_tokens_and_grants() -> None:
    settings = ServeSettings(port=0, tokens=TOKENS, grants={"size": frozenset({"ops"})})
    with BackgroundServer(settings, {"size": template(len)}) as server:
        url = f"{server.url}/templates/size/run"
        assert httpx.post(url, json=[1]).status_code == 401
        denied = httpx.post(url, json=[1], headers={"Authorization": "Bearer t-other"})
        assert denied.status_code == 403
        assert denied.json()["error"]["code"] == "forbidden"
        allowed = httpx.post(url, json=[1, 2], headers={"Authorization": "Bearer t-ops"})
        assert allowed.json()["output"] == 2


def test_registry_templates_are_served_next_to_pipelines_only_when_named() -> None:
    settings = ServeSettings(port=0, templates=("check",))
    with BackgroundServer(settings, {"size": template(len)}) as server:
        listed = httpx.get(f"{server.url}/templates").json()["templates"]
        checked = httpx.post(f"{server.url}/templates/check/run", json=5).json()
    assert sorted(record["name"] for record in listed) == ["size", "validator"]
    assert checked["output"] == [{"value": 5, "valid": True, "errors": []}]
    from wumbo.serve.app import create_app

    with pytest.raises(SettingsError, match="a registered template is served under that name"):
        create_app(settings, pipelines={"validator": template(len)})


def test_load_pipelines_says_what_is_wrong() -> None:
    with pytest.raises(SettingsError, match="got int 42"):
        load_pipelines(["typed_shop:not_a_pipeline"])
    with pytest.raises(SettingsError, match="has no attribute 'nope'"):
        load_pipelines(["typed_shop:nope"])
    with pytest.raises(SettingsError, match="expected MODULE:ATTR or NAME=MODULE:ATTR"):
        load_pipelines(["=typed_shop:echo"])
    with pytest.raises(SettingsError, match="two pipelines would be served as 'echo'"):
        load_pipelines(["typed_shop:echo", "echo=typed_shop:invoice"])


def test_the_command_serves_module_attr_and_named_pipelines_and_modules() -> None:
    port = free_port()
    arguments = [
        "typed_shop:echo",
        str(HERE / "plugins"),
        "--name",
        "shout=typed_shop:echo",
        "--port",
        str(port),
    ]
    with subprocess.Popen(
        [sys.executable, "-m", "wumbo.serve", *arguments],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            wait_until_ready(process)
            url = f"http://127.0.0.1:{port}"
            names = [t["name"] for t in httpx.get(f"{url}/templates").json()["templates"]]
            ran = httpx.post(f"{url}/templates/shout/run", json=[1], timeout=WAIT_LIMIT)
        finally:
            process.terminate()
            process.communicate(timeout=WAIT_LIMIT)
    assert "echo" in names
    assert "shout" in names
    assert "validator" not in names  # the built-ins are not served next to named pipelines
    assert len(names) > 2  # the plugin directory's templates are
    assert ran.json() == {"template": "shout", "output": {"got": [1]}}


def test_the_command_names_a_bad_pipeline_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wumbo.serve", "typed_shop:not_a_pipeline", "--port", "0"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=WAIT_LIMIT * 3,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "wumbo serve: error: typed_shop:not_a_pipeline: expected a Template or an object "
        "with __wumbo_template__(), got int 42"
    ]


def test_a_class_based_template_answers_failures_as_registered_ones_do() -> None:
    """A BaseTemplate's failure is a 422 ``template_failed`` whichever way it is served (its
    failed execution is its answer, as the seed's template service had it); a core pipeline's
    raising stage is the server's fault, a 500."""
    pipelines = {"boom": Explode(), "number": template(int)}
    with BackgroundServer(ServeSettings(port=0), pipelines) as server:
        boom = httpx.post(f"{server.url}/templates/boom/run", json="x")
        number = httpx.post(f"{server.url}/templates/number/run", json="x")
    assert boom.status_code == 422
    assert boom.json()["error"]["code"] == "template_failed"
    assert boom.json()["error"]["message"] == "cannot handle 'x'"
    assert number.status_code == 500
    assert number.json()["error"]["code"] == "stage_failed"
