"""CancelJob and TerminateJob by job ARN (array children's and nodes' too) and for unknown jobs,
the bulk CancelJobs and TerminateJobs, and isCancelled / isTerminated in ListJobs summaries.

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import botocore
import pytest

from pytest_fakebatch import FakeBatch
from tests.helpers import refused
from tests.job_helpers import register_multinode
from tests.model_support import requires, requires_member

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

BOTH_PATHS = pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
BULK = requires("CancelJobs", "TerminateJobs")
FLAGS = requires_member("JobSummary", "isCancelled")
STOPS = pytest.mark.parametrize(
    ("single", "bulk", "flag"),
    [
        ("cancel_job", "cancel_jobs", "isCancelled"),
        ("terminate_job", "terminate_jobs", "isTerminated"),
    ],
    ids=["cancel", "terminate"],
)


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=23, wire=getattr(request, "param", False)) as fake:
        fake.add_queue("q")
        fake.add_job_definition("d")
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def body(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


# CancelJob and TerminateJob by ARN


@BOTH_PATHS
@STOPS
def test_stop_a_job_by_its_arn(
    fake: FakeBatch, client: BaseClient, single: str, bulk: str, flag: str
) -> None:
    job = fake.add_job("q", status="RUNNABLE")

    response = getattr(client, single)(jobId=job.job_arn, reason="by ARN")

    assert body(response) == {}
    [detail] = client.describe_jobs(jobs=[job.job_id])["jobs"]
    assert (detail["status"], detail["statusReason"], detail[flag]) == ("FAILED", "by ARN", True)


@STOPS
def test_stop_an_array_child_by_its_arn(
    fake: FakeBatch, batch: BaseClient, single: str, bulk: str, flag: str
) -> None:
    parent = fake.add_array_job("q", size=3, child_statuses="RUNNABLE")

    getattr(batch, single)(jobId=f"{parent.job_arn}:1", reason="one child")

    statuses = [child.status for child in fake.get_job(parent.job_id).children]
    assert statuses == ["RUNNABLE", "FAILED", "RUNNABLE"]


@STOPS
def test_stop_a_node_by_its_arn_as_torchx_does(
    fake: FakeBatch, batch: BaseClient, single: str, bulk: str, flag: str
) -> None:
    register_multinode(batch, "mnp", 2)
    job_id = batch.submit_job(jobName="m", jobQueue="q", jobDefinition="mnp")["jobId"]
    [summary] = batch.list_jobs(jobQueue="q", filters=[{"name": "JOB_NAME", "values": ["m"]}])[
        "jobSummaryList"
    ]

    getattr(batch, single)(jobId=f"{summary['jobArn']}#0", reason="torchx cancel")

    job = fake.get_job(job_id)
    assert [job.status, *(node.status for node in job.nodes)] == ["FAILED"] * 3


@STOPS
def test_an_arn_that_is_not_this_jobs_changes_nothing(
    fake: FakeBatch, batch: BaseClient, single: str, bulk: str, flag: str
) -> None:
    job = fake.add_job("q", status="RUNNABLE")
    others = [
        job.job_arn.replace("123456789012", "000000000000"),  # another account
        job.job_arn.replace("us-east-1", "eu-west-1"),  # another region
        job.job_arn.replace("arn:aws:", "arn:aws-cn:"),  # another partition
        job.job_arn.replace(":job/", ":job-queue/"),  # not a job
    ]

    for reference in others:
        assert body(getattr(batch, single)(jobId=reference, reason="no")) == {}
    assert fake.get_job(job.job_id).status == "RUNNABLE"


# CancelJobs and TerminateJobs


@BULK
@BOTH_PATHS
@STOPS
def test_bulk_stops_each_job(
    fake: FakeBatch, client: BaseClient, single: str, bulk: str, flag: str
) -> None:
    runnable, submitted = fake.add_jobs(2, "q", status="RUNNABLE")
    running = fake.add_job("q", status="RUNNING")
    parent = fake.add_array_job("q", size=2, child_statuses="RUNNABLE")
    references = [runnable.job_id, submitted.job_arn, running.job_id, parent.job_id, "no-such-job"]

    response = getattr(client, bulk)(jobs=references, reason="bulk")

    # Jobs that can't be found count as processed; each is named as the request named it.
    assert body(response) == {"successful": references, "errors": []}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    details = {
        d["jobId"]: d
        for d in client.describe_jobs(
            jobs=[j.job_id for j in (runnable, submitted, running, parent)]
        )["jobs"]
    }
    for job in (runnable, submitted, parent):
        assert (details[job.job_id]["status"], details[job.job_id][flag]) == ("FAILED", True)
        assert details[job.job_id]["statusReason"] == "bulk"
    # CancelJob leaves a RUNNING job alone; TerminateJob stops it.
    expected = "FAILED" if flag == "isTerminated" else "RUNNING"
    assert details[running.job_id]["status"] == expected


@BULK
@BOTH_PATHS
@STOPS
def test_bulk_reports_malformed_ids_per_job(
    fake: FakeBatch, client: BaseClient, single: str, bulk: str, flag: str
) -> None:
    job = fake.add_job("q", status="RUNNABLE")
    not_a_job = fake.queues[0].arn

    response = getattr(client, bulk)(jobs=["", job.job_id, not_a_job, job.job_id], reason="r")

    assert body(response) == {
        "successful": [job.job_id],
        "errors": [
            {"job": "", "code": "ValidationException", "message": "Invalid job identifier: "},
            {
                "job": not_a_job,
                "code": "ValidationException",
                "message": f"Invalid job identifier: {not_a_job}",
            },
        ],
    }
    assert fake.get_job(job.job_id).status == "FAILED"


@BULK
@STOPS
def test_bulk_takes_up_to_50_jobs(
    fake: FakeBatch, batch: BaseClient, single: str, bulk: str, flag: str
) -> None:
    jobs = fake.add_jobs(51, "q", status="RUNNABLE")

    detail = refused(getattr(batch, bulk), jobs=[job.job_id for job in jobs], reason="r")
    response = getattr(batch, bulk)(jobs=[job.job_id for job in jobs[:50]], reason="r")

    assert detail == "jobs takes up to 50 job IDs, got 51."
    assert len(response["successful"]) == 50
    assert [fake.get_job(job.job_id).status for job in jobs].count("FAILED") == 50


@BULK
@STOPS
@pytest.mark.parametrize(
    ("reason", "detail"),
    [
        ("", "reason must not be empty."),
        ("x" * 1025, "reason must be at most 1024 characters, got 1025."),
    ],
)
def test_bulk_checks_the_reason(
    fake: FakeBatch, batch: BaseClient, single: str, bulk: str, flag: str, reason: str, detail: str
) -> None:
    job = fake.add_job("q", status="RUNNABLE")

    assert refused(getattr(batch, bulk), jobs=[job.job_id], reason=reason) == detail
    assert fake.get_job(job.job_id).status == "RUNNABLE"


@BULK
@STOPS
def test_bulk_with_no_jobs(
    fake: FakeBatch, batch: BaseClient, single: str, bulk: str, flag: str
) -> None:
    assert body(getattr(batch, bulk)(jobs=[], reason="r")) == {"successful": [], "errors": []}


@BULK
def test_bulk_is_logged(fake: FakeBatch, batch: BaseClient) -> None:
    job = fake.add_job("q", status="RUNNABLE")

    batch.cancel_jobs(jobs=[job.job_id], reason="r")

    call = fake.get_call("CancelJobs")
    assert call.params == {"jobs": [job.job_id], "reason": "r"}
    assert call.response == {"successful": [job.job_id], "errors": []}


# isCancelled and isTerminated in ListJobs summaries


@FLAGS
@BOTH_PATHS
def test_summaries_carry_the_flags_only_when_true(fake: FakeBatch, client: BaseClient) -> None:
    cancelled, terminated = fake.add_jobs(2, "q", status="RUNNABLE")
    plain = fake.add_job("q", status="FAILED")
    client.cancel_job(jobId=cancelled.job_id, reason="c")
    client.terminate_job(jobId=terminated.job_id, reason="t")

    summaries = {
        s["jobId"]: s for s in client.list_jobs(jobQueue="q", jobStatus="FAILED")["jobSummaryList"]
    }

    assert summaries[cancelled.job_id]["isCancelled"] is True
    assert "isTerminated" not in summaries[cancelled.job_id]
    assert summaries[terminated.job_id]["isTerminated"] is True
    assert "isCancelled" not in summaries[terminated.job_id]
    assert not {"isCancelled", "isTerminated"} & set(summaries[plain.job_id])


@FLAGS
def test_a_parent_and_its_children_carry_the_flag(fake: FakeBatch, batch: BaseClient) -> None:
    parent = fake.add_array_job("q", size=2, child_statuses="RUNNABLE")

    batch.cancel_job(jobId=parent.job_id, reason="c")

    [summary] = batch.list_jobs(jobQueue="q", jobStatus="FAILED")["jobSummaryList"]
    children = batch.list_jobs(arrayJobId=parent.job_id, jobStatus="FAILED")["jobSummaryList"]
    assert summary["isCancelled"] is True
    assert [child["isCancelled"] for child in children] == [True, True]


MODEL_WITHOUT_FLAGS = """
import json, sys
import boto3
from pytest_fakebatch import FakeBatch

