"""The core demo: ``validate | price | summarise`` over orders shipped with the package.

Each order (one JSON line) is validated into an ``Order``, priced into an ``Invoice`` (a
declared ``PricingError`` for countries without a tax rate), and the invoices are summarised.
Bad orders become Failures that say which stage rejected them and why; nothing is lost.

Run it with ``make demo`` or ``python -m wumbo.examples.orders``.

Examples:
    >>> summary, failures = process(load_orders())
    >>> summary.invoices, len(failures)
    (5, 3)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from wumbo import Failure, Result, StageError, Success, Template, template
from wumbo.core.combinators import map_items, reduce_items

TAX_RATES = {"DE": 0.19, "US": 0.07, "NL": 0.21}


@dataclass(frozen=True)
class Line:
    """One order line: how many of which item, at what price."""

    sku: str
    qty: int
    unit_price: float


@dataclass(frozen=True)
class Order:
    """A validated order."""

    id: str
    customer: str
    country: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Invoice:
    """A priced order."""

    order_id: str
    net: float
    tax: float

    @property
    def gross(self) -> float:
        """Net plus tax."""
        return round(self.net + self.tax, 2)


@dataclass(frozen=True)
class Summary:
    """What the run produced."""

    invoices: int
    net: float
    tax: float


class PricingError(Exception):
    """A declared failure: the order is valid but cannot be priced."""


def _line(raw: dict[str, Any]) -> Line:
    qty = raw["qty"]
    if not isinstance(qty, int) or qty < 1:
        raise ValueError(f"qty must be a positive int, got {qty!r}")
    return Line(sku=str(raw["sku"]), qty=qty, unit_price=float(raw["unit_price"]))


_lines: Template[list[dict[str, Any]], list[Line]] = map_items(_line)
"""Every raw line of an order to a Line: built once, here, and run for each order."""


@template
def validate(raw: dict[str, Any]) -> Order:
    """Turn a raw JSON object into an Order; raises on anything malformed."""
    if not raw.get("customer"):
        raise ValueError("order has no customer")
    if not raw.get("items"):
        raise ValueError("order has no items")
    lines = _lines.run(raw["items"])
    return Order(id=raw["id"], customer=raw["customer"], country=raw["country"], lines=tuple(lines))


def price(order: Order) -> Result[Invoice, PricingError]:
    """Price an order, or return a declared PricingError for an unknown tax country."""
    rate = TAX_RATES.get(order.country)
    if rate is None:
        return Failure(PricingError(f"no tax rate for country {order.country!r}"))
    net = round(sum(line.qty * line.unit_price for line in order.lines), 2)
    return Success(Invoice(order_id=order.id, net=net, tax=round(net * rate, 2)))


def _add(summary: Summary, invoice: Invoice) -> Summary:
    return Summary(
        invoices=summary.invoices + 1,
        net=round(summary.net + invoice.net, 2),
        tax=round(summary.tax + invoice.tax, 2),
    )


invoice_order: Template[dict[str, Any], Invoice, PricingError] = validate | price
"""One raw order to one Invoice: ``Result[Invoice, PricingError | StageError]``."""

summarise: Template[list[Invoice], Summary] = template(reduce_items(_add, Summary(0, 0.0, 0.0)))
"""All invoices to one Summary."""


def load_orders() -> list[dict[str, Any]]:
    """The sample orders shipped inside the package."""
    text = resources.files("wumbo").joinpath("data/orders.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def process(
    orders: list[dict[str, Any]],
) -> tuple[Summary, list[tuple[str, PricingError | StageError]]]:
    """Invoice every order, summarise the successes, and keep every failure with its order id."""
    invoices: list[Invoice] = []
    failures: list[tuple[str, PricingError | StageError]] = []
    for raw in orders:
        result = invoice_order(raw)
        if isinstance(result, Success):
            invoices.append(result.unwrap())
        else:
            failures.append((str(raw.get("id")), result.failure()))
    return summarise.run(invoices), failures


def main() -> None:
    """Run the demo and print what happened."""
    orders = load_orders()
    print(f"wumbo demo: {len(orders)} orders through {invoice_order!r} then {summarise!r}\n")
    summary, failures = process(orders)
    print(f"invoiced {summary.invoices} orders: net {summary.net:.2f}, tax {summary.tax:.2f}")
    print(f"{len(failures)} orders failed, each with its stage and reason:")
    for order_id, error in failures:
        print(f"  {order_id}: {type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
