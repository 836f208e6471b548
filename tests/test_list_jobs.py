"""ListJobs over job queues, through a real boto3 client, on the fast path and the wire path."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch, Job
from tests.helpers import client_error_detail, ids, newest_first

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

ENVELOPE = re.compile(
    r"^Error executing request, Exception : (?P<detail>.*), RequestId: (?P<id>\S+)$"
)


@pytest.fixture(params=[False, True], ids=["fast", "wire"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=7, wire=request.param) as fake:
        yield fake


def test_lists_running_jobs_only_by_default(fake: FakeBatch, client: BaseClient) -> None:
    running = fake.add_jobs(3, job_queue="HighPriority", status="RUNNING")
    fake.add_job(job_queue="HighPriority", status="SUCCEEDED")
    fake.add_job(job_queue="HighPriority", status="RUNNABLE")

    response = client.list_jobs(jobQueue="HighPriority")

    assert ids(response) == newest_first(running)
    assert {s["status"] for s in response["jobSummaryList"]} == {"RUNNING"}
    assert "nextToken" not in response


@pytest.mark.parametrize(
    "status", ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"]
)
def test_job_status_selects_one_status(fake: FakeBatch, client: BaseClient, status: str) -> None:
    by_status = {s: fake.add_jobs(2, "q", status=s) for s in ("RUNNABLE", "RUNNING", "FAILED")}

    response = client.list_jobs(jobQueue="q", jobStatus=status)

    assert ids(response) == newest_first(by_status.get(status, []))


def test_queue_by_name_or_arn(fake: FakeBatch, client: BaseClient) -> None:
    queue = fake.add_queue("named")
    jobs = fake.add_jobs(2, "named")

    by_name = client.list_jobs(jobQueue="named")
    by_arn = client.list_jobs(jobQueue=queue.arn)

    assert ids(by_name) == ids(by_arn) == newest_first(jobs)
    assert queue.arn == "arn:aws:batch:us-east-1:123456789012:job-queue/named"


@pytest.mark.parametrize(
    "queue",
    ["missing", "", "arn:aws:batch:us-east-1:123456789012:job-queue/missing"],
)
def test_unknown_queue_is_a_client_exception(client: BaseClient, queue: str) -> None:
    with pytest.raises(client.exceptions.ClientException) as raised:
        client.list_jobs(jobQueue=queue)

    assert client_error_detail(raised.value) == f"JobQueue {queue} not found."


def test_queues_belong_to_a_region(fake: FakeBatch) -> None:
    queue = fake.add_queue("regional")
    fake.add_job("regional")
    elsewhere = boto3.client("batch", region_name="eu-west-1")

    for name in ("regional", queue.arn):
        with pytest.raises(elsewhere.exceptions.ClientException):
            elsewhere.list_jobs(jobQueue=name)


def test_each_region_lists_its_own_queue(fake: FakeBatch) -> None:
    here = fake.add_job("shared-name")
    there = fake.add_job("shared-name", region="eu-west-1")

    home = boto3.client("batch", region_name=fake.region).list_jobs(jobQueue="shared-name")
    away = boto3.client("batch", region_name="eu-west-1").list_jobs(jobQueue="shared-name")

    assert ids(home) == [here.job_id]
    assert ids(away) == [there.job_id]
    assert there.job_queue == "arn:aws:batch:eu-west-1:123456789012:job-queue/shared-name"


@pytest.mark.parametrize(
    "selectors",
    [
        {},
        {"jobQueue": "q", "arrayJobId": "a"},
        {"jobQueue": "q", "multiNodeJobId": "m"},
        {"arrayJobId": "a", "multiNodeJobId": "m"},
        {"jobQueue": "q", "arrayJobId": "a", "multiNodeJobId": "m"},
    ],
)
def test_exactly_one_selector(
    fake: FakeBatch, client: BaseClient, selectors: dict[str, str]
) -> None:
    fake.add_queue("q")

    with pytest.raises(client.exceptions.ClientException) as raised:
        client.list_jobs(**selectors)

    assert client_error_detail(raised.value) == (
        "You must specify only one of jobQueue, arrayJobId or multiNodeJobId."
    )


@pytest.mark.parametrize("status", ["FOO", "running", ""])
def test_invalid_job_status(fake: FakeBatch, client: BaseClient, status: str) -> None:
    fake.add_queue("q")

    with pytest.raises(client.exceptions.ClientException) as raised:
        client.list_jobs(jobQueue="q", jobStatus=status)

    assert client_error_detail(raised.value) == (
        f"Invalid jobStatus: {status}. Valid values: SUBMITTED, PENDING, RUNNABLE, STARTING, "
        "RUNNING, SUCCEEDED, FAILED."
    )


def test_newest_first_with_ties_broken_by_job_id(fake: FakeBatch, client: BaseClient) -> None:
    old = fake.add_jobs(3, "q", created_at=1_700_000_001_000)
    new = fake.add_jobs(3, "q", created_at=1_700_000_002_000)
    middle = fake.add_job("q", created_at=1_700_000_001_500)

    listed = ids(client.list_jobs(jobQueue="q"))

    assert listed == [
        *sorted((j.job_id for j in new), reverse=True),
        middle.job_id,
        *sorted((j.job_id for j in old), reverse=True),
    ]


def test_seeding_order_is_listing_order(fake: FakeBatch, client: BaseClient) -> None:
    jobs = fake.add_jobs(50, "q")

    assert ids(client.list_jobs(jobQueue="q")) == [job.job_id for job in reversed(jobs)]


@pytest.mark.parametrize("max_results", [0, -1, -1000])
def test_max_results_below_one(fake: FakeBatch, client: BaseClient, max_results: int) -> None:
    fake.add_jobs(2, "q")

    with pytest.raises(client.exceptions.ClientException) as raised:
        client.list_jobs(jobQueue="q", maxResults=max_results)

    assert client_error_detail(raised.value) == f"maxResults must be at least 1, got {max_results}."


@pytest.mark.parametrize(
    ("max_results", "page"), [(None, 1000), (1000, 1000), (5000, 1000), (7, 7)]
)
def test_page_size_is_capped_at_1000(
    fake: FakeBatch, client: BaseClient, max_results: int | None, page: int
) -> None:
    jobs = fake.add_jobs(1200, "q")
    params: dict[str, Any] = {"jobQueue": "q"}
    if max_results is not None:
        params["maxResults"] = max_results

    first = client.list_jobs(**params)

    assert ids(first) == newest_first(jobs)[:page]
    assert "nextToken" in first
    rest = client.list_jobs(**params, nextToken=first["nextToken"])
    assert ids(rest)[0] == newest_first(jobs)[page]


def test_pages_walk_every_job_once_and_the_last_has_no_token(
    fake: FakeBatch, client: BaseClient
) -> None:
    jobs = fake.add_jobs(25, "q")
    seen: list[str] = []
    token = ""  # an empty token asks for the first page, as AWS ParallelCluster sends it
    pages = 0
    while True:
        response = client.list_jobs(jobQueue="q", maxResults=10, nextToken=token)
        seen += ids(response)
        pages += 1
        if "nextToken" not in response:
            break
        token = response["nextToken"]

    assert seen == newest_first(jobs)
    assert pages == 3


def test_exactly_full_last_page_has_no_token(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_jobs(20, "q")

    first = client.list_jobs(jobQueue="q", maxResults=10)
    second = client.list_jobs(jobQueue="q", maxResults=10, nextToken=first["nextToken"])

    assert len(ids(second)) == 10
    assert "nextToken" not in second


def test_empty_queue_gives_an_empty_page(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_queue("empty")

    response = client.list_jobs(jobQueue="empty")

    assert response["jobSummaryList"] == []
    assert "nextToken" not in response


@pytest.mark.parametrize(
    "token", ["garbage", "bm90IGEgdG9rZW4", "W1ssMV1d", "W10", "WzEsImFiYyIsMSwiYSJd", "%%%%"]
)
def test_garbage_token(fake: FakeBatch, client: BaseClient, token: str) -> None:
    fake.add_jobs(3, "q")

    with pytest.raises(client.exceptions.ClientException) as raised:
        client.list_jobs(jobQueue="q", nextToken=token)

    assert "Invalid nextToken" in client_error_detail(raised.value)


@pytest.mark.parametrize(
    "other_query",
    [
        {"jobQueue": "other"},
        {"jobQueue": "q", "jobStatus": "SUCCEEDED"},
    ],
)
def test_token_is_tied_to_its_query(
    fake: FakeBatch, client: BaseClient, other_query: dict[str, str]
) -> None:
    fake.add_jobs(3, "q")
    fake.add_jobs(3, "q", status="SUCCEEDED")
    fake.add_jobs(3, "other")
    token = client.list_jobs(jobQueue="q", maxResults=1)["nextToken"]

    with pytest.raises(client.exceptions.ClientException) as raised:
        client.list_jobs(**other_query, nextToken=token)

    assert "Invalid nextToken" in client_error_detail(raised.value)


def test_token_works_with_the_queue_arn_and_another_page_size(
    fake: FakeBatch, client: BaseClient
) -> None:
    queue = fake.add_queue("q")
    jobs = fake.add_jobs(5, "q")
    first = client.list_jobs(jobQueue="q", maxResults=2)

    rest = client.list_jobs(jobQueue=queue.arn, maxResults=50, nextToken=first["nextToken"])

    assert ids(first) + ids(rest) == newest_first(jobs)


def test_jobs_added_during_a_walk_never_cause_repeats_or_skips(
    fake: FakeBatch, client: BaseClient
) -> None:
    original = fake.add_jobs(30, "q")
    seen: list[str] = []
    response = client.list_jobs(jobQueue="q", maxResults=7)
    while True:
        seen += ids(response)
        fake.add_jobs(3, "q")  # newer than everything: before the walk's position
        fake.add_job("q", created_at=original[0].created_at - 1)  # older: still ahead of it
        if "nextToken" not in response:
            break
        response = client.list_jobs(jobQueue="q", maxResults=7, nextToken=response["nextToken"])

    assert len(seen) == len(set(seen))
    assert set(newest_first(original)) <= set(seen)
    walked_originals = [job_id for job_id in seen if job_id in {j.job_id for j in original}]
    assert walked_originals == newest_first(original)


@pytest.mark.parametrize(
    "config",
    [
        {"PageSize": 3},
        {"PageSize": 4, "MaxItems": 10},
        {"MaxItems": 5},
        {"PageSize": 1000},
    ],
)
def test_botocore_paginator_walks_every_job_once(
    fake: FakeBatch, client: BaseClient, config: dict[str, int]
) -> None:
    jobs = fake.add_jobs(23, "q")
    paginator = client.get_paginator("list_jobs")
    expected = newest_first(jobs)

    seen: list[str] = []
    token: str | None = None
    while True:
        pages = paginator.paginate(
            jobQueue="q", PaginationConfig={**config, "StartingToken": token}
        ).build_full_result()
        seen += ids(pages)
        token = pages.get("NextToken")
        if token is None:
            break

    assert seen == expected


def test_paginator_with_job_status(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_jobs(5, "q", status="RUNNING")
    failed = fake.add_jobs(12, "q", status="FAILED")

    pages = list(
        client.get_paginator("list_jobs").paginate(
            jobQueue="q", jobStatus="FAILED", PaginationConfig={"PageSize": 5}
        )
    )

    assert [len(page["jobSummaryList"]) for page in pages] == [5, 5, 2]
    assert [i for page in pages for i in ids(page)] == newest_first(failed)


def test_response_metadata(
    fake: FakeBatch, client: BaseClient, validated_operations: list[str]
) -> None:
    fake.add_job("q")

    metadata = client.list_jobs(jobQueue="q")["ResponseMetadata"]

    assert validated_operations == ["ListJobs"]  # the output-shape check in conftest ran
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        metadata["RequestId"],
    )
    assert metadata["HTTPStatusCode"] == 200
    assert metadata["HTTPHeaders"]["x-amzn-requestid"] == metadata["RequestId"]
    assert metadata["HTTPHeaders"]["content-type"] == "application/json"
    assert metadata["HTTPHeaders"]["date"].endswith(" GMT")
    assert metadata["RetryAttempts"] == 0


def test_error_response_metadata_and_header(client: BaseClient) -> None:
    with pytest.raises(client.exceptions.ClientException) as raised:
        client.list_jobs(jobQueue="nope")

    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "ClientException"
    assert response["message"] == response["Error"]["Message"]
    assert str(raised.value) == (
        "An error occurred (ClientException) when calling the ListJobs operation: "
        f"{response['Error']['Message']}"
    )


class TestSummaryFields:
    """The fields a summary carries depend on the job's state (reference, section 2.5)."""

    def summary(self, client: BaseClient, job: Job) -> dict[str, Any]:
        response = client.list_jobs(jobQueue="q", jobStatus=job.status)
        (summary,) = response["jobSummaryList"]
        return summary  # type: ignore[no-any-return]

    def test_running(self, fake: FakeBatch, client: BaseClient) -> None:
        job = fake.add_job(
            "q", job_name="train", created_at=1_700_000_001_000, started_at=1_700_000_001_500
        )

        assert self.summary(client, job) == {
            "jobArn": f"arn:aws:batch:us-east-1:123456789012:job/{job.job_id}",
            "jobId": job.job_id,
            "jobName": "train",
            "createdAt": 1_700_000_001_000,
            "status": "RUNNING",
            "jobDefinition": "arn:aws:batch:us-east-1:123456789012:job-definition/default:1",
            "startedAt": 1_700_000_001_500,
            "container": {},
        }

    def test_runnable_has_no_container_and_no_job_definition(
        self, fake: FakeBatch, client: BaseClient
    ) -> None:
        job = fake.add_job("q", status="RUNNABLE", created_at=1_700_000_001_000)

        assert set(self.summary(client, job)) == {
            "jobArn",
            "jobId",
            "jobName",
            "createdAt",
            "status",
        }

    @pytest.mark.parametrize("status", ["SUBMITTED", "PENDING", "STARTING"])
    def test_not_started(self, fake: FakeBatch, client: BaseClient, status: str) -> None:
        job = fake.add_job("q", status=status)  # type: ignore[arg-type]

        assert set(self.summary(client, job)) == {
            "jobArn",
            "jobId",
            "jobName",
            "createdAt",
            "status",
            "jobDefinition",
        }

    def test_succeeded(self, fake: FakeBatch, client: BaseClient) -> None:
        job = fake.add_job(
            "q",
            status="SUCCEEDED",
            created_at=1_700_000_001_000,
            started_at=1_700_000_002_000,
            stopped_at=1_700_000_003_000,
        )

        summary = self.summary(client, job)

        assert summary["container"] == {"exitCode": 0}
        assert summary["statusReason"] == "Essential container in task exited"
        assert (summary["startedAt"], summary["stoppedAt"]) == (
            1_700_000_002_000,
            1_700_000_003_000,
        )

    def test_failed_with_exit_code_and_reason(self, fake: FakeBatch, client: BaseClient) -> None:
        job = fake.add_job("q", status="FAILED", exit_code=137, status_reason="OutOfMemoryError")

        summary = self.summary(client, job)

        assert summary["container"] == {"exitCode": 137}
        assert summary["statusReason"] == "OutOfMemoryError"
        assert summary["stoppedAt"] >= summary["startedAt"] >= summary["createdAt"]

    def test_share_identifier(self, fake: FakeBatch, client: BaseClient) -> None:
        job = fake.add_job("q", share_identifier="teamA")

        assert self.summary(client, job)["shareIdentifier"] == "teamA"


