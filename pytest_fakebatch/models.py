"""The fake's data model: jobs, job queues and job definitions.

Plain attrs classes with snake_case fields. Nothing here imports botocore: Hypothesis and pytest-randomly
entry points may load this module in projects that never call AWS Batch.
"""

from __future__ import annotations

# At run time, not only for type checkers: typing.get_type_hints (Hypothesis's st.builds) resolves
# the classes' annotations in this module's namespace.
from collections.abc import Mapping  # noqa: TC003
from types import MappingProxyType
from typing import Any, Final, Literal

import attrs

from . import _arns

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
#: The only statuses an array parent takes (AWS Batch user guide, "Array jobs").
ARRAY_PARENT_STATUSES: Final[tuple[JobStatus, ...]] = (
    "SUBMITTED",
    "PENDING",
    "SUCCEEDED",
    "FAILED",
)
#: The reason AWS gives a job whose container exited (observed in real summaries).
CONTAINER_EXITED: Final = "Essential container in task exited"
#: Array sizes AWS Batch accepts.
MIN_ARRAY_SIZE: Final = 2
MAX_ARRAY_SIZE: Final = 10_000


def array_parent_status(child_statuses: list[JobStatus]) -> JobStatus:
    """An array parent's status as AWS derives it from its children's.

    SUBMITTED while every child is; PENDING while any child is unfinished; once all finished,
    FAILED if any failed, else SUCCEEDED.
    """
    if all(status == "SUBMITTED" for status in child_statuses):
        return "SUBMITTED"
    if any(status not in FINISHED_STATUSES for status in child_statuses):
        return "PENDING"
    return "FAILED" if "FAILED" in child_statuses else "SUCCEEDED"


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return value if isinstance(value, MappingProxyType) else MappingProxyType(dict(value))


_EMPTY: Final[Mapping[str, Any]] = MappingProxyType({})


@attrs.frozen(kw_only=True)
class JobQueue:
    """A job queue. ``name`` is unique within a region.

    ``properties`` holds the rest of what CreateJobQueue / UpdateJobQueue set, camelCase, as the
    service returns it in DescribeJobQueues (``computeEnvironmentOrder``, ``schedulingPolicyArn``,
    ``jobStateTimeLimitActions``, ...).
    """

    name: str
    arn: str
    region: str
    state: Literal["ENABLED", "DISABLED"] = "ENABLED"
    status: str = "VALID"
    priority: int = 1
    properties: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen_mapping)

    @property
    def scheduling_policy_arn(self) -> str | None:
        """The fair-share scheduling policy: a queue with one requires a shareIdentifier on jobs."""
        return self.properties.get("schedulingPolicyArn")


@attrs.frozen(kw_only=True)
class JobDefinition:
    """One revision of a job definition. Registering the same name again makes the next revision.

    ``properties`` holds what RegisterJobDefinition set besides the name, type and tags, camelCase,
    as the service returns it in DescribeJobDefinitions (``containerProperties``, ``parameters``,
    ``retryStrategy``, ``timeout``, ``nodeProperties``, ``propagateTags``, ...).
    """

    name: str
    revision: int
    arn: str
    region: str
    status: Literal["ACTIVE", "INACTIVE"] = "ACTIVE"
    type: Literal["container", "multinode"] = "container"
    properties: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen_mapping)


@attrs.frozen(kw_only=True)
class ComputeEnvironment:
    """A compute environment: stored and described, nothing runs on it."""

    name: str
    arn: str
    region: str
    type: Literal["MANAGED", "UNMANAGED"] = "MANAGED"
    state: Literal["ENABLED", "DISABLED"] = "ENABLED"
    status: str = "VALID"
    properties: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen_mapping)


DependencyType = Literal["N_TO_N", "SEQUENTIAL"]


@attrs.frozen
class Dependency:
    """One entry of a job's ``dependsOn``: a job id, and for array jobs N_TO_N or SEQUENTIAL."""

    job_id: str | None
    type: DependencyType | None = None


@attrs.frozen(kw_only=True)
class Attempt:
    """One run of a job's container that ended (JobDetail ``attempts``)."""

    started_at: int | None
    stopped_at: int
    exit_code: int | None = None
    reason: str | None = None
    """The container's reason (``container.reason``), e.g. why it could not run."""
    status_reason: str | None = None


# No __weakref__ slot: nothing refers to jobs weakly, and a store holds a million of them.
@attrs.frozen(kw_only=True, weakref_slot=False)
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

    # Array jobs: the parent has array_size and children; a child has array_index.
    array_size: int | None = None
    array_index: int | None = None
    children: tuple[Job, ...] = ()
    """An array parent's child jobs (``<parentId>:<index>``), in index order, as they are now:
    the fake replaces the parent whenever a child changes."""

    # Multi-node parallel jobs: the parent has num_nodes and nodes; a node has node_index.
    num_nodes: int | None = None
    node_index: int | None = None
    is_main_node: bool | None = None
    nodes: tuple[Job, ...] = ()
    """A multi-node job's nodes (``<jobId>#<index>``), in index order, as they are now."""

    # The job lifecycle (SubmitJob, CancelJob, TerminateJob and the test's own moves).
    depends_on: tuple[Dependency, ...] = ()
    attempts: tuple[Attempt, ...] = ()
    is_cancelled: bool = False
    is_terminated: bool = False
    spec: Mapping[str, Any] = _EMPTY
    """What SubmitJob fixed for the job's JobDetail, camelCase, as DescribeJobs returns it
    (``parameters``, ``container``, ``retryStrategy``, ``timeout``, ...): a read-only mapping,
    shared by an array's children. Empty for a seeded job. (No converter: every job pays for one,
    and seeding makes many.)"""

    @property
    def job_arn(self) -> str:
        # arn:<partition>:batch:<region>:<account>:job/<id>, derived from the queue's ARN so a job
        # does not store a second long string. A child's ARN is its parent's plus ":<index>".
        return _arns.job_arn_prefix(self.job_queue) + self.job_id

    @property
    def parent_id(self) -> str | None:
        """The array or multi-node job this child or node belongs to (None for other jobs)."""
        if self.array_index is not None:
            return self.job_id.rpartition(":")[0]
        if self.node_index is not None:
            return self.job_id.rpartition("#")[0]
        return None
