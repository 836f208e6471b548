"""Service jobs moved by the test: FakeBatch's advance, complete, set_status and run_all take a
service job's id as they take a job's; the capacity of service environments; retries; the
add_service_job factory; retention; and an older botocore's model, whose members the fake never
sends. What the moves look like is checked through a real client.
"""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
import pytest

from pytest_fakebatch import FakeBatch

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from botocore.client import BaseClient

ACCOUNT = "123456789012"
RETRY = {
    "attempts": 3,
    "evaluateOnExit": [
        {"action": "EXIT", "onStatusReason": "Received status from SageMaker: ValidationException*"}
    ],
}


@pytest.fixture
def fake() -> Iterator[FakeBatch]:
    with FakeBatch(seed=8) as fake:
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def payload(instance_type: str = "ml.m5.large", count: int = 1) -> dict[str, Any]:
    return {
        "TrainingJobName": "tj",
        "ResourceConfig": {"InstanceType": instance_type, "InstanceCount": count},
    }


def statuses(fake: FakeBatch) -> list[str]:
    return [job.status for job in fake.service_jobs]


# The scheduler's steps


def test_advance_takes_a_job_through_every_status(fake: FakeBatch, batch: BaseClient) -> None:
    fake.clock.set(1_900_000_000_000)  # frozen: only the test moves it
    job = fake.add_service_job()
    seen = []
    for _ in range(4):
        fake.clock.advance(60)
        [moved] = fake.advance(job.job_id)
        seen.append(moved.status)

    described = batch.describe_service_job(jobId=job.job_id)
    assert seen == ["RUNNABLE", "SCHEDULED", "STARTING", "RUNNING"]
    assert described["status"] == "RUNNING"
    assert described["startedAt"] - described["scheduledAt"] == 120_000
    assert described["scheduledAt"] - described["createdAt"] == 120_000
    with pytest.raises(ValueError, match="is RUNNING; end it with complete"):
        fake.advance(job.job_id)


def test_advance_everything_moves_jobs_and_service_jobs(fake: FakeBatch) -> None:
    job = fake.add_job(status="SUBMITTED")
    service_job = fake.add_service_job()

    moved = fake.advance()

    assert [(m.job_id, m.status) for m in moved] == [
        (job.job_id, "RUNNABLE"),
        (service_job.job_id, "RUNNABLE"),
    ]


def test_a_runnable_job_waits_for_capacity(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_service_environment(
        "env", capacity_limits=[{"maxCapacity": 3, "capacityUnit": "NUM_INSTANCES"}]
    )
    fake.add_queue("sm", service_environments=["env"])
    big, small, later = (
        fake.add_service_job("sm", status="RUNNABLE", service_request_payload=payload(count=c))
        for c in (2, 1, 1)
    )

    moved = fake.advance()

    assert [m.job_id for m in moved] == [big.job_id, small.job_id]
    assert statuses(fake) == ["SCHEDULED", "SCHEDULED", "RUNNABLE"]
    with pytest.raises(ValueError, match=rf"service job {later.job_id} is RUNNABLE and waits"):
        fake.advance(later.job_id)
    fake.complete(small.job_id)  # its instance is free again
    fake.advance(later.job_id)
    assert batch.describe_service_job(jobId=later.job_id)["status"] == "SCHEDULED"


def test_quota_managed_limits_count_their_instance_type(fake: FakeBatch) -> None:
    fake.add_service_environment(
        "env", capacity_limits=[{"maxCapacity": 1, "capacityUnit": "ml.p4d.24xlarge"}]
    )
    fake.add_queue("sm", service_environments=["env"])
    gpu, gpu_too, cpu = (
        fake.add_service_job("sm", status="RUNNABLE", service_request_payload=payload(kind))
        for kind in ("ml.p4d.24xlarge", "ml.p4d.24xlarge", "ml.m5.large")
    )

    fake.run_all()

    # One GPU instance at a time; no limit matches ml.m5.large: that job waits for ever.
    assert [fake.get_service_job(j.job_id).status for j in (gpu, gpu_too, cpu)] == [
        "SUCCEEDED",
        "SUCCEEDED",
        "RUNNABLE",
    ]


@pytest.mark.parametrize("disabled", ["environment", "queue"])
def test_nothing_is_scheduled_while_disabled(
    fake: FakeBatch, batch: BaseClient, disabled: str
) -> None:
    job = fake.add_service_job("sm", status="RUNNABLE")
    if disabled == "environment":
        batch.update_service_environment(serviceEnvironment="sm", state="DISABLED")
    else:
        batch.update_job_queue(jobQueue="sm", state="DISABLED")

    assert fake.advance() == []
    fake.run_all()
    assert fake.get_service_job(job.job_id).status == "RUNNABLE"


def test_a_job_goes_to_the_next_environment_with_room(fake: FakeBatch, batch: BaseClient) -> None:
    for name in ("first", "second"):
        fake.add_service_environment(
            name, capacity_limits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}]
        )
    fake.add_queue("sm", service_environments=["first", "second"])
    jobs = [fake.add_service_job("sm", status="RUNNABLE") for _ in range(3)]

    fake.advance()

    environments = [fake.get_service_job(job.job_id).service_environment for job in jobs]
    arn = f"arn:aws:batch:us-east-1:{ACCOUNT}:service-environment"
    assert environments == [f"{arn}/first", f"{arn}/second", None]


