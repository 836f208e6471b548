"""SubmitServiceJob, DescribeServiceJob, ListServiceJobs, UpdateServiceJob, TerminateServiceJob
and TerminateServiceJobs through real clients (botocore's paginator included).

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path. The refusals run on the fast path. How service
jobs move (advance, complete, ...) is in test_service_job_lifecycle.py.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
import pytest

from pytest_fakebatch import FakeBatch
from tests.helpers import refused

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

BOTH_PATHS = pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
ACCOUNT = "123456789012"
ARN = f"arn:aws:batch:us-east-1:{ACCOUNT}"
POLICY = f"{ARN}:scheduling-policy/fair"
PAYLOAD = json.dumps(
    {
        "TrainingJobName": "train",
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 2},
    }
)
MODEL = botocore.session.get_session().get_service_model("batch")
#: Whether this botocore has quotaShareName in SubmitServiceJob (1.42.47 has not).
QUOTA_SHARES = "quotaShareName" in MODEL.operation_model("SubmitServiceJob").input_shape.members  # type: ignore[union-attr]


def needs(operation: str) -> pytest.MarkDecorator:
    """Skip a test of an operation the installed botocore cannot call (1.42.47 lacks some)."""
    return pytest.mark.skipif(
        operation not in MODEL.operation_names, reason=f"this botocore has no {operation}"
    )


NEEDS_QUOTA_SHARES = pytest.mark.skipif(
    not QUOTA_SHARES, reason="this botocore has no quotaShareName in SubmitServiceJob"
)
RETRY = {"attempts": 2, "evaluateOnExit": [{"action": "Retry", "onStatusReason": "Received*"}]}


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=21, wire=getattr(request, "param", False)) as fake:
        fake.add_service_environment("env")
        fake.add_queue("sm", service_environments=["env"])
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def submit(client: BaseClient, name: str = "train", **params: Any) -> str:
    request = {
        "jobName": name,
        "jobQueue": "sm",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": PAYLOAD,
        **params,
    }
    return client.submit_service_job(**request)["jobId"]  # type: ignore[no-any-return]


def body(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def summaries(response: dict[str, Any]) -> list[str]:
    return [summary["jobName"] for summary in response["jobSummaryList"]]


# SubmitServiceJob and DescribeServiceJob


@BOTH_PATHS
def test_submit_then_describe(fake: FakeBatch, client: BaseClient) -> None:
    submitted = client.submit_service_job(
        jobName="train",
        jobQueue="sm",
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload=PAYLOAD,
        retryStrategy=RETRY,
        schedulingPriority=100,
        timeoutConfig={"attemptDurationSeconds": 300},
        tags={"team": "ml"},
    )
    job_id = submitted["jobId"]
    described = body(client.describe_service_job(jobId=job_id))

    assert body(submitted) == {
        "jobArn": f"{ARN}:service-job/{job_id}",
        "jobName": "train",
        "jobId": job_id,
    }
    assert described == {
        "jobArn": f"{ARN}:service-job/{job_id}",
        "jobId": job_id,
        "jobName": "train",
        "jobQueue": f"{ARN}:job-queue/sm",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "SUBMITTED",
        "createdAt": fake.get_service_job(job_id).created_at,
        "isTerminated": False,
        "schedulingPriority": 100,
        "serviceRequestPayload": PAYLOAD,
        "retryStrategy": RETRY,
        "timeoutConfig": {"attemptDurationSeconds": 300},
        "tags": {"team": "ml"},
    }
    assert client.list_tags_for_resource(resourceArn=submitted["jobArn"])["tags"] == {"team": "ml"}


@BOTH_PATHS
def test_a_finished_job_shows_its_attempt_and_training_job(
    fake: FakeBatch, client: BaseClient
) -> None:
    job_id = submit(client)
    fake.clock.set(1_900_000_000_000)
    fake.complete(job_id)

    described = client.describe_service_job(jobId=job_id)
    training_job = {
        "name": "TrainingJobArn",
        "value": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:training-job/train",
    }

    assert described["status"] == "SUCCEEDED"
    assert described["statusReason"] == "Job completed successfully"
    assert described["latestAttempt"] == {"serviceResourceId": training_job}
    assert described["attempts"] == [
        {
            "serviceResourceId": training_job,
            "startedAt": 1_900_000_000_000,
            "stoppedAt": 1_900_000_000_000,
            "statusReason": "Completed",
        }
    ]
    assert described["capacityUsage"] == [{"capacityUnit": "ml.m5.large", "quantity": 2.0}]
    assert (described["scheduledAt"], described["startedAt"], described["stoppedAt"]) == (
        1_900_000_000_000,
    ) * 3


def test_service_jobs_are_not_container_jobs(fake: FakeBatch, batch: BaseClient) -> None:
    job_id = submit(batch)

    assert batch.describe_jobs(jobs=[job_id])["jobs"] == []
    assert fake.jobs == []
    assert [job.job_id for job in fake.service_jobs] == [job_id]


@BOTH_PATHS
def test_preemption_configuration_is_kept_where_the_model_has_it(client: BaseClient) -> None:
    model = client.meta.service_model.operation_model("SubmitServiceJob").input_shape
    if "preemptionConfiguration" not in model.members:  # type: ignore[attr-defined]
        pytest.skip("this botocore's model has no preemptionConfiguration")
    job_id = submit(client, preemptionConfiguration={"preemptionRetriesBeforeTermination": 2})

    described = client.describe_service_job(jobId=job_id)

    assert described["preemptionConfiguration"] == {"preemptionRetriesBeforeTermination": 2}


@NEEDS_QUOTA_SHARES
def test_fair_share_queues_need_a_share_identifier(fake: FakeBatch, batch: BaseClient) -> None:
    policy = fake.add_scheduling_policy("fair")
    assert policy.arn == POLICY
    fake.add_queue("fair", scheduling_policy_arn=policy.arn, service_environments=["env"])

    job_id = submit(batch, jobQueue="fair", shareIdentifier="teamA", quotaShareName="gold")

    job = fake.get_service_job(job_id)
    assert (job.share_identifier, job.quota_share_name) == ("teamA", "gold")
    assert refused(submit, client=batch, jobQueue="fair") == (
        "Job queue fair has a fair-share scheduling policy: shareIdentifier is required."
    )


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"jobQueue": "nope"}, "JobQueue nope not found."),
        ({"jobQueue": "off"}, "JobQueue off is not in ENABLED state."),
        (
            {"jobQueue": "ecs"},
            "JobQueue ecs is not of type SAGEMAKER_TRAINING: service jobs need a job queue of "
            "service environments.",
        ),
        ({"jobName": "has space"}, "Job name should match valid pattern"),
        ({"jobName": "x" * 129}, "Job name should match valid pattern"),
        (
            {"serviceJobType": "ECS"},
            "Invalid serviceJobType: ECS. Valid values: SAGEMAKER_TRAINING.",
        ),
        ({"schedulingPriority": 10_000}, "schedulingPriority must be from 0 to 9999, got 10000."),
        ({"retryStrategy": {"attempts": 0}}, "Retry attempts must be from 1 to 10, got 0."),
        ({"retryStrategy": {"attempts": 11}}, "Retry attempts must be from 1 to 10, got 11."),
        (
            {
                "retryStrategy": {
                    "attempts": 2,
                    "evaluateOnExit": [{"action": "EXIT", "onStatusReason": "*"}] * 6,
                }
            },
            "evaluateOnExit takes up to 5 conditions, got 6.",
        ),
        (
            {"retryStrategy": {"attempts": 2, "evaluateOnExit": [{"action": "STOP"}]}},
            "Invalid evaluateOnExit action: STOP. Valid values: RETRY, EXIT.",
        ),
        (
            {
                "retryStrategy": {
                    "attempts": 2,
                    "evaluateOnExit": [{"action": "EXIT", "onStatusReason": "x" * 513}],
                }
            },
            "onStatusReason must be 1 to 512 characters long.",
        ),
        (
            {"shareIdentifier": "teamA"},
            "shareIdentifier is only allowed for job queues with a scheduling policy; sm has none.",
        ),
        pytest.param(
            {"quotaShareName": "gold"},
            "quotaShareName is only allowed for job queues with a quota share scheduling "
            "policy; sm has no scheduling policy.",
            marks=NEEDS_QUOTA_SHARES,
        ),
        (
            {"timeoutConfig": {"attemptDurationSeconds": 0}},
            "attemptDurationSeconds must be at least 1, got 0.",
        ),
        ({"tags": {"aws:team": "x"}}, "Tag keys starting with aws: are reserved: aws:team"),
    ],
)
def test_submit_refusals(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    fake.add_queue("off", state="DISABLED", service_environments=["env"])
    fake.add_queue("ecs")

    assert refused(submit, client=batch, **params) == detail
    assert fake.service_jobs == []


def test_a_client_token_is_used_once(fake: FakeBatch, batch: BaseClient) -> None:
    submit(batch, clientToken="once")

    assert refused(submit, client=batch, clientToken="once") == (
        "A service job was already submitted with clientToken once."
    )
    assert len(fake.service_jobs) == 1


@pytest.mark.parametrize(
    ("operation", "params", "detail"),
    [
        ("describe_service_job", {"jobId": "nope"}, "Service job nope not found."),
        pytest.param(
            "update_service_job",
            {"jobId": "nope", "schedulingPriority": 1},
            "Service job nope not found.",
            marks=needs("UpdateServiceJob"),
        ),
        ("terminate_service_job", {"jobId": "nope", "reason": "r"}, "Service job nope not found."),
        ("terminate_service_job", {"jobId": "JOB", "reason": ""}, "reason must not be empty."),
        pytest.param(
            "update_service_job",
            {"jobId": "JOB", "schedulingPriority": -1},
            "schedulingPriority must be from 0 to 9999, got -1.",
            marks=needs("UpdateServiceJob"),
        ),
    ],
)
def test_job_refusals(
    fake: FakeBatch, batch: BaseClient, operation: str, params: dict[str, Any], detail: str
) -> None:
    job_id = submit(batch)
    params = {key: job_id if value == "JOB" else value for key, value in params.items()}

    assert refused(getattr(batch, operation), **params) == detail


def test_a_job_of_another_region_is_not_found(fake: FakeBatch, batch: BaseClient) -> None:
    job_id = submit(batch)
    away = boto3.client("batch", region_name="eu-west-1")

    assert refused(away.describe_service_job, jobId=job_id) == f"Service job {job_id} not found."


# ListServiceJobs


@BOTH_PATHS
def test_list_defaults_to_running_jobs_newest_first(fake: FakeBatch, client: BaseClient) -> None:
    ids = [submit(client, f"job-{n}") for n in range(4)]
    for job_id in ids[:3]:
        fake.set_status(job_id, "RUNNING")

    listed = client.list_service_jobs(jobQueue="sm")

    assert summaries(listed) == ["job-2", "job-1", "job-0"]
    assert "nextToken" not in listed
    assert summaries(
        client.list_service_jobs(jobQueue=f"{ARN}:job-queue/sm", jobStatus="SUBMITTED")
    ) == ["job-3"]


@BOTH_PATHS
def test_a_summary_has_the_fields_with_values(fake: FakeBatch, client: BaseClient) -> None:
    job_id = submit(client)
    fake.set_status(job_id, "SCHEDULED")
    job = fake.get_service_job(job_id)

    [summary] = client.list_service_jobs(jobQueue="sm", jobStatus="SCHEDULED")["jobSummaryList"]

    assert summary == {
        "jobArn": f"{ARN}:service-job/{job_id}",
        "jobId": job_id,
        "jobName": "train",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "SCHEDULED",
        "createdAt": job.created_at,
        "scheduledAt": job.scheduled_at,
        "latestAttempt": {
            "serviceResourceId": {
                "name": "TrainingJobArn",
                "value": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:training-job/train",
            }
        },
        "capacityUsage": [{"capacityUnit": "ml.m5.large", "quantity": 2.0}],
    }


@BOTH_PATHS
def test_is_terminated_appears_only_when_true(fake: FakeBatch, client: BaseClient) -> None:
    if "isTerminated" not in client.meta.service_model.shape_for("ServiceJobSummary").members:  # type: ignore[attr-defined]
        pytest.skip("this botocore's model has no isTerminated in ServiceJobSummary")
    stopped, failed = submit(client, "stopped"), submit(client, "failed")
    client.terminate_service_job(jobId=stopped, reason="no longer needed")
    fake.set_status(failed, "FAILED")

    listed = client.list_service_jobs(jobQueue="sm", jobStatus="FAILED")["jobSummaryList"]

    assert {s["jobName"]: s.get("isTerminated") for s in listed} == {
        "stopped": True,
        "failed": None,
    }


@BOTH_PATHS
def test_botocores_paginator_walks_every_job_once(fake: FakeBatch, client: BaseClient) -> None:
    ids = [submit(client, f"job-{n}") for n in range(5)]

    pages = list(
        client.get_paginator("list_service_jobs").paginate(
            jobQueue="sm", jobStatus="SUBMITTED", PaginationConfig={"PageSize": 2}
        )
    )

    assert [len(page["jobSummaryList"]) for page in pages] == [2, 2, 1]
    assert [s["jobId"] for page in pages for s in page["jobSummaryList"]] == ids[::-1]


def test_a_walk_is_stable_while_jobs_are_submitted(fake: FakeBatch, batch: BaseClient) -> None:
    for n in range(3):
        submit(batch, f"job-{n}")
    first = batch.list_service_jobs(jobQueue="sm", jobStatus="SUBMITTED", maxResults=2)
    submit(batch, "newer")

    rest = batch.list_service_jobs(
        jobQueue="sm", jobStatus="SUBMITTED", maxResults=2, nextToken=first["nextToken"]
    )

    assert summaries(first) + summaries(rest) == ["job-2", "job-1", "job-0"]


@pytest.mark.parametrize(
    ("filters", "status", "expected"),
    [
        ([{"name": "JOB_NAME", "values": ["TRAIN-A"]}], None, ["train-a"]),
        ([{"name": "JOB_NAME", "values": ["train*"]}], None, ["train-b", "train-a"]),
        ([{"name": "SHARE_IDENTIFIER", "values": ["teamA"]}], "SUBMITTED", ["train-a"]),
        ([{"name": "SHARE_IDENTIFIER", "values": ["teamA"]}], None, []),  # RUNNING by default
        pytest.param(
            [{"name": "QUOTA_SHARE_NAME", "values": ["gold"]}],
            "SUBMITTED",
            ["other"],
            marks=NEEDS_QUOTA_SHARES,
        ),
        # Any other filter: jobStatus is ignored.
        ([{"name": "JOB_NAME", "values": ["other"]}], "RUNNING", ["other"]),
    ],
)
def test_filters(
    fake: FakeBatch,
    batch: BaseClient,
    filters: list[dict[str, Any]],
    status: str | None,
    expected: list[str],
) -> None:
    policy = fake.add_scheduling_policy("fair")
    assert policy.arn == POLICY
    fake.add_queue("fair", scheduling_policy_arn=policy.arn, service_environments=["env"])
    submit(batch, "train-a", jobQueue="fair", shareIdentifier="teamA")
    submit(batch, "train-b", jobQueue="fair", shareIdentifier="teamB")
    quota = {"quotaShareName": "gold"} if QUOTA_SHARES else {}
    submit(batch, "other", jobQueue="fair", shareIdentifier="teamB", **quota)
    request: dict[str, Any] = {"jobQueue": "fair", "filters": filters}
    if status is not None:
        request["jobStatus"] = status

    assert summaries(batch.list_service_jobs(**request)) == expected


def test_created_at_filters_are_strict(fake: FakeBatch, batch: BaseClient) -> None:
    ids = [submit(batch, f"job-{n}") for n in range(3)]
    middle = str(fake.get_service_job(ids[1]).created_at)

    def listed(name: str) -> list[str]:
        return summaries(
            batch.list_service_jobs(jobQueue="sm", filters=[{"name": name, "values": [middle]}])
        )

    assert listed("BEFORE_CREATED_AT") == ["job-0"]
    assert listed("AFTER_CREATED_AT") == ["job-2"]


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({}, "jobQueue is required."),
        ({"jobQueue": "nope"}, "JobQueue nope not found."),
        (
            {"jobQueue": "sm", "jobStatus": "DONE"},
            "Invalid jobStatus: DONE. Valid values: SUBMITTED, PENDING, RUNNABLE, SCHEDULED, "
            "STARTING, RUNNING, SUCCEEDED, FAILED.",
        ),
        (
            {
                "jobQueue": "sm",
                "filters": [
                    {"name": "JOB_NAME", "values": ["a"]},
                    {"name": "JOB_NAME", "values": ["b"]},
                ],
            },
            "Only one filter key-value pair can be specified.",
        ),
        (
            {"jobQueue": "sm", "filters": [{"name": "JOB_NAME", "values": ["a", "b"]}]},
            "Filter cannot take more than one value.",
        ),
        (
            {"jobQueue": "sm", "filters": [{"name": "JOB_DEFINITION", "values": ["a"]}]},
            "Invalid filter name: JOB_DEFINITION. Valid names: JOB_NAME, BEFORE_CREATED_AT, "
            "AFTER_CREATED_AT, SHARE_IDENTIFIER, QUOTA_SHARE_NAME.",
        ),
        (
            {"jobQueue": "sm", "filters": [{"name": "JOB_NAME", "values": []}]},
            "Filter JOB_NAME must have a value.",
        ),
        (
            {"jobQueue": "sm", "filters": [{"name": "AFTER_CREATED_AT", "values": ["soon"]}]},
            "Filter AFTER_CREATED_AT takes a number of milliseconds since the epoch, not soon.",
        ),
        ({"jobQueue": "sm", "maxResults": 0}, "maxResults must be between 1 and 100, got 0."),
        ({"jobQueue": "sm", "maxResults": 101}, "maxResults must be between 1 and 100, got 101."),
        (
            {"jobQueue": "sm", "nextToken": "garbage"},
            "Invalid nextToken: use the token a previous ListServiceJobs call with the same "
            "parameters returned.",
        ),
    ],
)
def test_list_refusals(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    assert refused(batch.list_service_jobs, **params) == detail


def test_a_token_from_another_query_is_refused(fake: FakeBatch, batch: BaseClient) -> None:
    for n in range(3):
        submit(batch, f"job-{n}")
    token = batch.list_service_jobs(jobQueue="sm", jobStatus="SUBMITTED", maxResults=1)["nextToken"]

    assert refused(
        batch.list_service_jobs, jobQueue="sm", jobStatus="RUNNABLE", nextToken=token
    ).startswith("Invalid nextToken")


# UpdateServiceJob


@BOTH_PATHS
@needs("UpdateServiceJob")
def test_update_the_priority(fake: FakeBatch, client: BaseClient) -> None:
    job_id = submit(client, schedulingPriority=1)

    updated = client.update_service_job(jobId=job_id, schedulingPriority=50)

    assert body(updated) == {
        "jobArn": f"{ARN}:service-job/{job_id}",
        "jobName": "train",
        "jobId": job_id,
    }
    assert client.describe_service_job(jobId=job_id)["schedulingPriority"] == 50
    assert fake.get_service_job(job_id).scheduling_priority == 50


@needs("UpdateServiceJob")
def test_a_finished_jobs_priority_cannot_change(fake: FakeBatch, batch: BaseClient) -> None:
    job_id = submit(batch)
    fake.complete(job_id)

    assert refused(batch.update_service_job, jobId=job_id, schedulingPriority=5) == (
        f"Service job {job_id} is SUCCEEDED: its priority can't be changed."
    )


# TerminateServiceJob and TerminateServiceJobs


@BOTH_PATHS
@pytest.mark.parametrize("status", ["SUBMITTED", "RUNNABLE", "SCHEDULED", "RUNNING"])
def test_terminate_fails_an_unfinished_job(
    fake: FakeBatch, client: BaseClient, status: str
) -> None:
    job_id = submit(client)
    if status != "SUBMITTED":
        fake.set_status(job_id, status)

    response = client.terminate_service_job(jobId=job_id, reason="no longer needed")
    described = client.describe_service_job(jobId=job_id)

    assert body(response) == {}
    assert (described["status"], described["statusReason"], described["isTerminated"]) == (
        "FAILED",
        "no longer needed",
        True,
    )
    # A job that reached SageMaker ends its training job: the attempt is recorded.
    reached = status in ("SCHEDULED", "RUNNING")
    assert [a["statusReason"] for a in described.get("attempts", [])] == (
        ["no longer needed"] if reached else []
    )


def test_terminate_leaves_a_finished_job_alone(fake: FakeBatch, batch: BaseClient) -> None:
    job_id = submit(batch)
    fake.complete(job_id)
    before = fake.get_service_job(job_id)

    batch.terminate_service_job(jobId=job_id, reason="too late")

    assert fake.get_service_job(job_id) == before


@BOTH_PATHS
@needs("TerminateServiceJobs")
def test_terminate_many(fake: FakeBatch, client: BaseClient) -> None:
    running, done = submit(client, "running"), submit(client, "done")
    fake.set_status(running, "RUNNING")
    fake.complete(done)
    unknown = "00000000-0000-4000-8000-000000000000"

    response = client.terminate_service_jobs(jobs=[running, done, unknown, "bad"], reason="stop")

    assert body(response) == {
        # "Service jobs that can't be found are treated as successfully processed."
        "successful": [running, done, unknown],
        "errors": [
            {"job": "bad", "code": "ValidationException", "message": "Invalid service job id: bad"}
        ],
    }
    assert fake.get_service_job(running).status == "FAILED"
    assert fake.get_service_job(done).status == "SUCCEEDED"


@needs("TerminateServiceJobs")
@pytest.mark.parametrize("count", [0, 51])
def test_terminate_many_takes_1_to_50(fake: FakeBatch, batch: BaseClient, count: int) -> None:
    jobs = ["00000000-0000-4000-8000-000000000000"] * count

    assert refused(batch.terminate_service_jobs, jobs=jobs, reason="r") == (
        f"jobs must list 1 to 50 service job ids, got {count}."
    )


def test_submit_job_refuses_a_queue_of_service_environments(
    fake: FakeBatch, batch: BaseClient
) -> None:
    fake.add_job_definition("d")

    assert refused(batch.submit_job, jobName="j", jobQueue="sm", jobDefinition="d") == (
        "JobQueue sm is of type SAGEMAKER_TRAINING: submit service jobs to it with "
        "SubmitServiceJob."
    )


def test_deleting_the_queue_terminates_its_service_jobs(fake: FakeBatch, batch: BaseClient) -> None:
    waiting, done = submit(batch, "waiting"), submit(batch, "done")
    fake.complete(done)
    batch.update_job_queue(jobQueue="sm", state="DISABLED")

    batch.delete_job_queue(jobQueue="sm")
    fake.add_queue("sm", service_environments=["env"])  # created again: it starts empty

    described = batch.describe_service_job(jobId=waiting)
    assert (described["status"], described["isTerminated"], described["statusReason"]) == (
        "FAILED",
        True,
        "Job queue sm was deleted.",
    )
    assert batch.describe_service_job(jobId=done)["status"] == "SUCCEEDED"
    for status in ("FAILED", "SUCCEEDED"):
        assert batch.list_service_jobs(jobQueue="sm", jobStatus=status)["jobSummaryList"] == []
