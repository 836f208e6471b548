"""CreateComputeEnvironment and DescribeComputeEnvironments.

A compute environment is stored and described; nothing runs on it, and it is VALID at once (the
service passes through CREATING). Rules come from the API reference (API_CreateComputeEnvironment,
ComputeResource) unless marked otherwise; every detail string marked "chosen" has no known
real-service wording (docs/fidelity.md lists them).
"""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any, Final

from .. import _arns
from .._errors import client_exception
from ._checks import (
    Shape,
    answer,
    check_enum,
    check_name,
    check_tags,
    check_types,
    described,
    required,
    selected,
)
from ._instance_types import check_ec2_resources
from .queues import EXISTS_DETAIL, STATES

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .._store import Store
    from ..models import ComputeEnvironment
    from ._answer import Answer

TYPES: Final = ("MANAGED", "UNMANAGED")
RESOURCE_TYPES: Final = ("EC2", "SPOT", "FARGATE", "FARGATE_SPOT", "ECS_MANAGED_INSTANCES")
#: Observed: the statusReason of a healthy compute environment (AWS CLI example).
HEALTHY: Final = "ComputeEnvironment Healthy"

_CREATE_TYPES: dict[str, Shape] = {
    "computeEnvironmentName": str,
    "type": str,
    "state": str,
    "unmanagedvCpus": int,
    "computeResources": {"instanceTypes": [str], "instanceRole": str},
    "serviceRole": str,
    "tags": dict,
    "eksConfiguration": dict,
    "context": str,
    "ecsSettings": dict,
}
# Stored as given and returned by DescribeComputeEnvironments.
_STORED = ("computeResources", "unmanagedvCpus", "eksConfiguration", "context", "ecsSettings")


def create_compute_environment(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    name, type_, state, properties, tags = compute_environment_request(store, region, params)
    environment = store.add_compute_environment(
        region, name, type=type_, state=state, properties=properties, tags=tags
    )
    return answer(
        {
            "computeEnvironmentName": environment.name,
            "computeEnvironmentArn": environment.arn,
        }
    )


def describe_compute_environments(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"computeEnvironments": list, "maxResults": int, "nextToken": str})
    environments, query = selected(
        store,
        region,
        params,
        "computeEnvironments",
        store.compute_environments(),
        lambda reference: store.find_compute_environment(region, reference),
        _arn,
    )
    return described(
        store,
        "DescribeComputeEnvironments",
        query,
        environments,
        _arn,
        params,
        "computeEnvironments",
        compute_environment_detail,
    )


def compute_environment_detail(store: Store, environment: ComputeEnvironment) -> dict[str, Any]:
    """A ``ComputeEnvironmentDetail`` as DescribeComputeEnvironments returns it."""
    detail: dict[str, Any] = {
        "computeEnvironmentName": environment.name,
        "computeEnvironmentArn": environment.arn,
        "type": environment.type,
        "state": environment.state,
        "status": environment.status,
        "statusReason": HEALTHY,
        **copy.deepcopy(dict(environment.properties)),
    }
    tags = store.tags.get(environment.arn)
    if tags:
        detail["tags"] = dict(tags)
    return detail


def compute_environment_request(
    store: Store, region: str, params: Mapping[str, Any]
) -> tuple[str, Any, Any, dict[str, Any], dict[str, str]]:
    """A CreateComputeEnvironment request checked as the service checks it: the name, type,
    state, the properties as DescribeComputeEnvironments will show them, and the tags."""
    check_types(params, _CREATE_TYPES)
    name = required(params, "computeEnvironmentName")
    type_ = required(params, "type")
    check_name("ComputeEnvironment", name)
    check_enum("type", type_, TYPES)
    state = params.get("state", "ENABLED")
    check_enum("state", state, STATES)
    if store.find_compute_environment(region, name) is not None:
        raise client_exception(EXISTS_DETAIL)
    resources = params.get("computeResources")
    if type_ == "MANAGED":
        if resources is None:
            # "This parameter is required for managed compute environments."
            raise client_exception(  # chosen
                "computeResources is required for a MANAGED compute environment."
            )
        if "unmanagedvCpus" in params:
            # "This parameter is only supported when the type parameter is set to UNMANAGED."
            raise client_exception(  # chosen
                "unmanagedvCpus is only supported for an UNMANAGED compute environment."
            )
    if resources is not None:
        # type and maxvCpus are the required members of ComputeResource.
        check_enum("computeResources type", resources.get("type"), RESOURCE_TYPES)
        if type(resources.get("maxvCpus")) is not int:
            raise client_exception("computeResources needs maxvCpus.")  # chosen
        if type_ == "MANAGED" and resources["type"] in ("EC2", "SPOT"):
            check_ec2_resources(resources)
    tags = check_tags(params.get("tags") or {})
    arn = _arns.compute_environment_arn(region, store.account_id, name)
    properties: dict[str, Any] = {}
    if "eksConfiguration" not in params:
        # Observed: the ECS cluster Batch made for it, <name>_Batch_<uuid> (AWS CLI example).
        cluster = f"{name}_Batch_{uuid.uuid5(uuid.NAMESPACE_URL, arn)}"
        properties["ecsClusterArn"] = (
            f"arn:{_arns.partition(region)}:ecs:{region}:{store.account_id}:cluster/{cluster}"
        )
    properties.update({key: copy.deepcopy(params[key]) for key in _STORED if key in params})
    # "If your account already created the AWS Batch service-linked role, that role is used by
    # default for your compute environment unless you specify a different role here."
    properties["serviceRole"] = params.get("serviceRole") or (
        f"arn:{_arns.partition(region)}:iam::{store.account_id}:role/aws-service-role/"
        "batch.amazonaws.com/AWSServiceRoleForBatch"
    )
    # "The valid values are ECS (default) or EKS."
    properties["containerOrchestrationType"] = "EKS" if "eksConfiguration" in params else "ECS"
    return name, type_, state, properties, tags


def _arn(environment: ComputeEnvironment) -> str:
    return environment.arn
