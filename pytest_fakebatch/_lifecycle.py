"""How jobs move between statuses: the service's own moves (dependencies, CancelJob, TerminateJob,
retries) and the ones a test asks for (set_status, advance, complete, run_all).

Nothing moves on its own: a job stays where it is until the test or a request moves it. Every
function here runs under the store's lock and stores the new versions of the jobs it changed,
keeping an array parent's status and children, and a multi-node job's nodes, in step.

Timestamps come from the fake's clock but never go backwards for a job: a step is dated no earlier
than the job's latest timestamp, whatever the test did to the clock.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import attrs

from . import _holdings, _placement
from ._seeding import check_exit_code, check_forward, check_optional_str
from .models import (
    CONTAINER_EXITED,
    FINISHED_STATUSES,
    JOB_STATUSES,
    Attempt,
    Job,
    JobStatus,
    array_parent_status,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from ._store import Store

#: The statusReason of a job whose dependency failed (chosen: no real text was found).
DEPENDENCY_FAILED = "Dependent Job failed"
#: Statuses CancelJob acts on (API_CancelJob); TerminateJob also stops STARTING and RUNNING jobs
#: (API_TerminateJob).
CANCELLABLE: frozenset[JobStatus] = frozenset({"SUBMITTED", "PENDING", "RUNNABLE"})


# What the test asks for


def set_status(
    store: Store,
    job_id: str,
    status: JobStatus,
    *,
    reason: str | None = None,
    exit_code: int | None = None,
    container_reason: str | None = None,
) -> Job:
    """Move a job forward to ``status``, skipping steps if asked: any later status, or FAILED.
    ``container_reason`` is the ended attempt's ``container.reason`` (a finished job's only)."""
    job = _movable(store, job_id, "set_status")
    check_forward("job", job_id, job.status, status, JOB_STATUSES)
    check_optional_str("reason", reason)
    check_optional_str("container_reason", container_reason)
    if container_reason is not None and status not in FINISHED_STATUSES:
        raise ValueError(f"a {status} job has not finished; it has no container_reason")
    if exit_code is not None:
        _check_exit_code(exit_code)
        if status not in FINISHED_STATUSES:
            raise ValueError(f"a {status} job has not finished; it has no exit code")
        if status == "SUCCEEDED" and exit_code != 0:
            raise ValueError(f"a SUCCEEDED job exits with code 0, not {exit_code}")
    _holdings.check_set_status(store, job, status, exit_code)
    at = _now(store, job)
    if status == "SUCCEEDED" or (
        status == "FAILED" and (exit_code is not None or container_reason is not None)
    ):
        # A container reason belongs to an attempt: a FAILED job given one made an attempt
        # (without an exit code unless given: a container that could not start has none).
        ran = job if job.started_at is not None else _step(job, "RUNNING", at)
        code = 0 if status == "SUCCEEDED" else exit_code
        moved = _ended_attempt(ran, status, at, code, reason, container_reason)
    elif status == "FAILED":
        moved = _failed(job, at, reason, exit_code=1 if job.started_at is not None else None)
    else:
        moved = _step(job, status, at, reason)
    return _save(store, [moved])[0]


def advance(store: Store, job_id: str | None = None) -> list[Job]:
    """One step for one job (an array parent: each of its children), or for every job that can
    move: SUBMITTED to PENDING (dependencies outstanding) or RUNNABLE, PENDING to RUNNABLE once
    its dependencies succeeded (FAILED if one failed), RUNNABLE to STARTING, STARTING to RUNNING.
    Returns the jobs that moved, as they are now."""
    if job_id is None:
        candidates: Iterable[Job] = [job for job in store.jobs.values() if _moves_alone(job)]
    else:
        job = _known(store, job_id)
        if job.array_size is not None:
            if job.status in FINISHED_STATUSES:
                raise ValueError(f"array job {job_id} is {job.status}: finished jobs never change")
            candidates = [child for child in _current_children(store, job) if _moves_alone(child)]
            if not any(_next_step(store, child) for child in candidates):
                # As for a single job that cannot move: say so rather than do nothing.
                statuses = sorted({child.status for child in candidates})
                raise ValueError(
                    f"no child of array job {job_id} can move one step (they are "
                    f"{', '.join(statuses)}); complete() RUNNING ones, or finish their "
                    "dependencies first"
                )
        else:
            job = _movable(store, job_id, "advance")
            if job.status == "RUNNING":
                raise ValueError(f"job {job_id} is RUNNING; end it with complete() or set_status()")
            if job.status == "RUNNABLE":
                queue = _placement.held_by(store, job)
                if queue is not None:
                    raise ValueError(
                        f"job {job_id} is RUNNABLE, but every compute environment of its queue "
                        f"{queue.name} is DISABLED, so it is not placed; enable one "
                        "(UpdateComputeEnvironment), or move the job with set_status() or "
                        "complete()"
                    )
                _holdings.check_can_start(store, job, "start")
            if _next_step(store, job) is None:
                waiting = ", ".join(
                    f"{dependency} ({_status_of(store, dependency)})"
                    for dependency in dependency_ids(store, job)
                )
                raise ValueError(f"job {job_id} is PENDING on its dependencies: {waiting}")
            candidates = [job]
    moved = []
    for job in candidates:
        step = _next_step(store, job)
        if step is not None:
            new = _scheduled(job, step, _now(store, job))
            if step[0] == "STARTING":  # stored at once: the next job sees the resources it took
                new = _store_one(store, new, {})
            moved.append(new)
    return _save(store, moved)


def complete(
    store: Store,
    job_id: str,
    *,
    exit_code: int = 0,
    reason: str | None = None,
    container_reason: str | None = None,
) -> Job:
    """End the job's current attempt with ``exit_code``: SUCCEEDED for 0; otherwise RUNNABLE
    again while its retryStrategy allows another attempt, else FAILED. A job not yet RUNNING is
    run first; an array parent's unfinished children all end this way. ``container_reason`` is
    the attempt's ``container.reason`` (what evaluateOnExit's ``onReason`` matches)."""
    _check_exit_code(exit_code)
    check_optional_str("reason", reason)
    check_optional_str("container_reason", container_reason)
    job = _known(store, job_id)
    if job.array_size is not None:
        if job.status in FINISHED_STATUSES:
            raise ValueError(f"array job {job_id} is {job.status}: finished jobs never change")
        children = [c for c in _current_children(store, job) if c.status not in FINISHED_STATUSES]
        # The children end together, in index order: with exit code 0 a child waiting on an
        # earlier sibling (SEQUENTIAL) runs once that one succeeded, so it may run too.
        ending = frozenset(c.job_id for c in children) if exit_code == 0 else frozenset()
        for child in children:
            _check_can_run(store, child, ending)
        _holdings.check_runs(store, children)
        # One moment for all, no earlier than any child's latest timestamp.
        at = max((_now(store, c) for c in children), default=_now(store, job))
        _save(
            store,
            [
                _attempt_ends(_running(c, at), at, exit_code, reason, container_reason)
                for c in children
            ],
        )
        return store.jobs[job_id]
    job = _movable(store, job_id, "complete")
    _check_can_run(store, job)
    _holdings.check_runs(store, [job])
    at = _now(store, job)
    ended = _attempt_ends(_running(job, at), at, exit_code, reason, container_reason)
    return _save(store, [ended])[0]


def run_all(store: Store, ending: Callable[[Job, int], Job] | None = None) -> None:
    """Every job to its end: each taken step by step as far as it can go, each RUNNING job
    completed with exit code 0 (or as ``ending(job, at)`` ends its attempt: the autopilot's
    outcomes), dependencies honoured (a job whose dependency failed fails).

    A pass takes every job, in the order they were added, as far as its dependencies let it; a
    job held up by one that finishes later in the pass moves on the next. A SEQUENTIAL array
    finishes in one pass, since its children come in index order; array parents catch up with
    their children once a pass, not once a child, so a pass is linear in the number of jobs.
    """
    while True:
        parents: dict[str, None] = {}
        moved = False
        for job_id in [job.job_id for job in store.jobs.values() if _moves_alone(job)]:
            job = store.jobs[job_id]
            while job.status not in FINISHED_STATUSES:
                at = _now(store, job)
                if job.status == "RUNNING":
                    new = _attempt_ends(job, at, 0, None) if ending is None else ending(job, at)
                else:
                    step = _next_step(store, job)
                    if step is None:
                        break
                    new = _scheduled(job, step, at)
                job = _store_one(store, new, parents)
                moved = True
        _follow_parents(store, parents)
        if not moved:
            return


# What requests ask for


def cancel(store: Store, job: Job, reason: str) -> None:
    """CancelJob: SUBMITTED, PENDING and RUNNABLE jobs fail; later ones are left alone (the
    request still succeeds). A PENDING job is cancelled once its dependencies finished; an array
    parent's children are each cancelled (API_CancelJob)."""
    if job.array_size is not None:
        if job.status in FINISHED_STATUSES:
            return
        before = [child.is_cancelled for child in _current_children(store, job)]
        for child in _current_children(store, job):
            cancel(store, child, reason)
        after = [child.is_cancelled for child in _current_children(store, job)]
        if after != before:
            # "The array parent job is canceled when all child jobs are completed": marked only
            # when this request cancelled a child, so a parent whose children all ran on (or
            # were cancelled by an earlier request) does not take this one's reason.
            _save(
                store,
                [attrs.evolve(store.jobs[job.job_id], is_cancelled=True, status_reason=reason)],
            )
        return
    if job.status not in CANCELLABLE:
        return
    if job.status == "PENDING" and not _dependencies_finished(store, job):
        # "A PENDING job is canceled after all dependency jobs are completed."
        _save(store, [attrs.evolve(job, is_cancelled=True, status_reason=reason)])
        return
    _save(store, [_failed(job, _now(store, job), reason, is_cancelled=True)])


