"""Does a template's ``_execute_core`` ever read its ``context``? Read off its bytecode, once.

A core that never reads its context cannot tell one context object from another, so its
unrecorded runs (a data call or a pipe stage nobody observes) can all be given the same one
instead of a new object per run. The answer errs towards "reads": anything this cannot see
through (a callable that is not a plain function, a decorator's wrapper, ``**kwargs``, a
closure over the context, ``locals()``, frame access, ``eval``) counts as a read. Only code
outside the core that inspects its frame (a debugger) can see that the context is shared.

Examples:
    >>> def ignores(self, n, *, context):
    ...     return n + 1
    >>> def logs(self, n, *, context):
    ...     context.logger.debug("n=%s", n)
    ...     return n
    >>> reads_context(ignores), reads_context(logs)
    (False, True)
"""

from __future__ import annotations

import dis
from types import CodeType, FunctionType

__all__ = ["reads_context"]

_CONTEXT = "context"

_FRAME_ACCESS = frozenset({"locals", "vars", "eval", "exec", "_getframe", "currentframe"})
"""Names through which code can reach a local without naming it: a call of any counts as a read."""


def reads_context(core: object) -> bool:
    """True unless ``core`` is a plain function with a ``context`` parameter it never reads.

    Examples:
        >>> reads_context(lambda self, n, *, context: context)
        True
        >>> reads_context(lambda self, n, *, context: n)
        False
        >>> reads_context(lambda self, *args, **kwargs: args)  # context hides in kwargs
        True
    """
    if not isinstance(core, FunctionType):
        return True
    code = core.__code__
    parameters = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    if _CONTEXT not in parameters:
        return True
    return _mentions_context(code)


def _mentions_context(code: CodeType) -> bool:
    """Does ``code`` (or code nested in it) name ``context`` or reach its frame's locals?"""
    if _CONTEXT in code.co_cellvars or not _FRAME_ACCESS.isdisjoint(code.co_names):
        return True
    for instruction in dis.get_instructions(code):
        if instruction.opname == "STORE_FAST":
            continue  # binding the name reads nothing
        argument: object = instruction.argval
        # 3.13+ loads two locals in one instruction: its argval is the pair of names
        if argument == _CONTEXT or (isinstance(argument, tuple) and _CONTEXT in argument):
            return True
    return any(
        _mentions_context(constant) for constant in code.co_consts if isinstance(constant, CodeType)
    )
