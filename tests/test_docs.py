"""Every example in the documentation runs, so none of them can rot.

* Each Markdown file (``README.md`` and ``docs/**/*.md``) is one test: its fenced ``python``
  blocks run in order in one shared namespace (a fresh module per file, so later blocks see
  what earlier ones defined, and pickling works). Use ``text`` or ``console`` fences for output
  and shell snippets; blocks that need an event loop call ``anyio.run(...)`` themselves. A
  failure names the file and the line the failing block starts on, and the traceback points
  at the real line of the Markdown file.
* The same blocks also run the way users paste them: concatenated into one script, run by
  ``python script.py`` in a fresh process and an empty directory (so ``__name__`` is
  ``"__main__"``, and a process pool without an ``if __name__ == "__main__":`` guard fails).
  The script keeps each block on its line of the Markdown file, so its tracebacks point there
  too. It must exit 0 and print no traceback or warning on stderr.
* Each Markdown file's relative links must point at files and headings that exist.
* One test runs the doctests of every module of the ``wumbo`` package.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.metadata
import os
import pkgutil
import re
import subprocess
import sys
import traceback
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import wumbo

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])

#: Fence info strings whose blocks are executed (the first word of the info string).
EXECUTED_LANGUAGES = frozenset({"python", "py", "python3"})

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")


@dataclass(frozen=True)
class CodeBlock:
    """One fenced code block of a Markdown file."""

    language: str
    line: int
    """The 1-based line of the block's first code line (the line after the opening fence)."""
    source: str