def terminate(store: Store, job: Job, reason: str) -> None:
    """TerminateJob: STARTING and RUNNING jobs fail (no retry); earlier ones are cancelled at
    once; finished jobs are left alone. An array parent's children are each terminated."""
    if job.status in FINISHED_STATUSES:
        return
    if job.array_size is not None:
        _save(store, [attrs.evolve(job, is_terminated=True, status_reason=reason)])
        for child in _current_children(store, job):
            terminate(store, child, reason)
        return
    at = _now(store, job)
    if job.status in CANCELLABLE:
        _save(store, [_failed(job, at, reason, is_terminated=True)])
        return
    # A STARTING job has not run yet (startedAt comes with RUNNING): it ends without an attempt,
    # as set_status(FAILED) from STARTING does.
    attempts = job.attempts
    if job.started_at is not None:
        attempts = (
            *attempts,
            Attempt(started_at=job.started_at, stopped_at=at, status_reason=reason),
        )
    ended = attrs.evolve(
        job,
        status="FAILED",
        stopped_at=at,
        status_reason=reason,
        is_terminated=True,
        attempts=attempts,
    )
    _save(store, [ended])


# Dependencies


def dependency_ids(store: Store, job: Job) -> list[str]:
    """The jobs this one waits for. An array child waits for what its parent depends on: a whole
    job, the previous child (SEQUENTIAL), or the same index of another array (N_TO_N)."""
    if job.array_index is None:
        return [dependency.job_id for dependency in job.depends_on if dependency.job_id]
    parent_id = job.parent_id
    assert parent_id is not None
    ids = []
    for dependency in store.jobs[parent_id].depends_on:
        if dependency.type == "SEQUENTIAL":
            if job.array_index > 0:
                ids.append(f"{parent_id}:{job.array_index - 1}")
        elif dependency.type == "N_TO_N":
            ids.append(f"{dependency.job_id}:{job.array_index}")
        elif dependency.job_id:
            ids.append(dependency.job_id)
    return ids


