"""``ValidationTemplate``: one report per argument, from predicates and an optional type hint.

Each argument gets ``{"value": arg, "valid": bool, "errors": [...]}``. Every validator runs
(errors accumulate); a validator returning a falsy value or raising makes the value invalid.
``expected_type`` checks each value against a type hint first, with the core's ``expect``
(beartype, which checks one sampled item of a container, not every item). ``strict=True``
raises at the first failure instead.

Examples:
    >>> from wumbo.framework import create_validator
    >>> positive = create_validator([lambda n: n > 0])
    >>> [report["valid"] for report in positive(3, -1)]
    [True, False]
    >>> create_validator(expected_type=int)("7")[0]["errors"]
    ["Validation failed for '7': expected int, got str '7'"]
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any

from returns.result import Success

from wumbo.core.combinators import expect
from wumbo.core.stage import describe
from wumbo.core.template import Template
from wumbo.framework.base import BaseTemplate
from wumbo.framework.errors import TemplateConfigError
from wumbo.framework.execution import ExecutionContext
from wumbo.framework.metadata import TemplateMetadata, TemplateType

__all__ = ["ValidationTemplate", "create_validator"]


class _NoType(enum.Enum):
    NO_TYPE = "NO_TYPE"  # an enum member: still the same object after pickling


_NO_TYPE: Any = _NoType.NO_TYPE


def _label(function: object) -> str:
    return str(getattr(function, "__name__", type(function).__name__))


def _hint_label(hint: object) -> str:
    return hint.__name__ if isinstance(hint, type) else repr(hint).replace("typing.", "")


class ValidationTemplate(BaseTemplate[list[dict[str, Any]]]):
    """Validate every argument; see the module docstring for the report format.

    ``collect_errors=False`` leaves ``errors`` empty (validity is still computed). With
    ``strict=True`` a falsy validator raises ``ValueError``, a type mismatch ``TypeError``,
    and a raising validator its own exception.

    Examples:
        >>> from wumbo.framework import ValidationTemplate
        >>> is_int = lambda v: isinstance(v, int)
        >>> ValidationTemplate([is_int], strict=True)("x")
        Traceback (most recent call last):
        ...
        ValueError: Validation failed for 'x' with validator <lambda>
    """

    template_metadata = TemplateMetadata(
        name="validator",
        description="Validate data items against predicates and type hints",
        template_type=TemplateType.VALIDATOR,
        tags=["validation", "data", "quality", "checking"],
    )

    def __init__(
        self,
        validators: Iterable[Callable[[Any], object]] | None = None,
        strict: bool = False,
        collect_errors: bool = True,
        expected_type: object = _NO_TYPE,
        **config: Any,
    ) -> None:
        self.validators: list[Callable[[Any], object]] = self._listed(validators)
        self.strict = strict
        self.collect_errors = collect_errors
        self.expected_type = expected_type
        self._type_check: tuple[object, Template[object, Any]] | None = None
        super().__init__(**config)

    @staticmethod
    def _listed(validators: object) -> list[Callable[[Any], object]]:
        if validators is None:
            return []
        if callable(validators) or not isinstance(validators, Iterable):
            raise TemplateConfigError(
                f"validators must be a list of callables, got {describe(validators)}"
            )
        listed: list[Callable[[Any], object]] = list(validators)  # pyright: ignore[reportUnknownArgumentType]
        for position, validator in enumerate(listed):
            if not callable(validator):
                raise TemplateConfigError(
                    f"validators[{position}] must be callable, got {describe(validator)}"
                )
        return listed

    def _type_error(self, value: Any) -> str | None:
        hint = self.expected_type
        if hint is _NO_TYPE:
            return None
        if self._type_check is None or self._type_check[0] is not hint:
            self._type_check = (hint, expect(hint))  # built once, rebuilt if the hint changes
        if isinstance(self._type_check[1](value), Success):
            return None
        label = _hint_label(self.expected_type)
        message = f"Validation failed for {value!r}: expected {label}, got {describe(value)}"
        if self.strict:
            raise TypeError(message)
        return message

    def _validator_error(self, validator: Callable[[Any], object], value: Any) -> str | None:
        try:
            if validator(value):
                return None
        except Exception as error:
            if self.strict:
                raise
            return f"Validator {_label(validator)} raised exception: {error}"
        message = f"Validation failed for {value!r} with validator {_label(validator)}"
        if self.strict:
            raise ValueError(message)
        return message

    def _report(self, value: Any) -> dict[str, Any]:
        found = [self._type_error(value)]
        found += [self._validator_error(validator, value) for validator in self.validators]
        errors = [message for message in found if message is not None]
        return {
            "value": value,
            "valid": not errors,
            "errors": errors if self.collect_errors else [],
        }

    def _execute_core(
        self, *args: Any, context: ExecutionContext, **kwargs: Any
    ) -> list[dict[str, Any]]:
        return [self._report(value) for value in args]


def create_validator(
    validators: Iterable[Callable[[Any], object]] | None = None, **kwargs: Any
) -> ValidationTemplate:
    """A new [`ValidationTemplate`][wumbo.framework.builtins.ValidationTemplate].

    Examples:
        >>> create_validator([str.isdigit], collect_errors=False)("a")
        [{'value': 'a', 'valid': False, 'errors': []}]
    """
    return ValidationTemplate(validators, **kwargs)
