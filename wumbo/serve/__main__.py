"""``python -m wumbo.serve [MODULE ...] [--host 127.0.0.1 --port 8080]``: the same as
``wumbo serve`` (see `wumbo.serve.cli`).

Examples:
    >>> from wumbo.serve.cli import build_parser
    >>> build_parser().prog
    'python -m wumbo.serve'
"""

from __future__ import annotations

import sys

from wumbo.serve.cli import build_parser, run

if __name__ == "__main__":
    sys.exit(run(build_parser().parse_args()))
