"""SubmitServiceJob, DescribeServiceJob, ListServiceJobs, UpdateServiceJob, TerminateServiceJob
and TerminateServiceJobs.

Service jobs (SageMaker Training jobs queued by Batch) are kept apart from container jobs, in
``Store.service_jobs``; their moves are in _service_job_lifecycle. Rules come from the API
reference (API_SubmitServiceJob and friends, ServiceJobRetryStrategy) unless marked otherwise;
every detail string marked "chosen" has no known real-service wording (docs/fidelity.md lists
them). A response member the installed botocore's model lacks is left out (_installed_model).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

import attrs

from .. import _arns, _installed_model, _pagination
from .. import _service_job_lifecycle as lifecycle
from .._errors import client_exception
from ..models import SERVICE_JOB_STATUSES, ServiceJob
from ._checks import (
    MAX_SCHEDULING_PRIORITY,
    Shape,
    answer,
    check_enum,
    check_shape,
    check_tags,
    check_types,
    required,
)
from ._filters import ONE_FILTER_DETAIL, ONE_VALUE_DETAIL

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .._store import Store
    from ..models import JobQueue
    from ._answer import Answer

SERVICE_JOB_TYPES: Final = ("SAGEMAKER_TRAINING",)
#: ListServiceJobs filters (the model's documentation of ``filters``).
FILTER_NAMES: Final = (
    "JOB_NAME",
    "BEFORE_CREATED_AT",
    "AFTER_CREATED_AT",
    "SHARE_IDENTIFIER",
    "QUOTA_SHARE_NAME",
)
#: ListServiceJobs maxResults: "This value can be between 1 and 100"; without it, up to 100.
MAX_PAGE: Final = 100
#: TerminateServiceJobs: "Terminates up to 50 service jobs".
MAX_TERMINATED: Final = 50
#: ServiceJobRetryStrategy: "You can specify between 1 and 10 attempts"; evaluateOnExit: "up to
#: 5" (user guide); onStatusReason "can contain up to 512 characters".
MIN_ATTEMPTS, MAX_ATTEMPTS, MAX_EVALUATE_ON_EXIT, MAX_PATTERN = 1, 10, 5, 512
#: "It can be up to 128 characters long. It can contain uppercase and lowercase letters,
#: numbers, hyphens (-), and underscores (_)."
JOB_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,128}")
#: The shape of a service job id (a UUID, as every example shows).
_JOB_ID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MILLISECONDS: Final = re.compile(r"[0-9]+")

_RETRY: Final[Shape] = {
    "attempts": int,
    "evaluateOnExit": [{"action": str, "onStatusReason": str}],
}
_SUBMIT_TYPES: dict[str, Any] = {
    "jobName": str,
    "jobQueue": str,
    "retryStrategy": _RETRY,
    "schedulingPriority": int,
    "serviceRequestPayload": str,
    "serviceJobType": str,
    "shareIdentifier": str,
    "quotaShareName": str,
    "preemptionConfiguration": {"preemptionRetriesBeforeTermination": int},
    "timeoutConfig": {"attemptDurationSeconds": int},
    "tags": dict,
    "clientToken": str,
}
# Kept as given and shown by DescribeServiceJob.
_SPEC = ("serviceRequestPayload", "retryStrategy", "timeoutConfig", "preemptionConfiguration")


def submit_service_job(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    job, tags = service_job_request(store, region, params)
    add(store, job, tags, params.get("clientToken"))
    return answer({"jobArn": job.job_arn, "jobName": job.job_name, "jobId": job.job_id})


def describe_service_job(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"jobId": str})
    job = _existing(store, region, required(params, "jobId"))
    return answer(service_job_detail(store, job))


def list_service_jobs(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(
        params,
        {
            "jobQueue": str,
            "jobStatus": str,
            "maxResults": int,
            "nextToken": str,
            "filters": [{"name": str, "values": [str]}],
        },
    )
    lifecycle.expire(store)
    reference = params.get("jobQueue")
    if reference is None:
        # The model leaves jobQueue optional, yet the operation "Returns a list of service jobs
        # for a specified job queue" (chosen: required, as ListJobs needs a selector).
        raise client_exception("jobQueue is required.")  # chosen
    queue = store.find_queue(region, reference)
    if queue is None:
        raise client_exception(f"JobQueue {reference} not found.")  # as ListJobs says it
    status = params.get("jobStatus")
    if status is not None:
        check_enum("jobStatus", status, SERVICE_JOB_STATUSES)
    name, matches = _filter(params.get("filters"))
    if name is not None and name not in ("SHARE_IDENTIFIER", "QUOTA_SHARE_NAME"):
        status = None  # "If the filters parameter is specified, the jobStatus parameter is ignored"
    elif status is None:
        status = "RUNNING"  # "If you don't specify a status, only RUNNING jobs are returned."
    jobs = sorted(
        (
            job
            for job in store.service_jobs.values()
            if job.job_queue == queue.arn
            and not job.queue_deleted
            and (status is None or job.status == status)
            and matches(job)
        ),
        key=lambda job: (job.created_at, job.job_id),
        reverse=True,
    )
    shown, token = _page(jobs, params, (queue.arn, status, str(params.get("filters"))))
    body: dict[str, Any] = {"jobSummaryList": [service_job_summary(job) for job in shown]}
    if token is not None:
        body["nextToken"] = token
    return answer(body)


def update_service_job(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"jobId": str, "schedulingPriority": int})
    job = _existing(store, region, required(params, "jobId"))
    priority = required(params, "schedulingPriority")
    _check_priority(priority)
    if job.status in lifecycle.FINISHED:
        raise client_exception(  # chosen
            f"Service job {job.job_id} is {job.status}: its priority can't be changed."
        )
    store.service_jobs[job.job_id] = attrs.evolve(job, scheduling_priority=priority)
    return answer({"jobArn": job.job_arn, "jobName": job.job_name, "jobId": job.job_id})


def terminate_service_job(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"jobId": str, "reason": str})
    job_id, reason = required(params, "jobId"), _reason(params)
    lifecycle.terminate(store, _existing(store, region, job_id), reason)
    return answer({})


def terminate_service_jobs(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, {"jobs": [str], "reason": str})
    job_ids, reason = required(params, "jobs"), _reason(params)
    if not 1 <= len(job_ids) <= MAX_TERMINATED:
        raise client_exception(  # chosen
            f"jobs must list 1 to {MAX_TERMINATED} service job ids, got {len(job_ids)}."
        )
    successful, errors = [], []
    for job_id in job_ids:
        if not _JOB_ID.fullmatch(job_id):
            # "ValidationException - A service job identifier in the request is malformed or
            # isn't valid." (TerminateServiceJobsErrorDetail)
            errors.append(
                {
                    "job": job_id,
                    "code": "ValidationException",
                    "message": f"Invalid service job id: {job_id}",  # chosen
                }
            )
            continue
        # "Service jobs that can't be found are treated as successfully processed."
        job = _in_region(store, region, job_id)
        if job is not None:
            lifecycle.terminate(store, job, reason)
        successful.append(job_id)
    return answer({"successful": successful, "errors": errors})


# Requests and responses


def service_job_request(
    store: Store, region: str, params: Mapping[str, Any], job_id: str | None = None
) -> tuple[ServiceJob, dict[str, str]]:
    """A SubmitServiceJob request checked as the service checks it: the job it makes (not
    stored yet; a new id unless ``job_id`` is given) and its tags."""
    check_types(params, _SUBMIT_TYPES)
    name = required(params, "jobName")
    reference = required(params, "jobQueue")
    required(params, "serviceRequestPayload")  # "passed through without validation"
    type_ = required(params, "serviceJobType")
    if not JOB_NAME.fullmatch(name):
        raise client_exception("Job name should match valid pattern")  # as SubmitJob says it
    check_enum("serviceJobType", type_, SERVICE_JOB_TYPES)
    queue = _submittable_queue(store, region, reference)
    share = params.get("shareIdentifier")
    if queue.scheduling_policy_arn is None and share is not None:
        raise client_exception(  # as SubmitJob says it (chosen there)
            f"shareIdentifier is only allowed for job queues with a scheduling policy; "
            f"{queue.name} has none."
        )
    if queue.scheduling_policy_arn is not None and share is None:
        raise client_exception(  # as SubmitJob says it (chosen there)
            f"Job queue {queue.name} has a fair-share scheduling policy: shareIdentifier is required."
        )
    if queue.scheduling_policy_arn is None and "quotaShareName" in params:
        # "Don't specify this parameter if the job queue doesn't have a quota share scheduling
        # policy." A queue without a scheduling policy has none.
        raise client_exception(  # chosen
            f"quotaShareName is only allowed for job queues with a quota share scheduling "
            f"policy; {queue.name} has no scheduling policy."
        )
    if "schedulingPriority" in params:
        _check_priority(params["schedulingPriority"])
    spec = {key: params[key] for key in _SPEC if key in params}
    if "retryStrategy" in params:
        _check_retry_strategy(params["retryStrategy"])
    timeout = (params.get("timeoutConfig") or {}).get("attemptDurationSeconds")
    if timeout is not None and timeout < 1:
        raise client_exception(  # chosen
            f"attemptDurationSeconds must be at least 1, got {timeout}."
        )
    retries = (params.get("preemptionConfiguration") or {}).get(
        "preemptionRetriesBeforeTermination"
    )
    if retries is not None and retries < 0:
        raise client_exception(  # chosen
            f"preemptionRetriesBeforeTermination must be 0 or more, got {retries}."
        )
    token = params.get("clientToken")
    if token is not None and not 1 <= len(token) <= 64:
        # ClientRequestToken: 1 to 64 characters (service model).
        raise client_exception("clientToken must be 1 to 64 characters long.")  # chosen
    if token is not None and (region, token) in _client_tokens(store):
        # "If this parameter is specified and two submit requests with identical payloads and
        # clientTokens are received, these requests are considered the same request and the
        # second request is rejected."
        raise client_exception(  # chosen
            f"A service job was already submitted with clientToken {token}."
        )
    tags = check_tags(params.get("tags") or {})
    job = ServiceJob(
        job_id=new_job_id(store) if job_id is None else job_id,
        job_name=name,
        job_queue=queue.arn,
        service_job_type=type_,
        status="SUBMITTED",
        created_at=store.next_created_at(),
        share_identifier=share,
        quota_share_name=params.get("quotaShareName"),
        scheduling_priority=params.get("schedulingPriority"),
        spec=spec,
    )
    return job, tags


def add(store: Store, job: ServiceJob, tags: Mapping[str, str], token: str | None = None) -> None:
    store.service_jobs[job.job_id] = job
    if tags:
        store.tags[job.job_arn] = dict(tags)
    if token is not None:
        _client_tokens(store).add((_arns.region_of(job.job_queue), token))


def service_job_summary(job: ServiceJob) -> dict[str, Any]:
    """A ``ServiceJobSummary``: the fields that have a value; isTerminated "only present when
    the value is true"."""
    summary: dict[str, Any] = {
        "jobArn": job.job_arn,
        "jobId": job.job_id,
        "jobName": job.job_name,
        "serviceJobType": job.service_job_type,
        "status": job.status,
        "createdAt": job.created_at,
    }
    _common(job, summary)
    if job.is_terminated:
        summary["isTerminated"] = True
    return _known("ServiceJobSummary", summary)


