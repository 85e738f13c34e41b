"""How a command ends: its exit status, and the one-line error a user can act on.

Examples:
    >>> int(ExitStatus.ITEMS_FAILED), int(ExitStatus.USAGE)
    (1, 2)
    >>> str(CommandLineError("cannot read input file 'x.jsonl': No such file or directory"))
    "cannot read input file 'x.jsonl': No such file or directory"
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["CommandLineError", "ExitStatus"]


class ExitStatus(IntEnum):
    """The exit statuses of ``wumbo``, following command-line conventions.

    Examples:
        >>> [(status.name, int(status)) for status in ExitStatus]
        [('OK', 0), ('ITEMS_FAILED', 1), ('USAGE', 2), ('ABORTED', 3), ('INTERRUPTED', 130), ('BROKEN_PIPE', 141)]
    """

    OK = 0
    """Everything worked; for ``wumbo run``, every item succeeded."""
    ITEMS_FAILED = 1
    """``wumbo run`` went through the whole input but some items failed (see the errors file)."""
    USAGE = 2
    """Bad arguments, a module, attribute or template that cannot be found, an unreadable file."""
    ABORTED = 3
    """The run stopped before the end: an output file could not be written."""
    INTERRUPTED = 130
    """Ctrl-C (SIGINT): records written so far are kept; ``--resume`` continues."""
    BROKEN_PIPE = 141
    """The reader of the standard output went away (``wumbo list | head``), as for SIGPIPE."""


class CommandLineError(Exception):
    """A mistake the user can fix: printed as one line on stderr, exit status 2 (or ``status``).

    Examples:
        >>> error = CommandLineError("disk full", status=ExitStatus.ABORTED)
        >>> str(error), error.status
        ('disk full', <ExitStatus.ABORTED: 3>)
    """

    def __init__(self, message: str, *, status: ExitStatus = ExitStatus.USAGE) -> None:
        super().__init__(message)
        self.status = status
