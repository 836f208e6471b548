"""FakeBatch: the fake service's front door for tests (activation, seeding, inspection)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Final

import attrs

from . import _arns, _routing
from ._clock import Clock
from ._errors import ServiceError
from ._operations import OPERATIONS
from ._render import Reply
from ._store import Store
from .exceptions import UnsupportedOperationError
from .factories import IdFactory, random_seed
from .models import (
    ARRAY_PARENT_STATUSES,
    FINISHED_STATUSES,
    JOB_STATUSES,
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
    from types import TracebackType

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
# CreateJobQueue / RegisterJobDefinition: up to 128 letters, numbers, hyphens and underscores.
_RESOURCE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
# SubmitJob: the same, and the first character must be a letter or a number.
_JOB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")

DEFAULT_JOB_DEFINITION: Final = "default"
#: "You can have up to 1,000 nodes in a single job" (user guide, node groups; a default limit).
MAX_NODES: Final = 1000
# The children an array parent given only a status gets.
_CHILDREN_OF_PARENT: Final[dict[str, JobStatus]] = {
    "SUBMITTED": "SUBMITTED",
    "PENDING": "RUNNING",
    "SUCCEEDED": "SUCCEEDED",
    "FAILED": "FAILED",
}
#: The reason AWS gives a job whose container exited (observed in real summaries).
CONTAINER_EXITED: Final = "Essential container in task exited"


class FakeBatch:
    """An in-memory AWS Batch that answers every Batch call while it is active.

    Use it as a context manager (``with FakeBatch() as fake:``) or through the ``fake_batch`` pytest
    fixture. ``region`` and ``account_id`` shape every ARN; ``seed`` makes generated ids and names
    reproducible; ``wire=True`` answers through botocore's HTTP layer instead of short-cutting it.
    """

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        seed: int | None = None,
        wire: bool = False,
    ) -> None:
        if not isinstance(region, str) or not _REGION.match(region):
            raise ValueError(
                f"region must be an AWS region name such as 'us-east-1', not {region!r}"
            )
        if not isinstance(account_id, str) or not _ACCOUNT_ID.match(account_id):
            raise ValueError(f"account_id must be a string of 12 digits, not {account_id!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TypeError(f"seed must be an int or None, not {seed!r}")
        if not isinstance(wire, bool):
            raise TypeError(f"wire must be True or False, not {wire!r}")
        self.region: Final = region
        self.account_id: Final = account_id
        self.seed: Final[int] = random_seed() if seed is None else seed
        self.wire: Final = wire
        self.clock: Final = Clock()
        self._ids = IdFactory(self.seed)
        self._store = Store(account_id)
        self._last_default_created_at = -1
        #: Batch operations code under test called that the fake does not implement, in order.
        self.unsupported_calls: list[str] = []

    def __repr__(self) -> str:
        return (
            f"FakeBatch(region={self.region!r}, account_id={self.account_id!r}, "
            f"seed={self.seed!r}, wire={self.wire!r})"
        )

    # Activation

    def __enter__(self) -> FakeBatch:
        _routing.activate(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _routing.deactivate(self)

    @property
    def active(self) -> bool:
        """True while this fake answers Batch calls."""
        return _routing.active_fake() is self

    # Seeding

    def add_queue(self, name: str, *, region: str | None = None) -> JobQueue:
        """Create a job queue. Its name must be new in its region."""
        region = self._region(region)
        _check_name("queue name", name, _RESOURCE_NAME)
        with self._store.lock:
            if self._store.find_queue(region, name) is not None:
                raise ValueError(f"a job queue named {name!r} already exists in {region}")
            return self._store.add_queue(region, name)

    def add_job_definition(self, name: str, *, region: str | None = None) -> JobDefinition:
        """Register a job definition; registering a name again makes its next revision."""
        region = self._region(region)
        _check_name("job definition name", name, _RESOURCE_NAME)
        with self._store.lock:
            return self._store.add_job_definition(region, name)

    def add_job(
        self,
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
    ) -> Job:
        """Add one job in ``status``; values left out are filled in consistently with it.

        ``job_queue`` and ``job_definition`` take a name or an ARN; a name not seen before creates
        the queue or job definition. Timestamps are epoch milliseconds.
        """
        return self.add_jobs(
            1,
            job_queue,
            job_name=job_name,
            status=status,
            job_definition=job_definition,
            created_at=created_at,
            started_at=started_at,
            stopped_at=stopped_at,
            status_reason=status_reason,
            exit_code=exit_code,
            share_identifier=share_identifier,
            region=region,
        )[0]

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
    ) -> list[Job]:
        """Add ``count`` jobs that share these values, each with its own id and generated name."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"count must be a whole number of jobs, 0 or more, not {count!r}")
        _check_status(status)
        if job_name is not None:
            _check_name("job name", job_name, _JOB_NAME)
        _check_optional_str("status_reason", status_reason)
        _check_optional_str("share_identifier", share_identifier)
        for label, value in (
            ("created_at", created_at),
            ("started_at", started_at),
            ("stopped_at", stopped_at),
            ("exit_code", exit_code),
        ):
            _check_optional_int(label, value)
        status_reason, exit_code = _check_for_status(
            status, started_at, stopped_at, status_reason, exit_code
        )
        region = self._region(region)
        with self._store.lock:
            queue = self._resolve_queue(job_queue, region)
            definition = self._resolve_job_definition(job_definition, queue.region)
            jobs = []
            for _ in range(count):
                created = self._next_created_at() if created_at is None else created_at
                job = Job(
                    job_id=self._ids.job_id(),
                    job_name=self._ids.job_name() if job_name is None else job_name,
                    job_queue=queue.arn,
                    job_definition=definition.arn,
                    share_identifier=share_identifier,
                    **_lifecycle(status, created, started_at, stopped_at, status_reason, exit_code),
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
                f"size must be from {MIN_ARRAY_SIZE} to {MAX_ARRAY_SIZE:,}, as AWS Batch allows; got {size}"
            )
        if status is not None and status not in ARRAY_PARENT_STATUSES:
            raise ValueError(
                f"an array parent's status is one of {', '.join(ARRAY_PARENT_STATUSES)}; got {status!r}"
            )
        statuses = _statuses(
            "child_statuses", child_statuses, size, _CHILDREN_OF_PARENT[status or "PENDING"]
        )
        derived = array_parent_status(statuses)
        if status is not None and status != derived:
            raise ValueError(
                f"an array parent whose children are {_describe(statuses)} is {derived}, not "
                f"{status}; leave status out to derive it"
            )
        with self._store.lock:
            parent = self._parent(job_queue, job_name, job_definition, created_at, region)
            children = tuple(
                Job(
                    job_id=f"{parent.job_id}:{index}",
                    job_name=parent.job_name,
                    job_queue=parent.job_queue,
                    job_definition=parent.job_definition,
                    array_index=index,
                    **_lifecycle(child_status, parent.created_at),
                )
                for index, child_status in enumerate(statuses)
            )
            parent = attrs.evolve(parent, status=derived, array_size=size, children=children)
            self._store.add_job(parent)
            for child in children:
                self._store.add_job(child)
            return parent

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
        if not 1 <= num_nodes <= MAX_NODES:
            raise ValueError(f"num_nodes must be from 1 to {MAX_NODES:,}, not {num_nodes}")
        if not 0 <= main_node < num_nodes:
            raise ValueError(
                f"main_node must be a node index from 0 to {num_nodes - 1}, not {main_node}"
            )
        _check_status(status)
        statuses = _statuses("node_statuses", node_statuses, num_nodes, status)
        main_status = statuses[main_node]
        if main_status != status and FINISHED_STATUSES & {main_status, status}:
            raise ValueError(
                f"a multi-node job's final status is its main node's: node {main_node} is "
                f"{main_status} but the job is {status}"
            )
        with self._store.lock:
            parent = self._parent(job_queue, job_name, job_definition, created_at, region)
            nodes = tuple(
                Job(
                    job_id=f"{parent.job_id}#{index}",
                    job_name=parent.job_name,
                    job_queue=parent.job_queue,
                    job_definition=parent.job_definition,
                    node_index=index,
                    is_main_node=index == main_node,
                    **_lifecycle(node_status, parent.created_at),
                )
                for index, node_status in enumerate(statuses)
            )
            # "The started, stoppedAt, statusReason and exit information of the job are populated
            # from the main node" (multi-node parallel jobs, user guide).
            main = nodes[main_node]
            parent = attrs.evolve(
                parent,
                **_lifecycle(
                    status,
                    parent.created_at,
                    main.started_at if status in STARTED_STATUSES else None,
                    main.stopped_at if status == main_status else None,
                    main.status_reason if status == main_status else None,
                    main.exit_code if status == main_status else None,
                ),
                num_nodes=num_nodes,
                nodes=nodes,
            )
            self._store.add_job(parent)
            for node in nodes:
                self._store.add_job(node)
            return parent

    # Inspection

    def get_job(self, job_id: str) -> Job:
        """The job with this id (array children and nodes included), as it is now."""
        with self._store.lock:
            job = self._store.jobs.get(job_id)
        if job is None:
            raise ValueError(f"the fake has no job with id {job_id!r}")
        return job

    @property
    def jobs(self) -> list[Job]:
        """Every job, in the order it was added."""
        with self._store.lock:
            return list(self._store.jobs.values())

    # Serving (called by _routing for every Batch request while active)

    def serve(self, operation: str, region: str, body: bytes | str | None) -> Reply:
        """Answer one request as the service would, from its operation name and JSON body."""
        handler = OPERATIONS.get(operation)
        if handler is None:
            self.unsupported_calls.append(operation)
            raise UnsupportedOperationError(operation, OPERATIONS)
        params: Mapping[str, Any] = json.loads(body) if body else {}
        with self._store.lock:
            request_id = self._ids.request_id()
            now = self.clock.now_ms()
            try:
                return Reply(200, request_id, now, handler(self._store, region, params))
            except ServiceError as error:
                return Reply.error(error, request_id, now)

    # Helpers

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
            _check_name("job name", job_name, _JOB_NAME)
        _check_optional_int("created_at", created_at)
        queue = self._resolve_queue(job_queue, self._region(region))
        definition = self._resolve_job_definition(job_definition, queue.region)
        return Job(
            job_id=self._ids.job_id(),
            job_name=self._ids.job_name() if job_name is None else job_name,
            job_queue=queue.arn,
            job_definition=definition.arn,
            status="SUBMITTED",
            created_at=self._next_created_at() if created_at is None else created_at,
        )

    def _region(self, region: str | None) -> str:
        if region is None:
            return self.region
        if not isinstance(region, str) or not _REGION.match(region):
            raise ValueError(
                f"region must be an AWS region name such as 'us-east-1', not {region!r}"
            )
        return region

    def _next_created_at(self) -> int:
        # Strictly increasing, so jobs added without a created_at list in the order they were added.
        created = max(self.clock.now_ms(), self._last_default_created_at + 1)
        self._last_default_created_at = created
        return created

    def _resolve_queue(self, job_queue: str, region: str) -> JobQueue:
        if not isinstance(job_queue, str):
            raise TypeError(f"job_queue must be a queue name or ARN, not {job_queue!r}")
        name = job_queue
        if job_queue.startswith("arn:"):
            name = self._arn_resource(job_queue, "job-queue", region)
        else:
            _check_name("queue name", name, _RESOURCE_NAME)
        return self._store.find_queue(region, name) or self._store.add_queue(region, name)

    def _resolve_job_definition(self, job_definition: str | None, region: str) -> JobDefinition:
        store = self._store
        if job_definition is None:
            job_definition = DEFAULT_JOB_DEFINITION
        if not isinstance(job_definition, str):
            raise TypeError(
                f"job_definition must be a name, name:revision or ARN, not {job_definition!r}"
            )
        reference = job_definition
        if job_definition.startswith("arn:"):
            reference = self._arn_resource(job_definition, "job-definition", region)
        name, _, revision_text = reference.partition(":")
        _check_name("job definition name", name, _RESOURCE_NAME)
        if not revision_text:
            return store.latest_job_definition(region, name) or store.add_job_definition(
                region, name
            )
        if not revision_text.isdigit():
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


