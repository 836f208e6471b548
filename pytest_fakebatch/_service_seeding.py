"""The factories of service environments and service jobs: add_service_environment and
add_service_job turn their keyword arguments into the request the API takes and run the
service's own checks on it (CreateServiceEnvironment's, SubmitServiceJob's).

A test author's mistake is a TypeError (a value of the wrong type) or a ValueError (a value the
service would refuse, with the service's reason), raised at once. Ids come from the fake's seed:
a service job's id from a stream of its own, its default name from its id, so seeding service
jobs never shifts the ids or names of the jobs a test seeds.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

import attrs

from . import _seeding
from . import _service_job_lifecycle as lifecycle
from ._errors import ServiceError
from ._operations import service_environments, service_jobs
from ._resource_seeding import _mapping, _optional_mapping, _sequence, _tags
from .models import SERVICE_JOB_STATUSES

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._store import Store
    from .models import ServiceEnvironment, ServiceJob

#: What a service environment seeded without capacity_limits gets (chosen).
DEFAULT_CAPACITY_LIMITS: Final = ({"maxCapacity": 10, "capacityUnit": "NUM_INSTANCES"},)
#: The instance a seeded service job asks for when the test gives no payload (chosen).
DEFAULT_INSTANCE_TYPE: Final = "ml.m5.large"


def service_environment(
    store: Store,
    region: str,
    name: str,
    *,
    state: object,
    capacity_limits: object,
    tags: object,
) -> ServiceEnvironment:
    """Create a checked service environment (see FakeBatch.add_service_environment)."""
    _seeding.check_name("service environment name", name, _seeding.RESOURCE_NAME)
    _seeding.check_state(state)
    if service_environments.find(store, region, name) is not None:
        raise ValueError(f"a service environment named {name!r} already exists in {region}")
    limits = DEFAULT_CAPACITY_LIMITS if capacity_limits is None else capacity_limits
    request = {
        "serviceEnvironmentName": name,
        "serviceEnvironmentType": "SAGEMAKER_TRAINING",
        "state": state,
        "capacityLimits": [
            dict(_mapping("each of capacity_limits", limit))
            for limit in _sequence("capacity_limits", limits)
        ],
        "tags": _tags(tags),
    }
    environment, checked_tags = _checked(
        f"invalid service environment {name!r}",
        service_environments.service_environment_request,
        store,
        region,
        request,
    )
    service_environments.add(store, environment, checked_tags)
    return store.service_environments[environment.arn]


def service_job(
    store: Store,
    region: str,
    job_queue: str,
    *,
    job_name: object,
    status: object,
    service_request_payload: object,
    scheduling_priority: object,
    share_identifier: object,
    retry_strategy: object,
    timeout_config: object,
    created_at: object,
    tags: object,
) -> ServiceJob:
    """Submit a checked service job and move it to ``status`` (see FakeBatch.add_service_job)."""
    if not isinstance(job_queue, str):
        raise TypeError(f"job_queue must be a queue name or ARN, not {job_queue!r}")
    if status not in SERVICE_JOB_STATUSES:
        raise ValueError(f"status must be one of {', '.join(SERVICE_JOB_STATUSES)}; got {status!r}")
    _seeding.check_optional_int("created_at", created_at)
    if job_name is not None:
        _seeding.check_name("job name", job_name, service_jobs.JOB_NAME)
    _seeding.check_optional_str("share_identifier", share_identifier)
    queue = _service_queue(store, region, job_queue)
    job_id = service_jobs.new_job_id(store)
    name = job_name or f"service-job-{job_id[:8]}"
    payload = service_request_payload
    if payload is None:
        payload = _default_payload(str(name))
    elif not isinstance(payload, str):
        payload = json.dumps(_mapping("service_request_payload", payload))
    request: dict[str, Any] = {
        "jobName": name,
        "jobQueue": queue,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": payload,
        "tags": _tags(tags),
    }
    if scheduling_priority is not None:
        if isinstance(scheduling_priority, bool) or not isinstance(scheduling_priority, int):
            raise TypeError(f"scheduling_priority must be an int, not {scheduling_priority!r}")
        request["schedulingPriority"] = scheduling_priority
    if share_identifier is not None:
        request["shareIdentifier"] = share_identifier
    for key, label, value in (
        ("retryStrategy", "retry_strategy", retry_strategy),
        ("timeoutConfig", "timeout_config", timeout_config),
    ):
        given = _optional_mapping(label, value)
        if given is not None:
            request[key] = json.loads(json.dumps(dict(given)))  # a plain, deep copy
    job, checked_tags = _checked(
        f"invalid service job {name!r}",
        service_jobs.service_job_request,
        store,
        region,
        request,
        job_id,
    )
    if created_at is not None:
        job = attrs.evolve(job, created_at=created_at)
    service_jobs.add(store, job, checked_tags)
    if status != "SUBMITTED":
        lifecycle.set_status(store, job.job_id, str(status))
    return store.service_jobs[job.job_id]


def _service_queue(store: Store, region: str, reference: str) -> str:
    """The queue's ARN; a name not seen before creates a SAGEMAKER_TRAINING queue and a
    service environment, both of that name (the environment with the default capacity)."""
    queue = store.find_queue(region, reference)
    if queue is None:
        if reference.startswith("arn:"):
            raise ValueError(f"no job queue {reference!r} in {region}")
        _seeding.check_name("queue name", reference, _seeding.RESOURCE_NAME)
        environment = service_environments.find(store, region, reference)
        if environment is None:
            environment = service_environment(
                store, region, reference, state="ENABLED", capacity_limits=None, tags=None
            )
        queue = store.add_queue(
            region,
            reference,
            properties={
                "computeEnvironmentOrder": [],
                "serviceEnvironmentOrder": [{"order": 1, "serviceEnvironment": environment.arn}],
                "jobQueueType": "SAGEMAKER_TRAINING",
            },
        )
    if queue.properties.get("jobQueueType") != "SAGEMAKER_TRAINING":
        raise ValueError(
            f"job queue {queue.name!r} is not of type SAGEMAKER_TRAINING; service jobs need a "
            "queue of service environments (add_queue(..., service_environments=[...]))"
        )
    return queue.arn


def _default_payload(name: str) -> str:
    # A SageMaker CreateTrainingJob request of the shape the user guide's examples show.
    return json.dumps(
        {
            "TrainingJobName": name,
            "AlgorithmSpecification": {
                "TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/training:latest",
                "TrainingInputMode": "File",
            },
            "RoleArn": "arn:aws:iam::123456789012:role/SageMakerExecutionRole",
            "OutputDataConfig": {"S3OutputPath": "s3://amzn-s3-demo-bucket/output"},
            "ResourceConfig": {
                "InstanceType": DEFAULT_INSTANCE_TYPE,
                "InstanceCount": 1,
                "VolumeSizeInGB": 1,
            },
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        }
    )


def _checked(what: str, check: Callable[..., Any], *args: Any) -> Any:
    try:
        return check(*args)
    except ServiceError as refused:
        raise ValueError(f"{what}: {refused.detail}") from None
