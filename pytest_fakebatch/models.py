"""The fake's data model: jobs, job queues and job definitions.

Plain attrs classes with snake_case fields. Nothing here imports botocore: Hypothesis and pytest-randomly
entry points may load this module in projects that never call AWS Batch.
"""

from __future__ import annotations

from typing import Final, Literal

import attrs

JobStatus = Literal[
    "SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"
]

#: Every job status, in lifecycle order (the order of botocore's ``JobStatus`` enum).
JOB_STATUSES: Final[tuple[JobStatus, ...]] = (
    "SUBMITTED",
    "PENDING",
    "RUNNABLE",
    "STARTING",
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
)
#: Statuses a job never leaves.
FINISHED_STATUSES: Final[frozenset[JobStatus]] = frozenset({"SUCCEEDED", "FAILED"})
#: Statuses in which a job has started its container (``startedAt`` is set once RUNNING).
STARTED_STATUSES: Final[frozenset[JobStatus]] = frozenset({"RUNNING", "SUCCEEDED", "FAILED"})


@attrs.frozen(kw_only=True)
class JobQueue:
    """A job queue. ``name`` is unique within a region."""

    name: str
    arn: str
    region: str


@attrs.frozen(kw_only=True)
class JobDefinition:
    """One revision of a job definition. Registering the same name again makes the next revision."""

    name: str
    revision: int
    arn: str
    region: str


@attrs.frozen(kw_only=True)
class Job:
    """A job as the fake stores it. Timestamps are epoch milliseconds.

    Jobs are immutable: the fake replaces a job to change it, so a ``Job`` a test holds is a
    snapshot of the moment it was returned.
    """

    job_id: str
    job_name: str
    job_queue: str
    """The ARN of the queue the job was submitted to."""
    job_definition: str
    """The ARN of the job definition revision the job runs."""
    status: JobStatus = attrs.field(validator=attrs.validators.in_(JOB_STATUSES))
    created_at: int
    started_at: int | None = None
    stopped_at: int | None = None
    status_reason: str | None = None
    exit_code: int | None = None
    share_identifier: str | None = None

    @property
    def job_arn(self) -> str:
        # arn:<partition>:batch:<region>:<account>:job/<id>, derived from the queue's ARN so a job
        # does not store a second long string.
        prefix, _, _ = self.job_queue.partition(":job-queue/")
        return f"{prefix}:job/{self.job_id}"
