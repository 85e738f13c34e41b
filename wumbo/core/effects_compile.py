"""A behaviour's plain sync and async functions, derived from its one generator.

Driving a generator costs a few microseconds per call (the generator, a request object, the
``StopIteration`` that carries its result); on the success path of ``retry`` or a cache hit that
would be most of the cost. So, as ``core/compile.py`` does for pipelines, the behaviour's
source is rewritten once per process into two plain functions, and the drivers of
`wumbo.core.effects` stay the reference they must match (``WUMBO_NO_CODEGEN=1`` runs the
drivers instead):

* ``yield Call(inner, value)`` becomes ``inner(value)`` (sync) or ``await inner.acall(value)``;
* any other ``yield request`` becomes ``request.run_sync()`` or ``await request.run_async()``;
* a bare ``yield`` becomes ``None``.

An exception a request raises then surfaces at the same place as when a driver throws it in
at the ``yield``, so ``try``/``finally`` and ``with`` keep their meaning. The derived code is
compiled with the behaviour's own file name and line numbers: a traceback, ``pdb`` and
``inspect.getsource`` show the generator's lines.

Examples:
    >>> import inspect
    >>> from wumbo.core.effects import behaviour_step
    >>> from wumbo.core.combinators import _tap
    >>> inspect.iscoroutinefunction(derived(_tap, is_async=True))
    True
    >>> derived(_tap, is_async=False) is derived(_tap, is_async=False)
    True
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["derived"]

_derived: dict[tuple[Callable[..., Any], bool], Callable[..., Any]] = {}


class _Unyield(ast.NodeTransformer):
    """Replace each ``yield`` of one function body (not of functions nested in it)."""

    def __init__(self, is_async: bool) -> None:
        self.is_async = is_async

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return node  # a nested function keeps its own yields

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return node

    def visit_YieldFrom(self, node: ast.YieldFrom) -> ast.AST:
        raise TypeError("a behaviour yields requests one at a time: 'yield from' is not supported")

    def visit_Yield(self, node: ast.Yield) -> ast.AST:
        self.generic_visit(node)
        request = node.value
        replaced: ast.expr
        if request is None:
            replaced = ast.Constant(None)
        elif (
            isinstance(request, ast.Call)
            and isinstance(request.func, ast.Name)
            and request.func.id == "Call"
            and len(request.args) == 2
            and not request.keywords
        ):
            inner, value = request.args
            if self.is_async:
                acall = ast.Attribute(inner, "acall", ast.Load())
                replaced = ast.Await(ast.Call(acall, [value], []))
            else:
                replaced = ast.Call(inner, [value], [])
        else:
            method = "run_async" if self.is_async else "run_sync"
            replaced = ast.Call(ast.Attribute(request, method, ast.Load()), [], [])
            if self.is_async:
                replaced = ast.Await(replaced)
        return ast.copy_location(replaced, node)


def _compile(behaviour: Callable[..., Any], is_async: bool) -> Callable[..., Any]:
    code = behaviour.__code__
    if code.co_freevars or not inspect.isgeneratorfunction(behaviour):
        raise TypeError(
            f"a behaviour must be a generator function defined at module level, "
            f"got {behaviour.__qualname__}"
        )
    import textwrap  # on first use: a behaviour compiles when a stage is built

    tree = ast.parse(textwrap.dedent(inspect.getsource(behaviour)))
    definition = tree.body[0]
    assert isinstance(definition, ast.FunctionDef)
    arguments = definition.args
    for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        argument.annotation = None  # hints are for the checkers; they may name unimported types
    unyield = _Unyield(is_async)
    definition.body = [unyield.visit(statement) for statement in definition.body]
    definition.decorator_list, definition.returns = [], None
    function: ast.stmt = definition
    if is_async:
        fields = {field: getattr(definition, field) for field in definition._fields}
        function = ast.copy_location(ast.AsyncFunctionDef(**fields), definition)
    module = ast.Module([function], [])
    ast.fix_missing_locations(module)
    ast.increment_lineno(module, code.co_firstlineno - 1)  # the source starts at that line
    namespace: dict[str, Any] = {}
    exec(
        compile(module, code.co_filename, "exec", dont_inherit=True),
        behaviour.__globals__,
        namespace,
    )
    made: Callable[..., Any] = namespace[definition.name]
    made.__qualname__ = behaviour.__qualname__
    made.__module__ = behaviour.__module__
    vars(made)["__wumbo_behaviour__"] = behaviour  # how a step running it pickles
    return made


def derived(behaviour: Callable[..., Any], *, is_async: bool) -> Callable[..., Any]:
    """The plain function (``async def`` with ``is_async``) doing what ``behaviour`` does.

    Compiled on first use, then cached for the life of the process.

    Examples:
        >>> def add(n, value):
        ...     return value + n
        ...     yield
        >>> derived(add, is_async=False)(2, 40)
        42
    """
    key = (behaviour, is_async)
    made = _derived.get(key)
    if made is None:
        made = _derived[key] = _compile(behaviour, is_async)
    return made
