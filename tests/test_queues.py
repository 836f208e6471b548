"""CreateJobQueue, DescribeJobQueues, UpdateJobQueue and DeleteJobQueue through real clients, and
the add_queue factory.

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path. The many refusals run on the fast path with a
boto3 client (the paths agree, and the wire path is covered by the rest).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config

from pytest_fakebatch import FakeBatch
from tests.helpers import client_error_detail, refused
from tests.model_support import SUBNET

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

BOTH_PATHS = pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
ACCOUNT = "123456789012"
ARN = f"arn:aws:batch:us-east-1:{ACCOUNT}"
POLICY = f"{ARN}:scheduling-policy/fair"
TIME_LIMIT = {"reason": "stuck", "state": "RUNNABLE", "maxTimeSeconds": 600, "action": "CANCEL"}


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=11, wire=getattr(request, "param", False)) as fake:
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


FARGATE = {"type": "FARGATE", "maxvCpus": 4, "subnets": [SUBNET]}


def order(*names: str) -> list[dict[str, Any]]:
    return [{"order": n, "computeEnvironment": name} for n, name in enumerate(names, start=1)]


# Creating and describing


@BOTH_PATHS
def test_create_then_describe(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_compute_environment("spot")
    ondemand = fake.add_compute_environment("ondemand")
    fake.add_scheduling_policy("fair")

    created = client.create_job_queue(
        jobQueueName="HighPriority",
        priority=10,
        computeEnvironmentOrder=[
            {"order": 1, "computeEnvironment": ondemand.arn},
            {"order": 2, "computeEnvironment": "spot"},  # a name works too
        ],
        schedulingPolicyArn=POLICY,
        jobStateTimeLimitActions=[TIME_LIMIT],
        tags={"team": "ml"},
    )
    described = client.describe_job_queues(jobQueues=["HighPriority"])

    assert {k: v for k, v in created.items() if k != "ResponseMetadata"} == {
        "jobQueueName": "HighPriority",
        "jobQueueArn": f"{ARN}:job-queue/HighPriority",
    }
    assert described["jobQueues"] == [
        {
            "jobQueueName": "HighPriority",
            "jobQueueArn": f"{ARN}:job-queue/HighPriority",
            "state": "ENABLED",
            "status": "VALID",
            "statusReason": "JobQueue Healthy",
            "priority": 10,
            "computeEnvironmentOrder": [
                {"order": 1, "computeEnvironment": f"{ARN}:compute-environment/ondemand"},
                {"order": 2, "computeEnvironment": f"{ARN}:compute-environment/spot"},
            ],
            "schedulingPolicyArn": POLICY,
            "jobStateTimeLimitActions": [TIME_LIMIT],
            "tags": {"team": "ml"},
        }
    ]
    assert "nextToken" not in described
    assert [queue.name for queue in fake.queues] == ["HighPriority"]


def test_a_created_queue_takes_jobs(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_compute_environment("ce")
    batch.create_job_queue(jobQueueName="q", priority=1, computeEnvironmentOrder=order("ce"))
    job = fake.add_job("q")

    assert [s["jobId"] for s in batch.list_jobs(jobQueue="q")["jobSummaryList"]] == [job.job_id]


def test_describe_by_name_or_arn_leaves_out_unknown_queues(
    fake: FakeBatch, batch: BaseClient
) -> None:
    first, second = fake.add_queue("first"), fake.add_queue("second")
    fake.add_queue("third")
    fake.add_queue("first", region="eu-west-1")

    described = batch.describe_job_queues(jobQueues=[second.arn, "first", "missing", "first"])

    assert [q["jobQueueArn"] for q in described["jobQueues"]] == [first.arn, second.arn]


def test_describe_lists_the_region_s_queues_in_creation_order(
    fake: FakeBatch, batch: BaseClient
) -> None:
    for name in ("b", "a", "c"):
        fake.add_queue(name)
    fake.add_queue("elsewhere", region="eu-west-1")
    away = boto3.client("batch", region_name="eu-west-1")

    assert [q["jobQueueName"] for q in batch.describe_job_queues()["jobQueues"]] == ["b", "a", "c"]
    assert [q["jobQueueName"] for q in away.describe_job_queues()["jobQueues"]] == ["elsewhere"]


def test_a_seeded_queue_is_described_with_no_compute_environments(
    fake: FakeBatch, batch: BaseClient
) -> None:
    fake.add_job("nightly")

    [queue] = batch.describe_job_queues()["jobQueues"]

    assert queue["computeEnvironmentOrder"] == []
    assert (queue["state"], queue["priority"], "tags" in queue) == ("ENABLED", 1, False)


# Pages


@BOTH_PATHS
def test_the_paginator_walks_every_queue_once(fake: FakeBatch, client: BaseClient) -> None:
    names = [f"q{n}" for n in range(7)]
    for name in names:
        fake.add_queue(name)

    pages = list(
        client.get_paginator("describe_job_queues").paginate(PaginationConfig={"PageSize": 3})
    )

    assert [[q["jobQueueName"] for q in page["jobQueues"]] for page in pages] == [
        names[:3],
        names[3:6],
        names[6:],
    ]
    assert "nextToken" not in pages[-1]


def test_a_walk_survives_queues_created_and_deleted_meanwhile(
    fake: FakeBatch, batch: BaseClient
) -> None:
    for name in ("a", "b", "c", "d"):
        fake.add_queue(name)
    first = batch.describe_job_queues(maxResults=2)
    batch.update_job_queue(jobQueue="b", state="DISABLED")
    batch.delete_job_queue(jobQueue="b")
    fake.add_queue("e")

    second = batch.describe_job_queues(maxResults=2, nextToken=first["nextToken"])
    third = batch.describe_job_queues(maxResults=2, nextToken=second["nextToken"])

    assert [q["jobQueueName"] for q in first["jobQueues"]] == ["a", "b"]
    assert [q["jobQueueName"] for q in second["jobQueues"]] == ["c", "d"]
    assert [q["jobQueueName"] for q in third["jobQueues"]] == ["e"]
    assert "nextToken" not in third


def test_a_queue_created_again_comes_last(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_queue("a")
    fake.add_queue("b", state="DISABLED")
    batch.delete_job_queue(jobQueue="b")
    fake.add_queue("b")
    fake.add_queue("c")

    pages = batch.get_paginator("describe_job_queues").paginate(PaginationConfig={"PageSize": 1})

    assert [q["jobQueueName"] for page in pages for q in page["jobQueues"]] == ["a", "b", "c"]


def test_max_results_caps_and_defaults(fake: FakeBatch, batch: BaseClient) -> None:
    for n in range(101):
        fake.add_queue(f"q{n}")

    first = batch.describe_job_queues()
    rest = batch.describe_job_queues(nextToken=first["nextToken"])

    assert (len(first["jobQueues"]), len(rest["jobQueues"])) == (100, 1)
    assert batch.describe_job_queues(nextToken="")["jobQueues"] == first["jobQueues"]


@pytest.mark.parametrize("max_results", [0, 101])
def test_max_results_out_of_range_is_refused(
    fake: FakeBatch, batch: BaseClient, max_results: int
) -> None:
    assert refused(batch.describe_job_queues, maxResults=max_results) == (
        f"maxResults must be between 1 and 100, got {max_results}."
    )


def test_a_token_works_only_for_its_own_query(fake: FakeBatch, batch: BaseClient) -> None:
    for name in ("a", "b", "c"):
        fake.add_queue(name)
    token = batch.describe_job_queues(maxResults=1)["nextToken"]
    detail = (
        "Invalid nextToken: use the token a previous DescribeJobQueues call with the same "
        "parameters returned."
    )

    assert refused(batch.describe_job_queues, nextToken="garbage") == detail
    assert refused(batch.describe_job_queues, jobQueues=["a", "b"], nextToken=token) == detail
    assert refused(batch.describe_compute_environments, nextToken=token) == detail.replace(
        "DescribeJobQueues", "DescribeComputeEnvironments"
    )


def test_more_than_100_queues_named_is_refused(fake: FakeBatch, batch: BaseClient) -> None:
    names = [f"q{n}" for n in range(101)]

    assert refused(batch.describe_job_queues, jobQueues=names) == (
        "jobQueues takes up to 100 entries, got 101."
    )


# Updating and deleting


@BOTH_PATHS
def test_update_changes_what_is_given_and_keeps_the_jobs(
    fake: FakeBatch, client: BaseClient
) -> None:
    fake.add_compute_environment("old")
    fake.add_compute_environment("new")
    queue = fake.add_queue("q", compute_environments=["old"], tags={"keep": "me"})
    job = fake.add_job("q")

    updated = client.update_job_queue(
        jobQueue=queue.arn,
        state="DISABLED",
        priority=7,
        computeEnvironmentOrder=order("new"),
        jobStateTimeLimitActions=[TIME_LIMIT],
    )
    [described] = client.describe_job_queues(jobQueues=["q"])["jobQueues"]

    assert (updated["jobQueueName"], updated["jobQueueArn"]) == ("q", queue.arn)
    assert (described["state"], described["priority"]) == ("DISABLED", 7)
    assert described["computeEnvironmentOrder"] == [
        {"order": 1, "computeEnvironment": f"{ARN}:compute-environment/new"}
    ]
    assert described["jobStateTimeLimitActions"] == [TIME_LIMIT]
    assert described["tags"] == {"keep": "me"}
    assert [s["jobId"] for s in client.list_jobs(jobQueue="q")["jobSummaryList"]] == [job.job_id]
    assert fake.queues[0].state == "DISABLED"


def test_update_leaves_out_what_is_not_given(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_scheduling_policy("fair")
    fake.add_queue("q", priority=3, scheduling_policy_arn=POLICY)

    batch.update_job_queue(jobQueue="q", state="DISABLED")
    [described] = batch.describe_job_queues()["jobQueues"]

    assert (described["priority"], described["schedulingPolicyArn"]) == (3, POLICY)


def test_delete_needs_a_disabled_queue(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_queue("q")

    assert refused(batch.delete_job_queue, jobQueue="q") == (
        "JobQueue q must be DISABLED before it can be deleted."
    )
    assert [q["jobQueueName"] for q in batch.describe_job_queues()["jobQueues"]] == ["q"]


@BOTH_PATHS
def test_a_deleted_queue_is_gone(fake: FakeBatch, client: BaseClient) -> None:
    queue = fake.add_queue("q", tags={"a": "b"})
    fake.add_job("q")

    client.update_job_queue(jobQueue="q", state="DISABLED")
    client.delete_job_queue(jobQueue=queue.arn)

    assert client.describe_job_queues()["jobQueues"] == []
    assert fake.queues == []
    with pytest.raises(client.exceptions.ClientException) as raised:
        client.list_jobs(jobQueue="q")
    assert client_error_detail(raised.value) == "JobQueue q not found."
    with pytest.raises(client.exceptions.ClientException):
        client.list_tags_for_resource(resourceArn=queue.arn)


def test_deleting_a_queue_terminates_its_unfinished_jobs(
    fake: FakeBatch, batch: BaseClient
) -> None:
    running = fake.add_job("q", status="RUNNING")
    waiting = fake.add_job("q", status="RUNNABLE")
    done = fake.add_job("q", status="SUCCEEDED")
    elsewhere = fake.add_job("other", status="RUNNING")

    batch.update_job_queue(jobQueue="q", state="DISABLED")
    batch.delete_job_queue(jobQueue="q")

    details = {
        job["jobId"]: job
        for job in batch.describe_jobs(
            jobs=[running.job_id, waiting.job_id, done.job_id, elsewhere.job_id]
        )["jobs"]
    }
    for job in (running, waiting):
        assert details[job.job_id]["status"] == "FAILED"
        assert details[job.job_id]["statusReason"] == "Job queue q was deleted."
        assert details[job.job_id]["isTerminated"] is True
    assert "startedAt" not in details[waiting.job_id]
    assert details[done.job_id]["status"] == "SUCCEEDED"
    assert details[elsewhere.job_id]["status"] == "RUNNING"


def test_a_deleted_queue_can_be_created_again_without_its_tags(
    fake: FakeBatch, batch: BaseClient
) -> None:
    fake.add_compute_environment("ce")
    queue = fake.add_queue("q", state="DISABLED", tags={"old": "tag"})
    batch.delete_job_queue(jobQueue="q")

    again = batch.create_job_queue(
        jobQueueName="q", priority=2, computeEnvironmentOrder=order("ce")
    )

    assert again["jobQueueArn"] == queue.arn
    assert batch.list_tags_for_resource(resourceArn=queue.arn)["tags"] == {}


def test_a_queue_created_again_does_not_list_the_deleted_ones_jobs() -> None:
    with FakeBatch(seed=14, retention=60) as fake:
        batch = boto3.client("batch", region_name=fake.region)
        fake.clock.set(1_700_000_000_000)
        old = fake.add_job("q", status="SUCCEEDED")
        running = fake.add_job("q", status="RUNNING")
        batch.update_job_queue(jobQueue="q", state="DISABLED")
        batch.delete_job_queue(jobQueue="q")

        fake.add_queue("q")
        new = fake.add_job("q", status="SUCCEEDED")

        listed = batch.list_jobs(jobQueue="q", jobStatus="SUCCEEDED")["jobSummaryList"]
        assert [summary["jobId"] for summary in listed] == [new.job_id]
        assert batch.list_jobs(jobQueue="q", jobStatus="FAILED")["jobSummaryList"] == []
        described = batch.describe_jobs(jobs=[old.job_id, running.job_id])["jobs"]
        assert [job["status"] for job in described] == ["SUCCEEDED", "FAILED"]

        # The old jobs still age out, from the index they were listed in.
        fake.clock.advance(61)
        assert batch.describe_jobs(jobs=[old.job_id, running.job_id])["jobs"] == []
        assert [job.job_id for job in fake.jobs] == []


def test_updating_an_unknown_queue_is_refused(fake: FakeBatch, batch: BaseClient) -> None:
    assert refused(batch.update_job_queue, jobQueue="missing", priority=1) == (
        "JobQueue missing not found."
    )


@pytest.mark.parametrize("reference", ["missing", f"{ARN}:job-queue/missing"])
def test_deleting_an_unknown_queue_says_it_does_not_exist(
    fake: FakeBatch, batch: BaseClient, reference: str
) -> None:
    with pytest.raises(batch.exceptions.ClientException) as raised:
        batch.delete_job_queue(jobQueue=reference)

    # As terraform-provider-aws saw it for an ARN: the reference, no "Error executing request".
    assert raised.value.response["Error"]["Message"] == f"{reference} does not exist."


def test_a_queue_of_another_region_is_unknown(fake: FakeBatch) -> None:
    fake.add_queue("q", state="DISABLED")
    away = boto3.client("batch", region_name="eu-west-1")

    with pytest.raises(away.exceptions.ClientException) as raised:
        away.delete_job_queue(jobQueue="q")
    assert raised.value.response["Error"]["Message"] == "q does not exist."
    assert refused(away.update_job_queue, jobQueue="q", state="ENABLED") == (
        "JobQueue q not found."
    )


# What the service refuses


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"jobQueueName": "has space"}, "JobQueue name should match valid pattern"),
        ({"jobQueueName": "x" * 129}, "JobQueue name should match valid pattern"),
        ({"jobQueueName": "taken"}, "Object already exists"),
        ({"state": "enabled"}, "Invalid state: enabled. Valid values: ENABLED, DISABLED."),
        (
            {"computeEnvironmentOrder": []},
            "A job queue needs computeEnvironmentOrder (or serviceEnvironmentOrder).",
        ),
        (
            {"computeEnvironmentOrder": order("nope")},
            "ComputeEnvironment nope not found.",
        ),
        (
            {"computeEnvironmentOrder": order("ec2", "ec2", "ec2", "ec2")},
            "A job queue can have up to 3 compute environments, got 4.",
        ),
        (
            {"computeEnvironmentOrder": order("ec2", "fargate")},
            "A job queue's compute environments must all be EC2 (EC2 or SPOT) or all Fargate "
            "(FARGATE or FARGATE_SPOT).",
        ),
        (
            {
                "computeEnvironmentOrder": [],
                "serviceEnvironmentOrder": [{"order": 1, "serviceEnvironment": "se"}],
            },
            "ServiceEnvironment se not found.",
        ),
        ({"schedulingPolicyArn": "fair"}, "Invalid schedulingPolicyArn: fair"),
        (
            {"schedulingPolicyArn": f"{ARN}:job-queue/q"},
            f"Invalid schedulingPolicyArn: {ARN}:job-queue/q",
        ),
        (
            {"jobStateTimeLimitActions": [{**TIME_LIMIT, "state": "PENDING"}]},
            "Invalid jobStateTimeLimitActions state: PENDING. Valid values: RUNNABLE.",
        ),
        (
            {"jobStateTimeLimitActions": [{**TIME_LIMIT, "action": "TERMINATE"}]},
            "Invalid jobStateTimeLimitActions action: TERMINATE. Valid values: CANCEL.",
        ),
        (
            {"jobStateTimeLimitActions": [{**TIME_LIMIT, "maxTimeSeconds": 599}]},
            "maxTimeSeconds must be from 600 to 86400, got 599.",
        ),
        (
            {"jobStateTimeLimitActions": [{**TIME_LIMIT, "maxTimeSeconds": 86_401}]},
            "maxTimeSeconds must be from 600 to 86400, got 86401.",
        ),
        (
            {"jobQueueType": "K8S"},
            "Invalid jobQueueType: K8S. Valid values: EKS, ECS, ECS_FARGATE, SAGEMAKER_TRAINING, "
            "ECS_MANAGED_INSTANCES.",
        ),
        ({"tags": {"aws:team": "x"}}, "Tag keys starting with aws: are reserved: aws:team"),
        ({"tags": {"k" * 129: "x"}}, f"Tag keys must be 1 to 128 characters long: {'k' * 129}"),
        ({"tags": {f"k{n}": "v" for n in range(51)}}, "A resource can have up to 50 tags."),
    ],
)
def test_create_refusals(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    fake.add_queue("taken")
    fake.add_compute_environment("ec2")
    fake.add_compute_environment("fargate", compute_resources=FARGATE)
    request = {
        "jobQueueName": "new",
        "priority": 1,
        "computeEnvironmentOrder": order("ec2"),
        **params,
    }

    assert refused(batch.create_job_queue, **request) == detail
    assert [q["jobQueueName"] for q in batch.describe_job_queues()["jobQueues"]] == ["taken"]


def test_fargate_compute_environments_go_together(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_compute_environment("f", compute_resources=FARGATE)
    fake.add_compute_environment("s", compute_resources={**FARGATE, "type": "FARGATE_SPOT"})

    batch.create_job_queue(jobQueueName="q", priority=1, computeEnvironmentOrder=order("f", "s"))

    assert len(batch.describe_job_queues()["jobQueues"][0]["computeEnvironmentOrder"]) == 2


def test_update_refusals(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_queue("q")

    assert refused(batch.update_job_queue, jobQueue="q", state="OFF") == (
        "Invalid state: OFF. Valid values: ENABLED, DISABLED."
    )
    assert refused(batch.update_job_queue, jobQueue="q", computeEnvironmentOrder=order("x")) == (
        "ComputeEnvironment x not found."
    )
    assert refused(batch.update_job_queue, jobQueue="q", computeEnvironmentOrder=[]) == (
        "A job queue needs computeEnvironmentOrder (or serviceEnvironmentOrder)."
    )


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"jobQueueName": 5, "priority": 1}, "Invalid type for jobQueueName: expected a string."),
        ({"jobQueueName": "q", "priority": "1"}, "Invalid type for priority: expected an integer."),
        ({"jobQueueName": "q"}, "priority is required."),
        ({"priority": 1}, "jobQueueName is required."),
        (
            {"jobQueueName": "q", "priority": 1, "computeEnvironmentOrder": [{"order": 1}]},
            "Each computeEnvironmentOrder entry needs an integer order and a computeEnvironment.",
        ),
    ],
)
def test_without_botocore_s_validation_the_service_refuses_bad_types(
    fake: FakeBatch, params: dict[str, Any], detail: str
) -> None:
    lax = boto3.client("batch", region_name=fake.region, config=Config(parameter_validation=False))

    assert refused(lax.create_job_queue, **params) == detail


# The factory


def test_add_queue_with_everything(fake: FakeBatch, batch: BaseClient) -> None:
    ce = fake.add_compute_environment("ce")
    fake.add_scheduling_policy("fair")

    queue = fake.add_queue(
        "q",
        state="DISABLED",
        priority=9,
        compute_environments=[ce.arn],
        scheduling_policy_arn=POLICY,
        job_state_time_limit_actions=[TIME_LIMIT],
        tags={"team": "ml"},
    )
    [described] = batch.describe_job_queues()["jobQueues"]

    assert (queue.state, queue.priority, queue.scheduling_policy_arn) == ("DISABLED", 9, POLICY)
    assert described["computeEnvironmentOrder"] == [{"order": 1, "computeEnvironment": ce.arn}]
    assert described["jobStateTimeLimitActions"] == [TIME_LIMIT]
    assert described["tags"] == {"team": "ml"}


@pytest.mark.parametrize(
    ("keywords", "error", "message"),
    [
        ({"state": "enabled"}, ValueError, "state must be 'ENABLED' or 'DISABLED', not 'enabled'"),
        ({"priority": "1"}, TypeError, "priority must be an int, not '1'"),
        ({"priority": True}, TypeError, "priority must be an int, not True"),
        (
            {"compute_environments": ["nope"]},
            ValueError,
            "no compute environment 'nope' in us-east-1; add it first with "
            "add_compute_environment()",
        ),
        (
            {"compute_environments": "ce"},
            TypeError,
            "compute_environments must be a list, not 'ce'",
        ),
        (
            {"scheduling_policy_arn": "fair"},
            ValueError,
            "invalid job queue: Invalid schedulingPolicyArn: fair",
        ),
        (
            {"job_state_time_limit_actions": [{**TIME_LIMIT, "maxTimeSeconds": 5}]},
            ValueError,
            "invalid job queue: maxTimeSeconds must be from 600 to 86400, got 5.",
        ),
        ({"tags": {"aws:x": "y"}}, ValueError, "invalid tags: Tag keys starting with aws: are"),
        ({"tags": {"k": 1}}, TypeError, "tags must map strings to strings, not {'k': 1}"),
        ({"tags": ["k"]}, TypeError, "tags must be a mapping"),
    ],
)
def test_add_queue_refuses_bad_values(
    fake: FakeBatch, keywords: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        fake.add_queue("q", **keywords)
    assert fake.queues == []


def test_a_fifo_queue_cannot_be_given_a_scheduling_policy(
    fake: FakeBatch, batch: BaseClient
) -> None:
    fake.add_scheduling_policy("fair")
    other = fake.add_scheduling_policy("other").arn
    fake.add_queue("fifo")
    fake.add_queue("fair", scheduling_policy_arn=POLICY)

    assert refused(batch.update_job_queue, jobQueue="fifo", schedulingPolicyArn=POLICY) == (
        "JobQueue fifo is a FIFO queue: a scheduling policy can't be added."
    )
    batch.update_job_queue(jobQueue="fair", schedulingPolicyArn=other)

    described = {
        queue["jobQueueName"]: queue.get("schedulingPolicyArn")
        for queue in batch.describe_job_queues()["jobQueues"]
    }
    assert described == {"fifo": None, "fair": other}
