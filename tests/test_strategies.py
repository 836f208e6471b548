"""The Hypothesis strategies, used the way the documentation tells users to."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_fakebatch import FakeBatch, Job
from pytest_fakebatch import strategies as fbst
from pytest_fakebatch.models import FINISHED_STATUSES, JOB_STATUSES, STARTED_STATUSES

JOB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")


def test_importing_the_strategies_does_not_import_botocore() -> None:
    code = (
        "import sys\n"
        "import pytest_fakebatch.strategies, pytest_fakebatch.models\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('botocore', 'boto3')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"


@given(name=fbst.job_names())
def test_job_names_are_valid(name: str) -> None:
    assert JOB_NAME.match(name)


@given(status=fbst.job_statuses())
def test_job_statuses(status: str) -> None:
    assert status in JOB_STATUSES


@settings(max_examples=50, deadline=None)
@given(kwargs=fbst.jobs())
def test_jobs_are_accepted_by_add_job(kwargs: dict[str, Any]) -> None:
    # The documented pattern: the fake is built inside the test body, once per example.
    with FakeBatch(seed=0) as fake:
        job = fake.add_job(**kwargs)

        listed = boto3.client("batch", region_name=fake.region).list_jobs(
            jobQueue=kwargs["job_queue"], jobStatus=kwargs["status"]
        )

        assert [s["jobId"] for s in listed["jobSummaryList"]] == [job.job_id]


@given(kwargs=fbst.jobs(status="FAILED", job_queue="fixed"))
def test_jobs_keeps_fixed_keywords(kwargs: dict[str, Any]) -> None:
    assert kwargs["status"] == "FAILED"
    assert kwargs["job_queue"] == "fixed"
    assert FakeBatch(seed=0).add_job(**kwargs).status == "FAILED"


@settings(max_examples=40, deadline=None)
@given(kwargs=fbst.array_jobs(max_size=6))
def test_array_jobs_are_accepted(kwargs: dict[str, Any]) -> None:
    parent = FakeBatch(seed=0).add_array_job(**kwargs)

    assert parent.array_size == kwargs["size"] == len(parent.children)


@settings(max_examples=40, deadline=None)
@given(kwargs=fbst.multinode_jobs(max_nodes=5))
def test_multinode_jobs_are_accepted(kwargs: dict[str, Any]) -> None:
    job = FakeBatch(seed=0).add_multinode_job(**kwargs)

    assert job.num_nodes == kwargs["num_nodes"] == len(job.nodes)
    assert job.nodes[kwargs["main_node"]].is_main_node


@settings(max_examples=40, deadline=None)
@given(data=st.data(), store=fbst.stores(max_jobs=15))
def test_valid_requests_are_accepted(data: st.DataObject, store: FakeBatch) -> None:
    with store:
        client = boto3.client("batch", region_name=store.region)
        request = data.draw(fbst.list_jobs_requests(valid=True, fake=store))

        response = client.list_jobs(**request)

        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


@settings(max_examples=60, deadline=None)
@given(data=st.data(), store=fbst.stores(max_jobs=10))
def test_invalid_requests_are_rejected(data: st.DataObject, store: FakeBatch) -> None:
    with store:
        client = boto3.client("batch", region_name=store.region)
        request = data.draw(fbst.list_jobs_requests(valid=False, fake=store))

        with pytest.raises(client.exceptions.ClientException):
            client.list_jobs(**request)


@given(job=st.from_type(Job))
def test_from_type_draws_consistent_jobs(job: Job) -> None:
    assert (job.started_at is not None) == (job.status in STARTED_STATUSES)
    assert (job.stopped_at is not None) == (job.status in FINISHED_STATUSES)
    assert (job.exit_code is not None) == (job.status in FINISHED_STATUSES)
    if job.started_at is not None:
        assert job.created_at <= job.started_at
    if job.stopped_at is not None and job.started_at is not None:
        assert job.started_at <= job.stopped_at


@pytest.mark.parametrize(
    ("strategy", "kwargs", "message"),
    [
        (fbst.job_names, {"max_size": 0}, "max_size must be from 1 to 128, not 0"),
        (fbst.array_jobs, {"max_size": 1}, "max_size must be from 2 to 10,000, not 1"),
        (fbst.multinode_jobs, {"max_nodes": 0}, "max_nodes must be from 1 to 1,000, not 0"),
        (fbst.stores, {"max_jobs": -1}, "max_jobs must be 0 or more, not -1"),
    ],
)
def test_bad_strategy_arguments(strategy: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        strategy(**kwargs)


@settings(max_examples=60, deadline=None)
@given(
    kwargs=st.one_of(
        fbst.jobs(created_at=1_800_000_000_000),
        fbst.jobs(status="SUCCEEDED", started_at=1_700_000_000_020),
        fbst.jobs(status="FAILED", created_at=100_000_000_005, stopped_at=100_010_000_000),
    )
)
def test_jobs_draws_timestamps_around_fixed_ones(kwargs: dict[str, Any]) -> None:
    job = FakeBatch(seed=0).add_job(**kwargs)

    for name in ("created_at", "started_at", "stopped_at"):
        if name in kwargs and kwargs[name] is not None:
            assert getattr(job, name) == kwargs[name]
