"""Injected faults and the rate limit, answered on the wire path so botocore's retries run."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import boto3
import botocore.endpoint
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_fakebatch import FakeBatch

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's retry back-off, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", slept.append)
    return slept


@pytest.fixture
def fake() -> Iterator[FakeBatch]:
    with FakeBatch(seed=2) as fake:
        fake.add_job("q")
        yield fake


def client(mode: str = "standard", attempts: int | None = None) -> BaseClient:
    retries: dict[str, Any] = {"mode": mode}
    if attempts is not None:
        retries["total_max_attempts"] = attempts  # the first attempt included
    return boto3.client("batch", region_name="us-east-1", config=Config(retries=retries))


@pytest.mark.parametrize("mode", ["standard", "legacy", "adaptive"])
def test_throttling_is_retried_until_it_passes(
    fake: FakeBatch, sleeps: list[float], mode: str
) -> None:
    fake.inject_fault("list_jobs", times=2)

    response = client(mode).list_jobs(jobQueue="q")

    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(response["jobSummaryList"]) == 1
    assert len(sleeps) == 2
    assert [call.error.code if call.error else "ok" for call in fake.calls] == [
        "TooManyRequestsException",
        "TooManyRequestsException",
        "ok",
    ]


def test_throttling_past_the_retries_raises_what_aws_sends(
    fake: FakeBatch, sleeps: list[float]
) -> None:
    fake.inject_fault(times=3)

    with pytest.raises(ClientError) as raised:
        client(attempts=3).list_jobs(jobQueue="q")

    response = raised.value.response
    assert response["Error"] == {"Code": "TooManyRequestsException", "Message": "Too Many Requests"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert "message" not in response  # not a modeled Batch error: no members parsed


def test_server_exceptions_are_retried_then_raised(fake: FakeBatch, sleeps: list[float]) -> None:
    fake.inject_fault("ListJobs", error="ServerException", times=5)
    batch = client(attempts=2)

    with pytest.raises(batch.exceptions.ServerException) as raised:
        batch.list_jobs(jobQueue="q")

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(fake.get_calls("ListJobs")) == 2


def test_an_injected_client_exception_is_not_retried(fake: FakeBatch, sleeps: list[float]) -> None:
    fake.inject_fault(error="ClientException", message="Queue is being updated.")
    batch = client()

    with pytest.raises(batch.exceptions.ClientException) as raised:
        batch.list_jobs(jobQueue="q")

    message = raised.value.response["Error"]["Message"]
    assert re.fullmatch(
        r"Error executing request, Exception : Queue is being updated\., RequestId: \S+", message
    )
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert sleeps == []
    assert len(client().list_jobs(jobQueue="q")["jobSummaryList"]) == 1  # used up


def test_after_lets_calls_through_first(fake: FakeBatch, sleeps: list[float]) -> None:
    fake.inject_fault(after=2, times=1)
    batch = client(attempts=1)

    batch.list_jobs(jobQueue="q")
    batch.list_jobs(jobQueue="q")
    with pytest.raises(ClientError):
        batch.list_jobs(jobQueue="q")
    batch.list_jobs(jobQueue="q")


def test_a_fault_for_another_operation_leaves_listing_alone(fake: FakeBatch) -> None:
    fake.inject_fault("SubmitJob", times=10)

    response = client(attempts=1).list_jobs(jobQueue="q")

    assert response["ResponseMetadata"]["RetryAttempts"] == 0
    assert not fake.answers_on_the_wire("ListJobs")


def test_the_rate_limit_throttles_per_second_of_fake_time() -> None:
    with FakeBatch(rate_limit=2) as fake:
        fake.clock.set(1_000_000)
        fake.add_queue("q")
        batch = client(attempts=1)

        batch.list_jobs(jobQueue="q")
        batch.list_jobs(jobQueue="q")
        with pytest.raises(ClientError) as raised:
            batch.list_jobs(jobQueue="q")
        fake.clock.advance(0.5)
        batch.list_jobs(jobQueue="q")  # half a second refills one call

        assert raised.value.response["Error"]["Code"] == "TooManyRequestsException"
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


def test_the_rate_limit_is_a_marker_keyword(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_batch(rate_limit=5)
        def test_limited(fake_batch):
            assert fake_batch.rate_limit == 5
        """
    )

    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"error": "ThrottlingException"},
            ValueError,
            "error must be one of TooManyRequestsException, ServerException, ClientException; got 'ThrottlingException'",
        ),
        ({"times": 0}, ValueError, "times must be a whole number, 1 or more; got 0"),
        ({"after": -1}, ValueError, "after must be a whole number, 0 or more; got -1"),
        ({"times": 1.5}, ValueError, "times must be a whole number, 1 or more; got 1.5"),
        (
            {"message": "x"},
            ValueError,
            "TooManyRequestsException always says 'Too Many Requests'; message= is for ClientException",
        ),
        ({"error": "ClientException", "message": 3}, TypeError, "message must be a string, not 3"),
    ],
)
def test_bad_fault_arguments(
    fake: FakeBatch, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        fake.inject_fault(**kwargs)


@pytest.mark.parametrize("rate", [0, -1, "5", True])
def test_bad_rate_limit(rate: Any) -> None:
    with pytest.raises(
        ValueError, match="rate_limit must be a positive number of calls per second"
    ):
        FakeBatch(rate_limit=rate)


def test_a_rate_limit_under_one_a_second_still_lets_calls_through() -> None:
    with FakeBatch(rate_limit=0.5) as fake:
        fake.clock.set(1_000_000)
        fake.add_queue("q")
        batch = client(attempts=1)

        batch.list_jobs(jobQueue="q")
        with pytest.raises(ClientError):
            batch.list_jobs(jobQueue="q")
        fake.clock.advance(2)
        batch.list_jobs(jobQueue="q")
