"""``wumbo demo``: the example pipeline on the orders shipped with the package, sync and async.

It runs `wumbo.cli.demo_pipeline` (``validate | convert | price``, with a retried and
cached exchange-rate lookup, then ``report``) over ``wumbo/data/demo_orders.jsonl`` twice:
with ``pipeline.map`` and with ``pipeline.amap`` on an event loop, and prints what happened:
counts, the first invoices, every failure with its stage and reason, the aggregate, the cache
statistics and the retried attempts. The output is the same on every run.

Examples:
    >>> import io
    >>> from wumbo.cli.display import Display
    >>> stream = io.StringIO()
    >>> run_demo(Display(stream, rich=False))
    >>> print(stream.getvalue().splitlines()[4])
    sync  (pipeline.map):  16 invoiced, 8 failed
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
from returns.result import Result, Success

import wumbo.runtime  # noqa: F401  # pyright: ignore[reportUnusedImport]  (installs map's runner)
from wumbo.cli.demo_pipeline import Invoice, Shop, load_demo_orders, report
from wumbo.cli.display import Display
from wumbo.core.result import StageError
from wumbo.decorators import cache_of

__all__ = ["DATA_FILE", "describe_failure", "run_demo"]

DATA_FILE = "wumbo/data/demo_orders.jsonl"
_SHOWN_INVOICES = 3
_Outcome = tuple[str, str]


def describe_failure(error: object) -> tuple[str, str]:
    """Where a failure happened and why, in words.

    Examples:
        >>> from wumbo import template
        >>> describe_failure(template(int)("x").failure())
        ('int (1 of 1)', "ValueError: invalid literal for int() with base 10: 'x'")
        >>> describe_failure(KeyError("gone"))
        ('declared failure', "KeyError: 'gone'")
    """
    if isinstance(error, StageError):
        where = f"{error.stage} ({error.position} of {error.total})"
        cause = error.error
        return where, f"{type(cause).__name__}: {cause}"
    return "declared failure", f"{type(error).__name__}: {error}"


def _outcomes(orders: list[dict[str, Any]], results: list[Result[Invoice, Any]]) -> list[_Outcome]:
    """Each order's id and what became of it, to compare the sync and async runs."""
    outcomes: list[_Outcome] = []
    for order, result in zip(orders, results, strict=True):
        if isinstance(result, Success):
            outcomes.append((str(order.get("id")), repr(result.unwrap())))
        else:
            outcomes.append((str(order.get("id")), " ".join(describe_failure(result.failure()))))
    return outcomes


def _sync_run(orders: list[dict[str, Any]]) -> tuple[Shop, list[Result[Invoice, Any]]]:
    shop = Shop.open()
    return shop, list(shop.invoice.map(orders))


def _async_run(orders: list[dict[str, Any]]) -> tuple[Shop, list[Result[Invoice, Any]]]:
    shop = Shop.open()

    async def collect() -> list[Result[Invoice, Any]]:
        return [result async for result in shop.invoice.amap(orders, concurrency=4)]

    return shop, anyio.run(collect)


def _lines(
    orders: list[dict[str, Any]], shop: Shop, results: list[Result[Invoice, Any]]
) -> Iterator[str]:
    invoices = [result.unwrap() for result in results if isinstance(result, Success)]
    yield f"first {_SHOWN_INVOICES} invoices:"
    for invoice in invoices[:_SHOWN_INVOICES]:
        yield (
            f"  {invoice.order_id}  {invoice.customer:<8} {invoice.currency}  "
            f"{invoice.total_eur:>8.2f} EUR"
        )
    yield ""
    yield "failures, each with its stage and reason:"
    for order, result in zip(orders, results, strict=True):
        if not isinstance(result, Success):
            where, why = describe_failure(result.failure())
            yield f"  {order.get('id')}  {where:<18} {why}"
    yield ""
    summary = report.run(invoices)
    top = ", ".join(f"{name} {total:.2f}" for name, total in summary.top_customers(3))
    yield f"report: {summary.invoices} invoices, revenue {summary.revenue_eur:.2f} EUR"
    yield f"  top customers: {top}"
    yield ""
    stats = cache_of(shop.exchange_rate).stats()
    yield (
        f"exchange-rate cache: {stats.hits} hits, {stats.misses} misses, {stats.size} currencies "
        f"stored (failures are not cached); the service got {shop.service.requests} requests"
    )
    yield f"retries of fetch_rate: {len(shop.retries)} failed attempts were retried"
    for event in shop.retries:
        yield f"  attempt {event.attempt} failed ({event.error}), retried"


def run_demo(display: Display) -> None:
    """Run the demo and print what it did."""
    orders = load_demo_orders()
    shop, results = _sync_run(orders)
    async_shop, async_results = _async_run(orders)
    same = _outcomes(orders, results) == _outcomes(orders, async_results)
    same_stats = cache_of(shop.exchange_rate).stats() == cache_of(async_shop.exchange_rate).stats()
    failed = sum(not isinstance(result, Success) for result in results)
    async_failed = sum(not isinstance(result, Success) for result in async_results)
    display.line(f"wumbo demo: {len(orders)} orders from {DATA_FILE}")
    display.line(f"pipeline: {shop.invoice.__name__}, then {report.__name__}")
    display.line(f"convert gets exchange rates through {shop.exchange_rate.__name__}")
    display.line()
    display.line(f"sync  (pipeline.map):  {len(results) - failed} invoiced, {failed} failed")
    verdict = "the same results" if same and same_stats else "DIFFERENT results"
    display.line(
        f"async (pipeline.amap): {len(async_results) - async_failed} invoiced, "
        f"{async_failed} failed: {verdict} as the sync run"
    )
    display.line()
    for line in _lines(orders, shop, results):
        display.line(line)
