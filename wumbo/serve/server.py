"""Running the application on uvicorn: in the foreground with graceful shutdown, or in a
background thread (for tests and notebooks).

[`run_server`][wumbo.serve.server.run_server] binds the socket itself (so a busy port is a clear error before anything
starts) and serves until SIGTERM or SIGINT. Then ``/readyz`` answers 503 and new template
requests a JSON 503 (``shutting_down``) while requests in flight get up to ``shutdown_seconds``
to finish; the socket still listens meanwhile. Requests still running then are cancelled and
answered with a JSON 503, the socket is closed, and the process exits: 0 after SIGTERM, 130
after Ctrl-C, even when template threads still run (they are left behind).

[`BackgroundServer`][wumbo.serve.server.BackgroundServer] runs the same server on a thread of the current process, on a free
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
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Generator, Mapping
from types import FrameType
from typing import Any, NoReturn

import uvicorn

from wumbo._log import get_logger
from wumbo.framework import TemplateRegistry
from wumbo.serve.app import ServerState, create_app
from wumbo.serve.settings import ServeSettings, SettingsError

__all__ = [
    "CLOSING_SECONDS",
    "EXIT_MARGIN_SECONDS",
    "BackgroundServer",
    "bind_socket",
    "run_server",
]

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

_logger = get_logger("wumbo.serve")


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


CLOSING_SECONDS = 2
"""After the grace period, how long the answers of cancelled requests have to go out before
uvicorn closes the connections."""

EXIT_MARGIN_SECONDS = 3
"""On top of the grace period and [`CLOSING_SECONDS`][wumbo.serve.server.CLOSING_SECONDS], how long [`run_server`][wumbo.serve.server.run_server] lets
a stuck shutdown take before it ends the process anyway."""


class _GracefulServer(uvicorn.Server):
    """uvicorn's server, told about our state on a stop signal, and not re-raising it; its
    shutdown first drains the requests in flight while it still listens."""

    def __init__(self, config: uvicorn.Config, state: ServerState, grace_seconds: float) -> None:
        super().__init__(config)
        self.state = state
        self.grace_seconds = grace_seconds
        self.stopped_by: int | None = None
        self.on_stop: Callable[[int], None] | None = None

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
            if self.on_stop is not None:
                self.on_stop(sig)
        super().handle_exit(sig, frame)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.state.shutting_down = True
        in_flight = self.state.in_flight
        in_flight.close()  # still listening: new template requests get 503, probes answers
        cut = await in_flight.drain(self.grace_seconds, give_up=lambda: self.force_exit)
        if cut:
            _logger.warning(
                "cancelled %d request(s) still running after the %g s grace period",
                cut,
                self.grace_seconds,
            )
        await super().shutdown(sockets)


def _server(
    settings: ServeSettings,
    registry: TemplateRegistry | None,
    pipelines: Mapping[str, object] | None,
    **options: Any,
) -> _GracefulServer:
    state = ServerState()
    app = create_app(settings, registry, state, pipelines=pipelines)
    config = uvicorn.Config(
        app,
        lifespan="on",
        timeout_graceful_shutdown=CLOSING_SECONDS,
        server_header=False,
        **options,
    )
    return _GracefulServer(config, state, settings.shutdown_seconds)


def _exit_status(sig: int | None) -> int:
    return 130 if sig == signal.SIGINT else 0


def _end_process(status: int, why: str) -> NoReturn:
    """End the process now, whatever its other threads do (Python cannot stop them)."""
    print(f"wumbo serve: {why}; exiting without waiting for them", file=sys.stderr)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _exit_if_threads_run_on(status: int) -> None:
    """End the process when threads other than this one still run (templates abandoned past
    their timeout): the interpreter would wait for them at exit, maybe for ever."""
    current = threading.current_thread()
    others = [t for t in threading.enumerate() if t is not current and not t.daemon]
    deadline = time.monotonic() + 1.0  # idle worker threads are ending: give them a moment
    for thread in others:
        thread.join(max(0.0, deadline - time.monotonic()))
    if running := [thread for thread in others if thread.is_alive()]:
        _end_process(status, f"{len(running)} thread(s) still run after the shutdown")


def run_server(
    settings: ServeSettings,
    registry: TemplateRegistry | None = None,
    *,
    pipelines: Mapping[str, object] | None = None,
) -> int:
    """Serve until SIGTERM (exit status 0) or SIGINT (130), then shut down gracefully.

    ``registry`` defaults to the shared one (plugins included); ``pipelines`` (names to
    Templates) are served too, and then the registry's templates only if ``settings.templates``
    names them (see [`create_app`][wumbo.serve.app.create_app]). A busy port or a bad setting
    raises [`SettingsError`][wumbo.serve.settings.SettingsError] before anything is served.

    This function owns the process: after a stop signal, the process ends within
    ``shutdown_seconds`` + [`CLOSING_SECONDS`][wumbo.serve.server.CLOSING_SECONDS] + [`EXIT_MARGIN_SECONDS`][wumbo.serve.server.EXIT_MARGIN_SECONDS], whatever its
    threads do. When template threads still run once the server has stopped (sync templates
    abandoned past their timeout), it ends the process at once with ``os._exit`` and the same
    status, rather than let the interpreter wait for them.
    """
    server = _server(settings, registry, pipelines)
    last_call = settings.shutdown_seconds + CLOSING_SECONDS + EXIT_MARGIN_SECONDS

    def watchdog(sig: int) -> None:
        why = f"the shutdown took longer than {last_call:g} s"
        timer = threading.Timer(last_call, _end_process, (_exit_status(sig), why))
        timer.daemon = True
        timer.start()

    server.on_stop = watchdog
    with bind_socket(settings) as sock:
        url = ServeSettings(host=settings.host, port=sock.getsockname()[1], allow_remote=True)
        print(f"wumbo serve: serving on {url.address} (stop: SIGTERM or Ctrl-C)", file=sys.stderr)
        server.run(sockets=[sock])
    status = _exit_status(server.stopped_by)
    _exit_if_threads_run_on(status)
    return status


class BackgroundServer:
    """The server on a daemon thread of this process, for the span of a ``with`` block.

    ``source`` is a registry (default: the shared one) or a mapping of names to Templates to
    serve. ``url`` is the base URL (with the real port when ``port=0``). Uvicorn's logging is
    left alone and its access log off.

    Examples:
        >>> from wumbo.serve.settings import ServeSettings
        >>> server = BackgroundServer(ServeSettings(port=0))
        >>> server.url.startswith("http://127.0.0.1:")
        True
        >>> server.stop()  # never started: nothing to do
        >>> import httpx
        >>> from wumbo import template
        >>> with BackgroundServer(ServeSettings(port=0), {"size": template(len)}) as server:
        ...     httpx.post(f"{server.url}/templates/size/run", json=[1, 2, 3]).json()
        {'template': 'size', 'output': 3}
    """

    def __init__(
        self,
        settings: ServeSettings,
        source: TemplateRegistry | Mapping[str, object] | None = None,
        *,
        stop_timeout: float | None = None,
    ) -> None:
        self._socket = bind_socket(settings)
        port = self._socket.getsockname()[1]
        self.settings = settings
        self.url = ServeSettings(host=settings.host, port=port, allow_remote=True).address
        registry = source if isinstance(source, TemplateRegistry) else None
        pipelines = None if source is None or isinstance(source, TemplateRegistry) else source
        self._server = _server(settings, registry, pipelines, log_config=None, access_log=False)
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

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
