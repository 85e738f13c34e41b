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


TOKENS = {"reader-token": frozenset({"reader"}), "ops-token": frozenset({"ops", "monitor"})}
GRANTS = {"double": frozenset({"reader", "ops"}), "explode": frozenset({"ops"})}
READER = {"Authorization": "Bearer reader-token"}
OPS = {"Authorization": "Bearer ops-token"}


def stages_in(metrics: str) -> set[str]:
    return {
        line.split('stage="', 1)[1].split('"', 1)[0]
        for line in metrics.splitlines()
        if 'stage="' in line and not line.startswith("#")
    }


@pytest.fixture(scope="module")
def secured() -> Iterator[httpx.Client]:
    settings = ServeSettings(port=0, tokens=TOKENS, grants=GRANTS)
    with (
        BackgroundServer(settings, make_registry()) as server,
        httpx.Client(base_url=server.url, timeout=WAIT_LIMIT) as http,
    ):
        assert http.post("/templates/explode/run", json=1, headers=OPS).status_code == 422
        assert http.post("/templates/double/run", json=1, headers=OPS).status_code == 200
        yield http


def test_403_names_neither_the_roles_nor_the_token(secured: httpx.Client) -> None:
    for response in (
        secured.post("/templates/explode/run", json=1, headers=READER),
        secured.get("/templates/explode", headers=READER),
    ):
        error = error_of(response, 403)
        assert error["code"] == "forbidden"
        said = json.dumps(error)
        assert "'explode'" in str(error["message"])
        for secret in ("ops", "reader", "token:", "monitor"):
            assert secret not in said.replace("reader-token", ""), (secret, said)


def test_404_suggests_only_templates_the_caller_may_use(secured: httpx.Client) -> None:
    hidden = error_of(secured.post("/templates/explod/run", json=1, headers=READER), 404)
    assert "did you mean" not in str(hidden["message"])
    assert "explode" not in json.dumps(hidden).replace("explod/", "").replace("'explod'", "")
    shown = error_of(secured.post("/templates/explod/run", json=1, headers=OPS), 404)
    assert "did you mean 'explode'?" in str(shown["message"])
    near = error_of(secured.post("/templates/dubble/run", json=1, headers=READER), 404)
    assert "did you mean 'double'?" in str(near["message"])


def test_metrics_show_each_caller_only_its_templates(secured: httpx.Client) -> None:
    anonymous = secured.get("/metrics")
    assert anonymous.status_code == 200
    assert stages_in(anonymous.text) == set()
    assert stages_in(secured.get("/metrics", headers=READER).text) == {"double"}
    assert stages_in(secured.get("/metrics", headers=OPS).text) == {"double", "explode"}
    assert error_of(secured.get("/metrics", headers={"Authorization": "Bearer x"}), 401)


def test_metrics_role_is_required_and_not_named() -> None:
    settings = ServeSettings(port=0, tokens=TOKENS, grants=GRANTS, metrics_role="monitor")
    with (
        BackgroundServer(settings, make_registry()) as server,
        httpx.Client(base_url=server.url, timeout=WAIT_LIMIT) as http,
    ):
        http.post("/templates/double/run", json=1, headers=READER)
        assert error_of(http.get("/metrics"), 401)["code"] == "unauthenticated"
        denied = error_of(http.get("/metrics", headers=READER), 403)
        assert "monitor" not in json.dumps(denied)
        allowed = http.get("/metrics", headers=OPS)
        assert allowed.status_code == 200
        assert stages_in(allowed.text) == {"double"}


def test_open_server_metrics_show_every_template(client: httpx.Client) -> None:
    client.post("/templates/explode/run", json=1)
    assert "explode" in stages_in(client.get("/metrics").text)
