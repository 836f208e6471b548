"""CreateJobQueue, DescribeJobQueues, UpdateJobQueue and DeleteJobQueue.

Rules and limits come from the API reference (API_CreateJobQueue and friends, ComputeEnvironmentOrder,
JobStateTimeLimitAction) unless marked otherwise; every detail string marked "chosen" has no known
real-service wording (docs/fidelity.md lists them). Nothing runs in the fake, so a queue is VALID
as soon as it is created or updated (the service passes through CREATING and UPDATING).
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any, Final

import attrs

from .. import _lifecycle, _service_job_lifecycle
from .._errors import bare_client_exception, client_exception
from . import service_environments
from ._checks import (
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
    from ..models import JobQueue
    from ._answer import Answer

JOB_QUEUE_TYPES: Final = (
    "EKS",
    "ECS",
    "ECS_FARGATE",
    "SAGEMAKER_TRAINING",
    "ECS_MANAGED_INSTANCES",
)
#: "You can associate up to three compute environments with a job queue."
MAX_COMPUTE_ENVIRONMENTS: Final = 3
#: JobStateTimeLimitAction.maxTimeSeconds: "The minimum value is 600 (10 minutes) and the maximum
#: value is 86,400 (24 hours)."
MIN_TIME_LIMIT, MAX_TIME_LIMIT = 600, 86_400
#: Observed: the statusReason of a healthy queue (AWS CLI example for describe-job-queues).
HEALTHY: Final = "JobQueue Healthy"

_FARGATE = frozenset({"FARGATE", "FARGATE_SPOT"})
_SCHEDULING_POLICY_ARN = re.compile(
    r"arn:aws[a-z-]*:batch:[a-z0-9-]+:\d{12}:scheduling-policy/[A-Za-z0-9_-]{1,128}"
)

_CREATE_TYPES: dict[str, type] = {
    "jobQueueName": str,
    "state": str,
    "schedulingPolicyArn": str,
    "priority": int,
    "computeEnvironmentOrder": list,
    "serviceEnvironmentOrder": list,
    "jobQueueType": str,
    "tags": dict,
    "jobStateTimeLimitActions": list,
}
_UPDATE_TYPES: dict[str, type] = {
    **{name: kind for name, kind in _CREATE_TYPES.items() if name not in ("jobQueueName", "tags")},
    "jobQueue": str,
}


def create_job_queue(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, _CREATE_TYPES)
    name = required(params, "jobQueueName")
    priority = required(params, "priority")
    check_name("JobQueue", name)
    if store.find_queue(region, name) is not None:
        raise client_exception(EXISTS_DETAIL)
    state = params.get("state", "ENABLED")
    check_enum("state", state, STATES)
    tags = check_tags(params.get("tags") or {})
    _check_some_environment(params, "computeEnvironmentOrder" not in params)
    properties = queue_properties(store, region, params)
    queue = store.add_queue(
        region, name, state=state, priority=priority, properties=properties, tags=tags
    )
    return answer({"jobQueueName": queue.name, "jobQueueArn": queue.arn})


def update_job_queue(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, _UPDATE_TYPES)
    queue = _existing(store, region, required(params, "jobQueue"))
    changes: dict[str, Any] = {}
    if "state" in params:
        check_enum("state", params["state"], STATES)
        changes["state"] = params["state"]
    if "priority" in params:
        changes["priority"] = params["priority"]
    if "computeEnvironmentOrder" in params:
        _check_some_environment(params, False)
    if "schedulingPolicyArn" in params and queue.scheduling_policy_arn is None:
        # "A job queue without a scheduling policy is scheduled as a FIFO job queue and can't
        # have a scheduling policy added." (API_CreateJobQueue)
        raise client_exception(  # chosen
            f"JobQueue {queue.name} is a FIFO queue: a scheduling policy can't be added."
        )
    properties = {**queue.properties, **queue_properties(store, region, params)}
    store.replace_queue(attrs.evolve(queue, properties=properties, **changes))
    return answer({"jobQueueName": queue.name, "jobQueueArn": queue.arn})


def delete_job_queue(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"jobQueue": str})
    reference = required(params, "jobQueue")
    queue = store.find_queue(region, reference)
    if queue is None:
        # Observed for an ARN, without the envelope (hashicorp/terraform-provider-aws#34760);
        # a name is echoed alike (chosen).
        raise bare_client_exception(f"{reference} does not exist.")
    if queue.state != "DISABLED":
        # "You must first disable submissions for a queue with the UpdateJobQueue operation."
        raise client_exception(  # chosen
            f"JobQueue {queue.name} must be DISABLED before it can be deleted."
        )
    # "All jobs in the queue are eventually terminated" (API_DeleteJobQueue): here at once. They
    # stay describable until their retention ends; the queue itself is gone at once (the service
    # shows DELETING first).
    reason = f"Job queue {queue.name} was deleted."  # chosen
    for job_id in store.queue_job_ids(queue):
        _lifecycle.terminate(store, store.jobs[job_id], reason)
    _service_job_lifecycle.queue_deleted(store, queue.arn, reason)
    store.remove_queue(queue)
    return answer({})


def describe_job_queues(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"jobQueues": list, "maxResults": int, "nextToken": str})
    queues, query = selected(
        store,
        region,
        params,
        "jobQueues",
        store.queues(),
        lambda reference: store.find_queue(region, reference),
        _arn,
    )
    return described(
        store, "DescribeJobQueues", query, queues, _arn, params, "jobQueues", job_queue_detail
    )


def job_queue_detail(store: Store, queue: JobQueue) -> dict[str, Any]:
    """A ``JobQueueDetail`` as DescribeJobQueues returns it."""
    detail: dict[str, Any] = {
        "jobQueueName": queue.name,
        "jobQueueArn": queue.arn,
        "state": queue.state,
        "status": queue.status,
        "statusReason": HEALTHY,
        "priority": queue.priority,
        "computeEnvironmentOrder": [],
        **copy.deepcopy(dict(queue.properties)),
    }
    return tagged(store, queue.arn, detail)


def queue_properties(store: Store, region: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The checked properties a CreateJobQueue or UpdateJobQueue request sets, camelCase, as
    DescribeJobQueues returns them."""
    properties: dict[str, Any] = {}
    if "computeEnvironmentOrder" in params:
        properties["computeEnvironmentOrder"] = compute_environment_order(
            store, region, params["computeEnvironmentOrder"]
        )
    if params.get("serviceEnvironmentOrder"):
        properties.update(service_environments.queue_properties(store, region, params))
    if "schedulingPolicyArn" in params:
        arn = params["schedulingPolicyArn"]
        if not _SCHEDULING_POLICY_ARN.fullmatch(arn):
            raise client_exception(f"Invalid schedulingPolicyArn: {arn}")  # chosen
        policy = store.scheduling_policies.get(arn)
        if policy is None or policy.region != region:
            # The policy must exist (CreateSchedulingPolicy, or add_scheduling_policy).
            raise client_exception(f"SchedulingPolicy {arn} not found.")  # chosen
        properties["schedulingPolicyArn"] = arn
    if "jobStateTimeLimitActions" in params:
        properties["jobStateTimeLimitActions"] = time_limit_actions(
            params["jobStateTimeLimitActions"], "serviceEnvironmentOrder" in properties
        )
    if "jobQueueType" in params:
        check_enum("jobQueueType", params["jobQueueType"], JOB_QUEUE_TYPES)
        properties["jobQueueType"] = params["jobQueueType"]
    return properties


