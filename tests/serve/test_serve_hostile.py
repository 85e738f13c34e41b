"""Hostile input against the real server: JSON nested to exhaust the parser, numbers too long
to convert, and callers probing for what they may not know."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from serve_helpers import WAIT_LIMIT, make_registry

from wumbo.serve import BackgroundServer, ServeSettings
from wumbo.serve.jsonio import MAX_DEPTH

JSON = {"Content-Type": "application/json"}
LINES = {"Content-Type": "application/x-ndjson"}


def nested(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with (
        BackgroundServer(ServeSettings(port=0), make_registry()) as server,
        httpx.Client(base_url=server.url, timeout=WAIT_LIMIT) as http,
    ):
        yield http


def error_of(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error: dict[str, object] = response.json()["error"]
    assert error["status"] == status
    return error


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 5_000, 30_000])
def test_run_refuses_json_nested_too_deeply_with_400(client: httpx.Client, levels: int) -> None:
    response = client.post("/templates/double/run", content=nested(levels), headers=JSON)
    error = error_of(response, 400)
    assert (error["code"], error["max_depth"]) == ("malformed_json", MAX_DEPTH)
    assert f"nested deeper than {MAX_DEPTH} levels" in str(error["message"])


def test_run_accepts_json_nested_up_to_the_limit(client: httpx.Client) -> None:
    response = client.post("/templates/double/run", content=nested(MAX_DEPTH), headers=JSON)
    assert response.status_code == 200, response.text


def test_run_refuses_a_number_too_long_to_convert_with_400(client: httpx.Client) -> None:
    response = client.post("/templates/double/run", content=b"7" * 100_001, headers=JSON)
    error = error_of(response, 400)
    assert error["code"] == "malformed_json"
    assert "more than 4300 digits" in str(error["message"])
    assert "set_int_max_str_digits" not in str(error["message"])


def test_map_answers_a_deep_line_with_one_error_and_goes_on(client: httpx.Client) -> None:
    body = b"1\n" + nested(5_000) + b"\n" + b"9" * 100_001 + b"\n" + nested(30_000) + b"\n2\n"
    response = client.post("/templates/double/map", content=body, headers=LINES)
    assert response.status_code == 200
    records = [json.loads(line) for line in response.text.splitlines()]
    assert [record["line"] for record in records] == [1, 2, 3, 4, 5]
    assert [record.get("output") for record in records] == [2, None, None, None, 4]
    assert [record["error"]["code"] for record in records[1:4]] == ["malformed_json"] * 3
    assert all(record["error"]["status"] == 400 for record in records[1:4])
