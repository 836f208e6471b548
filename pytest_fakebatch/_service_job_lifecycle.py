"""How service jobs move: the scheduler's steps a test asks for (set_status, advance, complete,
run_all, through FakeBatch's helpers, which take a service job's id as they take a job's) and
TerminateServiceJob.

A service job goes SUBMITTED, RUNNABLE, SCHEDULED (handed to SageMaker AI: its attempt's training
job exists), STARTING, RUNNING, then SUCCEEDED or FAILED (user guide, "Submit a service job" and
"Mapping AWS Batch service job status to SageMaker AI status"). Nothing moves on its own. A
RUNNABLE job is scheduled only when an ENABLED service environment of its ENABLED queue has the
capacity it needs ("a subsequent job requiring 10 instances waits in the queue until capacity is
available", API CapacityLimit); a job holds its capacity from SCHEDULED until it finishes.
Every function runs under the store's lock.
"""

from __future__ import annotations

import heapq
import json
from typing import TYPE_CHECKING, Any, Final

import attrs

from . import _arns
from ._seeding import check_forward, check_optional_str
from .models import SERVICE_JOB_STATUSES, ServiceJob, ServiceJobAttempt, ServiceJobStatus

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._store import Store
    from .models import JobQueue

FINISHED: Final[frozenset[ServiceJobStatus]] = frozenset({"SUCCEEDED", "FAILED"})
#: Statuses in which a job holds capacity of its service environment.
HOLDING: Final[frozenset[ServiceJobStatus]] = frozenset({"SCHEDULED", "STARTING", "RUNNING"})
#: Observed: a succeeded service job's and its attempt's statusReason (API_DescribeServiceJob
#: example).
SUCCEEDED_REASON: Final = "Job completed successfully"
ATTEMPT_SUCCEEDED_REASON: Final = "Completed"
#: A failed attempt's default statusReason: SageMaker's status comes as "Received status from
#: SageMaker: ..." (user guide, "Service job retry strategies"); the rest is chosen.
FAILED_REASON: Final = "Received status from SageMaker: AlgorithmError: the training job failed"
_STEPS: Final[dict[ServiceJobStatus, ServiceJobStatus]] = {
    # "The job enters the SUBMITTED state", then RUNNABLE: a service job has no dependencies.
    "SUBMITTED": "RUNNABLE",
    "PENDING": "RUNNABLE",
    "RUNNABLE": "SCHEDULED",
    "SCHEDULED": "STARTING",
    "STARTING": "RUNNING",
}


# What the test asks for


def set_status(store: Store, job_id: str, status: str, *, reason: str | None = None) -> ServiceJob:
    """Move a service job forward to ``status`` (any later one, or FAILED), capacity aside."""
    job = _movable(store, job_id)
    check_forward("service job", job_id, job.status, status, SERVICE_JOB_STATUSES)
    check_optional_str("reason", reason)
    at = _now(store, job)
    if status == "FAILED":
        # Fails for good, retry strategy aside (as set_status does for a job).
        return _save(store, _ended(store, job, "FAILED", at, reason, retry=False))
    target = "RUNNING" if status == "SUCCEEDED" else status
    while job.status != target:
        job = _step(store, job, _STEPS[job.status], at)
    if status == "SUCCEEDED":
        job = _ended(store, job, "SUCCEEDED", at, reason)
    elif reason is not None:
        job = attrs.evolve(job, status_reason=reason)
    return _save(store, job)


