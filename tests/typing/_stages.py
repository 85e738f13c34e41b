"""Stages shared by the typing cases: plain, Result-returning and async functions, and errors.

Not a case file: it only defines what the cases compose. Checked by both mypy and pyright.
"""

from __future__ import annotations

from wumbo import Failure, Result, Success


class ErrA(Exception):
    """A declared failure of check_a."""


class ErrB(Exception):
    """A declared failure of check_b / fetch_checked."""


class ErrC(Exception):
    """A declared failure of parse_checked."""


def parse(text: str) -> int:
    return int(text)


def parse_float(text: str) -> float:
    return float(text)


def double(n: int) -> int:
    return n * 2


def show(n: int) -> str:
    return str(n)


def shout(text: str) -> str:
    return text.upper()


def halve(n: int) -> float:
    return n / 2


def is_positive(n: int) -> bool:
    return n > 0


def log_int(n: int) -> None:
    print(n)


def add(a: int, b: int) -> int:
    return a + b


def check_a(n: int) -> Result[int, ErrA]:
    return Success(n) if n >= 0 else Failure(ErrA(n))


def check_b(n: int) -> Result[str, ErrB]:
    return Success(str(n)) if n < 100 else Failure(ErrB(n))


def parse_checked(text: str) -> Result[int, ErrC]:
    return Success(int(text)) if text.isdigit() else Failure(ErrC(text))


async def fetch(n: int) -> str:
    return str(n)


async def fetch_len(text: str) -> int:
    return len(text)


async def fetch_checked(n: int) -> Result[str, ErrB]:
    return Success(str(n)) if n < 100 else Failure(ErrB(n))
