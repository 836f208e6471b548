"""SubmitJob, DescribeJobs, CancelJob and TerminateJob.

Rules and limits come from the API reference (API_SubmitJob and friends) unless marked otherwise;
every detail string marked "chosen" has no known real-service wording (docs/fidelity.md lists them).
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from .. import _arns, _lifecycle, _seeding
from .._errors import bare_client_exception, client_exception
from ..models import MAX_ARRAY_SIZE, MIN_ARRAY_SIZE, Dependency, Job, JobDefinition
from ._answer import Answer
from ._checks import (
    EKS_POD,
    KEY_VALUE_PAIRS,
    MAX_SCHEDULING_PRIORITY,
    RESOURCE_REQUIREMENTS,
    RETRY_STRATEGY,
    TIMEOUT,
    Shape,
    answer,
    check_tags,
    check_types,
    required,
    retry_strategy,
)
from ._checks import timeout as check_timeout
from ._detail import job_detail
from ._job_refs import job_in_region
from ._overrides import container_overridden, eks_overridden, node_ranges
from .consumable import job_requirements
from .scheduling import MAX_SHARE_IDENTIFIER, fair_share_policy

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .._store import Store
    from ..models import JobQueue

#: "A job can depend upon a maximum of 20 jobs." (API_SubmitJob, dependsOn)
MAX_DEPENDENCIES = 20
#: DescribeJobs takes "A list of up to 100 job IDs".
MAX_DESCRIBED = 100
#: CancelJob / TerminateJob reason: "This parameter has as limit of 1024 characters."
MAX_REASON = 1024

# Verbatim from real responses (see docs/fidelity.md for the sources).
JOB_NAME_DETAIL = "Job name should match valid pattern"
TOO_MANY_JOBS_DETAIL = "Maximum number of jobs supported is  100 ."

# A revision is ASCII digits, few enough for int() (hostile input: Python refuses over 4,300).
_REVISION = re.compile(r"[0-9]{1,18}")

_CONTAINER_OVERRIDES: Shape = {
    "vcpus": int,
    "memory": int,
    "command": [str],
    "instanceType": str,
    "environment": KEY_VALUE_PAIRS,
    "resourceRequirements": RESOURCE_REQUIREMENTS,
}
#: SubmitJob's members as the service model types them, as deep as the fake reads them.
_SUBMIT_SHAPES: dict[str, Shape] = {
    "jobName": str,
    "jobQueue": str,
    "jobDefinition": str,
    "shareIdentifier": str,
    "schedulingPriorityOverride": int,
    "arrayProperties": {"size": int},
    "dependsOn": [{"jobId": str, "type": str}],
    "parameters": dict,
    "containerOverrides": _CONTAINER_OVERRIDES,
    "nodeOverrides": {
        "numNodes": int,
        "nodePropertyOverrides": [
            {
                "targetNodes": str,
                "containerOverrides": _CONTAINER_OVERRIDES,
                "instanceTypes": [str],
            }
        ],
    },
    "retryStrategy": RETRY_STRATEGY,
    "propagateTags": bool,
    "timeout": TIMEOUT,
    "tags": dict,
    "eksPropertiesOverride": {"podProperties": EKS_POD},
    "ecsPropertiesOverride": dict,
    "consumableResourcePropertiesOverride": dict,
}


def submit_job(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, _SUBMIT_SHAPES)
    name = params.get("jobName")
    # fullmatch: the pattern's $ would let a trailing newline through.
    if not isinstance(name, str) or not _seeding.JOB_NAME.fullmatch(name):
        raise client_exception(JOB_NAME_DETAIL)
    queue = _submittable_queue(store, region, required(params, "jobQueue"))
    definition = _active_job_definition(store, region, required(params, "jobDefinition"))
    size = _array_size(params.get("arrayProperties"), definition)
    depends_on = _dependencies(store, region, params.get("dependsOn") or [], size)
    share = _share_identifier(store, queue, definition, params)
    tags = _tags(params.get("tags"))
    spec = MappingProxyType(
        {**job_spec(definition, params), **job_requirements(store, region, definition, params)}
    )

    job_id = store.ids.job_id()
    job = Job(
        job_id=job_id,
        job_name=name,
        job_queue=queue.arn,
        job_definition=definition.arn,
        status="SUBMITTED",
        created_at=store.next_created_at(),
        share_identifier=share,
        depends_on=depends_on,
        spec=spec,
    )
    if size is not None:
        children = tuple(
            _seeding.part_of(job, f"{job_id}:{index}", "SUBMITTED", array_index=index)
            for index in range(size)
        )
        job = attrs.evolve(job, children=children)
    elif definition.type == "multinode":
        properties = spec["nodeProperties"]
        nodes = tuple(
            _seeding.part_of(
                job,
                f"{job_id}#{index}",
                "SUBMITTED",
                node_index=index,
                is_main_node=index == properties["mainNode"],
            )
            for index in range(properties["numNodes"])
        )
        job = attrs.evolve(job, nodes=nodes)
    store.add_job(job)
    for part in job.children or job.nodes:
        store.add_job(part)
    if tags:
        store.tags[job.job_arn] = tags
    return answer({"jobArn": job.job_arn, "jobName": name, "jobId": job_id})


def describe_jobs(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"jobs": list})
    job_ids = required(params, "jobs")
    if not all(isinstance(job_id, str) for job_id in job_ids):
        raise client_exception("Invalid type for jobs: expected a list of job ids.")  # chosen
    if len(job_ids) > MAX_DESCRIBED:
        raise client_exception(TOO_MANY_JOBS_DETAIL)
    # Unknown ids (and ids that aged out) are left out, with no error; each job once, even
    # when named both by its id and by its ARN.
    named = (job_in_region(store, region, reference) for reference in job_ids)
    found = list({job.job_id: job for job in named if job is not None}.values())
    # Rendered twice, for the caller and for the call log: ten times cheaper than a deep copy.
    return Answer(
        {"jobs": [job_detail(store, job) for job in found]},
        {"jobs": [job_detail(store, job) for job in found]},
    )


def cancel_job(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    job, reason = _job_and_reason(store, region, params)
    if job is not None:
        _lifecycle.cancel(store, job, reason)
    return Answer({})


def terminate_job(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    job, reason = _job_and_reason(store, region, params)
    if job is not None:
        _lifecycle.terminate(store, job, reason)
    return Answer({})


# SubmitJob's parts


def job_spec(definition: JobDefinition, params: Mapping[str, Any]) -> dict[str, Any]:
    """What the job's JobDetail shows of its definition and its request: the request's values
    override the definition's (parameters key by key, container overrides field by field)."""
    properties = definition.properties
    spec: dict[str, Any] = {}
    parameters = {**properties.get("parameters", {}), **(params.get("parameters") or {})}
    if parameters:
        if not all(isinstance(v, str) for v in parameters.values()):
            raise client_exception("Invalid parameters: values must be strings.")  # chosen
        spec["parameters"] = parameters
    retry = params.get("retryStrategy", properties.get("retryStrategy"))
    if retry is not None:
        # The rules RegisterJobDefinition checks too, in the same words.
        spec["retryStrategy"] = dict(retry_strategy(retry))
    timeout = params.get("timeout", properties.get("timeout"))
    if timeout is not None:
        spec["timeout"] = dict(check_timeout(timeout))
    propagate = params.get("propagateTags", properties.get("propagateTags"))
    if propagate is not None:
        spec["propagateTags"] = propagate
    priority = params.get("schedulingPriorityOverride", properties.get("schedulingPriority"))
    if priority is not None:
        if not 0 <= priority <= MAX_SCHEDULING_PRIORITY:
            raise client_exception(  # chosen
                f"schedulingPriorityOverride must be from 0 to {MAX_SCHEDULING_PRIORITY}."
            )
        spec["schedulingPriority"] = priority
    if "platformCapabilities" in properties:
        spec["platformCapabilities"] = list(properties["platformCapabilities"])
    container = properties.get("containerProperties")
    if container is not None:
        spec["container"] = container_overridden(container, params.get("containerOverrides") or {})
    elif params.get("containerOverrides"):
        raise client_exception(  # chosen
            "containerOverrides apply only to jobs whose job definition has containerProperties."
        )
    eks = properties.get("eksProperties")
    if eks is not None:
        spec["eksProperties"] = eks_overridden(eks, params.get("eksPropertiesOverride") or {})
    elif params.get("eksPropertiesOverride"):
        raise client_exception(  # chosen
            "eksPropertiesOverride applies only to jobs whose job definition has eksProperties."
        )
    if definition.type == "multinode":
        spec["nodeProperties"] = _node_properties(properties, params.get("nodeOverrides"))
    elif (params.get("nodeOverrides") or {}).get("nodePropertyOverrides"):
        raise client_exception(  # chosen
            "nodeOverrides apply only to jobs whose job definition is multinode."
        )
    return spec


