"""A table on the display: drawn by rich, or as aligned plain text.

Examples:
    >>> import sys
    >>> from wumbo.cli.display import Display
    >>> show_table(
    ...     Display(sys.stdout, rich=False),
    ...     "stages",
    ...     [Column("stage"), Column("calls", numeric=True)],
    ...     [["parse", "120"], ["price", "7"]],
    ... )
    stages
    stage  calls
    -----  -----
    parse    120
    price      7
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wumbo.cli.display import Display

__all__ = ["Column", "show_table"]


@dataclass(frozen=True, slots=True)
class Column:
    """A column's header, and whether its cells are numbers (right-aligned).

    Examples:
        >>> Column("calls", numeric=True).numeric
        True
    """

    header: str
    numeric: bool = False


def _plain(display: Display, title: str, columns: Sequence[Column], rows: list[list[str]]) -> None:
    widths = [
        max([len(column.header), *(len(row[index]) for row in rows)])
        for index, column in enumerate(columns)
    ]

    def joined(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(width) if column.numeric else cell.ljust(width)
            for cell, width, column in zip(cells, widths, columns, strict=True)
        ]
        return "  ".join(parts).rstrip()

    if title:
        display.line(title)
    display.line(joined([column.header for column in columns]))
    display.line(joined(["-" * width for width in widths]))
    for row in rows:
        display.line(joined(row))


def _rich(display: Display, title: str, columns: Sequence[Column], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title or None, title_justify="left")
    for column in columns:
        table.add_column(column.header, justify="right" if column.numeric else "left")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # cells are text, never markup
    Console(file=display.stream).print(table)


def show_table(
    display: Display, title: str, columns: Sequence[Column], rows: list[list[str]]
) -> None:
    """Show ``rows`` (already formatted cells, one per column) under ``title``."""
    if display.rich:
        _rich(display, title, columns, rows)
    else:
        _plain(display, title, columns, rows)
