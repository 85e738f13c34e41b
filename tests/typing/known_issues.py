"""Known typing issues of the wumbo API, pinned so that a fix shows: mypy AND pyright.

Three kinds of pin, each with the issue it shows:
* WRONG TYPE: ``assert_type(expr, <the type it should have>)  # type: ignore[assert-type]``.
  Both checkers fail the assertion today; once the API is fixed the ignore is unused and the
  suite fails: drop the marker and move the case to the matching shared_*.py file.
* FALSE ERROR: valid code that the checkers reject today, with the error's marker; once fixed
  the marker is unused: drop it and move the case.
* MISSED ERROR: wrong code both checkers accept today, pinned by what they infer now. Once the
  API reports it, that line fails: give it its ``# type: ignore[<code>]`` and move it to the
  incorrect cases.
Checker-specific issues: mypy_only_known_issues.py, pyright_only_known_issues.py.
"""

from __future__ import annotations

from typing import Any, assert_type

from wumbo import Result, Success, Template, template

from _stages import ErrA, ErrB, check_a, double, parse, show

split = template(str.split)
parse_t = template(parse)
double_t = template(double)
show_t = template(show)
check_a_t = template(check_a)


def record(n: int) -> Result[None, ErrB]:
    return Success(None)


def positive_checked(n: int) -> Result[bool, ErrA]:
    return Success(n > 0)


def load_any(text: str) -> Any:  # an untyped library function, e.g. json.loads
    return text


# -- WRONG TYPE ------------------------------------------------------------------------------

# 1. (fixed: tap and filter_items keep their inner stage's declared error; see
#    shared_combinators.py)

# 2. (fixed: branch takes a function that returns a Result or is async, given bare, on either
#    side; see shared_combinators.py)

# 3. (fixed: every typed pipe overload takes ``name``; see shared_pipe.py)

# 4. A stage returning Any (json.loads, untyped libraries) makes the error type Any: it matches
#    the Result overloads too (mypy also loses the input type: mypy_only_known_issues.py).
assert_type(template(load_any), Template[str, Any])  # type: ignore[assert-type]

# 5. (fixed: ``x | batch(n)`` takes the item type from x; see shared_combinators.py)

# -- FALSE ERROR -----------------------------------------------------------------------------
# (none in both checkers at present; see pyright_only_known_issues.py)

# -- MISSED ERROR ----------------------------------------------------------------------------

# 6. (fixed: fan_out is typed for 2 to 10 Templates and has no untyped overload, so
#    Templates that do not fit are an error; see shared_combinators.py)

# 7. (fixed: fan_out with one stage is an error; see shared_combinators.py)