# Ending attempts, retries


def test_complete_runs_a_job_to_success(fake: FakeBatch) -> None:
    job = fake.add_service_job()

    done = fake.complete(job.job_id)

    assert (done.status, done.status_reason) == ("SUCCEEDED", "Job completed successfully")
    assert [a.status_reason for a in fake.get_service_job(job.job_id).attempts] == ["Completed"]


def test_a_failed_attempt_is_retried_with_a_new_training_job(
    fake: FakeBatch, batch: BaseClient
) -> None:
    job = fake.add_service_job(service_request_payload=payload(), retry_strategy=RETRY)

    retried = fake.complete(job.job_id, exit_code=1)
    fake.advance(job.job_id)  # SCHEDULED again: a second training job
    described = batch.describe_service_job(jobId=job.job_id)

    assert retried.status == "RUNNABLE"
    training_jobs = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:training-job"
    assert [a["serviceResourceId"]["value"] for a in described["attempts"]] == [
        f"{training_jobs}/tj"
    ]
    assert described["attempts"][0]["statusReason"] == (
        "Received status from SageMaker: AlgorithmError: the training job failed"
    )
    assert described["latestAttempt"]["serviceResourceId"]["value"] == f"{training_jobs}/tj-2"


def test_retries_end_after_the_attempts_or_on_an_exit_rule(fake: FakeBatch) -> None:
    spent = fake.add_service_job(retry_strategy=RETRY)
    invalid = fake.add_service_job(retry_strategy=RETRY)

    for _ in range(3):
        last = fake.complete(spent.job_id, exit_code=1)
    exited = fake.complete(
        invalid.job_id,
        exit_code=1,
        reason="Received status from SageMaker: ValidationException: bad role",
    )

    assert (last.status, len(last.attempts)) == ("FAILED", 3)
    assert (exited.status, len(exited.attempts)) == ("FAILED", 1)
    assert exited.status_reason == "Received status from SageMaker: ValidationException: bad role"


def test_without_a_retry_strategy_a_failure_is_final(fake: FakeBatch) -> None:
    job = fake.add_service_job()

    assert fake.complete(job.job_id, exit_code=1).status == "FAILED"
    with pytest.raises(ValueError, match="is FAILED: finished jobs never change"):
        fake.complete(job.job_id)


# set_status and run_all


def test_set_status_skips_steps(fake: FakeBatch, batch: BaseClient) -> None:
    job = fake.add_service_job()

    fake.set_status(job.job_id, "SCHEDULED", reason="handed over")
    described = batch.describe_service_job(jobId=job.job_id)

    assert (described["status"], described["statusReason"]) == ("SCHEDULED", "handed over")
    assert "latestAttempt" in described
    assert "startedAt" not in described
    succeeded = fake.set_status(job.job_id, "SUCCEEDED")
    assert succeeded.started_at is not None
    assert len(succeeded.attempts) == 1


