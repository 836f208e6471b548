"""Seeding jobs: the bodies of FakeBatch's job factories (add_jobs, add_array_job,
add_multinode_job) and how they find or create the queue and job definition a job names."""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from . import _arns, _seeding
from ._operations._overrides import node_ranges
from ._operations.jobs import job_spec
from ._shown import shown
from .models import (
    ARRAY_PARENT_STATUSES,
    FINISHED_STATUSES,
    MAX_ARRAY_SIZE,
    MIN_ARRAY_SIZE,
    STARTED_STATUSES,
    Job,
    JobDefinition,
    JobQueue,
    JobStatus,
    array_parent_status,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ._store import Store
    from .factories import IdFactory


_REVISION = re.compile(r"[0-9]{1,18}")


class JobSeeder:
    """Adds seeded jobs to one fake's store, with its ids, account and default region."""

    def __init__(self, store: Store, ids: IdFactory, account_id: str, region: str) -> None:
        self._store = store
        self._ids = ids
        self.account_id = account_id
        self.region = region

    def add_jobs(
        self,
        count: int,
        job_queue: str = "default",
        *,
        job_name: str | None = None,
        status: JobStatus = "RUNNING",
        job_definition: str | None = None,
        created_at: int | None = None,
        started_at: int | None = None,
        stopped_at: int | None = None,
        status_reason: str | None = None,
        exit_code: int | None = None,
        share_identifier: str | None = None,
        region: str | None = None,
        container_reason: str | None = None,
    ) -> list[Job]:
        """Add ``count`` jobs that share these values, each with its own id and generated name."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"count must be a whole number of jobs, 0 or more, not {shown(count)}")
        _seeding.check_status(status)
        if job_name is not None:
            _seeding.check_name("job name", job_name, _seeding.JOB_NAME)
        _seeding.check_optional_str("status_reason", status_reason)
        _seeding.check_optional_str("share_identifier", share_identifier)
        _seeding.check_created_at(created_at)
        _seeding.check_optional_str("container_reason", container_reason)
        if container_reason is not None and status not in FINISHED_STATUSES:
            raise ValueError(f"a {status} job has not finished; it has no container_reason")
        for label, value in (
            ("started_at", started_at),
            ("stopped_at", stopped_at),
            ("exit_code", exit_code),
        ):
            _seeding.check_optional_int(label, value)
        status_reason, exit_code = _seeding.check_for_status(
            status, started_at, stopped_at, status_reason, exit_code
        )
        region = self._region(region)
        with self._store.lock:
            queue = self._resolve_queue(job_queue, region)
            definition = self._resolve_job_definition(job_definition, queue.region)
            spec = _seeded_spec(definition)
            jobs = []
            for _ in range(count):
                created = self._store.next_created_at() if created_at is None else created_at
                job = Job(
                    job_id=self._ids.job_id(),
                    job_name=self._ids.job_name() if job_name is None else job_name,
                    job_queue=queue.arn,
                    job_definition=definition.arn,
                    share_identifier=share_identifier,
                    spec=spec,
                    **_seeding.lifecycle(
                        status,
                        created,
                        started_at,
                        stopped_at,
                        status_reason,
                        exit_code,
                        container_reason,
                    ),
                )
                self._store.add_job(job)
                jobs.append(job)
            return jobs

    def add_array_job(
        self,
        job_queue: str = "default",
        *,
        size: int,
        job_name: str | None = None,
        job_definition: str | None = None,
        status: JobStatus | None = None,
        child_statuses: JobStatus | Sequence[JobStatus] | None = None,
        created_at: int | None = None,
        region: str | None = None,
    ) -> Job:
        """Add an array job of ``size`` children (``<parentId>:<index>``); returns the parent.

        ``child_statuses`` is one status for every child or one per child (default RUNNING). The
        parent's status follows AWS's rule from its children unless given, and must agree with it.
        """
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"size must be an int, not {size!r}")
        if not MIN_ARRAY_SIZE <= size <= MAX_ARRAY_SIZE:
            raise ValueError(
                f"size must be from {MIN_ARRAY_SIZE} to {MAX_ARRAY_SIZE:,}, as AWS Batch allows; got {shown(size)}"
            )
        if status is not None and status not in ARRAY_PARENT_STATUSES:
            raise ValueError(
                f"an array parent's status is one of {', '.join(ARRAY_PARENT_STATUSES)}; got {status!r}"
            )
        statuses = _seeding.statuses(
            "child_statuses", child_statuses, size, _seeding.CHILDREN_OF_PARENT[status or "PENDING"]
        )
        derived = array_parent_status(statuses)
        if status is not None and status != derived:
            raise ValueError(
                f"an array parent whose children are {_seeding.describe(statuses)} is {derived}, not "
                f"{status}; leave status out to derive it"
            )
        with self._store.lock:
            parent = self._parent(job_queue, job_name, job_definition, created_at, region)
            children = tuple(
                _seeding.part_of(
                    parent, f"{parent.job_id}:{index}", child_status, array_index=index
                )
                for index, child_status in enumerate(statuses)
            )
            return self._add_family(
                attrs.evolve(
                    parent,
                    status=derived,
                    children=children,
                    # As when it finishes by moves: its last child's stoppedAt (_lifecycle).
                    stopped_at=max(c.stopped_at or 0 for c in children)
                    if derived in FINISHED_STATUSES
                    else None,
                )
            )

    def add_multinode_job(
        self,
        job_queue: str = "default",
        *,
        num_nodes: int,
        main_node: int = 0,
        job_name: str | None = None,
        job_definition: str | None = None,
        status: JobStatus = "RUNNING",
        node_statuses: JobStatus | Sequence[JobStatus] | None = None,
        created_at: int | None = None,
        region: str | None = None,
    ) -> Job:
        """Add a multi-node parallel job with ``num_nodes`` nodes (``<jobId>#<index>``).

        ``node_statuses`` is one status for every node or one per node (default: the job's status).
        The job's final status is its main node's, so the two must agree once either finished.
        """
        for label, value in (("num_nodes", num_nodes), ("main_node", main_node)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{label} must be an int, not {value!r}")
        if not 1 <= num_nodes <= _seeding.MAX_NODES:
            raise ValueError(
                f"num_nodes must be from 1 to {_seeding.MAX_NODES:,}, not {shown(num_nodes)}"
            )
        if not 0 <= main_node < num_nodes:
            raise ValueError(
                f"main_node must be a node index from 0 to {num_nodes - 1}, not {shown(main_node)}"
            )
        _seeding.check_status(status)
        statuses = _seeding.statuses("node_statuses", node_statuses, num_nodes, status)
        main_status = statuses[main_node]
        if main_status != status and FINISHED_STATUSES & {main_status, status}:
            raise ValueError(
                f"a multi-node job's final status is its main node's: node {main_node} is "
                f"{main_status} but the job is {status}"
            )
        with self._store.lock:
            parent = self._parent(job_queue, job_name, job_definition, created_at, region)
            nodes = tuple(
                _seeding.part_of(
                    parent,
                    f"{parent.job_id}#{index}",
                    node_status,
                    node_index=index,
                    is_main_node=index == main_node,
                )
                for index, node_status in enumerate(statuses)
            )
            # "The started, stoppedAt, statusReason and exit information of the job are populated
            # from the main node" (multi-node parallel jobs, user guide).
            main = nodes[main_node]
            parent = attrs.evolve(
                parent,
                **_seeding.lifecycle(
                    status,
                    parent.created_at,
                    main.started_at if status in STARTED_STATUSES else None,
                    main.stopped_at if status == main_status else None,
                    main.status_reason if status == main_status else None,
                    main.exit_code if status == main_status else None,
                ),
                nodes=nodes,
            )
            if "nodeProperties" in parent.spec:  # a multinode job definition: as seeded
                definition = self._store.find_job_definition_arn(parent.job_definition)
                assert definition is not None
                ranges = definition.properties["nodeProperties"]["nodeRangeProperties"]
                node_properties = {
                    **parent.spec["nodeProperties"],
                    "numNodes": num_nodes,
                    "mainNode": main_node,
                    # The definition's ranges over this many nodes: each node's container.
                    "nodeRangeProperties": node_ranges(ranges, [], num_nodes),
                }
                spec = MappingProxyType({**parent.spec, "nodeProperties": node_properties})
                nodes = tuple(attrs.evolve(node, spec=spec) for node in parent.nodes)
                parent = attrs.evolve(parent, spec=spec, nodes=nodes)
            return self._add_family(parent)

    def _add_family(self, parent: Job) -> Job:
        """Store an array or multi-node job, then its children or nodes (the store's order)."""
        self._store.add_job(parent)
        for child in parent.children or parent.nodes:
            self._store.add_job(child)
        return parent

    def _parent(
        self,
        job_queue: str,
        job_name: str | None,
        job_definition: str | None,
        created_at: int | None,
        region: str | None,
    ) -> Job:
        """The common part of an array or multi-node job, before its children are known."""
        if job_name is not None:
            _seeding.check_name("job name", job_name, _seeding.JOB_NAME)
        _seeding.check_created_at(created_at)
        queue = self._resolve_queue(job_queue, self._region(region))
        definition = self._resolve_job_definition(job_definition, queue.region)
        return Job(
            job_id=self._ids.job_id(),
            job_name=self._ids.job_name() if job_name is None else job_name,
            job_queue=queue.arn,
            job_definition=definition.arn,
            status="SUBMITTED",
            created_at=self._store.next_created_at() if created_at is None else created_at,
            spec=_seeded_spec(definition),
        )

    def _region(self, region: str | None) -> str:
        return self.region if region is None else _seeding.check_region(region)

    def _resolve_queue(self, job_queue: str, region: str) -> JobQueue:
        if not isinstance(job_queue, str):
            raise TypeError(f"job_queue must be a queue name or ARN, not {job_queue!r}")
        name = job_queue
        if job_queue.startswith("arn:"):
            name = self._arn_resource(job_queue, "job-queue", region)
        else:
            _seeding.check_name("queue name", name, _seeding.RESOURCE_NAME)
        return self._store.find_queue(region, name) or self._store.add_queue(region, name)

    def _resolve_job_definition(self, job_definition: str | None, region: str) -> JobDefinition:
        store = self._store
        if job_definition is None:
            job_definition = _seeding.DEFAULT_JOB_DEFINITION
        if not isinstance(job_definition, str):
            raise TypeError(
                f"job_definition must be a name, name:revision or ARN, not {job_definition!r}"
            )
        reference = job_definition
        if job_definition.startswith("arn:"):
            reference = self._arn_resource(job_definition, "job-definition", region)
        name, _, revision_text = reference.partition(":")
        _seeding.check_name("job definition name", name, _seeding.RESOURCE_NAME)
        if not revision_text:
            return store.latest_job_definition(region, name) or store.add_job_definition(
                region, name
            )
        # ASCII digits, few enough for int(): isdigit() takes "²", and int() refuses 4,300 digits.
        if not _REVISION.fullmatch(revision_text):
            raise ValueError(f"job definition revision must be a number: {job_definition!r}")
        revision = int(revision_text)
        found = store.job_definition_revision(region, name, revision)
        if found is not None:
            return found
        latest = store.latest_job_definition(region, name)
        if revision == (latest.revision + 1 if latest else 1):
            return store.add_job_definition(region, name)
        raise ValueError(
            f"job definition {name!r} has no revision {revision} in {region} (it has "
            f"{latest.revision if latest else 0}); add revisions with add_job_definition()"
        )

    def _arn_resource(self, arn: str, kind: str, region: str) -> str:
        parts = _arns.parse(arn)
        if parts is None or parts["kind"] != kind:
            raise ValueError(f"{arn!r} is not a {kind} ARN")
        if parts["account"] != self.account_id:
            raise ValueError(
                f"{arn!r} belongs to account {parts['account']}, not {self.account_id}"
            )
        if parts["region"] != region:
            raise ValueError(
                f"{arn!r} is in region {parts['region']}, not {region}; pass region= to add it there"
            )
        return parts["rest"]


def _seeded_spec(definition: JobDefinition) -> Mapping[str, Any]:
    """What a seeded job takes from its job definition, as one submitted without overrides
    would: retry strategy, timeout, parameters, container (shared by the jobs of one call)."""
    return MappingProxyType(job_spec(definition, {}))