def service_job_detail(store: Store, job: ServiceJob) -> dict[str, Any]:
    """DescribeServiceJob's response: as the API reference's example, ``isTerminated`` and
    ``tags`` always, the rest when it has a value."""
    detail: dict[str, Any] = {
        "jobArn": job.job_arn,
        "jobId": job.job_id,
        "jobName": job.job_name,
        "jobQueue": job.job_queue,
        "serviceJobType": job.service_job_type,
        "status": job.status,
        "createdAt": job.created_at,
        "isTerminated": job.is_terminated,
    }
    _common(job, detail)
    if job.scheduling_priority is not None:
        detail["schedulingPriority"] = job.scheduling_priority
    detail.update({key: _plain(value) for key, value in job.spec.items()})
    if job.attempts:
        detail["attempts"] = [
            {
                "serviceResourceId": _resource_id(attempt.training_job_arn),
                **({} if attempt.started_at is None else {"startedAt": attempt.started_at}),
                "stoppedAt": attempt.stopped_at,
                **(
                    {} if attempt.status_reason is None else {"statusReason": attempt.status_reason}
                ),
            }
            for attempt in job.attempts
        ]
    detail["tags"] = dict(store.tags.get(job.job_arn, {}))
    return _known("DescribeServiceJobResponse", detail)


