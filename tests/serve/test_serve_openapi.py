"""``GET /openapi.json`` and ``GET /docs`` on a real uvicorn; the document is validated against
the OpenAPI 3.1 schema and its request schemas are checked against what the server accepts."""

from __future__ import annotations

import datetime
import enum
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, TypedDict

import httpx
import pytest
import typed_shop
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from serve_helpers import make_registry

from wumbo import Failure, Result, Success, template
from wumbo.serve.catalog import pipeline_record, served_pipeline
from wumbo.serve.openapi import openapi_document
from wumbo.serve.server import BackgroundServer
from wumbo.serve.settings import ServeSettings

GOOD = {"customer": "ada", "country": "DE", "items": [{"sku": "tea", "qty": 2}]}
TOKENS = {"t-ops": frozenset({"ops"}), "t-other": frozenset({"other"})}


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Shipment(TypedDict):
    id: uuid.UUID
    when: datetime.datetime
    price: Decimal
    colour: Colour
    speed: Literal["slow", "fast"]
    note: str | None
    weight: int | float


@dataclass
class Parcel:
    shipments: list[Shipment]
    insured: bool = False


class Lost(Exception):
    """A declared failure of a nested pipeline."""


class Late(Exception):
    """A declared failure of the outer pipeline."""


def trace(parcel: Parcel) -> Result[Parcel, Lost]:
    return Success(parcel) if parcel.shipments else Failure(Lost("no shipments"))


def count(parcel: Parcel) -> Result[int, Late]:
    return Success(len(parcel.shipments))


SHIPMENT = {
    "id": "12345678-1234-5678-1234-567812345678",
    "when": "2026-01-02T03:04:05Z",
    "price": "1.50",
    "colour": "red",
    "speed": "fast",
    "note": None,
    "weight": 2.5,
}


