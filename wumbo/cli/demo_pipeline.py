"""The pipeline ``wumbo demo`` runs: orders in any currency, invoiced in euros.

``validate | convert | price`` turns one raw order (a JSON object) into an `Invoice`,
and ``report`` aggregates the invoices:

* ``validate`` checks the raw fields and builds an `Order` (it raises on bad input);
* ``convert`` looks up the exchange rate of the order's currency through
  ``cache(retry(fetch_rate))``: the simulated `RateService` is busy now and then (a
  ``ConnectionError``, retried without pause), and each currency is fetched once and then
  answered from the cache;
* ``price`` computes the total in euros, or returns a declared ``Failure`` when it is over the
  credit limit;
* ``report`` folds the invoices into a `Report` (``reduce_items``).

Everything is deterministic: the service's busy spells are scripted and retries do not sleep.
Run it on the shipped data with ``wumbo demo``, or with ``wumbo run
wumbo.cli.demo_pipeline:invoice wumbo/data/demo_orders.jsonl``.

Examples:
    >>> shop = Shop.open()
    >>> shop.invoice({"id": "B-1", "customer": "ada", "currency": "USD",
    ...               "items": [{"sku": "pen", "qty": 2, "unit_price": 5.0}]})
    <Success: Invoice(order_id='B-1', customer='ada', currency='USD', total_eur=9.2)>
    >>> shop.service.requests, [event.attempt for event in shop.retries]
    (2, [1])
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any, Final

from returns.result import Failure, Result, Success

from wumbo.core.combinators import reduce_items
from wumbo.core.template import Template, template
from wumbo.decorators import RetryEvent, cache, retry

__all__ = [
    "CREDIT_LIMIT_EUR",
    "CreditLimitExceeded",
    "Invoice",
    "Line",
    "Order",
    "RateService",
    "Report",
    "Shop",
    "invoice",
    "load_demo_orders",
]

CREDIT_LIMIT_EUR: Final = 5000.0
"""The largest invoice the shop accepts without a manual check."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line of an order: how many of which item, at what unit price."""

    sku: str
    qty: int
    unit_price: float


@dataclass(frozen=True, slots=True)
class Order:
    """A validated order."""

    id: str
    customer: str
    currency: str
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Converted:
    """An order with the euro exchange rate of its currency."""

    order: Order
    rate: float


@dataclass(frozen=True, slots=True)
class Invoice:
    """A priced order, in euros."""

    order_id: str
    customer: str
    currency: str
    total_eur: float


@dataclass(frozen=True, slots=True)
class Report:
    """The aggregate of many invoices."""

    invoices: int = 0
    revenue_eur: float = 0.0
    by_customer: tuple[tuple[str, float], ...] = ()

    def top_customers(self, count: int) -> list[tuple[str, float]]:
        """The ``count`` customers with the most revenue, largest first.

        Examples:
            >>> Report(2, 5.0, (("ada", 2.0), ("ken", 3.0))).top_customers(1)
            [('ken', 3.0)]
        """
        return sorted(self.by_customer, key=lambda pair: (-pair[1], pair[0]))[:count]


class CreditLimitExceeded(Exception):
    """A declared failure of ``price``: the invoice needs a manual check."""


@dataclass
class RateService:
    """A simulated exchange-rate service with scripted busy spells.

    ``busy`` says how many requests for a currency fail with ``ConnectionError`` before one
    succeeds (``JPY`` never gets through); an unknown currency is a ``LookupError``.

    Examples:
        >>> service = RateService()
        >>> service.fetch_rate("EUR"), service.requests
        (1.0, 1)
    """

    rates: dict[str, float] = field(
        default_factory=lambda: {"EUR": 1.0, "USD": 0.92, "GBP": 1.17, "JPY": 0.0062}
    )
    busy: dict[str, int] = field(default_factory=lambda: {"USD": 1, "GBP": 2, "JPY": 1_000_000})
    requests: int = 0

    def fetch_rate(self, currency: str) -> float:
        """The value of one unit of ``currency`` in euros."""
        self.requests += 1
        if self.busy.get(currency, 0) > 0:
            self.busy[currency] -= 1
            raise ConnectionError(f"rate service busy, no answer for {currency}")
        rate = self.rates.get(currency)
        if rate is None:
            raise LookupError(f"no exchange rate for currency {currency!r}")
        return rate


