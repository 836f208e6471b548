"""CreateComputeEnvironment and DescribeComputeEnvironments through real clients, and the
add_compute_environment factory. Compute environments are stored and described; nothing runs.

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path. The refusals run on the fast path.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch
from tests.helpers import refused
from tests.model_support import with_subnets

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

BOTH_PATHS = pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
ACCOUNT = "123456789012"
ARN = f"arn:aws:batch:us-east-1:{ACCOUNT}:compute-environment"
SERVICE_LINKED_ROLE = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
)
CLUSTER = re.compile(
    rf"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/(?P<name>.+)_Batch_[0-9a-f]{{8}}(-[0-9a-f]{{4}}){{3}}-[0-9a-f]{{12}}"
)
RESOURCES = {
    "type": "SPOT",
    "allocationStrategy": "SPOT_CAPACITY_OPTIMIZED",
    "minvCpus": 0,
    "maxvCpus": 128,
    "desiredvCpus": 0,
    "instanceTypes": ["c5", "m5"],
    "subnets": ["subnet-220c0e0a"],
    "securityGroupIds": ["sg-cf5093b2"],
    "instanceRole": "ecsInstanceRole",
}


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=13, wire=getattr(request, "param", False)) as fake:
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


@BOTH_PATHS
def test_create_then_describe(fake: FakeBatch, client: BaseClient) -> None:
    created = client.create_compute_environment(
        computeEnvironmentName="spot",
        type="MANAGED",
        state="DISABLED",
        computeResources=RESOURCES,
        tags={"team": "ml"},
    )
    [described] = client.describe_compute_environments()["computeEnvironments"]

    assert {k: v for k, v in created.items() if k != "ResponseMetadata"} == {
        "computeEnvironmentName": "spot",
        "computeEnvironmentArn": f"{ARN}/spot",
    }
    cluster = described.pop("ecsClusterArn")
    assert described == {
        "computeEnvironmentName": "spot",
        "computeEnvironmentArn": f"{ARN}/spot",
        "type": "MANAGED",
        "state": "DISABLED",
        "status": "VALID",
        "statusReason": "ComputeEnvironment Healthy",
        "computeResources": RESOURCES,
        "serviceRole": SERVICE_LINKED_ROLE,
        "containerOrchestrationType": "ECS",
        "tags": {"team": "ml"},
    }
    match = CLUSTER.fullmatch(cluster)
    assert match, cluster
    assert match["name"] == "spot"
    assert [env.name for env in fake.compute_environments] == ["spot"]


def test_an_unmanaged_environment(fake: FakeBatch, batch: BaseClient) -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/AWSBatchServiceRole"

    batch.create_compute_environment(
        computeEnvironmentName="own", type="UNMANAGED", unmanagedvCpus=16, serviceRole=role
    )
    [described] = batch.describe_compute_environments(computeEnvironments=["own"])[
        "computeEnvironments"
    ]

    assert (described["type"], described["state"]) == ("UNMANAGED", "ENABLED")
    assert (described["unmanagedvCpus"], described["serviceRole"]) == (16, role)
    assert "computeResources" not in described


def test_an_eks_environment_has_no_ecs_cluster(fake: FakeBatch, batch: BaseClient) -> None:
    eks = {
        "eksClusterArn": f"arn:aws:eks:us-east-1:{ACCOUNT}:cluster/k",
        "kubernetesNamespace": "b",
    }

    batch.create_compute_environment(
        computeEnvironmentName="k8s",
        type="MANAGED",
        computeResources=with_subnets(
            {"type": "EC2", "maxvCpus": 8, "instanceRole": "ecsInstanceRole"}
        ),
        eksConfiguration=eks,
    )
    [described] = batch.describe_compute_environments()["computeEnvironments"]

    assert (described["eksConfiguration"], described["containerOrchestrationType"]) == (eks, "EKS")
    assert "ecsClusterArn" not in described


def test_describe_by_name_or_arn_leaves_out_unknown_ones(
    fake: FakeBatch, batch: BaseClient
) -> None:
    first, second = fake.add_compute_environment("a"), fake.add_compute_environment("b")
    fake.add_compute_environment("c")
    fake.add_compute_environment("a", region="eu-west-1")

    described = batch.describe_compute_environments(
        computeEnvironments=[second.arn, "a", "missing", f"{ARN}/missing"]
    )

    assert [env["computeEnvironmentArn"] for env in described["computeEnvironments"]] == [
        first.arn,
        second.arn,
    ]


@BOTH_PATHS
def test_the_paginator_walks_every_environment_once(fake: FakeBatch, client: BaseClient) -> None:
    names = [f"ce{n}" for n in range(5)]
    for name in names:
        fake.add_compute_environment(name)

    pages = list(
        client.get_paginator("describe_compute_environments").paginate(
            PaginationConfig={"PageSize": 2}
        )
    )

    assert [
        [env["computeEnvironmentName"] for env in page["computeEnvironments"]] for page in pages
    ] == [
        names[:2],
        names[2:4],
        names[4:],
    ]


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"computeEnvironmentName": "taken"}, "Object already exists"),
        ({"computeEnvironmentName": "a.b"}, "ComputeEnvironment name should match valid pattern"),
        ({"type": "SELF"}, "Invalid type: SELF. Valid values: MANAGED, UNMANAGED."),
        ({"state": "ON"}, "Invalid state: ON. Valid values: ENABLED, DISABLED."),
        (
            {"computeResources": None},
            "computeResources is required for a MANAGED compute environment.",
        ),
        (
            {"unmanagedvCpus": 4},
            "unmanagedvCpus is only supported for an UNMANAGED compute environment.",
        ),
        (
            {"computeResources": {"type": "LAMBDA", "maxvCpus": 4}},
            "Invalid computeResources type: LAMBDA. Valid values: EC2, SPOT, FARGATE, "
            "FARGATE_SPOT, ECS_MANAGED_INSTANCES.",
        ),
        ({"tags": {"AWS:owner": "me"}}, "Tag keys starting with aws: are reserved: AWS:owner"),
    ],
)
def test_create_refusals(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    fake.add_compute_environment("taken")
    request = {
        "computeEnvironmentName": "new",
        "type": "MANAGED",
        "computeResources": {"type": "EC2", "maxvCpus": 4, "instanceRole": "ecsInstanceRole"},
        **params,
    }
    if request["computeResources"] is not None:
        request["computeResources"] = with_subnets(request["computeResources"])

    assert (
        refused(
            batch.create_compute_environment,
            **{key: value for key, value in request.items() if value is not None},
        )
        == detail
    )
    assert [env.name for env in fake.compute_environments] == ["taken"]


def test_the_same_name_in_another_region_is_another_environment(fake: FakeBatch) -> None:
    fake.add_compute_environment("ce")
    away = boto3.client("batch", region_name="eu-west-1")

    created = away.create_compute_environment(computeEnvironmentName="ce", type="UNMANAGED")

    assert (
        created["computeEnvironmentArn"]
        == f"arn:aws:batch:eu-west-1:{ACCOUNT}:compute-environment/ce"
    )


# The factory


def test_add_compute_environment_defaults(fake: FakeBatch, batch: BaseClient) -> None:
    environment = fake.add_compute_environment("default-ce", tags={"a": "b"})

    [described] = batch.describe_compute_environments()["computeEnvironments"]

    assert environment.arn == f"{ARN}/default-ce"
    assert (environment.type, environment.state, environment.status) == (
        "MANAGED",
        "ENABLED",
        "VALID",
    )
    assert described["computeResources"] == {
        "type": "EC2",
        "instanceRole": "ecsInstanceRole",
        "subnets": ["subnet-220c0e0a"],
        "allocationStrategy": "BEST_FIT_PROGRESSIVE",
        "minvCpus": 0,
        "maxvCpus": 256,
        "desiredvCpus": 0,
        "instanceTypes": ["optimal"],
    }
    assert (described["serviceRole"], described["tags"]) == (SERVICE_LINKED_ROLE, {"a": "b"})


def test_add_compute_environment_unmanaged(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_compute_environment("own", type="UNMANAGED", unmanaged_vcpus=8, state="DISABLED")

    [described] = batch.describe_compute_environments()["computeEnvironments"]

    assert "computeResources" not in described
    assert (described["unmanagedvCpus"], described["state"]) == (8, "DISABLED")


@pytest.mark.parametrize(
    ("keywords", "error", "message"),
    [
        ({"type": "managed"}, ValueError, "type must be 'MANAGED' or 'UNMANAGED', not 'managed'"),
        ({"state": "on"}, ValueError, "state must be 'ENABLED' or 'DISABLED', not 'on'"),
        (
            {"compute_resources": {"type": "EC2"}},
            ValueError,
            "invalid compute environment 'ce': computeResources needs maxvCpus.",
        ),
        (
            {"unmanaged_vcpus": 4},
            ValueError,
            "invalid compute environment 'ce': unmanagedvCpus is only supported for an UNMANAGED",
        ),
        (
            {"unmanaged_vcpus": "4", "type": "UNMANAGED"},
            TypeError,
            "unmanaged_vcpus must be an int",
        ),
        ({"service_role": 5}, TypeError, "service_role must be a string or None, not 5"),
        ({"compute_resources": ["EC2"]}, TypeError, "compute_resources must be a mapping"),
    ],
)
def test_add_compute_environment_refuses_bad_values(
    fake: FakeBatch, keywords: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        fake.add_compute_environment("ce", **keywords)
    assert fake.compute_environments == []


def test_add_compute_environment_twice_is_an_error(fake: FakeBatch) -> None:
    fake.add_compute_environment("ce")

    with pytest.raises(
        ValueError, match="a compute environment named 'ce' already exists in us-east-1"
    ):
        fake.add_compute_environment("ce")
    with pytest.raises(ValueError, match=re.escape("invalid compute environment name 'a b'")):
        fake.add_compute_environment("a b")