def _node_properties(
    properties: Mapping[str, Any], overrides: Mapping[str, Any] | None
) -> dict[str, Any]:
    node_properties = dict(properties.get("nodeProperties") or {})
    num_nodes = (overrides or {}).get("numNodes", node_properties.get("numNodes", 1))
    if not 1 <= num_nodes <= _seeding.MAX_NODES:
        raise client_exception(f"numNodes must be from 1 to {_seeding.MAX_NODES}.")  # chosen
    main = node_properties.get("mainNode", 0)
    if not 0 <= main < num_nodes:
        raise client_exception(  # chosen
            f"mainNode {main} must be less than numNodes {num_nodes}."
        )
    node_properties.update(numNodes=num_nodes, mainNode=main)
    node_properties["nodeRangeProperties"] = node_ranges(
        node_properties.get("nodeRangeProperties") or [],
        (overrides or {}).get("nodePropertyOverrides") or [],
        num_nodes,
    )
    return node_properties


def _submittable_queue(store: Store, region: str, reference: str) -> JobQueue:
    queue = store.find_queue(region, reference)
    if queue is None:
        # Observed wording (base2genomics/batchit#13).
        raise client_exception(f"JobQueue {reference} not found.")
    if queue.state != "ENABLED":
        # "If the job queue state is DISABLED, new jobs can't be added to the queue."
        raise client_exception(f"JobQueue {queue.name} is not in ENABLED state.")  # chosen
    if queue.properties.get("jobQueueType") == "SAGEMAKER_TRAINING":
        # Its jobs are service jobs (SubmitServiceJob); container jobs need an EKS, ECS or
        # ECS_FARGATE queue (API_CreateJobQueue, jobQueueType).
        raise client_exception(  # chosen
            f"JobQueue {queue.name} is of type SAGEMAKER_TRAINING: submit service jobs to it "
            "with SubmitServiceJob."
        )
    return queue


