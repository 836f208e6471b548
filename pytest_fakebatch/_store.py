"""In-memory indexes over queues, job definitions and jobs.

Each queue keeps its jobs' sort keys ``(created_at, job_id)`` in ascending lists, one per status and one
for every status. A listing walks a list backwards (newest first) from a bisection point, so a page
costs O(log n + page). New jobs usually carry the newest ``created_at`` and are appended in O(1).

Array children and multi-node nodes are not in their queue's index (queue listings hold parents only)
but in their parent's, keyed ``(created_at, -index)``: they share the parent's createdAt, and the
negated index makes a newest-first walk list them in index order.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from bisect import bisect_left
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from . import _arns, _seeding
from .models import (
    FINISHED_STATUSES,
    JOB_STATUSES,
    ComputeEnvironment,
    ConsumableResource,
    Job,
    JobDefinition,
    JobQueue,
    JobStatus,
    QuotaShare,
    SchedulingPolicy,
    ServiceEnvironment,
    ServiceJob,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._clock import Clock
    from .factories import IdFactory

SortKey: TypeAlias = "tuple[int, str] | tuple[int, int]"
"""``(created_at, job_id)``, or ``(created_at, -index)`` for children: listings go in descending order."""


def sort_key(job: Job) -> SortKey:
    index = job.array_index if job.array_index is not None else job.node_index
    return (job.created_at, job.job_id) if index is None else (job.created_at, -index)


class JobIndex:
    """One queue's (or one parent's) jobs as sorted keys, per status and for every status.

    A key newer than the rest is appended in O(1). An older one (a test seeding with its own
    ``created_at``) is appended too and the list marked unsorted; the next read sorts it, which
    Python's sort does in about linear time for a list that is sorted but for a few keys. Seeding
    in any order therefore costs O(n log n) at worst, not the O(n^2) of inserting in place.
    """

    __slots__ = ("_all", "_by_status", "_unsorted")

    def __init__(self) -> None:
        self._all: list[SortKey] = []
        self._by_status: dict[JobStatus, list[SortKey]] = {status: [] for status in JOB_STATUSES}
        self._unsorted: set[JobStatus | None] = set()

    def add(self, key: SortKey, status: JobStatus) -> None:
        keys = self._all
        if keys and key < keys[-1]:
            self._unsorted.add(None)
        keys.append(key)
        self.add_status_key(key, status)

    def keys(self, status: JobStatus | None) -> list[SortKey]:
        """The sorted keys of the jobs in ``status`` (None: every status). Do not change them."""
        keys = self._all if status is None else self._by_status[status]
        if status in self._unsorted:
            keys.sort()
            self._unsorted.discard(status)
        return keys

    def count(self, status: JobStatus) -> int:
        return len(self._by_status[status])

    def move(self, key: SortKey, old: JobStatus, new: JobStatus) -> None:
        """A job changed status: O(log n) to find its key, and a memmove to take it out."""
        if old != new:
            _delete(self.keys(old), key)
            self.add_status_key(key, new)

    def remove(self, key: SortKey, status: JobStatus) -> None:
        _delete(self.keys(None), key)
        _delete(self.keys(status), key)

    def add_status_key(self, key: SortKey, status: JobStatus) -> None:
        keys = self._by_status[status]
        if keys and key < keys[-1]:
            self._unsorted.add(status)
        keys.append(key)


def _delete(keys: list[SortKey], key: SortKey) -> None:
    position = bisect_left(keys, key)
    if position == len(keys) or keys[position] != key:
        raise KeyError(key)  # the store's indexes disagree with its jobs: a bug in the fake
    del keys[position]


class Store:
    """Everything the fake knows, across regions, behind one lock.

    The lock is re-entrant and taken by every public entry point of the fake, so code under test may
    call from worker threads while the test seeds more jobs.
    """

    def __init__(
        self, account_id: str, clock: Clock, ids: IdFactory, retention_ms: int | None
    ) -> None:
        self.account_id = account_id
        #: The fake's clock and id streams: handlers that create jobs or move them in time use them.
        self.clock = clock
        self.ids = ids
        #: How long a finished job stays listable and describable (None: for ever).
        self.retention_ms = retention_ms
        self.lock = threading.RLock()
        self.jobs: dict[str, Job] = {}
        self._queues: dict[tuple[str, str], JobQueue] = {}
        self._queues_by_arn: dict[str, JobQueue] = {}
        self._indexes: dict[str, JobIndex] = {}
        self._child_indexes: dict[str, JobIndex] = {}
        self._definitions: dict[tuple[str, str], list[JobDefinition]] = {}
        self._definitions_by_arn: dict[str, JobDefinition] = {}
        self._compute_environments: dict[tuple[str, str], ComputeEnvironment] = {}
        self._compute_environments_by_arn: dict[str, ComputeEnvironment] = {}
        #: Scheduling policies by ARN (see _operations.scheduling).
        self.scheduling_policies: dict[str, SchedulingPolicy] = {}
        #: The order queues, job definition revisions and compute environments were created in, by
        #: ARN (Describe* list in that order; a page token resumes after a position in it).
        self.created_order: dict[str, int] = {}
        self._creations = itertools.count()
        #: Rendered summaries by job id (``_operations._summaries.Rendered``). Whatever replaces
        #: or removes a job must drop its entry.
        self.summary_cache: dict[str, Any] = {}
        #: Tags by resource ARN (jobs, queues, job definitions, compute environments).
        self.tags: dict[str, dict[str, str]] = {}
        # Finished top-level jobs as (expires at, job id): retention drops them in this order.
        self._expiry: list[tuple[int, str]] = []
        self._last_created_at = -1
        # The jobs of deleted queues, with the index they were listed in (see remove_queue).
        self._orphans: dict[str, JobIndex] = {}
        # Consumable resources and quota shares by ARN, and which jobs hold which resources (the
        # quantity each holds): see _operations.consumable, _operations.quota_shares, _holdings.
        self.consumable_resources: dict[str, ConsumableResource] = {}
        self.consumable_holders: dict[str, dict[str, int]] = {}
        self.quota_shares: dict[str, QuotaShare] = {}
        #: UpdateConsumableResource's clientTokens: (payload, when first seen) by (ARN, token).
        self.consumable_tokens: dict[tuple[str, str], tuple[tuple[Any, ...], int]] = {}
        #: Service environments by ARN and service jobs by id (_operations.service_environments
        #: and service_jobs; service jobs are not in the queues' job indexes).
        self.service_environments: dict[str, ServiceEnvironment] = {}
        self.service_jobs: dict[str, ServiceJob] = {}
        self.service_job_tokens: set[tuple[str, str]] = set()  # SubmitServiceJob's clientTokens
        self.service_job_expiry: list[tuple[int, str]] = []  # as _expiry, for service jobs

    # Queues

    def add_queue(
        self,
        region: str,
        name: str,
        *,
        state: Literal["ENABLED", "DISABLED"] = "ENABLED",
        priority: int = 1,
        properties: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> JobQueue:
        queue = JobQueue(
            name=name,
            arn=_arns.queue_arn(region, self.account_id, name),
            region=region,
            state=state,
            priority=priority,
            properties={"computeEnvironmentOrder": []} if properties is None else properties,
        )
        self._queues[(region, name)] = queue
        self._queues_by_arn[queue.arn] = queue
        # A queue created again under a deleted one's name has its ARN, but starts empty: the
        # old queue's jobs keep their own index (see remove_queue).
        self._indexes[queue.arn] = JobIndex()
        self._created(queue.arn, tags)
        return queue

    def queues(self) -> list[JobQueue]:
        return list(self._queues.values())

    def replace_queue(self, queue: JobQueue) -> JobQueue:
        """Store a new version of a queue (same name, region and ARN); returns the old one. The
        queue's jobs stay where they are: their index is keyed by the unchanged ARN."""
        old = self._queues_by_arn[queue.arn]
        self._queues[(queue.region, queue.name)] = queue
        self._queues_by_arn[queue.arn] = queue
        return old

    def remove_queue(self, queue: JobQueue) -> None:
        """Forget a queue and its tags: requests naming it find nothing. Its jobs stay in the
        store (describable until their retention ends) with their old index, which no listing
        reaches any more: a queue created again under the name starts empty."""
        del self._queues[(queue.region, queue.name)]
        del self._queues_by_arn[queue.arn]
        self.tags.pop(queue.arn, None)
        index = self._indexes.pop(queue.arn)
        for job_id in self.queue_job_ids(queue, index):
            self._orphans[job_id] = index

    def queue_job_ids(self, queue: JobQueue, index: JobIndex | None = None) -> list[str]:
        """The ids of a queue's jobs (parents only), oldest first."""
        keys = (index or self._indexes[queue.arn]).keys(None)
        return [str(job_id) for _, job_id in keys]

    def find_queue(self, region: str, name_or_arn: str) -> JobQueue | None:
        """The queue a request names, by name or ARN, as a client in ``region`` sees it."""
        if name_or_arn.startswith("arn:"):
            queue = self._queues_by_arn.get(name_or_arn)
            return queue if queue is not None and queue.region == region else None
        return self._queues.get((region, name_or_arn))

    def queue_index(self, queue: JobQueue) -> JobIndex:
        return self._indexes[queue.arn]

    # Job definitions

    def add_job_definition(
        self,
        region: str,
        name: str,
        *,
        type: Literal["container", "multinode"] = "container",
        properties: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> JobDefinition:
        """Register the next revision of ``name``. Without ``properties``, a container job
        definition with a default container (``_seeding.default_job_definition_properties``)."""
        revisions = self._definitions.setdefault((region, name), [])
        revision = len(revisions) + 1
        definition = JobDefinition(
            name=name,
            revision=revision,
            arn=_arns.job_definition_arn(region, self.account_id, name, revision),
            region=region,
            type=type,
            properties=(
                _seeding.default_job_definition_properties() if properties is None else properties
            ),
        )
        revisions.append(definition)
        self._definitions_by_arn[definition.arn] = definition
        self._created(definition.arn, tags)
        return definition

    def replace_job_definition(self, definition: JobDefinition) -> JobDefinition:
        """Store a new version of a revision (deregistered, say); returns the old one."""
        old = self._definitions_by_arn[definition.arn]
        self._definitions[(definition.region, definition.name)][definition.revision - 1] = (
            definition
        )
        self._definitions_by_arn[definition.arn] = definition
        return old

    def job_definitions(self) -> list[JobDefinition]:
        """Every revision, ACTIVE and INACTIVE, in every region, in the order registered."""
        return list(self._definitions_by_arn.values())

    def job_definition_revisions(self, region: str, name: str) -> list[JobDefinition]:
        """Every revision of ``name`` in ``region``, oldest first."""
        return list(self._definitions.get((region, name), ()))

    def latest_job_definition(self, region: str, name: str) -> JobDefinition | None:
        revisions = self._definitions.get((region, name))
        return revisions[-1] if revisions else None

    def job_definition_revision(
        self, region: str, name: str, revision: int
    ) -> JobDefinition | None:
        revisions = self._definitions.get((region, name), [])
        return revisions[revision - 1] if 0 < revision <= len(revisions) else None

    def find_job_definition_arn(self, arn: str) -> JobDefinition | None:
        return self._definitions_by_arn.get(arn)

    # Compute environments

    def add_compute_environment(
        self,
        region: str,
        name: str,
        *,
        type: Literal["MANAGED", "UNMANAGED"] = "MANAGED",
        state: Literal["ENABLED", "DISABLED"] = "ENABLED",
        properties: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> ComputeEnvironment:
        environment = ComputeEnvironment(
            name=name,
            arn=_arns.compute_environment_arn(region, self.account_id, name),
            region=region,
            type=type,
            state=state,
            properties=properties or {},
        )
        self._compute_environments[(region, name)] = environment
        self._compute_environments_by_arn[environment.arn] = environment
        self._created(environment.arn, tags)
        return environment

    def compute_environments(self) -> list[ComputeEnvironment]:
        return list(self._compute_environments.values())

    def find_compute_environment(self, region: str, name_or_arn: str) -> ComputeEnvironment | None:
        """The compute environment a request names, by name or ARN, as a client in ``region``
        sees it."""
        if name_or_arn.startswith("arn:"):
            environment = self._compute_environments_by_arn.get(name_or_arn)
            return environment if environment is not None and environment.region == region else None
        return self._compute_environments.get((region, name_or_arn))

    def created(self, arn: str, tags: Mapping[str, str] | None) -> None:
        """Record a new resource's place in creation order, and its tags."""
        self._created(arn, tags)

    def replace_compute_environment(self, environment: ComputeEnvironment) -> None:
        """Store a new version of a compute environment (same name, region and ARN)."""
        self._compute_environments[(environment.region, environment.name)] = environment
        self._compute_environments_by_arn[environment.arn] = environment

    def remove_compute_environment(self, environment: ComputeEnvironment) -> None:
        """Forget a compute environment and its tags."""
        del self._compute_environments[(environment.region, environment.name)]
        del self._compute_environments_by_arn[environment.arn]
        self.tags.pop(environment.arn, None)

    # Scheduling policies

    def add_scheduling_policy(
        self, policy: SchedulingPolicy, tags: Mapping[str, str] | None
    ) -> SchedulingPolicy:
        self.scheduling_policies[policy.arn] = policy
        self._created(policy.arn, tags)
        return policy

    def _created(self, arn: str, tags: Mapping[str, str] | None) -> None:
        self.created_order[arn] = next(self._creations)  # a queue created again goes last
        if tags:
            self.tags[arn] = dict(tags)
        else:
            self.tags.pop(arn, None)  # a queue created again does not inherit the old one's tags

    # Jobs

    def add_job(self, job: Job) -> None:
        """Store a job; an array parent or multi-node job must come before its children."""
        self.jobs[job.job_id] = job
        self.summary_cache.pop(job.job_id, None)
        parent_id = job.parent_id
        if parent_id is None:
            index = self._indexes[job.job_queue]
            if job.status in FINISHED_STATUSES:
                self.retain(job)
        else:
            index = self._child_indexes[parent_id]
        if job.array_size is not None or job.num_nodes is not None:
            self._child_indexes[job.job_id] = JobIndex()
        index.add(sort_key(job), job.status)

    def replace_job(self, job: Job) -> Job:
        """Store a new version of a job (same id, queue and createdAt); returns the old one.

        An array child or node's parent is not updated here: the lifecycle does that once for all
        the children that changed together.
        """
        old = self.jobs[job.job_id]
        self.jobs[job.job_id] = job
        self.summary_cache.pop(job.job_id, None)
        self._index_of(job).move(sort_key(job), old.status, job.status)
        return old

    def remove_job(self, job_id: str) -> None:
        """Forget a top-level job, and its children or nodes."""
        job = self.jobs.pop(job_id)
        self.summary_cache.pop(job_id, None)
        self.tags.pop(job.job_arn, None)
        self._index_of(job).remove(sort_key(job), job.status)
        self._orphans.pop(job_id, None)
        for child in job.children or job.nodes:
            del self.jobs[child.job_id]
            self.summary_cache.pop(child.job_id, None)
        self._child_indexes.pop(job_id, None)

    def retain(self, job: Job) -> None:
        """Start a finished top-level job's retention: it is forgotten ``retention_ms`` after it
        finished, or after now if its stoppedAt is older (a seeded job counts from its seeding)."""
        if self.retention_ms is not None:
            finished_at = max(job.stopped_at or 0, self.clock.now_ms())
            heapq.heappush(self._expiry, (finished_at + self.retention_ms, job.job_id))

    def next_created_at(self) -> int:
        """The clock's time, made strictly increasing: jobs created without a createdAt of their
        own list in the order they were created, even under a frozen clock."""
        created = max(self.clock.now_ms(), self._last_created_at + 1)
        self._last_created_at = created
        return created

    def expire(self, now_ms: int) -> None:
        """Forget every finished job whose retention ended by ``now_ms``. O(1) when none has."""
        expiry = self._expiry
        # Kept for the whole period ("at least 7 days"): forgotten only once it has passed.
        while expiry and expiry[0][0] < now_ms:
            _, job_id = heapq.heappop(expiry)
            if job_id in self.jobs:
                self.remove_job(job_id)

    def _index_of(self, job: Job) -> JobIndex:
        parent_id = job.parent_id
        if parent_id is not None:
            return self._child_indexes[parent_id]
        if self._orphans and job.job_id in self._orphans:
            return self._orphans[job.job_id]  # its queue was deleted
        return self._indexes[job.job_queue]

    def child_index(self, parent_id: str) -> JobIndex | None:
        """The index of an array job's children or a multi-node job's nodes."""
        return self._child_indexes.get(parent_id)
