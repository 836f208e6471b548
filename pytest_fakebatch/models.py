"""The fake's data model: jobs, job queues and job definitions.

Plain attrs classes with snake_case fields. Nothing here imports botocore: Hypothesis and pytest-randomly
entry points may load this module in projects that never call AWS Batch.
"""

from __future__ import annotations

# At run time, not only for type checkers: typing.get_type_hints (Hypothesis's st.builds) resolves
# the classes' annotations in this module's namespace.
from collections.abc import Mapping  # noqa: TC003
from types import MappingProxyType
from typing import Any, Final, Literal, get_args

import attrs

from . import _arns

JobStatus = Literal[
    "SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"
]

#: Every job status, in lifecycle order (the order of botocore's ``JobStatus`` enum).
JOB_STATUSES: Final[tuple[JobStatus, ...]] = get_args(JobStatus)
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

    # Array jobs: the parent has children (and so an array_size); a child has array_index.
    array_index: int | None = None
    children: tuple[Job, ...] = ()
    """An array parent's child jobs (``<parentId>:<index>``), in index order, as they are now:
    the fake replaces the parent whenever a child changes."""

    # Multi-node parallel jobs: the parent has nodes (and so num_nodes); a node has node_index.
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

    # array_size and num_nodes are derived rather than stored: every job would pay a slot for
    # each (the memory per job is capped), and an array has 2 or more children, a job 1 or more
    # nodes.
    @property
    def array_size(self) -> int | None:
        """An array parent's size (its number of children); None for other jobs."""
        return len(self.children) or None

    @property
    def num_nodes(self) -> int | None:
        """A multi-node parallel job's number of nodes; None for other jobs."""
        return len(self.nodes) or None

    @property
    def queue_name(self) -> str:
        """The name of the queue the job was submitted to (``job_queue`` is its ARN)."""
        return _arns.name_of(self.job_queue)

    @property
    def parent_id(self) -> str | None:
        """The array or multi-node job this child or node belongs to (None for other jobs)."""
        if self.array_index is not None:
            return self.job_id.rpartition(":")[0]
        if self.node_index is not None:
            return self.job_id.rpartition("#")[0]
        return None


ConsumableResourceType = Literal["REPLENISHABLE", "NON_REPLENISHABLE"]
#: CreateConsumableResource's resource types; REPLENISHABLE is the default.
CONSUMABLE_RESOURCE_TYPES: Final[tuple[ConsumableResourceType, ...]] = (
    "REPLENISHABLE",
    "NON_REPLENISHABLE",
)


@attrs.frozen(kw_only=True)
class ConsumableResource:
    """A consumable resource (licences, connections, ...): jobs that require some hold that
    quantity from STARTING until they finish. ``name`` is unique within a region.

    ``in_use_quantity`` is what running jobs hold now; a NON_REPLENISHABLE resource's
    ``total_quantity`` drops by what each job held once it finishes.
    """

    name: str
    arn: str
    region: str
    resource_type: ConsumableResourceType = attrs.field(
        default="REPLENISHABLE", validator=attrs.validators.in_(CONSUMABLE_RESOURCE_TYPES)
    )
    total_quantity: int = 0
    in_use_quantity: int = 0
    created_at: int = 0

    @property
    def available_quantity(self) -> int:
        """What a job may still take: the total less what is in use (never below 0)."""
        return max(0, self.total_quantity - self.in_use_quantity)


@attrs.frozen(kw_only=True)
class QuotaShare:
    """A quota share: a virtual queue inside a quota-management job queue, with its capacity
    limits and sharing strategy. ``name`` is unique within its queue.

    ``properties`` holds ``capacityLimits``, ``resourceSharingConfiguration`` and
    ``preemptionConfiguration``, camelCase, as DescribeQuotaShare returns them.
    """

    name: str
    arn: str
    region: str
    job_queue: str
    """The ARN of the job queue the share belongs to."""
    state: Literal["ENABLED", "DISABLED"] = "ENABLED"
    status: str = "VALID"
    properties: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen_mapping)


