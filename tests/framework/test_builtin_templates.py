"""The built-in templates (except APIClient, see test_api_client.py) and their factories."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from wumbo.framework import (
    AggregatorTemplate,
    BaseTemplate,
    BatchProcessorTemplate,
    ClassicWumboTemplate,
    DataProcessorTemplate,
    TemplateConfigError,
    TemplateType,
    TransformTemplate,
    ValidationTemplate,
    WorkflowTemplate,
    create_aggregator,
    create_batch_processor,
    create_classic_wumbo,
    create_data_processor,
    create_transformer,
    create_validator,
    create_workflow,
)


@pytest.mark.parametrize(
    ("factory", "cls", "name", "kind", "tags"),
    [
        (create_data_processor, DataProcessorTemplate, "data_processor", "DATA_PROCESSOR",
         ["data", "processing", "transformation"]),
        (create_validator, ValidationTemplate, "validator", "VALIDATOR",
         ["validation", "data", "quality", "checking"]),
        (create_aggregator, AggregatorTemplate, "aggregator", "AGGREGATOR",
         ["aggregation", "grouping", "statistics", "data"]),
        (create_batch_processor, BatchProcessorTemplate, "batch_processor", "DATA_PROCESSOR",
         ["batch", "parallel", "processing", "performance"]),
        (create_transformer, TransformTemplate, "transformer", "TRANSFORMER",
         ["transform", "map", "filter", "functional"]),
        (create_workflow, WorkflowTemplate, "workflow", "WORKFLOW",
         ["workflow", "pipeline", "steps", "conditional"]),
        (create_classic_wumbo, ClassicWumboTemplate, "classic_wumbo", "DATA_PROCESSOR",
         ["universal", "data", "processing", "transformation", "classic", "swiss-army-knife"]),
    ],
)  # fmt: skip
def test_factories_make_new_instances_with_the_documented_metadata(
    factory: Callable[[], BaseTemplate[Any]], cls: type, name: str, kind: str, tags: list[str]
) -> None:
    first, second = factory(), factory()
    assert type(first) is cls
    assert first is not second
    assert first.metadata.name == name
    assert first.metadata.version == "1.0.0"
    assert first.metadata.template_type is TemplateType[kind]
    assert first.metadata.tags == tags


def test_extra_config_goes_to_config() -> None:
    assert create_transformer(owner="ops").config == {"owner": "ops"}


# -- DataProcessor / ClassicWumbo --------------------------------------------------------------


def test_data_processor_has_the_classic_semantics() -> None:
    assert create_data_processor(operation=int)("1", "x") == [1, None]
    with pytest.raises(ValueError):
        create_data_processor(operation=int, fail_silently=False)("x")
    assert create_data_processor(postprocess=lambda items: [sum(items)], as_single=True)(1, 2) == 3
    assert create_data_processor(as_dict=True, as_single=True)(1) == {"item_0": 1}
    assert create_data_processor()(1, 2, flag="ignored") == [1, 2]


def test_data_processor_refuses_non_callable_functions() -> None:
    with pytest.raises(TemplateConfigError, match="operation must be callable, got str 'x'"):
        create_data_processor(operation="x")


def test_classic_wumbo_stores_its_options() -> None:
    classic = create_classic_wumbo(operation=abs, fail_silently=False, verbose=False)
    assert (classic.operation_func, classic.fail_silently, classic.verbose) == (abs, False, False)
    assert classic.metadata.author == "Wumbo Development Team"
    assert classic(-2) == [2]


# -- Validation --------------------------------------------------------------------------------


def is_int(value: object) -> bool:
    return isinstance(value, int)


def positive(value: Any) -> bool:
    return bool(value > 0)


def test_validation_reports_every_failure_per_value() -> None:
    reports = create_validator([is_int, positive])(3, "h")
    assert reports[0] == {"value": 3, "valid": True, "errors": []}
    assert reports[1]["valid"] is False
    assert reports[1]["errors"] == [
        "Validation failed for 'h' with validator is_int",
        "Validator positive raised exception: '>' not supported between instances of 'str' "
        "and 'int'",
    ]


def test_validation_without_validators_accepts_everything() -> None:
    assert [r["valid"] for r in create_validator()(None, 0, "")] == [True, True, True]


def test_validation_collect_errors_false_keeps_validity() -> None:
    assert create_validator([positive], collect_errors=False)(-1) == [
        {"value": -1, "valid": False, "errors": []}
    ]


def test_validation_strict_raises_at_the_first_failure() -> None:
    with pytest.raises(ValueError, match="Validation failed for -1 with validator positive"):
        create_validator([positive], strict=True)(1, -1)
    with pytest.raises(TypeError, match="not supported"):
        create_validator([positive], strict=True)("x")
    with pytest.raises(TypeError, match=r"expected list\[int\], got list \['a'\]"):
        create_validator(expected_type=list[int], strict=True)(["a"])


def test_validation_checks_type_hints_with_expect() -> None:
    reports = create_validator(expected_type=int)("1", 2)
    assert [r["valid"] for r in reports] == [False, True]
    assert reports[0]["errors"] == ["Validation failed for '1': expected int, got str '1'"]
    one_item = create_validator(expected_type=list[int])([1], ["1"])  # beartype samples items
    assert [r["valid"] for r in one_item] == [True, False]


def test_validation_survives_pickling_and_a_changed_type_hint() -> None:
    import pickle

    untyped = pickle.loads(pickle.dumps(create_validator()))  # as on a process executor
    assert untyped(1) == [{"value": 1, "valid": True, "errors": []}]
    typed = create_validator(expected_type=int)
    assert [r["valid"] for r in typed("1", 2)] == [False, True]
    typed.expected_type = str
    assert [r["valid"] for r in typed("1", 2)] == [True, False]
    assert [r["valid"] for r in pickle.loads(pickle.dumps(typed))("1", 2)] == [True, False]


def test_validation_names_validators_without_a_name() -> None:
    import functools

    check = functools.partial(lambda limit, value: value < limit, 3)
    assert create_validator([check])(5)[0]["errors"] == [
        "Validation failed for 5 with validator partial"
    ]


def test_validation_refuses_bad_validators() -> None:
    with pytest.raises(TemplateConfigError, match="validators must be a list of callables"):
        create_validator(positive)  # type: ignore[arg-type]
    with pytest.raises(TemplateConfigError, match=r"validators\[1\] must be callable, got int 3"):
        create_validator([positive, 3])  # type: ignore[list-item]


# -- Aggregator --------------------------------------------------------------------------------


def test_aggregator_defaults_to_sum_of_the_arguments() -> None:
    assert create_aggregator()(1, 2, 3) == 6
    assert create_aggregator()() == 0


def test_aggregator_groups_in_first_seen_order() -> None:
    grouped = create_aggregator(sum, group_by=lambda n: n % 2)(1, 2, 3, 4, 5, 6)
    assert grouped == {1: 9, 0: 12}
    assert list(grouped) == [1, 0]


def test_aggregator_failure_gives_none_but_a_failing_group_by_fails() -> None:
    assert create_aggregator(lambda items: items[5])(1) is None
    grouped = create_aggregator(lambda items: 10 // items[0], group_by=bool)(0, 2)
    assert grouped == {False: None, True: 5}
    with pytest.raises(ZeroDivisionError):
        create_aggregator(group_by=lambda n: 1 // n)(0)


# -- BatchProcessor ------------------------------------------------------------------------------


def test_batches_without_a_processor() -> None:
    assert create_batch_processor(2)(1, 2, 3) == [[1, 2], [3]]
    assert create_batch_processor(2)() == []


def test_batch_failures_give_none() -> None:
    assert create_batch_processor(2, processor_func=lambda b: b[1])(1, 2, 3) == [2, None]


def test_parallel_results_are_in_batch_order_even_when_the_first_batch_is_slowest() -> None:
    released = threading.Event()
    others_done = threading.Barrier(3, timeout=10)

    def process(batch: list[int]) -> int:
        if batch[0] == 1:  # the first batch waits until both others have finished
            assert released.wait(timeout=10)
        else:
            others_done.wait()
        return sum(batch)

    def release_when_others_finish() -> None:
        others_done.wait()
        released.set()

    helper = threading.Thread(target=release_when_others_finish)
    helper.start()
    processor = create_batch_processor(2, processor_func=process, parallel=True, max_workers=3)
    assert processor(1, 2, 3, 4, 5) == [3, 7, 5]
    helper.join(timeout=10)


def test_batch_processor_refuses_bad_sizes() -> None:
    with pytest.raises(TemplateConfigError, match="batch_size must be a positive int, got int 0"):
        create_batch_processor(0)
    with pytest.raises(TemplateConfigError, match="max_workers must be a positive int"):
        create_batch_processor(2, max_workers=0)


# -- Transform ----------------------------------------------------------------------------------


def test_transform_filters_first_then_maps() -> None:
    seen: list[int] = []

    def square(n: int) -> int:
        seen.append(n)
        return n * n

    assert create_transformer(map_func=square, filter_func=lambda n: n % 2)(1, 2, 3) == [1, 9]
    assert seen == [1, 3]
    assert create_transformer()(1, 2) == [1, 2]


def test_transform_errors_fail_the_execution() -> None:
    result = create_transformer(filter_func=lambda n: 1 // n).execute(0)
    assert isinstance(result.error, ZeroDivisionError)


def test_transform_runs_a_core_pipeline() -> None:
    transformer = create_transformer(map_func=abs, filter_func=bool)
    assert [stage.name for stage in transformer.pipeline().stages] == [
        "list",
        "filter_items(bool)",
        "map_items(abs)",
    ]


# -- Workflow -----------------------------------------------------------------------------------


def test_workflow_runs_steps_and_spreads_tuples() -> None:
    flow = create_workflow(
        [
            {"name": "split", "func": divmod},
            {"name": "add", "func": lambda q, r: q + r},
        ]
    )
    assert flow(7, 2) == {"final_result": 4, "step_results": {"split": (3, 1), "add": 4}}


def test_workflow_conditions_see_the_current_args_and_results() -> None:
    calls: list[tuple[Any, ...]] = []

    def only_after_first(args: tuple[Any, ...], results: dict[str, Any]) -> bool:
        calls.append((args, dict(results)))
        return "first" in results and args[0] > 100

    flow = create_workflow(
        [{"name": "first", "func": lambda n: n * 10}, {"func": str, "condition": only_after_first}]
    )
    assert flow(5) == {"final_result": 50, "step_results": {"first": 50}}
    assert calls == [((50,), {"first": 50})]
    assert flow(20)["step_results"] == {"first": 200, "step_2": "200"}


def test_workflow_without_steps_returns_the_arguments() -> None:
    assert create_workflow()(5)["final_result"] == 5
    assert create_workflow()(5, 6)["final_result"] == (5, 6)
    assert create_workflow()()["final_result"] == ()


def test_workflow_failing_step_fails_the_execution() -> None:
    assert isinstance(
        create_workflow([{"func": lambda: 1 // 0}]).execute().error, ZeroDivisionError
    )


def test_workflow_refuses_bad_steps() -> None:
    with pytest.raises(TemplateConfigError, match="step 'a': func must be callable, got NoneType"):
        create_workflow([{"name": "a"}])
    with pytest.raises(TemplateConfigError, match="step 1 must be a dict"):
        create_workflow([len])  # type: ignore[list-item]
    with pytest.raises(TemplateConfigError, match=r"unknown keys \['fn'\]"):
        create_workflow([{"fn": len}])
    with pytest.raises(TemplateConfigError, match="steps must be a list of step dicts"):
        create_workflow(len)  # type: ignore[arg-type]
