"""wumbo's loggers: every one sits under ``wumbo``, which has a ``NullHandler``.

A library logs and the application decides what is shown: without the ``NullHandler``,
Python's last-resort handler would print wumbo's warnings to stderr. It is added the first time
any wumbo module asks for a logger, so ``import wumbo`` does not import `logging`.

Examples:
    >>> log = get_logger("wumbo.example")
    >>> log.name, any(type(h).__name__ == "NullHandler" for h in get_logger("wumbo").handlers)
    ('wumbo.example', True)
"""

from __future__ import annotations

import logging

__all__ = ["get_logger"]

_root = logging.getLogger("wumbo")
if not any(isinstance(handler, logging.NullHandler) for handler in _root.handlers):
    _root.addHandler(logging.NullHandler())


def get_logger(name: str) -> logging.Logger:
    """The logger ``name`` (which starts with ``wumbo``), its root's ``NullHandler`` in place.

    Examples:
        >>> get_logger("wumbo.registry").name
        'wumbo.registry'
    """
    return logging.getLogger(name)
