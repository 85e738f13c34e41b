"""Serve registered templates over HTTP: ``wumbo serve`` / ``python -m wumbo.serve``.

An optional extra: ``pip install 'wumbo[serve]'`` (Starlette, uvicorn, prometheus-client and msgspec).
Importing this package without them raises ``ImportError`` saying so. The application
([`create_app`][wumbo.serve.app.create_app]), the foreground server with graceful shutdown ([`run_server`][wumbo.serve.server.run_server]) and a
server on a background thread ([`BackgroundServer`][wumbo.serve.server.BackgroundServer]) are loaded on first use, so the
command line stays quick to start.

Examples:
    >>> import httpx
    >>> from wumbo.serve import BackgroundServer, ServeSettings
    >>> with BackgroundServer(ServeSettings(port=0, templates=("transform",))) as server:
    ...     httpx.get(f"{server.url}/templates/transform").json()["aliases"]
    ['map_filter', 'transform']
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

_NEEDED = ("starlette", "uvicorn", "prometheus_client", "msgspec")
_missing = [name for name in _NEEDED if importlib.util.find_spec(name) is None]
if _missing:
    raise ModuleNotFoundError(  # an ImportError, naming the first missing module
        f"wumbo.serve needs {', '.join(_missing)}, which {'is' if len(_missing) == 1 else 'are'} "
        "not installed; install the extra: pip install 'wumbo[serve]'",
        name=_missing[0],
    )

from wumbo.serve.settings import ServeSettings, SettingsError, settings_from_env  # noqa: E402

if TYPE_CHECKING:
    from wumbo.serve.app import ServerState, create_app
    from wumbo.serve.server import BackgroundServer, run_server

__all__ = [
    "BackgroundServer",
    "ServeSettings",
    "ServerState",
    "SettingsError",
    "create_app",
    "run_server",
    "settings_from_env",
]

_LAZY = {
    "BackgroundServer": "wumbo.serve.server",
    "run_server": "wumbo.serve.server",
    "ServerState": "wumbo.serve.app",
    "create_app": "wumbo.serve.app",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'wumbo.serve' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
