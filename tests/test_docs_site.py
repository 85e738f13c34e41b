"""The documentation site builds with ``mkdocs build --strict``: no broken link or reference.

Cross-references in docstrings are mkdocstrings/autorefs links (``[`name`][wumbo.module.name]``);
a raw Sphinx role (``:func:`name```) is caught three ways: in the docstrings themselves, by the
hook ``docs/hooks/raw_roles.py`` that makes the strict build fail, and in the built pages.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|data|exc|attr|obj|const):`[^`]*`")
RAW_ROLE_IN_HTML = re.compile(
    r":(?:py:)?(?:class|func|meth|mod|data|exc|attr|obj|const):\s*<code>[^<]*</code>"
)


def _mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=config.parent,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_mkdocs_builds_strictly(tmp_path: Path) -> None:
    done = _mkdocs_build(ROOT / "mkdocs.yml", tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    assert (tmp_path / "index.html").is_file()
    api_core = tmp_path / "api" / "core" / "index.html"
    assert api_core.is_file()
    raw = {
        f"{page.relative_to(tmp_path)}: {found}"
        for page in tmp_path.rglob("*.html")
        for found in RAW_ROLE_IN_HTML.findall(page.read_text(encoding="utf-8"))
    }
    assert not raw, "raw Sphinx roles in the built site:\n" + "\n".join(sorted(raw))
    # a cross-reference in a docstring is a link: "Build one with template, | or pipe"
    html = api_core.read_text(encoding="utf-8")
    assert re.search(r'<a[^>]*href="[^"]*#wumbo\.core\.pipe\.pipe"[^>]*>', html)


def _docstrings(path: Path) -> list[tuple[int, str]]:
    """Every docstring of a module: of the module, classes, functions and attributes."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            found.append((node.lineno, node.value.value))
    return found


def test_no_raw_sphinx_role_in_docstrings() -> None:
    raw = [
        f"{path.relative_to(ROOT)}:{line}: {role}"
        for path in sorted((ROOT / "wumbo").rglob("*.py"))
        for line, text in _docstrings(path)
        for role in RAW_ROLE.findall(text)
    ]
    assert not raw, "write [`name`][wumbo.module.name] instead of:\n" + "\n".join(raw)


def test_a_raw_role_fails_the_strict_build(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Page\n\nBuild one with :func:`template`.\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: check\nhooks:\n  - " + str(ROOT / "docs" / "hooks" / "raw_roles.py") + "\n"
    )
    done = _mkdocs_build(config, tmp_path / "site")
    assert done.returncode != 0
    assert "index.md: raw Sphinx role ':func:`template`'" in done.stderr
    assert "[`template`][wumbo.module.template]" in done.stderr
