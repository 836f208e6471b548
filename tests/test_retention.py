"""Retention: finished jobs are forgotten once the fake clock passes their retention, as AWS
Batch forgets them ("persisted in AWS Batch for at least 7 days"); unfinished jobs never are."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch
from tests.job_helpers import describe, exact, listed, register_multinode, rejected, submit

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

T0 = 1_700_000_000_000
TEN_YEARS = 10 * 365 * 24 * 3600


def a_fake(retention: Any) -> FakeBatch:
    fake = FakeBatch(seed=34, retention=retention)
    fake.add_queue("q")
    fake.add_job_definition("d")
    fake.clock.set(T0)
    return fake


@pytest.fixture
def fake() -> Iterator[FakeBatch]:
    """Finished jobs are kept for 60 seconds of fake time."""
    with a_fake(60) as fake:
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def visible(batch: BaseClient, fake: FakeBatch, job_id: str, status: str = "SUCCEEDED") -> bool:
    """Whether the job is there, checking that every way of looking agrees."""
    described = [job["jobId"] for job in batch.describe_jobs(jobs=[job_id])["jobs"]]
    in_listing = job_id in listed(batch, "q", status)
    in_jobs = job_id in [job.job_id for job in fake.jobs]
    if in_jobs:
        got = fake.get_job(job_id).job_id == job_id
    else:
        with pytest.raises(ValueError, match=exact(f"the fake has no job with id {job_id!r}")):
            fake.get_job(job_id)
        got = False
    assert (described == [job_id]) == in_listing == in_jobs == got, (
        described,
        in_listing,
        in_jobs,
        got,
    )
    return got


def test_a_finished_job_is_forgotten_after_its_retention(
    batch: BaseClient, fake: FakeBatch
) -> None:
    job_id = submit(batch)
    fake.complete(job_id)

    fake.clock.advance(60)  # "at least" the retention: still there at exactly its end
    kept = visible(batch, fake, job_id)
    fake.clock.advance(0.001)

    assert kept
    assert not visible(batch, fake, job_id)


@pytest.mark.parametrize("how", ["complete", "fail", "cancel", "terminate", "dependency"])
def test_however_it_finished(batch: BaseClient, fake: FakeBatch, how: str) -> None:
    upstream = submit(batch, "upstream")
    job_id = submit(batch, dependsOn=[{"jobId": upstream}])
    fake.advance(job_id)
    if how == "complete":
        fake.complete(upstream)
        fake.complete(job_id)
    elif how == "fail":
        fake.set_status(job_id, "FAILED", exit_code=2)
    elif how == "cancel":
        fake.complete(upstream)
        batch.cancel_job(jobId=job_id, reason="no")
    elif how == "terminate":
        batch.terminate_job(jobId=job_id, reason="no")
    else:
        fake.complete(upstream, exit_code=1)
        fake.advance(job_id)
    status = describe(batch, job_id)["status"]
    assert status in ("SUCCEEDED", "FAILED")

    fake.clock.advance(59)
    kept = visible(batch, fake, job_id, status)
    fake.clock.advance(2)

    assert kept
    assert not visible(batch, fake, job_id, status)


def test_retention_counts_from_when_the_job_finished(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    fake.set_status(job_id, "RUNNING")
    fake.clock.advance(3600)
    fake.complete(job_id)

    fake.clock.advance(60)  # "at least" the retention: still there at exactly its end
    kept = visible(batch, fake, job_id)
    fake.clock.advance(0.001)

    assert kept
    assert not visible(batch, fake, job_id)


def test_a_seeded_job_counts_from_its_seeding(batch: BaseClient, fake: FakeBatch) -> None:
    old = fake.add_job("q", status="SUCCEEDED", created_at=T0 - 2000, stopped_at=T0 - 1000)

    fake.clock.advance(59)
    kept = visible(batch, fake, old.job_id)
    fake.clock.advance(2)

    assert kept
    assert not visible(batch, fake, old.job_id)


def test_a_stopped_at_later_than_the_clock_counts(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    fake.clock.set(T0 + 100_000)
    fake.set_status(job_id, "RUNNING")
    fake.clock.set(T0)
    stopped_at = fake.complete(job_id).stopped_at
    assert stopped_at == T0 + 100_000  # never before it started

    fake.clock.set(T0 + 159_000)
    kept = visible(batch, fake, job_id)
    fake.clock.set(T0 + 161_000)

    assert kept
    assert not visible(batch, fake, job_id)


@pytest.mark.parametrize("status", ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"])
def test_unfinished_jobs_are_never_forgotten(
    batch: BaseClient, fake: FakeBatch, status: Any
) -> None:
    job = fake.add_job("q", status=status)

    fake.clock.advance(TEN_YEARS)

    assert visible(batch, fake, job.job_id, status)


def test_array_children_go_with_their_parent(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 3})
    fake.complete(f"{parent_id}:0")
    fake.clock.advance(120)
    # A finished child of an unfinished parent stays.
    child_kept = [job["jobId"] for job in batch.describe_jobs(jobs=[f"{parent_id}:0"])["jobs"]]
    fake.complete(parent_id)
    fake.clock.advance(59)
    ids = [parent_id, *(f"{parent_id}:{i}" for i in range(3))]
    described_at_59 = [job["jobId"] for job in batch.describe_jobs(jobs=ids)["jobs"]]

    fake.clock.advance(2)

    assert child_kept == [f"{parent_id}:0"]
    assert described_at_59 == ids
    assert batch.describe_jobs(jobs=ids)["jobs"] == []
    assert [job.job_id for job in fake.jobs] == []
    assert listed(batch, "q", "SUCCEEDED") == []
    assert rejected(batch, batch.list_jobs, arrayJobId=parent_id) == (
        f"No array job found with id {parent_id}."
    )


def test_nodes_go_with_their_multinode_job(batch: BaseClient, fake: FakeBatch) -> None:
    register_multinode(batch, "mnp", 2)
    job_id = submit(batch, definition="mnp")
    fake.complete(job_id)

    fake.clock.advance(61)

    assert batch.describe_jobs(jobs=[job_id, f"{job_id}#0", f"{job_id}#1"])["jobs"] == []
    assert fake.jobs == []


def test_the_tags_of_a_forgotten_job_go_too(batch: BaseClient, fake: FakeBatch) -> None:
    response = batch.submit_job(jobName="j", jobQueue="q", jobDefinition="d", tags={"a": "b"})
    fake.complete(response["jobId"])

    fake.clock.advance(61)

    detail = rejected(batch, batch.list_tags_for_resource, resourceArn=response["jobArn"])
    assert detail == f"Resource {response['jobArn']} not found."


def test_a_forgotten_dependency_holds_nothing_up(batch: BaseClient, fake: FakeBatch) -> None:
    upstream = submit(batch, "upstream")
    job_id = submit(batch, dependsOn=[{"jobId": upstream}])
    fake.advance(job_id)
    fake.complete(upstream)
    fake.clock.advance(61)

    # Chosen: the dependency has gone; the dependent job is free to run.
    assert [job.status for job in fake.advance(job_id)] == ["RUNNABLE"]
    assert describe(batch, job_id)["dependsOn"] == [{"jobId": upstream}]


def test_a_listing_walk_survives_jobs_being_forgotten(batch: BaseClient, fake: FakeBatch) -> None:
    old = [job.job_id for job in fake.add_jobs(6, "q", status="SUCCEEDED")]
    fake.clock.advance(30)
    new = [job.job_id for job in fake.add_jobs(6, "q", status="SUCCEEDED")]

    first = batch.list_jobs(jobQueue="q", jobStatus="SUCCEEDED", maxResults=4)
    fake.clock.advance(31)  # the six old jobs go
    rest = batch.list_jobs(
        jobQueue="q", jobStatus="SUCCEEDED", maxResults=100, nextToken=first["nextToken"]
    )

    seen = [s["jobId"] for page in (first, rest) for s in page["jobSummaryList"]]
    assert seen == new[::-1]
    assert not set(seen) & set(old)


def test_no_retention_keeps_jobs_for_ever() -> None:
    with a_fake(None) as fake:
        batch = boto3.client("batch", region_name=fake.region)
        job_id = submit(batch)
        fake.complete(job_id)

        fake.clock.advance(TEN_YEARS)

        assert visible(batch, fake, job_id)


@pytest.mark.parametrize("retention", [timedelta(minutes=1), 60, 60.0])
def test_retention_as_timedelta_or_seconds(retention: Any) -> None:
    with a_fake(retention) as fake:
        batch = boto3.client("batch", region_name=fake.region)
        job_id = submit(batch)
        fake.complete(job_id)

        fake.clock.advance(59.9)
        kept = visible(batch, fake, job_id)
        fake.clock.advance(0.2)

        assert kept
        assert not visible(batch, fake, job_id)


def test_zero_retention_forgets_as_soon_as_the_clock_moves() -> None:
    with a_fake(0) as fake:
        batch = boto3.client("batch", region_name=fake.region)
        job_id = submit(batch)

        fake.complete(job_id)
        kept = batch.describe_jobs(jobs=[job_id])["jobs"]
        fake.clock.advance(0.001)

        assert [job["status"] for job in kept] == ["SUCCEEDED"]
        assert batch.describe_jobs(jobs=[job_id])["jobs"] == []


def test_the_default_is_seven_days() -> None:
    with FakeBatch(seed=34) as fake:
        fake.add_queue("q")
        fake.add_job_definition("d")
        fake.clock.set(T0)
        batch = boto3.client("batch", region_name=fake.region)
        job_id = submit(batch)
        fake.complete(job_id)

        fake.clock.advance(7 * 24 * 3600 - 1)
        kept = visible(batch, fake, job_id)
        fake.clock.advance(2)

        assert kept
        assert not visible(batch, fake, job_id)


@pytest.mark.fake_batch(retention=60)
def test_the_marker_takes_retention(fake_batch: FakeBatch, batch_client: BaseClient) -> None:
    job = fake_batch.add_job("q", status="SUCCEEDED")

    fake_batch.clock.advance(61)

    assert batch_client.describe_jobs(jobs=[job.job_id])["jobs"] == []


@pytest.mark.parametrize(
    ("retention", "error", "message"),
    [
        ("60", TypeError, "retention must be a timedelta, a number of seconds or None, not '60'"),
        (True, TypeError, "retention must be a timedelta, a number of seconds or None, not True"),
        ([60], TypeError, "retention must be a timedelta, a number of seconds or None, not [60]"),
        (-1, ValueError, "retention must be finite seconds, 0 or more, not -1"),
        (
            timedelta(seconds=-1),
            ValueError,
            "retention must be finite seconds, 0 or more, not datetime.timedelta(days=-1, seconds=86399)",
        ),
        (float("nan"), ValueError, "retention must be finite seconds, 0 or more, not nan"),
        (float("inf"), ValueError, "retention must be finite seconds, 0 or more, not inf"),
    ],
)
def test_bad_retention(retention: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as raised:
        FakeBatch(retention=retention)

    assert str(raised.value) == message