def _status_of(store: Store, job_id: str) -> JobStatus:
    # Chosen: a dependency that aged out of the fake (retention) no longer holds anything up.
    job = store.jobs.get(job_id)
    return "SUCCEEDED" if job is None else job.status


def _dependencies_finished(store: Store, job: Job) -> bool:
    return all(
        _status_of(store, dependency) in FINISHED_STATUSES
        for dependency in dependency_ids(store, job)
    )


def _next_step(store: Store, job: Job) -> tuple[JobStatus, str | None] | None:
    """Where the scheduler takes a job next, and why (None: it waits where it is)."""
    status = job.status
    if status in ("SUBMITTED", "PENDING"):
        statuses = [_status_of(store, dependency) for dependency in dependency_ids(store, job)]
        if job.is_cancelled and all(s in FINISHED_STATUSES for s in statuses):
            return "FAILED", job.status_reason
        if status == "SUBMITTED":
            # "If there are dependencies, the job is moved to PENDING. If there are no
            # dependencies, the job is moved to RUNNABLE." (user guide, job states)
            return (
                ("RUNNABLE", None) if all(s == "SUCCEEDED" for s in statuses) else ("PENDING", None)
            )
        if "FAILED" in statuses:
            # "If any of the job dependencies fail, the dependent job automatically transitions
            # from PENDING to FAILED." (user guide, job dependencies)
            return "FAILED", DEPENDENCY_FAILED
        return ("RUNNABLE", None) if all(s == "SUCCEEDED" for s in statuses) else None
    if status == "RUNNABLE":
        # A job waits in RUNNABLE while no compute environment of its queue is ENABLED, and
        # until its consumable resources are available.
        if _placement.held_by(store, job) or not _holdings.can_start(store, job):
            return None
        return "STARTING", None
    if status == "STARTING":
        return "RUNNING", None
    return None


