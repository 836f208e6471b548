"""Clients that botocore's hooks in this process never see, each given only fake_batch_server.env:
the AWS SDK for JavaScript v3 (node), the AWS CLI and boto3 in child processes. Their calls are
in the test's own call log.

The JavaScript SDK is installed by ``npm ci`` in tests/js (``.ci/run`` does it); without
node or the SDK, its test skips and says why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import ENVELOPE

if TYPE_CHECKING:
    from pytest_fakebatch import FakeBatch

JS_DIR = Path(__file__).parent / "js"


def run(command: list[str], server: Any, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        env={**os.environ, **server.env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def node_with_the_sdk() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the AWS SDK for JavaScript v3 cannot be run")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, timeout=60, check=True
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < 20:
        pytest.skip(f"node {version} is too old for the AWS SDK for JavaScript v3 (needs 20)")
    if not (JS_DIR / "node_modules" / "@aws-sdk" / "client-batch").is_dir():
        pytest.skip(
            "@aws-sdk/client-batch is not installed: run `npm ci` in tests/js "
            "(.ci/run does; it skips this test when npm cannot reach the registry)"
        )
    return node


@pytest.mark.fake_batch(region="eu-west-1")
def test_the_javascript_sdk_lists_paginates_submits_and_gets_a_client_exception(
    fake_batch: FakeBatch, fake_batch_server: Any
) -> None:
    node = node_with_the_sdk()
    running = fake_batch.add_jobs(4, "etl", status="RUNNING")
    runnable = fake_batch.add_jobs(17, "etl", status="RUNNABLE")
    fake_batch.add_job_definition("transform")

    finished = run([node, str(JS_DIR / "batch_client.mjs"), "etl", "transform"], fake_batch_server)

    assert finished.returncode == 0, finished.stderr
    seen = json.loads(finished.stdout.splitlines()[-1])
    assert seen["region"] == "eu-west-1"
    assert sorted(seen["listed"]) == sorted(job.job_id for job in running)  # RUNNING by default
    assert [len(page) for page in seen["pages"]] == [7, 7, 3]
    walked = [job_id for page in seen["pages"] for job_id in page]
    assert sorted(walked) == sorted(job.job_id for job in runnable)
    submitted = fake_batch.get_job(seen["submitted"]["jobId"])
    assert (submitted.job_name, submitted.status) == ("from-node", "SUBMITTED")
    assert (
        seen["submitted"]["jobArn"]
        == f"arn:aws:batch:eu-west-1:123456789012:job/{submitted.job_id}"
    )
    error = seen["error"]
    assert error["name"] == "ClientException"
    assert error["isClientException"] is True
    assert error["status"] == 400
    match = ENVELOPE.match(error["message"])
    assert match is not None, error["message"]
    assert match["detail"] == "JobQueue no-such-queue not found."
    assert match["id"] == error["requestId"]
    assert [call.operation for call in fake_batch.calls] == ["ListJobs"] * 4 + [
        "SubmitJob",
        "ListJobs",
    ]
    assert fake_batch.get_calls("ListJobs", jobQueue="etl", jobStatus="RUNNABLE", maxResults=7)


def test_the_aws_cli_in_a_child_process(fake_batch: FakeBatch, fake_batch_server: Any) -> None:
    jobs = fake_batch.add_jobs(5, "nightly", status="RUNNING")
    fake_batch.add_job_definition("report")
    aws = [sys.executable, "-m", "awscli", "batch", "--output", "json"]

    # The CLI walks every page itself; --page-size makes it ask for two jobs a page.
    listed = run(
        [*aws, "list-jobs", "--job-queue", "nightly", "--page-size", "2"], fake_batch_server
    )
    submitted = run(
        [
            *aws,
            "submit-job",
            "--job-name",
            "cli-job",
            "--job-queue",
            "nightly",
            "--job-definition",
            "report",
        ],
        fake_batch_server,
    )
    refused = run([*aws, "list-jobs", "--job-queue", "missing"], fake_batch_server)

    assert listed.returncode == 0, listed.stderr
    summaries = json.loads(listed.stdout)["jobSummaryList"]
    assert sorted(summary["jobId"] for summary in summaries) == sorted(job.job_id for job in jobs)
    assert [
        call.params.get("maxResults")
        for call in fake_batch.get_calls("ListJobs", jobQueue="nightly")
    ] == [2, 2, 2]
    assert submitted.returncode == 0, submitted.stderr
    job_id = json.loads(submitted.stdout)["jobId"]
    assert fake_batch.get_job(job_id).job_name == "cli-job"
    assert refused.returncode == 255  # AWS CLI v1: any error
    assert (
        "An error occurred (ClientException) when calling the ListJobs operation: Error executing "
        "request, Exception : JobQueue missing not found., RequestId: "
    ) in refused.stderr


def test_boto3_in_a_child_process(fake_batch: FakeBatch, fake_batch_server: Any) -> None:
    job = fake_batch.add_job("q", status="RUNNABLE")
    program = textwrap.dedent(
        """
        import json, sys, boto3
        job_id = sys.argv[1]
        batch = boto3.client("batch")  # endpoint, keys and region from the environment
        described = batch.describe_jobs(jobs=[job_id])["jobs"]
        batch.cancel_job(jobId=job_id, reason="not needed")
        try:
            batch.list_jobs(jobQueue="missing")
        except batch.exceptions.ClientException as error:
            refused = error.response["Error"]["Code"]
        print(json.dumps({"status": described[0]["status"], "refused": refused}))
        """
    )

    finished = run([sys.executable, "-c", program, job.job_id], fake_batch_server)

    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout) == {"status": "RUNNABLE", "refused": "ClientException"}
    assert fake_batch.get_job(job.job_id).status == "FAILED"
    assert [call.operation for call in fake_batch.calls] == [
        "DescribeJobs",
        "CancelJob",
        "ListJobs",
    ]
    assert fake_batch.get_call("CancelJob").params == {"jobId": job.job_id, "reason": "not needed"}


@pytest.mark.fake_batch(autorun="poll")
def test_a_child_process_polling_sees_its_job_run_under_the_markers_autorun(
    fake_batch: FakeBatch, fake_batch_server: Any
) -> None:
    fake_batch.add_queue("q")
    fake_batch.add_job_definition("d")
    program = textwrap.dedent(
        """
        import json, boto3
        batch = boto3.client("batch")
        job_id = batch.submit_job(jobName="polled", jobQueue="q", jobDefinition="d")["jobId"]
        seen = []
        while len(seen) < 50 and (not seen or seen[-1] not in ("SUCCEEDED", "FAILED")):
            seen.append(batch.describe_jobs(jobs=[job_id])["jobs"][0]["status"])
        print(json.dumps({"jobId": job_id, "seen": seen}))
        """
    )

    finished = run([sys.executable, "-c", program], fake_batch_server)

    assert finished.returncode == 0, finished.stderr
    seen = json.loads(finished.stdout)
    assert seen["seen"][-1] == "SUCCEEDED"
    assert "RUNNING" in seen["seen"]
    assert fake_batch.get_job(seen["jobId"]).status == "SUCCEEDED"
    assert len(fake_batch.get_calls("DescribeJobs")) == len(seen["seen"])
