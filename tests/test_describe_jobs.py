"""DescribeJobs: the JobDetail of a job in each state, of array parents and children, of
multi-node jobs and nodes, and which ids it answers for."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch
from tests.job_helpers import EXITED, describe, register, register_multinode, rejected, submit

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

T0 = 1_700_000_000_000
LOG_STREAM = re.compile(r"^d/default/[0-9a-f]{32}$")


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    """A fake with queue ``q`` and job definition ``d``, its clock frozen at T0."""
    with FakeBatch(seed=8, wire=getattr(request, "param", False)) as fake:
        fake.add_queue("q")
        fake.add_job_definition("d")
        fake.clock.set(T0)
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def at(seconds: int) -> int:
    return T0 + seconds * 1000


def tick(fake: FakeBatch) -> None:
    fake.clock.advance(1)


# A job in each state


def test_submitted(batch: BaseClient) -> None:
    detail = describe(batch, submit(batch))

    assert detail["status"] == "SUBMITTED"
    assert detail["createdAt"] == T0
    for absent in ("startedAt", "stoppedAt", "statusReason", "isCancelled"):
        assert absent not in detail
    assert detail["attempts"] == []  # observed: [] until an attempt ended
    assert "exitCode" not in detail["container"]
    assert "logStreamName" not in detail["container"]
    assert detail["container"]["image"] == "busybox"


def test_pending_shows_its_dependencies(batch: BaseClient, fake: FakeBatch) -> None:
    upstream = submit(batch, "upstream")
    job_id = submit(batch, dependsOn=[{"jobId": upstream}])

    fake.advance(job_id)

    detail = describe(batch, job_id)
    assert detail["status"] == "PENDING"
    assert detail["dependsOn"] == [{"jobId": upstream}]
    assert "startedAt" not in detail


@pytest.mark.parametrize("status", ["RUNNABLE", "STARTING"])
def test_not_started_yet(batch: BaseClient, fake: FakeBatch, status: str) -> None:
    job_id = submit(batch)
    tick(fake)

    fake.set_status(job_id, status)  # type: ignore[arg-type]

    detail = describe(batch, job_id)
    assert detail["status"] == status
    for absent in ("startedAt", "stoppedAt"):
        assert absent not in detail
    assert detail["attempts"] == []  # observed: [] until an attempt ended
    assert "logStreamName" not in detail["container"]


def test_running(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    fake.advance(job_id)
    tick(fake)
    fake.advance(job_id)
    tick(fake)
    fake.advance(job_id)

    detail = describe(batch, job_id)

    assert detail["status"] == "RUNNING"
    assert detail["startedAt"] == at(2)
    assert "stoppedAt" not in detail
    assert detail["attempts"] == []
    assert LOG_STREAM.match(detail["container"]["logStreamName"])
    assert "exitCode" not in detail["container"]


def test_succeeded(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    tick(fake)
    fake.set_status(job_id, "RUNNING")
    running_stream = describe(batch, job_id)["container"]["logStreamName"]
    tick(fake)

    fake.complete(job_id)

    detail = describe(batch, job_id)
    assert detail["status"] == "SUCCEEDED"
    assert (detail["createdAt"], detail["startedAt"], detail["stoppedAt"]) == (T0, at(1), at(2))
    assert detail["statusReason"] == EXITED
    assert detail["container"]["exitCode"] == 0
    assert detail["container"]["logStreamName"] == running_stream
    assert detail["attempts"] == [
        {
            "container": {"exitCode": 0, "logStreamName": running_stream},
            "startedAt": at(1),
            "stoppedAt": at(2),
            "statusReason": EXITED,
        }
    ]


def test_failed_with_an_exit_code(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    tick(fake)

    fake.set_status(job_id, "FAILED", exit_code=3, reason="Out of cheese")

    detail = describe(batch, job_id)
    assert detail["status"] == "FAILED"
    assert detail["statusReason"] == "Out of cheese"
    assert (detail["startedAt"], detail["stoppedAt"]) == (at(1), at(1))
    assert detail["container"]["exitCode"] == 3
    assert [attempt["container"]["exitCode"] for attempt in detail["attempts"]] == [3]


def test_failed_without_running(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    tick(fake)

    fake.set_status(job_id, "FAILED", reason="Cannot pull image")

    detail = describe(batch, job_id)
    assert (detail["status"], detail["statusReason"]) == ("FAILED", "Cannot pull image")
    assert detail["stoppedAt"] == at(1)
    for absent in ("startedAt",):
        assert absent not in detail
    assert detail["attempts"] == []  # observed: [] until an attempt ended
    assert "exitCode" not in detail["container"]


def test_each_attempt_has_its_own_log_stream(batch: BaseClient, fake: FakeBatch) -> None:
    register(batch, "d", retryStrategy={"attempts": 3})
    job_id = submit(batch)
    fake.complete(job_id, exit_code=1)
    tick(fake)
    fake.complete(job_id, exit_code=2)
    tick(fake)
    fake.set_status(job_id, "RUNNING")

    running = describe(batch, job_id)
    fake.complete(job_id)
    done = describe(batch, job_id)

    streams = [attempt["container"]["logStreamName"] for attempt in done["attempts"]]
    assert len(set(streams)) == 3
    assert all(LOG_STREAM.match(stream) for stream in streams)
    assert running["container"]["logStreamName"] == streams[2]
    assert [attempt["container"]["exitCode"] for attempt in done["attempts"]] == [1, 2, 0]
    assert [len(describe(batch, job_id)["attempts"]) for _ in range(2)] == [3, 3]  # stable


def test_cancelled_and_terminated_flags_only_when_true(batch: BaseClient, fake: FakeBatch) -> None:
    cancelled, terminated, plain = submit(batch, "a"), submit(batch, "b"), submit(batch, "c")
    fake.set_status(terminated, "RUNNING")

    batch.cancel_job(jobId=cancelled, reason="no")
    batch.terminate_job(jobId=terminated, reason="stop")
    fake.set_status(plain, "FAILED")

    details = {
        job["jobId"]: job
        for job in batch.describe_jobs(jobs=[cancelled, terminated, plain])["jobs"]
    }
    assert (details[cancelled].get("isCancelled"), details[cancelled].get("isTerminated")) == (
        True,
        None,
    )
    assert (details[terminated].get("isCancelled"), details[terminated].get("isTerminated")) == (
        None,
        True,
    )
    assert "isCancelled" not in details[plain]
    assert "isTerminated" not in details[plain]


# Array jobs and multi-node jobs


def test_array_parent_counts_its_children(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 4})
    fake.set_status(f"{parent_id}:0", "RUNNING")
    fake.set_status(f"{parent_id}:1", "SUCCEEDED")
    fake.set_status(f"{parent_id}:2", "FAILED")

    detail = describe(batch, parent_id)

    assert detail["status"] == "PENDING"
    assert detail["arrayProperties"] == {
        "size": 4,
        "statusSummary": {
            "SUBMITTED": 1,
            "PENDING": 0,
            "RUNNABLE": 0,
            "STARTING": 0,
            "RUNNING": 1,
            "SUCCEEDED": 1,
            "FAILED": 1,
        },
    }
    for absent in ("startedAt", "stoppedAt"):
        assert absent not in detail
    assert detail["attempts"] == []  # observed: [] until an attempt ended
    assert "logStreamName" not in detail["container"]


def test_array_child_detail(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, "kids", arrayProperties={"size": 3})
    tick(fake)
    fake.set_status(f"{parent_id}:2", "RUNNING")

    detail = describe(batch, f"{parent_id}:2")

    assert detail["jobId"] == f"{parent_id}:2"
    assert detail["jobArn"] == f"arn:aws:batch:us-east-1:123456789012:job/{parent_id}:2"
    assert detail["jobName"] == "kids"
    assert detail["arrayProperties"] == {"index": 2}
    assert (detail["status"], detail["startedAt"], detail["createdAt"]) == ("RUNNING", at(1), T0)
    assert LOG_STREAM.match(detail["container"]["logStreamName"])


def test_finished_array_parent(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 2})
    tick(fake)
    fake.complete(f"{parent_id}:0")
    tick(fake)
    fake.complete(f"{parent_id}:1")

    detail = describe(batch, parent_id)

    assert detail["status"] == "SUCCEEDED"
    assert detail["stoppedAt"] == at(2)
    assert detail["arrayProperties"]["statusSummary"]["SUCCEEDED"] == 2


def test_multinode_job_and_nodes(batch: BaseClient, fake: FakeBatch) -> None:
    register_multinode(batch, "mnp", 3, main_node=2)
    job_id = submit(batch, definition="mnp")
    tick(fake)
    fake.set_status(job_id, "RUNNING")

    details = batch.describe_jobs(jobs=[job_id, f"{job_id}#0", f"{job_id}#2"])["jobs"]

    assert [detail["jobId"] for detail in details] == [job_id, f"{job_id}#0", f"{job_id}#2"]
    job, node0, node2 = details
    assert job["nodeProperties"]["numNodes"] == 3
    assert job["nodeProperties"]["mainNode"] == 2
    assert node0["nodeDetails"] == {"nodeIndex": 0, "isMainNode": False}
    assert node2["nodeDetails"] == {"nodeIndex": 2, "isMainNode": True}
    assert [detail["status"] for detail in details] == ["RUNNING"] * 3
    assert [detail["startedAt"] for detail in details] == [at(1)] * 3
    assert "nodeDetails" not in job
    assert "nodeProperties" not in node0


def test_seeded_jobs_are_described(batch: BaseClient, fake: FakeBatch) -> None:
    job = fake.add_job(
        "q", status="FAILED", created_at=T0 - 5000, started_at=T0 - 4000, stopped_at=T0 - 1000
    )

    detail = describe(batch, job.job_id)

    assert (detail["status"], detail["statusReason"]) == ("FAILED", EXITED)
    assert (detail["createdAt"], detail["startedAt"], detail["stoppedAt"]) == (
        T0 - 5000,
        T0 - 4000,
        T0 - 1000,
    )
    assert detail["container"]["exitCode"] == 1
    assert detail["attempts"][0]["container"]["exitCode"] == 1
    assert detail["jobDefinition"] == job.job_definition


# Which ids it answers for


@pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
def test_unknown_ids_are_left_out_and_order_is_kept(fake: FakeBatch, client: BaseClient) -> None:
    first, second = submit(client, "first"), submit(client, "second")

    response = client.describe_jobs(jobs=[second, "no-such-job", first, second, f"{first}:0"])

    assert [detail["jobId"] for detail in response["jobs"]] == [second, first]


def test_no_ids(batch: BaseClient) -> None:
    assert batch.describe_jobs(jobs=[])["jobs"] == []


def test_up_to_one_hundred_ids(batch: BaseClient, fake: FakeBatch) -> None:
    jobs = fake.add_jobs(100, "q")
    ids = [job.job_id for job in jobs]

    described = batch.describe_jobs(jobs=ids)["jobs"]
    detail = rejected(batch, batch.describe_jobs, jobs=[*ids, "one-more"])

    assert [job["jobId"] for job in described] == ids
    assert detail == "Maximum number of jobs supported is  100 ."


def test_a_hundred_and_one_ids_even_if_repeated(batch: BaseClient) -> None:
    job_id = submit(batch)

    assert rejected(batch, batch.describe_jobs, jobs=[job_id] * 101) == (
        "Maximum number of jobs supported is  100 ."
    )


def test_jobs_of_another_region_are_left_out(batch: BaseClient, fake: FakeBatch) -> None:
    away = fake.add_job("q", region="eu-west-1")
    here = submit(batch)
    elsewhere = boto3.client("batch", region_name="eu-west-1")

    assert [job["jobId"] for job in batch.describe_jobs(jobs=[away.job_id, here])["jobs"]] == [here]
    assert [job["jobId"] for job in elsewhere.describe_jobs(jobs=[away.job_id, here])["jobs"]] == [
        away.job_id
    ]
    assert describe(elsewhere, away.job_id)["jobArn"] == (
        f"arn:aws:batch:eu-west-1:123456789012:job/{away.job_id}"
    )


def test_the_response_is_the_callers_own(batch: BaseClient) -> None:
    job_id = submit(batch, parameters={"key": "value"})

    first = describe(batch, job_id)
    first["container"]["command"].append("changed")
    first["parameters"]["key"] = "changed"

    second = describe(batch, job_id)
    assert second["container"]["command"] == ["echo", "hello"]
    assert second["parameters"] == {"key": "value"}


def test_every_response_matches_botocores_shape(
    batch: BaseClient, fake: FakeBatch, validated_operations: list[str]
) -> None:
    register_multinode(batch, "mnp", 2)
    ids: list[Any] = [
        submit(batch, "plain"),
        submit(batch, "array", arrayProperties={"size": 2}),
        submit(batch, "mnp", definition="mnp"),
    ]
    fake.run_all()

    details = batch.describe_jobs(jobs=[*ids, f"{ids[1]}:1", f"{ids[2]}#1"])["jobs"]

    assert len(details) == 5
    assert {detail["status"] for detail in details} == {"SUCCEEDED"}
    assert validated_operations.count("DescribeJobs") == 1


def test_changing_the_response_does_not_change_the_call_log(
    batch: BaseClient, fake: FakeBatch
) -> None:
    job_id = submit(batch)
    fake.complete(job_id)

    response = batch.describe_jobs(jobs=[job_id])
    response["jobs"][0]["status"] = "CHANGED"
    response["jobs"][0]["attempts"][0]["container"]["exitCode"] = 99

    logged = fake.get_call("DescribeJobs").response
    assert logged is not None
    assert logged["jobs"][0]["status"] == "SUCCEEDED"
    assert logged["jobs"][0]["attempts"][0]["container"]["exitCode"] == 0
    assert describe(batch, job_id)["status"] == "SUCCEEDED"
