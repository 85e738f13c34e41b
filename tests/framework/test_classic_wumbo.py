"""The classic ``wumbo()`` exactly as FRAMEWORK_API.md section 1 specifies, edge case by edge case."""

from __future__ import annotations

import logging

import pytest

from wumbo.framework import ExecutionContext, TemplateConfigError, wumbo


def test_no_arguments_give_an_empty_list_whatever_the_format() -> None:
    assert wumbo() == []
    assert wumbo(as_single=True) == []
    assert wumbo(as_dict=True) == {}


def test_identity_without_an_operation() -> None:
    assert wumbo(1, "a", None) == [1, "a", None]


def test_operation_applies_to_each_argument() -> None:
    assert wumbo(1, 2, 3, operation=lambda n: n * 10) == [10, 20, 30]


def test_preprocess_runs_before_operation() -> None:
    assert wumbo(" a ", " b ", preprocess=str.strip, operation=str.upper) == ["A", "B"]


def test_preprocess_is_not_guarded_even_when_failing_silently() -> None:
    with pytest.raises(TypeError):
        wumbo("a", 1, preprocess=str.upper)


def test_falsy_preprocess_is_skipped() -> None:
    assert wumbo(1, preprocess=None) == [1]
    assert wumbo(1, preprocess=0) == [1]


def test_failing_item_becomes_none_by_default() -> None:
    assert wumbo(1, 0, 2, operation=lambda n: 10 // n) == [10, None, 5]


def test_fail_silently_false_reraises_the_original_exception() -> None:
    original = ZeroDivisionError("boom")

    def explode(_: int) -> int:
        raise original

    with pytest.raises(ZeroDivisionError) as caught:
        wumbo(1, operation=explode, fail_silently=False)
    assert caught.value is original


def test_fail_silently_uses_truthiness() -> None:
    with pytest.raises(ZeroDivisionError):
        wumbo(0, operation=lambda n: 1 // n, fail_silently=0)
    assert wumbo(0, operation=lambda n: 1 // n, fail_silently="yes") == [None]


def test_postprocess_gets_the_whole_list() -> None:
    assert wumbo(1, 2, 3, postprocess=sum) == 6
    assert wumbo(3, 1, 2, operation=lambda n: n * 2, postprocess=sorted) == [2, 4, 6]


def test_postprocess_is_not_guarded() -> None:
    def broken(_: list[int]) -> int:
        raise KeyError("post")

    with pytest.raises(KeyError, match="post"):
        wumbo(1, postprocess=broken)


def test_as_dict_numbers_the_results() -> None:
    assert wumbo("a", "b", as_dict=True) == {"item_0": "a", "item_1": "b"}


def test_as_dict_wins_over_as_single() -> None:
    assert wumbo(1, as_dict=True, as_single=True) == {"item_0": 1}


def test_as_dict_enumerates_a_string_postprocess_result_per_character() -> None:
    joined = wumbo("a", "bc", postprocess="".join, as_dict=True)
    assert joined == {"item_0": "a", "item_1": "b", "item_2": "c"}


def test_as_single_returns_the_bare_result_only_when_there_is_one() -> None:
    assert wumbo(7, as_single=True) == 7
    assert wumbo(1, 2, 3, as_single=True) == [1, 2, 3]


def test_as_single_after_postprocess_returning_one_element() -> None:
    assert wumbo(1, 2, postprocess=lambda items: [sum(items)], as_single=True) == 3


def test_as_single_takes_len_of_the_postprocess_output() -> None:
    with pytest.raises(TypeError, match="len"):
        wumbo(1, 2, postprocess=sum, as_single=True)


@pytest.mark.parametrize("option", ["preprocess", "operation", "postprocess"])
def test_non_callable_functions_are_refused(option: str) -> None:
    with pytest.raises(TemplateConfigError, match=f"{option} must be callable, got int 5"):
        wumbo(1, **{option: 5})
    with pytest.raises(ValueError, match="must be callable"):  # the original's exception type
        wumbo(1, **{option: 5})


def test_unknown_keywords_are_ignored() -> None:
    assert wumbo(1, colour="blue", operation=str) == ["1"]


def test_context_keyword_is_the_execution_context() -> None:
    context = ExecutionContext(template_name="mine", execution_id="run-1")
    assert wumbo(1, context=context) == [1]
    assert context.metadata["mode"].value == "synchronous"


def test_logs_instead_of_printing(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    with caplog.at_level(logging.DEBUG, logger="wumbo"):
        wumbo(1, 0, operation=lambda n: 1 // n, colour="blue")
    classic = [record for record in caplog.records if record.name == "wumbo.classic"]
    assert classic
    assert {record.levelno for record in classic} == {logging.INFO}
    messages = "\n".join(record.getMessage() for record in classic)
    assert "Wumbo initiated" in messages
    assert "'colour': 'blue'" in messages
    assert "Error processing 0" in messages
    assert capsys.readouterr() == ("", "")


def test_verbose_false_logs_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="wumbo.classic"):
        wumbo(1, verbose=False)
    levels = {record.levelno for record in caplog.records if record.name == "wumbo.classic"}
    assert levels == {logging.DEBUG}


def test_failure_logs_execution_failed_on_the_template_logger(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def missing(items: list[int]) -> int:
        raise KeyError("missing")

    with caplog.at_level(logging.ERROR, logger="wumbo"), pytest.raises(KeyError):
        wumbo(1, postprocess=missing)
    assert any(
        record.name == "wumbo.classic_wumbo" and "Execution failed" in record.getMessage()
        for record in caplog.records
    )
