"""Type stubs for the parts of ``toolz.functoolz`` that wumbo uses or re-exports.

``curry`` is the important one. A curried function of 1 to 4 positional parameters keeps its
types: calling it with fewer positional arguments gives a typed curry object for the rest,
calling it with all of them gives the result::

    @curry
    def scale(factor: float, x: float) -> float: ...

    scale(2.0)        # _Curried1[float, float]: callable as (float) -> float
    scale(2.0, 3.0)   # float

The arity used is the number of *required* positional parameters, as at run time (toolz calls
the function as soon as the arguments given are enough): ``f(x, y=1)`` curries as arity 1.

Anything the positional overloads cannot describe falls back to the untyped form
``curry[R]``, still callable with any arguments (result ``Any``): keyword arguments
(``scale(factor=2.0)``), functions of other shapes (no or more than four required positional
parameters, keyword-only or variadic parameters) and ``curry(f, *args, **kwargs)``. A call that
gives *keyword* arguments returns ``curry[R]`` even when those arguments complete the call
(the checker cannot tell); call positionally to get a typed result.
"""

from collections.abc import Callable, Iterable
from inspect import Signature
from typing import Any, Generic, Self, TypeVar, overload

from typing_extensions import ParamSpec

__all__ = (
    "compose",
    "compose_left",
    "curry",
    "identity",
    "juxt",
    "pipe",
)

_T = TypeVar("_T")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)
_T0 = TypeVar("_T0")
_T1 = TypeVar("_T1")
_T2 = TypeVar("_T2")
_T3 = TypeVar("_T3")
_T4 = TypeVar("_T4")
_T5 = TypeVar("_T5")
_T6 = TypeVar("_T6")
_A1 = TypeVar("_A1", contravariant=True)
_A2 = TypeVar("_A2", contravariant=True)
_A3 = TypeVar("_A3", contravariant=True)
_A4 = TypeVar("_A4", contravariant=True)
_P = ParamSpec("_P")

def identity(x: _T, /) -> _T: ...

# -- curry -----------------------------------------------------------------------------------

class curry(Generic[_R_co]):
    """A curried callable whose final result is ``_R_co``.

    ``curry(f)`` itself is typed by the overloads of ``__new__``: the instances it gives for
    1 to 4 positional parameters are the private subclasses ``_Curried1`` .. ``_Curried4``,
    which exist only in this stub (at run time every curry object is a plain ``curry``).
    """

    @overload
    def __new__(cls, func: Callable[[_T1], _R], /) -> _Curried1[_T1, _R]: ...
    @overload
    def __new__(cls, func: Callable[[_T1, _T2], _R], /) -> _Curried2[_T1, _T2, _R]: ...
    @overload
    def __new__(cls, func: Callable[[_T1, _T2, _T3], _R], /) -> _Curried3[_T1, _T2, _T3, _R]: ...
    @overload
    def __new__(
        cls, func: Callable[[_T1, _T2, _T3, _T4], _R], /
    ) -> _Curried4[_T1, _T2, _T3, _T4, _R]: ...
    @overload
    def __new__(cls, func: Callable[..., _R], /, *args: Any, **kwargs: Any) -> curry[_R]: ...
    @property
    def func(self) -> Callable[..., _R_co]: ...
    @property
    def args(self) -> tuple[Any, ...]: ...
    @property
    def keywords(self) -> dict[str, Any]: ...
    @property
    def func_name(self) -> str: ...
    @property
    def __signature__(self) -> Signature: ...
    __name__: str
    __qualname__: str
    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...
    def bind(self, *args: Any, **kwargs: Any) -> Self: ...
    def call(self, *args: Any, **kwargs: Any) -> _R_co: ...
    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None, /) -> Self: ...
    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None, /) -> curry[_R_co]: ...

# The typed forms. The keyword overloads come last so that a wrong positional argument is
# still an error (they require the positional arguments given to have the right types too).

class _Curried1(curry[_R_co], Generic[_A1, _R_co]):
    @overload
    def __call__(self, a1: _A1, /) -> _R_co: ...
    @overload
    def __call__(self, /, **kwargs: Any) -> curry[_R_co]: ...

class _Curried2(curry[_R_co], Generic[_A1, _A2, _R_co]):
    @overload
    def __call__(self, a1: _A1, a2: _A2, /) -> _R_co: ...
    @overload
    def __call__(self, a1: _A1, /) -> _Curried1[_A2, _R_co]: ...
    @overload
    def __call__(self, /, **kwargs: Any) -> curry[_R_co]: ...
    @overload
    def __call__(self, a1: _A1, /, **kwargs: Any) -> curry[_R_co]: ...

