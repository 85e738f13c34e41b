"""Known API typing issues that show in mypy only; checked by mypy only.

Pins as in known_issues.py. MISSED ERROR: wrong code mypy accepts today; pyright reports each
of these (pyright_only_inference.py has them as expected errors). Once mypy reports one, that
line fails: move it to the shared incorrect cases with its ``# type: ignore[<code>]``.

Why mypy only: when a call's type context does not fit a typed overload, mypy retries the
untyped overload (``expect(hint: object)``), and when an argument holds ``Any`` and several overloads match, mypy makes the
whole result ``Any``: so a pipeline composed with a stage returning ``Any``
loses even its input type.
"""

from __future__ import annotations

from typing import Any, assert_type

from wumbo import Template, expect, template

from _stages import check_a, parse, show

split = template(str.split)
parse_t = template(parse)
show_t = template(show)
check_a_t = template(check_a)


def load_any(text: str) -> Any:  # an untyped library function, e.g. json.loads
    return text


# -- MISSED ERROR ----------------------------------------------------------------------------

# 1. The declared type makes mypy pick the untyped overload of expect. (fan_out and pipe are
#    fixed: they have no untyped overload; see shared_combinators.py.)
declared_wrong_expect: Template[object, str] = expect(int)

# 2. A stage returning Any: Template[Any, Any, Any], so a wrong input is accepted.
#    (``| batch(n)`` is fixed: see shared_combinators.py.)
assert_type(template(load_any), Template[Any, Any, Any])
assert_type(template(str.strip) | load_any, Template[Any, Any, Any])
untyped_wrong_input = (template(str.strip) | load_any).run(123)

# 3. ``case Success(value)`` on a Result: mypy narrows an open generic base to its subclass
#    with ``Any`` type arguments, so the value is ``Any`` (pyright keeps it). Without wumbo:
from known_issues_match import Err, Ok, Res  # noqa: E402


def narrowed_from_open_base(result: Res[int, str]) -> None:
    match result:
        case Ok(value):
            assert_type(value, int)  # type: ignore[assert-type]
        case Err(error):
            assert_type(error, str)  # type: ignore[assert-type]
        case _:
            pass
