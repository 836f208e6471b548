"""CreateServiceEnvironment, DescribeServiceEnvironments, UpdateServiceEnvironment and
DeleteServiceEnvironment, and a job queue's ``serviceEnvironmentOrder``.

A service environment is where service jobs (SageMaker Training jobs) run, up to its capacity
limits; it is VALID at once (the service passes through CREATING and UPDATING). Rules come from
the API reference (API_CreateServiceEnvironment and friends, CapacityLimit,
ServiceEnvironmentOrder) unless marked otherwise; every detail string marked "chosen" has no known
real-service wording (docs/fidelity.md lists them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from .. import _arns
from .._errors import client_exception
from .._service_job_lifecycle import queue_environments
from ..models import ServiceEnvironment
from ._checks import (
    CAPACITY_LIMITS,
    EXISTS_DETAIL,
    STATES,
    answer,
    check_enum,
    check_name,
    check_tags,
    check_types,
    described,
    order_entries,
    required,
    selected,
    tagged,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .._store import Store
    from ._answer import Answer

TYPES: Final = ("SAGEMAKER_TRAINING",)
#: The capacity unit of a service environment without quota management (CapacityLimit).
NUM_INSTANCES: Final = "NUM_INSTANCES"
#: "You can associate up to three compute environments with a job queue": the same bound is
#: chosen for service environments, whose limit AWS does not state.
MAX_SERVICE_ENVIRONMENTS: Final = 3

_CREATE_TYPES: dict[str, Any] = {
    "serviceEnvironmentName": str,
    "serviceEnvironmentType": str,
    "state": str,
    "capacityLimits": CAPACITY_LIMITS,
    "tags": dict,
}


def create_service_environment(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    environment, tags = service_environment_request(store, region, params)
    add(store, environment, tags)
    return answer(
        {
            "serviceEnvironmentName": environment.name,
            "serviceEnvironmentArn": environment.arn,
        }
    )


def describe_service_environments(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"serviceEnvironments": list, "maxResults": int, "nextToken": str})
    environments, query = selected(
        store,
        region,
        params,
        "serviceEnvironments",
        store.service_environments.values(),
        lambda reference: find(store, region, reference),
        _arn,
    )
    return described(
        store,
        "DescribeServiceEnvironments",
        query,
        environments,
        _arn,
        params,
        "serviceEnvironments",
        service_environment_detail,
    )


def update_service_environment(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(
        params, {"serviceEnvironment": str, "state": str, "capacityLimits": CAPACITY_LIMITS}
    )
    environment = existing(store, region, required(params, "serviceEnvironment"))
    changes: dict[str, Any] = {}
    if "state" in params:
        check_enum("state", params["state"], STATES)
        changes["state"] = params["state"]
    if "capacityLimits" in params:
        changes["capacity_limits"] = capacity_limits(params["capacityLimits"])
    store.service_environments[environment.arn] = attrs.evolve(environment, **changes)
    return answer(
        {
            "serviceEnvironmentName": environment.name,
            "serviceEnvironmentArn": environment.arn,
        }
    )


def delete_service_environment(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"serviceEnvironment": str})
    environment = existing(store, region, required(params, "serviceEnvironment"))
    # "Before you can delete a service environment, you must first set its state to DISABLED
    # with the UpdateServiceEnvironment API operation and disassociate it from any job queues
    # with the UpdateJobQueue API operation." (API_DeleteServiceEnvironment)
    if environment.state != "DISABLED":
        raise client_exception(  # chosen
            f"ServiceEnvironment {environment.name} must be DISABLED before it can be deleted."
        )
    users = [queue.name for queue in store.queues() if environment.arn in queue_environments(queue)]
    if users:
        raise client_exception(  # chosen
            f"ServiceEnvironment {environment.name} is used by job queue(s) "
            f"{', '.join(users)}: remove it from their serviceEnvironmentOrder first."
        )
    # Gone at once (the service shows DELETING first); its tags go with it.
    del store.service_environments[environment.arn]
    store.tags.pop(environment.arn, None)
    return answer({})


def service_environment_detail(store: Store, environment: ServiceEnvironment) -> dict[str, Any]:
    """A ``ServiceEnvironmentDetail`` as DescribeServiceEnvironments returns it."""
    detail: dict[str, Any] = {
        "serviceEnvironmentName": environment.name,
        "serviceEnvironmentArn": environment.arn,
        "serviceEnvironmentType": environment.type,
        "state": environment.state,
        "status": environment.status,
        "capacityLimits": [dict(limit) for limit in environment.capacity_limits],
    }
    return tagged(store, environment.arn, detail)


def service_environment_request(
    store: Store, region: str, params: Mapping[str, Any]
) -> tuple[ServiceEnvironment, dict[str, str]]:
    """A CreateServiceEnvironment request checked as the service checks it: the service
    environment it makes (not stored yet) and its tags."""
    check_types(params, _CREATE_TYPES)
    name = required(params, "serviceEnvironmentName")
    type_ = required(params, "serviceEnvironmentType")
    limits = required(params, "capacityLimits")
    check_name("ServiceEnvironment", name)
    check_enum("serviceEnvironmentType", type_, TYPES)
    state = params.get("state", "ENABLED")  # "The default value is ENABLED."
    check_enum("state", state, STATES)
    if find(store, region, name) is not None:
        raise client_exception(EXISTS_DETAIL)
    tags = check_tags(params.get("tags") or {})
    environment = ServiceEnvironment(
        name=name,
        arn=service_environment_arn(store, region, name),
        region=region,
        type=type_,
        state=state,
        capacity_limits=capacity_limits(limits),
    )
    return environment, tags


def add(store: Store, environment: ServiceEnvironment, tags: Mapping[str, str]) -> None:
    store.service_environments[environment.arn] = environment
    store._created(environment.arn, tags)  # creation order for Describe, and the tags


def capacity_limits(limits: Any) -> tuple[dict[str, Any], ...]:
    """Checked ``capacityLimits``: at least one; each a positive ``maxCapacity`` and a
    ``capacityUnit`` (NUM_INSTANCES, or an instance type with quota management), no unit twice.
    All chosen: the model marks no member required and AWS states no bounds."""
    if not limits:
        raise client_exception("capacityLimits must have at least one entry.")  # chosen
    units = set()
    for limit in limits:
        capacity, unit = limit.get("maxCapacity"), limit.get("capacityUnit")
        if type(capacity) is not int or capacity < 1:
            raise client_exception(  # chosen
                f"Each capacityLimits entry needs a maxCapacity of 1 or more, got {capacity}."
            )
        if not unit:
            raise client_exception(  # chosen
                f"Each capacityLimits entry needs a capacityUnit ({NUM_INSTANCES} or an "
                "instance type)."
            )
        if unit in units:
            raise client_exception(f"capacityLimits has capacityUnit {unit} twice.")  # chosen
        units.add(unit)
    return tuple(
        {"maxCapacity": limit["maxCapacity"], "capacityUnit": limit["capacityUnit"]}
        for limit in limits
    )


def service_environment_order(
    store: Store, region: str, entries: Any
) -> tuple[list[dict[str, Any]], str]:
    """A job queue's ``serviceEnvironmentOrder`` with every service environment named by its ARN
    (DescribeJobQueues shows ARNs), and the environments' type. "All serviceEnvironments must
    have the same type" (API_CreateJobQueue)."""
    order: list[dict[str, Any]] = []
    types = set()
    for entry in order_entries(
        entries, "serviceEnvironment", MAX_SERVICE_ENVIRONMENTS, "service environments"
    ):
        # "The name or ARN of the service environment."
        environment = existing(store, region, entry["serviceEnvironment"])
        types.add(environment.type)
        order.append({"order": entry["order"], "serviceEnvironment": environment.arn})
    if len(types) > 1:
        raise client_exception(  # chosen
            "A job queue's service environments must all have the same type."
        )
    return order, types.pop() if types else TYPES[0]