class _Curried3(curry[_R_co], Generic[_A1, _A2, _A3, _R_co]):
    @overload
    def __call__(self, a1: _A1, a2: _A2, a3: _A3, /) -> _R_co: ...
    @overload
    def __call__(self, a1: _A1, a2: _A2, /) -> _Curried1[_A3, _R_co]: ...
    @overload
    def __call__(self, a1: _A1, /) -> _Curried2[_A2, _A3, _R_co]: ...
    @overload
    def __call__(self, /, **kwargs: Any) -> curry[_R_co]: ...
    @overload
    def __call__(self, a1: _A1, /, **kwargs: Any) -> curry[_R_co]: ...
    @overload
    def __call__(self, a1: _A1, a2: _A2, /, **kwargs: Any) -> curry[_R_co]: ...

class _Curried4(curry[_R_co], Generic[_A1, _A2, _A3, _A4, _R_co]):
    @overload
    def __call__(self, a1: _A1, a2: _A2, a3: _A3, a4: _A4, /) -> _R_co: ...
    @overload
    def __call__(self, a1: _A1, a2: _A2, a3: _A3, /) -> _Curried1[_A4, _R_co]: ...
    @overload
    def __call__(self, a1: _A1, a2: _A2, /) -> _Curried2[_A3, _A4, _R_co]: ...
    @overload
    def __call__(self, a1: _A1, /) -> _Curried3[_A2, _A3, _A4, _R_co]: ...
    @overload
    def __call__(self, /, **kwargs: Any) -> curry[_R_co]: ...
    @overload
    def __call__(self, a1: _A1, /, **kwargs: Any) -> curry[_R_co]: ...
    @overload
    def __call__(self, a1: _A1, a2: _A2, /, **kwargs: Any) -> curry[_R_co]: ...
    @overload
    def __call__(self, a1: _A1, a2: _A2, a3: _A3, /, **kwargs: Any) -> curry[_R_co]: ...

# -- compose, compose_left, pipe ---------------------------------------------------------------
# ``compose(f, g)(x) == f(g(x))``: the last function takes the arguments. Typed up to five
# functions; six or more (or ``*funcs`` of unknown length) give an untyped callable. The untyped
# overloads require more functions than the typed ones take, so that a mismatch among five or
# fewer stays an error instead of falling through to ``Any``.

@overload
def compose() -> Callable[[_T], _T]: ...
@overload
def compose(f0: Callable[_P, _T0], /) -> Callable[_P, _T0]: ...
@overload
def compose(f1: Callable[[_T0], _T1], f0: Callable[_P, _T0], /) -> Callable[_P, _T1]: ...
@overload
def compose(
    f2: Callable[[_T1], _T2], f1: Callable[[_T0], _T1], f0: Callable[_P, _T0], /
) -> Callable[_P, _T2]: ...
@overload
def compose(
    f3: Callable[[_T2], _T3],
    f2: Callable[[_T1], _T2],
    f1: Callable[[_T0], _T1],
    f0: Callable[_P, _T0],
    /,
) -> Callable[_P, _T3]: ...
@overload
def compose(
    f4: Callable[[_T3], _T4],
    f3: Callable[[_T2], _T3],
    f2: Callable[[_T1], _T2],
    f1: Callable[[_T0], _T1],
    f0: Callable[_P, _T0],
    /,
) -> Callable[_P, _T4]: ...
@overload
def compose(
    f5: Callable[..., Any],
    f4: Callable[..., Any],
    f3: Callable[..., Any],
    f2: Callable[..., Any],
    f1: Callable[..., Any],
    f0: Callable[..., Any],
    /,
    *funcs: Callable[..., Any],
) -> Callable[..., Any]: ...

# ``compose_left(f, g)(x) == g(f(x))``: the first function takes the arguments.
@overload
def compose_left() -> Callable[[_T], _T]: ...
@overload
def compose_left(f0: Callable[_P, _T0], /) -> Callable[_P, _T0]: ...
@overload
def compose_left(f0: Callable[_P, _T0], f1: Callable[[_T0], _T1], /) -> Callable[_P, _T1]: ...
@overload
def compose_left(
    f0: Callable[_P, _T0], f1: Callable[[_T0], _T1], f2: Callable[[_T1], _T2], /
) -> Callable[_P, _T2]: ...
@overload
def compose_left(
    f0: Callable[_P, _T0],
    f1: Callable[[_T0], _T1],
    f2: Callable[[_T1], _T2],
    f3: Callable[[_T2], _T3],
    /,
) -> Callable[_P, _T3]: ...
@overload
def compose_left(
    f0: Callable[_P, _T0],
    f1: Callable[[_T0], _T1],
    f2: Callable[[_T1], _T2],
    f3: Callable[[_T2], _T3],
    f4: Callable[[_T3], _T4],
    /,
) -> Callable[_P, _T4]: ...
@overload
def compose_left(
    f0: Callable[..., Any],
    f1: Callable[..., Any],
    f2: Callable[..., Any],
    f3: Callable[..., Any],
    f4: Callable[..., Any],
    f5: Callable[..., Any],
    /,
    *funcs: Callable[..., Any],
) -> Callable[..., Any]: ...

