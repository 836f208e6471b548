"""RegisterJobDefinition, DescribeJobDefinitions and DeregisterJobDefinition.

Rules and limits come from the API reference (API_RegisterJobDefinition, ContainerProperties,
ResourceRequirement, NodeProperties, RetryStrategy, JobTimeout) unless marked otherwise; every
detail string marked "chosen" has no known real-service wording (docs/fidelity.md lists them).
Only what the reference states, or real errors show, is checked: ecsProperties and eksProperties
are stored as given, and Fargate's vCPU and memory combinations are not checked.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any, Final

import attrs

from .._errors import client_exception
from ._checks import (
    EKS_POD,
    KEY_VALUE_PAIRS,
    MAX_SCHEDULING_PRIORITY,
    RESOURCE_REQUIREMENTS,
    RETRY_STRATEGY,
    TIMEOUT,
    Shape,
    answer,
    check_enum,
    check_name,
    check_tags,
    check_types,
    described,
    references,
    required,
    retry_strategy,
    tagged,
    timeout,
)
from ._overrides import target_nodes
from .consumable import check_properties

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .._store import Store
    from ..models import JobDefinition
    from ._answer import Answer

TYPES: Final = ("container", "multinode")
PLATFORMS: Final = ("EC2", "FARGATE")
RESOURCE_TYPES: Final = ("GPU", "VCPU", "MEMORY")
#: schedulingPriority: "The minimum supported value is 0 and the maximum supported value is 9999."
#: "You must specify at least 4 MiB of memory for a job"; "You must specify at least one vCPU".
MIN_MEMORY_MIB, MIN_VCPUS = 4, 1

# Verbatim from a real response (ASFHyP3/hyp3#586).
VCPU_DETAIL: Final = "vCPU is not provided."
# Chosen: the same sentence for memory (a real error exists, awsdocs/aws-cloudformation-user-guide
# #967, but its text was cut off).
MEMORY_DETAIL: Final = "Memory is not provided."

#: What DescribeJobDefinitions shows in a container registered without them: observed in a real
#: API answer kept by terraform-provider-aws (container_properties_test.go: command, volumes,
#: environment, mountPoints, ulimits, resourceRequirements and secrets, all empty) and in AWS's
#: describe-job-definitions example.
_CONTAINER_DEFAULTS: Final[dict[str, Any]] = {
    "command": [],
    "volumes": [],
    "environment": [],
    "mountPoints": [],
    "ulimits": [],
    "resourceRequirements": [],
    "secrets": [],
}
#: A Fargate container registered without a platform version gets LATEST (the same answer).
_FARGATE_DEFAULTS: Final[dict[str, Any]] = {
    "fargatePlatformConfiguration": {"platformVersion": "LATEST"}
}
_BODIES: Final = ("containerProperties", "ecsProperties", "eksProperties", "nodeProperties")
_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")
#: A revision: ASCII digits few enough for int() (which refuses over 4,300).
_REVISION = re.compile(r"[0-9]{1,18}")
#: Digits past which a vCPU or memory value is simply huge (int() refuses over 4,300).
_MAX_DIGITS = 18

# The parts of a container the fake reads (ContainerProperties in the service model).
_CONTAINER: Shape = {
    "image": str,
    "vcpus": int,
    "memory": int,
    "command": [str],
    "environment": KEY_VALUE_PAIRS,
    "resourceRequirements": RESOURCE_REQUIREMENTS,
}
#: RegisterJobDefinition's members as the service model types them, as deep as the fake reads them.
_REGISTER_SHAPES: dict[str, Shape] = {
    "jobDefinitionName": str,
    "type": str,
    "parameters": dict,
    "schedulingPriority": int,
    "containerProperties": _CONTAINER,
    "nodeProperties": {
        "numNodes": int,
        "mainNode": int,
        "nodeRangeProperties": [{"targetNodes": str, "container": _CONTAINER}],
    },
    "retryStrategy": RETRY_STRATEGY,
    "propagateTags": bool,
    "timeout": TIMEOUT,
    "tags": dict,
    "platformCapabilities": [str],
    "eksProperties": {"podProperties": EKS_POD},
    "ecsProperties": dict,
    "consumableResourceProperties": dict,
}


def register_job_definition(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    name, type_, properties, tags = job_definition_request(params)
    if "consumableResourceProperties" in params:
        check_properties(
            store, region, params["consumableResourceProperties"], "consumableResourceProperties"
        )
    definition = store.add_job_definition(
        region, name, type=type_, properties=properties, tags=tags
    )
    return answer(
        {
            "jobDefinitionName": definition.name,
            "jobDefinitionArn": definition.arn,
            "revision": definition.revision,
        }
    )


def describe_job_definitions(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(
        params,
        {
            "jobDefinitions": list,
            "maxResults": int,
            "jobDefinitionName": str,
            "status": str,
            "nextToken": str,
        },
    )
    wanted = references(params, "jobDefinitions")
    name, status = params.get("jobDefinitionName"), params.get("status")
    definitions = [
        definition for definition in store.job_definitions() if definition.region == region
    ]
    if wanted is not None:
        arns = {_revision(store, region, reference) for reference in wanted}
        definitions = [definition for definition in definitions if definition.arn in arns]
    # The reference says jobDefinitions "can't be used with other parameters", yet a real call
    # with an ARN and status=ACTIVE worked (boto/boto3#2908): every filter given applies.
    if name is not None:
        definitions = [definition for definition in definitions if definition.name == name]
    if status is not None:
        # status is a plain string in the model: another value matches nothing (chosen).
        definitions = [definition for definition in definitions if definition.status == status]
    order = store.created_order
    definitions.sort(key=lambda definition: order[definition.arn])
    query = (region, None if wanted is None else tuple(wanted), name, status)
    return described(
        store,
        "DescribeJobDefinitions",
        query,
        definitions,
        _arn,
        params,
        "jobDefinitions",
        job_definition_detail,
    )


def deregister_job_definition(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"jobDefinition": str})
    reference = required(params, "jobDefinition")
    if not reference.startswith("arn:") and ":" not in reference:
        # "The name and revision (name:revision) or full Amazon Resource Name (ARN) of the job
        # definition to deregister." (AWS's CLI example passes a bare name; see fidelity.md.)
        raise client_exception(  # chosen
            f"Invalid jobDefinition: {reference}. Use name:revision or the job definition's ARN."
        )
    definition = store.find_job_definition_arn(_revision(store, region, reference) or "")
    if definition is None:
        # SubmitJob's observed wording (azavea/raster-vision-aws#17).
        raise client_exception(f"JobDefinition {reference} not found.")
    if definition.status != "INACTIVE":  # deregistering again changes nothing (chosen)
        store.replace_job_definition(attrs.evolve(definition, status="INACTIVE"))
    return answer({})


def job_definition_detail(store: Store, definition: JobDefinition) -> dict[str, Any]:
    """A ``JobDefinition`` as DescribeJobDefinitions returns it."""
    detail: dict[str, Any] = {
        "jobDefinitionName": definition.name,
        "jobDefinitionArn": definition.arn,
        "revision": definition.revision,
        "status": definition.status,
        "type": definition.type,
        **copy.deepcopy(dict(definition.properties)),
    }
    return tagged(store, definition.arn, detail)


def job_definition_request(
    params: Mapping[str, Any],
) -> tuple[str, Any, dict[str, Any], dict[str, str]]:
    """A RegisterJobDefinition request checked as the service checks it: the name, the type, the
    properties as DescribeJobDefinitions will show them, and the tags."""
    check_types(params, _REGISTER_SHAPES)
    name = required(params, "jobDefinitionName")
    type_ = required(params, "type")
    check_name("Job definition", name)
    check_enum("type", type_, TYPES)
    platforms = params.get("platformCapabilities") or []
    for platform in platforms:
        check_enum("platformCapabilities", platform, PLATFORMS)
    fargate = "FARGATE" in platforms
    bodies = [body for body in _BODIES if params.get(body) is not None]
    if type_ == "container":
        if bodies == ["nodeProperties"] or not bodies:
            # "If the value is container, then one of the following is required:
            # containerProperties, ecsProperties, or eksProperties."
            raise client_exception(  # chosen
                "A container job definition needs containerProperties, ecsProperties or "
                "eksProperties."
            )
    else:
        if fargate:
            # "If the job is run on Fargate resources, then multinode isn't supported."
            raise client_exception(
                "multinode job definitions are not supported on Fargate."
            )  # chosen
        if "nodeProperties" not in bodies:
            # "If the value is multinode, then nodeProperties is required."
            raise client_exception("A multinode job definition needs nodeProperties.")  # chosen
    if len(bodies) > 1:
        # "When containerProperties is used in the job definition, it can't be used in addition
        # to eksProperties, ecsProperties, or nodeProperties" (and likewise for the others).
        raise client_exception(  # chosen
            f"Only one of containerProperties, ecsProperties, eksProperties and nodeProperties "
            f"can be given; got {', '.join(bodies)}."
        )
    if "containerProperties" in bodies:
        _check_container(params["containerProperties"], fargate)
    if "nodeProperties" in bodies:
        _check_nodes(params["nodeProperties"])
    if "retryStrategy" in params:
        retry_strategy(params["retryStrategy"])
    if "timeout" in params:
        timeout(params["timeout"])
    priority = params.get("schedulingPriority")
    if priority is not None and not 0 <= priority <= MAX_SCHEDULING_PRIORITY:
        raise client_exception(  # chosen
            f"schedulingPriority must be from 0 to {MAX_SCHEDULING_PRIORITY}, got {priority}."
        )
    parameters = params.get("parameters") or {}
    if not all(isinstance(value, str) for value in parameters.values()):
        raise client_exception("Invalid parameters: values must be strings.")  # chosen
    tags = check_tags(params.get("tags") or {})
    return name, type_, _as_described(params), tags


def _as_described(params: Mapping[str, Any]) -> dict[str, Any]:
    properties = {
        key: copy.deepcopy(value)
        for key, value in params.items()
        if key in _REGISTER_SHAPES and key not in ("jobDefinitionName", "type", "tags")
    }
    properties.setdefault("parameters", {})  # observed: {} when none were given
    fargate = "FARGATE" in (properties.get("platformCapabilities") or [])
    if "containerProperties" in properties:
        properties["containerProperties"] = _described_container(
            properties["containerProperties"], fargate
        )
    for node_range in (properties.get("nodeProperties") or {}).get("nodeRangeProperties", []):
        if isinstance(node_range.get("container"), dict):
            node_range["container"] = _described_container(node_range["container"], fargate)
    # "The valid values are ECS (default) or EKS."
    properties["containerOrchestrationType"] = "EKS" if "eksProperties" in properties else "ECS"
    return properties


def _described_container(container: dict[str, Any], fargate: bool) -> dict[str, Any]:
    """A container as DescribeJobDefinitions shows it: the empty lists AWS fills in, LATEST on
    Fargate, and ``logConfiguration.secretOptions`` empty when not given (the same answer)."""
    described = {**_CONTAINER_DEFAULTS, **(_FARGATE_DEFAULTS if fargate else {}), **container}
    log = described.get("logConfiguration")
    if isinstance(log, dict):
        described["logConfiguration"] = {"secretOptions": [], **log}
    return described


def _check_container(container: Any, fargate: bool) -> None:
    """vCPU and memory, given once, as numbers, at least the minimum (EC2 containers may give
    them as vcpus and memory, deprecated; Fargate ones only as resourceRequirements)."""
    if not isinstance(container, dict):
        raise client_exception("Invalid type for containerProperties: expected a map.")  # chosen
    given: dict[str, str] = {}
    for requirement in container.get("resourceRequirements") or []:
        if not isinstance(requirement, dict):
            raise client_exception("Invalid resourceRequirements.")  # chosen
        kind, value = requirement.get("type"), requirement.get("value")
        check_enum("resourceRequirements type", kind, RESOURCE_TYPES)
        assert isinstance(kind, str)
        number = _DECIMAL if fargate and kind == "VCPU" else _WHOLE
        if not isinstance(value, str) or not number.fullmatch(value):
            # Observed for "1.0" on EC2 (kestra-io/plugin-aws#504).
            raise client_exception(
                f"Value {value} for type {kind} in resourceRequirement is not valid. "
                "Please provide a numeric value."
            )
        given[kind] = value
    vcpus, memory = (None, None) if fargate else (container.get("vcpus"), container.get("memory"))
    for legacy, kind in ((vcpus, "VCPU"), (memory, "MEMORY")):
        if legacy is not None and kind in given:
            # "you can't specify the vCPU requirements in both the vcpus and
            # resourceRequirements object" (and memory likewise).
            raise client_exception(  # chosen
                f"{kind} is given both in resourceRequirements and as "
                f"{'vcpus' if kind == 'VCPU' else 'memory'}; give it once."
            )
    vcpu = _number(given["VCPU"]) if "VCPU" in given else vcpus
    mib = _number(given["MEMORY"]) if "MEMORY" in given else memory
    if vcpu is None:
        raise client_exception(VCPU_DETAIL)
    if mib is None:
        raise client_exception(MEMORY_DETAIL)
    if not fargate and vcpu < MIN_VCPUS:
        raise client_exception(f"vCPU must be at least {MIN_VCPUS}, got {vcpu:g}.")  # chosen
    if mib < MIN_MEMORY_MIB:
        raise client_exception(  # chosen
            f"Memory must be at least {MIN_MEMORY_MIB} MiB, got {mib:g}."
        )


def _number(value: str) -> float:
    """A checked resource value (digits, perhaps a fraction) as a number: one too long for
    int() or float() is a number too big to matter (checks only compare it with minimums)."""
    whole, _, fraction = value.partition(".")
    whole = whole.lstrip("0") or "0"
    if len(whole) > _MAX_DIGITS:
        return float(10**_MAX_DIGITS)
    return float(f"{whole}.{fraction[:_MAX_DIGITS] or 0}")


def _check_nodes(nodes: Any) -> None:
    num_nodes, main = nodes.get("numNodes"), nodes.get("mainNode")
    ranges = nodes.get("nodeRangeProperties")
    if type(num_nodes) is not int or type(main) is not int or not isinstance(ranges, list):
        # All three are required members of NodeProperties.
        raise client_exception(  # chosen
            "nodeProperties needs numNodes, mainNode and nodeRangeProperties."
        )
    if num_nodes < 1 or not 0 <= main < num_nodes:
        # "mainNode ... must be smaller than the number of nodes."
        raise client_exception(  # chosen
            f"mainNode must be a node index from 0 to {num_nodes - 1}, got {main}."
        )
    if not ranges:
        raise client_exception("nodeRangeProperties needs at least one node range.")  # chosen
    for node_range in ranges:
        if not isinstance(node_range, dict) or not isinstance(node_range.get("targetNodes"), str):
            raise client_exception("Each node range needs targetNodes.")  # chosen
        target_nodes(node_range["targetNodes"], num_nodes)  # a range, or a ClientException
        if node_range.get("container") is not None:
            # "This is required but can be specified in several places for multi-node parallel
            # (MNP) jobs. It must be specified for each node at least once."
            _check_container(node_range["container"], fargate=False)


def _revision(store: Store, region: str, reference: str) -> str | None:
    """The ARN of the revision ``reference`` names in ``region`` (``name:revision`` or an ARN),
    or None. A bare name names no revision: "the job definition name must include the revision
    number" (observed, boto/boto3#2908)."""
    if reference.startswith("arn:"):
        definition = store.find_job_definition_arn(reference)
    else:
        name, _, revision = reference.rpartition(":")
        definition = (
            store.job_definition_revision(region, name, int(revision))
            if name and _REVISION.fullmatch(revision)
            else None
        )
    return definition.arn if definition is not None and definition.region == region else None


def _arn(definition: JobDefinition) -> str:
    return definition.arn