def queue_properties(store: Store, region: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """What a CreateJobQueue or UpdateJobQueue request's non-empty ``serviceEnvironmentOrder``
    sets: the order, by ARN, and the queue's type, the service environments' own unless the
    request names it (chosen: AWS does not say what a queue without ``jobQueueType`` gets)."""
    if params.get("computeEnvironmentOrder"):
        # "A job queue can't have both a serviceEnvironmentOrder and a computeEnvironmentOrder
        # field." (API_CreateJobQueue)
        raise client_exception(  # chosen
            "A job queue can't have both a serviceEnvironmentOrder and a computeEnvironmentOrder."
        )
    order, type_ = service_environment_order(store, region, params["serviceEnvironmentOrder"])
    given = params.get("jobQueueType", type_)
    if given != type_:
        raise client_exception(  # chosen
            f"A job queue of type {given} can't use service environments of type {type_}."
        )
    return {"serviceEnvironmentOrder": order, "jobQueueType": type_}


def find(store: Store, region: str, reference: str) -> ServiceEnvironment | None:
    """The service environment a request names, by name or ARN, as a client in ``region``
    sees it."""
    if not reference.startswith("arn:"):
        reference = service_environment_arn(store, region, reference)
    environment = store.service_environments.get(reference)
    return environment if environment is not None and environment.region == region else None


def existing(store: Store, region: str, reference: str) -> ServiceEnvironment:
    environment = find(store, region, reference)
    if environment is None:
        raise client_exception(f"ServiceEnvironment {reference} not found.")  # chosen
    return environment


def service_environment_arn(store: Store, region: str, name: str) -> str:
    # arn:<partition>:batch:<region>:<account>:service-environment/<name> (Service Authorization
    # Reference; the API reference's examples).
    return _arns.arn(region, store.account_id, f"service-environment/{name}")


def _arn(environment: ServiceEnvironment) -> str:
    return environment.arn
