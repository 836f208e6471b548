"""Jobs and consumable resources through real clients: what RegisterJobDefinition and
SubmitJob accept, how jobs hold resources while they run (advance, complete, set_status, run_all,
retries, CancelJob, TerminateJob, array jobs, deletion), and ListJobsByConsumableResource.

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path; the others on the fast path with boto3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch
from tests.consumable_helpers import (
    ARN,
    BOTH_PATHS,
    CONTAINER,
    licensed,
    needs,
    quantities,
    register,
    submit,
)
from tests.helpers import refused

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=13, wire=getattr(request, "param", False)) as fake:
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


# What jobs require: RegisterJobDefinition and SubmitJob


@BOTH_PATHS
def test_jobs_show_what_they_require(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_consumable_resource("licences", total_quantity=4)
    fake.add_consumable_resource("db", total_quantity=4)
    fake.add_queue("q")
    register(client, licences=2)

    plain = submit(client)
    overridden = submit(
        client,
        consumableResourcePropertiesOverride=needs(("licences", 1), ("db", 3)),
    )
    [definition] = client.describe_job_definitions(jobDefinitionName="licensed")["jobDefinitions"]
    jobs = client.describe_jobs(jobs=[plain, overridden])["jobs"]

    assert definition["consumableResourceProperties"] == needs(("licences", 2))
    assert [job["consumableResourceProperties"] for job in jobs] == [
        needs(("licences", 2)),
        needs(("licences", 1), ("db", 3)),
    ]


@pytest.mark.parametrize(
    ("requirement", "detail"),
    [
        (needs(("nope", 1)), "ConsumableResource nope not found."),
        (
            needs(("licences", 0)),
            "The quantity of consumable resource licences must be at least 1, got 0.",
        ),
        (
            needs(("licences", 1), (f"{ARN}:consumable-resource/licences", 1)),
            "ConsumableResource licences is listed more than once.",
        ),
        (
            needs(*[("licences", 1)] * 6),
            "A job can require up to 5 consumable resources, got 6.",
        ),
        (
            {"consumableResourceList": [{"quantity": 1}]},
            "Each consumableResourceList entry needs consumableResource and quantity.",
        ),
    ],
)
def test_what_a_job_definition_or_job_may_require(
    fake: FakeBatch, batch: BaseClient, requirement: dict[str, Any], detail: str
) -> None:
    fake.add_consumable_resource("licences")
    fake.add_job_definition("plain")
    fake.add_queue("q")

    assert (
        refused(
            batch.register_job_definition,
            jobDefinitionName="d",
            type="container",
            containerProperties=CONTAINER,
            consumableResourceProperties=requirement,
        )
        == detail
    )
    assert (
        refused(
            batch.submit_job,
            jobName="j",
            jobQueue="q",
            jobDefinition="plain",
            consumableResourcePropertiesOverride=requirement,
        )
        == detail
    )
    assert fake.jobs == []


# Jobs hold what they require while they run


@BOTH_PATHS
def test_a_replenishable_resource_is_held_from_starting_until_the_job_ends(
    fake: FakeBatch, client: BaseClient
) -> None:
    licensed(fake, client, 3, needed=2)
    first, second = submit(client), submit(client)
    fake.advance()  # both RUNNABLE
    assert quantities(client, "licences") == (3, 0, 3)

    fake.advance()  # the first takes 2; the second needs 2 of the 1 left and waits

    assert [fake.get_job(job).status for job in (first, second)] == ["STARTING", "RUNNABLE"]
    assert quantities(client, "licences") == (3, 2, 1)
    fake.advance()
    assert [fake.get_job(job).status for job in (first, second)] == ["RUNNING", "RUNNABLE"]

    fake.complete(first)

    assert quantities(client, "licences") == (3, 0, 3)
    fake.advance()
    assert fake.get_job(second).status == "STARTING"
    assert quantities(client, "licences") == (3, 2, 1)


def test_a_non_replenishable_resource_is_used_up(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_consumable_resource("credits", total_quantity=5, resource_type="NON_REPLENISHABLE")
    fake.add_queue("q")
    register(batch, credits=2)
    jobs = [submit(batch) for _ in range(3)]

    fake.advance()
    fake.advance()
    assert [fake.get_job(job).status for job in jobs] == ["STARTING", "STARTING", "RUNNABLE"]
    assert quantities(batch, "credits") == (5, 4, 1)
    fake.complete(jobs[0])
    fake.complete(jobs[1], exit_code=1)  # a failed job used its share too

    assert quantities(batch, "credits") == (1, 0, 1)
    with pytest.raises(ValueError, match=r"needs 2 of consumable resource credits, which has 1"):
        fake.advance(jobs[2])


def test_run_all_leaves_a_job_waiting_for_a_used_up_resource_runnable(
    fake: FakeBatch, batch: BaseClient
) -> None:
    fake.add_consumable_resource("credits", total_quantity=3, resource_type="NON_REPLENISHABLE")
    fake.add_consumable_resource("licences", total_quantity=1)
    fake.add_queue("q")
    register(batch, "spends", credits=2)
    register(batch, "shares", licences=1)
    spenders = [submit(batch, "spends") for _ in range(2)]
    sharers = [submit(batch, "shares") for _ in range(3)]

    fake.run_all()  # returns: it does not wait for quantity that never comes back

    assert [fake.get_job(job).status for job in spenders] == ["SUCCEEDED", "RUNNABLE"]
    # One licence: the three ran one after another.
    assert [fake.get_job(job).status for job in sharers] == ["SUCCEEDED"] * 3
    assert quantities(batch, "credits") == (1, 0, 1)
    assert quantities(batch, "licences") == (1, 0, 1)
    batch.update_consumable_resource(consumableResource="credits", operation="ADD", quantity=1)
    fake.run_all()
    assert fake.get_job(spenders[1]).status == "SUCCEEDED"
    assert quantities(batch, "credits") == (0, 0, 0)


def test_the_test_cannot_start_a_job_whose_resource_is_exhausted(
    fake: FakeBatch, batch: BaseClient
) -> None:
    licensed(fake, batch, 1)
    holder, waiting = submit(batch), submit(batch)
    fake.set_status(holder, "RUNNING")

    for move in (
        lambda: fake.set_status(waiting, "RUNNING"),
        lambda: fake.set_status(waiting, "SUCCEEDED"),
        lambda: fake.set_status(waiting, "FAILED", exit_code=2),
        lambda: fake.complete(waiting),
    ):
        with pytest.raises(ValueError, match=f"job {waiting} cannot"):
            move()
        assert fake.get_job(waiting).status == "SUBMITTED"
    # A move that does not start the job is allowed.
    assert fake.set_status(waiting, "RUNNABLE").status == "RUNNABLE"
    with pytest.raises(ValueError, match="licences, which has 0 available"):
        fake.advance(waiting)
    fake.set_status(waiting, "FAILED")  # never ran: it took nothing
    assert quantities(batch, "licences") == (1, 1, 0)


def test_a_retry_lets_go_and_takes_again(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_consumable_resource("licences", total_quantity=1)
    fake.add_queue("q")
    batch.register_job_definition(
        jobDefinitionName="retried",
        type="container",
        containerProperties=CONTAINER,
        retryStrategy={"attempts": 2},
        consumableResourceProperties=needs(("licences", 1)),
    )
    job = submit(batch, "retried")

    fake.set_status(job, "RUNNING")
    assert quantities(batch, "licences") == (1, 1, 0)
    assert fake.complete(job, exit_code=1).status == "RUNNABLE"
    assert quantities(batch, "licences") == (1, 0, 1)
    fake.complete(job)
    assert fake.get_job(job).status == "SUCCEEDED"
    assert quantities(batch, "licences") == (1, 0, 1)


def test_terminate_and_cancel_let_go(fake: FakeBatch, batch: BaseClient) -> None:
    licensed(fake, batch, 2)
    running, starting, waiting = submit(batch), submit(batch), submit(batch)
    fake.set_status(running, "RUNNING")
    fake.set_status(starting, "STARTING")
    fake.set_status(waiting, "RUNNABLE")
    assert quantities(batch, "licences") == (2, 2, 0)

    batch.terminate_job(jobId=running, reason="stop")
    batch.terminate_job(jobId=starting, reason="stop")
    batch.cancel_job(jobId=waiting, reason="stop")

    assert quantities(batch, "licences") == (2, 0, 2)


def test_each_array_child_holds_its_own(fake: FakeBatch, batch: BaseClient) -> None:
    licensed(fake, batch, 2)
    parent = submit(batch, arrayProperties={"size": 3})
    for _ in range(2):
        fake.advance()

    statuses = [fake.get_job(f"{parent}:{n}").status for n in range(3)]

    assert statuses == ["STARTING", "STARTING", "RUNNABLE"]
    assert quantities(batch, "licences") == (2, 2, 0)
    fake.complete(parent)  # the children end in index order: the third runs once one let go
    assert fake.get_job(parent).status == "SUCCEEDED"
    assert quantities(batch, "licences") == (2, 0, 2)


def test_complete_on_an_array_checks_what_is_left_child_by_child(
    fake: FakeBatch, batch: BaseClient
) -> None:
    fake.add_consumable_resource("credits", total_quantity=1, resource_type="NON_REPLENISHABLE")
    fake.add_queue("q")
    register(batch, credits=1)
    parent = submit(batch, arrayProperties={"size": 2})

    with pytest.raises(ValueError, match=f"job {parent}:1 cannot run: .* has 0 available then"):
        fake.complete(parent)
    assert fake.get_job(f"{parent}:0").status == "SUBMITTED"
    assert quantities(batch, "credits") == (1, 0, 1)


def test_a_deleted_resource_holds_nothing_and_jobs_wait_for_it(
    fake: FakeBatch, batch: BaseClient
) -> None:
    licensed(fake, batch, 1)
    holder, waiting = submit(batch), submit(batch)
    fake.set_status(holder, "RUNNING")
    fake.set_status(waiting, "RUNNABLE")

    batch.delete_consumable_resource(consumableResource="licences")
    fake.complete(holder)  # "this will be ignored when the jobs complete"
    fake.advance()
    assert fake.get_job(waiting).status == "RUNNABLE"
    # "If you delete a consumable resource and re-create it with the same name, it is
    # considered to be the same resource and it can be used by RUNNABLE jobs."
    batch.create_consumable_resource(consumableResourceName="licences", totalQuantity=1)
    fake.advance()

    assert fake.get_job(waiting).status == "STARTING"
    assert quantities(batch, "licences") == (1, 1, 0)


def test_jobs_that_require_nothing_are_not_held_up(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_consumable_resource("licences", total_quantity=0)
    job = fake.add_job("q", status="RUNNABLE")

    fake.advance()

    assert fake.get_job(job.job_id).status == "STARTING"


# ListJobsByConsumableResource


@BOTH_PATHS
def test_list_jobs_by_consumable_resource(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_consumable_resource("licences", total_quantity=5)
    fake.add_consumable_resource("other", total_quantity=5)
    queue = fake.add_queue("q")
    register(client, licences=2)
    older = submit(client)
    newer = submit(client, consumableResourcePropertiesOverride=needs(("licences", 3)))
    both = submit(client, consumableResourcePropertiesOverride=needs(("other", 1), ("licences", 1)))
    fake.add_job("q")  # requires nothing
    fake.set_status(older, "RUNNING")

    listed = client.list_jobs_by_consumable_resource(consumableResource="other")
    by_licences = client.list_jobs_by_consumable_resource(
        consumableResource=f"{ARN}:consumable-resource/licences"
    )

    job = fake.get_job(older)
    assert [(s["jobArn"], s["quantity"]) for s in listed["jobs"]] == [
        (fake.get_job(both).job_arn, 1)
    ]
    assert [summary["quantity"] for summary in by_licences["jobs"]] == [1, 3, 2]
    assert by_licences["jobs"][1]["jobArn"] == fake.get_job(newer).job_arn
    assert by_licences["jobs"][2] == {
        "jobArn": job.job_arn,
        "jobQueueArn": queue.arn,
        "jobName": "job",
        "jobDefinitionArn": f"{ARN}:job-definition/licensed:1",
        "jobStatus": "RUNNING",
        "quantity": 2,
        "startedAt": job.started_at,
        "createdAt": job.created_at,
        "consumableResourceProperties": needs(("licences", 2)),
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([{"name": "JOB_STATUS", "values": ["RUNNING"]}], ["alpha-1"]),
        ([{"name": "JOB_STATUS", "values": ["RUNNING", "SUBMITTED"]}], ["beta", "alpha-1"]),
        ([{"name": "JOB_NAME", "values": ["ALPHA*"]}], ["alpha-2", "alpha-1"]),
        (
            [
                {"name": "JOB_NAME", "values": ["alpha*"]},
                {"name": "JOB_STATUS", "values": ["SUBMITTED"]},
            ],
            [],
        ),
    ],
)
def test_list_jobs_by_consumable_resource_filters(
    fake: FakeBatch, batch: BaseClient, filters: list[dict[str, Any]], expected: list[str]
) -> None:
    licensed(fake, batch, 5)
    ids = {
        name: batch.submit_job(jobName=name, jobQueue="q", jobDefinition="licensed")["jobId"]
        for name in ("alpha-1", "alpha-2", "beta")
    }
    fake.set_status(ids["alpha-1"], "RUNNING")
    fake.set_status(ids["alpha-2"], "SUCCEEDED")

    listed = batch.list_jobs_by_consumable_resource(consumableResource="licences", filters=filters)

    assert [summary["jobName"] for summary in listed["jobs"]] == expected


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"consumableResource": "nope"}, "ConsumableResource nope not found."),
        (
            {"consumableResource": "r", "filters": [{"name": "STATUS", "values": ["RUNNING"]}]},
            "Invalid filter name: STATUS. Valid values: JOB_STATUS, JOB_NAME.",
        ),
        (
            {"consumableResource": "r", "filters": [{"name": "JOB_STATUS", "values": ["DONE"]}]},
            "Invalid JOB_STATUS filter value: DONE. Valid values: SUBMITTED, PENDING, RUNNABLE, "
            "STARTING, RUNNING, SUCCEEDED, FAILED.",
        ),
        (
            {"consumableResource": "r", "maxResults": 0},
            "maxResults must be between 1 and 100, got 0.",
        ),
        (
            {"consumableResource": "r", "nextToken": "x"},
            "Invalid nextToken: use the token a previous ListJobsByConsumableResource call "
            "with the same parameters returned.",
        ),
    ],
)
def test_list_jobs_by_consumable_resource_refusals(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    fake.add_consumable_resource("r")

    assert refused(batch.list_jobs_by_consumable_resource, **params) == detail


@BOTH_PATHS
def test_list_jobs_by_consumable_resource_pages(fake: FakeBatch, client: BaseClient) -> None:
    licensed(fake, client, 5)
    submitted = [submit(client) for _ in range(105)]

    first = client.list_jobs_by_consumable_resource(consumableResource="licences")
    pages = list(
        client.get_paginator("list_jobs_by_consumable_resource").paginate(
            consumableResource="licences", PaginationConfig={"PageSize": 50}
        )
    )
    submitted.append(submit(client))  # a job added during the walk does not shift the pages
    second = client.list_jobs_by_consumable_resource(
        consumableResource="licences", nextToken=first["nextToken"]
    )

    newest_first = [fake.get_job(job).job_arn for job in reversed(submitted[:105])]
    assert [s["jobArn"] for s in first["jobs"]] == newest_first[:100]
    assert [s["jobArn"] for s in second["jobs"]] == newest_first[100:]
    assert "nextToken" not in second
    assert [len(page["jobs"]) for page in pages] == [50, 50, 5]
    assert [s["jobArn"] for page in pages for s in page["jobs"]] == newest_first