def test_seeded_fakes_give_the_same_ids(fake: FakeBatch, client: BaseClient) -> None:
    first = [job.job_id for job in fake.add_jobs(3, "q")]
    with FakeBatch(seed=fake.seed) as again:
        second = [job.job_id for job in again.add_jobs(3, "q")]

    assert first == second


def test_changing_a_returned_summary_does_not_change_the_fake(
    fake: FakeBatch, client: BaseClient
) -> None:
    fake.add_job("q", status="SUCCEEDED")
    first = client.list_jobs(jobQueue="q", jobStatus="SUCCEEDED")["jobSummaryList"][0]
    expected = {**first, "container": dict(first["container"])}

    first["status"] = "FAILED"
    first["container"]["exitCode"] = 99
    again = client.list_jobs(jobQueue="q", jobStatus="SUCCEEDED")["jobSummaryList"][0]

    assert again == expected


@pytest.mark.parametrize(
    "params",
    [
        {"jobQueue": "q", "maxResults": "10"},
        {"jobQueue": "q", "maxResults": True},
        {"jobQueue": 5},
        {"arrayJobId": {}},
        {"jobQueue": "q", "jobStatus": ["RUNNING"]},
        {"jobQueue": "q", "nextToken": 7},
        {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": [5]}]},
        {"jobQueue": "q", "filters": [{"name": 5, "values": ["a"]}]},
        # Not here: a filter that is not a dict (botocore's serializer fails on it before sending)
        # and values given as a string (botocore sends its characters as a list).
    ],
)
def test_wrong_types_from_an_unvalidating_client_are_client_exceptions(
    fake: FakeBatch, params: dict[str, Any]
) -> None:
    from botocore.config import Config

    fake.add_queue("q")
    unchecked = boto3.client(
        "batch", region_name="us-east-1", config=Config(parameter_validation=False)
    )

    with pytest.raises(unchecked.exceptions.ClientException):
        unchecked.list_jobs(**params)


@pytest.mark.parametrize(
    "token",
    [
        "A" * 10_000,
        # base64 of deeply nested JSON, of an int tiebreak on a queue listing, of a float time
        __import__("base64").urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode(),
        __import__("base64").urlsafe_b64encode(b'[1,"x",1,5]').decode(),
        __import__("base64").urlsafe_b64encode(b'[1,"x",1.5,"a"]').decode(),
    ],
)
def test_hostile_tokens_are_client_exceptions(
    fake: FakeBatch, client: BaseClient, token: str
) -> None:
    fake.add_jobs(3, "q")

    with pytest.raises(client.exceptions.ClientException) as raised:
        client.list_jobs(jobQueue="q", nextToken=token)

    assert "Invalid nextToken" in client_error_detail(raised.value)


def test_a_queue_token_with_an_index_tiebreak_is_refused(
    fake: FakeBatch, client: BaseClient
) -> None:
    import base64
    import json

    fake.add_jobs(3, "q")
    token = client.list_jobs(jobQueue="q", maxResults=1)["nextToken"]
    version, fingerprint, created_at, _ = json.loads(base64.urlsafe_b64decode(token + "=="))
    forged = base64.urlsafe_b64encode(json.dumps([version, fingerprint, created_at, -1]).encode())

    with pytest.raises(client.exceptions.ClientException):
        client.list_jobs(jobQueue="q", maxResults=1, nextToken=forged.decode())
