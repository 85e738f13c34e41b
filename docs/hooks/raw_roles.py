"""mkdocs hook: a raw Sphinx role left in a page is a warning, so ``mkdocs build --strict`` fails.

Docstrings are Markdown here: a cross-reference is written ``[`name`][wumbo.module.name]``
(mkdocstrings/autorefs), not ``:func:`name```, which would render as the literal text
``:func:`` before the name.
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger("mkdocs.plugins.wumbo_raw_roles")

RAW_ROLE = re.compile(
    r":(?:py:)?(?:class|func|meth|mod|data|exc|attr|obj|const):<code>([^<]*)</code>"
)


def on_page_content(html: str, page: Any, **_: Any) -> str:
    """Warn once per raw role in the page's HTML."""
    for found in RAW_ROLE.finditer(html):
        log.warning(
            "%s: raw Sphinx role %r; write a cross-reference instead: [`%s`][wumbo.module.%s]",
            page.file.src_uri,
            found[0].replace("<code>", "`").replace("</code>", "`"),
            found[1].split(".")[-1].lstrip("~"),
            found[1].split(".")[-1].lstrip("~"),
        )
    return html
