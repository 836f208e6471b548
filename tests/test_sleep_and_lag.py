"""sleep="fake" (time.sleep and asyncio.sleep move the fake's clock) and visibility_lag (a new job
is absent from the first reads): unmodified waiters and pollers run in milliseconds."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING, Any

import boto3
import botocore.waiter
import pytest
from botocore.exceptions import WaiterError

from pytest_fakebatch import FakeBatch

if TYPE_CHECKING:
    from botocore.client import BaseClient

_REAL_SLEEP = time.sleep
_REAL_ASYNCIO_SLEEP = asyncio.sleep

# A JobComplete waiter as Airflow's Amazon provider models it: DescribeJobs every 300 s.
WAITERS = botocore.waiter.WaiterModel(
    {
        "version": 2,
        "waiters": {
            "JobExists": {
                "operation": "DescribeJobs",
                "delay": 2,
                "maxAttempts": 10,
                "acceptors": [
                    {
                        "matcher": "path",
                        "argument": "length(jobs[]) > `0`",
                        "expected": True,
                        "state": "success",
                    },
                    {
                        "matcher": "path",
                        "argument": "length(jobs[]) == `0`",
                        "expected": True,
                        "state": "retry",
                    },
                ],
            },
            "JobComplete": {
                "operation": "DescribeJobs",
                "delay": 300,
                "maxAttempts": 100,
                "acceptors": [
                    {
                        "matcher": "pathAll",
                        "argument": "jobs[].status",
                        "expected": "SUCCEEDED",
                        "state": "success",
                    },
                    {
                        "matcher": "pathAny",
                        "argument": "jobs[].status",
                        "expected": "FAILED",
                        "state": "failure",
                    },
                ],
            },
        },
    }
)


def _ready(fake: FakeBatch) -> BaseClient:
    fake.add_queue("q")
    fake.add_job_definition("d")
    return boto3.client("batch", region_name=fake.region)


def _submit(client: BaseClient, name: str = "job", **params: Any) -> str:
    return str(client.submit_job(jobName=name, jobQueue="q", jobDefinition="d", **params)["jobId"])


def _poll(client: BaseClient, job_id: str) -> str:
    """A poller as production code writes it: describe, then time.sleep(30), until finished."""
    while True:
        [job] = client.describe_jobs(jobs=[job_id])["jobs"]
        if job["status"] in ("SUCCEEDED", "FAILED"):
            return str(job["status"])
        time.sleep(30)


# Waiters and pollers finish at once


def test_a_job_complete_waiter_finishes_without_sleeping_for_real() -> None:
    with FakeBatch(autorun=60, sleep="fake", seed=1) as fake:
        client = _ready(fake)
        job_id = _submit(client)
        fake_start = fake.clock.now_ms()
        wall_start = time.monotonic()

        botocore.waiter.create_waiter_with_client("JobComplete", WAITERS, client).wait(
            jobs=[job_id]
        )

        wall = time.monotonic() - wall_start
        slept = (fake.clock.now_ms() - fake_start) / 1000
        assert fake.get_job(job_id).status == "SUCCEEDED"
        assert slept >= 300  # the waiter slept 300 s of fake time ...
        assert wall < slept / 60  # ... and next to none of real time: a second per fake minute


def test_a_failing_job_makes_the_waiter_raise() -> None:
    with FakeBatch(autorun=60, sleep="fake", seed=1) as fake:
        client = _ready(fake)
        fake.outcome("doomed", exit_code=1)
        job_id = _submit(client, "doomed")

        with pytest.raises(WaiterError, match="terminal failure state"):
            botocore.waiter.create_waiter_with_client("JobComplete", WAITERS, client).wait(
                jobs=[job_id]
            )


def test_a_time_sleep_poller_finishes_without_sleeping_for_real() -> None:
    with FakeBatch(autorun="poll", sleep="fake", seed=1) as fake:
        client = _ready(fake)
        first = _submit(client, "first")
        second = _submit(client, "second", dependsOn=[{"jobId": first}])
        fake_start = fake.clock.now_ms()
        wall_start = time.monotonic()

        assert _poll(client, second) == "SUCCEEDED"

        wall = time.monotonic() - wall_start
        slept = (fake.clock.now_ms() - fake_start) / 1000
        assert slept >= 7 * 30  # eight polls, seven sleeps
        assert wall < slept / 60


def test_the_job_exists_waiter_takes_its_retry_path() -> None:
    with FakeBatch(visibility_lag=3, sleep="fake", seed=1) as fake:
        client = _ready(fake)
        job_id = _submit(client)

        botocore.waiter.create_waiter_with_client("JobExists", WAITERS, client).wait(jobs=[job_id])

        answers = [call.response for call in fake.get_calls("DescribeJobs")]
        assert answers == [{"jobs": []}] * 3 + [answers[-1]]
        assert answers[-1] is not None
        assert answers[-1]["jobs"][0]["jobId"] == job_id


def test_an_aiobotocore_poller_with_asyncio_sleep() -> None:
    pytest.importorskip("aiobotocore")
    from aiobotocore.session import get_session

    async def poll(job_id: str) -> str:
        async with get_session().create_client("batch", region_name="us-east-1") as client:
            while True:
                [job] = (await client.describe_jobs(jobs=[job_id]))["jobs"]
                if job["status"] in ("SUCCEEDED", "FAILED"):
                    return str(job["status"])
                await asyncio.sleep(30)

    with FakeBatch(autorun=30, sleep="fake", seed=1) as fake:
        client = _ready(fake)
        job_id = _submit(client)
        fake_start = fake.clock.now_ms()
        wall_start = time.monotonic()

        assert asyncio.run(poll(job_id)) == "SUCCEEDED"

        # Four steps of 30 s: the poller slept 120 s of the fake's time (creating the aiobotocore
        # client, the only real work, takes a fraction of that).
        slept = (fake.clock.now_ms() - fake_start) / 1000
        assert slept >= 120
        assert time.monotonic() - wall_start < slept / 10  # creating the client is timed too


# time.sleep and asyncio.sleep


def test_sleep_moves_the_clock_from_any_thread_and_is_restored_on_exit() -> None:
    with FakeBatch(sleep="fake") as fake:
        fake.clock.set(1_000_000)
        assert time.sleep is not _REAL_SLEEP
        worker = threading.Thread(target=time.sleep, args=(3600,))
        worker.start()
        worker.join()
        time.sleep(0.5)
        assert fake.clock.now_ms() == 1_000_000 + 3_600_500
    assert time.sleep is _REAL_SLEEP
    assert asyncio.sleep is _REAL_ASYNCIO_SLEEP


def test_asyncio_sleep_moves_the_clock_and_returns_its_result() -> None:
    with FakeBatch(sleep="fake") as fake:
        fake.clock.set(0)

        async def sleepers() -> list[str]:
            return list(
                await asyncio.gather(asyncio.sleep(60, result="a"), asyncio.sleep(30, result="b"))
            )

        assert asyncio.run(sleepers()) == ["a", "b"]
        assert fake.clock.now_ms() == 90_000


def test_real_sleep_by_default() -> None:
    with FakeBatch() as fake:
        assert fake.sleep == "real"
        assert time.sleep is _REAL_SLEEP


def test_nested_fakes_each_keep_their_own_sleep() -> None:
    with FakeBatch(sleep="fake") as outer:
        outer.clock.set(0)
        with FakeBatch() as inner:  # real sleep: the outer fake's clock does not move
            inner.clock.set(0)
            start = time.monotonic()
            time.sleep(0.01)
            assert time.monotonic() - start >= 0.01
            assert outer.clock.now_ms() == inner.clock.now_ms() == 0
        time.sleep(10)
        assert outer.clock.now_ms() == 10_000
        with FakeBatch(sleep="fake") as inner_fake:
            inner_fake.clock.set(0)
            time.sleep(5)
            assert (inner_fake.clock.now_ms(), outer.clock.now_ms()) == (5_000, 10_000)
        assert time.sleep is not _REAL_SLEEP  # the outer fake is still active
        time.sleep(1)
        assert outer.clock.now_ms() == 11_000
    assert time.sleep is _REAL_SLEEP


def test_an_inner_fake_sleep_is_restored_when_it_ends() -> None:
    with FakeBatch() as outer:
        with FakeBatch(sleep="fake"):
            assert time.sleep is not _REAL_SLEEP
        assert time.sleep is _REAL_SLEEP
        assert outer.active


def test_bad_sleep_lengths_raise_as_the_real_sleep_does() -> None:
    with FakeBatch(sleep="fake"), pytest.raises(ValueError, match="must be non-negative"):
        time.sleep(-1)


def test_a_bad_sleep_mode() -> None:
    with pytest.raises(ValueError, match="sleep must be 'real' or 'fake', not 'yes'"):
        FakeBatch(sleep="yes")  # type: ignore[arg-type]


# visibility_lag


def test_a_submitted_job_is_absent_from_the_first_reads() -> None:
    with FakeBatch(visibility_lag=2, seed=1) as fake:
        client = _ready(fake)
        seeded = fake.add_job("q", status="SUBMITTED")
        job_id = _submit(client)
        request = {"jobQueue": "q", "jobStatus": "SUBMITTED"}

        first = client.list_jobs(**request)["jobSummaryList"]
        second = client.describe_jobs(jobs=[job_id, seeded.job_id])["jobs"]
        third = client.list_jobs(**request)["jobSummaryList"]

        assert [summary["jobId"] for summary in first] == [seeded.job_id]
        assert [job["jobId"] for job in second] == [seeded.job_id]
        assert {summary["jobId"] for summary in third} == {job_id, seeded.job_id}
        # The fake's own view is never lagging.
        assert fake.get_job(job_id).status == "SUBMITTED"


def test_array_children_are_hidden_with_their_job() -> None:
    with FakeBatch(visibility_lag=1, seed=1) as fake:
        client = _ready(fake)
        parent = _submit(client, arrayProperties={"size": 2})

        assert client.describe_jobs(jobs=[parent, f"{parent}:0", f"{parent}:1"])["jobs"] == []
        assert len(client.describe_jobs(jobs=[parent, f"{parent}:0"])["jobs"]) == 2


@pytest.mark.parametrize(
    ("value", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("2", TypeError)]
)
def test_bad_visibility_lag(value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="visibility_lag must be"):
        FakeBatch(visibility_lag=value)  # type: ignore[arg-type]
