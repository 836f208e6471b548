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

import attrs

from .. import _arns
from .._errors import bare_client_exception, client_exception
from ._checks import (
    EXISTS_DETAIL,
    STATES,
    Shape,
    answer,
    check_enum,
    check_name,
    check_tags,
    check_types,
    described,
    required,
    selected,
    tagged,
)
from ._instance_types import check_ec2_resources

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .._store import Store
    from ..models import ComputeEnvironment
    from ._answer import Answer

TYPES: Final = ("MANAGED", "UNMANAGED")
RESOURCE_TYPES: Final = ("EC2", "SPOT", "FARGATE", "FARGATE_SPOT", "ECS_MANAGED_INSTANCES")
#: The compute resources whose environments must name subnets (ComputeResource.subnets).
_NEED_SUBNETS: Final = ("EC2", "SPOT", "FARGATE", "FARGATE_SPOT")
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
    return tagged(store, environment.arn, detail)


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
        if (
            type_ == "MANAGED"
            and resources["type"] in _NEED_SUBNETS
            and not resources.get("subnets")
        ):
            # "This parameter is required for compute environments using EC2, SPOT, FARGATE, or
            # FARGATE_SPOT compute resources" (ComputeResource.subnets).
            raise client_exception(  # chosen
                f"subnets are required for {resources['type']} compute resources."
            )
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


# UpdateComputeEnvironment and DeleteComputeEnvironment

#: CRUpdateAllocationStrategy: "BEST_FIT isn't supported when updating a compute environment."
UPDATE_ALLOCATION_STRATEGIES: Final = (
    "BEST_FIT_PROGRESSIVE",
    "BEST_FIT_PROGRESSIVE_ORDERED",
    "SPOT_CAPACITY_OPTIMIZED",
    "SPOT_PRICE_CAPACITY_OPTIMIZED",
    "SPOT_CAPACITY_OPTIMIZED_PRIORITIZED",
)
#: UpdatePolicy.jobExecutionTimeoutMinutes: "The maximum value is 7200" (the model's minimum: 1).
MAX_JOB_EXECUTION_TIMEOUT: Final = 7200
#: ComputeResourceUpdate members whose change "requires an infrastructure update of the compute
#: environment", which "the AWSServiceRoleForBatch service-linked role must be used" for.
INFRASTRUCTURE_MEMBERS: Final = frozenset(
    {
        "subnets",
        "securityGroupIds",
        "allocationStrategy",
        "instanceTypes",
        "ec2KeyPair",
        "instanceRole",
        "tags",
        "placementGroup",
        "bidPercentage",
        "launchTemplate",
        "ec2Configuration",
        "updateToLatestImageVersion",
        "type",
        "imageId",
    }
)
_SERVICE_LINKED = "role/aws-service-role/batch.amazonaws.com/"
_UPDATE_TYPES: dict[str, Any] = {
    "computeEnvironment": str,
    "state": str,
    "unmanagedvCpus": int,
    "computeResources": {
        "minvCpus": int,
        "maxvCpus": int,
        "desiredvCpus": int,
        "subnets": [str],
        "securityGroupIds": [str],
        "allocationStrategy": str,
        "instanceTypes": [str],
        "ec2KeyPair": str,
        "instanceRole": str,
        "tags": dict,
        "placementGroup": str,
        "bidPercentage": int,
        "launchTemplate": dict,
        "ec2Configuration": list,
        "updateToLatestImageVersion": bool,
        "type": str,
        "imageId": str,
    },
    "serviceRole": str,
    "updatePolicy": {"terminateJobsOnUpdate": bool, "jobExecutionTimeoutMinutes": int},
    "context": str,
    "ecsSettings": dict,
    "eksConfiguration": dict,
}


