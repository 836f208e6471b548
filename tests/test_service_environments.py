"""CreateServiceEnvironment, DescribeServiceEnvironments, UpdateServiceEnvironment,
DeleteServiceEnvironment and a job queue's serviceEnvironmentOrder through real clients, and the
add_service_environment factory.

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path. The refusals run on the fast path.
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
ACCOUNT = "123456789012"
ARN = f"arn:aws:batch:us-east-1:{ACCOUNT}"
LIMITS = [{"maxCapacity": 5, "capacityUnit": "NUM_INSTANCES"}]
TIME_LIMIT = {"reason": "stuck", "state": "RUNNABLE", "maxTimeSeconds": 600, "action": "TERMINATE"}


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=13, wire=getattr(request, "param", False)) as fake:
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def create(client: BaseClient, name: str = "env", **params: Any) -> dict[str, Any]:
    request = {
        "serviceEnvironmentName": name,
        "serviceEnvironmentType": "SAGEMAKER_TRAINING",
        "capacityLimits": LIMITS,
        **params,
    }
    return client.create_service_environment(**request)  # type: ignore[no-any-return]


def body(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


@BOTH_PATHS
def test_create_then_describe(fake: FakeBatch, client: BaseClient) -> None:
    created = create(client, state="DISABLED", tags={"team": "ml"})
    [described] = client.describe_service_environments()["serviceEnvironments"]

    assert body(created) == {
        "serviceEnvironmentName": "env",
        "serviceEnvironmentArn": f"{ARN}:service-environment/env",
    }
    assert described == {
        "serviceEnvironmentName": "env",
        "serviceEnvironmentArn": f"{ARN}:service-environment/env",
        "serviceEnvironmentType": "SAGEMAKER_TRAINING",
        "state": "DISABLED",
        "status": "VALID",
        "capacityLimits": LIMITS,
        "tags": {"team": "ml"},
    }
    [seen] = fake.service_environments
    assert (seen.name, seen.state, seen.capacity_limits) == ("env", "DISABLED", tuple(LIMITS))


@BOTH_PATHS
def test_state_defaults_to_enabled_and_no_tags_no_member(client: BaseClient) -> None:
    create(client)

    [described] = client.describe_service_environments()["serviceEnvironments"]

    assert described["state"] == "ENABLED"
    assert "tags" not in described


@BOTH_PATHS
def test_describe_by_name_or_arn_leaves_out_unknown_ones(client: BaseClient) -> None:
    for name in ("a", "b", "c"):
        create(client, name)

    described = client.describe_service_environments(
        serviceEnvironments=["c", f"{ARN}:service-environment/a", "nope"]
    )["serviceEnvironments"]

    assert [env["serviceEnvironmentName"] for env in described] == ["a", "c"]


@BOTH_PATHS
def test_botocores_paginator_walks_every_environment_in_creation_order(
    client: BaseClient,
) -> None:
    names = [f"env-{n}" for n in range(5)]
    for name in names:
        create(client, name)

    pages = list(
        client.get_paginator("describe_service_environments").paginate(
            PaginationConfig={"PageSize": 2}
        )
    )

    assert [len(page["serviceEnvironments"]) for page in pages] == [2, 2, 1]
    assert [env["serviceEnvironmentName"] for p in pages for env in p["serviceEnvironments"]] == (
        names
    )
    assert "nextToken" not in pages[-1]


def test_another_regions_environments_are_not_seen(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_service_environment("here")
    away = boto3.client("batch", region_name="eu-west-1")
    create(away, "there")

    assert [
        e["serviceEnvironmentName"]
        for e in away.describe_service_environments()["serviceEnvironments"]
    ] == ["there"]
    assert (
        away.describe_service_environments(serviceEnvironments=["here"])["serviceEnvironments"]
        == []
    )
    assert refused(
        away.update_service_environment, serviceEnvironment="here", state="DISABLED"
    ) == ("ServiceEnvironment here not found.")


@BOTH_PATHS
def test_update_state_and_capacity_limits(client: BaseClient) -> None:
    create(client)
    limits = [
        {"maxCapacity": 8, "capacityUnit": "ml.m5.large"},
        {"maxCapacity": 2, "capacityUnit": "ml.p4d.24xlarge"},
    ]

    updated = client.update_service_environment(
        serviceEnvironment=f"{ARN}:service-environment/env", state="DISABLED", capacityLimits=limits
    )
    [described] = client.describe_service_environments()["serviceEnvironments"]

    assert body(updated) == {
        "serviceEnvironmentName": "env",
        "serviceEnvironmentArn": f"{ARN}:service-environment/env",
    }
    assert (described["state"], described["capacityLimits"]) == ("DISABLED", limits)


@BOTH_PATHS
def test_delete_once_disabled_and_unused(fake: FakeBatch, client: BaseClient) -> None:
    create(client, tags={"team": "ml"})
    client.create_job_queue(
        jobQueueName="q",
        priority=1,
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
    )

    assert refused(client.delete_service_environment, serviceEnvironment="env") == (
        "ServiceEnvironment env must be DISABLED before it can be deleted."
    )
    client.update_service_environment(serviceEnvironment="env", state="DISABLED")
    assert refused(client.delete_service_environment, serviceEnvironment="env") == (
        "ServiceEnvironment env is used by job queue(s) q: remove it from their "
        "serviceEnvironmentOrder first."
    )
    client.update_job_queue(jobQueue="q", state="DISABLED")
    client.delete_job_queue(jobQueue="q")
    deleted = client.delete_service_environment(serviceEnvironment="env")

    assert body(deleted) == {}
    assert client.describe_service_environments()["serviceEnvironments"] == []
    assert fake.service_environments == []
    # Created again, it starts without the old one's tags.
    create(client)
    arn = f"{ARN}:service-environment/env"
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {}


@BOTH_PATHS
def test_tags_through_the_tagging_operations(client: BaseClient) -> None:
    arn = create(client, tags={"a": "1"})["serviceEnvironmentArn"]

    client.tag_resource(resourceArn=arn, tags={"b": "2"})
    client.untag_resource(resourceArn=arn, tagKeys=["a"])

    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}
    assert client.describe_service_environments()["serviceEnvironments"][0]["tags"] == {"b": "2"}


# A job queue of service environments


@BOTH_PATHS
def test_a_queue_names_its_service_environments_by_arn(client: BaseClient) -> None:
    create(client)
    client.create_job_queue(
        jobQueueName="sm",
        priority=1,
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
        jobStateTimeLimitActions=[TIME_LIMIT],
    )

    [queue] = client.describe_job_queues()["jobQueues"]

    assert queue["serviceEnvironmentOrder"] == [
        {"order": 1, "serviceEnvironment": f"{ARN}:service-environment/env"}
    ]
    assert queue["jobQueueType"] == "SAGEMAKER_TRAINING"  # the environments' type
    assert queue["computeEnvironmentOrder"] == []
    assert queue["jobStateTimeLimitActions"] == [TIME_LIMIT]


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        (
            {"serviceEnvironmentOrder": [{"order": 1, "serviceEnvironment": "nope"}]},
            "ServiceEnvironment nope not found.",
        ),
        (
            {
                "serviceEnvironmentOrder": [{"order": 1, "serviceEnvironment": "env"}],
                "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "ce"}],
            },
            "A job queue can't have both a serviceEnvironmentOrder and a computeEnvironmentOrder.",
        ),
        (
            {
                "serviceEnvironmentOrder": [{"order": 1, "serviceEnvironment": "env"}],
                "jobQueueType": "ECS",
            },
            "A job queue of type ECS can't use service environments of type SAGEMAKER_TRAINING.",
        ),
        (
            {
                "serviceEnvironmentOrder": [
                    {"order": n, "serviceEnvironment": "env"} for n in range(4)
                ]
            },
            "A job queue can have up to 3 service environments, got 4.",
        ),
        (
            {
                "serviceEnvironmentOrder": [{"order": 1, "serviceEnvironment": "env"}],
                "jobStateTimeLimitActions": [{**TIME_LIMIT, "action": "CANCEL"}],
            },
            "Invalid jobStateTimeLimitActions action: CANCEL. Valid values: TERMINATE.",
        ),
    ],
)
def test_queue_refusals(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    fake.add_service_environment("env")
    fake.add_compute_environment("ce")

    assert refused(batch.create_job_queue, jobQueueName="q", priority=1, **params) == detail


# What the service refuses


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        (
            {"serviceEnvironmentName": "has space"},
            "ServiceEnvironment name should match valid pattern",
        ),
        (
            {"serviceEnvironmentName": "x" * 129},
            "ServiceEnvironment name should match valid pattern",
        ),
        ({"serviceEnvironmentName": "taken"}, "Object already exists"),
        (
            {"serviceEnvironmentType": "ECS"},
            "Invalid serviceEnvironmentType: ECS. Valid values: SAGEMAKER_TRAINING.",
        ),
        ({"state": "enabled"}, "Invalid state: enabled. Valid values: ENABLED, DISABLED."),
        ({"capacityLimits": []}, "capacityLimits must have at least one entry."),
        (
            {"capacityLimits": [{"maxCapacity": 0, "capacityUnit": "NUM_INSTANCES"}]},
            "Each capacityLimits entry needs a maxCapacity of 1 or more, got 0.",
        ),
        (
            {"capacityLimits": [{"capacityUnit": "NUM_INSTANCES"}]},
            "Each capacityLimits entry needs a maxCapacity of 1 or more, got None.",
        ),
        (
            {"capacityLimits": [{"maxCapacity": 1}]},
            "Each capacityLimits entry needs a capacityUnit (NUM_INSTANCES or an instance type).",
        ),
        (
            {"capacityLimits": [*LIMITS, *LIMITS]},
            "capacityLimits has capacityUnit NUM_INSTANCES twice.",
        ),
        ({"tags": {"aws:team": "x"}}, "Tag keys starting with aws: are reserved: aws:team"),
    ],
)
def test_create_refusals(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    fake.add_service_environment("taken")

    assert refused(create, client=batch, **params) == detail


@pytest.mark.parametrize(
    ("operation", "params", "detail"),
    [
        (
            "update_service_environment",
            {"serviceEnvironment": "nope"},
            "ServiceEnvironment nope not found.",
        ),
        (
            "update_service_environment",
            {"serviceEnvironment": "env", "state": "OFF"},
            "Invalid state: OFF. Valid values: ENABLED, DISABLED.",
        ),
        (
            "update_service_environment",
            {"serviceEnvironment": "env", "capacityLimits": []},
            "capacityLimits must have at least one entry.",
        ),
        (
            "delete_service_environment",
            {"serviceEnvironment": "nope"},
            "ServiceEnvironment nope not found.",
        ),
        (
            "describe_service_environments",
            {"maxResults": 0},
            "maxResults must be between 1 and 100, got 0.",
        ),
        (
            "describe_service_environments",
            {"maxResults": 101},
            "maxResults must be between 1 and 100, got 101.",
        ),
        (
            "describe_service_environments",
            {"nextToken": "garbage"},
            "Invalid nextToken: use the token a previous DescribeServiceEnvironments call with "
            "the same parameters returned.",
        ),
    ],
)
def test_other_refusals(
    fake: FakeBatch, batch: BaseClient, operation: str, params: dict[str, Any], detail: str
) -> None:
    fake.add_service_environment("env")

    assert refused(getattr(batch, operation), **params) == detail


def test_a_token_from_another_query_is_refused(fake: FakeBatch, batch: BaseClient) -> None:
    for name in ("a", "b", "c"):
        fake.add_service_environment(name)
    token = batch.describe_service_environments(maxResults=1)["nextToken"]

    assert refused(
        batch.describe_service_environments, serviceEnvironments=["a", "b"], nextToken=token
    ).startswith("Invalid nextToken")


# The factory


def test_add_service_environment_defaults_and_read_back(fake: FakeBatch, batch: BaseClient) -> None:
    environment = fake.add_service_environment("env", tags={"k": "v"})

    assert environment.arn == f"{ARN}:service-environment/env"
    assert (environment.type, environment.state, environment.status) == (
        "SAGEMAKER_TRAINING",
        "ENABLED",
        "VALID",
    )
    assert environment.capacity_limits == ({"maxCapacity": 10, "capacityUnit": "NUM_INSTANCES"},)
    assert fake.service_environments == [environment]
    assert batch.list_tags_for_resource(resourceArn=environment.arn)["tags"] == {"k": "v"}


def test_add_queue_with_service_environments(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_service_environment("env", region="eu-west-1")

    queue = fake.add_queue("sm", region="eu-west-1", service_environments=["env"])

    assert queue.properties["serviceEnvironmentOrder"] == [
        {
            "order": 1,
            "serviceEnvironment": f"arn:aws:batch:eu-west-1:{ACCOUNT}:service-environment/env",
        }
    ]
    assert queue.properties["jobQueueType"] == "SAGEMAKER_TRAINING"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"name": 3}, TypeError, "service environment name must be a string, not 3"),
        ({"name": "bad name"}, ValueError, "invalid service environment name 'bad name'"),
        ({"name": "taken"}, ValueError, "a service environment named 'taken' already exists"),
        (
            {"name": "e", "state": "on"},
            ValueError,
            "state must be 'ENABLED' or 'DISABLED', not 'on'",
        ),
        ({"name": "e", "capacity_limits": "10"}, TypeError, "capacity_limits must be a list"),
        (
            {"name": "e", "capacity_limits": [10]},
            TypeError,
            "each of capacity_limits must be a mapping",
        ),
        (
            {"name": "e", "capacity_limits": [{"maxCapacity": 0, "capacityUnit": "NUM_INSTANCES"}]},
            ValueError,
            "invalid service environment 'e': Each capacityLimits entry needs a maxCapacity of 1 "
            "or more, got 0.",
        ),
        ({"name": "e", "tags": {"k": 1}}, TypeError, "tags must map strings to strings"),
        ({"name": "e", "region": "mars"}, ValueError, "mars"),
    ],
)
def test_add_service_environment_mistakes(
    fake: FakeBatch, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    fake.add_service_environment("taken")

    with pytest.raises(error) as raised:
        fake.add_service_environment(**kwargs)

    assert message in str(raised.value)


def test_add_queue_with_an_unknown_service_environment(fake: FakeBatch) -> None:
    with pytest.raises(ValueError, match=r"invalid job queue: ServiceEnvironment nope not found\."):
        fake.add_queue("q", service_environments=["nope"])
    with pytest.raises(TypeError, match="service_environments must be a list of strings"):
        fake.add_queue("q", service_environments=[1])  # type: ignore[list-item]
