"""The resource factories' work: add_queue, add_job_definition, add_compute_environment and
add_scheduling_policy turn their keyword arguments into the request the API takes, run the
service's own checks on it, and store what it makes.

A test author's mistake is a TypeError (a value of the wrong type) or a ValueError (a value the
service would refuse, with the service's reason), raised at once.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from . import _arns, _seeding
from ._errors import ServiceError
from ._operations import compute, definitions, queues, scheduling
from ._operations._checks import check_tags
from ._shown import shown
from .models import SchedulingPolicy

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._store import Store
    from .models import ComputeEnvironment, JobDefinition, JobQueue

T = TypeVar("T")

#: What a MANAGED compute environment seeded without compute_resources gets: EC2 instances of the
#: "optimal" family, scaled from 0 to 256 vCPUs, as the console's defaults, with the instance
#: role and a subnet AWS's CreateComputeEnvironment examples name (an EC2 environment needs both;
#: botocore 1.42.47's model marks subnets required, in requests and in described environments).
DEFAULT_COMPUTE_RESOURCES: Final[dict[str, Any]] = {
    "type": "EC2",
    "instanceRole": "ecsInstanceRole",
    "subnets": ["subnet-220c0e0a"],
    "allocationStrategy": "BEST_FIT_PROGRESSIVE",
    "minvCpus": 0,
    "maxvCpus": 256,
    "desiredvCpus": 0,
    "instanceTypes": ["optimal"],
}


def queue(
    store: Store,
    region: str,
    name: str,
    *,
    state: object,
    priority: object,
    compute_environments: object,
    scheduling_policy_arn: object,
    job_state_time_limit_actions: object,
    tags: object,
    service_environments: object = None,
) -> JobQueue:
    """A checked add_queue call: the job queue, stored."""
    _seeding.check_name("queue name", name, _seeding.RESOURCE_NAME)
    if store.find_queue(region, name) is not None:
        raise ValueError(f"a job queue named {name!r} already exists in {region}")
    checked_state = _seeding.check_state(state)
    checked_priority = _check_int("priority", priority)
    request: dict[str, Any] = {}
    if compute_environments is not None:
        references = _str_list("compute_environments", compute_environments)
        for reference in references:
            if store.find_compute_environment(region, reference) is None:
                raise ValueError(
                    f"no compute environment {reference!r} in {region}; add it first with "
                    "add_compute_environment()"
                )
        request["computeEnvironmentOrder"] = [
            {"order": position, "computeEnvironment": reference}
            for position, reference in enumerate(references, start=1)
        ]
    if service_environments is not None:
        request["serviceEnvironmentOrder"] = [
            {"order": position, "serviceEnvironment": reference}
            for position, reference in enumerate(
                _str_list("service_environments", service_environments), start=1
            )
        ]
    if scheduling_policy_arn is not None:
        _seeding.check_optional_str("scheduling_policy_arn", scheduling_policy_arn)
        request["schedulingPolicyArn"] = scheduling_policy_arn
    if job_state_time_limit_actions is not None:
        request["jobStateTimeLimitActions"] = [
            dict(_mapping("each of job_state_time_limit_actions", action))
            for action in _sequence("job_state_time_limit_actions", job_state_time_limit_actions)
        ]
    properties: dict[str, Any] = {"computeEnvironmentOrder": []}
    properties.update(
        _checked("invalid job queue", queues.queue_properties, store, region, request)
    )
    return store.add_queue(
        region,
        name,
        state=checked_state,
        priority=checked_priority,
        properties=properties,
        tags=_tags(tags),
    )


def job_definition(
    store: Store,
    region: str,
    name: str,
    *,
    status: object,
    type: object,
    container_properties: object,
    node_properties: object,
    parameters: object,
    retry_strategy: object,
    timeout: object,
    propagate_tags: object,
    platform_capabilities: object,
    scheduling_priority: object,
    tags: object,
) -> JobDefinition:
    """A checked add_job_definition call: the definition's next revision, stored (deregistered
    for ``status="INACTIVE"``). A container definition given no container gets the default
    one."""
    _seeding.check_name("job definition name", name, _seeding.RESOURCE_NAME)
    if status not in ("ACTIVE", "INACTIVE"):
        raise ValueError(f"status must be 'ACTIVE' or 'INACTIVE', not {status!r}")
    if type not in definitions.TYPES:
        raise ValueError(f"type must be 'container' or 'multinode', not {type!r}")
    request: dict[str, Any] = {"jobDefinitionName": name, "type": type}
    container = _optional_mapping("container_properties", container_properties)
    nodes = _optional_mapping("node_properties", node_properties)
    if container is None and nodes is None:
        if type == "container":
            container = _default_container()
        else:
            nodes = {
                "numNodes": 2,
                "mainNode": 0,
                "nodeRangeProperties": [{"targetNodes": "0:", "container": _default_container()}],
            }
    for key, value in (
        ("containerProperties", container),
        ("nodeProperties", nodes),
        ("parameters", _optional_mapping("parameters", parameters)),
        ("retryStrategy", _optional_mapping("retry_strategy", retry_strategy)),
        ("timeout", _optional_mapping("timeout", timeout)),
    ):
        if value is not None:
            request[key] = copy.deepcopy(dict(value))
    if propagate_tags is not None:
        if not isinstance(propagate_tags, bool):
            raise TypeError(f"propagate_tags must be True, False or None, not {propagate_tags!r}")
        request["propagateTags"] = propagate_tags
    if platform_capabilities is not None:
        request["platformCapabilities"] = _str_list("platform_capabilities", platform_capabilities)
    if scheduling_priority is not None:
        _check_int("scheduling_priority", scheduling_priority)
        request["schedulingPriority"] = scheduling_priority
    request["tags"] = _tags(tags)
    _, type_, properties, checked_tags = _checked(
        f"invalid job definition {name!r}", definitions.job_definition_request, request
    )
    definition = store.add_job_definition(
        region, name, type=type_, properties=properties, tags=checked_tags
    )
    if status == "INACTIVE":
        definition = attrs.evolve(definition, status=status)
        store.replace_job_definition(definition)
    return definition


def compute_environment(
    store: Store,
    region: str,
    name: str,
    *,
    type: object,
    state: object,
    compute_resources: object,
    service_role: object,
    unmanaged_vcpus: object,
    tags: object,
) -> ComputeEnvironment:
    """A checked add_compute_environment call: the compute environment, stored."""
    _seeding.check_name("compute environment name", name, _seeding.RESOURCE_NAME)
    if type not in compute.TYPES:
        raise ValueError(f"type must be 'MANAGED' or 'UNMANAGED', not {type!r}")
    _seeding.check_state(state)
    if store.find_compute_environment(region, name) is not None:
        raise ValueError(f"a compute environment named {name!r} already exists in {region}")
    request: dict[str, Any] = {"computeEnvironmentName": name, "type": type, "state": state}
    resources = _optional_mapping("compute_resources", compute_resources)
    if resources is None and type == "MANAGED":
        resources = DEFAULT_COMPUTE_RESOURCES
    if resources is not None:
        request["computeResources"] = copy.deepcopy(dict(resources))
    if service_role is not None:
        _seeding.check_optional_str("service_role", service_role)
        request["serviceRole"] = service_role
    if unmanaged_vcpus is not None:
        _check_int("unmanaged_vcpus", unmanaged_vcpus)
        request["unmanagedvCpus"] = unmanaged_vcpus
    request["tags"] = _tags(tags)
    _, type_, state_, properties, checked_tags = _checked(
        f"invalid compute environment {name!r}",
        compute.compute_environment_request,
        store,
        region,
        request,
    )
    return store.add_compute_environment(
        region, name, type=type_, state=state_, properties=properties, tags=checked_tags
    )


def scheduling_policy(
    store: Store,
    region: str,
    name: str,
    *,
    fairshare_policy: object,
    quota_share_policy: object,
    tags: object,
) -> SchedulingPolicy:
    """A checked add_scheduling_policy call: the policy, stored."""
    _seeding.check_name("scheduling policy name", name, _seeding.RESOURCE_NAME)
    if store.scheduling_policies.get(_arns.scheduling_policy_arn(region, store.account_id, name)):
        raise ValueError(f"a scheduling policy named {name!r} already exists in {region}")
    request: dict[str, Any] = {"name": name, "tags": _tags(tags)}
    for key, value in (
        ("fairsharePolicy", _optional_mapping("fairshare_policy", fairshare_policy)),
        ("quotaSharePolicy", _optional_mapping("quota_share_policy", quota_share_policy)),
    ):
        if value is not None:
            request[key] = copy.deepcopy(dict(value))
    _, properties, checked_tags = _checked(
        f"invalid scheduling policy {name!r}",
        scheduling.scheduling_policy_request,
        store,
        region,
        request,
    )
    policy = SchedulingPolicy(
        name=name,
        arn=_arns.scheduling_policy_arn(region, store.account_id, name),
        region=region,
        properties=properties,
    )
    return store.add_scheduling_policy(policy, checked_tags)


def _default_container() -> dict[str, Any]:
    return copy.deepcopy(_seeding.DEFAULT_CONTAINER)


def _checked(what: str, check: Callable[..., T], *args: Any) -> T:
    for arg in args:
        if isinstance(arg, dict):  # the request
            _check_json(what, arg)
    try:
        return check(*args)
    except ServiceError as refused:
        raise ValueError(f"{what}: {refused.detail}") from None


def _check_json(what: str, request: dict[str, Any]) -> None:
    """A request the API's JSON could carry: no NaN or infinity, no number too long to write
    (over 4,300 digits), nothing but mappings, lists, strings, numbers, booleans and None."""

    def plain(value: object) -> object:
        if isinstance(value, Mapping):
            return dict(value)
        if isinstance(value, tuple):
            return list(value)
        raise TypeError(f"{what}: {value!r} is not a value the API takes (JSON data)")

    try:
        json.dumps(request, allow_nan=False, default=plain)
    except ValueError as error:
        raise ValueError(f"{what}: a value the API's JSON cannot carry ({error})") from None


def _tags(tags: object) -> dict[str, str]:
    if tags is None:
        return {}
    mapping = _mapping("tags", tags)
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in mapping.items()):
        raise TypeError(f"tags must map strings to strings, not {tags!r}")
    return _checked("invalid tags", check_tags, dict(mapping))


def _mapping(label: str, value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{label} must be a mapping (a dict, camelCase as the API takes it), not {value!r}"
        )
    return value


def _optional_mapping(label: str, value: object) -> Mapping[str, Any] | None:
    return None if value is None else _mapping(label, value)


def _sequence(label: str, value: object) -> Sequence[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{label} must be a list, not {value!r}")
    return value


def _str_list(label: str, value: object) -> list[str]:
    items = list(_sequence(label, value))
    if not all(isinstance(item, str) for item in items):
        raise TypeError(f"{label} must be a list of strings, not {value!r}")
    return items


def _check_int(label: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{label} must be an int, not {value!r}")
    if not -(2**31) <= value < 2**31:
        # An Integer in the service model; a longer number could not even be sent as JSON.
        raise ValueError(f"{label} must be a 32-bit integer, not {shown(value)}")
    return value
