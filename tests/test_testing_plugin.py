"""wumbo's pytest plugin, as users get it: real test files run by a fresh pytest session.

No ``conftest.py`` and no ``-p`` option in these runs: the plugin comes from the entry point
(``pytest11``) of the installed package.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_docs import code_blocks

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent


def _docs_test_file() -> str:
    """The test file shown in docs/decorators/testing.md, exactly as written there."""
    text = (ROOT / "docs" / "decorators" / "testing.md").read_text(encoding="utf-8")
    [source] = [b.source for b in code_blocks(text) if b.source.startswith("# test_titles.py")]
    return source


def test_the_documented_test_file_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_titles=_docs_test_file())
    result = pytester.runpytest("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_the_fixture_is_registered_by_the_package(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*wumbo_testing*", "*Run the test in wumbo's testing mode*"])
    result = pytester.runpytest("--markers", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["@pytest.mark.wumbo_testing(seed=0, bypass_cache=True*"])


def test_the_plugin_can_be_turned_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_uses_it(wumbo_testing):\n    pass\n")
    result = pytester.runpytest("-p", "no:wumbo", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'wumbo_testing' not found*"])


def test_testing_mode_holds_only_inside_tests_that_ask(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from wumbo.testing import in_testing_mode

        pytestmark = pytest.mark.wumbo_testing(seed=5)

        def test_without_the_fixture():
            assert not in_testing_mode()

        def test_module_marker(wumbo_testing):
            assert in_testing_mode() and wumbo_testing.seed == 5

        @pytest.mark.wumbo_testing(seed=9, bypass_sandbox=False)
        def test_closest_marker_wins(wumbo_testing):
            assert (wumbo_testing.seed, wumbo_testing.bypass_sandbox) == (9, False)

        def test_after_them():
            assert not in_testing_mode()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_a_wrong_marker_keyword_says_which_exist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.wumbo_testing(sed=3)
        def test_typo(wumbo_testing):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.wumbo_testing:*'sed'*its keywords are seed, bypass_cache and bypass_sandbox"
        ]
    )


def test_failure_messages_show_stage_input_and_diff(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from wumbo import template
        from wumbo.testing import assert_success

        @template
        def parse(text: str) -> int:
            return int(text)

        order = template(dict) | (lambda o: {**o, "qty": o["qty"] + 1})

        def test_raised():
            assert_success((template(str.strip) | parse)(" x "), 3)

        def test_other_value():
            assert_success(order({"sku": "pen", "qty": 1}), {"sku": "pen", "qty": 1})
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            # the stage's own traceback, chained to the assertion
            "*return int(text)*",
            "E*ValueError: invalid literal for int() with base 10: 'x'",
            "*The above exception was the direct cause of the following exception*",
            "E*AssertionError: expected Success(3), got a Failure: "
            "stage 'parse' (2 of 2) raised ValueError",
            "E*input: 'x'",
            "E*error: ValueError: invalid literal for int() with base 10: 'x'",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "E*AssertionError: expected Success({'sku': 'pen', 'qty': 1}), "
            "got Success({'sku': 'pen', 'qty': 2})",
            "E*Full diff (- expected, + actual):",
            "E*- {'qty': 1, 'sku': 'pen'}",
            "E*+ {'qty': 2, 'sku': 'pen'}",
        ]
    )
