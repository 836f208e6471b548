"""Consumable resources through real clients: CreateConsumableResource,
DescribeConsumableResource, ListConsumableResources, UpdateConsumableResource,
DeleteConsumableResource, their tags, and the add_consumable_resource factory. How jobs hold them
is in test_consumable_holding.py.

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path. The refusals run on the fast path with a boto3
client (the paths agree, and the wire path is covered by the rest).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch
from tests.consumable_helpers import (
    ARN,
    BOTH_PATHS,
    body,
    quantities,
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
