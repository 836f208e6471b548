"""FakeBatch's resource factories and their read-back properties: job queues, job definitions,
compute environments, scheduling policies, consumable resources, quota shares, service
environments and service jobs.

Signatures and docstrings only: each factory's checks and work live beside its family's handlers
(``_resource_seeding``, ``_service_seeding``, ``_operations.consumable``/``quota_shares``).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from . import _resource_seeding, _service_seeding
from ._hints import snake_case_keywords
from ._operations import consumable, quota_shares

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ._store import Store
    from .models import (
        ComputeEnvironment,
        ConsumableResource,
        JobDefinition,
        JobQueue,
        QuotaShare,
        SchedulingPolicy,
        ServiceEnvironment,
        ServiceJob,
        ServiceJobStatus,
    )


class _ResourcesApi:
    """The part of FakeBatch that creates resources and reads them back (see FakeBatch)."""

    if TYPE_CHECKING:  # set up and defined by FakeBatch (_fake.py)
        _store: Store

        def _region(self, region: str | None) -> str: ...
        def _expire(self) -> None: ...

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
        with self._store.lock:
            return _resource_seeding.queue(
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
        with self._store.lock:
            return _resource_seeding.job_definition(
                self._store,
                region,
                name,
                status=status,
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
        with self._store.lock:
            return _resource_seeding.compute_environment(
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
            return consumable.in_created_order(self._store)

    @property
    def quota_shares(self) -> list[QuotaShare]:
        """Every quota share of every job queue, in every region, in the order created."""
        with self._store.lock:
            return quota_shares.in_created_order(self._store)

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
