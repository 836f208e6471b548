"""The call log: every Batch call the fake answered, and assertions over it."""

from __future__ import annotations

import copy
import difflib
import functools
import re
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@attrs.frozen
class CallError:
    """The error a call got: the service's code and message (``ClientException``, ...)."""

    code: str
    message: str


@attrs.frozen
class Call:
    """One Batch call, as the service saw it.

    ``params`` are the request's parameters as the service decoded them from the wire (camelCase,
    as in the API reference); ``response`` is the response body (None when the call failed) and
    ``error`` what it failed with (None when it succeeded).
    """

    operation: str
    params: Mapping[str, Any]
    _response: Mapping[str, Any] | None = attrs.field(default=None, alias="response")
    error: CallError | None = None

    @property
    def response(self) -> Mapping[str, Any] | None:
        """A copy of the response body: the logged one shares the fake's cached summaries, so a
        test that edits what it reads must not change what the fake answers next."""
        return copy.deepcopy(self._response)

    def matches(self, operation: str | None, params: Mapping[str, Any]) -> bool:
        if operation is not None and operation not in (self.operation, method_name(self.operation)):
            return False
        return all(
            name in self.params and self.params[name] == value for name, value in params.items()
        )

    def describe(self) -> str:
        outcome = "ok" if self.error is None else f"{self.error.code}: {self.error.message}"
        return f"{self.operation}({_format_params(self.params)}) -> {outcome}"


def check_query(operation: str | None, params: Mapping[str, Any]) -> None:
    """Refuse a misspelt operation or parameter name: it would silently match nothing."""
    __tracebackhide__ = True
    check_operation(operation)
    known = _input_members(operation)
    for name in params:
        if "_" in name:
            camel = name.split("_")[0] + "".join(part.title() for part in name.split("_")[1:])
            raise TypeError(
                f"parameters are matched as the service received them, in camelCase: "
                f"use {camel}=..., not {name}=..."
            )
        if name not in known:
            where = f"{operation}" if operation else "any Batch operation"
            raise TypeError(f"{name!r} is not a parameter of {where}{_did_you_mean(name, known)}")


def check_operation(operation: str | None) -> None:
    """Refuse an operation name that is not Batch's (``ListJobs`` or ``list_jobs``)."""
    if operation is None:
        return
    if not isinstance(operation, str):
        raise TypeError(f"operation must be an operation name or None, not {operation!r}")
    if operation not in _operation_names():
        # Each operation suggested once, in the form given: ListJobs, or list_jobs.
        api_names = _service_model().operation_names
        shown = map(method_name, api_names) if operation.islower() else api_names
        suggestion = _did_you_mean(operation, frozenset(shown))
        raise TypeError(f"{operation!r} is not a Batch operation{suggestion}")


def _did_you_mean(name: str, choices: frozenset[str]) -> str:
    close = difflib.get_close_matches(name, sorted(choices), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(map(repr, close))}?" if close else ""


@functools.cache
def _service_model() -> Any:
    import botocore.session  # loaded already: the fake routes botocore's clients

    return botocore.session.get_session().get_service_model("batch")


@functools.cache
def _operation_names() -> frozenset[str]:
    names = _service_model().operation_names
    return frozenset(names) | frozenset(map(method_name, names))


@functools.cache
def _input_members(operation: str | None) -> frozenset[str]:
    model = _service_model()
    if operation is None:
        return frozenset().union(*(_input_members(name) for name in model.operation_names))
    name = next(n for n in model.operation_names if operation in (n, method_name(n)))
    shape = model.operation_model(name).input_shape
    return frozenset(shape.members) if shape is not None else frozenset()


def method_name(operation: str) -> str:
    """The client method of an API operation: ``ListJobs`` -> ``list_jobs``."""
    return _CAMEL_BOUNDARY.sub("_", operation).lower()


def _format_params(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in params.items())


def _wanted(operation: str | None, params: Mapping[str, Any]) -> str:
    shown = _format_params(params)
    if operation is None:
        return f"a call with {shown}" if shown else "any call"
    return f"{operation}({shown})"


def _listing(calls: Sequence[Call], empty: str) -> str:
    if not calls:
        return empty
    return "\n".join(f"  {number}. {call.describe()}" for number, call in enumerate(calls, 1))


def single_call(calls: Sequence[Call], operation: str | None, params: Mapping[str, Any]) -> Call:
    __tracebackhide__ = True
    check_query(operation, params)
    matches = [call for call in calls if call.matches(operation, params)]
    if len(matches) == 1:
        return matches[0]
    raise AssertionError(
        f"expected exactly one call matching {_wanted(operation, params)}, "
        f"found {len(matches)}:\n{_listing(matches, '  (none)')}\n"
        f"All Batch calls:\n{_listing(calls, '  (none)')}"
    )


def assert_called(calls: Sequence[Call], operation: str, params: Mapping[str, Any]) -> None:
    __tracebackhide__ = True
    check_query(operation, params)
    if any(call.matches(operation, params) for call in calls):
        return
    same_operation = [call for call in calls if call.matches(operation, {})]
    lines = [f"expected a call matching {_wanted(operation, params)}, but none was made."]
    if same_operation:
        lines.append(f"{operation} was called with:")
        for number, call in enumerate(same_operation, 1):
            differences = [
                f"{name}: expected {value!r}, got "
                + (repr(call.params[name]) if name in call.params else "(not given)")
                for name, value in params.items()
                if call.params.get(name, _MISSING) != value
            ]
            lines.append(f"  {number}. {call.describe()}")
            lines.extend(f"       {difference}" for difference in differences)
    else:
        lines.append(f"{operation} was not called. All Batch calls:")
        lines.append(_listing(calls, "  (none)"))
    raise AssertionError("\n".join(lines))


def assert_not_called(
    calls: Sequence[Call], operation: str | None, params: Mapping[str, Any]
) -> None:
    __tracebackhide__ = True
    check_query(operation, params)
    matches = [call for call in calls if call.matches(operation, params)]
    if matches:
        raise AssertionError(
            f"expected no call matching {_wanted(operation, params)}, found {len(matches)}:\n"
            f"{_listing(matches, '')}"
        )


_MISSING = object()