def _scheduled(job: Job, step: tuple[JobStatus, str | None], at: int) -> Job:
    """The job after the scheduler's step (see ``_next_step``)."""
    status, reason = step
    return _failed(job, at, reason) if status == "FAILED" else _step(job, status, at)


def _check_can_run(store: Store, job: Job, succeeding: frozenset[str] = frozenset()) -> None:
    """A ValueError unless ``job`` may run now: its dependencies succeeded (or are among
    ``succeeding``, jobs about to succeed with it) and CancelJob has not marked it."""
    if job.status in ("SUBMITTED", "PENDING") and job.is_cancelled:
        # CancelJob marked it while it waited on its dependencies: it never runs.
        raise ValueError(
            f"job {job.job_id} was cancelled while {job.status}: it fails once its "
            "dependencies finish and never runs; advance() it instead"
        )
    if job.status in ("SUBMITTED", "PENDING"):
        waiting = [
            dependency
            for dependency in dependency_ids(store, job)
            if _status_of(store, dependency) != "SUCCEEDED" and dependency not in succeeding
        ]
        if waiting:
            listed = ", ".join(f"{d} ({_status_of(store, d)})" for d in waiting)
            raise ValueError(
                f"job {job.job_id} cannot run before its dependencies succeed: {listed}"
            )


# One job's moves (pure: they return the new version)


def _step(job: Job, status: JobStatus, at: int, reason: str | None = None) -> Job:
    """A move to a status short of finished. Only a RUNNING job has started its container."""
    return attrs.evolve(
        job,
        status=status,
        started_at=at if status == "RUNNING" else None,
        status_reason=job.status_reason if reason is None else reason,
    )


def _running(job: Job, at: int) -> Job:
    return job if job.status == "RUNNING" else _step(job, "RUNNING", at)


def _failed(
    job: Job,
    at: int,
    reason: str | None,
    *,
    exit_code: int | None = None,
    is_cancelled: bool = False,
    is_terminated: bool = False,
) -> Job:
    """FAILED without running again: never started, or its container ended (set_status)."""
    if job.started_at is None:
        return attrs.evolve(
            job,
            status="FAILED",
            stopped_at=at,
            status_reason=reason,
            is_cancelled=job.is_cancelled or is_cancelled,
            is_terminated=job.is_terminated or is_terminated,
        )
    return _ended_attempt(job, "FAILED", at, exit_code, reason)


def _ended_attempt(
    job: Job,
    status: JobStatus,
    at: int,
    exit_code: int | None,
    reason: str | None,
    container_reason: str | None = None,
) -> Job:
    """A started job finishes: its attempt is recorded with the exit code and the container's
    reason."""
    reason = CONTAINER_EXITED if reason is None else reason
    attempt = Attempt(
        started_at=job.started_at,
        stopped_at=at,
        exit_code=exit_code,
        reason=container_reason,
        status_reason=reason,
    )
    return attrs.evolve(
        job,
        status=status,
        stopped_at=at,
        exit_code=exit_code,
        status_reason=reason,
        attempts=(*job.attempts, attempt),
    )


