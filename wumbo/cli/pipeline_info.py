"""``wumbo info MODULE:ATTR``: a pipeline's stages in order, with their types and marks.

Each stage shows its position, name, input and output types, the error types it declares
(``E`` of ``-> Result[X, E]``), and its marks: ``async``, ``blocking`` and the wumbo decorators
wrapped around it (outermost first). ``--mermaid`` prints the pipeline's Mermaid flowchart
instead (``Template.to_mermaid()``), ready for a Markdown page.

Examples:
    >>> import sys
    >>> from wumbo.cli.display import Display
    >>> show_pipeline(Display(sys.stdout, rich=False), "wumbo.examples.orders:invoice_order")
    validate | price: dict[str, Any] -> Invoice
    #  stage     input           output   fails with    marks
    -  --------  --------------  -------  ------------  -----
    1  validate  dict[str, Any]  Order
    2  price     Order           Invoice  PricingError
    <BLANKLINE>
    run it: wumbo run wumbo.examples.orders:invoice_order INPUT
"""

from __future__ import annotations

from wumbo.cli.display import Display
from wumbo.cli.loading import load_pipeline
from wumbo.cli.tables import Column, show_table
from wumbo.core.describe import StageInfo, stage_infos, type_label

__all__ = ["show_pipeline"]

_COLUMNS = [
    Column("#", numeric=True),
    Column("stage"),
    Column("input"),
    Column("output"),
    Column("fails with"),
    Column("marks"),
]


def _row(info: StageInfo) -> list[str]:
    marks = [mark for mark, on in (("async", info.is_async), ("blocking", info.blocking)) if on]
    return [
        str(info.position),
        info.name,
        type_label(info.input),
        type_label(info.output),
        ", ".join(type_label(error) for error in info.errors),
        ", ".join([*marks, *info.decorators]),
    ]


def show_pipeline(display: Display, spec: str, *, mermaid: bool = False) -> None:
    """Show the stages of the pipeline ``spec`` names (``MODULE:ATTR``), or its Mermaid
    flowchart; a `CommandLineError` when
    ``spec`` names no pipeline.

    Examples:
        >>> import sys
        >>> from wumbo.cli.display import Display
        >>> show_pipeline(Display(sys.stdout, rich=False), "builtins:len", mermaid=True)
        flowchart LR
            in_(["?"]) --> s1
            s1["len<br/>? → ?"]
            s1 --> out_(["?"])
    """
    pipeline = load_pipeline(spec)
    if mermaid:
        display.line(pipeline.to_mermaid())
        return
    infos = stage_infos(pipeline)
    first = type_label(infos[0].input) if infos else "?"
    last = type_label(infos[-1].output) if infos else "?"
    title = f"{pipeline.__name__}: {first} -> {last}"
    show_table(display, title, _COLUMNS, [_row(info) for info in infos])
    display.line()
    display.line(f"run it: wumbo run {spec} INPUT")