def _check_for_status(
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
        raise ValueError(f"a SUCCEEDED job exits with code 0, not {exit_code!r}")
    if exit_code is None:
        exit_code = 0 if status == "SUCCEEDED" else 1
    return (CONTAINER_EXITED if status_reason is None else status_reason), exit_code


def _lifecycle(
    status: JobStatus,
    created: int,
    started_at: int | None = None,
    stopped_at: int | None = None,
    status_reason: str | None = None,
    exit_code: int | None = None,
) -> dict[str, Any]:
    """The status-dependent fields of a job created at ``created``, checked and filled in."""
    status_reason, exit_code = _check_for_status(
        status, started_at, stopped_at, status_reason, exit_code
    )
    started = stopped = None
    if status in STARTED_STATUSES:
        started = created if started_at is None else started_at
    if status in FINISHED_STATUSES:
        stopped = started if stopped_at is None else stopped_at
    _check_order(created, started, stopped)
    return {
        "status": status,
        "created_at": created,
        "started_at": started,
        "stopped_at": stopped,
        "status_reason": status_reason,
        "exit_code": exit_code,
    }


def _check_status(status: object) -> None:
    if status not in JOB_STATUSES:
        raise ValueError(f"status must be one of {', '.join(JOB_STATUSES)}; got {status!r}")


def _statuses(label: str, given: object, count: int, default: JobStatus) -> list[JobStatus]:
    """One status per child: ``given`` is None (``default`` for all), one status, or one per child."""
    if given is None:
        return [default] * count
    if isinstance(given, str):
        _check_status(given)
        return [given] * count  # type: ignore[list-item]
    if not isinstance(given, (list, tuple)):
        raise TypeError(f"{label} must be a status or a list of statuses, not {given!r}")
    if len(given) != count:
        raise ValueError(f"{label} has {len(given)} statuses for {count} jobs")
    for status in given:
        _check_status(status)
    return list(given)


def _describe(statuses: list[JobStatus]) -> str:
    counts = {status: statuses.count(status) for status in JOB_STATUSES if status in statuses}
    return ", ".join(f"{count} {status}" for status, count in counts.items())


def _check_order(created: int, started: int | None, stopped: int | None) -> None:
    """Timestamps never go backwards: created <= started <= stopped."""
    if started is not None and started < created:
        raise ValueError(f"started_at ({started}) is before created_at ({created})")
    if stopped is not None and started is not None and stopped < started:
        raise ValueError(f"stopped_at ({stopped}) is before started_at ({started})")


def _check_name(label: str, value: object, pattern: re.Pattern[str]) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{label} must be a string, not {value!r}")
    if not pattern.match(value):
        rule = "up to 128 letters, numbers, hyphens and underscores"
        if pattern is _JOB_NAME:
            rule += ", starting with a letter or number"
        raise ValueError(f"invalid {label} {value!r}: AWS Batch allows {rule}")


def _check_optional_str(label: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{label} must be a string or None, not {value!r}")


def _check_optional_int(label: str, value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(
            f"{label} must be an int (epoch milliseconds for timestamps), not {value!r}"
        )
