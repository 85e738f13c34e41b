"""The ``wumbo`` command: run a pipeline over a file, the demo, and the template registry.

``wumbo run MODULE:PIPELINE INPUT`` runs any pipeline over a JSON Lines or CSV file, one record
per input line (results and failures in separate files), with a progress display, a summary,
and ``--resume`` after an interruption. ``wumbo demo`` runs a real example on data shipped
with the package; ``wumbo list`` and ``wumbo info NAME`` show the template registry. The same
is available as ``python -m wumbo``. See ``docs/cli.md``.

Examples:
    >>> from wumbo.cli import main
    >>> main(["info", "no_such_template_anywhere"])
    2
"""

from wumbo.cli.main import main

__all__ = ["main"]
