"""Pipelines whose input or output is (or holds) a pydantic model: decoded, encoded and
described by pydantic's TypeAdapter (real uvicorn). Skipped when pydantic is not installed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

pydantic = pytest.importorskip("pydantic")

from openapi_spec_validator import validate  # noqa: E402

from wumbo import template  # noqa: E402
from wumbo.serve.codec import Codec  # noqa: E402
from wumbo.serve.server import BackgroundServer  # noqa: E402
from wumbo.serve.settings import ServeSettings  # noqa: E402


class Line(pydantic.BaseModel):  # type: ignore[misc, name-defined]
    sku: str
    qty: int = pydantic.Field(gt=0)


class Basket(pydantic.BaseModel):  # type: ignore[misc, name-defined]
    owner: str
    lines: list[Line]


class Summary(pydantic.BaseModel):  # type: ignore[misc, name-defined]
    owner: str
    units: int


@dataclass
class Gift:
    """A dataclass holding a pydantic model: pydantic decodes the whole."""

    to: str
    basket: Basket


def summarise(basket: Basket) -> Summary:
    return Summary(owner=basket.owner, units=sum(line.qty for line in basket.lines))


def wrap(gift: Gift) -> str:
    return f"{gift.to}: {len(gift.basket.lines)} lines"


BASKET = {"owner": "ada", "lines": [{"sku": "tea", "qty": 2}, {"sku": "cake", "qty": 1}]}


@pytest.fixture(scope="module")
def shop() -> Iterator[httpx.Client]:
    pipelines = {"summarise": template(summarise), "wrap": template(wrap)}
    with (
        BackgroundServer(ServeSettings(port=0), pipelines) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        yield client


def test_a_model_body_is_validated_and_the_output_model_encoded(shop: httpx.Client) -> None:
    body = {**BASKET, "coupon": "ignored"}
    answer = shop.post("/templates/summarise/run", json=body)
    assert answer.json() == {"template": "summarise", "output": {"owner": "ada", "units": 3}}


@pytest.mark.parametrize(
    ("body", "path", "expected"),
    [
        ({**BASKET, "owner": 7}, "owner", "Input should be a valid string"),
        ({"lines": []}, "owner", "Field required"),
        (
            {**BASKET, "lines": [{"sku": "tea", "qty": 1}, {"sku": "x", "qty": "two"}]},
            "lines[1].qty",
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        (
            {**BASKET, "lines": [{"sku": "tea", "qty": 0}]},
            "lines[0].qty",
            "Input should be greater than 0",
        ),
    ],
    ids=["wrong-type", "missing", "nested-list-item", "constraint"],
)
def test_a_misfit_is_a_422_with_the_same_shape_as_msgspecs(
    shop: httpx.Client, body: object, path: str, expected: str
) -> None:
    answer = shop.post("/templates/summarise/run", json=body)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert (error["code"], error["path"], error["expected"], error["type"]) == (
        "input_misfit",
        path,
        expected,
        "Basket",
    )


def test_a_dataclass_holding_a_model_is_decoded_by_pydantic(shop: httpx.Client) -> None:
    answer = shop.post("/templates/wrap/run", json={"to": "bo", "basket": BASKET})
    assert answer.json()["output"] == "bo: 2 lines"
    misfit = shop.post("/templates/wrap/run", json={"to": "bo", "basket": {"owner": "x"}})
    assert misfit.json()["error"]["path"] == "basket.lines"


def test_map_lines_are_validated_by_the_model(shop: httpx.Client) -> None:
    lines = '{"owner": "a", "lines": []}\n{"owner": 1}\n'
    answer = shop.post(
        "/templates/summarise/map", content=lines, headers={"Content-Type": "application/x-ndjson"}
    )
    first, second = (httpx.Response(200, content=line).json() for line in answer.text.splitlines())
    assert first == {"line": 1, "output": {"owner": "a", "units": 0}}
    assert second["error"]["code"] == "input_misfit"


def test_the_openapi_document_has_pydantics_schemas(shop: httpx.Client) -> None:
    document: dict[str, Any] = shop.get("/openapi.json").json()
    validate(document)
    run = document["paths"]["/templates/summarise/run"]["post"]
    request = run["requestBody"]["content"]["application/json"]["schema"]
    assert request == {"$ref": "#/components/schemas/Basket"}
    schemas = document["components"]["schemas"]
    assert schemas["Line"]["properties"]["qty"]["exclusiveMinimum"] == 0
    output = run["responses"]["200"]["content"]["application/json"]["schema"]
    assert output["properties"]["output"] == {"$ref": "#/components/schemas/Summary"}
    gift = document["paths"]["/templates/wrap/run"]["post"]["requestBody"]["content"]
    assert gift["application/json"]["schema"] == {"$ref": "#/components/schemas/Gift"}
    assert schemas["Gift"]["properties"]["basket"] == {"$ref": "#/components/schemas/Basket"}


def test_types_without_models_stay_with_msgspec() -> None:
    def count(items: list[int]) -> int:
        return len(items)

    assert Codec.of(template(count)).schema(output=False, ref_template="#/{model}") is None
    described = Codec.of(template(summarise)).schema(output=True, ref_template="#/{model}")
    assert described is not None
    assert (described["title"], described["required"]) == ("Summary", ["owner", "units"])