def update_compute_environment(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    """Changes what the request gives and keeps the rest; the environment stays VALID (the
    service shows UPDATING for a while: docs/fidelity.md)."""
    check_types(params, _UPDATE_TYPES)
    environment = _existing(store, region, required(params, "computeEnvironment"))
    properties = copy.deepcopy(dict(environment.properties))
    changes: dict[str, Any] = {}
    if "state" in params:
        check_enum("state", params["state"], STATES)
        changes["state"] = params["state"]
    if "unmanagedvCpus" in params:
        if environment.type == "MANAGED":
            # "Don't specify this parameter for a managed compute environment."
            raise client_exception(  # chosen, as CreateComputeEnvironment says it
                "unmanagedvCpus is only supported for an UNMANAGED compute environment."
            )
        properties["unmanagedvCpus"] = params["unmanagedvCpus"]
    role = properties.get("serviceRole", "")
    if "serviceRole" in params:
        new_role = params["serviceRole"]
        if (_SERVICE_LINKED in new_role) != (_SERVICE_LINKED in role):
            # "If the compute environment has a service-linked role, it can't be changed to use
            # a regular IAM role. Likewise, if the compute environment has a regular IAM role,
            # it can't be changed to use a service-linked role."
            raise client_exception(  # chosen
                "serviceRole can't be changed between a service-linked role and a regular IAM role."
            )
        properties["serviceRole"] = new_role
    if "computeResources" in params:
        if environment.type == "UNMANAGED":
            raise client_exception(  # chosen
                "computeResources is only supported for a MANAGED compute environment."
            )
        current = properties.get("computeResources") or {}
        updated = _updated_resources(current, params["computeResources"])
        if _SERVICE_LINKED not in role and any(
            updated.get(key) != current.get(key) for key in INFRASTRUCTURE_MEMBERS
        ):
            raise client_exception(  # chosen
                "Changing subnets, security groups, instance types, the allocation strategy, "
                "launch template, AMI or other infrastructure settings needs the "
                "AWSServiceRoleForBatch service-linked role."
            )
        properties["computeResources"] = updated
    if "updatePolicy" in params:
        minutes = params["updatePolicy"].get("jobExecutionTimeoutMinutes")
        if minutes is not None and not 1 <= minutes <= MAX_JOB_EXECUTION_TIMEOUT:
            raise client_exception(  # chosen
                f"jobExecutionTimeoutMinutes must be from 1 to {MAX_JOB_EXECUTION_TIMEOUT}, "
                f"got {minutes}."
            )
        properties["updatePolicy"] = {
            **properties.get("updatePolicy", {}),
            **copy.deepcopy(params["updatePolicy"]),
        }
    if "eksConfiguration" in params:
        if properties.get("containerOrchestrationType") != "EKS":
            # "Only specify this parameter if the compute environment's
            # containerOrchestrationType is EKS."
            raise client_exception(  # chosen
                "eksConfiguration can only be updated for an EKS compute environment."
            )
        properties["eksConfiguration"] = {
            **properties.get("eksConfiguration", {}),
            **copy.deepcopy(params["eksConfiguration"]),
        }
    for key in ("context", "ecsSettings"):
        if key in params:
            properties[key] = copy.deepcopy(params[key])
    store.replace_compute_environment(attrs.evolve(environment, properties=properties, **changes))
    return answer(
        {"computeEnvironmentName": environment.name, "computeEnvironmentArn": environment.arn}
    )


def delete_compute_environment(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"computeEnvironment": str})
    environment = store.find_compute_environment(region, required(params, "computeEnvironment"))
    if environment is None:
        # Observed: Batch's delete operations answer HTTP 200 for what does not exist (an AWS
        # maintainer in aws/aws-cli#2551).
        return answer({})
    if environment.state != "DISABLED":
        # "Before you can delete a compute environment, you must set its state to DISABLED"
        raise client_exception(  # chosen
            f"ComputeEnvironment {environment.name} must be DISABLED before it can be deleted."
        )
    for queue in store.queues():
        if any(
            entry.get("computeEnvironment") == environment.arn
            for entry in queue.properties.get("computeEnvironmentOrder") or ()
        ):
            # "... and disassociate it from any job queues". Observed wording, without the
            # envelope (AWS CLI output quoted in public scripts; terraform-aws-modules/
            # terraform-aws-batch#9, hashicorp/terraform-provider-aws#46925).
            raise bare_client_exception("Cannot delete, found existing JobQueue relationship")
    # Gone at once (the service shows DELETING first), with its tags.
    store.remove_compute_environment(environment)
    return answer({})


def _updated_resources(current: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """``computeResources`` after an update: the members given replace the current ones; the
    documented empty values remove a member."""
    fargate = current.get("type") in ("FARGATE", "FARGATE_SPOT")
    resources = copy.deepcopy(dict(current))
    for key, value in update.items():
        if key in ("subnets", "securityGroupIds") and value == [] and fargate:
            # "For Fargate compute resources, providing an empty list will be handled as if this
            # parameter wasn't specified" (on EC2 it "removes the VPC subnets": none are left,
            # shown as an empty list, as older models require the member).
            continue
        if (key in ("ec2KeyPair", "imageId") and value == "") or (
            key == "ec2Configuration" and value == []
        ):
            resources.pop(key, None)  # "To remove ..., set this value to an empty string."
            continue
        if key == "launchTemplate" and "" in (
            value.get("launchTemplateId"),
            value.get("launchTemplateName"),
        ):
            # "To remove the custom launch template and use the default launch template, set
            # launchTemplateId or launchTemplateName member ... to an empty string."
            resources.pop(key, None)
            continue
        resources[key] = copy.deepcopy(value)
    if "type" in update:
        check_enum("computeResources type", update["type"], RESOURCE_TYPES)
        if "ECS_MANAGED_INSTANCES" in (update["type"], current.get("type")) and update[
            "type"
        ] != current.get("type"):
            # "You cannot change the type to or from ECS_MANAGED_INSTANCES."
            raise client_exception(  # chosen
                "The type of a compute environment can't be changed to or from "
                "ECS_MANAGED_INSTANCES."
            )
    if "allocationStrategy" in update:
        check_enum(
            "computeResources allocationStrategy",
            update["allocationStrategy"],
            UPDATE_ALLOCATION_STRATEGIES,
        )
    # Stored values were not type-checked when created (CreateComputeEnvironment stores
    # computeResources as given): only whole numbers take part in the comparisons.
    low = _count(resources.get("minvCpus")) or 0
    high = _count(resources.get("maxvCpus"))
    if high is not None and low > high:
        raise client_exception(  # chosen
            f"minvCpus ({low}) must not be greater than maxvCpus ({high})."
        )
    if "desiredvCpus" in update:
        desired, before = update["desiredvCpus"], _count(current.get("desiredvCpus")) or 0
        # "the value must be between the minvCpus and maxvCpus values. Additionally, the updated
        # desiredvCpus value must be greater than or equal to the current desiredvCpus value."
        if not low <= desired <= (desired if high is None else high) or desired < before:
            raise client_exception(  # chosen
                f"desiredvCpus ({desired}) must be from minvCpus ({low}) to maxvCpus ({high}) "
                f"and not below the current desiredvCpus ({before})."
            )
    return resources


def _count(value: Any) -> int | None:
    return value if type(value) is int else None


def _existing(store: Store, region: str, reference: str) -> ComputeEnvironment:
    environment = store.find_compute_environment(region, reference)
    if environment is None:
        # As CreateJobQueue says it for a compute environment it cannot find.
        raise client_exception(f"ComputeEnvironment {reference} not found.")  # chosen
    return environment