out = {}
for wire in (False, True):
    with FakeBatch(seed=1, wire=wire) as fake:
        job = fake.add_job("q", status="RUNNABLE")
        client = boto3.client("batch", region_name="us-east-1")
        client.cancel_job(jobId=job.job_id, reason="c")
        [summary] = client.list_jobs(jobQueue="q", jobStatus="FAILED")["jobSummaryList"]
        [detail] = client.describe_jobs(jobs=[job.job_id])["jobs"]
        out["wire" if wire else "fast"] = [sorted(summary), detail.get("isCancelled")]
print(json.dumps(out))
"""


def test_no_flag_where_the_installed_model_lacks_it(tmp_path: Path) -> None:
    """With a botocore whose model's JobSummary has no isCancelled (older releases), neither
    path sends it; DescribeJobs, whose JobDetail has it, still does."""
    source = Path(botocore.__file__).parent / "data" / "batch" / "2016-08-10" / "service-2.json.gz"
    model = json.loads(gzip.decompress(source.read_bytes()))
    for member in ("isCancelled", "isTerminated"):
        model["shapes"]["JobSummary"]["members"].pop(member, None)
    target = tmp_path / "batch" / "2016-08-10"
    target.mkdir(parents=True)
    (target / "service-2.json").write_text(json.dumps(model))
    environment = {**os.environ, "AWS_DATA_PATH": str(tmp_path)}

    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(MODEL_WITHOUT_FLAGS)],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        timeout=120,
    )

    outcome = json.loads(completed.stdout)
    for path in ("fast", "wire"):
        keys, detail_flag = outcome[path]
        assert "isCancelled" not in keys, path
        assert "jobId" in keys
        assert detail_flag is True


@BULK
def test_bulk_refuses_ids_that_are_not_strings(fake: FakeBatch) -> None:
    from botocore.config import Config

    unvalidated = boto3.client(
        "batch", region_name=fake.region, config=Config(parameter_validation=False)
    )
    job = fake.add_job("q", status="RUNNABLE")

    detail = refused(unvalidated.cancel_jobs, jobs=[job.job_id, {"id": 1}], reason="r")

    assert detail == "Invalid type for jobs[]: expected a string."
    assert fake.get_job(job.job_id).status == "RUNNABLE"