def _common(job: ServiceJob, body: dict[str, Any]) -> None:
    """The members a summary and a detail share, when they have a value."""
    for key, value in (
        ("shareIdentifier", job.share_identifier),
        ("quotaShareName", job.quota_share_name),
        ("statusReason", job.status_reason),
        ("scheduledAt", job.scheduled_at),
        ("startedAt", job.started_at),
        ("stoppedAt", job.stopped_at),
    ):
        if value is not None:
            body[key] = value
    if job.training_job_arn is not None:
        body["latestAttempt"] = {"serviceResourceId": _resource_id(job.training_job_arn)}
        # "The number of instances should be the same value as the
        # serviceRequestPayload.InstanceCount field": shown once the job reached SageMaker.
        unit, quantity = lifecycle.usage(job)
        body["capacityUsage"] = [{"capacityUnit": unit, "quantity": float(quantity)}]


def _known(shape: str, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` without the members the installed botocore's model lacks for ``shape``."""
    members = _installed_model.members(shape)
    return {key: value for key, value in body.items() if key in members}


def _resource_id(training_job_arn: str) -> dict[str, str]:
    return {"name": "TrainingJobArn", "value": training_job_arn}


def _plain(value: Any) -> Any:
    """A deep copy of a spec value (read-only mappings become dicts)."""
    if hasattr(value, "items"):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


# Checks


def _check_priority(priority: int) -> None:
    # "Valid values are integers between 0 and 9999."
    if not 0 <= priority <= MAX_SCHEDULING_PRIORITY:
        raise client_exception(  # chosen
            f"schedulingPriority must be from 0 to {MAX_SCHEDULING_PRIORITY}, got {priority}."
        )


def _check_retry_strategy(retry: Any) -> None:
    check_shape("retryStrategy", retry, _RETRY)
    attempts = retry.get("attempts")
    if attempts is None:
        raise client_exception("RetryAttempts must be provided with retry strategy")  # as jobs
    if not MIN_ATTEMPTS <= attempts <= MAX_ATTEMPTS:
        raise client_exception(  # as SubmitJob says it (chosen there)
            f"Retry attempts must be from {MIN_ATTEMPTS} to {MAX_ATTEMPTS}, got {attempts}."
        )
    rules = retry.get("evaluateOnExit") or []
    if len(rules) > MAX_EVALUATE_ON_EXIT:
        raise client_exception(  # chosen
            f"evaluateOnExit takes up to {MAX_EVALUATE_ON_EXIT} conditions, got {len(rules)}."
        )
    for rule in rules:
        # The API reference's own example sends "Retry": the action is case-insensitive.
        action = rule.get("action")
        if str(action).upper() not in ("RETRY", "EXIT"):
            raise client_exception(  # chosen
                f"Invalid evaluateOnExit action: {action}. Valid values: RETRY, EXIT."
            )
        pattern = rule.get("onStatusReason")
        if pattern is not None and not 1 <= len(pattern) <= MAX_PATTERN:
            raise client_exception(  # chosen
                f"onStatusReason must be 1 to {MAX_PATTERN} characters long."
            )


def _reason(params: Mapping[str, Any]) -> str:
    reason = required(params, "reason")
    if not reason:
        raise client_exception("reason must not be empty.")  # chosen, as TerminateJob's
    return str(reason)


def _submittable_queue(store: Store, region: str, reference: str) -> JobQueue:
    queue = store.find_queue(region, reference)
    if queue is None:
        raise client_exception(f"JobQueue {reference} not found.")  # as SubmitJob says it
    if queue.state != "ENABLED":
        raise client_exception(f"JobQueue {queue.name} is not in ENABLED state.")  # as SubmitJob
    if queue.properties.get("jobQueueType") != "SAGEMAKER_TRAINING":
        # "The job queue must have the type SAGEMAKER_TRAINING." (API_SubmitServiceJob)
        raise client_exception(  # chosen
            f"JobQueue {queue.name} is not of type SAGEMAKER_TRAINING: service jobs need a "
            "job queue of service environments."
        )
    return queue


def _filter(filters: Any) -> tuple[str | None, Callable[[ServiceJob], bool]]:
    """The one filter's name and test (None and a test that takes everything without one), as
    ListJobs's filters are checked (_filters)."""
    if not filters:
        return None, lambda job: True
    if len(filters) > 1:
        raise client_exception(ONE_FILTER_DETAIL)
    name, values = filters[0].get("name"), filters[0].get("values") or []
    if len(values) > 1:
        raise client_exception(ONE_VALUE_DETAIL)
    if name not in FILTER_NAMES:
        raise client_exception(  # chosen, as ListJobs's
            f"Invalid filter name: {name}. Valid names: {', '.join(FILTER_NAMES)}."
        )
    if not values or not values[0]:
        raise client_exception(f"Filter {name} must have a value.")  # chosen, as ListJobs's
    value = values[0]
    if name == "JOB_NAME":
        # Case-insensitive; a trailing * matches a prefix (as ListJobs's JOB_NAME).
        wanted = value.lower()
        if wanted.endswith("*"):
            return name, lambda job: job.job_name.lower().startswith(wanted[:-1])
        return name, lambda job: job.job_name.lower() == wanted
    if name.endswith("_CREATED_AT"):
        if not _MILLISECONDS.fullmatch(value):
            raise client_exception(  # chosen, as ListJobs's
                f"Filter {name} takes a number of milliseconds since the epoch, not {value}."
            )
        bound = int(value)
        if name == "BEFORE_CREATED_AT":
            return name, lambda job: job.created_at < bound
        return name, lambda job: job.created_at > bound
    if name == "SHARE_IDENTIFIER":
        return name, lambda job: job.share_identifier == value
    return name, lambda job: job.quota_share_name == value


def _page(
    jobs: list[ServiceJob], params: Mapping[str, Any], query: tuple[Any, ...]
) -> tuple[list[ServiceJob], str | None]:
    """One page of ``jobs`` (newest first) and the token for the next: it holds the last job's
    sort key, so jobs submitted meanwhile never make a walk repeat or skip one."""
    max_results = params.get("maxResults")
    limit = MAX_PAGE if max_results is None else max_results
    if not 1 <= limit <= MAX_PAGE:
        raise client_exception(  # chosen
            f"maxResults must be between 1 and {MAX_PAGE}, got {max_results}."
        )
    fingerprint = _pagination.fingerprint("ListServiceJobs", *query)
    token = params.get("nextToken")
    if token:  # "" asks for the first page, as for ListJobs
        try:
            after = _pagination.decode(token, fingerprint, str)
        except _pagination.InvalidToken:
            raise client_exception(  # chosen, as the Describe* operations'
                "Invalid nextToken: use the token a previous ListServiceJobs call with the same "
                "parameters returned."
            ) from None
        jobs = [job for job in jobs if (job.created_at, job.job_id) < after]
    if len(jobs) <= limit:
        return jobs, None
    last = jobs[limit - 1]
    return jobs[:limit], _pagination.encode(fingerprint, (last.created_at, last.job_id))


# Lookups


def _existing(store: Store, region: str, job_id: str) -> ServiceJob:
    lifecycle.expire(store)
    job = _in_region(store, region, job_id)
    if job is None:
        raise client_exception(f"Service job {job_id} not found.")  # chosen
    return job


def _in_region(store: Store, region: str, job_id: str) -> ServiceJob | None:
    job = store.service_jobs.get(job_id)
    if job is None or _arns.region_of(job.job_queue) != region:
        return None
    return job


def service_resource_exists(store: Store, region: str, arn: str, kind: str, rest: str) -> bool:
    """Whether a service environment or service job ARN names one a client in ``region`` sees
    (TagResource and friends: both take tags when created)."""
    if kind == "service-environment":
        return store.service_environments.get(arn) is not None and _arns.region_of(arn) == region
    job = _in_region(store, region, rest)
    return job is not None and job.job_arn == arn


def new_job_id(store: Store) -> str:
    """A service job id, from a seeded stream of its own (service jobs do not shift job ids)."""
    return store.ids.service_job_id()


def _client_tokens(store: Store) -> set[tuple[str, str]]:
    return store.service_job_tokens
