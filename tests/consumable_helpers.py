"""Helpers shared by the consumable resource tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from botocore.client import BaseClient

    from pytest_fakebatch import FakeBatch

BOTH_PATHS = pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
ARN = "arn:aws:batch:us-east-1:123456789012"
CONTAINER = {"image": "busybox", "vcpus": 1, "memory": 512}


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


def licensed(fake: FakeBatch, client: BaseClient, total: int, needed: int = 1) -> None:
    """Consumable resource ``licences`` of ``total``, queue ``q``, and job definition
    ``licensed`` that needs ``needed`` of it."""
    fake.add_consumable_resource("licences", total_quantity=total)
    fake.add_queue("q")
    register(client, licences=needed)


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
