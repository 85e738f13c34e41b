"""A BaseTemplate as a core ``Template``: one picklable stage that runs ``execute``.

The stage's input is ``execute``'s single positional argument and its output is the data; a
failed execution re-raises the original exception, so the core reports it as a Failure at the
stage's position, like any stage that raises.

Examples:
    >>> from wumbo.framework import create_transformer
    >>> core = core_template_of(create_transformer(map_func=abs), is_async=False)
    >>> core, core(-5), type(core("x").failure().error).__name__
    (<Template transformer>, <Success: [5]>, 'TypeError')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wumbo.core.steps import AsyncStep
from wumbo.core.template import Template, template

if TYPE_CHECKING:  # base.py imports this module: no import back at run time
    from wumbo.framework.base import BaseTemplate

__all__ = ["core_template_of"]


async def _adata_of(source: BaseTemplate[Any], value: Any) -> Any:
    result = await source.execute_async(value)
    if result.success:
        return result.data
    assert result.error is not None
    raise result.error


def core_template_of(source: BaseTemplate[Any], *, is_async: bool) -> Template[Any, Any]:
    """The one-stage core Template that runs ``source``.

    Sync stage by default (marked ``blocking`` when the class is), async when ``is_async`` (the
    class has a native async core).

    Examples:
        >>> from wumbo.framework import create_transformer
        >>> core_template_of(create_transformer(map_func=abs), is_async=False).run(-3)
        [3]
    """
    name = source.metadata.name
    if is_async:
        return template(AsyncStep(name, _adata_of, (source,)), name=name)
    # the bound method: one call from the pipeline to the template (it pickles with the template)
    stage = source._stage  # pyright: ignore[reportPrivateUsage]
    return template(stage, name=name, blocking=source.blocking)
