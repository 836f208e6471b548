"""autorun=<seconds> with a client that polls more often than once a step (a workflow engine
polling a standalone server every few hundred milliseconds): its jobs still move, one step per
interval of the fake's clock, counted from when each entered its status."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from botocore.client import BaseClient

    from pytest_fakebatch import FakeBatch


@pytest.mark.fake_batch(autorun=0.25)
def test_a_job_polled_more_often_than_a_step_still_moves(
    fake_batch: FakeBatch, batch_client: BaseClient
) -> None:
    fake_batch.clock.set(1_767_225_600_000)
    fake_batch.add_queue("q")
    fake_batch.add_job_definition("d")
    job_id = batch_client.submit_job(jobName="polled", jobQueue="q", jobDefinition="d")["jobId"]

    seen = []
    for _ in range(20):  # two seconds of the fake's clock, a poll every tenth of a second
        fake_batch.clock.advance(0.1)
        seen.append(batch_client.describe_jobs(jobs=[job_id])["jobs"][0]["status"])

    assert seen[0] == "SUBMITTED"
    assert seen[-1] == "SUCCEEDED"
    # One step per quarter of a second: never two statuses within one step.
    assert seen.index("SUCCEEDED") >= 4 * 2
