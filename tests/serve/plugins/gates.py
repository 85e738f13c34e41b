"""A plugin file for the shutdown tests: templates that wait for the test, or for ever.

``wait_for_test`` connects to ``127.0.0.1:<input port>`` (the test's socket: the test sees the
request arrive) and returns what the test sends back, so the test decides when it ends.
``block_forever`` connects the same way, then never returns.
"""

from __future__ import annotations

import socket
import threading
from typing import Any, ClassVar

from wumbo.framework import BaseTemplate, TemplateMetadata


class WaitForTest(BaseTemplate[Any]):
    """Blocks until the test process answers on its socket."""

    blocking: ClassVar[bool] = True

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("wait_for_test")

    def _execute_core(self, port: int, *, context: object) -> Any:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
            return connection.recv(64).decode()


class BlockForever(BaseTemplate[Any]):
    """Tells the test it has started (a connection to its port), then blocks for ever."""

    blocking: ClassVar[bool] = True

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("block_forever")

    def _execute_core(self, port: int, *, context: object) -> Any:
        socket.create_connection(("127.0.0.1", port), timeout=20).close()
        threading.Event().wait()
