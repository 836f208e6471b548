"""Job definitions described with the defaults AWS fills in, and what CreateComputeEnvironment
refuses for EC2 and SPOT environments. Every test runs on the fast and the wire path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config

from pytest_fakebatch import FakeBatch
from tests.helpers import refused
from tests.job_helpers import describe, submit
from tests.model_support import with_subnets

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

#: What a real answer fills in (terraform-provider-aws, container_properties_test.go).
EMPTY = {
    "command": [],
    "volumes": [],
    "environment": [],
    "mountPoints": [],
    "ulimits": [],
    "resourceRequirements": [],
    "secrets": [],
}


@pytest.fixture(params=[False, True], ids=["fast", "wire"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=15, wire=request.param) as fake:
        fake.add_queue("q")
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def described(batch: BaseClient, name: str) -> dict[str, Any]:
    [definition] = batch.describe_job_definitions(jobDefinitionName=name)["jobDefinitions"]
    return dict(definition)


# Job definition defaults


def test_a_container_registered_with_the_least_shows_aws_s_empty_members(
    batch: BaseClient,
) -> None:
    # The real answer's registration: image, vCPUs, memory and a role, nothing else.
    container = {"image": "example:image", "vcpus": 8, "memory": 2048, "jobRoleArn": "r"}
    batch.register_job_definition(
        jobDefinitionName="d", type="container", containerProperties=container
    )

    assert described(batch, "d")["containerProperties"] == {**EMPTY, **container}


def test_what_was_given_is_kept(batch: BaseClient) -> None:
    container = {
        "image": "busybox",
        "command": ["echo", "hi"],
        "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "8"}],
        "secrets": [{"name": "TOKEN", "valueFrom": "arn:aws:ssm:::parameter/t"}],
    }
    batch.register_job_definition(
        jobDefinitionName="d", type="container", containerProperties=container
    )

    assert described(batch, "d")["containerProperties"] == {**EMPTY, **container}


def test_a_log_configuration_gets_empty_secret_options(batch: BaseClient) -> None:
    container = {
        "image": "busybox",
        "vcpus": 1,
        "memory": 8,
        "logConfiguration": {"logDriver": "awslogs"},
    }
    batch.register_job_definition(
        jobDefinitionName="d", type="container", containerProperties=container
    )

    assert described(batch, "d")["containerProperties"]["logConfiguration"] == {
        "logDriver": "awslogs",
        "secretOptions": [],
    }


def test_fargate_gets_the_latest_platform_version(batch: BaseClient) -> None:
    container = {
        "image": "busybox",
        "resourceRequirements": [
            {"type": "MEMORY", "value": "512"},
            {"type": "VCPU", "value": "0.25"},
        ],
    }
    batch.register_job_definition(
        jobDefinitionName="f",
        type="container",
        platformCapabilities=["FARGATE"],
        containerProperties=container,
    )
    batch.register_job_definition(
        jobDefinitionName="g",
        type="container",
        platformCapabilities=["FARGATE"],
        containerProperties={
            **container,
            "fargatePlatformConfiguration": {"platformVersion": "1.4.0"},
        },
    )

    assert described(batch, "f")["containerProperties"]["fargatePlatformConfiguration"] == {
        "platformVersion": "LATEST"
    }
    assert described(batch, "g")["containerProperties"]["fargatePlatformConfiguration"] == {
        "platformVersion": "1.4.0"
    }
    ec2 = {**container, "resourceRequirements": [{"type": "MEMORY", "value": "512"}], "vcpus": 1}
    batch.register_job_definition(jobDefinitionName="e", type="container", containerProperties=ec2)
    assert "fargatePlatformConfiguration" not in described(batch, "e")["containerProperties"]


def test_a_job_shows_its_definition_s_defaults_in_its_container(batch: BaseClient) -> None:
    batch.register_job_definition(
        jobDefinitionName="d",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 8},
    )

    container = describe(batch, submit(batch))["container"]

    assert {key: container[key] for key in EMPTY} == EMPTY


def test_node_range_containers_get_the_defaults(batch: BaseClient) -> None:
    batch.register_job_definition(
        jobDefinitionName="m",
        type="multinode",
        nodeProperties={
            "numNodes": 2,
            "mainNode": 0,
            "nodeRangeProperties": [
                {"targetNodes": "0:", "container": {"image": "x", "vcpus": 1, "memory": 8}}
            ],
        },
    )

    [node_range] = described(batch, "m")["nodeProperties"]["nodeRangeProperties"]
    assert node_range["container"] == {**EMPTY, "image": "x", "vcpus": 1, "memory": 8}


def test_a_node_range_that_is_not_a_range_is_refused(batch: BaseClient) -> None:
    detail = refused(
        batch.register_job_definition,
        jobDefinitionName="m",
        type="multinode",
        nodeProperties={
            "numNodes": 2,
            "mainNode": 0,
            "nodeRangeProperties": [{"targetNodes": "all", "container": {"image": "x"}}],
        },
    )

    assert detail == "Invalid targetNodes: all. Use a node range such as 0:3, 1: or :2."


# Compute environments: EC2 and SPOT


def create(batch: BaseClient, **resources: Any) -> Any:
    return batch.create_compute_environment(
        computeEnvironmentName="ce",
        type="MANAGED",
        computeResources=with_subnets({"type": "EC2", "maxvCpus": 16, **resources}),
    )


@pytest.mark.parametrize("subnets", [None, []], ids=["missing", "empty"])
@pytest.mark.parametrize("kind", ["EC2", "SPOT", "FARGATE", "FARGATE_SPOT"])
def test_an_ec2_or_fargate_environment_needs_subnets(
    fake: FakeBatch, kind: str, subnets: list[str] | None
) -> None:
    # botocore 1.42.47's model requires the member, newer ones do not: the service checks it.
    unvalidated = boto3.client(
        "batch", region_name=fake.region, config=Config(parameter_validation=False)
    )
    resources: dict[str, Any] = {"type": kind, "maxvCpus": 16, "instanceRole": "ecsInstanceRole"}
    if subnets is not None:
        resources["subnets"] = subnets

    detail = refused(
        unvalidated.create_compute_environment,
        computeEnvironmentName="ce",
        type="MANAGED",
        computeResources=resources,
    )

    assert detail == f"subnets are required for {kind} compute resources."
    assert fake.compute_environments == []


def test_the_factory_refuses_fargate_resources_without_subnets(fake: FakeBatch) -> None:
    with pytest.raises(ValueError, match="subnets are required for FARGATE compute resources"):
        fake.add_compute_environment("f", compute_resources={"type": "FARGATE", "maxvCpus": 4})


@pytest.mark.parametrize("kind", ["EC2", "SPOT"])
def test_an_ec2_environment_needs_an_instance_role(batch: BaseClient, kind: str) -> None:
    detail = refused(
        batch.create_compute_environment,
        computeEnvironmentName="ce",
        type="MANAGED",
        computeResources=with_subnets({"type": kind, "maxvCpus": 16, "instanceTypes": ["optimal"]}),
    )

    assert detail == "Instance role is required."


@pytest.mark.parametrize("kind", ["FARGATE", "FARGATE_SPOT"])
def test_a_fargate_environment_needs_none(batch: BaseClient, kind: str) -> None:
    batch.create_compute_environment(
        computeEnvironmentName="ce",
        type="MANAGED",
        computeResources={"type": kind, "maxvCpus": 16, "subnets": ["s"]},
    )


@pytest.mark.parametrize(
    "types",
    [
        ["optimal"],
        ["default_x86_64", "default_arm64"],
        ["c5", "m5.large", "r5d.24xlarge"],
        ["p3", "g4dn.xlarge", "c7g"],
    ],
)
def test_instance_types_and_families_that_exist(batch: BaseClient, types: list[str]) -> None:
    create(batch, instanceRole="ecsInstanceRole", instanceTypes=types)

    [environment] = batch.describe_compute_environments()["computeEnvironments"]
    assert environment["computeResources"]["instanceTypes"] == types


@pytest.mark.parametrize("bad", ["c5.huge", "m99", "C5", "optimal ", "", "9" * 5000])
def test_an_instance_type_that_does_not_exist(batch: BaseClient, bad: str) -> None:
    detail = refused(create, batch=batch, instanceRole="r", instanceTypes=["c5", bad])

    assert detail.startswith("Instance type can only be one of [")
    listed = detail.removeprefix("Instance type can only be one of [").removesuffix("]")
    assert {"optimal", "c5", "m5.large", "default_arm64"} <= set(listed.split(", "))
    assert bad not in listed.split(", ")


def test_the_factory_s_default_resources_pass(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_compute_environment("ce")

    [environment] = batch.describe_compute_environments()["computeEnvironments"]
    assert environment["computeResources"]["instanceRole"] == "ecsInstanceRole"


def test_the_factory_refuses_what_aws_refuses(fake: FakeBatch) -> None:
    with pytest.raises(ValueError, match=r"^invalid compute environment 'ce': Instance role"):
        fake.add_compute_environment("ce", compute_resources={"type": "SPOT", "maxvCpus": 4})
