"""Where and how the command talks to people: rich on a terminal, plain text elsewhere.

``rich`` is an optional extra (``pip install 'wumbo[cli]'``): with it, a terminal gets drawn
tables and a live progress bar. Without it, with ``--plain``, or when the output goes to a file
or a pipe, the same information is printed as plain text (easy to read in logs and to grep).

Examples:
    >>> import io
    >>> choose_display(io.StringIO(), plain=False).rich  # not a terminal
    False
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TextIO

__all__ = ["Display", "choose_display", "rich_installed"]


def rich_installed() -> bool:
    """Whether ``rich`` can be imported.

    Examples:
        >>> isinstance(rich_installed(), bool)
        True
    """
    try:
        importlib.import_module("rich")
    except ImportError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Display:
    """The stream the command writes to, and whether it renders with rich.

    Examples:
        >>> import sys
        >>> Display(sys.stdout, rich=False).rich
        False
    """

    stream: TextIO
    rich: bool

    def line(self, text: str = "") -> None:
        """Write one line of plain text.

        Examples:
            >>> import sys
            >>> Display(sys.stdout, rich=False).line("hello")
            hello
        """
        self.stream.write(text + "\n")


def choose_display(stream: TextIO, *, plain: bool) -> Display:
    """Rich on a terminal, unless ``plain`` was asked for or rich is not installed.

    Examples:
        >>> import sys
        >>> choose_display(sys.stdout, plain=True).rich
        False
    """
    return Display(stream, rich=not plain and stream.isatty() and rich_installed())
