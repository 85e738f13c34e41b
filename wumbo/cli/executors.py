"""The ``--executor`` option: where the items of ``wumbo run`` go.

``inline`` (the default: the command's own thread, or its event loop for async pipelines),
``threads``, ``processes``, or the address of a Dask scheduler (``tcp://host:8786``), which
needs the optional extra ``wumbo[dask]``. A Dask client is connected for the run and closed
after it.

Examples:
    >>> with open_executor("threads") as executor:
    ...     executor
    'threads'
    >>> with open_executor("inline") as executor:
    ...     print(executor)
    None
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager
from typing import Final

from wumbo.cli.exits import CommandLineError

__all__ = ["CONNECT_SECONDS", "EXECUTOR_CHOICES", "open_executor"]

EXECUTOR_CHOICES: Final = ("inline", "threads", "processes")
CONNECT_SECONDS: Final = 10
"""How long to wait for a Dask scheduler to answer."""


def _is_address(spec: str) -> bool:
    return "://" in spec


@contextmanager
def open_executor(spec: str) -> Generator[object, None, None]:
    """The ``executor=`` value for ``pipeline.map``, open for the duration of the block.

    Examples:
        >>> with open_executor("gpu"):
        ...     pass
        Traceback (most recent call last):
        ...
        wumbo.cli.exits.CommandLineError: --executor expects inline, threads, processes or a Dask scheduler address such as tcp://127.0.0.1:8786, got 'gpu'
    """
    if spec in EXECUTOR_CHOICES:
        yield None if spec == "inline" else spec
        return
    if not _is_address(spec):
        raise CommandLineError(
            f"--executor expects {', '.join(EXECUTOR_CHOICES)} or a Dask scheduler address "
            f"such as tcp://127.0.0.1:8786, got {spec!r}"
        )
    try:
        import distributed
    except ImportError:
        raise CommandLineError(
            f"--executor {spec} needs Dask distributed: pip install 'wumbo[dask]'"
        ) from None
    try:
        client = distributed.Client(spec, timeout=CONNECT_SECONDS)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise CommandLineError(
            f"cannot connect to the Dask scheduler at {spec}: {type(error).__name__}: {error}"
        ) from None
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]  # pyright: ignore[reportUnknownMemberType]