def _line(raw: dict[str, Any]) -> Line:
    qty = raw.get("qty")
    if not isinstance(qty, int) or qty < 1:
        raise ValueError(f"qty must be a positive whole number, got {qty!r}")
    return Line(sku=str(raw["sku"]), qty=qty, unit_price=float(raw["unit_price"]))


@template
def validate(raw: dict[str, Any]) -> Order:
    """Turn a raw JSON object into an Order; raises ``ValueError`` on anything missing."""
    for required in ("id", "customer", "currency"):
        if not raw.get(required):
            raise ValueError(f"order has no {required}")
    if not raw.get("items"):
        raise ValueError("order has no items")
    lines = tuple(_line(item) for item in raw["items"])
    return Order(str(raw["id"]), str(raw["customer"]), str(raw["currency"]), lines)


def _convert(exchange_rate: Template[str, float], order: Order) -> Converted:
    return Converted(order, exchange_rate.run(order.currency))


def price(converted: Converted) -> Result[Invoice, CreditLimitExceeded]:
    """The invoice in euros, or a declared failure over the credit limit."""
    order = converted.order
    total = sum(line.qty * line.unit_price for line in order.lines) * converted.rate
    if total > CREDIT_LIMIT_EUR:
        return Failure(
            CreditLimitExceeded(
                f"order {order.id} totals {total:.2f} EUR, over the {CREDIT_LIMIT_EUR:.2f} EUR "
                f"credit limit"
            )
        )
    return Success(Invoice(order.id, order.customer, order.currency, round(total, 2)))


def _add(report: Report, invoice: Invoice) -> Report:
    totals = dict(report.by_customer)
    totals[invoice.customer] = round(totals.get(invoice.customer, 0.0) + invoice.total_eur, 2)
    return replace(
        report,
        invoices=report.invoices + 1,
        revenue_eur=round(report.revenue_eur + invoice.total_eur, 2),
        by_customer=tuple(totals.items()),
    )


report: Template[list[Invoice], Report] = template(reduce_items(_add, Report()), name="report")
"""All invoices to one Report."""


@dataclass(frozen=True)
class Shop:
    """One shop: its rate service, the exchange-rate stage, and the invoicing pipeline.

    Build one with `open`; each gets a fresh service and cache, so two runs see the same
    busy spells and the same cache statistics.
    """

    service: RateService
    exchange_rate: Template[str, float]
    invoice: Template[dict[str, Any], Invoice, CreditLimitExceeded]
    retries: list[RetryEvent]

    @classmethod
    def open(cls) -> Shop:
        """A shop with a fresh service, cache and retry log.

        Examples:
            >>> Shop.open().invoice
            <Template validate | convert | price>
        """
        service = RateService()
        retries: list[RetryEvent] = []
        retried = retry(attempts=3, delay=0, retry_on=ConnectionError, on_retry=retries.append)(
            template(service.fetch_rate, name="fetch_rate")
        )
        exchange_rate: Template[str, float] = cache(maxsize=16)(retried)
        convert: Callable[[Order], Converted] = functools.partial(_convert, exchange_rate)
        invoice = validate | template(convert, name="convert") | price
        return cls(service, exchange_rate, invoice, retries)


_default_shop: Final = Shop.open()

invoice: Final = _default_shop.invoice
"""The invoicing pipeline of a module-level shop, for ``wumbo run``."""


def load_demo_orders() -> list[dict[str, Any]]:
    """The orders shipped with the package (``wumbo/data/demo_orders.jsonl``).

    Examples:
        >>> len(load_demo_orders())
        24
    """
    path = resources.files("wumbo").joinpath("data/demo_orders.jsonl")
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]
