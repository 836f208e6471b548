"""Property tests: paginated ListJobs equals a plain reference filter-and-sort over every job.

The fake is built inside each example (``with FakeBatch(...)``), not through the function-scoped
fixture, which Hypothesis would share between examples.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_fakebatch import FakeBatch, Job

STATUSES = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"]
QUEUES = ["alpha", "beta"]
NAMES = ["train", "Train-2", "TRAIN", "test", "test10", "eval_x"]
DEFINITIONS = [None, "train", "train:1", "test", "testing"]
SHARES = [None, "a", "b"]

# Epoch milliseconds (factories refuse plausible seconds), in a narrow range: many ties.
T0 = 1_700_000_000_000
created = st.one_of(st.none(), st.integers(T0 + 1_000, T0 + 1_020))
common = {
    "job_queue": st.sampled_from(QUEUES),
    "job_name": st.sampled_from(NAMES),
    "job_definition": st.sampled_from(DEFINITIONS),
    "created_at": created,
}
simple_jobs = st.fixed_dictionaries(
    {**common, "status": st.sampled_from(STATUSES), "share_identifier": st.sampled_from(SHARES)}
).map(lambda kw: ("simple", kw))
array_jobs = (
    st.integers(2, 4)
    .flatmap(
        lambda size: st.fixed_dictionaries(
            {
                **common,
                "size": st.just(size),
                "child_statuses": st.lists(st.sampled_from(STATUSES), min_size=size, max_size=size),
            }
        )
    )
    .map(lambda kw: ("array", kw))
)
multinode_jobs = (
    st.integers(1, 3)
    .flatmap(
        lambda nodes: st.fixed_dictionaries(
            {
                **common,
                "num_nodes": st.just(nodes),
                "main_node": st.integers(0, nodes - 1),
                "status": st.sampled_from(STATUSES),
            }
        )
    )
    .map(lambda kw: ("multinode", kw))
)
stores = st.lists(st.one_of(simple_jobs, array_jobs, multinode_jobs), max_size=30)


def build(fake: FakeBatch, specs: list[tuple[str, dict[str, Any]]]) -> None:
    fake.clock.set(T0 + 1_010)
    for name in QUEUES:
        fake.add_queue(name)
    fake.add_job_definition("train")
    fake.add_job_definition("train")
    for kind, kwargs in specs:
        if kind == "simple":
            fake.add_job(**kwargs)
        elif kind == "array":
            fake.add_array_job(**kwargs)
        else:
            fake.add_multinode_job(**kwargs)


def filters() -> st.SearchStrategy[dict[str, Any]]:
    name_values = st.sampled_from(["train", "TRAIN*", "test*", "t*", "*", "eval_x", "nope"])
    definition_values = st.sampled_from(
        [
            "train",
            "train*",
            "test",
            "test*",
            "tes",
            "arn:aws:batch:us-east-1:123456789012:job-definition/train:1",
            "arn:aws:batch:us-east-1:123456789012:job-definition/train:2",
        ]
    )
    times = st.integers(T0 + 995, T0 + 1_025).map(str)
    return st.one_of(
        st.builds(lambda v: {"name": "JOB_NAME", "values": [v]}, name_values),
        st.builds(lambda v: {"name": "JOB_DEFINITION", "values": [v]}, definition_values),
        st.builds(lambda v: {"name": "BEFORE_CREATED_AT", "values": [v]}, times),
        st.builds(lambda v: {"name": "AFTER_CREATED_AT", "values": [v]}, times),
        st.builds(
            lambda v: {"name": "SHARE_IDENTIFIER", "values": [v]}, st.sampled_from(["a", "b"])
        ),
    )


@st.composite
def valid_requests(draw: st.DrawFn, jobs: list[Job]) -> dict[str, Any]:
    parents = [job for job in jobs if job.array_size is not None]
    multinode = [job for job in jobs if job.num_nodes is not None]
    selectors = [
        st.sampled_from([*QUEUES, f"arn:aws:batch:us-east-1:123456789012:job-queue/{QUEUES[0]}"])
    ]
    kinds = ["jobQueue"]
    if parents:
        kinds.append("arrayJobId")
        selectors.append(st.sampled_from([job.job_id for job in parents]))
    if multinode:
        kinds.append("multiNodeJobId")
        selectors.append(st.sampled_from([job.job_id for job in multinode]))
    which = draw(st.integers(0, len(kinds) - 1))
    request: dict[str, Any] = {kinds[which]: draw(selectors[which])}
    if draw(st.booleans()):
        request["jobStatus"] = draw(st.sampled_from(STATUSES))
    if draw(st.booleans()):
        request["filters"] = [draw(filters())]
    return request


def reference(jobs: list[Job], request: dict[str, Any]) -> list[str]:
    """What ListJobs should return, written as plainly as possible from the documentation."""
    if "jobQueue" in request:
        queue = request["jobQueue"].rpartition("/")[2]
        chosen = [j for j in jobs if j.parent_id is None and j.job_queue.endswith(f"/{queue}")]
        order = sorted(chosen, key=lambda j: (j.created_at, j.job_id), reverse=True)
        the_filter = (request.get("filters") or [None])[0]
    else:
        parent = request.get("arrayJobId") or request["multiNodeJobId"]
        chosen = [j for j in jobs if j.parent_id == parent]
        order = sorted(chosen, key=lambda j: (j.array_index or 0) + (j.node_index or 0))
        the_filter = None  # filters do not apply to children
    if the_filter is None or the_filter["name"] == "SHARE_IDENTIFIER":
        order = [j for j in order if j.status == request.get("jobStatus", "RUNNING")]
    if the_filter is not None:
        name, value = the_filter["name"], the_filter["values"][0]
        order = [j for j in order if matches(j, name, value)]
    return [j.job_id for j in order]


def matches(job: Job, name: str, value: str) -> bool:
    definition_name = job.job_definition.split("/")[-1].split(":")[0]
    if name == "JOB_NAME":
        if value.endswith("*"):
            return job.job_name.lower().startswith(value[:-1].lower())
        return job.job_name.lower() == value.lower()
    if name == "JOB_DEFINITION":
        if value.startswith("arn:"):
            return job.job_definition == value
        if value.endswith("*"):
            return definition_name.startswith(value[:-1])
        return definition_name == value
    if name == "BEFORE_CREATED_AT":
        return job.created_at < int(value)
    if name == "AFTER_CREATED_AT":
        return job.created_at > int(value)
    return job.share_identifier == value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=stores, page_size=st.integers(1, 4), data=st.data())
def test_paginated_listing_equals_the_reference(
    specs: list[tuple[str, dict[str, Any]]], page_size: int, data: st.DataObject
) -> None:
    with FakeBatch(seed=1) as fake:
        build(fake, specs)
        request = data.draw(valid_requests(fake.jobs), label="request")
        client = boto3.client("batch", region_name=fake.region)
        pages = client.get_paginator("list_jobs").paginate(
            **request, PaginationConfig={"PageSize": page_size}
        )

        listed = [summary["jobId"] for page in pages for summary in page["jobSummaryList"]]

        assert listed == reference(fake.jobs, request)
        assert len(listed) == len(set(listed))


def invalid_requests() -> st.SearchStrategy[dict[str, Any]]:
    """Requests botocore sends but the service rejects: one defect on top of a valid base."""
    base = st.fixed_dictionaries(
        {"jobQueue": st.sampled_from(QUEUES)},
        optional={"jobStatus": st.sampled_from(STATUSES), "maxResults": st.integers(1, 50)},
    )
    defects = st.sampled_from(
        [
            {"jobQueue": None},
            {"arrayJobId": "0f6e5c84-0000-4000-8000-000000000000"},
            {"multiNodeJobId": "x"},
            {"jobQueue": "missing"},
            {"jobQueue": ""},
            {"jobStatus": "DONE"},
            {"jobStatus": "running"},
            {"maxResults": 0},
            {"maxResults": -5},
            {"nextToken": "not-a-token"},
            {"nextToken": "WzEsImRlYWRiZWVmIiwxLCJhIl0"},
            {
                "filters": [
                    {"name": "JOB_NAME", "values": ["a"]},
                    {"name": "JOB_NAME", "values": ["b"]},
                ]
            },
            {"filters": [{"name": "JOB_NAME", "values": ["a", "b"]}]},
            {"filters": [{"name": "job_name", "values": ["a"]}]},
            {"filters": [{"name": "STATUS", "values": ["a"]}]},
            {"filters": [{"name": "JOB_NAME", "values": []}]},
            {"filters": [{"name": "JOB_NAME"}]},
            {"filters": [{"values": ["a"]}]},
            {"filters": [{"name": "AFTER_CREATED_AT", "values": ["yesterday"]}]},
            {"filters": [{"name": "BEFORE_CREATED_AT", "values": ["-1"]}]},
            {
                "filters": [
                    {
                        "name": "JOB_DEFINITION",
                        "values": ["arn:aws:batch:us-east-1:123456789012:job-definition/train*"],
                    }
                ]
            },
        ]
    )
    return st.builds(
        lambda b, d: {k: v for k, v in {**b, **d}.items() if v is not None}, base, defects
    )


@settings(max_examples=100, deadline=None)
@given(specs=stores, request=invalid_requests())
def test_invalid_requests_always_give_a_client_exception(
    specs: list[tuple[str, dict[str, Any]]], request: dict[str, Any]
) -> None:
    with FakeBatch(seed=1) as fake:
        build(fake, specs)
        client = boto3.client("batch", region_name=fake.region)
        with pytest.raises(client.exceptions.ClientException) as raised:
            client.list_jobs(**request)
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
