"""``inputs_of(pipeline)``: a Hypothesis strategy for a pipeline's input type (``wumbo[testing]``).

The type is the annotation of the first stage's parameter (through wumbo's decorators, which
keep their stage's input type), resolved by ``hypothesis.strategies.from_type``: register a
strategy for types of your own with ``st.register_type_strategy``. A property test of a whole
pipeline is then one line, for example "no input ever makes a stage raise".

Examples:
    >>> from hypothesis import given, settings
    >>> from wumbo import template
    >>> from wumbo.testing import assert_success
    >>> @template
    ... def parse(text: str) -> int:
    ...     return int(text) if text.isdecimal() else 0
    >>> @settings(max_examples=20)
    ... @given(inputs_of(parse))
    ... def test_no_input_makes_a_stage_raise(text: str) -> None:
    ...     assert_success(parse(text))  # a stage that raised would be named here
    >>> test_no_input_makes_a_stage_raise()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wumbo.core.stage import MISSING, Stage
from wumbo.core.steps import SyncStep
from wumbo.core.template import Template
from wumbo.decorators._wrap import as_template

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["input_type_of", "inputs_of"]


def _decorated_inner(stage: Stage) -> Template[Any, Any, Any] | None:
    """The pipeline a wumbo decorator's stage wraps (its input type is the decorated stage's)."""
    fn: object = stage.fn
    if isinstance(fn, SyncStep):
        owner, parts = getattr(fn.impl, "__module__", ""), fn.args
    else:
        owner, parts = type(fn).__module__, (getattr(fn, "inner", None),)
    if not owner.startswith("wumbo.decorators."):
        return None
    inner: list[Template[Any, Any, Any]] = [part for part in parts if isinstance(part, Template)]
    return inner[0] if inner else None


def input_type_of(pipeline: Callable[[Any], Any]) -> object:
    """The type a pipeline takes: the annotation of its first stage's parameter.

    Raises ``TypeError`` for a pipeline without stages or whose first stage is unannotated.

    Examples:
        >>> from wumbo import template
        >>> def parse(text: str) -> int:
        ...     return int(text)
        >>> input_type_of(template(parse) | str)
        <class 'str'>
        >>> input_type_of(template(lambda text: text))
        Traceback (most recent call last):
        ...
        TypeError: cannot tell the input type of pipeline '<lambda>': its first stage '<lambda>' has no annotation on its parameter; annotate it (def <lambda>(value: SomeType) -> ...) or draw inputs with a strategy of your own
    """
    whole = as_template(pipeline)
    current = whole
    while current.stages:
        first = current.stages[0]
        inner = _decorated_inner(first)
        if inner is None:
            if first.in_hint is MISSING:
                raise TypeError(
                    f"cannot tell the input type of pipeline {whole.__name__!r}: its first "
                    f"stage {first.name!r} has no annotation on its parameter; annotate it "
                    f"(def {first.name}(value: SomeType) -> ...) or draw inputs with a "
                    f"strategy of your own"
                )
            return first.in_hint
        current = inner
    raise TypeError(
        f"cannot tell the input type of pipeline {whole.__name__!r}: it has no stages "
        f"(it passes any value through); draw inputs with a strategy of your own"
    )


def inputs_of(pipeline: Callable[[Any], Any]) -> SearchStrategy[Any]:
    """A Hypothesis strategy drawing values of ``pipeline``'s input type (``st.from_type``).

    Raises ``TypeError`` at once when the first stage is unannotated (see
    [`input_type_of`][wumbo.testing.strategies.input_type_of]), and ``ModuleNotFoundError``
    naming the extra when Hypothesis is not installed.

    Examples:
        >>> from hypothesis import given, settings
        >>> from wumbo import template
        >>> def shout(text: str) -> str:
        ...     return text.upper()
        >>> @settings(max_examples=5)
        ... @given(inputs_of(template(shout)))
        ... def test_draws_text(value: str) -> None:
        ...     assert isinstance(value, str)
        >>> test_draws_text()
    """
    hint: Any = input_type_of(pipeline)
    try:
        from hypothesis import strategies as st
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "inputs_of needs Hypothesis: pip install 'wumbo[testing]'", name=error.name
        ) from error
    return st.from_type(hint)
