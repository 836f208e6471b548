"""Helpers shared by the ListJobs tests."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

    from pytest_fakebatch import Job

ENVELOPE = re.compile(
    r"^Error executing request, Exception : (?P<detail>.*), RequestId: (?P<id>\S+)$"
)


def ids(response: dict[str, Any]) -> list[str]:
    return [summary["jobId"] for summary in response["jobSummaryList"]]


def newest_first(jobs: list[Job]) -> list[str]:
    return [
        job.job_id for job in sorted(jobs, key=lambda j: (j.created_at, j.job_id), reverse=True)
    ]


def client_error_detail(error: ClientError) -> str:
    """The detail inside the AWS envelope; also checks the envelope and its request id."""
    assert error.response["Error"]["Code"] == "ClientException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    match = ENVELOPE.match(error.response["Error"]["Message"])
    assert match, error.response["Error"]["Message"]
    assert match["id"] == error.response["ResponseMetadata"]["RequestId"]
    return match["detail"]