def advance(store: Store, job_id: str | None = None) -> list[ServiceJob]:
    """One scheduler step for one service job, or for every one that can take it, oldest first:
    a RUNNABLE job is scheduled only where its queue's service environments have capacity."""
    if job_id is not None:
        job = _movable(store, job_id)
        if job.status == "RUNNING":
            raise ValueError(
                f"service job {job_id} is RUNNING; end it with complete() or set_status()"
            )
        if job.status == "RUNNABLE" and placement(store, job) is None:
            raise ValueError(
                f"service job {job_id} is RUNNABLE and waits for capacity: no ENABLED service "
                f"environment of its queue ({_arns.name_of(job.job_queue)}) has "
                f"{_usage(job)[1]} {_usage(job)[0]} free, or the queue is DISABLED"
            )
        candidates = [job]
    else:
        candidates = sorted(
            (job for job in store.service_jobs.values() if job.status not in FINISHED),
            key=lambda job: (job.created_at, job.job_id),
        )
    moved = []
    for job in candidates:
        if job.status == "RUNNING":
            continue
        if job.status == "RUNNABLE" and placement(store, job) is None:
            continue  # it waits for capacity
        moved.append(_save(store, _step(store, job, _STEPS[job.status], _now(store, job))))
    return moved


def complete(
    store: Store, job_id: str, *, exit_code: int = 0, reason: str | None = None
) -> ServiceJob:
    """End the current attempt: SUCCEEDED for exit code 0, otherwise a failed training job,
    retried (back to RUNNABLE) while the retry strategy allows, else FAILED. A job not RUNNING
    yet is run first, capacity aside."""
    if isinstance(exit_code, bool) or not isinstance(exit_code, int):
        raise TypeError(f"exit_code must be an int, not {exit_code!r}")
    check_optional_str("reason", reason)
    job = _movable(store, job_id)
    at = _now(store, job)
    while job.status != "RUNNING":
        job = _step(store, job, _STEPS[job.status], at)
    return _save(store, _attempt_ends(store, job, at, exit_code, reason))


def run_all(store: Store) -> None:
    """Every service job as far as capacity lets it: each scheduled in turn, oldest first, and
    run to SUCCEEDED; a job no service environment can take stays RUNNABLE ("Jobs can remain
    in this state indefinitely when sufficient resources are unavailable")."""
    while True:
        moved = False
        for job in sorted(
            store.service_jobs.values(), key=lambda job: (job.created_at, job.job_id)
        ):
            current = store.service_jobs[job.job_id]
            while current.status not in FINISHED:
                at = _now(store, current)
                if current.status == "RUNNING":
                    current = _save(store, _attempt_ends(store, current, at, 0, None))
                elif current.status == "RUNNABLE" and placement(store, current) is None:
                    break
                else:
                    current = _save(store, _step(store, current, _STEPS[current.status], at))
                moved = True
        if not moved:
            return


# What requests ask for


def terminate(store: Store, job: ServiceJob, reason: str) -> None:
    """TerminateServiceJob: an unfinished service job fails at once, marked isTerminated, its
    training job (if any) ended; a finished one is left as it is."""
    if job.status in FINISHED:
        return
    ended = _ended(store, job, "FAILED", _now(store, job), reason, retry=False)
    _save(store, attrs.evolve(ended, is_terminated=True, status_reason=reason))


def queue_deleted(store: Store, queue_arn: str, reason: str) -> None:
    """DeleteJobQueue: "All jobs in the queue are eventually terminated" (here at once); they
    stay describable until their retention ends, and leave the queue's listings."""
    for job in [job for job in store.service_jobs.values() if job.job_queue == queue_arn]:
        terminate(store, job, reason)
        _save(store, attrs.evolve(store.service_jobs[job.job_id], queue_deleted=True))


# Capacity


def usage(job: ServiceJob) -> tuple[str, float]:
    """The capacity a service job needs: its payload's ``ResourceConfig`` (instance type and
    count; 1 instance when the payload does not say, chosen)."""
    return _usage(job)


def placement(store: Store, job: ServiceJob) -> str | None:
    """The ARN of the first service environment of the job's queue (in their order) that can
    take it now, or None: the queue DISABLED, or no ENABLED environment with the capacity."""
    queue = store.find_queue(_arns.region_of(job.job_queue), job.job_queue)
    if queue is None or queue.state != "ENABLED":
        return None
    instance_type, count = _usage(job)
    for arn in queue_environments(queue):
        environment = store.service_environments.get(arn)
        if environment is None or environment.state != "ENABLED":
            continue
        limit = _limit_for(environment.capacity_limits, instance_type)
        if limit is not None and in_use(store, arn, limit[1]) + count <= limit[0]:
            return arn
    return None


