"""Shared test settings: bounded hypothesis profiles and the anyio back ends."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, settings

# A temporary folder of this test session's own (world-writable and sticky, like /tmp, so that
# the sandbox's per-run users can reach their scratch folders in it): tests that check what is
# left behind in the temporary folder see only this session's files, never those of another
# test run on the same machine. Subprocesses inherit it through TMPDIR.
_SESSION_TMP = tempfile.mkdtemp(prefix="wumbo-tests-")
os.chmod(_SESSION_TMP, 0o1777)
os.environ["TMPDIR"] = _SESSION_TMP
tempfile.tempdir = None  # recomputed from TMPDIR on next use
# Removed at exit, after the exit handlers registered later (multiprocessing's own clean-up).
atexit.register(shutil.rmtree, _SESSION_TMP, ignore_errors=True)


settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every ``@pytest.mark.anyio`` test on both anyio back ends."""
    backend: str = request.param
    return backend
