"""aiobotocore clients are answered like botocore's: same results, same errors, both paths.

Each test runs its coroutine with ``asyncio.run``; no async pytest plugin is needed.
"""

from __future__ import annotations

import asyncio
import re
import stat
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch

aiobotocore_session = pytest.importorskip("aiobotocore.session")

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(params=[False, True], ids=["fast", "wire"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=6, wire=request.param) as fake:
        fake.clock.set(1_700_000_000_000)
        yield fake


async def list_with_aiobotocore(**params: Any) -> dict[str, Any]:
    session = aiobotocore_session.get_session()
    async with session.create_client("batch", region_name="us-east-1") as client:
        return await client.list_jobs(**params)  # type: ignore[no-any-return]


def outcome(call: Any) -> tuple[str, str]:
    """The exception's name (or "ok") and the response without its metadata; request ids differ
    from call to call, so they are masked."""
    try:
        name, response = "ok", call()
    except Exception as error:  # both clients raise botocore's ClientError subclasses
        name, response = type(error).__name__, error.response  # type: ignore[attr-defined]
    body = {key: value for key, value in response.items() if key != "ResponseMetadata"}
    return name, re.sub(r"RequestId: [0-9a-f-]+", "RequestId: *", repr(body))


@pytest.mark.parametrize(
    "params",
    [
        {"jobQueue": "q"},
        {"jobQueue": "q", "jobStatus": "FAILED", "maxResults": 2},
        {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["train*"]}]},
        {"jobQueue": "missing"},
        {"jobQueue": "q", "maxResults": 0},
        {"jobQueue": "q", "nextToken": "garbage"},
    ],
)
def test_async_clients_get_what_sync_clients_get(fake: FakeBatch, params: dict[str, Any]) -> None:
    fake.add_jobs(3, "q", job_name="train-a")
    fake.add_jobs(3, "q", status="FAILED")
    sync_client = boto3.client("batch", region_name="us-east-1")

    async_result = outcome(lambda: asyncio.run(list_with_aiobotocore(**params)))
    sync_result = outcome(lambda: sync_client.list_jobs(**params))

    assert async_result == sync_result


def test_async_paginator_walks_every_job_once(fake: FakeBatch) -> None:
    jobs = fake.add_jobs(25, "q")

    async def walk() -> list[str]:
        session = aiobotocore_session.get_session()
        async with session.create_client("batch", region_name="us-east-1") as client:
            paginator = client.get_paginator("list_jobs")
            seen = []
            async for page in paginator.paginate(jobQueue="q", PaginationConfig={"PageSize": 4}):
                seen += [summary["jobId"] for summary in page["jobSummaryList"]]
            return seen

    assert asyncio.run(walk()) == [job.job_id for job in reversed(jobs)]


def test_async_errors_are_the_modeled_exceptions(fake: FakeBatch) -> None:
    async def fail() -> str:
        session = aiobotocore_session.get_session()
        async with session.create_client("batch", region_name="us-east-1") as client:
            try:
                await client.list_jobs(jobQueue="nope")
            except client.exceptions.ClientException as error:
                return str(error.response["Error"]["Message"])
        return "no error"

    assert asyncio.run(fail()).startswith(
        "Error executing request, Exception : JobQueue nope not found., RequestId: "
    )


def test_async_clients_get_dummy_keys_and_never_run_a_credential_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "process-ran"
    script = tmp_path / "creds.sh"
    script.write_text(
        f"#!/bin/sh\ntouch {marker}\n"
        'echo \'{"Version": 1, "AccessKeyId": "AKIAREAL", "SecretAccessKey": "s"}\'\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    config = tmp_path / "config"
    config.write_text(f"[profile p]\ncredential_process = {script}\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))

    async def keys() -> str:
        session = aiobotocore_session.AioSession(profile="p")
        async with session.create_client("batch") as client:
            await client.list_jobs(jobQueue="q")
            credentials = await client._request_signer._credentials.get_frozen_credentials()
            return str(credentials.access_key)

    with FakeBatch() as fake:
        fake.add_queue("q")
        access_key = asyncio.run(keys())

    assert access_key == "FAKEBATCHTESTINGKEY0"
    assert not marker.exists()


def test_async_faults_are_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(_: float) -> None:
        return None

    monkeypatch.setattr(asyncio, "sleep", no_sleep)

    async def listed() -> dict[str, Any]:
        session = aiobotocore_session.get_session()
        async with session.create_client("batch", region_name="us-east-1") as client:
            return await client.list_jobs(jobQueue="q")  # type: ignore[no-any-return]

    with FakeBatch() as fake:
        fake.add_job("q")
        fake.inject_fault("ListJobs", times=2)
        response = asyncio.run(listed())

    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(response["jobSummaryList"]) == 1
