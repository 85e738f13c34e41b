"""Helpers for testing code that uses wumbo: the composition laws, as checks you can run.

Examples:
    >>> from wumbo.testing import assert_associative
    >>> assert_associative(str.strip, str.upper, len, "  hi ")
"""

from wumbo.decorators.testing import TestingSettings, in_testing_mode, wumbo_testing_mode
from wumbo.testing.laws import (
    Outcome,
    assert_associative,
    assert_identity,
    assert_matches_reference,
    assert_sync_async_agree,
    check_pipeline_laws,
    outcome,
    reference_call,
)

__all__ = [
    "Outcome",
    "TestingSettings",
    "assert_associative",
    "assert_identity",
    "assert_matches_reference",
    "assert_sync_async_agree",
    "check_pipeline_laws",
    "in_testing_mode",
    "outcome",
    "reference_call",
    "wumbo_testing_mode",
]
