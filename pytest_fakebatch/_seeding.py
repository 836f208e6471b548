"""Checks and defaults for the values tests seed the fake with.

A test author's mistake gets a TypeError or ValueError at once, naming the value and the rule.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any, Final, Literal

from . import _clock
from ._shown import shown
from .models import (
    CONTAINER_EXITED,
    FINISHED_STATUSES,
    JOB_STATUSES,
    STARTED_STATUSES,
    Attempt,
    Job,
    JobStatus,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
ACCOUNT_ID = re.compile(r"^\d{12}$")
# CreateJobQueue / RegisterJobDefinition: up to 128 letters, numbers, hyphens and underscores.
RESOURCE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
# SubmitJob: the same, and the first character must be a letter or a number.
JOB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")

DEFAULT_JOB_DEFINITION: Final = "default"
#: "You can have up to 1,000 nodes in a single job" (user guide, node groups; a default limit).
MAX_NODES: Final = 1000
# The children an array parent given only a status gets.
CHILDREN_OF_PARENT: Final[dict[str, JobStatus]] = {
    "SUBMITTED": "SUBMITTED",
    "PENDING": "RUNNING",
    "SUCCEEDED": "SUCCEEDED",
    "FAILED": "FAILED",
}


def check_for_status(
    status: JobStatus,
    started_at: int | None,
    stopped_at: int | None,
    status_reason: str | None,
    exit_code: int | None,
) -> tuple[str | None, int | None]:
    """Reject values a job in ``status`` cannot have; return its status reason and exit code.

    A finished job gets what AWS shows for a container that exited: exit code 0 (SUCCEEDED) or 1
    (FAILED) and the reason "Essential container in task exited", unless the test chose others.
    """
    if status not in STARTED_STATUSES and started_at is not None:
        raise ValueError(f"a {status} job has not started yet; it cannot have started_at")
    if status not in FINISHED_STATUSES:
        for label, value in (("stopped_at", stopped_at), ("exit_code", exit_code)):
            if value is not None:
                raise ValueError(f"a {status} job has not finished; it cannot have {label}")
        return status_reason, None
    if status == "SUCCEEDED" and exit_code not in (None, 0):
        raise ValueError(f"a SUCCEEDED job exits with code 0, not {shown(exit_code)}")
    if exit_code is None:
        exit_code = 0 if status == "SUCCEEDED" else 1
    return (CONTAINER_EXITED if status_reason is None else status_reason), exit_code


def lifecycle(
    status: JobStatus,
    created: int,
    started_at: int | None = None,
    stopped_at: int | None = None,
    status_reason: str | None = None,
    exit_code: int | None = None,
    container_reason: str | None = None,
) -> dict[str, Any]:
    """The status-dependent fields of a job created at ``created``, checked and filled in.
    ``container_reason`` is a finished job's attempt's ``container.reason``."""
    status_reason, exit_code = check_for_status(
        status, started_at, stopped_at, status_reason, exit_code
    )
    started = stopped = None
    if status in STARTED_STATUSES:
        started = created if started_at is None else started_at
    if status in FINISHED_STATUSES:
        stopped = started if stopped_at is None else stopped_at
    check_order(created, started, stopped)
    attempts: tuple[Attempt, ...] = ()
    if stopped is not None:
        # A finished job ran once: DescribeJobs shows that attempt.
        attempts = (
            Attempt(
                started_at=started,
                stopped_at=stopped,
                exit_code=exit_code,
                reason=container_reason,
                status_reason=status_reason,
            ),
        )
    return {
        "status": status,
        "created_at": created,
        "started_at": started,
        "stopped_at": stopped,
        "status_reason": status_reason,
        "exit_code": exit_code,
        "attempts": attempts,
    }


def part_of(parent: Job, job_id: str, status: JobStatus, **position: Any) -> Job:
    """An array child or a node (``position``: its index fields), created with its parent: its
    name, queue, definition, share and spec, in ``status``."""
    return Job(
        job_id=job_id,
        job_name=parent.job_name,
        job_queue=parent.job_queue,
        job_definition=parent.job_definition,
        share_identifier=parent.share_identifier,
        spec=parent.spec,
        **position,
        **lifecycle(status, parent.created_at),
    )


def check_status(status: object) -> None:
    if status not in JOB_STATUSES:
        raise ValueError(f"status must be one of {', '.join(JOB_STATUSES)}; got {status!r}")


def check_forward(
    kind: str, job_id: str, current: str, status: object, order: Sequence[str]
) -> None:
    """``set_status``'s move of a ``kind`` (job, service job) from ``current``: ``status`` is
    one of ``order`` and comes after ``current`` in it."""
    if status not in order:
        raise ValueError(f"status must be one of {', '.join(order)}; got {status!r}")
    allowed = order[order.index(current) + 1 :]
    if status not in allowed:
        raise ValueError(
            f"{kind} {job_id} is {current}; it can move to {', '.join(allowed)}, not {status}"
        )


def statuses(label: str, given: object, count: int, default: JobStatus) -> list[JobStatus]:
    """One status per child: ``given`` is None (``default`` for all), one status, or one per child."""
    if given is None:
        return [default] * count
    if isinstance(given, str):
        check_status(given)
        return [given] * count  # type: ignore[list-item]
    if not isinstance(given, (list, tuple)):
        raise TypeError(f"{label} must be a status or a list of statuses, not {given!r}")
    if len(given) != count:
        raise ValueError(f"{label} has {len(given)} statuses for {count} jobs")
    for status in given:
        check_status(status)
    return list(given)


def describe(statuses: list[JobStatus]) -> str:
    counts = {status: statuses.count(status) for status in JOB_STATUSES if status in statuses}
    return ", ".join(f"{count} {status}" for status, count in counts.items())


def check_order(created: int, started: int | None, stopped: int | None) -> None:
    """Timestamps never go backwards: created <= started <= stopped."""
    if started is not None and started < created:
        raise ValueError(f"started_at ({started}) is before created_at ({created})")
    if stopped is not None and started is not None and stopped < started:
        raise ValueError(f"stopped_at ({stopped}) is before started_at ({started})")


def check_region(region: object) -> str:
    if not isinstance(region, str) or not REGION.match(region):
        raise ValueError(f"region must be an AWS region name such as 'us-east-1', not {region!r}")
    return region


def check_state(state: object) -> Literal["ENABLED", "DISABLED"]:
    """A factory's ``state``: a job queue's, compute environment's, service environment's or
    quota share's."""
    if state not in ("ENABLED", "DISABLED"):
        raise ValueError(f"state must be 'ENABLED' or 'DISABLED', not {state!r}")
    return state


