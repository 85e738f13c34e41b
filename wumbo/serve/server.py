"""Running the application on uvicorn: in the foreground with graceful shutdown, or in a
background thread (for tests and notebooks).

:func:`run_server` binds the socket itself (so a busy port is a clear error before anything
starts) and serves until SIGTERM or SIGINT. Then it stops accepting connections at once,
``/readyz`` answers 503, requests in flight get up to ``shutdown_seconds`` to finish (after
that they are cancelled), and it returns the exit status: 0 after SIGTERM, 130 after Ctrl-C.

:class:`BackgroundServer` runs the same server on a thread of the current process, on a free
port when ``port=0``; leaving the ``with`` block stops it the same graceful way.

Examples:
    >>> import httpx
    >>> from wumbo.serve.settings import ServeSettings
    >>> with BackgroundServer(ServeSettings(port=0, templates=("check",))) as server:
    ...     httpx.post(f"{server.url}/templates/check/run", json=7).json()["output"]
    [{'value': 7, 'valid': True, 'errors': []}]
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
import threading
from collections.abc import Generator
from types import FrameType, TracebackType
from typing import Any

import uvicorn

from wumbo.framework import TemplateRegistry
from wumbo.serve.app import ServerState, create_app
from wumbo.serve.settings import ServeSettings, SettingsError

__all__ = ["BackgroundServer", "bind_socket", "run_server"]

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def bind_socket(settings: ServeSettings) -> socket.socket:
    """A listening TCP socket on ``settings.host`` and ``settings.port`` (0: a free port).

    Examples:
        >>> with bind_socket(ServeSettings(port=0)) as sock:
        ...     sock.getsockname()[0], sock.getsockname()[1] > 0
        ('127.0.0.1', True)
    """
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it
        sock.bind((settings.host.strip("[]"), settings.port))
        sock.listen(2048)
    except OSError as error:
        sock.close()
        raise SettingsError(
            f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}"
        ) from None
    sock.set_inheritable(True)
    return sock


class _GracefulServer(uvicorn.Server):
    """uvicorn's server, told about our state on a stop signal, and not re-raising it."""

    def __init__(self, config: uvicorn.Config, state: ServerState) -> None:
        super().__init__(config)
        self.state = state
        self.stopped_by: int | None = None

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in _STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.state.shutting_down = True
        if self.stopped_by is None:
            self.stopped_by = sig
        super().handle_exit(sig, frame)


def _server(
    settings: ServeSettings, registry: TemplateRegistry | None, **options: Any
) -> _GracefulServer:
    state = ServerState()
    app = create_app(settings, registry, state)
    config = uvicorn.Config(
        app,
        lifespan="on",
        timeout_graceful_shutdown=settings.shutdown_seconds,
        server_header=False,
        **options,
    )
    return _GracefulServer(config, state)


def run_server(settings: ServeSettings, registry: TemplateRegistry | None = None) -> int:
    """Serve until SIGTERM (exit status 0) or SIGINT (130), then shut down gracefully.

    ``registry`` defaults to the shared one (plugins included). A busy port or a bad setting
    raises :class:`~wumbo.serve.settings.SettingsError` before anything is served.
    """
    server = _server(settings, registry)
    with bind_socket(settings) as sock:
        url = ServeSettings(host=settings.host, port=sock.getsockname()[1], allow_remote=True)
        print(f"wumbo serve: serving on {url.address} (stop: SIGTERM or Ctrl-C)", file=sys.stderr)
        server.run(sockets=[sock])
    return 130 if server.stopped_by == signal.SIGINT else 0


class BackgroundServer:
    """The server on a daemon thread of this process, for the span of a ``with`` block.

    ``url`` is the base URL (with the real port when ``port=0``). Uvicorn's logging is left
    alone and its access log off.

    Examples:
        >>> from wumbo.serve.settings import ServeSettings
        >>> server = BackgroundServer(ServeSettings(port=0))
        >>> server.url.startswith("http://127.0.0.1:")
        True
        >>> server.stop()  # never started: nothing to do
    """

    def __init__(
        self,
        settings: ServeSettings,
        registry: TemplateRegistry | None = None,
        *,
        stop_timeout: float | None = None,
    ) -> None:
        self._socket = bind_socket(settings)
        port = self._socket.getsockname()[1]
        self.settings = settings
        self.url = ServeSettings(host=settings.host, port=port, allow_remote=True).address
        self._server = _server(settings, registry, log_config=None, access_log=False)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._stop_timeout = settings.shutdown_seconds + 5 if stop_timeout is None else stop_timeout

    @property
    def state(self) -> ServerState:
        """The state ``/readyz`` reports."""
        return self._server.state

    def start(self) -> BackgroundServer:
        """Start serving (connections made before uvicorn is up wait in the listen queue)."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut down gracefully and wait for the thread (``RuntimeError`` if it hangs)."""
        if self._thread.is_alive():
            self._server.state.shutting_down = True
            self._server.should_exit = True
            self._thread.join(self._stop_timeout)
            if self._thread.is_alive():
                raise RuntimeError(
                    f"the background server did not stop within {self._stop_timeout:g} s"
                )
        self._socket.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
