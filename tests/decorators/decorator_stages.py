"""Stages shared by the trace, observer and metrics tests (module level, so they pickle)."""

from __future__ import annotations

import anyio
from returns.result import Failure, Result, Success


def parse(text: str) -> int:
    return int(text)


def double(n: int) -> int:
    return n * 2


def checked(n: int) -> Result[int, str]:
    return Success(n) if n >= 0 else Failure("negative")


async def fetch(n: int) -> int:
    await anyio.sleep(0)
    return n + 1
