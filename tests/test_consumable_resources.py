"""Consumable resources through real clients: the six operations, the checks RegisterJobDefinition
and SubmitJob make of the resources jobs require, how jobs hold them while they run, the tags, and
the add_consumable_resource factory.

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path. The refusals run on the fast path with a boto3
client (the paths agree, and the wire path is covered by the rest).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch
from tests.helpers import refused

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

BOTH_PATHS = pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
ARN = "arn:aws:batch:us-east-1:123456789012"
CONTAINER = {"image": "busybox", "vcpus": 1, "memory": 512}


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=13, wire=getattr(request, "param", False)) as fake:
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def body(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def needs(*pairs: tuple[str, int]) -> dict[str, Any]:
    return {
        "consumableResourceList": [
            {"consumableResource": name, "quantity": quantity} for name, quantity in pairs
        ]
    }


def register(client: BaseClient, name: str = "licensed", **requirements: int) -> None:
    client.register_job_definition(
        jobDefinitionName=name,
        type="container",
        containerProperties=CONTAINER,
        consumableResourceProperties=needs(*requirements.items()),
    )


def submit(client: BaseClient, definition: str = "licensed", **params: Any) -> str:
    job_id: str = client.submit_job(
        jobName="job", jobQueue="q", jobDefinition=definition, **params
    )["jobId"]
    return job_id


def quantities(client: BaseClient, name: str) -> tuple[int, int, int]:
    described = client.describe_consumable_resource(consumableResource=name)
    return (
        described["totalQuantity"],
        described["inUseQuantity"],
        described["availableQuantity"],
    )


# Create and describe


@BOTH_PATHS
def test_create_then_describe(fake: FakeBatch, client: BaseClient) -> None:
    fake.clock.set(1_700_000_000_000)

    created = client.create_consumable_resource(
        consumableResourceName="licences",
        totalQuantity=10,
        resourceType="NON_REPLENISHABLE",
        tags={"team": "ml"},
    )
    by_name = client.describe_consumable_resource(consumableResource="licences")
    by_arn = client.describe_consumable_resource(
        consumableResource=f"{ARN}:consumable-resource/licences"
    )

    assert body(created) == {
        "consumableResourceName": "licences",
        "consumableResourceArn": f"{ARN}:consumable-resource/licences",
    }
    assert (
        body(by_name)
        == body(by_arn)
        == {
            "consumableResourceName": "licences",
            "consumableResourceArn": f"{ARN}:consumable-resource/licences",
            "totalQuantity": 10,
            "inUseQuantity": 0,
            "availableQuantity": 10,
            "resourceType": "NON_REPLENISHABLE",
            "createdAt": 1_700_000_000_000,
            "tags": {"team": "ml"},
        }
    )


def test_create_defaults(batch: BaseClient) -> None:
    batch.create_consumable_resource(consumableResourceName="db")

    described = batch.describe_consumable_resource(consumableResource="db")

    assert described["resourceType"] == "REPLENISHABLE"
    assert described["totalQuantity"] == 0
    assert "tags" not in described


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"consumableResourceName": "taken"}, "Object already exists"),
        (
            {"consumableResourceName": "bad name"},
            "ConsumableResource name should match valid pattern",
        ),
        (
            {"consumableResourceName": "n", "totalQuantity": -1},
            "totalQuantity must not be negative, got -1.",
        ),
        (
            {"consumableResourceName": "n", "resourceType": "ONCE"},
            "Invalid resourceType: ONCE. Valid values: REPLENISHABLE, NON_REPLENISHABLE.",
        ),
        (
            {"consumableResourceName": "n", "tags": {"aws:x": "y"}},
            "Tag keys starting with aws: are reserved: aws:x",
        ),
    ],
)
def test_create_refusals(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    fake.add_consumable_resource("taken")

    assert refused(batch.create_consumable_resource, **params) == detail


def test_describe_unknown_or_other_region(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_consumable_resource("west", region="us-west-2")

    assert refused(batch.describe_consumable_resource, consumableResource="west") == (
        "ConsumableResource west not found."
    )
    arn = "arn:aws:batch:us-west-2:123456789012:consumable-resource/west"
    assert refused(batch.describe_consumable_resource, consumableResource=arn) == (
        f"ConsumableResource {arn} not found."
    )


# List


@BOTH_PATHS
def test_list_in_creation_order_with_summaries(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_consumable_resource("b", total_quantity=2)
    fake.add_consumable_resource("a", total_quantity=3, resource_type="NON_REPLENISHABLE")
    fake.add_consumable_resource("elsewhere", region="eu-west-1")

    listed = client.list_consumable_resources()

    assert listed["consumableResources"] == [
        {
            "consumableResourceArn": f"{ARN}:consumable-resource/b",
            "consumableResourceName": "b",
            "totalQuantity": 2,
            "inUseQuantity": 0,
            "resourceType": "REPLENISHABLE",
        },
        {
            "consumableResourceArn": f"{ARN}:consumable-resource/a",
            "consumableResourceName": "a",
            "totalQuantity": 3,
            "inUseQuantity": 0,
            "resourceType": "NON_REPLENISHABLE",
        },
    ]
    assert "nextToken" not in listed


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["LICENCE-A"], ["licence-a"]),  # case-insensitive
        (["licence*"], ["licence-a", "Licence-b"]),  # a trailing * is a prefix
        (["db", "licence-a"], ["licence-a", "db"]),  # any value
        (["lic"], []),
    ],
)
def test_list_filter_by_name(
    fake: FakeBatch, batch: BaseClient, values: list[str], expected: list[str]
) -> None:
    for name in ("licence-a", "Licence-b", "db"):
        fake.add_consumable_resource(name)

    listed = batch.list_consumable_resources(
        filters=[{"name": "CONSUMABLE_RESOURCE_NAME", "values": values}]
    )

    assert [r["consumableResourceName"] for r in listed["consumableResources"]] == expected


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        (
            {"filters": [{"name": "NAME", "values": ["x"]}]},
            "Invalid filter name: NAME. Valid values: CONSUMABLE_RESOURCE_NAME.",
        ),
        (
            {"filters": [{"name": "CONSUMABLE_RESOURCE_NAME", "values": []}]},
            "Filter CONSUMABLE_RESOURCE_NAME needs at least one value.",
        ),
        ({"maxResults": 0}, "maxResults must be between 1 and 100, got 0."),
        ({"maxResults": 101}, "maxResults must be between 1 and 100, got 101."),
        (
            {"nextToken": "garbage"},
            "Invalid nextToken: use the token a previous ListConsumableResources call with "
            "the same parameters returned.",
        ),
    ],
)
def test_list_refusals(batch: BaseClient, params: dict[str, Any], detail: str) -> None:
    assert refused(batch.list_consumable_resources, **params) == detail


@BOTH_PATHS
def test_list_pages_and_paginator(fake: FakeBatch, client: BaseClient) -> None:
    names = [f"r{n:03}" for n in range(105)]
    for name in names:
        fake.add_consumable_resource(name)

    first = client.list_consumable_resources()
    second = client.list_consumable_resources(nextToken=first["nextToken"])
    pages = list(
        client.get_paginator("list_consumable_resources").paginate(
            PaginationConfig={"PageSize": 40}
        )
    )

    assert len(first["consumableResources"]) == 100
    assert [r["consumableResourceName"] for r in second["consumableResources"]] == names[100:]
    assert "nextToken" not in second
    assert [len(page["consumableResources"]) for page in pages] == [40, 40, 25]
    walked = [r["consumableResourceName"] for page in pages for r in page["consumableResources"]]
    assert walked == names


def test_a_token_belongs_to_its_query(fake: FakeBatch, batch: BaseClient) -> None:
    for name in ("a1", "a2", "b1"):
        fake.add_consumable_resource(name)
    token = batch.list_consumable_resources(maxResults=1)["nextToken"]

    filters = [{"name": "CONSUMABLE_RESOURCE_NAME", "values": ["a*"]}]
    assert refused(batch.list_consumable_resources, filters=filters, nextToken=token).startswith(
        "Invalid nextToken"
    )


# Update


@BOTH_PATHS
def test_update_set_add_remove(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_consumable_resource("licences", total_quantity=5)

    added = client.update_consumable_resource(
        consumableResource="licences", operation="ADD", quantity=3
    )
    removed = client.update_consumable_resource(
        consumableResource=f"{ARN}:consumable-resource/licences", operation="REMOVE", quantity=6
    )
    set_ = client.update_consumable_resource(
        consumableResource="licences", operation="SET", quantity=20
    )

    assert body(added) == {
        "consumableResourceName": "licences",
        "consumableResourceArn": f"{ARN}:consumable-resource/licences",
        "totalQuantity": 8,
    }
    assert removed["totalQuantity"] == 2
    assert set_["totalQuantity"] == 20
    assert quantities(client, "licences") == (20, 0, 20)


def test_update_without_operation_sets(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_consumable_resource("licences", total_quantity=5)

    assert (
        batch.update_consumable_resource(consumableResource="licences", quantity=2)["totalQuantity"]
        == 2
    )


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        (
            {"consumableResource": "nope", "quantity": 1},
            "ConsumableResource nope not found.",
        ),
        (
            {"consumableResource": "r", "operation": "MULTIPLY", "quantity": 1},
            "Invalid operation: MULTIPLY. Valid values: SET, ADD, REMOVE.",
        ),
        (
            {"consumableResource": "r", "operation": "ADD", "quantity": -1},
            "quantity must not be negative, got -1.",
        ),
        (
            {"consumableResource": "r", "operation": "REMOVE", "quantity": 3},
            "ConsumableResource r has a total quantity of 2: 3 cannot be removed.",
        ),
    ],
)
def test_update_refusals(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    fake.add_consumable_resource("r", total_quantity=2)

    assert refused(batch.update_consumable_resource, **params) == detail
    assert fake.consumable_resources[0].total_quantity == 2


def test_a_client_token_makes_a_repeat_update_happen_once(
    fake: FakeBatch, batch: BaseClient
) -> None:
    fake.add_consumable_resource("r", total_quantity=1)
    update = {"consumableResource": "r", "operation": "ADD", "quantity": 2, "clientToken": "t1"}

    first = batch.update_consumable_resource(**update)
    again = batch.update_consumable_resource(**update)
    fake.clock.advance(8 * 3600)  # "A clientToken is valid for 8 hours."
    later = batch.update_consumable_resource(**update)

    assert (first["totalQuantity"], again["totalQuantity"], later["totalQuantity"]) == (3, 3, 5)


def test_a_client_token_with_another_payload_is_refused(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_consumable_resource("r", total_quantity=1)
    batch.update_consumable_resource(
        consumableResource="r", operation="ADD", quantity=2, clientToken="t1"
    )

    assert (
        refused(
            batch.update_consumable_resource,
            consumableResource="r",
            operation="ADD",
            quantity=3,
            clientToken="t1",
        )
        == "clientToken t1 was already used with different parameters."
    )
    assert fake.consumable_resources[0].total_quantity == 3


# Delete


@BOTH_PATHS
def test_delete(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_consumable_resource("r", tags={"a": "b"})

    deleted = client.delete_consumable_resource(consumableResource="r")

    assert body(deleted) == {}
    assert client.list_consumable_resources()["consumableResources"] == []
    assert fake.consumable_resources == []
    with pytest.raises(client.exceptions.ClientException):
        client.describe_consumable_resource(consumableResource="r")


def test_delete_unknown(batch: BaseClient) -> None:
    assert refused(batch.delete_consumable_resource, consumableResource="r") == (
        "ConsumableResource r not found."
    )


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
    fake.add_consumable_resource("licences", total_quantity=3)
    fake.add_queue("q")
    register(client, licences=2)
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
    fake.add_consumable_resource("licences", total_quantity=1)
    fake.add_queue("q")
    register(batch, licences=1)
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
    fake.add_consumable_resource("licences", total_quantity=2)
    fake.add_queue("q")
    register(batch, licences=1)
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
    fake.add_consumable_resource("licences", total_quantity=2)
    fake.add_queue("q")
    register(batch, licences=1)
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
    fake.add_consumable_resource("licences", total_quantity=1)
    fake.add_queue("q")
    register(batch, licences=1)
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
    fake.add_consumable_resource("licences", total_quantity=5)
    fake.add_queue("q")
    register(batch, licences=1)
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
    fake.add_consumable_resource("licences", total_quantity=5)
    fake.add_queue("q")
    register(client, licences=1)
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


# Tags


@BOTH_PATHS
def test_tags_on_a_consumable_resource(fake: FakeBatch, client: BaseClient) -> None:
    resource = fake.add_consumable_resource("licences", tags={"team": "ml"})

    client.tag_resource(resourceArn=resource.arn, tags={"cost": "42"})
    client.untag_resource(resourceArn=resource.arn, tagKeys=["team"])

    assert client.list_tags_for_resource(resourceArn=resource.arn)["tags"] == {"cost": "42"}
    assert client.describe_consumable_resource(consumableResource="licences")["tags"] == {
        "cost": "42"
    }
    client.delete_consumable_resource(consumableResource="licences")
    with pytest.raises(client.exceptions.ClientException):
        client.list_tags_for_resource(resourceArn=resource.arn)


# add_consumable_resource


def test_add_consumable_resource_and_read_back(fake: FakeBatch) -> None:
    fake.clock.set(1_000)
    first = fake.add_consumable_resource("licences", total_quantity=3, tags={"a": "b"})
    fake.add_consumable_resource("west", region="us-west-2")

    assert first.arn == f"{ARN}:consumable-resource/licences"
    assert (first.total_quantity, first.in_use_quantity, first.available_quantity) == (3, 0, 3)
    assert first.resource_type == "REPLENISHABLE"
    assert first.created_at == 1_000
    assert [r.name for r in fake.consumable_resources] == ["licences", "west"]
    assert fake.consumable_resources[1].region == "us-west-2"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"name": 3}, TypeError, "consumable resource name must be a string, not 3"),
        ({"name": "bad name"}, ValueError, "invalid consumable resource name 'bad name'"),
        ({"total_quantity": "3"}, TypeError, "total_quantity must be an int, not '3'"),
        ({"total_quantity": True}, TypeError, "total_quantity must be an int, not True"),
        (
            {"total_quantity": -1},
            ValueError,
            "invalid consumable resource 'r': totalQuantity must not be negative, got -1.",
        ),
        ({"resource_type": "ONCE"}, ValueError, "resource_type must be 'REPLENISHABLE' or"),
        ({"tags": {"a": 1}}, TypeError, "tags must map strings to strings"),
        ({"tags": {"aws:a": "b"}}, ValueError, "invalid tags: Tag keys starting with aws:"),
        ({"name": "taken"}, ValueError, "a consumable resource named 'taken' already exists"),
        ({"region": "nowhere"}, ValueError, "region must be an AWS region name"),
    ],
)
def test_add_consumable_resource_mistakes(
    fake: FakeBatch, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    fake.add_consumable_resource("taken")
    arguments: dict[str, Any] = {"name": "r", **kwargs}

    with pytest.raises(error) as raised:
        fake.add_consumable_resource(**arguments)

    assert message in str(raised.value)
    assert [r.name for r in fake.consumable_resources] == ["taken"]


def test_snapshots_do_not_change(fake: FakeBatch, batch: BaseClient) -> None:
    before = fake.add_consumable_resource("licences", total_quantity=1)
    batch.update_consumable_resource(consumableResource="licences", quantity=5)

    assert before.total_quantity == 1
    assert fake.consumable_resources[0].total_quantity == 5


def test_ids_do_not_depend_on_consumable_resources() -> None:
    """Seeding a consumable resource draws nothing from the seeded streams."""
    with FakeBatch(seed=5) as plain:
        expected = plain.add_job("q").job_id
    with FakeBatch(seed=5) as fake:
        fake.add_consumable_resource("licences")
        assert fake.add_job("q").job_id == expected
