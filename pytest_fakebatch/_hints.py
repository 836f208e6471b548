"""Hints for a test author's misspelt keyword: the factories take snake_case, AWS's API camelCase."""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

_P = ParamSpec("_P")
_R = TypeVar("_R")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake_case_keywords(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Make an unknown keyword's TypeError say which keyword was meant (``jobName`` ->
    ``job_name``). Costs nothing on a good call: the check runs only once Python refused one."""
    parameters = [name for name in inspect.signature(method).parameters if name != "self"]

    @functools.wraps(method)
    def checked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except TypeError:
            unknown = [name for name in kwargs if name not in parameters]
            if not unknown:
                raise
            raise TypeError(_message(method.__name__, unknown[0], parameters)) from None

    return checked


def _message(function: str, name: str, parameters: list[str]) -> str:
    start = f"{function}() got an unexpected keyword argument {name!r}"
    snake = _CAMEL_BOUNDARY.sub("_", name).lower()
    if snake != name and snake in parameters:
        return f"{start}; the fake's factories take snake_case keywords: use {snake}=..."
    close = difflib.get_close_matches(snake, parameters, n=1, cutoff=0.6)
    if close:
        return f"{start}; did you mean {close[0]}=...?"
    return f"{start}; it takes {', '.join(parameters)}"
