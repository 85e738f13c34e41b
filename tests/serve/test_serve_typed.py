"""Served pipelines decode their input and encode their output by type (real uvicorn)."""

from __future__ import annotations

import datetime
import enum
import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Literal, NamedTuple, TypedDict

import httpx
import pytest
import typed_shop

from wumbo import template
from wumbo.serve.codec import Codec
from wumbo.serve.errors import ServeError
from wumbo.serve.server import BackgroundServer
from wumbo.serve.settings import ServeSettings

GOOD = {"customer": "ada", "country": "DE", "items": [{"sku": "tea", "qty": 2}]}


@pytest.fixture(scope="module")
def shop() -> Iterator[httpx.Client]:
    pipelines = {"invoice": typed_shop.invoice, "echo": typed_shop.echo}
    with (
        BackgroundServer(ServeSettings(port=0), pipelines) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        yield client


def error_of(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    error: dict[str, object] = response.json()["error"]
    return error


def test_a_good_body_becomes_the_dataclass_and_the_output_an_object(shop: httpx.Client) -> None:
    answer = shop.post("/templates/invoice/run", json=GOOD)
    assert answer.json() == {
        "template": "invoice",
        "output": {"customer": "ada", "units": 2, "total": 23.8},
    }


def test_extra_fields_are_ignored(shop: httpx.Client) -> None:
    body = {**GOOD, "coupon": "X", "items": [{"sku": "tea", "qty": 1, "colour": "red"}]}
    assert shop.post("/templates/invoice/run", json=body).json()["output"]["units"] == 1


@pytest.mark.parametrize(
    ("body", "path", "expected"),
    [
        ({**GOOD, "customer": 7}, "customer", "Expected `str`, got `int`"),
        ({"customer": "ada", "items": []}, "", "Object missing required field `country`"),
        (
            {**GOOD, "items": [{"sku": "tea", "qty": 1}, {"sku": "cake", "qty": "two"}]},
            "items[1].qty",
            "Expected `int`, got `str`",
        ),
        ({**GOOD, "items": [{"sku": "tea"}]}, "items[0]", "Object missing required field `qty`"),
        ({**GOOD, "items": {"sku": "tea"}}, "items", "Expected `array`, got `object`"),
        ([1, 2], "", "Expected `object`, got `array`"),
    ],
    ids=["wrong-type", "missing-field", "nested-list-item", "missing-nested", "not-a-list", "root"],
)
def test_a_misfit_is_a_422_naming_the_path_and_what_was_expected(
    shop: httpx.Client, body: object, path: str, expected: str
) -> None:
    error = error_of(shop.post("/templates/invoice/run", json=body), 422)
    assert error["code"] == "input_misfit"
    assert error["path"] == path
    assert error["expected"] == expected
    assert error["type"] == "Order"
    assert "traceback" not in error


def test_a_declared_failure_is_a_422_naming_the_error_type_and_stage(shop: httpx.Client) -> None:
    error = error_of(shop.post("/templates/invoice/run", json={**GOOD, "country": "FR"}), 422)
    assert error == {
        "status": 422,
        "code": "declared_error",
        "message": "no tax rate for 'FR'",
        "error_type": "NoTaxRate",
        "stage": "price",
        "position": 2,
    }


def test_a_stage_that_raises_is_a_500_without_traceback_or_message(
    shop: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    error = error_of(shop.post("/templates/invoice/run", json={**GOOD, "items": []}), 500)
    assert error == {
        "status": 500,
        "code": "stage_failed",
        "message": "stage 'check' (1 of 2) failed; the server log has the details",
        "stage": "check",
        "position": 1,
        "error_type": "ValueError",
    }
    assert "an order needs items" in caplog.text  # the operator sees the reason


def test_an_unannotated_pipeline_gets_the_json_as_it_came(shop: httpx.Client) -> None:
    answer = shop.post("/templates/echo/run", json={"any": [1, "thing"]})
    assert answer.json()["output"] == {"got": {"any": [1, "thing"]}}


def test_map_answers_every_line_once_in_order_misfits_included(shop: httpx.Client) -> None:
    lines = [
        GOOD,
        {**GOOD, "items": [{"sku": "tea", "qty": "x"}]},
        "not an order",
        {**GOOD, "country": "FR"},
        {**GOOD, "items": [{"sku": "tea", "qty": 5}]},
    ]
    body = "\n".join(json.dumps(line) for line in lines) + "\n{bad json\n"
    answer = shop.post(
        "/templates/invoice/map", content=body, headers={"Content-Type": "application/x-ndjson"}
    )
    records = [json.loads(line) for line in answer.text.splitlines()]
    assert [record["line"] for record in records] == [1, 2, 3, 4, 5, 6]
    assert records[0]["output"]["units"] == 2
    assert (records[1]["error"]["code"], records[1]["error"]["path"]) == (
        "input_misfit",
        "items[0].qty",
    )
    assert records[2]["error"]["code"] == "input_misfit"
    assert (records[3]["error"]["code"], records[3]["error"]["stage"]) == (
        "declared_error",
        "price",
    )
    assert records[4]["output"]["units"] == 5
    assert records[5]["error"]["code"] == "malformed_json"


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Point(NamedTuple):
    x: int
    y: int


class Shipment(TypedDict):
    id: uuid.UUID
    when: datetime.datetime
    day: datetime.date
    price: Decimal
    colour: Colour
    speed: Literal["slow", "fast"]
    where: Point
    note: str | None
    tags: dict[str, list[int]]


def test_rich_types_are_decoded_and_encoded_back() -> None:
    def ship(shipment: Shipment) -> Shipment:
        return shipment

    codec = Codec.of(template(ship))
    raw = {
        "id": "12345678-1234-5678-1234-567812345678",
        "when": "2026-01-02T03:04:05Z",
        "day": "2026-01-02",
        "price": "1.50",
        "colour": "red",
        "speed": "fast",
        "where": [1, 2],
        "note": None,
        "tags": {"a": [1]},
    }
    decoded = codec.decode(raw)
    assert decoded == {
        **raw,
        "id": uuid.UUID(raw["id"]),  # type: ignore[arg-type]
        "when": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        "day": datetime.date(2026, 1, 2),
        "price": Decimal("1.50"),
        "colour": Colour.RED,
        "where": Point(1, 2),
    }
    assert json.loads(codec.encode(decoded)) == raw
    for field, bad, expected in [
        ("speed", "medium", "Invalid enum value 'medium'"),
        ("colour", "green", "Invalid enum value 'green'"),
        ("day", "someday", "Invalid RFC3339 encoded date"),
        ("note", 5, "Expected `str | null`, got `int`"),
    ]:
        with pytest.raises(ServeError) as caught:
            codec.decode({**raw, field: bad})
        assert caught.value.status == 422
        assert caught.value.details["path"] == field
        assert caught.value.details["expected"] == expected
