"""``python -m wumbo``: the ``wumbo`` command (see `wumbo.cli`).

Examples:
    >>> main(["--version"])
    wumbo 0.1.0
    0
"""

import sys

from wumbo.cli.main import main

if __name__ == "__main__":  # process-pool workers import this module too: only run it as main
    sys.exit(main())