@pytest.fixture(scope="module")
def served() -> Iterator[httpx.Client]:
    pipelines = {
        "invoice": typed_shop.invoice,
        "echo": typed_shop.echo,
        "parcels": template(trace) | count,
    }
    with (
        BackgroundServer(ServeSettings(port=0), pipelines) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        yield client


def document_of(client: httpx.Client, **headers: str) -> dict[str, Any]:
    answer = client.get("/openapi.json", headers=headers)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    validate(document)  # raises unless it is a valid OpenAPI 3.1 document
    return document


def fits(document: dict[str, Any], schema: dict[str, Any], value: object) -> bool:
    """Whether ``value`` fits ``schema``, whose references point into ``document``."""
    validator = OAS31Validator({**schema, "components": document["components"]})
    return bool(validator.is_valid(value))


def run_of(document: dict[str, Any], name: str) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"][f"/templates/{name}/run"]["post"]
    return operation


def body_schema(operation: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    schema: dict[str, Any] = operation["requestBody"]["content"][media]["schema"]
    return schema


def test_the_document_has_a_path_per_route_of_each_pipeline(served: httpx.Client) -> None:
    document = document_of(served)
    assert document["openapi"] == "3.1.0"
    for name in ("invoice", "echo", "parcels"):
        for route in ("", "/run", "/map"):
            assert f"/templates/{name}{route}" in document["paths"]
    for route in ("/healthz", "/readyz", "/metrics", "/templates", "/openapi.json", "/docs"):
        assert route in document["paths"]
    assert "securitySchemes" not in document["components"]


def test_request_and_response_schemas_come_from_the_dataclasses(served: httpx.Client) -> None:
    document = document_of(served)
    run = run_of(document, "invoice")
    request = body_schema(run)
    assert request == {"$ref": "#/components/schemas/Order"}
    assert document["components"]["schemas"]["Item"]["required"] == ["sku", "qty"]
    assert fits(document, request, GOOD)
    assert not fits(document, request, {**GOOD, "items": [{"sku": "tea", "qty": "two"}]})
    assert served.post("/templates/invoice/run", json=GOOD).status_code == 200
    output = run["responses"]["200"]["content"]["application/json"]["schema"]
    answer = served.post("/templates/invoice/run", json=GOOD).json()
    assert fits(document, output, answer)
    assert output["properties"]["output"] == {"$ref": "#/components/schemas/Invoice"}
    map_request = body_schema(
        document["paths"]["/templates/invoice/map"]["post"], "application/x-ndjson"
    )
    assert map_request == request  # each line is one input


def test_the_422_lists_the_declared_errors_and_matches_real_answers(served: httpx.Client) -> None:
    document = document_of(served)
    answers = run_of(document, "invoice")["responses"]
    assert "NoTaxRate" in answers["422"]["description"]
    schema = answers["422"]["content"]["application/json"]["schema"]
    declared = [s for s in schema["anyOf"] if "declared_error" in str(s)]
    assert declared[0]["properties"]["error"]["properties"]["error_type"] == {"enum": ["NoTaxRate"]}
    refused = served.post("/templates/invoice/run", json={**GOOD, "country": "FR"})
    misfit = served.post("/templates/invoice/run", json={**GOOD, "customer": 7})
    for answer in (refused, misfit):
        assert answer.status_code == 422
        assert fits(document, schema, answer.json())
    raised = served.post("/templates/invoice/run", json={**GOOD, "items": []})
    assert fits(document, answers["500"]["content"]["application/json"]["schema"], raised.json())
    nested = run_of(document, "parcels")["responses"]["422"]
    assert nested["description"].endswith("declared errors: Late, Lost")


def test_error_answers_of_the_limits_are_listed(served: httpx.Client) -> None:
    answers = run_of(document_of(served), "invoice")["responses"]
    assert {"400", "408", "413", "415", "422", "500", "503", "504"} <= set(answers)
    assert not {"401", "403"} & set(answers)  # no tokens, no auth answers


def test_rich_types_have_their_json_schema(served: httpx.Client) -> None:
    document = document_of(served)
    request = body_schema(run_of(document, "parcels"))
    shipment = document["components"]["schemas"]["Shipment"]["properties"]
    assert shipment["id"] == {"type": "string", "format": "uuid"}
    assert shipment["when"]["type"] == "string"  # RFC 3339, with or without an offset
    assert shipment["price"]["format"] == "decimal"
    assert shipment["speed"] == {"enum": ["fast", "slow"]}
    assert shipment["colour"] == {"$ref": "#/components/schemas/Colour"}
    assert document["components"]["schemas"]["Colour"]["enum"] == ["blue", "red"]
    assert fits(document, request, {"shipments": [SHIPMENT]})
    assert not fits(document, request, {"shipments": [{**SHIPMENT, "colour": "green"}]})
    answer = served.post("/templates/parcels/run", json={"shipments": [SHIPMENT], "insured": True})
    assert answer.json()["output"] == 1


def test_an_unannotated_input_has_the_open_schema(served: httpx.Client) -> None:
    run = run_of(document_of(served), "echo")
    assert body_schema(run) == {}
    assert (
        run["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["output"]
        == {}
    )


def test_the_registered_built_in_templates_are_described() -> None:
    with (
        BackgroundServer(ServeSettings(port=0)) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        document = document_of(client)
    for name in ("aggregator", "api_client", "validator", "transformer", "workflow"):
        run = run_of(document, name)
        assert body_schema(run) == {}  # a registered template takes any JSON value
        failures = str(run["responses"]["422"]["content"]["application/json"]["schema"])
        assert "template_failed" in failures
        assert "declared_error" not in failures
    assert "aliases: agg, aggregate" in document["paths"]["/templates/aggregator"]["get"]["summary"]


def test_with_tokens_it_needs_one_and_shows_only_what_the_token_may_use() -> None:
    settings = ServeSettings(port=0, tokens=TOKENS, grants={"invoice": frozenset({"ops"})})
    pipelines = {"invoice": typed_shop.invoice}
    with (
        BackgroundServer(settings, pipelines) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        assert client.get("/openapi.json").status_code == 401
        ops = document_of(client, Authorization="Bearer t-ops")
        other = document_of(client, Authorization="Bearer t-other")
    assert ops["security"] == [{"bearer": []}]
    assert ops["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert {"401", "403"} <= set(run_of(ops, "invoice")["responses"])
    assert ops["paths"]["/healthz"]["get"]["security"] == []  # probes stay open
    assert ops["paths"]["/metrics"]["get"]["security"] == [{}, {"bearer": []}]  # token optional
    # `invoice` is granted to ops only: another token sees neither its routes nor its types
    assert not [path for path in other["paths"] if path.startswith("/templates/")]
    assert "Order" not in other["components"]["schemas"]


def test_a_metrics_role_makes_metrics_need_a_token_in_the_document() -> None:
    settings = ServeSettings(port=0, tokens=TOKENS, metrics_role="ops")
    pipelines = {"echo": typed_shop.echo}
    with (
        BackgroundServer(settings, pipelines) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        document = document_of(client, Authorization="Bearer t-ops")
        refused = client.get("/metrics", headers={"Authorization": "Bearer t-other"})
    metrics = document["paths"]["/metrics"]["get"]
    assert "security" not in metrics  # the document's: a bearer token
    assert {"401", "403"} <= set(metrics["responses"])
    assert refused.status_code == 403


def test_registered_templates_and_pipelines_share_one_document() -> None:
    settings = ServeSettings(port=0, templates=("double",))
    with (
        BackgroundServer(settings, make_registry()) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        document = document_of(client)
    assert "/templates/double/run" in document["paths"]
    assert "/templates/explode/run" not in document["paths"]


def test_docs_is_an_offline_page_that_reads_the_document() -> None:
    settings = ServeSettings(port=0, tokens=TOKENS, grants={"*": frozenset({"ops"})})
    with BackgroundServer(settings, {"invoice": typed_shop.invoice}) as server:
        page = httpx.get(f"{server.url}/docs")  # no token: the page holds no data
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "openapi.json" in page.text
    assert re.findall(r"https?://", page.text) == []  # nothing from any other host
    assert re.findall(r"<(?:link|img|iframe)\b|\bsrc=", page.text) == []
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "connect-src 'self'" in policy
    assert len(page.content) < 4096


class Opaque:
    """A class msgspec can neither decode nor describe."""

    def __init__(self, value: int) -> None:
        self.value = value


def test_a_type_without_json_schema_gets_an_open_one_and_the_others_theirs() -> None:
    def peek(opaque: Opaque) -> int:
        return opaque.value

    pipelines = {"peek": served_pipeline("peek", template(peek))}
    pipelines["invoice"] = served_pipeline("invoice", typed_shop.invoice)
    offers = [(pipeline_record(name, s.pipeline), s) for name, s in pipelines.items()]
    document = openapi_document(offers, secured=False)
    validate(document)
    assert body_schema(run_of(document, "peek")) == {"description": "Opaque (no JSON Schema)"}
    assert body_schema(run_of(document, "invoice")) == {"$ref": "#/components/schemas/Order"}
