"""Quota shares through real clients: CreateQuotaShare, DescribeQuotaShare, ListQuotaShares,
UpdateQuotaShare, DeleteQuotaShare, their tags, and the add_quota_share factory.

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path. The refusals run on the fast path with a boto3
client. The operations came with botocore 1.42.x after the lowest version the project supports:
with an older botocore, its clients have no such methods and these tests are skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
import pytest

from pytest_fakebatch import FakeBatch
from tests.helpers import refused

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

pytestmark = pytest.mark.skipif(
    "CreateQuotaShare"
    not in botocore.session.get_session().get_service_model("batch").operation_names,
    reason="this botocore's Batch model has no quota shares",
)
BOTH_PATHS = pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
ARN = "arn:aws:batch:us-east-1:123456789012"
LIMITS = [{"maxCapacity": 4, "capacityUnit": "ml.g5.xlarge"}]
SHARING = {"strategy": "RESERVE"}
PREEMPTION = {"inSharePreemption": "DISABLED"}
REQUEST = {
    "jobQueue": "training",
    "capacityLimits": LIMITS,
    "resourceSharingConfiguration": SHARING,
    "preemptionConfiguration": PREEMPTION,
}


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=17, wire=getattr(request, "param", False)) as fake:
        fake.add_queue("training")
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def body(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def create(client: BaseClient, name: str = "team-a", **params: Any) -> str:
    request = {"quotaShareName": name, **REQUEST, **params}
    arn: str = client.create_quota_share(**request)["quotaShareArn"]
    return arn


# Create and describe


@BOTH_PATHS
def test_create_then_describe(fake: FakeBatch, client: BaseClient) -> None:
    created = client.create_quota_share(
        quotaShareName="team-a",
        jobQueue=f"{ARN}:job-queue/training",
        capacityLimits=[*LIMITS, {"maxCapacity": 1, "capacityUnit": "ml.m5.large"}],
        resourceSharingConfiguration={"strategy": "LEND_AND_BORROW", "borrowLimit": 200},
        preemptionConfiguration={"inSharePreemption": "ENABLED"},
        tags={"team": "a"},
    )
    described = client.describe_quota_share(quotaShareArn=created["quotaShareArn"])

    arn = f"{ARN}:quota-share/training/team-a"
    assert body(created) == {"quotaShareName": "team-a", "quotaShareArn": arn}
    assert body(described) == {
        "quotaShareName": "team-a",
        "quotaShareArn": arn,
        "jobQueueArn": f"{ARN}:job-queue/training",
        "capacityLimits": [*LIMITS, {"maxCapacity": 1, "capacityUnit": "ml.m5.large"}],
        "resourceSharingConfiguration": {"strategy": "LEND_AND_BORROW", "borrowLimit": 200},
        "preemptionConfiguration": {"inSharePreemption": "ENABLED"},
        "state": "ENABLED",
        "status": "VALID",
        "tags": {"team": "a"},
    }


def test_borrowing_is_unlimited_by_default(batch: BaseClient) -> None:
    arn = create(batch, resourceSharingConfiguration={"strategy": "LEND_AND_BORROW"})

    described = batch.describe_quota_share(quotaShareArn=arn)

    assert described["resourceSharingConfiguration"] == {
        "strategy": "LEND_AND_BORROW",
        "borrowLimit": -1,
    }
    assert "tags" not in described


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"quotaShareName": "taken"}, "Object already exists"),
        ({"quotaShareName": "bad name"}, "QuotaShare name should match valid pattern"),
        ({"jobQueue": "nope"}, "JobQueue nope not found."),
        ({"jobQueue": "ec2"}, "JobQueue ec2 is not a quota management job queue."),
        ({"capacityLimits": []}, "A quota share needs 1 to 5 capacity limits, got 0."),
        (
            {"capacityLimits": [{"maxCapacity": 1, "capacityUnit": f"u{n}"} for n in range(6)]},
            "A quota share needs 1 to 5 capacity limits, got 6.",
        ),
        (
            {"capacityLimits": [*LIMITS, *LIMITS]},
            "Capacity unit ml.g5.xlarge is given more than once.",
        ),
        (
            {"capacityLimits": [{"maxCapacity": 0, "capacityUnit": "u"}]},
            "maxCapacity must be at least 1, got 0.",
        ),
        (
            {"resourceSharingConfiguration": {"strategy": "HOARD"}},
            "Invalid resourceSharingConfiguration strategy: HOARD. Valid values: RESERVE, LEND, "
            "LEND_AND_BORROW.",
        ),
        (
            {"resourceSharingConfiguration": {"strategy": "LEND", "borrowLimit": 10}},
            "borrowLimit applies only to the LEND_AND_BORROW strategy, not LEND.",
        ),
        (
            {"resourceSharingConfiguration": {"strategy": "LEND_AND_BORROW", "borrowLimit": -2}},
            "borrowLimit must be -1 (unlimited) or more, got -2.",
        ),
        (
            {"preemptionConfiguration": {"inSharePreemption": "MAYBE"}},
            "Invalid preemptionConfiguration inSharePreemption: MAYBE. Valid values: ENABLED, "
            "DISABLED.",
        ),
        ({"state": "PAUSED"}, "Invalid state: PAUSED. Valid values: ENABLED, DISABLED."),
        ({"tags": {"aws:x": "y"}}, "Tag keys starting with aws: are reserved: aws:x"),
    ],
)
def test_create_refusals(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    fake.add_compute_environment("ec2-env")
    fake.add_queue("ec2", compute_environments=["ec2-env"])
    fake.add_quota_share("taken", job_queue="training")

    request = {"quotaShareName": "team-b", **REQUEST, **params}
    assert refused(batch.create_quota_share, **request) == detail
    assert [share.name for share in fake.quota_shares] == ["taken"]


def test_up_to_20_shares_a_queue(fake: FakeBatch, batch: BaseClient) -> None:
    for n in range(20):
        fake.add_quota_share(f"s{n}", job_queue="training")

    request = {"quotaShareName": "s20", **REQUEST}
    assert refused(batch.create_quota_share, **request) == (
        "A job queue can have up to 20 quota shares."
    )


def test_the_same_name_in_another_queue(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_queue("other")
    first = create(batch)

    second = create(batch, jobQueue="other")

    assert (first, second) == (
        f"{ARN}:quota-share/training/team-a",
        f"{ARN}:quota-share/other/team-a",
    )


def test_describe_unknown(batch: BaseClient) -> None:
    arn = f"{ARN}:quota-share/training/nope"

    assert refused(batch.describe_quota_share, quotaShareArn=arn) == (
        f"QuotaShare {arn} not found."
    )


# List


@BOTH_PATHS
def test_list_a_queues_shares_and_pages(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_queue("other")
    names = [f"s{n:02}" for n in range(12)]
    for name in names:
        fake.add_quota_share(name, job_queue="training")
    fake.add_quota_share("elsewhere", job_queue="other")

    first = client.list_quota_shares(jobQueue="training", maxResults=5)
    pages = list(
        client.get_paginator("list_quota_shares").paginate(
            jobQueue=f"{ARN}:job-queue/training", PaginationConfig={"PageSize": 5}
        )
    )
    everything = client.list_quota_shares(jobQueue="training")

    assert [share["quotaShareName"] for share in first["quotaShares"]] == names[:5]
    assert [len(page["quotaShares"]) for page in pages] == [5, 5, 2]
    assert [s["quotaShareName"] for page in pages for s in page["quotaShares"]] == names
    assert "nextToken" not in everything
    assert everything["quotaShares"][0] == {
        "quotaShareName": "s00",
        "quotaShareArn": f"{ARN}:quota-share/training/s00",
        "jobQueueArn": f"{ARN}:job-queue/training",
        "capacityLimits": [{"maxCapacity": 1, "capacityUnit": "ml.m5.large"}],
        "resourceSharingConfiguration": {"strategy": "RESERVE"},
        "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
        "state": "ENABLED",
        "status": "VALID",
    }


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"jobQueue": "nope"}, "JobQueue nope not found."),
        ({"jobQueue": "training", "maxResults": 0}, "maxResults must be between 1 and 100, got 0."),
        (
            {"jobQueue": "training", "nextToken": "x"},
            "Invalid nextToken: use the token a previous ListQuotaShares call with the same "
            "parameters returned.",
        ),
    ],
)
def test_list_refusals(batch: BaseClient, params: dict[str, Any], detail: str) -> None:
    assert refused(batch.list_quota_shares, **params) == detail


# Update and delete


@BOTH_PATHS
def test_update_changes_what_it_gives(fake: FakeBatch, client: BaseClient) -> None:
    share = fake.add_quota_share(
        "team-a",
        job_queue="training",
        resource_sharing_configuration={"strategy": "LEND_AND_BORROW", "borrowLimit": 50},
    )

    updated = client.update_quota_share(
        quotaShareArn=share.arn,
        capacityLimits=[{"maxCapacity": 8, "capacityUnit": "ml.p4d.24xlarge"}],
        resourceSharingConfiguration={"strategy": "LEND"},
        state="DISABLED",
    )
    described = client.describe_quota_share(quotaShareArn=share.arn)

    assert body(updated) == {"quotaShareName": "team-a", "quotaShareArn": share.arn}
    assert described["capacityLimits"] == [{"maxCapacity": 8, "capacityUnit": "ml.p4d.24xlarge"}]
    assert described["resourceSharingConfiguration"] == {"strategy": "LEND"}
    assert described["preemptionConfiguration"] == {"inSharePreemption": "DISABLED"}
    assert described["state"] == "DISABLED"
    assert share.state == "ENABLED"  # a snapshot
    assert fake.quota_shares[0].state == "DISABLED"


def test_update_refusals(fake: FakeBatch, batch: BaseClient) -> None:
    share = fake.add_quota_share("team-a", job_queue="training")
    unknown = f"{ARN}:quota-share/training/nope"

    assert refused(batch.update_quota_share, quotaShareArn=unknown, state="DISABLED") == (
        f"QuotaShare {unknown} not found."
    )
    assert refused(batch.update_quota_share, quotaShareArn=share.arn, capacityLimits=[]) == (
        "A quota share needs 1 to 5 capacity limits, got 0."
    )
    assert refused(batch.update_quota_share, quotaShareArn=share.arn, state="OFF") == (
        "Invalid state: OFF. Valid values: ENABLED, DISABLED."
    )
    assert fake.quota_shares[0] == share


@BOTH_PATHS
def test_delete_needs_a_disabled_share(fake: FakeBatch, client: BaseClient) -> None:
    share = fake.add_quota_share("team-a", job_queue="training", tags={"a": "b"})

    with pytest.raises(client.exceptions.ClientException, match="must be DISABLED"):
        client.delete_quota_share(quotaShareArn=share.arn)
    client.update_quota_share(quotaShareArn=share.arn, state="DISABLED")
    deleted = client.delete_quota_share(quotaShareArn=share.arn)

    assert body(deleted) == {}
    assert client.list_quota_shares(jobQueue="training")["quotaShares"] == []
    with pytest.raises(client.exceptions.ClientException, match="not found"):
        client.describe_quota_share(quotaShareArn=share.arn)
    # Created again under the name: a new share, without the old one's tags.
    arn = create(client, "team-a")
    assert arn == share.arn
    assert "tags" not in client.describe_quota_share(quotaShareArn=arn)


def test_shares_go_with_their_queue(fake: FakeBatch, batch: BaseClient) -> None:
    share = fake.add_quota_share("team-a", job_queue="training")
    batch.update_job_queue(jobQueue="training", state="DISABLED")
    batch.delete_job_queue(jobQueue="training")
    fake.add_queue("training")  # the same name, the same ARN: a new queue

    assert batch.list_quota_shares(jobQueue="training")["quotaShares"] == []
    assert refused(batch.describe_quota_share, quotaShareArn=share.arn) == (
        f"QuotaShare {share.arn} not found."
    )
    assert fake.quota_shares == []


# Tags


@BOTH_PATHS
def test_tags_on_a_quota_share(fake: FakeBatch, client: BaseClient) -> None:
    share = fake.add_quota_share("team-a", job_queue="training")

    client.tag_resource(resourceArn=share.arn, tags={"cost": "7"})

    assert client.list_tags_for_resource(resourceArn=share.arn)["tags"] == {"cost": "7"}
    assert client.describe_quota_share(quotaShareArn=share.arn)["tags"] == {"cost": "7"}
    client.untag_resource(resourceArn=share.arn, tagKeys=["cost"])
    assert client.list_tags_for_resource(resourceArn=share.arn)["tags"] == {}


# add_quota_share


def test_add_quota_share_defaults(fake: FakeBatch) -> None:
    share = fake.add_quota_share("team-a", job_queue=f"{ARN}:job-queue/training")

    assert share.arn == f"{ARN}:quota-share/training/team-a"
    assert share.job_queue == f"{ARN}:job-queue/training"
    assert (share.state, share.status, share.region) == ("ENABLED", "VALID", "us-east-1")
    assert dict(share.properties) == {
        "capacityLimits": [{"maxCapacity": 1, "capacityUnit": "ml.m5.large"}],
        "resourceSharingConfiguration": {"strategy": "RESERVE"},
        "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
    }


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"name": None}, TypeError, "quota share name must be a string, not None"),
        ({"name": "a b"}, ValueError, "invalid quota share name 'a b'"),
        ({"job_queue": 1}, TypeError, "job_queue must be a job queue name or ARN, not 1"),
        ({"job_queue": "nope"}, ValueError, "no job queue 'nope' in us-east-1; add it first"),
        ({"state": "OFF"}, ValueError, "state must be 'ENABLED' or 'DISABLED', not 'OFF'"),
        ({"capacity_limits": "ml"}, TypeError, "capacity_limits must be a list of mappings"),
        ({"capacity_limits": [1]}, TypeError, "each of capacity_limits must be a mapping"),
        (
            {"capacity_limits": []},
            ValueError,
            "invalid quota share 'q': A quota share needs 1 to 5 capacity limits, got 0.",
        ),
        (
            {"resource_sharing_configuration": "LEND"},
            TypeError,
            "resource_sharing_configuration must be a mapping",
        ),
        (
            {"resource_sharing_configuration": {"strategy": "LEND", "borrowLimit": 5}},
            ValueError,
            "borrowLimit applies only to the LEND_AND_BORROW strategy",
        ),
        ({"preemption_configuration": None}, TypeError, "preemption_configuration must be"),
        ({"tags": ["a"]}, TypeError, "tags must map strings to strings"),
        ({"name": "taken"}, ValueError, "invalid quota share 'taken': Object already exists"),
    ],
)
def test_add_quota_share_mistakes(
    fake: FakeBatch, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    fake.add_quota_share("taken", job_queue="training")
    arguments: dict[str, Any] = {"name": "q", "job_queue": "training", **kwargs}

    with pytest.raises(error) as raised:
        fake.add_quota_share(**arguments)

    assert message in str(raised.value)
    assert [share.name for share in fake.quota_shares] == ["taken"]
