"""The call log and its assertion helpers; their failure messages are part of the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import Call, CallError, FakeBatch, UnsupportedOperationError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from botocore.client import BaseClient


@pytest.fixture(params=[False, True], ids=["fast", "wire"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=4, wire=request.param) as fake:
        yield fake


@pytest.fixture
def client(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def test_every_call_is_logged_in_order(fake: FakeBatch, future_model: Path) -> None:
    # A newer botocore's client: its model has an operation the fake does not know.
    client = boto3.client("batch", region_name=fake.region)
    job = fake.add_job("q")
    client.list_jobs(jobQueue="q")
    with pytest.raises(client.exceptions.ClientException):
        client.list_jobs(jobQueue="nope", maxResults=5)
    with pytest.raises(UnsupportedOperationError):
        client.describe_future_things(maxResults=7)

    first, second, third = fake.calls

    assert first.operation == "ListJobs"
    assert first.params == {"jobQueue": "q"}
    assert first.error is None
    assert first.response is not None
    assert [s["jobId"] for s in first.response["jobSummaryList"]] == [job.job_id]
    assert second == Call(
        "ListJobs",
        {"jobQueue": "nope", "maxResults": 5},
        None,
        CallError("ClientException", second.error.message if second.error else ""),
    )
    assert second.error is not None
    assert second.error.message.startswith(
        "Error executing request, Exception : JobQueue nope not found., RequestId: "
    )
    assert third.operation == "DescribeFutureThings"
    assert third.params == {"maxResults": 7}
    assert third.error is not None
    assert third.error.code == "pytest-fakebatch:UnsupportedOperation"


def test_the_log_keeps_what_was_sent_when_code_changes_its_response(
    fake: FakeBatch, client: BaseClient
) -> None:
    fake.add_job("q")
    response = client.list_jobs(jobQueue="q")
    response["jobSummaryList"][0]["status"] = "CHANGED"
    response["jobSummaryList"].clear()

    logged = fake.get_call("list_jobs").response

    assert logged is not None
    assert [s["status"] for s in logged["jobSummaryList"]] == ["RUNNING"]


def test_get_calls_filters_by_operation_and_params(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_queue("a")
    fake.add_queue("b")
    client.list_jobs(jobQueue="a")
    client.list_jobs(jobQueue="b", jobStatus="FAILED")
    client.list_jobs(jobQueue="a", jobStatus="FAILED")

    assert len(fake.get_calls()) == 3
    assert len(fake.get_calls("ListJobs")) == 3
    assert len(fake.get_calls("list_jobs", jobStatus="FAILED")) == 2
    assert [c.params["jobQueue"] for c in fake.get_calls(jobStatus="FAILED")] == ["b", "a"]
    assert fake.get_calls("ListJobs", jobQueue="c") == []
    assert fake.get_calls("SubmitJob") == []


def test_get_call_returns_the_single_match(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_queue("a")
    client.list_jobs(jobQueue="a", maxResults=2)

    assert fake.get_call("ListJobs", maxResults=2).params == {"jobQueue": "a", "maxResults": 2}


def test_get_call_with_no_match_lists_every_call(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_queue("a")
    client.list_jobs(jobQueue="a")

    with pytest.raises(AssertionError) as raised:
        fake.get_call("ListJobs", jobQueue="b")

    assert str(raised.value) == (
        "expected exactly one call matching ListJobs(jobQueue='b'), found 0:\n"
        "  (none)\n"
        "All Batch calls:\n"
        "  1. ListJobs(jobQueue='a') -> ok"
    )


def test_get_call_with_several_matches_lists_them(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_queue("a")
    client.list_jobs(jobQueue="a")
    client.list_jobs(jobQueue="a", jobStatus="FAILED")

    with pytest.raises(AssertionError) as raised:
        fake.get_call(jobQueue="a")

    assert str(raised.value) == (
        "expected exactly one call matching a call with jobQueue='a', found 2:\n"
        "  1. ListJobs(jobQueue='a') -> ok\n"
        "  2. ListJobs(jobQueue='a', jobStatus='FAILED') -> ok\n"
        "All Batch calls:\n"
        "  1. ListJobs(jobQueue='a') -> ok\n"
        "  2. ListJobs(jobQueue='a', jobStatus='FAILED') -> ok"
    )


def test_assert_called_passes_on_a_match(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_queue("a")
    client.list_jobs(jobQueue="a", jobStatus="FAILED")

    fake.assert_called("ListJobs", jobQueue="a")
    fake.assert_called("list_jobs", jobStatus="FAILED")


def test_assert_called_shows_how_the_calls_differ(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_queue("a")
    client.list_jobs(jobQueue="a", jobStatus="FAILED")
    client.list_jobs(jobQueue="a")

    with pytest.raises(AssertionError) as raised:
        fake.assert_called("ListJobs", jobQueue="a", jobStatus="RUNNABLE")

    assert str(raised.value) == (
        "expected a call matching ListJobs(jobQueue='a', jobStatus='RUNNABLE'), but none was made.\n"
        "ListJobs was called with:\n"
        "  1. ListJobs(jobQueue='a', jobStatus='FAILED') -> ok\n"
        "       jobStatus: expected 'RUNNABLE', got 'FAILED'\n"
        "  2. ListJobs(jobQueue='a') -> ok\n"
        "       jobStatus: expected 'RUNNABLE', got (not given)"
    )


def test_assert_called_when_the_operation_was_never_called(
    fake: FakeBatch, client: BaseClient
) -> None:
    with pytest.raises(client.exceptions.ClientException):
        client.list_jobs(jobQueue="a")

    with pytest.raises(AssertionError) as raised:
        fake.assert_called("SubmitJob", jobName="x")

    message = str(raised.value)
    assert message.startswith(
        "expected a call matching SubmitJob(jobName='x'), but none was made.\n"
        "SubmitJob was not called. All Batch calls:\n"
        "  1. ListJobs(jobQueue='a') -> ClientException: Error executing request, Exception : "
        "JobQueue a not found., RequestId: "
    )


def test_assert_called_with_no_calls_at_all(fake: FakeBatch) -> None:
    with pytest.raises(AssertionError) as raised:
        fake.assert_called("ListJobs")

    assert str(raised.value) == (
        "expected a call matching ListJobs(), but none was made.\n"
        "ListJobs was not called. All Batch calls:\n"
        "  (none)"
    )


def test_assert_not_called(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_queue("a")
    client.list_jobs(jobQueue="a")

    fake.assert_not_called("SubmitJob")
    fake.assert_not_called("ListJobs", jobQueue="b")
    with pytest.raises(AssertionError) as raised:
        fake.assert_not_called("ListJobs")

    assert str(raised.value) == (
        "expected no call matching ListJobs(), found 1:\n  1. ListJobs(jobQueue='a') -> ok"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda fake: fake.assert_not_called("list_job"),
            "'list_job' is not a Batch operation; did you mean 'list_jobs' or ",
        ),
        (
            lambda fake: fake.get_calls("Listjobs"),
            "'Listjobs' is not a Batch operation; did you mean",
        ),
        (
            lambda fake: fake.get_calls("ListJobs", jobqueue="q"),
            "'jobqueue' is not a parameter of ListJobs; did you mean 'jobQueue'?",
        ),
        (
            lambda fake: fake.assert_called("ListJobs", queue="q"),
            "'queue' is not a parameter of ListJobs",
        ),
        (
            lambda fake: fake.get_call(jobQueu="q"),
            "'jobQueu' is not a parameter of any Batch operation; did you mean 'jobQueue'",
        ),
        (lambda fake: fake.inject_fault("ListJob"), "'ListJob' is not a Batch operation"),
    ],
)
def test_misspelt_names_are_refused(fake: FakeBatch, call: Any, message: str) -> None:
    with pytest.raises(TypeError) as raised:
        call(fake)

    assert str(raised.value).startswith(message)


def test_changing_a_logged_response_does_not_change_the_fake(
    fake: FakeBatch, client: BaseClient
) -> None:
    fake.add_job("q", job_name="original")
    client.list_jobs(jobQueue="q")
    logged = fake.get_call("ListJobs").response
    assert logged is not None

    logged["jobSummaryList"][0]["jobName"] = "edited"
    del logged["jobSummaryList"][0]["createdAt"]
    again = client.list_jobs(jobQueue="q")["jobSummaryList"][0]

    assert again["jobName"] == "original"
    assert "createdAt" in again
    assert fake.calls[0].response == fake.calls[1].response
