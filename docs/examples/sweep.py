"""A parameter sweep on AWS Batch: an example program, tested with pytest-fakebatch.

The sweep is three jobs in a chain:

- ``<name>-prepare`` gets the inputs ready;
- ``<name>-sweep`` is an array job of one child per parameter value, each child reading its
  value with ``AWS_BATCH_JOB_ARRAY_INDEX``; it starts once ``prepare`` has succeeded;
- ``<name>-collect`` gathers the children's results once every child has succeeded.

``run_sweep`` submits them, polls until all three have finished or the deadline has passed, then
stops whatever is still queued or running and reports what happened. It is the kind of code a team
writes for itself; test_sweep.py, next to it, tests it against the fake without waiting for
anything. Waiting is done by the ``sleep`` and ``clock`` arguments, which a test replaces.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

FINISHED = ("SUCCEEDED", "FAILED")
#: Statuses CancelJob stops; a job that has reached STARTING needs TerminateJob.
CANCELLABLE = ("SUBMITTED", "PENDING", "RUNNABLE")
TERMINABLE = ("STARTING", "RUNNING")
UNFINISHED = (*CANCELLABLE, *TERMINABLE)
STATUSES = (*UNFINISHED, *FINISHED)
#: A child exiting with this code had a bad parameter value: trying again would not help.
BAD_PARAMETER = 2
STOP_REASON = "Sweep deadline passed"


@dataclass
class Failure:
    """An array child that failed, after all its attempts."""

    index: int
    reason: str
    exit_codes: list[int]  # of each attempt whose container exited


@dataclass
class SweepResult:
    status: dict[str, str]  # "prepare", "sweep", "collect" -> final status
    children: dict[int, str]  # array index -> final status
    failures: list[Failure]  # the children that failed, by index
    cancelled: list[str]  # ids of the jobs stopped with CancelJob
    terminated: list[str]  # ids of the jobs stopped with TerminateJob

    @property
    def succeeded(self) -> bool:
        return all(status == "SUCCEEDED" for status in self.status.values())


def run_sweep(
    name: str,
    values: list[str],
    *,
    job_queue: str,
    job_definition: str,
    attempts: int = 3,
    timeout: float = 3600,
    poll_interval: float = 30,
    sleep: Callable[[float], Any] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> SweepResult:
    """Run one sweep over ``values`` and wait for it, for ``timeout`` seconds at most."""
    client = boto3.client("batch")

    def submit(stage: str, depends_on: str | None = None, **request: Any) -> str:
        if depends_on is not None:
            request["dependsOn"] = [{"jobId": depends_on}]
        response = client.submit_job(
            jobName=f"{name}-{stage}",
            jobQueue=job_queue,
            jobDefinition=job_definition,
            **request,
        )
        return str(response["jobId"])

    prepare = submit("prepare")
    sweep = submit(
        "sweep",
        depends_on=prepare,
        arrayProperties={"size": len(values)},
        parameters={"values": ",".join(values)},
        retryStrategy={
            "attempts": attempts,
            "evaluateOnExit": [{"onExitCode": str(BAD_PARAMETER), "action": "EXIT"}],
        },
    )
    collect = submit("collect", depends_on=sweep)
    stages = {"prepare": prepare, "sweep": sweep, "collect": collect}

    deadline = clock() + timeout
    while True:
        status = _statuses(client, stages)
        if all(s in FINISHED for s in status.values()) or clock() >= deadline:
            break
        sleep(poll_interval)

    cancelled: list[str] = []
    terminated: list[str] = []
    if not all(s in FINISHED for s in status.values()):
        # Upstream first: a job cancelled while a job it depends on has not finished is only
        # marked, and fails when that job ends.
        stragglers = [(prepare, status["prepare"])]
        stragglers += [(c["jobId"], c["status"]) for c in _children(client, sweep, UNFINISHED)]
        stragglers.append((collect, status["collect"]))
        for job_id, job_status in stragglers:
            if job_status in CANCELLABLE:
                client.cancel_job(jobId=job_id, reason=STOP_REASON)
                cancelled.append(job_id)
            elif job_status in TERMINABLE:
                client.terminate_job(jobId=job_id, reason=STOP_REASON)
                terminated.append(job_id)

    children = _children(client, sweep, STATUSES)
    failed = [child["jobId"] for child in children if child["status"] == "FAILED"]
    return SweepResult(
        status=_statuses(client, stages),
        children={child["arrayProperties"]["index"]: child["status"] for child in children},
        failures=[_failure(job) for job in _describe(client, failed)],
        cancelled=cancelled,
        terminated=terminated,
    )


def _statuses(client: Any, jobs: dict[str, str]) -> dict[str, str]:
    described = {job["jobId"]: job["status"] for job in _describe(client, list(jobs.values()))}
    return {stage: described[job_id] for stage, job_id in jobs.items()}


def _describe(client: Any, job_ids: list[str]) -> list[dict[str, Any]]:
    jobs = []
    for start in range(0, len(job_ids), 100):  # DescribeJobs takes up to 100 ids
        jobs += client.describe_jobs(jobs=job_ids[start : start + 100])["jobs"]
    return jobs


def _children(client: Any, array_job_id: str, statuses: Iterable[str]) -> list[dict[str, Any]]:
    """The array's children in these statuses, in index order."""
    paginator = client.get_paginator("list_jobs")
    children = [
        summary
        for status in statuses
        for page in paginator.paginate(arrayJobId=array_job_id, jobStatus=status)
        for summary in page["jobSummaryList"]
    ]
    return sorted(children, key=lambda summary: summary["arrayProperties"]["index"])


def _failure(job: dict[str, Any]) -> Failure:
    exit_codes = [
        attempt["container"]["exitCode"]
        for attempt in job.get("attempts", [])
        if "exitCode" in attempt["container"]
    ]
    return Failure(job["arrayProperties"]["index"], job.get("statusReason", ""), exit_codes)