def _attempt_ends(
    job: Job, at: int, exit_code: int, reason: str | None, container_reason: str | None = None
) -> Job:
    """A RUNNING job's container exits: success, a retry, or failure (the retry strategy)."""
    if exit_code == 0:
        return _ended_attempt(job, "SUCCEEDED", at, 0, reason, container_reason)
    failed = _ended_attempt(job, "FAILED", at, exit_code, reason, container_reason)
    if not _retries(job.spec.get("retryStrategy"), len(failed.attempts), exit_code, failed):
        return failed
    # Back to RUNNABLE for another attempt; what the attempt ended with stays in `attempts`.
    return attrs.evolve(
        failed,
        status="RUNNABLE",
        started_at=None,
        stopped_at=None,
        exit_code=None,
        status_reason=None,
    )


def _retries(
    strategy: Mapping[str, Any] | None, attempts_made: int, exit_code: int, job: Job
) -> bool:
    """Whether the retry strategy gives a failed attempt another go (API RetryStrategy)."""
    if not strategy or attempts_made >= strategy.get("attempts", 1):
        return False
    container_reason = (job.attempts[-1].reason if job.attempts else None) or ""
    for rule in strategy.get("evaluateOnExit") or ():
        # "If none of the listed conditions match, then the job is retried"; the first
        # matching one decides. Patterns match exactly, or as a prefix when they end with *.
        if (
            _glob(rule.get("onExitCode"), str(exit_code))
            and _glob(rule.get("onStatusReason"), job.status_reason or "")
            and _glob(rule.get("onReason"), container_reason)
        ):
            return str(rule.get("action", "")).upper() == "RETRY"
    return True


def _glob(pattern: str | None, value: str) -> bool:
    if pattern is None:
        return True
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    return value == pattern


# The autopilot's hooks (_autopilot decides when these run; the moves are the ones above)

# The moment a catch-up of the autopilot dates the steps it takes (None: the clock's now). A
# context variable, so other threads (and tasks) reading the fake meanwhile see the clock.
_stepping_at: ContextVar[int | None] = ContextVar("_stepping_at", default=None)


@contextlib.contextmanager
def dated(at: int) -> Iterator[None]:
    """Date the moves made inside the block at ``at`` (epoch ms) rather than the clock's now:
    the autopilot catching up moves each job when its time came."""
    token = _stepping_at.set(at)
    try:
        yield
    finally:
        _stepping_at.reset(token)


def next_step(store: Store, job: Job) -> JobStatus | None:
    """The status the scheduler's next step takes a job to (None: it waits, or is RUNNING)."""
    step = _next_step(store, job)
    return None if step is None else step[0]


def moves_alone(job: Job) -> bool:
    """Whether a job takes steps of its own: not finished, not an array parent, not a node."""
    return _moves_alone(job)


def ended_attempt(
    job: Job,
    at: int,
    exit_code: int,
    reason: str | None,
    *,
    container_reason: str | None = None,
    retry: bool = True,
) -> Job:
    """A RUNNING job's attempt ends (pure): as ``complete`` ends it, with the container's reason
    in the attempt; ``retry=False`` when the service ended it (a timeout): no further attempt."""
    if retry:
        return _attempt_ends(job, at, exit_code, reason, container_reason)
    return _ended_attempt(job, "FAILED", at, exit_code, reason, container_reason)


def end_attempt(
    store: Store,
    job_id: str,
    exit_code: int,
    reason: str | None,
    *,
    container_reason: str | None = None,
    retry: bool = True,
) -> Job:
    """``ended_attempt`` for a stored RUNNING job; returns it as stored."""
    job = store.jobs[job_id]
    return _save(
        store,
        [
            ended_attempt(
                job,
                _now(store, job),
                exit_code,
                reason,
                container_reason=container_reason,
                retry=retry,
            )
        ],
    )[0]


# Storing changes


def _save(store: Store, jobs: list[Job]) -> list[Job]:
    """Store new versions of jobs, then bring their array parents into step. Returns the jobs
    as stored."""
    parents: dict[str, None] = {}
    saved = [_store_one(store, job, parents) for job in jobs]
    _follow_parents(store, parents)
    return [store.jobs[job.job_id] for job in saved]


