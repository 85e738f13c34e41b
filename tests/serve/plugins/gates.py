"""A plugin file for the shutdown test: a template that waits for the test to let it go.

``wait_for_test`` connects to ``127.0.0.1:<input port>`` (the test's socket: the test sees the
request arrive) and returns what the test sends back, so the test decides when it ends.
"""

from __future__ import annotations

import socket
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