def test_set_status_failed_never_retries(fake: FakeBatch) -> None:
    job = fake.add_service_job(retry_strategy=RETRY, status="RUNNING")

    failed = fake.set_status(job.job_id, "FAILED", reason="gone")

    assert (failed.status, failed.status_reason) == ("FAILED", "gone")


@pytest.mark.parametrize(
    ("status", "kwargs", "error", "message"),
    [
        ("DONE", {}, ValueError, "status must be one of SUBMITTED, PENDING, RUNNABLE, SCHEDULED"),
        ("SUBMITTED", {}, ValueError, "is RUNNABLE; it can move to SCHEDULED, STARTING"),
        ("FAILED", {"exit_code": 1}, ValueError, "is a service job: it has no exit code"),
        ("RUNNING", {"reason": 3}, TypeError, "reason must be a string or None, not 3"),
    ],
)
def test_set_status_mistakes(
    fake: FakeBatch, status: str, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    job = fake.add_service_job(status="RUNNABLE")

    with pytest.raises(error, match=message):
        fake.set_status(job.job_id, status, **kwargs)  # type: ignore[arg-type]


def test_complete_mistakes(fake: FakeBatch) -> None:
    job = fake.add_service_job()

    with pytest.raises(TypeError, match="exit_code must be an int, not '1'"):
        fake.complete(job.job_id, exit_code="1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="the fake has no job with id 'nope'"):
        fake.complete("nope")


def test_run_all_runs_jobs_and_service_jobs(fake: FakeBatch) -> None:
    job = fake.add_job(status="SUBMITTED")
    service_jobs = [fake.add_service_job() for _ in range(12)]  # more than the 10 instances

    fake.run_all()

    assert fake.get_job(job.job_id).status == "SUCCEEDED"
    assert {fake.get_service_job(j.job_id).status for j in service_jobs} == {"SUCCEEDED"}


# The factory


def test_add_service_job_creates_its_queue_and_environment(fake: FakeBatch) -> None:
    job = fake.add_service_job(tags={"k": "v"}, scheduling_priority=7, share_identifier=None)

    [environment] = fake.service_environments
    [queue] = fake.queues
    assert (environment.name, queue.name) == ("sagemaker", "sagemaker")
    assert queue.properties["jobQueueType"] == "SAGEMAKER_TRAINING"
    assert job.job_queue == queue.arn
    assert job.job_name == f"service-job-{job.job_id[:8]}"
    assert job.scheduling_priority == 7
    assert job.job_arn == f"arn:aws:batch:us-east-1:{ACCOUNT}:service-job/{job.job_id}"
    assert json.loads(job.spec["serviceRequestPayload"])["ResourceConfig"]["InstanceType"] == (
        "ml.m5.large"
    )


@pytest.mark.parametrize(
    "status", ["SUBMITTED", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"]
)
def test_add_service_job_in_each_status(fake: FakeBatch, batch: BaseClient, status: str) -> None:
    job = fake.add_service_job(status=status)  # type: ignore[arg-type]

    assert batch.describe_service_job(jobId=job.job_id)["status"] == status
    assert (job.started_at is not None) == (status in ("RUNNING", "SUCCEEDED"))


def test_ids_are_reproducible_and_do_not_shift_job_ids() -> None:
    def seeded(with_service_jobs: bool) -> tuple[list[str], list[str]]:
        with FakeBatch(seed=5) as fake:
            service = [fake.add_service_job().job_id for _ in range(2)] if with_service_jobs else []
            return [fake.add_job().job_id for _ in range(2)], service

    jobs, service_jobs = seeded(True)
    assert seeded(True) == (jobs, service_jobs)
    assert seeded(False)[0] == jobs


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"job_queue": 3}, TypeError, "job_queue must be a queue name or ARN, not 3"),
        ({"job_queue": "ecs"}, ValueError, "job queue 'ecs' is not of type SAGEMAKER_TRAINING"),
        (
            {"job_queue": "arn:aws:batch:us-east-1:123456789012:job-queue/x"},
            ValueError,
            "no job queue",
        ),
        ({"status": "DONE"}, ValueError, "status must be one of SUBMITTED, PENDING"),
        ({"job_name": "bad name"}, ValueError, "invalid job name 'bad name'"),
        ({"created_at": "now"}, TypeError, "created_at must be an int"),
        ({"scheduling_priority": 1.5}, TypeError, "scheduling_priority must be an int, not 1.5"),
        (
            {"scheduling_priority": 10_000},
            ValueError,
            "schedulingPriority must be from 0 to 9999, got 10000.",
        ),
        ({"retry_strategy": 3}, TypeError, "retry_strategy must be a mapping"),
        ({"retry_strategy": {"attempts": 11}}, ValueError, "Retry attempts must be from 1 to 10"),
        ({"share_identifier": "a"}, ValueError, "shareIdentifier is only allowed"),
        ({"service_request_payload": 3}, TypeError, "service_request_payload must be a mapping"),
        ({"tags": {"aws:k": "v"}}, ValueError, "Tag keys starting with aws: are reserved"),
    ],
)
def test_add_service_job_mistakes(
    fake: FakeBatch, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    fake.add_queue("ecs")

    with pytest.raises(error, match=message):
        fake.add_service_job(**kwargs)
    assert fake.service_jobs == []


def test_get_service_job_of_an_unknown_id(fake: FakeBatch) -> None:
    with pytest.raises(ValueError, match="the fake has no service job with id 'nope'"):
        fake.get_service_job("nope")


def test_finished_service_jobs_are_forgotten_after_the_retention() -> None:
    with FakeBatch(seed=2, retention=timedelta(days=7)) as fake:
        batch = boto3.client("batch", region_name=fake.region)
        fake.clock.set(1_900_000_000_000)  # frozen: the test says when time passes
        done = fake.add_service_job(status="SUCCEEDED")
        waiting = fake.add_service_job()

        fake.clock.advance(timedelta(days=7).total_seconds())
        assert batch.describe_service_job(jobId=done.job_id)["status"] == "SUCCEEDED"
        fake.clock.advance(1)

        assert [job.job_id for job in fake.service_jobs] == [waiting.job_id]
        with pytest.raises(batch.exceptions.ClientException, match="not found"):
            batch.describe_service_job(jobId=done.job_id)


# An older botocore's model: members it lacks are never sent


@pytest.fixture
def older_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Batch model without ServiceJobSummary's isTerminated and quotaShareName, as botocore
    1.42.47 has it, loaded from AWS_DATA_PATH as clients load it."""
    loader = botocore.session.get_session().get_component("data_loader")
    model = loader.load_service_model("batch", "service-2")
    model = json.loads(json.dumps(model))
    for member in ("isTerminated", "quotaShareName"):
        model["shapes"]["ServiceJobSummary"]["members"].pop(member, None)  # 1.42.47 lacks them
    directory = tmp_path / "batch" / "2016-08-10"
    directory.mkdir(parents=True)
    with gzip.open(directory / "service-2.json.gz", "wt") as file:
        json.dump(model, file)
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))


@pytest.mark.parametrize("wire", [False, True], ids=["fast", "wire"])
def test_members_the_model_lacks_are_not_sent(older_model: None, wire: bool) -> None:
    with FakeBatch(seed=3, wire=wire) as fake:
        client = botocore.session.Session().create_client("batch", region_name=fake.region)
        assert (
            "isTerminated" not in client.meta.service_model.shape_for("ServiceJobSummary").members
        )  # type: ignore[attr-defined]
        job = fake.add_service_job()
        client.terminate_service_job(jobId=job.job_id, reason="stop")

        [summary] = client.list_service_jobs(jobQueue="sagemaker", jobStatus="FAILED")[
            "jobSummaryList"
        ]

    assert summary["jobId"] == job.job_id
    assert "isTerminated" not in summary
