"""FakeBatch: the fake service's front door for tests (activation, seeding, inspection)."""

from __future__ import annotations

import json
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from . import (
    _autopilot,
    _calls,
    _inspection,
    _lifecycle,
    _reset,
    _resource_seeding,
    _routing,
    _seeding,
    _service_seeding,
    _sleep,
    _uri,
)
from . import _service_job_lifecycle as _service_jobs
from ._calls import Call, CallError
from ._clock import Clock
from ._errors import ServiceError
from ._faults import THROTTLED, Faults, RateLimit
from ._hints import snake_case_keywords
from ._job_seeding import JobSeeder
from ._operations import OPERATIONS, consumable, quota_shares
from ._render import Reply
from ._shown import repr_or_none, shown
from ._store import Store
from .exceptions import UnsupportedOperationError
from .factories import IdFactory, random_seed

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from types import TracebackType

    from .models import (
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
        ServiceJobStatus,
    )


#: "The job state for SUCCEEDED jobs is persisted in AWS Batch for at least 7 days" (user guide).
DEFAULT_RETENTION: Final = timedelta(days=7)

# The error code a call the fake does not implement is logged with (it never reaches botocore).
_UNSUPPORTED = "pytest-fakebatch:UnsupportedOperation"


class FakeBatch:
    """An in-memory AWS Batch that answers every Batch call while it is active.

    Use it as a context manager (``with FakeBatch() as fake:``) or through the ``fake_batch`` pytest
    fixture. ``region`` and ``account_id`` shape every ARN; ``seed`` makes generated ids and names
    reproducible; ``wire=True`` answers through botocore's HTTP layer instead of short-cutting it;
    ``rate_limit`` throttles calls beyond that many a second of fake time; ``allow_unsupported``
    lets a test using the fixture pass after calls the fake does not implement; ``retention``
    (a timedelta or seconds of fake time; None: for ever) is how long finished jobs stay listable
    and describable.

    ``autorun`` moves jobs on their own: ``"poll"`` one scheduler step before each request that
    reads jobs, a number of seconds one step per that many seconds of the fake's clock, None (the
    default) only when the test moves them. ``sleep="fake"`` makes ``time.sleep`` and
    ``asyncio.sleep`` move the fake's clock instead of waiting, while the fake is active.
    ``visibility_lag=n`` leaves a job submitted through the API out of the first ``n``
    DescribeJobs and ListJobs answers after its SubmitJob, as an eventually consistent service may.
    """

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        seed: int | None = None,
        wire: bool = False,
        rate_limit: float | None = None,
        allow_unsupported: bool = False,
        retention: timedelta | float | None = DEFAULT_RETENTION,
        autorun: Literal["poll"] | float | None = None,
        sleep: Literal["real", "fake"] = "real",
        visibility_lag: int = 0,
    ) -> None:
        _seeding.check_region(region)
        if not isinstance(account_id, str) or not _seeding.ACCOUNT_ID.match(account_id):
            raise ValueError(f"account_id must be a string of 12 digits, not {account_id!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TypeError(f"seed must be an int or None, not {seed!r}")
        if seed is not None and shown(seed) != repr_or_none(seed):
            # The report header and repr() show the seed: it must be an int Python can print.
            raise ValueError(f"seed must have at most 4,300 digits, not {shown(seed)}")
        if not isinstance(wire, bool):
            raise TypeError(f"wire must be True or False, not {wire!r}")
        if not isinstance(allow_unsupported, bool):
            raise TypeError(f"allow_unsupported must be True or False, not {allow_unsupported!r}")
        _autopilot.check_autorun(autorun)
        #: Whether ``time.sleep`` and ``asyncio.sleep`` move the fake's clock while it is active.
        self.sleep: Final = _sleep.check_mode(sleep)
        self.region: Final = region
        self.account_id: Final = account_id
        self.seed: Final[int] = random_seed() if seed is None else seed
        self.wire: Final = wire
        self.clock: Final = Clock()
        #: Whether the fake_batch fixture lets a test pass after calls the fake does not implement.
        self.allow_unsupported: Final = allow_unsupported
        #: Calls a second of fake time before requests are throttled (None: no limit).
        self.rate_limit: Final = rate_limit
        self._rate_limit = None if rate_limit is None else RateLimit(rate_limit)
        self._faults = Faults()
        self._ids = IdFactory(self.seed)
        self._store = Store(account_id, self.clock, self._ids, _retention_ms(retention))
        self._jobs = JobSeeder(self._store, self._ids, account_id, region)
        self._autopilot = _autopilot.Autopilot(
            self._store, autorun, _autopilot.check_visibility_lag(visibility_lag)
        )
        #: Batch operations code under test called that the fake does not implement, in order.
        self.unsupported_calls: list[str] = []
        #: Every Batch call, in order, as the service received it (see ``get_calls``).
        self.calls: list[Call] = []

    def __repr__(self) -> str:
        return (
            f"FakeBatch(region={self.region!r}, account_id={self.account_id!r}, "
            f"seed={self.seed!r}, wire={self.wire!r}"
            + ("" if self.rate_limit is None else f", rate_limit={self.rate_limit!r}")
            + ")"
        )

    # Activation

    def __enter__(self) -> FakeBatch:
        _routing.activate(self)
        if self.sleep == "fake":
            _sleep.install()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            _routing.deactivate(self)
        finally:
            if self.sleep == "fake":
                _sleep.uninstall()

    @staticmethod
    def attach(client: Any) -> None:
        """Route a Batch client made before pytest_fakebatch was imported (one made afterwards is
        routed already). Its calls go to whichever fake is active, as any client's do."""
        _routing.attach(client)

    @property
    def active(self) -> bool:
        """True while this fake answers Batch calls."""
        return _routing.active_fake() is self

    # Seeding

    @snake_case_keywords
    def add_queue(
        self,
        name: str,
        *,
        region: str | None = None,
        state: Literal["ENABLED", "DISABLED"] = "ENABLED",
        priority: int = 1,
        compute_environments: Sequence[str] | None = None,
        scheduling_policy_arn: str | None = None,
        job_state_time_limit_actions: Sequence[Mapping[str, Any]] | None = None,
        tags: Mapping[str, str] | None = None,
        service_environments: Sequence[str] | None = None,
    ) -> JobQueue:
        """Create a job queue. Its name must be new in its region.

        ``compute_environments`` names existing compute environments (names or ARNs), in order;
        ``service_environments`` existing service environments instead (a SAGEMAKER_TRAINING
        queue, for service jobs);
        ``job_state_time_limit_actions`` are camelCase, as CreateJobQueue takes them. The values
        are checked as CreateJobQueue checks them.
        """
        region = self._region(region)
        _seeding.check_name("queue name", name, _seeding.RESOURCE_NAME)
        with self._store.lock:
            if self._store.find_queue(region, name) is not None:
                raise ValueError(f"a job queue named {name!r} already exists in {region}")
            checked = _resource_seeding.queue(
                self._store,
                region,
                name,
                state=state,
                priority=priority,
                compute_environments=compute_environments,
                scheduling_policy_arn=scheduling_policy_arn,
                job_state_time_limit_actions=job_state_time_limit_actions,
                tags=tags,
                service_environments=service_environments,
            )
            return self._store.add_queue(region, name, **checked)

    @snake_case_keywords
    def add_job_definition(
        self,
        name: str,
        *,
        region: str | None = None,
        type: Literal["container", "multinode"] = "container",
        container_properties: Mapping[str, Any] | None = None,
        node_properties: Mapping[str, Any] | None = None,
        parameters: Mapping[str, str] | None = None,
        retry_strategy: Mapping[str, Any] | None = None,
        timeout: Mapping[str, Any] | None = None,
        propagate_tags: bool | None = None,
        platform_capabilities: Sequence[str] | None = None,
        scheduling_priority: int | None = None,
        tags: Mapping[str, str] | None = None,
        status: Literal["ACTIVE", "INACTIVE"] = "ACTIVE",
    ) -> JobDefinition:
        """Register a job definition; registering a name again makes its next revision.

        The structures are camelCase, as RegisterJobDefinition takes them, and are checked as it
        checks them. Without ``container_properties`` (or ``node_properties``) the definition
        gets a default container: image ``busybox``, 1 vCPU, 2048 MiB, ``echo hello``.
        ``status="INACTIVE"`` registers it deregistered.
        """
        region = self._region(region)
        _seeding.check_name("job definition name", name, _seeding.RESOURCE_NAME)
        if status not in ("ACTIVE", "INACTIVE"):
            raise ValueError(f"status must be 'ACTIVE' or 'INACTIVE', not {status!r}")
        type_, properties, checked_tags = _resource_seeding.job_definition(
            name,
            type=type,
            container_properties=container_properties,
            node_properties=node_properties,
            parameters=parameters,
            retry_strategy=retry_strategy,
            timeout=timeout,
            propagate_tags=propagate_tags,
            platform_capabilities=platform_capabilities,
            scheduling_priority=scheduling_priority,
            tags=tags,
        )
        with self._store.lock:
            definition = self._store.add_job_definition(
                region, name, type=type_, properties=properties, tags=checked_tags
            )
            if status == "INACTIVE":
                definition = attrs.evolve(definition, status=status)
                self._store.replace_job_definition(definition)
            return definition

    @snake_case_keywords
    def add_compute_environment(
        self,
        name: str,
        *,
        region: str | None = None,
        type: Literal["MANAGED", "UNMANAGED"] = "MANAGED",
        state: Literal["ENABLED", "DISABLED"] = "ENABLED",
        compute_resources: Mapping[str, Any] | None = None,
        service_role: str | None = None,
        unmanaged_vcpus: int | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> ComputeEnvironment:
        """Create a compute environment (stored and described; nothing runs on it). Its name must
        be new in its region. A MANAGED one given no ``compute_resources`` (camelCase, as
        CreateComputeEnvironment takes them) gets EC2 resources of 0 to 256 vCPUs."""
        region = self._region(region)
        _seeding.check_name("compute environment name", name, _seeding.RESOURCE_NAME)
        with self._store.lock:
            checked = _resource_seeding.compute_environment(
                self._store,
                region,
                name,
                type=type,
                state=state,
                compute_resources=compute_resources,
                service_role=service_role,
                unmanaged_vcpus=unmanaged_vcpus,
                tags=tags,
            )
            return self._store.add_compute_environment(region, name, **checked)

    # Scheduling policies

    def add_scheduling_policy(
        self,
        name: str,
        *,
        region: str | None = None,
        fairshare_policy: Mapping[str, Any] | None = None,
        quota_share_policy: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> SchedulingPolicy:
        """Create a scheduling policy; its name must be new in its region. ``fairshare_policy``
        (or ``quota_share_policy``, not both) is camelCase, as CreateSchedulingPolicy takes it,
        and is checked as it checks it. Give the policy's ``arn`` to ``add_queue`` to make a
        fair-share queue."""
        region = self._region(region)
        _seeding.check_name("scheduling policy name", name, _seeding.RESOURCE_NAME)
        with self._store.lock:
            return _resource_seeding.scheduling_policy(
                self._store,
                region,
                name,
                fairshare_policy=fairshare_policy,
                quota_share_policy=quota_share_policy,
                tags=tags,
            )

    @property
    def scheduling_policies(self) -> list[SchedulingPolicy]:
        """Every scheduling policy, in every region, in the order they were created."""
        with self._store.lock:
            return list(self._store.scheduling_policies.values())

    @snake_case_keywords
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
        container_reason: str | None = None,
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
            container_reason=container_reason,
        )[0]

    @snake_case_keywords
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
        """Add ``count`` jobs that share these values, each with its own id and generated name.
        ``container_reason`` is a finished job's ``container.reason`` (its attempt's)."""
        return self._jobs.add_jobs(
            count,
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
            container_reason=container_reason,
        )

    @snake_case_keywords
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
        return self._jobs.add_array_job(
            job_queue,
            size=size,
            job_name=job_name,
            job_definition=job_definition,
            status=status,
            child_statuses=child_statuses,
            created_at=created_at,
            region=region,
        )

    @snake_case_keywords
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
        return self._jobs.add_multinode_job(
            job_queue,
            num_nodes=num_nodes,
            main_node=main_node,
            job_name=job_name,
            job_definition=job_definition,
            status=status,
            node_statuses=node_statuses,
            created_at=created_at,
            region=region,
        )

    # Consumable resources and quota shares

    def add_consumable_resource(
        self,
        name: str,
        *,
        region: str | None = None,
        total_quantity: int = 1,
        resource_type: Literal["REPLENISHABLE", "NON_REPLENISHABLE"] = "REPLENISHABLE",
        tags: Mapping[str, str] | None = None,
    ) -> ConsumableResource:
        """Create a consumable resource (licences, connections, ...) of ``total_quantity``
        units, checked as CreateConsumableResource checks it. Its name must be new in its
        region. Jobs whose job definition or SubmitJob override requires it hold their quantity
        from STARTING until they finish; ``advance`` and ``run_all`` leave a job RUNNABLE while
        the quantity it needs is not available."""
        region = self._region(region)
        with self._store.lock:
            return consumable.seeded(
                self._store,
                region,
                name,
                total_quantity=total_quantity,
                resource_type=resource_type,
                tags=tags,
            )

    def add_quota_share(
        self,
        name: str,
        *,
        job_queue: str,
        region: str | None = None,
        capacity_limits: Sequence[Mapping[str, Any]] = (
            {"maxCapacity": 1, "capacityUnit": "ml.m5.large"},
        ),
        resource_sharing_configuration: Mapping[str, Any] = MappingProxyType(
            {"strategy": "RESERVE"}
        ),
        preemption_configuration: Mapping[str, Any] = MappingProxyType(
            {"inSharePreemption": "DISABLED"}
        ),
        state: Literal["ENABLED", "DISABLED"] = "ENABLED",
        tags: Mapping[str, str] | None = None,
    ) -> QuotaShare:
        """Create a quota share in the existing job queue ``job_queue`` (a name or ARN; a
        quota-management queue: no compute environments), checked as CreateQuotaShare checks
        it. The structures are camelCase, as the API takes them; its name must be new in its
        queue."""
        region = self._region(region)
        with self._store.lock:
            return quota_shares.seeded(
                self._store,
                region,
                name,
                job_queue=job_queue,
                capacity_limits=capacity_limits,
                resource_sharing_configuration=resource_sharing_configuration,
                preemption_configuration=preemption_configuration,
                state=state,
                tags=tags,
            )

    @property
    def consumable_resources(self) -> list[ConsumableResource]:
        """Every consumable resource, in every region, in the order created, with its
        quantities as they are now."""
        with self._store.lock:
            order = self._store.created_order
            return sorted(self._store.consumable_resources.values(), key=lambda r: order[r.arn])

    @property
    def quota_shares(self) -> list[QuotaShare]:
        """Every quota share of every job queue, in every region, in the order created."""
        with self._store.lock:
            order = self._store.created_order
            shares = [
                share
                for queue in self._store.queues()
                for share in quota_shares.live_shares(self._store, queue)
            ]
        return sorted(shares, key=lambda share: order[share.arn])

    # Moving jobs (nothing moves on its own)

    def set_status(
        self,
        job_id: str,
        status: JobStatus | ServiceJobStatus,
        *,
        reason: str | None = None,
        exit_code: int | None = None,
        container_reason: str | None = None,
    ) -> Job | ServiceJob:
        """Move a job forward to ``status`` (any later status, or FAILED), stamping startedAt and
        stoppedAt from the clock. ``reason`` becomes its statusReason; ``exit_code`` and
        ``container_reason`` (``container.reason``, e.g. ``CannotPullContainerError: ...``) are
        for a finished job. An array parent follows its children: move them instead. A service
        job (its id) moves the same way through its own statuses (SCHEDULED included); it has no
        container, so no ``container_reason``."""
        with self._store.lock:
            self._expire()
            self._autopilot.catch_up()  # steps due before this move come first
            if _service_jobs.is_service_job(self._store, job_id):
                _no_container_reason(job_id, container_reason)
                return _service_seeding.set_status(self._store, job_id, status, reason, exit_code)
            return _lifecycle.set_status(
                self._store,
                job_id,
                status,  # type: ignore[arg-type]  # SCHEDULED, a service job's: refused there
                reason=reason,
                exit_code=exit_code,
                container_reason=container_reason,
            )

    def advance(self, job_id: str | None = None) -> list[Job | ServiceJob]:
        """Take one job (an array parent: each of its children), or every job that can move, one
        step as the scheduler would: SUBMITTED to PENDING (waiting on dependencies) or RUNNABLE,
        PENDING to RUNNABLE (or FAILED when a dependency failed), RUNNABLE to STARTING, STARTING
        to RUNNING. Service jobs go SUBMITTED, RUNNABLE, SCHEDULED (when a service environment
        has the capacity), STARTING, RUNNING. Returns the jobs that moved."""
        with self._store.lock:
            self._expire()
            self._autopilot.catch_up()  # steps due before this move come first
            if job_id is None or _service_jobs.is_service_job(self._store, job_id):
                moved: list[Job | ServiceJob] = []
                if job_id is None:
                    moved.extend(_lifecycle.advance(self._store, None))
                moved.extend(_service_jobs.advance(self._store, job_id))
                return moved
            return [*_lifecycle.advance(self._store, job_id)]

    def complete(
        self,
        job_id: str,
        *,
        exit_code: int = 0,
        reason: str | None = None,
        container_reason: str | None = None,
    ) -> Job | ServiceJob:
        """End the job's current attempt: SUCCEEDED for exit code 0; otherwise back to RUNNABLE
        while its retryStrategy allows another attempt, else FAILED. Runs the job first if it is
        not RUNNING yet; for an array parent, ends every unfinished child. ``reason`` is the
        statusReason, ``container_reason`` the attempt's ``container.reason``. For a service job,
        a non-zero exit code is a failed training job (``reason``: SageMaker's status); it has no
        container, so no ``container_reason``."""
        with self._store.lock:
            self._expire()
            self._autopilot.catch_up()  # steps due before this move come first
            if _service_jobs.is_service_job(self._store, job_id):
                _no_container_reason(job_id, container_reason)
                return _service_jobs.complete(
                    self._store, job_id, exit_code=exit_code, reason=reason
                )
            return _lifecycle.complete(
                self._store,
                job_id,
                exit_code=exit_code,
                reason=reason,
                container_reason=container_reason,
            )

    def run_all(self) -> None:
        """Run every job to its end, step by step, each attempt exiting 0, dependencies honoured:
        a job whose dependency failed fails too."""
        with self._store.lock:
            self._expire()
            self._autopilot.catch_up()  # steps due before this move come first
            _lifecycle.run_all(self._store, self._autopilot.ending())
            _service_jobs.run_all(self._store)

    # Service environments and service jobs

    def add_service_environment(
        self,
        name: str,
        *,
        region: str | None = None,
        state: Literal["ENABLED", "DISABLED"] = "ENABLED",
        capacity_limits: Sequence[Mapping[str, Any]] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> ServiceEnvironment:
        """Create a SAGEMAKER_TRAINING service environment. Its name must be new in its region.
        ``capacity_limits`` are camelCase, as CreateServiceEnvironment takes them (default: 10
        instances, ``[{"maxCapacity": 10, "capacityUnit": "NUM_INSTANCES"}]``)."""
        region = self._region(region)
        with self._store.lock:
            return _service_seeding.service_environment(
                self._store, region, name, state=state, capacity_limits=capacity_limits, tags=tags
            )

    def add_service_job(
        self,
        job_queue: str = "sagemaker",
        *,
        job_name: str | None = None,
        status: ServiceJobStatus = "SUBMITTED",
        service_request_payload: str | Mapping[str, Any] | None = None,
        scheduling_priority: int | None = None,
        share_identifier: str | None = None,
        retry_strategy: Mapping[str, Any] | None = None,
        timeout_config: Mapping[str, Any] | None = None,
        created_at: int | None = None,
        tags: Mapping[str, str] | None = None,
        region: str | None = None,
    ) -> ServiceJob:
        """Submit a service job, checked as SubmitServiceJob checks it, and move it to
        ``status`` (capacity aside). ``job_queue`` takes a name or an ARN; a name not seen
        before creates a SAGEMAKER_TRAINING queue and a service environment of that name.
        ``service_request_payload`` is the SageMaker request (a JSON string or a mapping;
        default: a training job of one ml.m5.large instance)."""
        region = self._region(region)
        with self._store.lock:
            self._expire()
            return _service_seeding.service_job(
                self._store,
                region,
                job_queue,
                job_name=job_name,
                status=status,
                service_request_payload=service_request_payload,
                scheduling_priority=scheduling_priority,
                share_identifier=share_identifier,
                retry_strategy=retry_strategy,
                timeout_config=timeout_config,
                created_at=created_at,
                tags=tags,
            )

    def get_service_job(self, job_id: str) -> ServiceJob:
        """The service job with this id, as it is now."""
        with self._store.lock:
            self._expire()
            job = self._store.service_jobs.get(job_id)
        if job is None:
            raise ValueError(f"the fake has no service job with id {job_id!r}")
        return job

    @property
    def service_environments(self) -> list[ServiceEnvironment]:
        """Every service environment, in every region, in the order they were created."""
        with self._store.lock:
            return list(self._store.service_environments.values())

    @property
    def service_jobs(self) -> list[ServiceJob]:
        """Every service job, in the order submitted (finished ones past retention are gone)."""
        with self._store.lock:
            self._expire()
            return list(self._store.service_jobs.values())

    # Inspection

    def get_job(self, job_id: str) -> Job:
        """The job with this id (array children and nodes included), as it is now."""
        with self._store.lock:
            self._expire()
            self._autopilot.catch_up()
            job = self._store.jobs.get(job_id)
        if job is None:
            raise ValueError(f"the fake has no job with id {job_id!r}")
        return job

    @property
    def queues(self) -> list[JobQueue]:
        """Every job queue, in every region, in the order they were created."""
        with self._store.lock:
            return self._store.queues()

    @property
    def job_definitions(self) -> list[JobDefinition]:
        """Every job definition revision, ACTIVE and INACTIVE, in every region, in the order
        they were registered."""
        with self._store.lock:
            return self._store.job_definitions()

    @property
    def compute_environments(self) -> list[ComputeEnvironment]:
        """Every compute environment, in every region, in the order they were created."""
        with self._store.lock:
            return self._store.compute_environments()

    @property
    def jobs(self) -> list[Job]:
        """Every job, in the order it was added (finished jobs past their retention are gone)."""
        with self._store.lock:
            self._expire()
            self._autopilot.catch_up()
            return list(self._store.jobs.values())

    def jobs_in(self, queue: str, status: JobStatus | None = None) -> list[Job]:
        """The jobs of one queue (a name in the fake's region, or an ARN), as ListJobs lists
        them: array parents and multi-node jobs, not their children or nodes; in the order they
        were added; only those in ``status`` if given."""
        with self._store.lock:
            self._expire()
            self._autopilot.catch_up()
            return _inspection.jobs_in(self._store, self.region, queue, status)

    # Serving (called by _routing for every Batch request while active)

    def serve(self, operation: str, region: str, body: bytes | str | None, url: str = "") -> Reply:
        """Answer one request as the service would, from its operation name, JSON body and URL
        (whose path and query string carry the tagging operations' members)."""
        params: dict[str, Any] = json.loads(body) if body else {}
        params.update(_uri.url_members(operation, url))
        handler = OPERATIONS.get(operation)
        if handler is None:
            error = UnsupportedOperationError(operation, OPERATIONS)
            with self._store.lock:
                self.unsupported_calls.append(operation)
                self.calls.append(
                    Call(operation, params, None, CallError(_UNSUPPORTED, str(error)))
                )
            raise error
        with self._store.lock:
            request_id = self._ids.request_id()
            now = self.clock.now_ms()
            self._store.expire(now)
            injected = self._faults.take(operation)
            if (
                injected is None
                and self._rate_limit is not None
                and not self._rate_limit.allow(now)
            ):
                injected = THROTTLED
            if injected is not None:
                return self._failed(operation, params, Reply.error(injected, request_id, now))
            self._autopilot.before(operation)
            try:
                answer = self._autopilot.after(operation, handler(self._store, region, params))
            except ServiceError as rejected:
                return self._failed(operation, params, Reply.error(rejected, request_id, now))
            self.calls.append(Call(operation, params, answer.logged))
            return Reply(200, request_id, now, answer.body, wire=answer.wire)

    def _failed(self, operation: str, params: dict[str, Any], reply: Reply) -> Reply:
        assert reply.error_code is not None
        self.calls.append(
            Call(operation, params, None, CallError(reply.error_code, reply.body["message"]))
        )
        return reply

    def answers_on_the_wire(self, operation: str) -> bool:
        """Whether a request for ``operation`` must take the wire path: with ``wire=True``, and
        whenever it may be throttled or meet an injected fault, so botocore's retries run."""
        if self.wire or self._rate_limit is not None:
            return True
        if not self._faults:  # the usual case, on every fast-path call: no lock needed
            return False
        with self._store.lock:
            return self._faults.pending(operation)

    # Autopilot (the policy in _autopilot: when the lifecycle's moves run, and how attempts end)

    @property
    def autorun(self) -> Literal["poll"] | float | None:
        """How jobs move on their own: ``"poll"``, seconds per step, or None (only by hand).

        Settable at any time, from any thread, with the values the keyword takes; jobs then move
        from that moment on."""
        with self._store.lock:
            return self._autopilot.autorun

    @autorun.setter
    def autorun(self, value: Literal["poll"] | float | None) -> None:
        _autopilot.check_autorun(value)
        with self._store.lock:
            self._autopilot.catch_up()  # steps due under the old setting are taken first
            self._autopilot.autorun = value

    @snake_case_keywords
    def outcome(
        self,
        job_name: str | None = None,
        job_definition: str | None = None,
        *,
        exit_code: int = 0,
        status_reason: str | None = None,
        container_reason: str | None = None,
        runs_for: float | None = None,
    ) -> None:
        """Say how the attempts of matching jobs end when ``autorun`` or ``run_all`` ends them.

        ``job_name`` and ``job_definition`` are patterns, as the JOB_NAME and JOB_DEFINITION
        filters of ListJobs take them (a trailing ``*`` is a prefix); at least one is given, and a
        job matches when it matches every one given. Later rules win. ``exit_code`` 0 succeeds;
        any other fails the attempt, retried as the job's retryStrategy says. ``status_reason``
        and ``container_reason`` become the attempt's statusReason and container reason.
        ``runs_for`` keeps a matching job RUNNING that many seconds of the fake's clock under
        ``autorun``; a job whose ``timeout.attemptDurationSeconds`` is shorter is stopped at its
        timeout instead, as AWS stops it (FAILED, not retried)."""
        rule = _autopilot.outcome(
            job_name, job_definition, exit_code, status_reason, container_reason, runs_for
        )
        with self._store.lock:
            self._autopilot.outcomes.append(rule)

    # Faults

    def inject_fault(
        self,
        operation: str | None = None,
        *,
        error: str = "TooManyRequestsException",
        times: int = 1,
        after: int = 0,
        message: str | None = None,
    ) -> None:
        """Make the next ``times`` requests for ``operation`` (``"ListJobs"`` or ``"list_jobs"``;
        None: any) fail with ``error``, after ``after`` of them succeed.

        ``error`` is ``TooManyRequestsException`` (HTTP 429, "Too Many Requests"),
        ``ServerException`` (HTTP 500) or ``ClientException`` (HTTP 400, with ``message``). Each
        request counts, retries included: botocore retries 429 and 500 as it would against AWS.
        """
        _calls.check_operation(operation)
        with self._store.lock:
            self._faults.add(operation, error, message, times, after)

    # The call log

    def get_calls(self, operation: str | None = None, **params: Any) -> list[Call]:
        """The calls made so far, in order, filtered by operation (``"ListJobs"`` or
        ``"list_jobs"``) and by request parameters (camelCase, as the service received them)."""
        _calls.check_query(operation, params)
        with self._store.lock:
            return [call for call in self.calls if call.matches(operation, params)]

    def get_call(self, operation: str | None = None, **params: Any) -> Call:
        """The one call matching; fails listing the matches when there is not exactly one."""
        __tracebackhide__ = True
        with self._store.lock:
            calls = list(self.calls)
        return _calls.single_call(calls, operation, params)

    def assert_called(self, operation: str, **params: Any) -> None:
        """Fail, showing what was called instead, unless a matching call was made."""
        __tracebackhide__ = True
        with self._store.lock:
            calls = list(self.calls)
        _calls.assert_called(calls, operation, params)

    def assert_not_called(self, operation: str | None = None, **params: Any) -> None:
        """Fail, listing the matching calls, if any was made."""
        __tracebackhide__ = True
        with self._store.lock:
            calls = list(self.calls)
        _calls.assert_not_called(calls, operation, params)

    # Reset (for a server that outlives one test: the HTTP endpoint's POST /_fakebatch/reset)

    def reset(self) -> None:
        """Empty the fake and keep its options: no queues, job definitions, compute environments,
        jobs, tags, logged calls, pending injected faults or ``outcome`` rules, and the rate
        limit's allowance full again. Its region, account, seed, clock, ``autorun`` and other
        options stay; ids go on from where they were, so no id is given twice.
        ``unsupported_calls`` stays too: the fixture still fails a test that called an
        operation the fake does not implement."""
        with self._store.lock:
            _reset.empty(self._store)
            self.calls.clear()
            self._faults = Faults()
            if self.rate_limit is not None:
                self._rate_limit = RateLimit(self.rate_limit)
            autopilot = self._autopilot
            self._autopilot = _autopilot.Autopilot(
                self._store, autopilot.autorun, autopilot.visibility_lag
            )

    def _expire(self) -> None:
        self._store.expire(self.clock.now_ms())
        _service_jobs.expire(self._store)

    def _region(self, region: str | None) -> str:
        return self.region if region is None else _seeding.check_region(region)


def _no_container_reason(job_id: str, container_reason: str | None) -> None:
    if container_reason is not None:
        raise ValueError(
            f"{job_id!r} is a service job: it runs no container, so it takes no container_reason"
        )


def _retention_ms(retention: object) -> int | None:
    if retention is None:
        return None
    if isinstance(retention, timedelta):
        seconds = retention.total_seconds()
    elif isinstance(retention, (int, float)) and not isinstance(retention, bool):
        try:
            seconds = float(retention)
        except OverflowError:  # an int too big for a float: far past any clock
            raise ValueError(
                f"retention must be finite seconds, 0 or more, not {shown(retention)}"
            ) from None
    else:
        raise TypeError(
            f"retention must be a timedelta, a number of seconds or None, not {shown(retention)}"
        )
    # Also refuses NaN, and what overflows once in milliseconds (an int too big for a float
    # never reaches here: float() refused it above).
    if not 0 <= seconds * 1000 < float("inf"):
        raise ValueError(f"retention must be finite seconds, 0 or more, not {shown(retention)}")
    return round(seconds * 1000)
