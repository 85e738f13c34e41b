"""``WorkflowTemplate``: named steps run in order, each optional under a condition.

Each step is a dict: ``func`` (required), ``name`` (default ``step_<n>``), ``condition``
(``condition(current_args, step_results)``; a falsy answer skips the step). A step's result is
spread into the next step's arguments when it is a tuple, else passed as one argument.

Examples:
    >>> from wumbo.framework import create_workflow
    >>> flow = create_workflow([
    ...     {"name": "double", "func": lambda n: n * 2},
    ...     {"name": "big", "func": str, "condition": lambda args, done: args[0] > 10},
    ... ])
    >>> flow(3)
    {'final_result': 6, 'step_results': {'double': 6}}
    >>> flow(30)["final_result"]
    '60'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from wumbo.core.stage import describe
from wumbo.framework._checks import is_instance
from wumbo.framework.base import BaseTemplate
from wumbo.framework.errors import TemplateConfigError
from wumbo.framework.execution import ExecutionContext
from wumbo.framework.metadata import TemplateMetadata, TemplateType

__all__ = ["WorkflowStep", "WorkflowTemplate", "create_workflow"]

WorkflowStep = Mapping[str, Any]
"""One step: ``{"name": str, "func": callable, "condition": callable}`` (name, condition
optional)."""

_STEP_KEYS = frozenset({"name", "func", "condition"})


def _checked_step(position: int, step: object) -> dict[str, Any]:
    if not isinstance(step, Mapping):
        raise TemplateConfigError(
            f"workflow step {position} must be a dict with 'func' (and optionally 'name', "
            f"'condition'), got {describe(step)}"
        )
    checked: dict[str, Any] = {"name": f"step_{position}", **step}
    name = checked["name"]
    unknown = sorted(set(checked) - _STEP_KEYS)
    if unknown:
        raise TemplateConfigError(
            f"workflow step {name!r}: unknown keys {unknown}; expected name, func, condition"
        )
    if not callable(checked.get("func")):
        raise TemplateConfigError(
            f"workflow step {name!r}: func must be callable, got {describe(checked.get('func'))}"
        )
    if "condition" in checked and not callable(checked["condition"]):
        raise TemplateConfigError(
            f"workflow step {name!r}: condition must be callable, "
            f"got {describe(checked['condition'])}"
        )
    return checked


class WorkflowTemplate(BaseTemplate[dict[str, Any]]):
    """Run the steps; returns ``{"final_result": ..., "step_results": {name: result}}``.

    ``final_result`` is the last result (the arguments themselves when no step ran: one
    argument bare, several as a tuple). Skipped steps are absent from ``step_results``; a step
    that raises fails the execution. Bad steps are refused at construction.

    Examples:
        >>> from wumbo.framework import WorkflowTemplate
        >>> WorkflowTemplate()(5, 6)
        {'final_result': (5, 6), 'step_results': {}}
        >>> WorkflowTemplate(steps=[{"name": "split", "func": divmod}])(7, 2)["final_result"]
        (3, 1)
    """

    template_metadata = TemplateMetadata(
        name="workflow",
        description="Multi-step workflow with conditional steps",
        template_type=TemplateType.WORKFLOW,
        tags=["workflow", "pipeline", "steps", "conditional"],
    )

    def __init__(self, steps: list[WorkflowStep] | None = None, **config: Any) -> None:
        if steps is not None and not is_instance(steps, (list, tuple)):
            raise TemplateConfigError(f"steps must be a list of step dicts, got {describe(steps)}")
        self.steps = [_checked_step(number, step) for number, step in enumerate(steps or (), 1)]
        super().__init__(**config)

    def _execute_core(self, *args: Any, context: ExecutionContext, **kwargs: Any) -> dict[str, Any]:
        current: tuple[Any, ...] = args
        results: dict[str, Any] = {}
        for step in self.steps:
            condition: Callable[..., object] | None = step.get("condition")
            if condition is not None and not condition(current, results):
                self.logger.debug("Skipping step %s: its condition is false", step["name"])
                continue
            result = step["func"](*current)
            results[step["name"]] = result
            current = result if isinstance(result, tuple) else (result,)  # pyright: ignore[reportUnknownVariableType]
        final = current[0] if len(current) == 1 else current
        return {"final_result": final, "step_results": results}


def create_workflow(steps: list[WorkflowStep] | None = None, **kwargs: Any) -> WorkflowTemplate:
    """A new [`WorkflowTemplate`][wumbo.framework.builtins.WorkflowTemplate].

    Examples:
        >>> create_workflow([{"func": len}])("abc")
        {'final_result': 3, 'step_results': {'step_1': 3}}
    """
    return WorkflowTemplate(steps, **kwargs)
