# mypy: ignore-errors
"""Known API typing issues that show in pyright only; checked by pyright only.

Pins as in known_issues.py, with ``# pyright: ignore[rule]`` as the marker:
* WRONG TYPE: ``assert_type(expr, <the type it should have>)`` marked with the failure pyright
  reports today; mypy gives that type (see mypy_only_inference.py). Once fixed, the marker is
  unnecessary and pyright fails: drop it and move the case to the shared files.
* FALSE ERROR: valid code pyright rejects, with its marker.
* MISSED ERROR: wrong code pyright accepts, pinned by what it infers now.

Why pyright only:
* pyright turns a union of type variables that were all solved as ``Never`` into ``Unknown``:
  ``branch`` returns ``E | E2`` from its two Templates, so when neither declares an error the
  error type is Unknown (a strict-mode error wherever it is stored). ``Template.then`` is
  unaffected (its own E is already bound); ``pipe`` and ``fan_out`` have first overloads for
  Templates that declare no error (``Template[X, Y, Never]``), which branch could have too.
* ``fan_out`` of Templates whose inputs differ falls through to the untyped overload in
  pyright (mypy solves the input as Never).
* ``reduce_items(operator.add)``, the docstring example: pyright cannot match the generic,
  overloaded ``operator.add`` to ``(A, A) -> A``.
"""

from __future__ import annotations

import operator
from typing import Any, assert_type

from wumbo import Template, fan_out, reduce_items, template

from _stages import double, parse, shout, show

parse_t = template(parse)
double_t = template(double)
show_t = template(show)

# -- WRONG TYPE ------------------------------------------------------------------------------

# 1. (fixed: branch, pipe and fan_out have Never-only overloads; see shared_combinators.py)

# 2. (fixed: ``| tap(f)`` with f taking a wider type keeps the type; see shared_combinators.py)

# -- FALSE ERROR -----------------------------------------------------------------------------

# 3. A generic, overloaded function given to reduce_items.
total = reduce_items(operator.add)  # pyright: ignore[reportArgumentType, reportUnknownVariableType]

# -- MISSED ERROR ----------------------------------------------------------------------------

# 4. fan_out of Templates with different inputs: untyped instead of an error.
assert_type(fan_out(double_t, template(shout)), Template[Any, tuple[Any, ...], Any])