def in_use(store: Store, environment_arn: str, unit: str) -> float:
    """The capacity, in ``unit`` (NUM_INSTANCES: every instance; else that instance type), that
    the service jobs scheduled in the environment hold."""
    total = 0.0
    for job in store.service_jobs.values():
        if job.service_environment == environment_arn and job.status in HOLDING:
            instance_type, count = _usage(job)
            if unit in ("NUM_INSTANCES", instance_type):
                total += count
    return total


def queue_environments(queue: JobQueue) -> list[str]:
    """The ARNs of a job queue's service environments, in their order."""
    entries = sorted(
        queue.properties.get("serviceEnvironmentOrder") or (), key=lambda entry: entry["order"]
    )
    return [entry["serviceEnvironment"] for entry in entries]


def _limit_for(limits: Any, instance_type: str) -> tuple[int, str] | None:
    # With quota management a limit names an instance type: "jobs requiring other instance
    # types wait until a matching capacity limit is configured"; otherwise NUM_INSTANCES.
    for limit in limits:
        if limit["capacityUnit"] == instance_type:
            return limit["maxCapacity"], instance_type
    for limit in limits:
        if limit["capacityUnit"] == "NUM_INSTANCES":
            return limit["maxCapacity"], "NUM_INSTANCES"
    return None


def _usage(job: ServiceJob) -> tuple[str, float]:
    config = _payload(job).get("ResourceConfig")
    config = config if isinstance(config, dict) else {}
    instance_type = config.get("InstanceType")
    count = config.get("InstanceCount")
    return (
        instance_type if isinstance(instance_type, str) else "NUM_INSTANCES",
        count if isinstance(count, (int, float)) and not isinstance(count, bool) else 1,
    )


def _payload(job: ServiceJob) -> Mapping[str, Any]:
    # "The serviceRequestPayload is passed through without validation": it may not be JSON.
    try:
        payload = json.loads(job.spec.get("serviceRequestPayload") or "{}")
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


# One job's moves


def _step(store: Store, job: ServiceJob, status: ServiceJobStatus, at: int) -> ServiceJob:
    if status == "SCHEDULED":
        # "If capacity is available, the job moves to SCHEDULED and the job has been passed to
        # SageMaker AI": its attempt's training job exists from now on.
        return attrs.evolve(
            job,
            status=status,
            scheduled_at=at,
            service_environment=placement(store, job) or _first_environment(store, job),
            training_job_arn=_training_job_arn(job, len(job.attempts) + 1),
        )
    if status == "RUNNING":
        return attrs.evolve(job, status=status, started_at=at)
    return attrs.evolve(job, status=status)


def _attempt_ends(
    store: Store, job: ServiceJob, at: int, exit_code: int, reason: str | None
) -> ServiceJob:
    if exit_code == 0:
        return _ended(store, job, "SUCCEEDED", at, reason)
    return _ended(store, job, "FAILED", at, reason)


def _ended(
    store: Store,
    job: ServiceJob,
    status: ServiceJobStatus,
    at: int,
    reason: str | None,
    *,
    retry: bool = True,
) -> ServiceJob:
    """The job's attempt ends with ``status``: recorded if it had reached SageMaker; a failed
    one goes back to RUNNABLE while its retry strategy allows (ServiceJobRetryStrategy)."""
    succeeded = status == "SUCCEEDED"
    attempt_reason = reason or (ATTEMPT_SUCCEEDED_REASON if succeeded else FAILED_REASON)
    attempts = job.attempts
    if job.training_job_arn is not None and job.status in HOLDING:
        attempts = (
            *attempts,
            ServiceJobAttempt(
                training_job_arn=job.training_job_arn,
                started_at=job.started_at,
                stopped_at=at,
                status_reason=attempt_reason,
            ),
        )
    if (
        not succeeded
        and retry
        and _retries(job.spec.get("retryStrategy"), attempts, attempt_reason)
    ):
        return attrs.evolve(
            job,
            status="RUNNABLE",
            attempts=attempts,
            started_at=None,
            service_environment=None,
            status_reason=None,
        )
    return attrs.evolve(
        job,
        status=status,
        stopped_at=at,
        attempts=attempts,
        service_environment=None,
        status_reason=reason or (SUCCEEDED_REASON if succeeded else FAILED_REASON),
    )