def check_name(label: str, value: object, pattern: re.Pattern[str]) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{label} must be a string, not {value!r}")
    if not pattern.fullmatch(value):  # match() would let a trailing newline through $
        rule = "up to 128 letters, numbers, hyphens and underscores"
        if pattern is JOB_NAME:
            rule += ", starting with a letter or number"
        raise ValueError(f"invalid {label} {value!r}: AWS Batch allows {rule}")


def check_optional_str(label: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{label} must be a string or None, not {value!r}")


#: Epoch milliseconds below this (early 1973) are far more likely epoch seconds given by mistake.
PLAUSIBLE_MILLISECONDS: Final = 10**11


def check_created_at(value: object) -> None:
    """An int or None; a positive value below 10**11 is refused as plausibly seconds."""
    check_optional_int("created_at", value)
    if isinstance(value, int) and 0 < value < PLAUSIBLE_MILLISECONDS:
        raise ValueError(
            f"created_at={value!r} looks like seconds since the epoch: timestamps are epoch "
            f"milliseconds (created_at={value * 1000!r} is that moment in milliseconds)"
        )


def check_optional_int(label: str, value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(
            f"{label} must be an int (epoch milliseconds for timestamps), not {shown(value)}"
        )
    if value is None:
        return
    if label.endswith("_at"):
        # A timestamp the fake can answer with (responses carry dates up to year 9999).
        _clock.check_ms(label, value)
    elif label == "exit_code":
        check_exit_code(value)


#: exitCode is an Integer in the service model: 32 bits, signed.
MIN_EXIT_CODE, MAX_EXIT_CODE = -(2**31), 2**31 - 1


def check_exit_code(exit_code: object) -> None:
    """An exit code the service can return (an Integer in its model)."""
    if isinstance(exit_code, bool) or not isinstance(exit_code, int):
        raise TypeError(f"exit_code must be an int, not {shown(exit_code)}")
    if not MIN_EXIT_CODE <= exit_code <= MAX_EXIT_CODE:
        raise ValueError(
            f"exit_code must be a 32-bit integer ({MIN_EXIT_CODE} to {MAX_EXIT_CODE}), "
            f"not {shown(exit_code)}"
        )


#: The container a job definition gets when a test seeds it without container_properties (and the
#: "default" definition add_job registers): the busybox image of AWS's own examples, a command,
#: and 1 vCPU and 2 GiB of memory as resourceRequirements (the form AWS recommends over the
#: deprecated vcpus and memory). The empty lists are what DescribeJobDefinitions shows for a
#: container registered without them.
DEFAULT_CONTAINER: Final[dict[str, Any]] = {
    "image": "busybox",
    "command": ["echo", "hello"],
    "resourceRequirements": [
        {"value": "1", "type": "VCPU"},
        {"value": "2048", "type": "MEMORY"},
    ],
    "volumes": [],
    "environment": [],
    "mountPoints": [],
    "ulimits": [],
    "secrets": [],
}


def default_job_definition_properties() -> dict[str, Any]:
    """The properties (as DescribeJobDefinitions shows them) of a seeded container job definition
    given no container: a fresh copy each time."""
    return {
        "parameters": {},
        "containerProperties": copy.deepcopy(DEFAULT_CONTAINER),
        "containerOrchestrationType": "ECS",
    }
