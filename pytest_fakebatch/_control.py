"""The HTTP endpoint's control API: ``/_fakebatch/<name>``, for suites that are not Python.

Each route calls the ``FakeBatch`` method of the same name, with the request's JSON members as its
keyword arguments in camelCase (``{"jobId": ..., "exitCode": 1}`` -> ``complete(job_id=...,
exit_code=1)``), so a keyword a method gains is accepted here at once, and a bad value gets the
method's own ``TypeError``/``ValueError`` message, answered with HTTP 400. No route does anything a
Python test could not do through the fake's public methods.
"""

from __future__ import annotations

import inspect
import json
import re
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs

from .models import Job, ServiceJob

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._calls import Call
    from ._fake import FakeBatch

PREFIX: Final = "/_fakebatch/"

#: Routes that call the fake's method of the same name with the body's members.
_METHOD_ROUTES: Final = ("run_all", "advance", "complete", "set_status", "reset", "outcome")
#: Every route and its HTTP method.
ROUTES: Final[dict[str, str]] = {
    **dict.fromkeys(_METHOD_ROUTES, "POST"),
    "autorun": "POST",
    "calls": "GET",
    "health": "GET",
}

_CAMEL_BOUNDARY = re.compile(r"_([a-z])")


class ControlError(Exception):
    """A control request the fake cannot carry out: answered with ``status`` and the message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def handle(fake: FakeBatch, method: str, path: str, query: str, body: bytes) -> dict[str, Any]:
    """Carry out one control request; its JSON answer, or ControlError."""
    name = path[len(PREFIX) :]
    expected = ROUTES.get(name)
    if expected is None:
        raise ControlError(
            404,
            f"no control route {path!r}; the control API has "
            + ", ".join(f"{verb} {PREFIX}{route}" for route, verb in ROUTES.items()),
        )
    if method != expected:
        raise ControlError(405, f"{PREFIX}{name} takes {expected}, not {method}")
    if name == "health":
        return _health(fake)
    if name == "calls":
        return _calls(fake, query)
    members = _members(name, body)
    try:
        if name == "autorun":
            return _set_autorun(fake, members)
        return _answer(_call(getattr(fake, name), name, members))
    except (TypeError, ValueError) as refused:
        # The fake's own checks: the message says what was wrong, with the value.
        raise ControlError(400, f"{name}: {refused}") from None


def _members(name: str, body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        members = json.loads(body)
    except (ValueError, RecursionError):
        raise ControlError(400, f"{name}: the body is not valid JSON") from None
    if not isinstance(members, dict):
        raise ControlError(400, f"{name}: the body must be a JSON object, not {members!r}")
    return members


def _call(method: Callable[..., Any], name: str, members: dict[str, Any]) -> Any:
    """``method(**members)``, the members' camelCase names turned into its keywords."""
    parameters = {
        _camel(parameter.name): parameter
        for parameter in inspect.signature(method).parameters.values()
        if parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
    }
    unknown = sorted(set(members) - set(parameters))
    if unknown:
        takes = ", ".join(map(repr, parameters)) or "no members"
        raise ControlError(
            400, f"{name}: unknown member {', '.join(map(repr, unknown))}; it takes {takes}"
        )
    missing = [
        member
        for member, parameter in parameters.items()
        if parameter.default is parameter.empty and member not in members
    ]
    if missing:
        raise ControlError(400, f"{name}: missing member {', '.join(map(repr, missing))}")
    return method(**{parameters[member].name: value for member, value in members.items()})


def _set_autorun(fake: FakeBatch, members: dict[str, Any]) -> dict[str, Any]:
    if set(members) != {"autorun"}:
        raise ControlError(
            400,
            f'autorun: the body must be {{"autorun": "poll" | seconds | null}}, not {members!r}',
        )
    fake.autorun = members["autorun"]  # the property's setter checks the value
    return {"autorun": fake.autorun}


def _health(fake: FakeBatch) -> dict[str, Any]:
    return {
        "status": "ok",
        "region": fake.region,
        "accountId": fake.account_id,
        "seed": fake.seed,
        "autorun": fake.autorun,
    }


def _calls(fake: FakeBatch, query: str) -> dict[str, Any]:
    arguments = parse_qs(query, keep_blank_values=True)
    unknown = sorted(set(arguments) - {"operation"})
    if unknown:
        raise ControlError(
            400,
            f"calls: unknown query parameter {', '.join(map(repr, unknown))}; it takes 'operation'",
        )
    operations = arguments.get("operation", [None])
    if len(operations) > 1:
        raise ControlError(400, f"calls: give one operation, not {operations!r}")
    try:
        calls = fake.get_calls(operations[0])
    except (TypeError, ValueError) as refused:
        raise ControlError(400, f"calls: {refused}") from None
    return {"calls": [_call_json(call) for call in calls]}


def _call_json(call: Call) -> dict[str, Any]:
    error = None if call.error is None else {"code": call.error.code, "message": call.error.message}
    return {
        "operation": call.operation,
        "params": call.params,
        "response": call.response,
        "error": error,
    }


def _answer(result: Any) -> dict[str, Any]:
    # The moves return jobs and service jobs alike (advance: a list that may hold both).
    if isinstance(result, (Job, ServiceJob)):
        return {"job": job_json(result)}
    if isinstance(result, list) and all(isinstance(job, (Job, ServiceJob)) for job in result):
        return {"jobs": [job_json(job) for job in result]}
    return {}


def job_json(job: Job | ServiceJob) -> dict[str, Any]:
    """What the control API shows of a job or service job: enough to tell where it is."""
    shown: dict[str, Any] = {"jobId": job.job_id, "jobName": job.job_name, "status": job.status}
    if job.status_reason is not None:
        shown["statusReason"] = job.status_reason
    if isinstance(job, Job) and job.exit_code is not None:
        shown["exitCode"] = job.exit_code
    return shown


def _camel(name: str) -> str:
    return _CAMEL_BOUNDARY.sub(lambda letter: letter[1].upper(), name)