def _retries(strategy: Mapping[str, Any] | None, attempts: tuple[Any, ...], reason: str) -> bool:
    """Whether a failed attempt gets another: "The number of times to move a service job to
    RUNNABLE status", the first matching ``evaluateOnExit`` rule deciding (no match: retry)."""
    if not strategy or len(attempts) >= strategy.get("attempts", 1):
        return False
    for rule in strategy.get("evaluateOnExit") or ():
        pattern = rule.get("onStatusReason")
        if pattern is None or (
            reason.startswith(pattern[:-1]) if pattern.endswith("*") else reason == pattern
        ):
            return str(rule.get("action", "")).upper() == "RETRY"
    return True


def _training_job_arn(job: ServiceJob, attempt: int) -> str:
    """The SageMaker Training job of an attempt, as ``latestAttempt`` shows it: named after the
    payload's TrainingJobName (else the job's name), ``-<attempt>`` after the first (chosen:
    SageMaker needs a new name for each training job)."""
    name = _payload(job).get("TrainingJobName")
    name = name if isinstance(name, str) and name else job.job_name
    if attempt > 1:
        name = f"{name}-{attempt}"
    region, account = _arns.region_of(job.job_queue), job.job_queue.split(":", 5)[4]
    return f"arn:{_arns.partition(region)}:sagemaker:{region}:{account}:training-job/{name}"


def _first_environment(store: Store, job: ServiceJob) -> str | None:
    # A job moved by set_status or complete past the capacity check: the queue's first.
    queue = store.find_queue(_arns.region_of(job.job_queue), job.job_queue)
    environments = queue_environments(queue) if queue is not None else []
    return environments[0] if environments else None


# Storing and lookups


def _save(store: Store, job: ServiceJob) -> ServiceJob:
    old = store.service_jobs.get(job.job_id)
    store.service_jobs[job.job_id] = job
    if (
        job.status in FINISHED
        and (old is None or old.status not in FINISHED)
        and store.retention_ms is not None
        and job.stopped_at is not None
    ):
        heapq.heappush(store.service_job_expiry, (job.stopped_at + store.retention_ms, job.job_id))
    return job


def is_service_job(store: Store, job_id: object) -> bool:
    return isinstance(job_id, str) and job_id in store.service_jobs


def expire(store: Store) -> None:
    """Forget finished service jobs whose retention has passed, as finished jobs are (chosen):
    kept for the fake's ``retention`` after they stopped. O(1) when none is due."""
    expiry = store.service_job_expiry
    now = store.clock.now_ms()
    while expiry and expiry[0][0] < now:
        _, job_id = heapq.heappop(expiry)
        job = store.service_jobs.pop(job_id, None)
        if job is not None:
            store.tags.pop(job.job_arn, None)


def _movable(store: Store, job_id: str) -> ServiceJob:
    job = store.service_jobs.get(job_id)
    if job is None:
        raise ValueError(f"the fake has no service job with id {job_id!r}")
    if job.status in FINISHED:
        raise ValueError(f"service job {job_id} is {job.status}: finished jobs never change")
    return job


def _now(store: Store, job: ServiceJob) -> int:
    """The clock, but no earlier than any timestamp of the job (its steps never go back)."""
    last_attempt = job.attempts[-1].stopped_at if job.attempts else 0
    return max(
        store.clock.now_ms(),
        job.created_at,
        job.scheduled_at or 0,
        job.started_at or 0,
        last_attempt,
    )
