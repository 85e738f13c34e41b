"""A typed pipeline for the serve tests: dataclass input, a declared error, dataclass output."""

from __future__ import annotations

from dataclasses import dataclass

from wumbo import Failure, Result, Success, template


@dataclass(frozen=True)
class Item:
    """One order line."""

    sku: str
    qty: int


@dataclass(frozen=True)
class Order:
    """An order: who, where, what."""

    customer: str
    country: str
    items: list[Item]


@dataclass(frozen=True)
class Invoice:
    """A priced order."""

    customer: str
    units: int
    total: float


class NoTaxRate(Exception):
    """A declared failure: the country has no tax rate."""


RATES = {"DE": 1.19, "NL": 1.21}


@template
def check(order: Order) -> Order:
    """Refuse empty orders (an unexpected failure: it raises)."""
    if not order.items:
        raise ValueError("an order needs items")
    return order


def price(order: Order) -> Result[Invoice, NoTaxRate]:
    """Price an order, or fail with a declared NoTaxRate."""
    rate = RATES.get(order.country)
    if rate is None:
        return Failure(NoTaxRate(f"no tax rate for {order.country!r}"))
    units = sum(item.qty for item in order.items)
    return Success(Invoice(order.customer, units, round(units * 10 * rate, 2)))


invoice = check | price
"""Order -> Invoice, failing with NoTaxRate or a StageError."""


def untyped(value):  # type: ignore[no-untyped-def]
    """An unannotated stage: gets the JSON value as it came."""
    return {"got": value}


echo = template(untyped)
"""An unannotated pipeline."""

not_a_pipeline = 42
