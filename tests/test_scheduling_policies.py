"""Scheduling policies through real clients (CreateSchedulingPolicy, DescribeSchedulingPolicies,
ListSchedulingPolicies and its paginator, UpdateSchedulingPolicy, DeleteSchedulingPolicy, the
tagging operations), what they mean for queues and SubmitJob, and the add_scheduling_policy
factory.

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_fakebatch import FakeBatch, SchedulingPolicy
from tests.helpers import refused
from tests.model_support import requires_member

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

BOTH_PATHS = pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
QUOTA = requires_member("CreateSchedulingPolicyRequest", "quotaSharePolicy")
ARN = "arn:aws:batch:us-east-1:123456789012:scheduling-policy"
FAIRSHARE = {
    "shareDecaySeconds": 3600,
    "computeReservation": 10,
    "shareDistribution": [
        {"shareIdentifier": "teamA", "weightFactor": 0.5},
        {"shareIdentifier": "teamB*", "weightFactor": 2.0},
    ],
}


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=21, wire=getattr(request, "param", False)) as fake:
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def bare_message(call: Any, **params: Any) -> str:
    """The message of a ClientException that comes without the usual envelope."""
    __tracebackhide__ = True
    with pytest.raises(ClientError) as raised:
        call(**params)
    assert raised.value.response["Error"]["Code"] == "ClientException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return str(raised.value.response["Error"]["Message"])


# Create, describe, list, update, delete


@QUOTA
@BOTH_PATHS
def test_create_then_describe_and_list(fake: FakeBatch, client: BaseClient) -> None:
    created = client.create_scheduling_policy(
        name="fair", fairsharePolicy=FAIRSHARE, tags={"team": "ml"}
    )
    quota = client.create_scheduling_policy(
        name="quota", quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"}
    )

    described = client.describe_scheduling_policies(arns=[quota["arn"], created["arn"]])
    listed = client.list_scheduling_policies()

    assert {k: v for k, v in created.items() if k != "ResponseMetadata"} == {
        "name": "fair",
        "arn": f"{ARN}/fair",
    }
    # In the order created, whatever the order asked.
    assert described["schedulingPolicies"] == [
        {
            "name": "fair",
            "arn": f"{ARN}/fair",
            "fairsharePolicy": FAIRSHARE,
            "tags": {"team": "ml"},
        },
        {
            "name": "quota",
            "arn": f"{ARN}/quota",
            "quotaSharePolicy": {"idleResourceAssignmentStrategy": "FIFO"},
        },
    ]
    assert listed["schedulingPolicies"] == [{"arn": f"{ARN}/fair"}, {"arn": f"{ARN}/quota"}]
    assert "nextToken" not in listed
    assert [policy.name for policy in fake.scheduling_policies] == ["fair", "quota"]


@BOTH_PATHS
def test_describe_leaves_out_what_it_does_not_know(fake: FakeBatch, client: BaseClient) -> None:
    fair = fake.add_scheduling_policy("fair")
    away = fake.add_scheduling_policy("away", region="eu-west-1")

    described = client.describe_scheduling_policies(
        arns=[f"{ARN}/nope", away.arn, "fair", fair.arn, fair.arn]
    )["schedulingPolicies"]

    assert [policy["arn"] for policy in described] == [fair.arn]
    assert client.describe_scheduling_policies(arns=[])["schedulingPolicies"] == []


@BOTH_PATHS
def test_list_pages_and_the_paginator(fake: FakeBatch, client: BaseClient) -> None:
    arns = [fake.add_scheduling_policy(f"p{n}").arn for n in range(7)]
    fake.add_scheduling_policy("elsewhere", region="eu-west-1")

    first = client.list_scheduling_policies(maxResults=3)
    second = client.list_scheduling_policies(maxResults=3, nextToken=first["nextToken"])
    pages = list(
        client.get_paginator("list_scheduling_policies").paginate(PaginationConfig={"PageSize": 2})
    )
    limited = (
        client.get_paginator("list_scheduling_policies")
        .paginate(PaginationConfig={"MaxItems": 5, "PageSize": 2})
        .build_full_result()
    )

    assert [p["arn"] for p in first["schedulingPolicies"]] == arns[:3]
    assert [p["arn"] for p in second["schedulingPolicies"]] == arns[3:6]
    assert [len(page["schedulingPolicies"]) for page in pages] == [2, 2, 2, 1]
    assert [p["arn"] for page in pages for p in page["schedulingPolicies"]] == arns
    assert "nextToken" not in pages[-1]
    assert [p["arn"] for p in limited["schedulingPolicies"]] == arns[:5]


def test_a_walk_survives_policies_created_and_deleted(fake: FakeBatch, batch: BaseClient) -> None:
    arns = [fake.add_scheduling_policy(f"p{n}").arn for n in range(4)]

    first = batch.list_scheduling_policies(maxResults=2)
    batch.delete_scheduling_policy(arn=arns[0])
    batch.create_scheduling_policy(name="late")
    rest = batch.list_scheduling_policies(maxResults=10, nextToken=first["nextToken"])

    assert [p["arn"] for p in first["schedulingPolicies"]] == arns[:2]
    assert [p["arn"] for p in rest["schedulingPolicies"]] == [*arns[2:], f"{ARN}/late"]


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"maxResults": 0}, "maxResults must be between 1 and 100, got 0."),
        ({"maxResults": 101}, "maxResults must be between 1 and 100, got 101."),
        (
            {"nextToken": "garbage"},
            "Invalid nextToken: use the token a previous ListSchedulingPolicies call with the "
            "same parameters returned.",
        ),
    ],
)
def test_list_refuses_bad_pages(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    assert refused(batch.list_scheduling_policies, **params) == detail


@BOTH_PATHS
def test_update_replaces_the_fair_share_policy(fake: FakeBatch, client: BaseClient) -> None:
    policy = fake.add_scheduling_policy("fair", fairshare_policy=FAIRSHARE, tags={"k": "v"})

    response = client.update_scheduling_policy(
        arn=policy.arn, fairsharePolicy={"shareDecaySeconds": 600}
    )
    [described] = client.describe_scheduling_policies(arns=[policy.arn])["schedulingPolicies"]

    assert set(response) == {"ResponseMetadata"}
    assert described == {
        "name": "fair",
        "arn": policy.arn,
        "fairsharePolicy": {"shareDecaySeconds": 600},
        "tags": {"k": "v"},
    }
    assert policy.fairshare_policy == FAIRSHARE  # the object the test holds is a snapshot
    assert fake.scheduling_policies[0].fairshare_policy == {"shareDecaySeconds": 600}


@QUOTA
def test_a_policy_keeps_its_kind(fake: FakeBatch, batch: BaseClient) -> None:
    fair = fake.add_scheduling_policy("fair", fairshare_policy={})
    quota = fake.add_scheduling_policy(
        "quota", quota_share_policy={"idleResourceAssignmentStrategy": "FIFO"}
    )

    assert (
        refused(
            batch.update_scheduling_policy,
            arn=fair.arn,
            quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"},
        )
        == "SchedulingPolicy fair has a fairsharePolicy: it cannot be changed to a quotaSharePolicy."
    )
    assert refused(batch.update_scheduling_policy, arn=quota.arn, fairsharePolicy={}) == (
        "SchedulingPolicy quota has a quotaSharePolicy: it cannot be changed to a fairsharePolicy."
    )
    assert refused(batch.update_scheduling_policy, arn=f"{ARN}/nope") == (
        f"SchedulingPolicy {ARN}/nope not found."
    )
    bare = fake.add_scheduling_policy("bare")
    assert refused(
        batch.update_scheduling_policy,
        arn=bare.arn,
        fairsharePolicy={},
        quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"},
    ) == ("Only one of fairsharePolicy or quotaSharePolicy can be set.")


@BOTH_PATHS
def test_delete_and_its_tags(fake: FakeBatch, client: BaseClient) -> None:
    policy = fake.add_scheduling_policy("fair", tags={"k": "v"})

    client.delete_scheduling_policy(arn=policy.arn)

    assert client.list_scheduling_policies()["schedulingPolicies"] == []
    assert fake.scheduling_policies == []
    with pytest.raises(client.exceptions.ClientException):
        client.list_tags_for_resource(resourceArn=policy.arn)
    # Created again: a new policy, without the old one's tags.
    client.create_scheduling_policy(name="fair")
    assert client.list_tags_for_resource(resourceArn=policy.arn)["tags"] == {}


@BOTH_PATHS
def test_deleting_an_unknown_policy_is_answered_200(fake: FakeBatch, client: BaseClient) -> None:
    response = client.delete_scheduling_policy(arn=f"{ARN}/nope")

    assert set(response) == {"ResponseMetadata"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_a_policy_in_use_cannot_be_deleted(fake: FakeBatch, batch: BaseClient) -> None:
    policy = fake.add_scheduling_policy("fair")
    other = fake.add_scheduling_policy("other")
    fake.add_queue("q", scheduling_policy_arn=policy.arn)

    detail = refused(batch.delete_scheduling_policy, arn=policy.arn)
    batch.update_job_queue(jobQueue="q", schedulingPolicyArn=other.arn)
    batch.delete_scheduling_policy(arn=policy.arn)

    assert detail == (
        "SchedulingPolicy fair is used by job queue q: replace the queue's policy or delete the "
        "queue first."
    )
    assert [p.name for p in fake.scheduling_policies] == ["other"]


# What the service refuses


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"name": "bad name"}, "SchedulingPolicy name should match valid pattern"),
        ({"name": "x" * 129}, "SchedulingPolicy name should match valid pattern"),
        pytest.param(
            {
                "name": "both",
                "fairsharePolicy": {},
                "quotaSharePolicy": {"idleResourceAssignmentStrategy": "FIFO"},
            },
            "Only one of fairsharePolicy or quotaSharePolicy can be set.",
            marks=QUOTA,
        ),
        (
            {"name": "p", "fairsharePolicy": {"shareDecaySeconds": 604_801}},
            "shareDecaySeconds must be from 0 to 604800, got 604801.",
        ),
        (
            {"name": "p", "fairsharePolicy": {"computeReservation": 100}},
            "computeReservation must be from 0 to 99, got 100.",
        ),
        (
            {"name": "p", "fairsharePolicy": {"computeReservation": -1}},
            "computeReservation must be from 0 to 99, got -1.",
        ),
        (
            {
                "name": "p",
                "fairsharePolicy": {
                    "shareDistribution": [{"shareIdentifier": "a", "weightFactor": 1000.0}]
                },
            },
            "weightFactor must be from 0.0001 to 999.9999, got 1000.0.",
        ),
        (
            {
                "name": "p",
                "fairsharePolicy": {
                    "shareDistribution": [{"shareIdentifier": "a", "weightFactor": 0.00001}]
                },
            },
            "weightFactor must be from 0.0001 to 999.9999, got 1e-05.",
        ),
        (
            {
                "name": "p",
                "fairsharePolicy": {
                    "shareDistribution": [
                        {"shareIdentifier": "UserA*"},
                        {"shareIdentifier": "UserA1"},
                    ]
                },
            },
            "Share identifiers can't overlap: UserA* and UserA1.",
        ),
        (
            {
                "name": "p",
                "fairsharePolicy": {
                    "shareDistribution": [{"shareIdentifier": "b"}, {"shareIdentifier": "b"}]
                },
            },
            "Share identifiers can't overlap: b and b.",
        ),
        (
            {"name": "p", "fairsharePolicy": {"shareDistribution": [{"shareIdentifier": "a*b"}]}},
            "Invalid shareIdentifier: a*b. It takes 1 to 255 characters, optionally followed by "
            "an asterisk (*).",
        ),
        pytest.param(
            {"name": "p", "quotaSharePolicy": {"idleResourceAssignmentStrategy": "LIFO"}},
            "Invalid idleResourceAssignmentStrategy: LIFO. Valid values: FIFO.",
            marks=QUOTA,
        ),
        ({"name": "p", "tags": {"aws:x": "y"}}, "Tag keys starting with aws: are reserved: aws:x"),
    ],
)
def test_create_refuses(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    assert refused(batch.create_scheduling_policy, **params) == detail
    assert fake.scheduling_policies == []


def test_a_name_is_taken_once_per_region(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_scheduling_policy("fair")
    fake.add_scheduling_policy("fair", region="eu-west-1")

    assert refused(batch.create_scheduling_policy, name="fair") == "Object already exists"
    assert len(fake.scheduling_policies) == 2


def test_limits_are_inclusive(fake: FakeBatch, batch: BaseClient) -> None:
    policy = {
        "shareDecaySeconds": 604_800,
        "computeReservation": 99,
        "shareDistribution": [
            {"shareIdentifier": "a" * 255 + "*", "weightFactor": 0.0001},
            {"shareIdentifier": "b", "weightFactor": 999.9999},
        ],
    }

    batch.create_scheduling_policy(name="edge", fairsharePolicy=policy)

    assert fake.scheduling_policies[0].fairshare_policy == policy


# Tags


@BOTH_PATHS
def test_tags_on_a_policy(fake: FakeBatch, client: BaseClient) -> None:
    policy = fake.add_scheduling_policy("fair", tags={"owner": "ml"})

    client.tag_resource(resourceArn=policy.arn, tags={"cost": "1"})
    client.untag_resource(resourceArn=policy.arn, tagKeys=["owner"])

    assert client.list_tags_for_resource(resourceArn=policy.arn)["tags"] == {"cost": "1"}
    [described] = client.describe_scheduling_policies(arns=[policy.arn])["schedulingPolicies"]
    assert described["tags"] == {"cost": "1"}


def test_a_policy_of_another_region_cannot_be_tagged(fake: FakeBatch, batch: BaseClient) -> None:
    away = fake.add_scheduling_policy("away", region="eu-west-1")

    assert refused(batch.tag_resource, resourceArn=away.arn, tags={"a": "b"}) == (
        f"Resource {away.arn} not found."
    )


# Queues


@BOTH_PATHS
def test_a_queue_needs_an_existing_policy(fake: FakeBatch, client: BaseClient) -> None:
    environment = fake.add_compute_environment("ce")
    order = [{"order": 1, "computeEnvironment": environment.arn}]
    policy = fake.add_scheduling_policy("fair")
    away = fake.add_scheduling_policy("away", region="eu-west-1")

    for missing in (f"{ARN}/nope", away.arn):
        with pytest.raises(
            client.exceptions.ClientException, match=f"SchedulingPolicy {missing} not found."
        ):
            client.create_job_queue(
                jobQueueName="q",
                priority=1,
                computeEnvironmentOrder=order,
                schedulingPolicyArn=missing,
            )
    client.create_job_queue(
        jobQueueName="q", priority=1, computeEnvironmentOrder=order, schedulingPolicyArn=policy.arn
    )
    with pytest.raises(
        client.exceptions.ClientException,
        match=re.escape(f"SchedulingPolicy {ARN}/gone not found."),
    ):
        client.update_job_queue(jobQueue="q", schedulingPolicyArn=f"{ARN}/gone")

    [queue] = client.describe_job_queues()["jobQueues"]
    assert queue["schedulingPolicyArn"] == policy.arn


def test_add_queue_needs_an_existing_policy(fake: FakeBatch) -> None:
    with pytest.raises(
        ValueError, match=re.escape(f"invalid job queue: SchedulingPolicy {ARN}/nope not found.")
    ):
        fake.add_queue("q", scheduling_policy_arn=f"{ARN}/nope")
    assert fake.queues == []


# SubmitJob on a fair-share queue


@pytest.fixture
def fair_queue(fake: FakeBatch) -> str:
    policy = fake.add_scheduling_policy("fair", fairshare_policy=FAIRSHARE)
    fake.add_queue("fair", scheduling_policy_arn=policy.arn)
    fake.add_queue("fifo")
    fake.add_job_definition("d")
    fake.add_job_definition("prioritised", scheduling_priority=7)
    return "fair"


@BOTH_PATHS
def test_a_fair_share_queue_needs_a_share_identifier(
    fake: FakeBatch, client: BaseClient, fair_queue: str
) -> None:
    message = bare_message(client.submit_job, jobName="j", jobQueue="fair", jobDefinition="d")

    # Observed, word for word and without the "Error executing request" envelope.
    assert message == "shareIdentifier must be specified."
    assert fake.jobs == []


@BOTH_PATHS
def test_a_fair_share_queue_needs_a_scheduling_priority(
    fake: FakeBatch, client: BaseClient, fair_queue: str
) -> None:
    message = bare_message(
        client.submit_job, jobName="j", jobQueue="fair", jobDefinition="d", shareIdentifier="a"
    )
    from_definition = client.submit_job(
        jobName="j", jobQueue="fair", jobDefinition="prioritised", shareIdentifier="a"
    )
    overridden = client.submit_job(
        jobName="j",
        jobQueue="fair",
        jobDefinition="d",
        shareIdentifier="teamA",
        schedulingPriorityOverride=0,
    )

    assert message == (
        "Either schedulingPriority in job definition or schedulingPriorityOverride is required."
    )
    details = client.describe_jobs(jobs=[from_definition["jobId"], overridden["jobId"]])["jobs"]
    assert [(d["shareIdentifier"], d["schedulingPriority"]) for d in details] == [
        ("a", 7),
        ("teamA", 0),
    ]
    summaries = client.list_jobs(jobQueue="fair", jobStatus="SUBMITTED")["jobSummaryList"]
    assert {s["shareIdentifier"] for s in summaries} == {"a", "teamA"}


def test_a_fifo_queue_refuses_a_share_identifier(
    fake: FakeBatch, batch: BaseClient, fair_queue: str
) -> None:
    detail = refused(
        batch.submit_job, jobName="j", jobQueue="fifo", jobDefinition="d", shareIdentifier="a"
    )
    job = batch.submit_job(
        jobName="j", jobQueue="fifo", jobDefinition="d", schedulingPriorityOverride=3
    )

    assert detail == (
        "shareIdentifier is only allowed for job queues with a scheduling policy; fifo has none."
    )
    # A FIFO queue ignores the priority, but it is kept and shown.
    [described] = batch.describe_jobs(jobs=[job["jobId"]])["jobs"]
    assert described["schedulingPriority"] == 3
    assert "shareIdentifier" not in described


@pytest.mark.parametrize("share", ["", "a" * 256, "a*b"])
def test_an_invalid_share_identifier(
    fake: FakeBatch, batch: BaseClient, fair_queue: str, share: str
) -> None:
    detail = refused(
        batch.submit_job,
        jobName="j",
        jobQueue="fair",
        jobDefinition="prioritised",
        shareIdentifier=share,
    )

    assert detail == f"Invalid shareIdentifier: {share}"


def test_a_quota_share_queue_is_not_a_fair_share_one(fake: FakeBatch, batch: BaseClient) -> None:
    policy = fake.add_scheduling_policy(
        "quota", quota_share_policy={"idleResourceAssignmentStrategy": "FIFO"}
    )
    fake.add_queue("q", scheduling_policy_arn=policy.arn)
    fake.add_job_definition("d")

    job = batch.submit_job(jobName="j", jobQueue="q", jobDefinition="d")

    assert fake.get_job(job["jobId"]).share_identifier is None


# The factory


def test_add_scheduling_policy(fake: FakeBatch, batch: BaseClient) -> None:
    policy = fake.add_scheduling_policy(
        "fair", region="eu-west-1", fairshare_policy=FAIRSHARE, tags={"team": "ml"}
    )

    assert isinstance(policy, SchedulingPolicy)
    assert (policy.name, policy.region) == ("fair", "eu-west-1")
    assert policy.arn == "arn:aws:batch:eu-west-1:123456789012:scheduling-policy/fair"
    assert policy.fairshare_policy == FAIRSHARE
    away = boto3.client("batch", region_name="eu-west-1")
    [described] = away.describe_scheduling_policies(arns=[policy.arn])["schedulingPolicies"]
    assert described["tags"] == {"team": "ml"}
    assert batch.describe_scheduling_policies(arns=[policy.arn])["schedulingPolicies"] == []


def test_the_factory_copies_what_it_is_given(fake: FakeBatch) -> None:
    given = {"shareDistribution": [{"shareIdentifier": "a", "weightFactor": 1.0}]}
    policy = fake.add_scheduling_policy("fair", fairshare_policy=given)

    given["shareDistribution"].append({"shareIdentifier": "b"})

    assert policy.fairshare_policy == {
        "shareDistribution": [{"shareIdentifier": "a", "weightFactor": 1.0}]
    }


@pytest.mark.parametrize(
    ("args", "keywords", "error", "message"),
    [
        ((1,), {}, TypeError, "scheduling policy name must be a string, not 1"),
        (("bad name",), {}, ValueError, "invalid scheduling policy name 'bad name'"),
        (("p",), {"region": "Mars"}, ValueError, "region must be an AWS region name"),
        (("p",), {"fairshare_policy": "fair"}, TypeError, "fairshare_policy must be a mapping"),
        (
            ("p",),
            {"quota_share_policy": ["FIFO"]},
            TypeError,
            "quota_share_policy must be a mapping",
        ),
        (
            ("p",),
            {"fairshare_policy": {"computeReservation": 100}},
            ValueError,
            "invalid scheduling policy 'p': computeReservation must be from 0 to 99, got 100.",
        ),
        (
            ("p",),
            {
                "fairshare_policy": {},
                "quota_share_policy": {"idleResourceAssignmentStrategy": "FIFO"},
            },
            ValueError,
            "invalid scheduling policy 'p': Only one of fairsharePolicy or quotaSharePolicy can be set.",
        ),
        (("p",), {"tags": {"k": 1}}, TypeError, "tags must map strings to strings, not {'k': 1}"),
        (("p",), {"tags": {"aws:k": "v"}}, ValueError, "invalid tags: Tag keys starting with aws:"),
    ],
)
def test_the_factory_refuses_bad_values(
    fake: FakeBatch,
    args: tuple[Any, ...],
    keywords: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        fake.add_scheduling_policy(*args, **keywords)
    assert fake.scheduling_policies == []


def test_the_factory_refuses_a_name_taken(fake: FakeBatch) -> None:
    fake.add_scheduling_policy("fair")

    with pytest.raises(
        ValueError, match="a scheduling policy named 'fair' already exists in us-east-1"
    ):
        fake.add_scheduling_policy("fair")
