"""The examples of docs/resources.md's section on scheduling policies, bulk stops and the queue
snapshot, run.

As in test_docs_resources.py: each example is copied here as the page shows it; a test first
checks that the page still shows it word for word, then runs it in this process.
"""

from __future__ import annotations

import ast
import inspect
import re
from typing import TYPE_CHECKING

import pytest

from pytest_fakebatch import FakeBatch
from tests.model_support import requires
from tests.test_docs_resources import PAGE, run_example_test

if TYPE_CHECKING:
    from botocore.client import BaseClient

FAIR_SHARE_EXAMPLE = """
import pytest


def test_jobs_on_a_fair_share_queue(fake_batch, batch_client):
    policy = fake_batch.add_scheduling_policy(
        "fair", fairshare_policy={"shareDistribution": [{"shareIdentifier": "ml*", "weightFactor": 0.5}]}
    )
    fake_batch.add_queue("shared", scheduling_policy_arn=policy.arn)
    fake_batch.add_job_definition("train")

    with pytest.raises(batch_client.exceptions.ClientException, match="shareIdentifier must be specified."):
        batch_client.submit_job(jobName="a", jobQueue="shared", jobDefinition="train")
    job = batch_client.submit_job(
        jobName="a", jobQueue="shared", jobDefinition="train",
        shareIdentifier="ml-team", schedulingPriorityOverride=10,
    )

    [detail] = batch_client.describe_jobs(jobs=[job["jobId"]])["jobs"]
    assert (detail["shareIdentifier"], detail["schedulingPriority"]) == ("ml-team", 10)
    with pytest.raises(batch_client.exceptions.ClientException):
        batch_client.delete_scheduling_policy(arn=policy.arn)  # the queue uses it
"""

BULK_EXAMPLE = """
def test_stop_a_sweep(fake_batch, batch_client):
    jobs = fake_batch.add_jobs(3, "sweeps", status="RUNNABLE")

    response = batch_client.cancel_jobs(jobs=[j.job_arn for j in jobs] + ["gone"], reason="superseded")

    assert response["successful"] == [j.job_arn for j in jobs] + ["gone"]
    assert response["errors"] == []
    summaries = batch_client.list_jobs(jobQueue="sweeps", jobStatus="FAILED")["jobSummaryList"]
    assert [s["isCancelled"] for s in summaries] == [True, True, True]
"""


@pytest.mark.parametrize(
    "example",
    [
        pytest.param(FAIR_SHARE_EXAMPLE, id="fair-share"),
        pytest.param(BULK_EXAMPLE, id="bulk", marks=requires("CancelJobs")),
    ],
)
def test_the_examples_pass(fake_batch: FakeBatch, batch_client: BaseClient, example: str) -> None:
    run_example_test(example, fake_batch, batch_client)


def test_the_factory_signature_as_shown() -> None:
    text = PAGE.read_text()
    start = text.index('fake_batch.add_scheduling_policy(\n    "fair",')
    block = text[start : text.index("\n)\n", start) + 2]
    shown_keywords = [
        (name, ast.literal_eval(default))
        for name, default in re.findall(r"^    (\w+)=([^,]+),", block, re.MULTILINE)
    ]
    parameters = [
        (p.name, p.default)
        for p in inspect.signature(FakeBatch.add_scheduling_policy).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]

    assert shown_keywords == parameters