def _store_one(store: Store, job: Job, parents: dict[str, None]) -> Job:
    """Store one job's new version: a multi-node job's nodes follow at once; an array child's
    parent is noted in ``parents`` for ``_follow_parents``; a top-level job that just finished
    starts its retention. Returns the job as stored."""
    old = store.replace_job(job)
    _holdings.moved(store, old, job)
    if job.num_nodes is not None:
        _mirror_nodes(store, job)
    parent_id = job.parent_id
    if job.array_index is not None and parent_id is not None:
        parents[parent_id] = None
    elif (
        parent_id is None
        and job.status in FINISHED_STATUSES
        and old.status not in FINISHED_STATUSES
    ):
        store.retain(job)
    return store.jobs[job.job_id]


def _follow_parents(store: Store, parents: dict[str, None]) -> None:
    for parent_id in parents:
        _follow_children(store, store.jobs[parent_id])


def _follow_children(store: Store, parent: Job) -> None:
    """An array parent's children and status follow its children (array_parent_status)."""
    children = tuple(store.jobs[child.job_id] for child in parent.children)
    status = array_parent_status([child.status for child in children])
    finished = status in FINISHED_STATUSES
    updated = attrs.evolve(
        parent,
        children=children,
        status=status,
        stopped_at=max(c.stopped_at or 0 for c in children) if finished else None,
    )
    store.replace_job(updated)
    if finished and parent.status not in FINISHED_STATUSES:
        store.retain(updated)


def _mirror_nodes(store: Store, job: Job) -> None:
    """A multi-node job's nodes move with it: "The started, stoppedAt, statusReason and exit
    information of the job are populated from the main node" (user guide), so they agree."""
    nodes = []
    for node in job.nodes:
        current = store.jobs[node.job_id]
        moved = attrs.evolve(
            current,
            status=job.status,
            started_at=job.started_at,
            stopped_at=job.stopped_at,
            status_reason=job.status_reason,
            exit_code=job.exit_code,
            attempts=job.attempts,
            is_cancelled=job.is_cancelled,
            is_terminated=job.is_terminated,
        )
        store.replace_job(moved)
        nodes.append(moved)
    store.replace_job(attrs.evolve(job, nodes=tuple(nodes)))


# Lookups and checks


def _known(store: Store, job_id: str) -> Job:
    if not isinstance(job_id, str):
        raise TypeError(f"job_id must be a job id string, not {job_id!r}")
    job = store.jobs.get(job_id)
    if job is None:
        raise ValueError(f"the fake has no job with id {job_id!r}")
    return job


def _movable(store: Store, job_id: str, action: str) -> Job:
    """A job the test may move directly: not finished, not an array parent, not a node."""
    job = _known(store, job_id)
    if job.status in FINISHED_STATUSES:
        raise ValueError(f"job {job_id} is {job.status}: finished jobs never change")
    if job.array_size is not None and action == "set_status":
        raise ValueError(
            f"job {job_id} is an array parent: its status follows its children "
            f"({job_id}:0 and so on); move them, or advance() / complete() the parent"
        )
    if job.node_index is not None:
        raise ValueError(
            f"job {job_id} is a node: nodes move with their multi-node job {job.parent_id}"
        )
    return job


def _moves_alone(job: Job) -> bool:
    """Whether a job takes steps of its own: not finished, not an array parent, not a node."""
    return job.status not in FINISHED_STATUSES and job.array_size is None and job.node_index is None


def _current_children(store: Store, parent: Job) -> list[Job]:
    return [store.jobs[child.job_id] for child in parent.children]


def _now(store: Store, job: Job) -> int:
    """The clock, but no earlier than any timestamp of the job: its steps never go backwards,
    whatever the test did to the clock (a retried job's last attempt counts too)."""
    last_attempt = job.attempts[-1].stopped_at if job.attempts else 0
    stepping_at = _stepping_at.get()
    return max(
        store.clock.now_ms() if stepping_at is None else stepping_at,
        job.created_at,
        job.started_at or 0,
        job.stopped_at or 0,
        last_attempt,
    )


def _check_exit_code(exit_code: object) -> None:
    check_exit_code(exit_code)