# ``pipe(data, f, g) == g(f(data))``: typed up to six functions; seven or more are untyped.
@overload
def pipe(data: _T0, /) -> _T0: ...
@overload
def pipe(data: _T0, f1: Callable[[_T0], _T1], /) -> _T1: ...
@overload
def pipe(data: _T0, f1: Callable[[_T0], _T1], f2: Callable[[_T1], _T2], /) -> _T2: ...
@overload
def pipe(
    data: _T0, f1: Callable[[_T0], _T1], f2: Callable[[_T1], _T2], f3: Callable[[_T2], _T3], /
) -> _T3: ...
@overload
def pipe(
    data: _T0,
    f1: Callable[[_T0], _T1],
    f2: Callable[[_T1], _T2],
    f3: Callable[[_T2], _T3],
    f4: Callable[[_T3], _T4],
    /,
) -> _T4: ...
@overload
def pipe(
    data: _T0,
    f1: Callable[[_T0], _T1],
    f2: Callable[[_T1], _T2],
    f3: Callable[[_T2], _T3],
    f4: Callable[[_T3], _T4],
    f5: Callable[[_T4], _T5],
    /,
) -> _T5: ...
@overload
def pipe(
    data: _T0,
    f1: Callable[[_T0], _T1],
    f2: Callable[[_T1], _T2],
    f3: Callable[[_T2], _T3],
    f4: Callable[[_T3], _T4],
    f5: Callable[[_T4], _T5],
    f6: Callable[[_T5], _T6],
    /,
) -> _T6: ...
@overload
def pipe(
    data: Any,
    f1: Callable[[Any], Any],
    f2: Callable[[Any], Any],
    f3: Callable[[Any], Any],
    f4: Callable[[Any], Any],
    f5: Callable[[Any], Any],
    f6: Callable[[Any], Any],
    f7: Callable[[Any], Any],
    /,
    *funcs: Callable[[Any], Any],
) -> Any: ...

# -- juxt ------------------------------------------------------------------------------------

class juxt(Generic[_P, _R_co]):
    """``juxt(f, g)(*args) == (f(*args), g(*args))``.

    Typed element by element for 1 to 4 functions; a list of functions, or five and more, give
    ``tuple[T, ...]`` of their common result type.
    """

    funcs: tuple[Callable[..., Any], ...]
    @overload
    def __new__(cls, f1: Callable[_P, _T1], /) -> juxt[_P, tuple[_T1]]: ...
    @overload
    def __new__(
        cls, f1: Callable[_P, _T1], f2: Callable[_P, _T2], /
    ) -> juxt[_P, tuple[_T1, _T2]]: ...
    @overload
    def __new__(
        cls, f1: Callable[_P, _T1], f2: Callable[_P, _T2], f3: Callable[_P, _T3], /
    ) -> juxt[_P, tuple[_T1, _T2, _T3]]: ...
    @overload
    def __new__(
        cls,
        f1: Callable[_P, _T1],
        f2: Callable[_P, _T2],
        f3: Callable[_P, _T3],
        f4: Callable[_P, _T4],
        /,
    ) -> juxt[_P, tuple[_T1, _T2, _T3, _T4]]: ...
    @overload
    def __new__(cls, funcs: Iterable[Callable[_P, _T1]], /) -> juxt[_P, tuple[_T1, ...]]: ...
    @overload
    def __new__(
        cls,
        f1: Callable[_P, _T1],
        f2: Callable[_P, _T1],
        f3: Callable[_P, _T1],
        f4: Callable[_P, _T1],
        f5: Callable[_P, _T1],
        /,
        *funcs: Callable[_P, _T1],
    ) -> juxt[_P, tuple[_T1, ...]]: ...
    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...

# The rest of this module is not described here: its names are Any (an incomplete stub).
def __getattr__(name: str) -> Any: ...  # pyright: ignore[reportIncompleteStub]
