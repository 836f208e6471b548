"""ListJobs filters, through a real boto3 client and the AWS CLI run in-process."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from awscli.clidriver import create_clidriver

from pytest_fakebatch import FakeBatch

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

from tests.helpers import client_error_detail, ids

T0 = 1_700_000_000_000  # creation times are epoch milliseconds


@pytest.fixture
def fake() -> Iterator[FakeBatch]:
    with FakeBatch(seed=5) as fake:
        fake.clock.set(10_000)
        yield fake


def one_filter(name: str, value: str) -> list[dict[str, Any]]:
    return [{"name": name, "values": [value]}]


class TestJobName:
    def test_is_case_insensitive_and_ignores_job_status(
        self, fake: FakeBatch, client: BaseClient
    ) -> None:
        upper = fake.add_job("q", job_name="Test1", status="SUCCEEDED")
        lower = fake.add_job("q", job_name="test1", status="RUNNABLE")
        fake.add_job("q", job_name="test10")

        response = client.list_jobs(
            jobQueue="q", jobStatus="RUNNING", filters=one_filter("JOB_NAME", "test1")
        )

        assert ids(response) == [lower.job_id, upper.job_id]

    def test_trailing_asterisk_is_a_prefix(self, fake: FakeBatch, client: BaseClient) -> None:
        jobs = [fake.add_job("q", job_name=name) for name in ("test1", "Test10", "tes", "xtest1")]

        response = client.list_jobs(jobQueue="q", filters=one_filter("JOB_NAME", "test1*"))

        assert ids(response) == [jobs[1].job_id, jobs[0].job_id]

    def test_succeeded_jobs_come_without_started_at(
        self, fake: FakeBatch, client: BaseClient
    ) -> None:
        fake.add_job("q", job_name="done", status="SUCCEEDED")
        fake.add_job("q", job_name="done", status="FAILED")

        filtered = client.list_jobs(jobQueue="q", filters=one_filter("JOB_NAME", "done"))[
            "jobSummaryList"
        ]
        by_status = client.list_jobs(jobQueue="q", jobStatus="SUCCEEDED")["jobSummaryList"]

        assert [("startedAt" in s, s["status"]) for s in filtered] == [
            (True, "FAILED"),
            (False, "SUCCEEDED"),
        ]
        assert "startedAt" in by_status[0]


class TestJobDefinition:
    @pytest.fixture
    def jobs(self, fake: FakeBatch) -> dict[str, str]:
        fake.add_job_definition("jd1")
        fake.add_job_definition("jd1")
        return {
            "jd1:1": fake.add_job("q", job_definition="jd1:1").job_id,
            "jd1:2": fake.add_job("q", job_definition="jd1:2").job_id,
            "jd1A": fake.add_job("q", job_definition="jd1A", status="FAILED").job_id,
            "JD1": fake.add_job("q", job_definition="JD1").job_id,
        }

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("jd1", ["jd1:2", "jd1:1"]),
            ("jd1*", ["jd1A", "jd1:2", "jd1:1"]),
            ("JD1", ["JD1"]),
            ("jd", []),
            ("arn:aws:batch:us-east-1:123456789012:job-definition/jd1:1", ["jd1:1"]),
        ],
    )
    def test_matching(
        self, client: BaseClient, jobs: dict[str, str], value: str, expected: list[str]
    ) -> None:
        response = client.list_jobs(jobQueue="q", filters=one_filter("JOB_DEFINITION", value))

        assert ids(response) == [jobs[name] for name in expected]

    def test_asterisk_with_an_arn_is_rejected(
        self, client: BaseClient, jobs: dict[str, str]
    ) -> None:
        arn = "arn:aws:batch:us-east-1:123456789012:job-definition/jd1*"

        with pytest.raises(client.exceptions.ClientException) as raised:
            client.list_jobs(jobQueue="q", filters=one_filter("JOB_DEFINITION", arn))

        assert (
            client_error_detail(raised.value)
            == f"Asterisk (*) isn't supported when the ARN is used: {arn}"
        )

    def test_arn_without_revision_is_rejected(
        self, client: BaseClient, jobs: dict[str, str]
    ) -> None:
        arn = "arn:aws:batch:us-east-1:123456789012:job-definition/jd1"

        with pytest.raises(client.exceptions.ClientException) as raised:
            client.list_jobs(jobQueue="q", filters=one_filter("JOB_DEFINITION", arn))

        assert client_error_detail(raised.value).startswith(f"Invalid job definition ARN: {arn}.")


class TestCreatedAt:
    @pytest.fixture
    def jobs(self, fake: FakeBatch) -> list[str]:
        return [
            fake.add_job("q", created_at=T0 + t, status="SUCCEEDED").job_id for t in (100, 200, 300)
        ]

    @pytest.mark.parametrize(
        ("name", "value", "expected"),
        [
            ("BEFORE_CREATED_AT", "200", [0]),
            ("BEFORE_CREATED_AT", "201", [1, 0]),
            ("AFTER_CREATED_AT", "200", [2]),
            ("AFTER_CREATED_AT", "99", [2, 1, 0]),
            ("AFTER_CREATED_AT", "300", []),
        ],
    )
    def test_strict_bounds_and_any_status(
        self, client: BaseClient, jobs: list[str], name: str, value: str, expected: list[int]
    ) -> None:
        response = client.list_jobs(jobQueue="q", filters=one_filter(name, str(T0 + int(value))))

        assert ids(response) == [jobs[i] for i in expected]

    @pytest.mark.parametrize("value", ["yesterday", "1.5", "-1", "1e3", " 100"])
    def test_value_must_be_milliseconds(
        self, client: BaseClient, jobs: list[str], value: str
    ) -> None:
        with pytest.raises(client.exceptions.ClientException) as raised:
            client.list_jobs(jobQueue="q", filters=one_filter("AFTER_CREATED_AT", value))

        assert client_error_detail(raised.value) == (
            f"Filter AFTER_CREATED_AT takes a number of milliseconds since the epoch, not {value}."
        )


def test_share_identifier_combines_with_job_status(fake: FakeBatch, client: BaseClient) -> None:
    running_a = fake.add_job("q", share_identifier="a")
    failed_a = fake.add_job("q", share_identifier="a", status="FAILED")
    fake.add_job("q", share_identifier="b")

    default = client.list_jobs(jobQueue="q", filters=one_filter("SHARE_IDENTIFIER", "a"))
    failed = client.list_jobs(
        jobQueue="q", jobStatus="FAILED", filters=one_filter("SHARE_IDENTIFIER", "a")
    )

    assert ids(default) == [running_a.job_id]
    assert ids(failed) == [failed_a.job_id]


@pytest.mark.parametrize(
    ("filters", "detail"),
    [
        (
            [{"name": "JOB_NAME", "values": ["a"]}, {"name": "JOB_NAME", "values": ["b"]}],
            "Only one filter key-value pair can be specified.",
        ),
        (
            [{"name": "JOB_NAME", "values": ["first-job-name", "second-job-name"]}],
            "Filter cannot take more than one value.",
        ),
        (
            [{"name": "job_name", "values": ["a"]}],
            "Invalid filter name: job_name. Valid names: JOB_NAME, JOB_DEFINITION, BEFORE_CREATED_AT, "
            "AFTER_CREATED_AT, SHARE_IDENTIFIER.",
        ),
        (
            [{"values": ["a"]}],
            "Invalid filter name: None. Valid names: JOB_NAME, JOB_DEFINITION, "
            "BEFORE_CREATED_AT, AFTER_CREATED_AT, SHARE_IDENTIFIER.",
        ),
        ([{"name": "JOB_NAME", "values": []}], "Filter JOB_NAME must have a value."),
        ([{"name": "JOB_NAME"}], "Filter JOB_NAME must have a value."),
        (
            [{"name": "SHARE_IDENTIFIER", "values": [""]}],
            "Filter SHARE_IDENTIFIER must have a value.",
        ),
    ],
)
def test_filter_errors(
    fake: FakeBatch, client: BaseClient, filters: list[dict[str, Any]], detail: str
) -> None:
    fake.add_queue("q")

    with pytest.raises(client.exceptions.ClientException) as raised:
        client.list_jobs(jobQueue="q", filters=filters)

    assert client_error_detail(raised.value) == detail


def test_empty_filter_list_is_no_filter(fake: FakeBatch, client: BaseClient) -> None:
    running = fake.add_job("q")
    fake.add_job("q", status="FAILED")

    assert ids(client.list_jobs(jobQueue="q", filters=[])) == [running.job_id]


def test_filtered_pages_are_capped_at_100(fake: FakeBatch, client: BaseClient) -> None:
    jobs = fake.add_jobs(150, "q", job_name="batch")

    first = client.list_jobs(jobQueue="q", maxResults=500, filters=one_filter("JOB_NAME", "batch"))
    default = client.list_jobs(jobQueue="q", filters=one_filter("JOB_NAME", "batch"))

    assert len(first["jobSummaryList"]) == len(default["jobSummaryList"]) == 100
    rest = client.list_jobs(
        jobQueue="q", filters=one_filter("JOB_NAME", "batch"), nextToken=first["nextToken"]
    )
    assert ids(first) + ids(rest) == [job.job_id for job in reversed(jobs)]
    assert "nextToken" not in rest


def test_only_a_page_with_more_to_come_carries_a_token(fake: FakeBatch, client: BaseClient) -> None:
    # A full filtered page looks one match further: the last page never carries a token, even
    # when it is exactly full.
    fake.add_jobs(50, "q", job_name="other")
    wanted = fake.add_jobs(3, "q", job_name="wanted")
    fake.add_jobs(50, "q", job_name="other")

    exactly_full = client.list_jobs(
        jobQueue="q", maxResults=3, filters=one_filter("JOB_NAME", "wanted")
    )
    first = client.list_jobs(jobQueue="q", maxResults=2, filters=one_filter("JOB_NAME", "wanted"))
    last = client.list_jobs(
        jobQueue="q",
        maxResults=2,
        filters=one_filter("JOB_NAME", "wanted"),
        nextToken=first["nextToken"],
    )

    assert ids(exactly_full) == [job.job_id for job in reversed(wanted)]
    assert "nextToken" not in exactly_full
    assert ids(first) + ids(last) == ids(exactly_full)
    assert "nextToken" not in last


@pytest.mark.parametrize("value", ["0\n", "\u0661\u0662\u0663", "12 "])
def test_created_at_takes_ascii_digits_only(
    fake: FakeBatch, client: BaseClient, value: str
) -> None:
    fake.add_queue("q")

    with pytest.raises(client.exceptions.ClientException):
        client.list_jobs(jobQueue="q", filters=one_filter("BEFORE_CREATED_AT", value))


def test_token_is_tied_to_the_filter(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_jobs(5, "q", job_name="a")
    token = client.list_jobs(jobQueue="q", maxResults=2, filters=one_filter("JOB_NAME", "a"))[
        "nextToken"
    ]

    with pytest.raises(client.exceptions.ClientException):
        client.list_jobs(
            jobQueue="q", maxResults=2, filters=one_filter("JOB_NAME", "b"), nextToken=token
        )


def test_aws_cli_lists_with_a_filter(fake: FakeBatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake.add_job("q", job_name="other")
    test_jobs = [fake.add_job("q", job_name=name) for name in ("test-a", "Test-b")]
    capsys.readouterr()

    exit_code = create_clidriver().main(
        [
            "batch",
            "list-jobs",
            "--job-queue",
            "q",
            "--filters",
            "name=JOB_NAME,values=test*",
            "--output",
            "json",
        ]
    )

    assert exit_code == 0
    printed = json.loads(capsys.readouterr().out)
    assert [s["jobName"] for s in printed["jobSummaryList"]] == ["Test-b", "test-a"]
    assert [s["jobId"] for s in printed["jobSummaryList"]] == [
        j.job_id for j in reversed(test_jobs)
    ]