def _active_job_definition(store: Store, region: str, reference: str) -> JobDefinition:
    """The revision a reference names: ``name`` (its latest ACTIVE revision), ``name:revision``,
    or an ARN with or without the revision ("If the revision is not specified, then the latest
    active revision is used", API_SubmitJob); a ClientException if there is none or it is INACTIVE."""
    if reference.startswith("arn:"):
        definition = store.find_job_definition_arn(reference)
        parts = _arns.parse(reference)
        if (
            definition is None
            and parts is not None
            and parts["kind"] == "job-definition"
            and parts["account"] == store.account_id
            and ":" not in parts["rest"]
        ):
            definition = _latest_active(store, parts["region"], parts["rest"])
        if definition is None or definition.region != region or definition.status != "ACTIVE":
            # Observed wording (azavea/raster-vision-aws#17, an ARN without a revision).
            raise client_exception(f"JobDefinition {reference} not found.")
        return definition
    name, colon, revision = reference.partition(":")
    if colon:
        # A revision is ASCII digits ("d:" or "d:²" names none; int() would choke on the latter).
        found = (
            store.job_definition_revision(region, name, int(revision))
            if _REVISION.fullmatch(revision)
            else None
        )
        if found is None or found.status != "ACTIVE":
            raise client_exception(f"JobDefinition {reference} not found.")  # as for an ARN
        return found
    latest = _latest_active(store, region, name)
    if latest is None:
        # Observed wording (aws-samples/aws-genomics-workflows#84, AlexsLemonade/refinebio#2887).
        raise client_exception(
            f"JobDefinition name {name} does not exist or is not in ACTIVE status"
        )
    return latest


def _latest_active(store: Store, region: str, name: str) -> JobDefinition | None:
    latest = store.latest_job_definition(region, name)
    for number in range(latest.revision if latest else 0, 0, -1):
        candidate = store.job_definition_revision(region, name, number)
        if candidate is not None and candidate.status == "ACTIVE":
            return candidate
    return None


def _array_size(
    array_properties: Mapping[str, Any] | None, definition: JobDefinition
) -> int | None:
    if not array_properties or array_properties.get("size") is None:
        return None
    size = array_properties["size"]
    if type(size) is not int or not MIN_ARRAY_SIZE <= size <= MAX_ARRAY_SIZE:
        raise client_exception(  # chosen
            f"Array size must be from {MIN_ARRAY_SIZE} to {MAX_ARRAY_SIZE}, got {size}."
        )
    if definition.type == "multinode":
        raise client_exception(  # chosen
            "Array jobs are not supported for multi-node parallel job definitions."
        )
    return int(size)


