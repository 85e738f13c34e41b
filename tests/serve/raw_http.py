"""A raw HTTP/1.1 client on a socket (h11 frames the messages), for clients that misbehave:
ones that send part of a body and stall, or read their answer late."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

import h11
from serve_helpers import WAIT_LIMIT


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class RawClient:
    """One connection that sends a request's head and only the part of its body it is told."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        self._socket = socket.create_connection((host, int(port)), timeout=WAIT_LIMIT)
        self._http = h11.Connection(h11.CLIENT)

    def start(self, path: str, content_type: str, length: int, partial: bytes) -> RawClient:
        """Send the head of a POST of ``length`` bytes and the first bytes of its body."""
        headers = [
            ("Host", "test"),
            ("Content-Type", content_type),
            ("Content-Length", str(length)),
            ("Connection", "close"),
        ]
        request = h11.Request(method="POST", target=path, headers=headers)
        self._socket.sendall(self._http.send(request) + self._http.send(h11.Data(data=partial)))
        return self

    def send(self, data: bytes) -> None:
        """More of the body."""
        self._socket.sendall(self._http.send(h11.Data(data=data)))

    def answer(self) -> Answer:
        """The whole response (the server may answer before the body is all sent)."""
        status, headers, body = 0, {}, bytearray()
        while True:
            event = self._http.next_event()
            if event is h11.NEED_DATA:
                self._http.receive_data(self._socket.recv(65536))
            elif isinstance(event, h11.Response):
                status = event.status_code
                headers = {name.decode(): value.decode() for name, value in event.headers}
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                return Answer(status, headers, bytes(body))

    def close(self) -> None:
        self._socket.close()


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Wait (bounded) until ``condition()`` holds; for state only visible from outside."""
    pause = threading.Event()  # never set: a short pause between looks
    for _ in range(int(WAIT_LIMIT / 0.02)):
        if condition():
            return
        pause.wait(0.02)
    raise AssertionError(f"never happened: {what}")
