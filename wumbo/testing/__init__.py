"""Helpers for testing code that uses wumbo.

* ``assert_success`` / ``assert_failure`` / ``assert_no_stage_error``: assertions on a Result
  whose message names the failing stage, its position and input, with a diff of expected
  against actual;
* ``inputs_of(pipeline)``: a Hypothesis strategy for the pipeline's input type
  (``wumbo[testing]``);
* ``wumbo_testing_mode``: fast, deterministic decorators (also the pytest fixture
  ``wumbo_testing`` of wumbo's pytest plugin, ``wumbo.testing.pytest_plugin``);
* the composition laws, as checks you can run against your own stages.

Examples:
    >>> from wumbo import template
    >>> from wumbo.testing import assert_associative, assert_success
    >>> assert_associative(str.strip, str.upper, len, "  hi ")
    >>> assert_success(template(str.strip)(" hi "), "hi")
    'hi'
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
from wumbo.testing.results import assert_failure, assert_no_stage_error, assert_success
from wumbo.testing.strategies import input_type_of, inputs_of

__all__ = [
    "Outcome",
    "TestingSettings",
    "assert_associative",
    "assert_failure",
    "assert_identity",
    "assert_matches_reference",
    "assert_no_stage_error",
    "assert_success",
    "assert_sync_async_agree",
    "check_pipeline_laws",
    "in_testing_mode",
    "input_type_of",
    "inputs_of",
    "outcome",
    "reference_call",
    "wumbo_testing_mode",
]
