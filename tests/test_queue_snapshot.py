"""GetJobQueueSnapshot through real clients: the front of a FIFO and a fair-share queue, and the
capacity the queue's dispatched jobs use.

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch
from tests.helpers import refused

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

BOTH_PATHS = pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
T0 = 1_700_000_000_000


def container(vcpus: str) -> dict[str, Any]:
    return {
        "image": "busybox",
        "resourceRequirements": [
            {"type": "VCPU", "value": vcpus},
            {"type": "MEMORY", "value": "512"},
        ],
    }


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=24, wire=getattr(request, "param", False)) as fake:
        fake.clock.set(T0)
        fake.add_job_definition("d", container_properties=container("2"))
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def front(client: BaseClient, queue: str) -> list[str]:
    snapshot = client.get_job_queue_snapshot(jobQueue=queue)
    return [job["jobArn"] for job in snapshot["frontOfQueue"]["jobs"]]


@BOTH_PATHS
def test_fifo_front_is_runnable_jobs_oldest_first(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_queue("q")
    old = fake.add_job("q", status="RUNNABLE", job_definition="d", created_at=T0 - 3000)
    new = fake.add_job("q", status="RUNNABLE", job_definition="d", created_at=T0 - 1000)
    fake.add_job("q", status="SUBMITTED", job_definition="d")
    fake.add_job("q", status="RUNNING", job_definition="d")
    parent = fake.add_array_job(
        "q",
        size=3,
        job_definition="d",
        child_statuses=["RUNNABLE", "RUNNING", "RUNNABLE"],
        created_at=T0 - 2000,
    )

    snapshot = client.get_job_queue_snapshot(jobQueue="q")

    assert snapshot["frontOfQueue"] == {
        "jobs": [
            {"jobArn": old.job_arn},
            {"jobArn": f"{parent.job_arn}:0"},
            {"jobArn": f"{parent.job_arn}:2"},
            {"jobArn": new.job_arn},
        ],
        "lastUpdatedAt": T0,
    }
    # Two dispatched jobs of 2 vCPUs each: the RUNNING job and the RUNNING child.
    assert snapshot["queueUtilization"] == {
        "totalCapacityUsage": [{"capacityUnit": "VCPU", "quantity": 4.0}],
        "lastUpdatedAt": T0,
    }


def test_the_front_holds_at_most_100_jobs(fake: FakeBatch, batch: BaseClient) -> None:
    jobs = fake.add_jobs(120, "q", status="RUNNABLE")

    assert front(batch, "q") == [job.job_arn for job in jobs[:100]]


def test_an_empty_queue(fake: FakeBatch, batch: BaseClient) -> None:
    queue = fake.add_queue("q")

    snapshot = batch.get_job_queue_snapshot(jobQueue=queue.arn)

    assert snapshot["frontOfQueue"] == {"jobs": [], "lastUpdatedAt": T0}
    assert snapshot["queueUtilization"]["totalCapacityUsage"] == [
        {"capacityUnit": "VCPU", "quantity": 0.0}
    ]


def test_the_front_follows_the_jobs(fake: FakeBatch, batch: BaseClient) -> None:
    first, second = fake.add_jobs(2, "q", status="RUNNABLE", job_definition="d")

    fake.advance(first.job_id)  # dispatched: STARTING
    fake.clock.advance(1)

    snapshot = batch.get_job_queue_snapshot(jobQueue="q")
    assert [job["jobArn"] for job in snapshot["frontOfQueue"]["jobs"]] == [second.job_arn]
    assert snapshot["queueUtilization"]["totalCapacityUsage"] == [
        {"capacityUnit": "VCPU", "quantity": 2.0}
    ]
    assert snapshot["queueUtilization"]["lastUpdatedAt"] == T0 + 1000


def test_vcpus_of_each_kind_of_job(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_job_definition(
        "legacy", container_properties={"image": "x", "vcpus": 3, "memory": 512}
    )
    fake.add_job_definition(
        "mnp",
        type="multinode",
        node_properties={
            "numNodes": 3,
            "mainNode": 0,
            "nodeRangeProperties": [
                {"targetNodes": "0", "container": container("4")},
                {"targetNodes": "1:", "container": container("1")},
            ],
        },
    )
    fake.add_job("q", status="RUNNING", job_definition="legacy")
    fake.add_multinode_job("q", num_nodes=3, job_definition="mnp", status="STARTING")
    batch.submit_job(
        jobName="j",
        jobQueue="q",
        jobDefinition="d",
        containerOverrides={"resourceRequirements": [{"type": "VCPU", "value": "8"}]},
    )
    [submitted] = [job for job in fake.jobs if job.job_name == "j"]
    fake.set_status(submitted.job_id, "RUNNING")

    usage = batch.get_job_queue_snapshot(jobQueue="q")["queueUtilization"]["totalCapacityUsage"]

    # 3 (vcpus) + 4 + 2 * 1 (nodes) + 8 (the override)
    assert usage == [{"capacityUnit": "VCPU", "quantity": 17.0}]


@BOTH_PATHS
def test_fair_share_front_by_share_usage_and_priority(fake: FakeBatch, client: BaseClient) -> None:
    policy = fake.add_scheduling_policy(
        "fair",
        fairshare_policy={"shareDistribution": [{"shareIdentifier": "heavy", "weightFactor": 2.0}]},
    )
    fake.add_queue("fair", scheduling_policy_arn=policy.arn)
    fake.add_job("fair", status="RUNNING", job_definition="d", share_identifier="busy")
    jobs: dict[str, str] = {}
    for name, share, priority in [
        ("busy-1", "busy", 1),
        ("idle-low", "idle", 1),
        ("idle-high", "idle", 9),
        ("heavy-1", "heavy", 5),
    ]:
        fake.clock.advance(1)
        response = client.submit_job(
            jobName=name,
            jobQueue="fair",
            jobDefinition="d",
            shareIdentifier=share,
            schedulingPriorityOverride=priority,
        )
        fake.set_status(response["jobId"], "RUNNABLE")
        jobs[name] = response["jobArn"]

    snapshot = client.get_job_queue_snapshot(jobQueue="fair")

    # Usage before: busy 2 vCPUs, the others 0. Each turn, the share with the lowest usage times
    # its weight dispatches its next job (highest priority first), which adds its 2 vCPUs; on a
    # tie, the share whose next job is older goes first:
    # idle 0 and heavy 0 tie, idle-high is older than heavy-1 -> idle-high (idle now 2);
    # heavy 0 -> heavy-1 (heavy now 2 * 2.0 = 4); busy 2 and idle 2 tie, busy-1 is older than
    # idle-low -> busy-1; then idle-low.
    assert [job["jobArn"] for job in snapshot["frontOfQueue"]["jobs"]] == [
        jobs["idle-high"],
        jobs["heavy-1"],
        jobs["busy-1"],
        jobs["idle-low"],
    ]
    assert snapshot["queueUtilization"]["fairshareUtilization"] == {
        "activeShareCount": 1,
        "topCapacityUtilization": [
            {
                "shareIdentifier": "busy",
                "capacityUsage": [{"capacityUnit": "VCPU", "quantity": 2.0}],
            }
        ],
    }
    assert snapshot["queueUtilization"]["totalCapacityUsage"] == [
        {"capacityUnit": "VCPU", "quantity": 2.0}
    ]


def test_top_shares_by_usage(fake: FakeBatch, batch: BaseClient) -> None:
    policy = fake.add_scheduling_policy("fair")
    fake.add_queue("fair", scheduling_policy_arn=policy.arn)
    for share, count in [("a", 1), ("b", 3), ("c", 2)]:
        fake.add_jobs(count, "fair", status="RUNNING", job_definition="d", share_identifier=share)
    for number in range(25):
        fake.add_job(
            "fair", status="STARTING", job_definition="d", share_identifier=f"s{number:02}"
        )

    utilization = batch.get_job_queue_snapshot(jobQueue="fair")["queueUtilization"]

    shares = utilization["fairshareUtilization"]
    assert shares["activeShareCount"] == 28
    top = [
        (u["shareIdentifier"], u["capacityUsage"][0]["quantity"])
        for u in shares["topCapacityUtilization"]
    ]
    assert top[:4] == [("b", 6.0), ("c", 4.0), ("a", 2.0), ("s00", 2.0)]
    assert len(top) == 20
    assert utilization["totalCapacityUsage"] == [{"capacityUnit": "VCPU", "quantity": 62.0}]


@BOTH_PATHS
def test_an_unknown_queue(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_queue("away", region="eu-west-1")

    for reference in ("nope", "away"):
        with pytest.raises(
            client.exceptions.ClientException, match=f"JobQueue {reference} not found."
        ):
            client.get_job_queue_snapshot(jobQueue=reference)


def test_the_snapshot_is_logged(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_queue("q")

    assert refused(batch.get_job_queue_snapshot, jobQueue="") == "JobQueue  not found."
    batch.get_job_queue_snapshot(jobQueue="q")

    assert [call.operation for call in fake.calls] == ["GetJobQueueSnapshot"] * 2


def test_a_large_array_fills_the_front_in_index_order(fake: FakeBatch, batch: BaseClient) -> None:
    parent = fake.add_array_job("q", size=150, child_statuses="RUNNABLE", created_at=T0 - 10)
    later = fake.add_jobs(5, "q", status="RUNNABLE")

    arns = front(batch, "q")

    assert arns == [f"{parent.job_arn}:{index}" for index in range(100)]
    assert not set(arns) & {job.job_arn for job in later}
