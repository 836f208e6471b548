"""Array jobs and multi-node parallel jobs: factories and their ListJobs listings."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch
from tests.helpers import client_error_detail, ids

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient


@pytest.fixture(params=[False, True], ids=["fast", "wire"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=9, wire=request.param) as fake:
        fake.clock.set(50_000)
        yield fake


class TestArrayFactory:
    def test_children(self, fake: FakeBatch) -> None:
        parent = fake.add_array_job("q", size=3, job_name="sweep")

        assert parent.array_size == 3
        assert [child.job_id for child in parent.children] == [
            f"{parent.job_id}:{i}" for i in range(3)
        ]
        assert [child.array_index for child in parent.children] == [0, 1, 2]
        assert parent.children[2].job_arn == f"{parent.job_arn}:2"
        assert {child.job_name for child in parent.children} == {"sweep"}
        assert fake.get_job(f"{parent.job_id}:1") == parent.children[1]
        assert fake.get_job(parent.job_id).children == parent.children

    @pytest.mark.parametrize(
        ("child_statuses", "parent_status"),
        [
            (None, "PENDING"),
            ("SUBMITTED", "SUBMITTED"),
            (["SUCCEEDED", "RUNNING"], "PENDING"),
            (["SUCCEEDED", "SUCCEEDED"], "SUCCEEDED"),
            (["SUCCEEDED", "FAILED"], "FAILED"),
            (["RUNNABLE", "FAILED"], "PENDING"),
        ],
    )
    def test_parent_status_follows_children(
        self, fake: FakeBatch, child_statuses: Any, parent_status: str
    ) -> None:
        parent = fake.add_array_job(size=2, child_statuses=child_statuses)

        assert parent.status == parent_status
        assert parent.started_at is None
        assert parent.exit_code is None

    @pytest.mark.parametrize(
        ("status", "child"),
        [("SUCCEEDED", "SUCCEEDED"), ("FAILED", "FAILED"), ("PENDING", "RUNNING")],
    )
    def test_status_alone_sets_the_children(self, fake: FakeBatch, status: Any, child: str) -> None:
        parent = fake.add_array_job(size=2, status=status)

        assert {c.status for c in parent.children} == {child}
        assert parent.status == status

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"size": 1}, ValueError, "size must be from 2 to 10,000, as AWS Batch allows; got 1"),
            ({"size": 10_001}, ValueError, "size must be from 2 to 10,000"),
            ({"size": "2"}, TypeError, "size must be an int, not '2'"),
            (
                {"size": 2, "status": "RUNNING"},
                ValueError,
                "an array parent's status is one of SUBMITTED, PENDING, SUCCEEDED, FAILED; got 'RUNNING'",
            ),
            (
                {"size": 2, "status": "SUCCEEDED", "child_statuses": ["SUCCEEDED", "FAILED"]},
                ValueError,
                "an array parent whose children are 1 SUCCEEDED, 1 FAILED is FAILED, not SUCCEEDED",
            ),
            (
                {"size": 3, "child_statuses": ["RUNNING"]},
                ValueError,
                "child_statuses has 1 statuses for 3 jobs",
            ),
            ({"size": 2, "child_statuses": "DONE"}, ValueError, "status must be one of"),
            (
                {"size": 2, "child_statuses": 5},
                TypeError,
                "child_statuses must be a status or a list of statuses, not 5",
            ),
        ],
    )
    def test_bad_arguments(
        self, fake: FakeBatch, kwargs: dict[str, Any], error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error, match=re.escape(message)):
            fake.add_array_job(**kwargs)
        assert fake.jobs == []


class TestMultiNodeFactory:
    def test_nodes(self, fake: FakeBatch) -> None:
        job = fake.add_multinode_job("q", num_nodes=3, main_node=1)

        assert job.num_nodes == 3
        assert [node.job_id for node in job.nodes] == [f"{job.job_id}#{i}" for i in range(3)]
        assert [node.node_index for node in job.nodes] == [0, 1, 2]
        assert [node.is_main_node for node in job.nodes] == [False, True, False]
        assert {node.status for node in job.nodes} == {"RUNNING"}
        assert fake.get_job(f"{job.job_id}#2") == job.nodes[2]

    def test_final_status_and_exit_come_from_the_main_node(self, fake: FakeBatch) -> None:
        job = fake.add_multinode_job(
            num_nodes=2, status="FAILED", node_statuses=["FAILED", "SUCCEEDED"]
        )

        assert (job.status, job.exit_code, job.status_reason) == (
            "FAILED",
            1,
            job.nodes[0].status_reason,
        )

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"num_nodes": 0}, ValueError, "num_nodes must be from 1 to 1,000, not 0"),
            ({"num_nodes": 1001}, ValueError, "num_nodes must be from 1 to 1,000"),
            (
                {"num_nodes": 2, "main_node": 2},
                ValueError,
                "main_node must be a node index from 0 to 1, not 2",
            ),
            ({"num_nodes": 2.0}, TypeError, "num_nodes must be an int, not 2.0"),
            (
                {"num_nodes": 2, "status": "SUCCEEDED", "node_statuses": ["FAILED", "SUCCEEDED"]},
                ValueError,
                "a multi-node job's final status is its main node's: node 0 is FAILED but the job is SUCCEEDED",
            ),
            (
                {"num_nodes": 2, "status": "RUNNING", "node_statuses": "SUCCEEDED"},
                ValueError,
                "node 0 is SUCCEEDED but the job is RUNNING",
            ),
        ],
    )
    def test_bad_arguments(
        self, fake: FakeBatch, kwargs: dict[str, Any], error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error, match=re.escape(message)):
            fake.add_multinode_job(**kwargs)
        assert fake.jobs == []


class TestListings:
    def test_queue_listing_holds_parents_only(self, fake: FakeBatch, client: BaseClient) -> None:
        array = fake.add_array_job("q", size=3, child_statuses="RUNNING")
        mnp = fake.add_multinode_job("q", num_nodes=2)

        pending = client.list_jobs(jobQueue="q", jobStatus="PENDING")["jobSummaryList"]
        running = client.list_jobs(jobQueue="q")["jobSummaryList"]

        assert [s["jobId"] for s in pending] == [array.job_id]
        assert pending[0]["arrayProperties"] == {
            "size": 3,
            "statusSummary": {
                "SUBMITTED": 0,
                "PENDING": 0,
                "RUNNABLE": 0,
                "STARTING": 0,
                "RUNNING": 3,
                "SUCCEEDED": 0,
                "FAILED": 0,
            },
        }
        assert not {"container", "startedAt", "stoppedAt"} & set(pending[0])
        assert [s["jobId"] for s in running] == [mnp.job_id]
        assert running[0]["nodeProperties"] == {"numNodes": 2}

    def test_array_children_in_index_order_with_status_rules(
        self, fake: FakeBatch, client: BaseClient
    ) -> None:
        statuses: Any = ["RUNNING"] * 12 + ["FAILED"]
        parent = fake.add_array_job("q", size=13, child_statuses=statuses)

        running = client.list_jobs(arrayJobId=parent.job_id)
        failed = client.list_jobs(arrayJobId=parent.job_id, jobStatus="FAILED")

        assert ids(running) == [f"{parent.job_id}:{i}" for i in range(12)]
        assert [s["arrayProperties"] for s in running["jobSummaryList"]][:2] == [
            {"index": 0},
            {"index": 1},
        ]
        assert ids(failed) == [f"{parent.job_id}:12"]
        assert failed["jobSummaryList"][0]["container"] == {"exitCode": 1}

    def test_children_paginate(self, fake: FakeBatch, client: BaseClient) -> None:
        parent = fake.add_array_job("q", size=25)

        pages = list(
            client.get_paginator("list_jobs").paginate(
                arrayJobId=parent.job_id, PaginationConfig={"PageSize": 10}
            )
        )

        assert [len(page["jobSummaryList"]) for page in pages] == [10, 10, 5]
        assert [i for page in pages for i in ids(page)] == [
            f"{parent.job_id}:{i}" for i in range(25)
        ]

    def test_nodes_listing(self, fake: FakeBatch, client: BaseClient) -> None:
        job = fake.add_multinode_job("q", num_nodes=3, main_node=2)

        summaries = client.list_jobs(multiNodeJobId=job.job_id)["jobSummaryList"]

        assert [s["jobId"] for s in summaries] == [f"{job.job_id}#{i}" for i in range(3)]
        assert [s["nodeProperties"] for s in summaries] == [
            {"nodeIndex": 0, "isMainNode": False},
            {"nodeIndex": 1, "isMainNode": False},
            {"nodeIndex": 2, "isMainNode": True},
        ]

    def test_filters_do_not_apply_to_children(self, fake: FakeBatch, client: BaseClient) -> None:
        parent = fake.add_array_job("q", size=2, job_name="sweep")

        response = client.list_jobs(
            arrayJobId=parent.job_id, filters=[{"name": "JOB_NAME", "values": ["other"]}]
        )

        assert ids(response) == [f"{parent.job_id}:0", f"{parent.job_id}:1"]

    @pytest.mark.parametrize("selector", ["arrayJobId", "multiNodeJobId"])
    def test_unknown_or_wrong_kind_of_parent(
        self, fake: FakeBatch, client: BaseClient, selector: str
    ) -> None:
        simple = fake.add_job("q")
        array = fake.add_array_job("q", size=2)
        mnp = fake.add_multinode_job("q", num_nodes=2)
        wrong = mnp if selector == "arrayJobId" else array
        kind = "array" if selector == "arrayJobId" else "multi-node parallel"

        for job_id in ("no-such-job", simple.job_id, wrong.job_id, f"{array.job_id}:0"):
            with pytest.raises(client.exceptions.ClientException) as raised:
                client.list_jobs(**{selector: job_id})
            assert client_error_detail(raised.value) == f"No {kind} job found with id {job_id}."

    def test_parent_in_another_region_is_not_found(self, fake: FakeBatch) -> None:
        parent = fake.add_array_job("q", size=2, region="eu-west-1")
        here = boto3.client("batch", region_name=fake.region)

        with pytest.raises(here.exceptions.ClientException):
            here.list_jobs(arrayJobId=parent.job_id)
        there = boto3.client("batch", region_name="eu-west-1")
        assert len(ids(there.list_jobs(arrayJobId=parent.job_id))) == 2