ServiceJobStatus = Literal[
    "SUBMITTED",
    "PENDING",
    "RUNNABLE",
    "SCHEDULED",
    "STARTING",
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
]

#: Every service job status, in lifecycle order (the order of botocore's ``ServiceJobStatus``
#: enum): SCHEDULED is a service job's own, when Batch handed the job to SageMaker AI.
SERVICE_JOB_STATUSES: Final[tuple[ServiceJobStatus, ...]] = get_args(ServiceJobStatus)


def _frozen_mappings(values: Any) -> tuple[Mapping[str, Any], ...]:
    return tuple(_frozen_mapping(value) for value in values)


@attrs.frozen(kw_only=True)
class ServiceEnvironment:
    """A service environment: where service jobs (SageMaker Training jobs) run, up to its
    ``capacity_limits`` (camelCase ``CapacityLimit`` mappings, as the API takes them)."""

    name: str
    arn: str
    region: str
    type: Literal["SAGEMAKER_TRAINING"] = "SAGEMAKER_TRAINING"
    state: Literal["ENABLED", "DISABLED"] = "ENABLED"
    status: str = "VALID"
    capacity_limits: tuple[Mapping[str, Any], ...] = attrs.field(
        default=(), converter=_frozen_mappings
    )


@attrs.frozen(kw_only=True)
class ServiceJobAttempt:
    """One attempt of a service job that ended: the SageMaker Training job it made."""

    training_job_arn: str
    started_at: int | None
    stopped_at: int
    status_reason: str | None = None


@attrs.frozen(kw_only=True)
class ServiceJob:
    """A service job (SubmitServiceJob), kept apart from container jobs. Timestamps are epoch
    milliseconds; like a ``Job``, a ``ServiceJob`` is a snapshot: the fake replaces it to change it.
    """

    job_id: str
    job_name: str
    job_queue: str
    """The ARN of the queue the service job was submitted to."""
    service_job_type: Literal["SAGEMAKER_TRAINING"] = "SAGEMAKER_TRAINING"
    status: ServiceJobStatus = attrs.field(validator=attrs.validators.in_(SERVICE_JOB_STATUSES))
    created_at: int
    scheduled_at: int | None = None
    started_at: int | None = None
    stopped_at: int | None = None
    status_reason: str | None = None
    is_terminated: bool = False
    share_identifier: str | None = None
    quota_share_name: str | None = None
    scheduling_priority: int | None = None
    service_environment: str | None = None
    """The ARN of the service environment the current attempt holds capacity in (None while it
    waits)."""
    training_job_arn: str | None = None
    """The SageMaker Training job of the current (or last) attempt: ``latestAttempt``."""
    attempts: tuple[ServiceJobAttempt, ...] = ()
    queue_deleted: bool = False
    """Its queue was deleted: a queue created again under the name does not list it."""
    spec: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen_mapping)
    """What SubmitServiceJob fixed, camelCase, as DescribeServiceJob returns it
    (``serviceRequestPayload``, ``retryStrategy``, ``timeoutConfig``,
    ``preemptionConfiguration``)."""

    @property
    def job_arn(self) -> str:
        # arn:<partition>:batch:<region>:<account>:service-job/<id>
        return self.job_queue.partition(":job-queue/")[0] + ":service-job/" + self.job_id


@attrs.frozen(kw_only=True)
class SchedulingPolicy:
    """A scheduling policy: a fair-share policy (``fairsharePolicy``) or a quota-share one
    (``quotaSharePolicy``). ``name`` is unique within a region.

    ``properties`` holds the policy as CreateSchedulingPolicy / UpdateSchedulingPolicy set it,
    camelCase, as DescribeSchedulingPolicies returns it.
    """

    name: str
    arn: str
    region: str
    properties: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen_mapping)

    @property
    def fairshare_policy(self) -> Mapping[str, Any] | None:
        return self.properties.get("fairsharePolicy")