def _dependencies(
    store: Store, region: str, depends_on: list[Any], size: int | None
) -> tuple[Dependency, ...]:
    if len(depends_on) > MAX_DEPENDENCIES:
        raise client_exception(  # chosen
            f"A job can depend on up to {MAX_DEPENDENCIES} jobs, got {len(depends_on)}."
        )
    dependencies = []
    for given in depends_on:
        job_id, kind = given.get("jobId"), given.get("type")
        if kind not in (None, "N_TO_N", "SEQUENTIAL"):
            raise client_exception(  # chosen
                f"Invalid dependency type: {kind}. Valid values: N_TO_N, SEQUENTIAL."
            )
        if kind == "N_TO_N" and size is None:
            # "For array jobs, you can specify ... an N_TO_N type dependency"
            raise client_exception(  # chosen
                f"Dependency type {kind} is only allowed for array jobs."
            )
        if kind == "SEQUENTIAL" and size is None and job_id is None:
            # Chosen: AWS documents no error for SEQUENTIAL on a job that is not an array job,
            # and none was found reported: it is accepted, and has nothing to order.
            dependencies.append(Dependency(None, kind))
            continue
        if kind == "SEQUENTIAL" and size is not None:
            if job_id is not None:
                raise client_exception(  # chosen
                    "A SEQUENTIAL dependency is on the array's own children: give no jobId."
                )
        else:
            if not job_id:
                raise client_exception("A dependency needs a jobId.")  # chosen
            found = job_in_region(store, region, job_id)
            if found is None:
                raise client_exception(f"Dependent job {job_id} not found.")  # chosen
            if kind == "N_TO_N" and found.array_size != size:
                raise client_exception(  # chosen
                    f"An N_TO_N dependency must be on an array job of the same size ({size}); "
                    f"{job_id} is not."
                )
            job_id = found.job_id  # an ARN names the job; the job waits for it by id
        dependencies.append(Dependency(job_id, kind))
    return tuple(dependencies)


def _share_identifier(
    store: Store,
    queue: JobQueue,
    definition: JobDefinition,
    params: Mapping[str, Any],
) -> str | None:
    """The job's share identifier, checked against its queue: required by a fair-share queue
    (with a scheduling priority), refused by a FIFO one."""
    share: str | None = params.get("shareIdentifier")
    # "Don't specify this parameter if the job queue doesn't have a fair-share scheduling
    # policy. If the job queue has a fair-share scheduling policy, then this parameter must be
    # specified." (API_SubmitJob)
    if fair_share_policy(store, queue) is None:
        if share is not None:
            raise client_exception(  # chosen
                f"shareIdentifier is only allowed for job queues with a scheduling policy; "
                f"{queue.name} has none."
            )
        return None
    if share is None:
        # Observed wording, without the envelope (boto/boto3#3158).
        raise bare_client_exception("shareIdentifier must be specified.")
    stem = share[:-1] if share.endswith("*") else share
    if not 0 < len(stem) <= MAX_SHARE_IDENTIFIER or "*" in stem:
        # "This string is limited to 255 alphanumeric characters, and can be followed by an
        # asterisk (*)."
        raise client_exception(f"Invalid shareIdentifier: {share}")  # chosen
    priority = params.get(
        "schedulingPriorityOverride", definition.properties.get("schedulingPriority")
    )
    if priority is None:
        # Observed wording, without the envelope (hashicorp/terraform-provider-aws#31226; an
        # earlier form in nextflow-io/nextflow#3505).
        raise bare_client_exception(
            "Either schedulingPriority in job definition or schedulingPriorityOverride is required."
        )
    return share


def _tags(tags: Mapping[str, Any] | None) -> dict[str, str]:
    # The same rules as TagResource's (count, key and value lengths, the aws: prefix).
    return check_tags(tags) if tags else {}


# Shared checks


def _job_and_reason(store: Store, region: str, params: Mapping[str, Any]) -> tuple[Job | None, str]:
    """The job CancelJob or TerminateJob stops (None: no such job) and the reason."""
    check_types(params, {"jobId": str, "reason": str})
    job_id, reason = required(params, "jobId"), required(params, "reason")
    if not job_id or not reason:
        # Observed: empty strings are refused (getmoto/moto#5394, checked against the SDK).
        raise client_exception("jobId and reason must not be empty.")  # wording chosen
    check_reason(reason)
    # Observed: a job id that does not exist is answered HTTP 200 with an empty body
    # (aws/aws-cli#2551, TerminateJob); CancelJob does the same here.
    job = job_in_region(store, region, job_id)
    return (None if job is None else stopped_unit(store, job)), reason


def check_reason(reason: str) -> None:
    if len(reason) > MAX_REASON:
        raise client_exception(  # chosen
            f"reason must be at most {MAX_REASON} characters, got {len(reason)}."
        )


def stopped_unit(store: Store, job: Job) -> Job:
    """What stopping ``job`` stops: a node's multi-node job, else the job itself."""
    if job.node_index is not None:
        # Chosen: a node is part of its multi-node job, whose status it mirrors; stopping a
        # node stops the job (and so every node).
        parent_id = job.parent_id
        assert parent_id is not None
        return store.jobs[parent_id]
    return job
