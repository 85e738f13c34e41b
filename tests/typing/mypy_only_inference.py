"""Cases only mypy types as written; checked by mypy only (pyright skips ``mypy_only_*``).

Why mypy only:
* mypy infers a lambda's parameters from the ``|`` overloads and from a combinator's place in
  ``.then(...)``; pyright leaves them unknown (errors in strict mode), see
  pyright_only_inference.py for pyright's side of each.
* ``branch`` of two Templates that declare no error (error type ``Never``): mypy keeps
  ``Never``; pyright turns the union of ``Never`` type variables into ``Unknown``
  (pyright_only_known_issues.py pins it).
* ``fan_out`` of Templates whose inputs do not match: mypy solves the input as ``Never``, so the
  pipeline cannot be called (an error at the call); pyright reports the fan_out call itself.
* a ``functools.partial`` on the left of ``|`` (or given to template()): its ``__call__`` takes
  ``*args: Any``, so mypy makes the input ``Any``; pyright reads the partial's real signature.
* an un-awaited ``acall``/``arun`` is a ``Coroutine`` for mypy (pyright: ``CoroutineType``).
"""

from __future__ import annotations

import functools
from collections.abc import Coroutine
from typing import Any, Never, assert_type

from wumbo import (
    Result,
    StageError,
    Template,
    branch,
    fan_out,
    filter_items,
    map_items,
    reduce_items,
    template,
)

from _stages import add, double, is_positive, parse, show

split = template(str.split)
parse_t = template(parse)
double_t = template(double)
show_t = template(show)

# -- lambdas ---------------------------------------------------------------------------------

assert_type(parse_t | (lambda n: n + 1), Template[str, int])
assert_type(parse_t | (lambda n: str(n)) | (lambda s: s.upper()), Template[str, str])
assert_type(split | map_items(parse) | filter_items(lambda n: n > 0), Template[str, list[int]])
assert_type(split.then(map_items(lambda s: s.upper())), Template[str, list[str]])
assert_type(split.then(map_items(parse)).then(filter_items(lambda n: n > 0)), Template[str, list[int]])
assert_type(
    split.then(map_items(parse)).then(reduce_items(lambda acc, n: acc + n, 0)),
    Template[str, int],
)
assert_type(split | map_items(parse) | reduce_items(lambda acc, n: acc + n, 0), Template[str, int])

# -- Never error channels through branch -----------------------------------------------------

assert_type(branch(is_positive, double_t, show_t), Template[int, int | str])
assert_type(parse_t | branch(is_positive, double_t, show_t), Template[str, int | str])

# -- functools.partial on the left -----------------------------------------------------------

assert_type(functools.partial(add, 1) | double_t, Template[Any, int])
assert_type(template(functools.partial(add, 1)), Template[Any, int])

# -- un-awaited coroutines -------------------------------------------------------------------


async def not_awaited() -> None:
    await assert_type(parse_t.acall("1"), Coroutine[Any, Any, Result[int, StageError]])
    await assert_type(parse_t.arun("1"), Coroutine[Any, Any, int])


# ============================================================================================
# Incorrect cases (mypy only)
# ============================================================================================

bad_lambda: object = parse_t | (lambda n: n.upper())  # type: ignore[attr-defined]
bad_filter_lambda: object = split | filter_items(lambda n: n > 0)  # type: ignore[operator]
# fan_out of Templates whose inputs differ (int and str): mypy solves the shared input as their
# meet, Never, instead of reporting it (pyright reports it: pyright_only_inference.py); the
# pipeline cannot be run or composed after anything.
mismatched_fan_out = fan_out(double_t, template(str.strip))
assert_type(mismatched_fan_out, Template[Never, tuple[int, str]])
bad_fan_out_run: object = mismatched_fan_out.run(1)  # type: ignore[arg-type]
