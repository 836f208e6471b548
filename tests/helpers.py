"""Helpers shared by the tests."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.awsrequest import AWSPreparedRequest
    from botocore.client import BaseClient

    from pytest_fakebatch import Job

import pytest
from botocore.exceptions import ClientError

#: Parametrize a test using the fake_batch fixture over the fast and the wire path.
PATHS = [
    pytest.param(False, id="fast"),
    pytest.param(True, id="wire", marks=pytest.mark.fake_batch(wire=True)),
]

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


def refused(call: Any, **params: Any) -> str:
    """The detail of the ClientException ``call(**params)`` raises, its envelope checked."""
    __tracebackhide__ = True
    with pytest.raises(ClientError) as raised:  # botocore's modeled ClientException is one
        call(**params)
    return client_error_detail(raised.value)


class AsyncClient:
    """An aiobotocore Batch client behind botocore's synchronous calls, so that the listing tests
    written for botocore run against aiobotocore unchanged (list_jobs, exceptions, paginators)."""

    def __init__(self, region: str) -> None:
        import asyncio

        from aiobotocore.session import get_session

        self._loop = asyncio.new_event_loop()
        self._context = get_session().create_client("batch", region_name=region)
        self._client = self._run(self._context.__aenter__())
        self.exceptions = self._client.exceptions
        self.meta = self._client.meta

    def _run(self, awaitable: Any) -> Any:
        return self._loop.run_until_complete(awaitable)

    def list_jobs(self, **params: Any) -> Any:
        return self._run(self._client.list_jobs(**params))

    def __getattr__(self, name: str) -> Any:
        # Every other API method (submit_job, describe_jobs, ...), run to completion.
        meta = self.__dict__.get("meta")
        if meta is None or name not in meta.method_to_api_mapping:
            raise AttributeError(name)
        method = getattr(self._client, name)
        return lambda **params: self._run(method(**params))

    def get_paginator(self, name: str) -> _AsyncPaginator:
        return _AsyncPaginator(self, self._client.get_paginator(name))

    def close(self) -> None:
        self._run(self._context.__aexit__(None, None, None))
        self._loop.close()


class _AsyncPaginator:
    def __init__(self, client: AsyncClient, paginator: Any) -> None:
        self._client, self._paginator = client, paginator

    def paginate(self, **params: Any) -> _AsyncPages:
        return _AsyncPages(self._client, self._paginator.paginate(**params))


class _AsyncPages:
    def __init__(self, client: AsyncClient, pages: Any) -> None:
        self._client, self._pages = client, pages

    def __iter__(self) -> Iterator[Any]:
        async def collect() -> list[Any]:
            return [page async for page in self._pages]

        return iter(self._client._run(collect()))

    def build_full_result(self) -> Any:
        return self._client._run(self._pages.build_full_result())


def record_requests(client: BaseClient, *, first: bool = False) -> list[AWSPreparedRequest]:
    """The requests this client creates for its HTTP layer (only the wire path builds them), as
    ``request-created`` hands them to the signer, seen by a handler registered first or last.
    (Not ``before-send``: while a fake is active, only the fake sees that event for Batch.)"""
    requests: list[AWSPreparedRequest] = []

    def record(request: AWSPreparedRequest, **_: Any) -> None:
        requests.append(request)

    register = client.meta.events.register_first if first else client.meta.events.register_last
    register("request-created.batch", record)
    return requests
