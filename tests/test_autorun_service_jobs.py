"""autorun="poll" moves service jobs too: a poller of DescribeServiceJob or ListServiceJobs sees
its job go through every status to SUCCEEDED, as a DescribeJobs poller sees a job's."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import boto3
import pytest

if TYPE_CHECKING:
    from pytest_fakebatch import FakeBatch

PAYLOAD = json.dumps({"ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large"}})


def _setup(fake: FakeBatch) -> tuple[object, str]:
    fake.add_service_environment("env")
    fake.add_queue("training", service_environments=["env"])
    client = boto3.client("batch", region_name=fake.region)
    job_id = client.submit_service_job(
        jobName="train",
        jobQueue="training",
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload=PAYLOAD,
    )["jobId"]
    return client, job_id


@pytest.mark.parametrize(
    "wire",
    [
        pytest.param(False, id="fast", marks=pytest.mark.fake_batch(autorun="poll")),
        pytest.param(True, id="wire", marks=pytest.mark.fake_batch(autorun="poll", wire=True)),
    ],
)
def test_describe_service_job_polls_step_the_job_to_success(
    fake_batch: FakeBatch, wire: bool
) -> None:
    assert fake_batch.wire is wire
    client, job_id = _setup(fake_batch)

    seen = [client.describe_service_job(jobId=job_id)["status"] for _ in range(6)]  # type: ignore[attr-defined]

    assert seen == ["RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED", "SUCCEEDED"]
    assert fake_batch.get_service_job(job_id).status == "SUCCEEDED"


@pytest.mark.fake_batch(autorun="poll")
def test_list_service_jobs_polls_step_it_and_other_calls_do_not(fake_batch: FakeBatch) -> None:
    client, job_id = _setup(fake_batch)
    client.describe_service_environments()  # type: ignore[attr-defined]  # not a read of jobs
    assert fake_batch.get_service_job(job_id).status == "SUBMITTED"

    listed = client.list_service_jobs(jobQueue="training", jobStatus="RUNNABLE")  # type: ignore[attr-defined]

    assert [s["jobId"] for s in listed["jobSummaryList"]] == [job_id]


def test_without_autorun_a_poller_sees_no_move(fake_batch: FakeBatch) -> None:
    client, job_id = _setup(fake_batch)

    seen = {client.describe_service_job(jobId=job_id)["status"] for _ in range(4)}  # type: ignore[attr-defined]

    assert seen == {"SUBMITTED"}
