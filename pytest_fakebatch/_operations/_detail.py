"""JobDetail, as DescribeJobs returns it: the job's state now, and what SubmitJob fixed for it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..models import JOB_STATUSES
from ._overrides import node_container

if TYPE_CHECKING:
    from .._store import Store
    from ..models import Attempt, Job

# What SubmitJob fixed that DescribeJobs returns as it was stored (see jobs.job_spec).
_SPEC_FIELDS = (
    "schedulingPriority",
    "parameters",
    "retryStrategy",
    "timeout",
    "propagateTags",
    "platformCapabilities",
    "consumableResourceProperties",
)


def job_detail(store: Store, job: Job) -> dict[str, Any]:
    """A ``JobDetail`` with the fields the service returns for this kind of job in this state.

    Fields for a state the job has not reached are left out, as the service leaves them out: no
    startedAt before RUNNING, no attempts before one ended, no exit code before the job stopped.
    """
    detail: dict[str, Any] = {
        "jobArn": job.job_arn,
        "jobName": job.job_name,
        "jobId": job.job_id,
        "jobQueue": job.job_queue,
        "status": job.status,
        "createdAt": job.created_at,
        "jobDefinition": job.job_definition,
    }
    if job.share_identifier is not None:
        detail["shareIdentifier"] = job.share_identifier
    if job.status_reason is not None:
        detail["statusReason"] = job.status_reason
    if job.started_at is not None:
        detail["startedAt"] = job.started_at
    if job.stopped_at is not None:
        detail["stoppedAt"] = job.stopped_at
    for field in _SPEC_FIELDS:
        if field in job.spec:
            detail[field] = plain_copy(job.spec[field])
    # Observed: parameters {}, dependsOn [] and attempts [] when there are none (captured
    # describe-jobs answers of SUBMITTED jobs and array parents, aws-parallelcluster).
    detail.setdefault("parameters", {})
    detail["dependsOn"] = [
        {
            key: value
            for key, value in (("jobId", dependency.job_id), ("type", dependency.type))
            if value is not None
        }
        for dependency in job.depends_on
    ]
    detail["attempts"] = [_attempt(job, number, a) for number, a in enumerate(job.attempts)]
    container = _container(store, job)
    if container is not None:
        detail["container"] = container
    if "eksProperties" in job.spec:
        detail["eksProperties"] = plain_copy(job.spec["eksProperties"])
    if job.array_size is not None:
        children = store.child_index(job.job_id)
        assert children is not None
        detail["arrayProperties"] = {
            "statusSummary": {status: children.count(status) for status in JOB_STATUSES},
            "size": job.array_size,
        }
    elif job.array_index is not None:
        detail["arrayProperties"] = {"index": job.array_index}
    if job.num_nodes is not None:
        detail["nodeProperties"] = plain_copy(
            dict(job.spec.get("nodeProperties") or _default_node_properties(job))
        )
    elif job.node_index is not None:
        detail["nodeDetails"] = {"nodeIndex": job.node_index, "isMainNode": job.is_main_node}
    # Chosen: {} for an untagged job, as the empty members above (torchx reads it unguarded).
    detail["tags"] = dict(store.tags.get(job.job_arn) or {})
    if job.is_cancelled:
        detail["isCancelled"] = True
    if job.is_terminated:
        detail["isTerminated"] = True
    return detail


def _container(store: Store, job: Job) -> dict[str, Any] | None:
    """The job's container: its definition's properties with SubmitJob's overrides applied,
    and, once it ran, what its current or last attempt shows (log stream, exit code)."""
    properties = job.spec.get("container")
    if job.node_index is not None and "nodeProperties" in job.spec:
        # A node runs the container of its node range (request's overrides applied).
        properties = node_container(job.spec["nodeProperties"], job.node_index)
        if properties is None:
            return None
    if properties is None:
        definition = store.find_job_definition_arn(job.job_definition)
        if definition is None or "containerProperties" not in definition.properties:
            return None
        properties = definition.properties["containerProperties"]
    container: dict[str, Any] = plain_copy(properties)
    if job.array_size is not None:
        return container  # a parent runs nothing itself
    if job.status == "RUNNING":
        container["logStreamName"] = log_stream_name(job, len(job.attempts))
    elif job.attempts:
        last = job.attempts[-1]
        container.update(_attempt_container(job, len(job.attempts) - 1, last))
    return container


def _attempt(job: Job, number: int, attempt: Attempt) -> dict[str, Any]:
    detail: dict[str, Any] = {"container": _attempt_container(job, number, attempt)}
    if attempt.started_at is not None:
        detail["startedAt"] = attempt.started_at
    detail["stoppedAt"] = attempt.stopped_at
    if attempt.status_reason is not None:
        detail["statusReason"] = attempt.status_reason
    return detail


def _attempt_container(job: Job, number: int, attempt: Attempt) -> dict[str, Any]:
    container: dict[str, Any] = {}
    if attempt.exit_code is not None:
        container["exitCode"] = attempt.exit_code
    if attempt.reason is not None:
        container["reason"] = attempt.reason
    if attempt.started_at is not None:
        container["logStreamName"] = log_stream_name(job, number)
    return container


def log_stream_name(job: Job, attempt: int) -> str:
    """``<definition name>/default/<task id>``, the shape of Batch's CloudWatch log streams.

    The task id is made from the job id and the attempt number, so it is stable across calls.
    """
    definition_name = job.job_definition.rpartition("/")[2].rpartition(":")[0]
    task_id = hashlib.md5(f"{job.job_id}/{attempt}".encode(), usedforsecurity=False).hexdigest()
    return f"{definition_name}/default/{task_id}"


def _default_node_properties(job: Job) -> dict[str, Any]:
    main = next((node.node_index for node in job.nodes if node.is_main_node), 0)
    return {"numNodes": job.num_nodes, "mainNode": main, "nodeRangeProperties": []}


def plain_copy(value: Any) -> Any:
    """A copy of JSON-like data (mappings, lists, scalars), as new dicts and lists: what a
    response hands out must be the caller's own. Several times faster than copy.deepcopy, which
    pays for a memo and for types that JSON data never holds."""
    kind = type(value)
    if kind is str or kind is int or value is None:  # most values: no ABC check for them
        return value
    if kind is dict or (kind is not list and isinstance(value, Mapping)):
        return {key: plain_copy(item) for key, item in value.items()}
    if kind is list:
        return [plain_copy(item) for item in value]
    return value
