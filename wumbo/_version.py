"""wumbo's one version number, read from the installed package's metadata.

Importing this module reads the metadata, so only code that needs the version imports it
(``wumbo.__version__`` loads it on first use).

Examples:
    >>> from importlib.metadata import version
    >>> __version__ == version("wumbo")
    True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]


def _installed_version() -> str:
    try:
        return version("wumbo")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


__version__: str = _installed_version()