def code_blocks(text: str) -> Iterator[CodeBlock]:
    """Yield the fenced code blocks of a Markdown text (CommonMark fences, possibly indented).

    A fence closes on a line of the same character, at least as long as the opening one, with
    nothing after it; the opening fence's indentation is removed from the code lines.
    """
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        index += 1
        if opening is None or (opening["fence"][0] == "`" and "`" in opening["info"]):
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        language = opening["info"].split()[0].lower() if opening["info"].strip() else ""
        first_line, body = index + 1, list[str]()
        while index < len(lines):
            closing = _FENCE.match(lines[index])
            index += 1
            if (
                closing is not None
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            line = lines[index - 1]
            strip = min(indent, len(line) - len(line.lstrip(" ")))
            body.append(line[strip:])
        yield CodeBlock(language, first_line, "".join(f"{line}\n" for line in body))


def _doc_id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", DOC_FILES, ids=_doc_id)
def test_markdown_examples_run(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``python`` blocks of one Markdown file run, in order, in one namespace."""
    name = "docs_example_" + re.sub(r"\W", "_", _doc_id(path).removesuffix(".md"))
    module = types.ModuleType(name, f"The python examples of {_doc_id(path)}.")
    module.__file__ = str(path)
    monkeypatch.setitem(sys.modules, name, module)  # pickle and dataclasses look modules up
    for block in code_blocks(path.read_text(encoding="utf-8")):
        if block.language not in EXECUTED_LANGUAGES:
            continue
        # Pad with blank lines so that tracebacks show the real line numbers of the file, and do
        # not let this module's ``from __future__ import annotations`` leak into the examples.
        padded = "\n" * (block.line - 1) + block.source
        code = compile(padded, str(path), "exec", dont_inherit=True)
        failure = _run(code, module.__dict__)
        if failure is not None:
            pytest.fail(
                f"{_doc_id(path)}: the python block starting at line {block.line} failed:\n"
                f"{failure}",
                pytrace=False,
            )


def _run(code: types.CodeType, namespace: dict[str, object]) -> str | None:
    """Run ``code`` in ``namespace``; return the formatted traceback if it raised."""
    try:
        exec(code, namespace)
    except Exception as error:
        # Leave out this function's own frame: the report starts in the Markdown file.
        frames = error.__traceback__.tb_next if error.__traceback__ else None
        return "".join(traceback.format_exception(type(error), error, frames))
    return None


SCRIPT_TIMEOUT = 300.0
"""Seconds one Markdown file's script may take (Dask clusters start slowly on a busy machine)."""

_STDERR_PROBLEMS = re.compile(r"Traceback \(most recent call last\)|Warning:|leaked")


def script_of(text: str) -> str:
    """The python blocks of a Markdown text as one script, each block on its own lines."""
    lines = [""] * len(text.splitlines())
    for block in code_blocks(text):
        if block.language in EXECUTED_LANGUAGES:
            for offset, line in enumerate(block.source.splitlines()):
                lines[block.line - 1 + offset] = line
    return "".join(f"{line}\n" for line in lines)


SCRIPT_FILES = [
    path
    for path in DOC_FILES
    if any(b.language in EXECUTED_LANGUAGES for b in code_blocks(path.read_text(encoding="utf-8")))
]


@pytest.mark.parametrize("path", SCRIPT_FILES, ids=_doc_id)
def test_markdown_examples_run_as_a_script(path: Path, tmp_path: Path) -> None:
    """The ``python`` blocks of one Markdown file, pasted into a script, run with ``python``."""
    script = tmp_path / ("docs_example_" + re.sub(r"\W", "_", _doc_id(path)) + ".py")
    script.write_text(script_of(path.read_text(encoding="utf-8")), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
    )
    where = f"{_doc_id(path)}, run as a script ({script.name}: its line numbers are the file's)"
    if done.returncode != 0:
        pytest.fail(f"{where} exited {done.returncode}:\n{done.stderr[-6000:]}", pytrace=False)
    if _STDERR_PROBLEMS.search(done.stderr):
        pytest.fail(f"{where} printed on stderr:\n{done.stderr[-6000:]}", pytrace=False)


def test_script_of_keeps_the_lines_of_the_markdown_file() -> None:
    text = (
        "# Title\n```python\nx = 1\n```\ntext\n```text\nnot code\n```\n```python\nprint(x)\n```\n"
    )
    assert script_of(text).splitlines() == ["", "", "x = 1", "", "", "", "", "", "", "print(x)", ""]


def test_code_blocks_are_found() -> None:
    """The fence parser finds what a Markdown renderer would, with the right line numbers."""
    text = (
        "intro\n"
        "```python\n"
        "x = 1\n"
        "```\n"
        "\n"
        "- a list item:\n"
        "\n"
        "  ~~~~ text\n"
        "  ```python\n"
        "  not code, a fence inside a longer fence\n"
        "  ```\n"
        "  ~~~~\n"
        "   ```Python title='indented'\n"
        "     if x:\n"
        "         y = 2\n"
        "   ```\n"
        "``` unclosed\n"
        "to the end\n"
    )
    found = [(block.language, block.line, block.source) for block in code_blocks(text)]
    assert found == [
        ("python", 3, "x = 1\n"),
        ("text", 9, "```python\nnot code, a fence inside a longer fence\n```\n"),
        ("python", 14, "  if x:\n      y = 2\n"),
        ("unclosed", 18, "to the end\n"),
    ]


_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def heading_anchor(title: str) -> str:
    """The anchor mkdocs (Python-Markdown's ``toc`` extension) gives a heading."""
    text = re.sub(r"[^\w\s-]", "", title).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _anchors(path: Path) -> set[str]:
    prose = _without_code(path.read_text(encoding="utf-8"))
    return {heading_anchor(m[1]) for line in prose for m in [_HEADING.match(line)] if m}


def _without_code(text: str) -> list[str]:
    """The lines of a Markdown text outside fenced code blocks."""
    lines: list[str] = []
    inside, fence = False, ""
    for line in text.splitlines():
        opening = _FENCE.match(line)
        if opening is not None and not inside:
            inside, fence = True, opening["fence"]
        elif opening is not None and opening["fence"][0] == fence[0] and not opening["info"]:
            inside = len(opening["fence"]) < len(fence)
        elif not inside:
            lines.append(line)
    return lines


@pytest.mark.parametrize("path", DOC_FILES, ids=_doc_id)
def test_markdown_links_resolve(path: Path) -> None:
    """Relative links point at files that exist, and anchors at headings that exist."""
    broken = _broken_links(path)
    assert not broken, f"{_doc_id(path)} has broken links:\n" + "\n".join(broken)


def _broken_links(path: Path) -> list[str]:
    broken: list[str] = []
    for line in _without_code(path.read_text(encoding="utf-8")):
        for target in _LINK.findall(re.sub(r"`[^`]*`", "", line)):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, ...
                continue
            file_part, _, anchor = target.partition("#")
            linked = path.parent / file_part if file_part else path
            if not linked.is_file():
                broken.append(f"{target}: no such file")
            elif anchor and anchor not in _anchors(linked):
                broken.append(f"{target}: no heading with anchor #{anchor} in {linked.name}")
    return broken


def test_link_checking_finds_broken_links(tmp_path: Path) -> None:
    """The link check understands mkdocs anchors and reports what does not resolve."""
    assert heading_anchor("`batch(n)` and its item type") == "batchn-and-its-item-type"
    assert heading_anchor("What beartype checks, and what it samples") == (
        "what-beartype-checks-and-what-it-samples"
    )
    (tmp_path / "other.md").write_text("# Other\n\n## `pipe(*stages)`: at run time\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n"
        "[fine](other.md#pipestages-at-run-time) [self](#page) [web](https://example.org/x)\n"
        "[gone](missing.md) [bad anchor](other.md#nowhere) `[code](not-a-link.md)`\n"
        "```python\n# [in code](ignored.md)\n```\n"
    )
    assert _broken_links(page) == [
        "missing.md: no such file",
        "other.md#nowhere: no heading with anchor #nowhere in other.md",
    ]


def _optional_imports() -> frozenset[str]:
    """Top-level import names that only wumbo's optional extras (not ``dev``) provide."""
    names: set[str] = set()
    for requirement in importlib.metadata.requires("wumbo") or []:
        marker = re.search(r"""extra\s*==\s*["']([^"']+)["']""", requirement)
        if marker is None or marker[1] == "dev":
            continue
        project = re.match(r"[A-Za-z0-9._-]+", requirement)
        if project is not None:
            normalised = project[0].lower().replace("-", "_").replace(".", "_")
            names.update({normalised, normalised.split("_")[0]})
    return frozenset(names)


def test_docstring_examples_pass() -> None:
    """The doctests of every module in ``wumbo`` pass (modules needing an absent extra skip)."""
    optional = _optional_imports()
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    report: list[str] = []
    modules = [wumbo.__name__] + [
        info.name for info in pkgutil.walk_packages(wumbo.__path__, prefix=f"{wumbo.__name__}.")
    ]
    attempted = 0
    for module_name in modules:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            missing = (error.name or "").split(".")[0]
            if missing in optional:  # needs an optional extra that is not installed
                continue
            raise
        for test in finder.find(module, module_name):
            result = runner.run(test, out=report.append)
            attempted += result.attempted
    assert attempted > 0, "no doctest examples were found in the wumbo package"
    if runner.failures:
        pytest.fail(
            f"{runner.failures} docstring example(s) failed:\n{''.join(report)}", pytrace=False
        )
