"""Templates and a registry for the serve tests, and a server fixture factory."""

from __future__ import annotations

import threading
from typing import Any

import anyio
import anyio.to_thread

from wumbo.framework import BaseTemplate, TemplateMetadata, TemplateRegistry

WAIT_LIMIT = 10.0
"""The longest any test waits for anything (then it fails rather than hangs)."""


class Double(BaseTemplate[Any]):
    """Doubles a number (or repeats a string)."""

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("double", description="twice the input", tags=["math"])

    def _execute_core(self, value: Any, *, context: object) -> Any:
        return value * 2


class Explode(BaseTemplate[Any]):
    """Always fails with a ValueError whose message names the input."""

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("explode")

    def _execute_core(self, value: Any, *, context: object) -> Any:
        raise ValueError(f"cannot handle {value!r}")


class Forever(BaseTemplate[Any]):
    """Never finishes (async, so a timeout cancels it)."""

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("forever")

    def _execute_core(self, value: Any, *, context: object) -> Any:
        raise AssertionError("forever only runs async")

    async def _execute_core_async(self, value: Any, *, context: object) -> Any:
        await anyio.sleep_forever()


class Unjsonable(BaseTemplate[Any]):
    """Returns a set, which JSON cannot hold."""

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("unjsonable")

    def _execute_core(self, value: Any, *, context: object) -> Any:
        return {value}


class Gate:
    """Holds ``hold`` requests until released; counts the ones inside."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self._inside = 0
        self._changed = threading.Condition()

    def enter(self) -> None:
        with self._changed:
            self._inside += 1
            self._changed.notify_all()
        if not self.release.wait(WAIT_LIMIT):
            raise TimeoutError("the gate was never released")

    def wait_inside(self, count: int) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self._inside >= count, WAIT_LIMIT):
                raise TimeoutError(f"only {self._inside} of {count} requests arrived")

    def reset(self) -> None:
        self.release.clear()
        with self._changed:
            self._inside = 0


GATE = Gate()


class Hold(BaseTemplate[Any]):
    """Waits at the module's GATE, then returns its input."""

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("hold")

    def _execute_core(self, value: Any, *, context: object) -> Any:
        raise AssertionError("hold only runs async")

    async def _execute_core_async(self, value: Any, *, context: object) -> Any:
        await anyio.to_thread.run_sync(GATE.enter)
        return value


class Blocker:
    """Holds every ``block`` call until released; counts the calls blocked right now."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self._lock = threading.Lock()
        self.blocked = 0

    def wait(self) -> None:
        with self._lock:
            self.blocked += 1
        try:
            if not self.release.wait(WAIT_LIMIT * 6):
                raise TimeoutError("the blocker was never released")
        finally:
            with self._lock:
                self.blocked -= 1


BLOCKER = Blocker()


class Block(BaseTemplate[Any]):
    """A sync template that blocks (in its thread) until BLOCKER is released."""

    def _get_metadata(self) -> TemplateMetadata:
        return TemplateMetadata("block")

    def _execute_core(self, value: Any, *, context: object) -> Any:
        BLOCKER.wait()
        return value


def make_registry() -> TemplateRegistry:
    """An isolated registry of the test templates (``double`` has the alias ``twice``)."""
    registry = TemplateRegistry(isolated=True)
    registry.register(Double, aliases=["twice"])
    for cls in (Explode, Forever, Unjsonable, Hold, Block):
        registry.register(cls)
    return registry
