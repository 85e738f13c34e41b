"""A declared error type names its own HTTP status (``http_status``): the answer, the OpenAPI
document and `wumbo serve`'s refusal of a bad one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from wumbo import Failure, Result, Success, template
from wumbo.serve.catalog import served_pipeline
from wumbo.serve.server import BackgroundServer
from wumbo.serve.settings import ServeSettings, SettingsError


class NotFound(LookupError):
    """No such order: answered 404."""

    http_status = 404


class Busy(Exception):
    """The warehouse is busy: answered 503, next to the server's own 503 answers."""

    http_status = 503


class Invalid(ValueError):
    """No status of its own: the usual 422."""


class Teapot(Exception):
    http_status = 200  # not an error answer


def find(order: int) -> Result[int, NotFound | Busy | Invalid]:
    if order == 0:
        return Failure(NotFound(f"no order {order}"))
    if order == 1:
        return Failure(Busy("try again"))
    if order < 0:
        return Failure(Invalid("orders are positive"))
    return Success(order * 10)


def brew(order: int) -> Result[int, Teapot]:
    return Success(order)


def schema_of(document: dict[str, Any], status: str) -> dict[str, Any]:
    answer = document["paths"]["/templates/find/run"]["post"]["responses"][status]
    schema: dict[str, Any] = answer["content"]["application/json"]["schema"]
    return schema


def fits(document: dict[str, Any], schema: dict[str, Any], value: object) -> bool:
    validator = OAS31Validator({**schema, "components": document["components"]})
    return bool(validator.is_valid(value))


def test_each_declared_error_is_answered_with_its_types_status_and_documented() -> None:
    with (
        BackgroundServer(ServeSettings(port=0), {"find": template(find)}) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        document = client.get("/openapi.json").json()
        validate(document)
        answers = {order: client.post("/templates/find/run", json=order) for order in (0, 1, -1, 2)}
    assert [answers[order].status_code for order in (0, 1, -1, 2)] == [404, 503, 422, 200]
    assert answers[0].json()["error"]["error_type"] == "NotFound"
    responses = document["paths"]["/templates/find/run"]["post"]["responses"]
    assert responses["404"]["description"].endswith("; or declared errors: NotFound")
    assert responses["422"]["description"].endswith("declared errors: Invalid")
    assert responses["503"]["description"].endswith("; or declared errors: Busy")
    for order, status in ((0, "404"), (1, "503"), (-1, "422")):
        assert fits(document, schema_of(document, status), answers[order].json())


def test_a_status_that_is_not_an_error_answer_is_refused_when_served() -> None:
    with pytest.raises(
        SettingsError, match=r"brew: Teapot.http_status must be an int from 400 to 599"
    ):
        served_pipeline("brew", template(brew))


def test_wumbo_serve_refuses_it_with_one_line_and_exit_code_2(tmp_path: Path) -> None:
    (tmp_path / "teapots.py").write_text(
        "from wumbo import Result, Success, template\n"
        "class Teapot(Exception):\n    http_status = '418'\n"
        "@template\n"
        "def brew(order: int) -> Result[int, Teapot]:\n    return Success(order)\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "wumbo", "serve", "teapots:brew", "--port", "0"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "wumbo serve: error: brew: Teapot.http_status must be an int from 400 to 599 (an error "
        "answer), got str '418'"
    ]
