"""The fast path (before-call) returns exactly what botocore parses off the wire path (before-send)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_fakebatch import FakeBatch
from tests.test_list_jobs_properties import build, filters, stores

if TYPE_CHECKING:
    from collections.abc import Callable

STATUSES = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"]
QUEUES = ["alpha", "beta"]

job_specs = st.lists(
    st.fixed_dictionaries(
        {
            "job_queue": st.sampled_from(QUEUES),
            "status": st.sampled_from(STATUSES),
            "created_at": st.one_of(st.none(), st.integers(1_700_000_000_000, 1_700_000_000_050)),
            "share_identifier": st.one_of(st.none(), st.sampled_from(["a", "b"])),
        }
    ),
    max_size=40,
)

requests = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "jobQueue": st.sampled_from([*QUEUES, "missing", ""]),
            "arrayJobId": st.just("0f6e5c84-0000-4000-8000-000000000000"),
            "jobStatus": st.sampled_from([*STATUSES, "BOGUS"]),
            "maxResults": st.integers(-2, 60),
            "nextToken": st.sampled_from(["", "garbage", "previous"]),
        },
    ),
    min_size=1,
    max_size=6,
)


def call(client: Any, request: dict[str, Any], previous_token: str | None) -> tuple[str, Any]:
    request = dict(request)
    if request.get("nextToken") == "previous":
        if previous_token is None:
            del request["nextToken"]
        else:
            request["nextToken"] = previous_token
    try:
        return "ok", client.list_jobs(**request)
    except client.exceptions.ClientException as error:
        return type(error).__name__, error.response


def run(
    wire: bool, seed: int, jobs: list[dict[str, Any]], calls: list[dict[str, Any]]
) -> list[Any]:
    def seed_simple_jobs(fake: FakeBatch) -> None:
        fake.clock.set(1_700_000_000_000)
        for name in QUEUES:
            fake.add_queue(name)
        for spec in jobs:
            fake.add_job(**spec)

    return outcomes(wire, seed, seed_simple_jobs, calls)


def outcomes(
    wire: bool, seed: int, seed_store: Callable[[FakeBatch], None], requests: list[dict[str, Any]]
) -> list[tuple[str, Any]]:
    """What each request got (a response, or an error's response); a request may walk on from
    the previous nextToken."""
    with FakeBatch(seed=seed, wire=wire) as fake:
        seed_store(fake)
        client = boto3.client("batch", region_name=fake.region)
        results = []
        token = None
        for request in requests:
            outcome = call(client, request, token)
            results.append(outcome)
            if outcome[0] == "ok":
                token = outcome[1].get("nextToken", token)
        return results


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), jobs=job_specs, calls=requests)
def test_fast_and_wire_paths_agree(
    seed: int, jobs: list[dict[str, Any]], calls: list[dict[str, Any]]
) -> None:
    fast = run(False, seed, jobs, calls)
    wire = run(True, seed, jobs, calls)

    assert fast == wire


def run_rich(
    wire: bool, specs: list[tuple[str, dict[str, Any]]], requests: list[dict[str, Any]]
) -> list[Any]:
    return outcomes(wire, 11, lambda fake: build(fake, specs), requests)


@st.composite
def rich_requests(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Queue listings with and without filters, and array and multi-node listings by position."""
    requests = []
    for _ in range(draw(st.integers(1, 5))):
        request: dict[str, Any] = {"jobQueue": draw(st.sampled_from(QUEUES))}
        if draw(st.booleans()):
            request["jobStatus"] = draw(st.sampled_from(STATUSES))
        if draw(st.booleans()):
            request["filters"] = [draw(filters())]
        if draw(st.booleans()):
            request["maxResults"] = draw(st.integers(1, 4))
        if draw(st.booleans()):
            request["nextToken"] = "previous"
        requests.append(request)
    return requests


@settings(max_examples=40, deadline=None)
@given(specs=stores, requests=rich_requests(), data=st.data())
def test_paths_agree_on_arrays_nodes_and_filters(
    specs: list[tuple[str, dict[str, Any]]], requests: list[dict[str, Any]], data: st.DataObject
) -> None:
    with FakeBatch(seed=11) as probe:  # the same seed gives the same parent ids in both runs
        build(probe, specs)
        parents = [j.job_id for j in probe.jobs if j.array_size or j.num_nodes]
    if parents:
        parent = data.draw(st.sampled_from(parents))
        selector = "arrayJobId" if probe.get_job(parent).array_size else "multiNodeJobId"
        requests = [*requests, {selector: parent, "maxResults": 1}, {selector: parent}]

    assert run_rich(False, specs, requests) == run_rich(True, specs, requests)
