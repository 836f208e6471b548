"""CancelJob and TerminateJob: what each does to a job in each state, to array jobs, multi-node
jobs and jobs waiting on dependencies, and which requests they refuse."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest

from pytest_fakebatch import FakeBatch
from pytest_fakebatch._lifecycle import DEPENDENCY_FAILED
from tests.job_helpers import describe, listed, register, register_multinode, rejected, submit

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

    from pytest_fakebatch.models import JobStatus

T0 = 1_700_000_000_000
UNSTARTED: list[JobStatus] = ["SUBMITTED", "PENDING", "RUNNABLE"]


@pytest.fixture
def fake() -> Iterator[FakeBatch]:
    with FakeBatch(seed=13) as fake:
        fake.add_queue("q")
        fake.add_job_definition("d")
        fake.clock.set(T0)
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def job_in(batch: BaseClient, fake: FakeBatch, status: JobStatus) -> str:
    """A submitted job moved to ``status`` (PENDING: waiting on a job that succeeded, so it is
    not held back by its dependency)."""
    if status == "PENDING":
        upstream = submit(batch, "upstream")
        job_id = submit(batch, dependsOn=[{"jobId": upstream}])
        fake.advance(job_id)
        fake.complete(upstream)
    else:
        job_id = submit(batch)
        if status != "SUBMITTED":
            fake.set_status(job_id, status)
    assert fake.get_job(job_id).status == status
    return job_id


# CancelJob


@pytest.mark.parametrize("status", UNSTARTED)
def test_cancel_fails_a_job_that_has_not_started(
    batch: BaseClient, fake: FakeBatch, status: JobStatus
) -> None:
    job_id = job_in(batch, fake, status)
    fake.clock.advance(2)

    response = batch.cancel_job(jobId=job_id, reason="Superseded by a newer run")

    assert set(response) == {"ResponseMetadata"}
    detail = describe(batch, job_id)
    assert detail["status"] == "FAILED"
    assert detail["statusReason"] == "Superseded by a newer run"
    assert detail["isCancelled"] is True
    assert "isTerminated" not in detail
    assert detail["stoppedAt"] == T0 + 2000
    for absent in ("startedAt",):
        assert absent not in detail
    assert detail["attempts"] == []  # observed: [] until an attempt ended
    assert job_id in listed(batch, "q", "FAILED")
    assert job_id not in listed(batch, "q", status)


@pytest.mark.parametrize("status", ["STARTING", "RUNNING", "SUCCEEDED", "FAILED"])
def test_cancel_leaves_a_started_or_finished_job_alone(
    batch: BaseClient, fake: FakeBatch, status: JobStatus
) -> None:
    job_id = job_in(batch, fake, status)
    before = describe(batch, job_id)
    fake.clock.advance(2)

    response = batch.cancel_job(jobId=job_id, reason="too late")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert describe(batch, job_id) == before


def test_cancel_a_pending_job_waits_for_its_dependencies(
    batch: BaseClient, fake: FakeBatch
) -> None:
    upstream = submit(batch, "upstream")
    job_id = submit(batch, dependsOn=[{"jobId": upstream}])
    fake.advance(job_id)

    batch.cancel_job(jobId=job_id, reason="changed my mind")

    # "A PENDING job is canceled after all dependency jobs are completed."
    waiting = describe(batch, job_id)
    assert (waiting["status"], waiting["isCancelled"]) == ("PENDING", True)
    assert waiting["statusReason"] == "changed my mind"
    assert listed(batch, "q", "PENDING") == [job_id]
    with pytest.raises(ValueError, match="was cancelled while PENDING"):
        fake.complete(job_id)

    fake.complete(upstream)
    fake.clock.advance(1)
    moved = fake.advance()

    assert [job.job_id for job in moved] == [job_id]
    detail = describe(batch, job_id)
    assert (detail["status"], detail["statusReason"]) == ("FAILED", "changed my mind")
    assert detail["stoppedAt"] == T0 + 1000
    assert "startedAt" not in detail
    assert listed(batch, "q", "PENDING") == []


def test_a_cancelled_pending_job_never_runs(batch: BaseClient, fake: FakeBatch) -> None:
    upstream = submit(batch, "upstream")
    job_id = submit(batch, dependsOn=[{"jobId": upstream}])
    fake.advance(job_id)
    batch.cancel_job(jobId=job_id, reason="changed my mind")
    fake.complete(upstream)

    # Its dependency finished: the scheduler's next look cancels it, whatever the test asks.
    with pytest.raises(ValueError, match="was cancelled"):
        fake.complete(job_id)
    fake.run_all()

    detail = describe(batch, job_id)
    assert (detail["status"], detail["statusReason"]) == ("FAILED", "changed my mind")
    assert detail["attempts"] == []


def test_a_cancelled_pending_job_whose_dependency_fails(batch: BaseClient, fake: FakeBatch) -> None:
    upstream = submit(batch, "upstream")
    job_id = submit(batch, dependsOn=[{"jobId": upstream}])
    fake.advance(job_id)
    batch.cancel_job(jobId=job_id, reason="changed my mind")

    fake.complete(upstream, exit_code=1)
    fake.advance()

    detail = describe(batch, job_id)
    assert (detail["status"], detail["statusReason"]) == ("FAILED", "changed my mind")
    assert detail["isCancelled"] is True


def test_cancelling_a_dependency_fails_its_dependents(batch: BaseClient, fake: FakeBatch) -> None:
    upstream = submit(batch, "upstream")
    job_id = submit(batch, dependsOn=[{"jobId": upstream}])
    fake.advance(job_id)

    batch.cancel_job(jobId=upstream, reason="not needed")
    fake.advance()

    detail = describe(batch, job_id)
    assert (detail["status"], detail["statusReason"]) == ("FAILED", DEPENDENCY_FAILED)
    assert "isCancelled" not in detail


def test_cancel_an_array_job_cancels_every_child(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 3})

    batch.cancel_job(jobId=parent_id, reason="stop them all")

    parent = describe(batch, parent_id)
    children = batch.describe_jobs(jobs=[f"{parent_id}:{i}" for i in range(3)])["jobs"]
    assert (parent["status"], parent["isCancelled"]) == ("FAILED", True)
    assert parent["arrayProperties"]["statusSummary"]["FAILED"] == 3
    assert [(c["status"], c["statusReason"], c["isCancelled"]) for c in children] == [
        ("FAILED", "stop them all", True)
    ] * 3


def test_cancel_an_array_job_leaves_running_children(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 3})
    fake.set_status(f"{parent_id}:1", "RUNNING")

    batch.cancel_job(jobId=parent_id, reason="stop")

    assert [child.status for child in fake.get_job(parent_id).children] == [
        "FAILED",
        "RUNNING",
        "FAILED",
    ]
    # "The array parent job is canceled when all child jobs are completed."
    assert describe(batch, parent_id)["status"] == "PENDING"
    fake.complete(f"{parent_id}:1")
    assert describe(batch, parent_id)["status"] == "FAILED"


def test_cancel_an_array_job_whose_children_all_started_changes_nothing(
    batch: BaseClient, fake: FakeBatch
) -> None:
    parent_id = submit(batch, arrayProperties={"size": 2})
    for child in range(2):
        fake.set_status(f"{parent_id}:{child}", "RUNNING")

    batch.cancel_job(jobId=parent_id, reason="stop")
    fake.complete(parent_id)

    detail = describe(batch, parent_id)
    assert detail["status"] == "SUCCEEDED"
    assert "isCancelled" not in detail
    assert "statusReason" not in detail


def test_a_second_cancel_that_cancels_no_child_leaves_the_parent_as_it_was(
    batch: BaseClient, fake: FakeBatch
) -> None:
    parent_id = submit(batch, arrayProperties={"size": 2})
    batch.cancel_job(jobId=f"{parent_id}:0", reason="first")
    fake.set_status(f"{parent_id}:1", "STARTING")

    batch.cancel_job(jobId=parent_id, reason="second")
    fake.complete(f"{parent_id}:1")

    detail = describe(batch, parent_id)
    assert detail["status"] == "FAILED"  # child 0 failed
    assert "isCancelled" not in detail
    assert "statusReason" not in detail


def test_cancel_an_array_job_waiting_on_a_dependency(batch: BaseClient, fake: FakeBatch) -> None:
    upstream = submit(batch, "upstream")
    parent_id = submit(batch, arrayProperties={"size": 2}, dependsOn=[{"jobId": upstream}])
    fake.advance(parent_id)

    batch.cancel_job(jobId=parent_id, reason="stop")

    # Every child is PENDING on the dependency: each is cancelled once it completes.
    waiting = describe(batch, parent_id)
    assert (waiting["status"], waiting["isCancelled"]) == ("PENDING", True)
    assert [(c.status, c.is_cancelled) for c in fake.get_job(parent_id).children] == [
        ("PENDING", True)
    ] * 2

    fake.complete(upstream)
    fake.advance()

    assert [(c.status, c.status_reason) for c in fake.get_job(parent_id).children] == [
        ("FAILED", "stop")
    ] * 2
    assert describe(batch, parent_id)["status"] == "FAILED"


def test_cancel_one_array_child(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 2})

    batch.cancel_job(jobId=f"{parent_id}:0", reason="just this one")

    assert [child.status for child in fake.get_job(parent_id).children] == ["FAILED", "SUBMITTED"]
    summary = describe(batch, parent_id)["arrayProperties"]["statusSummary"]
    assert (summary["FAILED"], summary["SUBMITTED"]) == (1, 1)
    assert describe(batch, parent_id)["status"] == "PENDING"
    assert "isCancelled" not in describe(batch, parent_id)


def test_cancel_a_finished_array_job_changes_nothing(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 2})
    fake.complete(parent_id)
    before = describe(batch, parent_id)

    batch.cancel_job(jobId=parent_id, reason="too late")
    batch.terminate_job(jobId=parent_id, reason="too late")

    assert describe(batch, parent_id) == before


# TerminateJob


@pytest.mark.parametrize("status", ["STARTING", "RUNNING"])
def test_terminate_stops_a_started_job(
    batch: BaseClient, fake: FakeBatch, status: JobStatus
) -> None:
    register(batch, "d", retryStrategy={"attempts": 3})
    job_id = job_in(batch, fake, status)
    fake.clock.advance(5)

    batch.terminate_job(jobId=job_id, reason="Terminated by the operator")

    detail = describe(batch, job_id)
    assert detail["status"] == "FAILED"
    assert detail["statusReason"] == "Terminated by the operator"
    assert detail["isTerminated"] is True
    assert "isCancelled" not in detail
    assert detail["stoppedAt"] == T0 + 5000
    if status == "RUNNING":
        # The attempt ended, and TerminateJob does not retry it.
        assert len(detail["attempts"]) == 1
        assert detail["attempts"][0]["statusReason"] == "Terminated by the operator"
        assert detail["attempts"][0]["stoppedAt"] == T0 + 5000
        assert detail["startedAt"] == detail["attempts"][0]["startedAt"] == T0
        assert "logStreamName" in detail["attempts"][0]["container"]
    else:
        # Not yet RUNNING: no container ran, so no attempt (as for set_status(FAILED)).
        assert "startedAt" not in detail
        assert detail["attempts"] == []


@pytest.mark.parametrize("status", UNSTARTED)
def test_terminate_cancels_a_job_that_has_not_started(
    batch: BaseClient, fake: FakeBatch, status: JobStatus
) -> None:
    job_id = job_in(batch, fake, status)

    batch.terminate_job(jobId=job_id, reason="stop")

    detail = describe(batch, job_id)
    assert (detail["status"], detail["statusReason"], detail["isTerminated"]) == (
        "FAILED",
        "stop",
        True,
    )
    for absent in ("startedAt",):
        assert absent not in detail
    assert detail["attempts"] == []  # observed: [] until an attempt ended


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED"])
def test_terminate_leaves_a_finished_job_alone(
    batch: BaseClient, fake: FakeBatch, status: JobStatus
) -> None:
    job_id = job_in(batch, fake, status)
    before = describe(batch, job_id)

    batch.terminate_job(jobId=job_id, reason="too late")

    assert describe(batch, job_id) == before
    assert "isTerminated" not in before


def test_terminate_an_array_job_stops_every_child(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 3})
    fake.set_status(f"{parent_id}:0", "RUNNING")
    fake.set_status(f"{parent_id}:1", "SUCCEEDED")

    batch.terminate_job(jobId=parent_id, reason="stop")

    children = fake.get_job(parent_id).children
    assert [(child.status, child.is_terminated) for child in children] == [
        ("FAILED", True),
        ("SUCCEEDED", False),
        ("FAILED", True),
    ]
    parent = describe(batch, parent_id)
    assert (parent["status"], parent["isTerminated"]) == ("FAILED", True)


def test_terminate_a_multinode_job_stops_its_nodes(batch: BaseClient, fake: FakeBatch) -> None:
    register_multinode(batch, "mnp", 2)
    job_id = submit(batch, definition="mnp")
    fake.set_status(job_id, "RUNNING")

    batch.terminate_job(jobId=job_id, reason="stop")

    details = batch.describe_jobs(jobs=[job_id, f"{job_id}#0", f"{job_id}#1"])["jobs"]
    assert [(d["status"], d["statusReason"], d["isTerminated"]) for d in details] == [
        ("FAILED", "stop", True)
    ] * 3


@pytest.mark.parametrize("operation", ["cancel_job", "terminate_job"])
def test_a_node_is_stopped_with_its_multinode_job(
    batch: BaseClient, fake: FakeBatch, operation: str
) -> None:
    register_multinode(batch, "mnp", 3)
    job_id = submit(batch, definition="mnp")

    getattr(batch, operation)(jobId=f"{job_id}#1", reason="stop")

    job = fake.get_job(job_id)
    assert [job.status, *(node.status for node in job.nodes)] == ["FAILED"] * 4
    assert {describe(batch, node.job_id)["statusReason"] for node in job.nodes} == {"stop"}


# What both refuse


@pytest.mark.parametrize("operation", ["cancel_job", "terminate_job"])
def test_unknown_job(batch: BaseClient, fake: FakeBatch, operation: str) -> None:
    away = fake.add_job("q", region="eu-west-1", status="RUNNABLE")

    # Observed: HTTP 200 with an empty body (aws/aws-cli#2551); nothing changes.
    for job_id in ("no-such-job", away.job_id, away.job_arn):
        response = getattr(batch, operation)(jobId=job_id, reason="stop")
        assert set(response) == {"ResponseMetadata"}
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert fake.get_job(away.job_id).status == "RUNNABLE"


@pytest.mark.parametrize("operation", ["cancel_job", "terminate_job"])
@pytest.mark.parametrize(("job_id", "reason"), [("", "stop"), ("JOB", "")])
def test_empty_id_or_reason(
    batch: BaseClient, fake: FakeBatch, operation: str, job_id: str, reason: str
) -> None:
    job = fake.add_job("q", status="RUNNABLE")

    detail = rejected(
        batch, getattr(batch, operation), jobId=job_id.replace("JOB", job.job_id), reason=reason
    )

    assert detail == "jobId and reason must not be empty."
    assert fake.get_job(job.job_id).status == "RUNNABLE"


@pytest.mark.parametrize("operation", ["cancel_job", "terminate_job"])
def test_reason_up_to_1024_characters(batch: BaseClient, fake: FakeBatch, operation: str) -> None:
    kept, failed = fake.add_jobs(2, "q", status="RUNNABLE")

    detail = rejected(batch, getattr(batch, operation), jobId=kept.job_id, reason="x" * 1025)
    getattr(batch, operation)(jobId=failed.job_id, reason="y" * 1024)

    assert detail == "reason must be at most 1024 characters, got 1025."
    assert fake.get_job(kept.job_id).status == "RUNNABLE"
    assert fake.get_job(failed.job_id).status_reason == "y" * 1024