def compute_environment_order(store: Store, region: str, entries: Any) -> list[dict[str, Any]]:
    """``computeEnvironmentOrder`` with every compute environment named by its ARN."""
    order: list[dict[str, Any]] = []
    kinds = set()
    for entry in order_entries(
        entries, "computeEnvironment", MAX_COMPUTE_ENVIRONMENTS, "compute environments"
    ):
        reference = entry["computeEnvironment"]
        # The reference documents an ARN; a name works too (observed, getmoto/moto#8817).
        environment = store.find_compute_environment(region, reference)
        if environment is None:
            raise client_exception(f"ComputeEnvironment {reference} not found.")  # chosen
        resources = environment.properties.get("computeResources") or {}
        kinds.add("FARGATE" if resources.get("type") in _FARGATE else "EC2")
        order.append({"order": entry["order"], "computeEnvironment": environment.arn})
    if len(kinds) > 1:
        # "EC2 and Fargate compute environments can't be mixed."
        raise client_exception(  # chosen
            "A job queue's compute environments must all be EC2 (EC2 or SPOT) or all Fargate "
            "(FARGATE or FARGATE_SPOT)."
        )
    return order


def time_limit_actions(actions: Any, service: bool = False) -> list[dict[str, Any]]:
    """Checked ``jobStateTimeLimitActions``; ``service``: for a queue of service environments."""
    for action in actions:
        if not isinstance(action, dict) or not all(
            key in action for key in ("reason", "state", "maxTimeSeconds", "action")
        ):
            raise client_exception(  # chosen
                "Each jobStateTimeLimitActions entry needs reason, state, maxTimeSeconds and "
                "action."
            )
        # "The only supported value is RUNNABLE."
        check_enum("jobStateTimeLimitActions state", action["state"], ("RUNNABLE",))
        # CANCEL for queues of compute environments; TERMINATE for queues of SageMaker service
        # environments.
        check_enum(
            "jobStateTimeLimitActions action",
            action["action"],
            ("TERMINATE",) if service else ("CANCEL",),
        )
        seconds = action["maxTimeSeconds"]
        if type(seconds) is not int or not MIN_TIME_LIMIT <= seconds <= MAX_TIME_LIMIT:
            raise client_exception(  # chosen
                f"maxTimeSeconds must be from {MIN_TIME_LIMIT} to {MAX_TIME_LIMIT}, got {seconds}."
            )
    return list(actions)


def _check_some_environment(params: Mapping[str, Any], missing: bool) -> None:
    """A queue needs somewhere to run its jobs: a non-empty computeEnvironmentOrder (or
    serviceEnvironmentOrder). ``missing``: the request does not give computeEnvironmentOrder."""
    if (missing or not params["computeEnvironmentOrder"]) and not params.get(
        "serviceEnvironmentOrder"
    ):
        # computeEnvironmentOrder was a required member until service environments came.
        raise client_exception(  # chosen
            "A job queue needs computeEnvironmentOrder (or serviceEnvironmentOrder)."
        )


def _existing(store: Store, region: str, reference: str) -> JobQueue:
    queue = store.find_queue(region, reference)
    if queue is None:
        # As ListJobs and SubmitJob say it (SubmitJob's wording is observed).
        raise client_exception(f"JobQueue {reference} not found.")
    return queue


def _arn(queue: JobQueue) -> str:
    return queue.arn
