"""UpdateComputeEnvironment and DeleteComputeEnvironment through real clients.

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path. The refusals run on the fast path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_fakebatch import FakeBatch
from tests.helpers import refused
from tests.model_support import SUBNET, requires_member, with_subnets

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

BOTH_PATHS = pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
EKS_UPDATE = requires_member("UpdateComputeEnvironmentRequest", "eksConfiguration")
ACCOUNT = "123456789012"
LINKED_ROLE = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
)
OWN_ROLE = f"arn:aws:iam::{ACCOUNT}:role/BatchServiceRole"
RESOURCES = {
    "type": "EC2",
    "allocationStrategy": "BEST_FIT_PROGRESSIVE",
    "minvCpus": 0,
    "maxvCpus": 64,
    "desiredvCpus": 4,
    "instanceTypes": ["m5"],
    "subnets": ["subnet-1"],
    "securityGroupIds": ["sg-1"],
    "instanceRole": "ecsInstanceRole",
    "ec2KeyPair": "key",
    "imageId": "ami-1",
}


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=22, wire=getattr(request, "param", False)) as fake:
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def described(client: BaseClient, name: str) -> dict[str, Any]:
    [environment] = client.describe_compute_environments(computeEnvironments=[name])[
        "computeEnvironments"
    ]
    return environment  # type: ignore[no-any-return]


# UpdateComputeEnvironment


@BOTH_PATHS
def test_update_state_and_resources(fake: FakeBatch, client: BaseClient) -> None:
    environment = fake.add_compute_environment("ce", compute_resources=RESOURCES, tags={"k": "v"})
    before = described(client, "ce")

    response = client.update_compute_environment(
        computeEnvironment=environment.arn,
        state="DISABLED",
        computeResources={"minvCpus": 2, "maxvCpus": 128, "desiredvCpus": 8},
        updatePolicy={"terminateJobsOnUpdate": True},
    )
    after = described(client, "ce")

    assert {k: v for k, v in response.items() if k != "ResponseMetadata"} == {
        "computeEnvironmentName": "ce",
        "computeEnvironmentArn": environment.arn,
    }
    # VALID at once (the service shows UPDATING for a while: docs/fidelity.md).
    assert (after["state"], after["status"]) == ("DISABLED", "VALID")
    assert after["computeResources"] == {
        **RESOURCES,
        "minvCpus": 2,
        "maxvCpus": 128,
        "desiredvCpus": 8,
    }
    assert after["updatePolicy"] == {"terminateJobsOnUpdate": True}
    unchanged = ("ecsClusterArn", "serviceRole", "tags", "type", "containerOrchestrationType")
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    assert fake.compute_environments[0].state == "DISABLED"
    assert environment.state == "ENABLED"  # the object the test holds is a snapshot


@BOTH_PATHS
def test_update_by_name_leaves_out_what_is_not_given(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_compute_environment("ce", state="DISABLED", compute_resources=RESOURCES)
    before = described(client, "ce")

    client.update_compute_environment(computeEnvironment="ce", state="ENABLED")

    assert described(client, "ce") == {**before, "state": "ENABLED"}


def test_infrastructure_changes_with_the_service_linked_role(
    fake: FakeBatch, batch: BaseClient
) -> None:
    fake.add_compute_environment("ce", compute_resources=RESOURCES)

    batch.update_compute_environment(
        computeEnvironment="ce",
        computeResources={
            "instanceTypes": ["c5", "m5"],
            "subnets": [],  # an empty list removes an EC2 environment's subnets
            "ec2KeyPair": "",  # an empty string removes the key pair
            "imageId": "",
            "allocationStrategy": "BEST_FIT_PROGRESSIVE_ORDERED",
        },
    )

    resources = described(batch, "ce")["computeResources"]
    assert resources["instanceTypes"] == ["c5", "m5"]
    assert resources["allocationStrategy"] == "BEST_FIT_PROGRESSIVE_ORDERED"
    assert resources["subnets"] == []
    for removed in ("ec2KeyPair", "imageId"):
        assert removed not in resources
    assert described(batch, "ce")["serviceRole"] == LINKED_ROLE


def test_an_empty_list_changes_nothing_on_fargate(fake: FakeBatch, batch: BaseClient) -> None:
    fargate = {"type": "FARGATE", "maxvCpus": 16, "subnets": ["s"], "securityGroupIds": ["g"]}
    fake.add_compute_environment("ce", compute_resources=fargate)

    batch.update_compute_environment(
        computeEnvironment="ce", computeResources={"subnets": [], "securityGroupIds": []}
    )

    assert described(batch, "ce")["computeResources"] == fargate


def test_the_launch_template_is_removed_by_an_empty_name(
    fake: FakeBatch, batch: BaseClient
) -> None:
    resources = {**RESOURCES, "launchTemplate": {"launchTemplateName": "lt", "version": "$Latest"}}
    fake.add_compute_environment("ce", compute_resources=resources)

    batch.update_compute_environment(
        computeEnvironment="ce", computeResources={"launchTemplate": {"launchTemplateName": ""}}
    )

    assert "launchTemplate" not in described(batch, "ce")["computeResources"]


def test_an_own_role_can_scale_but_not_change_the_infrastructure(
    fake: FakeBatch, batch: BaseClient
) -> None:
    fake.add_compute_environment("ce", compute_resources=RESOURCES, service_role=OWN_ROLE)

    batch.update_compute_environment(
        computeEnvironment="ce",
        computeResources={"maxvCpus": 32, "instanceTypes": ["m5"]},  # the same instance types
        serviceRole=f"arn:aws:iam::{ACCOUNT}:role/AnotherRole",
    )
    detail = refused(
        batch.update_compute_environment,
        computeEnvironment="ce",
        computeResources={"instanceTypes": ["c5"]},
    )

    assert detail == (
        "Changing subnets, security groups, instance types, the allocation strategy, launch "
        "template, AMI or other infrastructure settings needs the AWSServiceRoleForBatch "
        "service-linked role."
    )
    environment = described(batch, "ce")
    assert environment["computeResources"]["instanceTypes"] == ["m5"]
    assert environment["computeResources"]["maxvCpus"] == 32
    assert environment["serviceRole"] == f"arn:aws:iam::{ACCOUNT}:role/AnotherRole"


@pytest.mark.parametrize(
    ("role", "new_role"), [(None, OWN_ROLE), (OWN_ROLE, LINKED_ROLE)], ids=["to-own", "to-linked"]
)
def test_the_kind_of_service_role_cannot_change(
    fake: FakeBatch, batch: BaseClient, role: str | None, new_role: str
) -> None:
    fake.add_compute_environment("ce", service_role=role)

    assert refused(
        batch.update_compute_environment, computeEnvironment="ce", serviceRole=new_role
    ) == ("serviceRole can't be changed between a service-linked role and a regular IAM role.")


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"state": "OFF"}, "Invalid state: OFF. Valid values: ENABLED, DISABLED."),
        (
            {"unmanagedvCpus": 4},
            "unmanagedvCpus is only supported for an UNMANAGED compute environment.",
        ),
        (
            {"computeResources": {"allocationStrategy": "BEST_FIT"}},
            "Invalid computeResources allocationStrategy: BEST_FIT. Valid values: "
            "BEST_FIT_PROGRESSIVE, BEST_FIT_PROGRESSIVE_ORDERED, SPOT_CAPACITY_OPTIMIZED, "
            "SPOT_PRICE_CAPACITY_OPTIMIZED, SPOT_CAPACITY_OPTIMIZED_PRIORITIZED.",
        ),
        (
            {"computeResources": {"type": "ECS_MANAGED_INSTANCES"}},
            "The type of a compute environment can't be changed to or from ECS_MANAGED_INSTANCES.",
        ),
        (
            {"computeResources": {"type": "GPU"}},
            "Invalid computeResources type: GPU. Valid values: EC2, SPOT, FARGATE, FARGATE_SPOT, "
            "ECS_MANAGED_INSTANCES.",
        ),
        (
            {"computeResources": {"desiredvCpus": 2}},
            "desiredvCpus (2) must be from minvCpus (0) to maxvCpus (64) and not below the "
            "current desiredvCpus (4).",
        ),
        (
            {"computeResources": {"desiredvCpus": 65}},
            "desiredvCpus (65) must be from minvCpus (0) to maxvCpus (64) and not below the "
            "current desiredvCpus (4).",
        ),
        (
            {"computeResources": {"minvCpus": 65}},
            "minvCpus (65) must not be greater than maxvCpus (64).",
        ),
        (
            {"updatePolicy": {"jobExecutionTimeoutMinutes": 7201}},
            "jobExecutionTimeoutMinutes must be from 1 to 7200, got 7201.",
        ),
        pytest.param(
            {"eksConfiguration": {"accessEntry": {"desiredState": "ENABLED"}}},
            "eksConfiguration can only be updated for an EKS compute environment.",
            marks=EKS_UPDATE,
        ),
    ],
)
def test_update_refuses(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    fake.add_compute_environment("ce", compute_resources=RESOURCES)
    before = described(batch, "ce")

    assert refused(batch.update_compute_environment, computeEnvironment="ce", **params) == detail
    assert described(batch, "ce") == before


def test_an_unmanaged_environment_takes_unmanaged_vcpus_only(
    fake: FakeBatch, batch: BaseClient
) -> None:
    fake.add_compute_environment("ce", type="UNMANAGED", unmanaged_vcpus=4)

    batch.update_compute_environment(computeEnvironment="ce", unmanagedvCpus=16)
    detail = refused(
        batch.update_compute_environment, computeEnvironment="ce", computeResources={"maxvCpus": 8}
    )

    assert described(batch, "ce")["unmanagedvCpus"] == 16
    assert detail == "computeResources is only supported for a MANAGED compute environment."


@EKS_UPDATE
def test_an_eks_environment_updates_its_access_entry(fake: FakeBatch, batch: BaseClient) -> None:
    batch.create_compute_environment(
        computeEnvironmentName="eks",
        type="MANAGED",
        computeResources=with_subnets(
            {"type": "EC2", "maxvCpus": 8, "instanceRole": "ecsInstanceRole"}
        ),
        eksConfiguration={
            "eksClusterArn": "arn:aws:eks:us-east-1:1:cluster/c",
            "kubernetesNamespace": "n",
        },
    )

    batch.update_compute_environment(
        computeEnvironment="eks", eksConfiguration={"accessEntry": {"desiredState": "ENABLED"}}
    )

    assert described(batch, "eks")["eksConfiguration"] == {
        "eksClusterArn": "arn:aws:eks:us-east-1:1:cluster/c",
        "kubernetesNamespace": "n",
        "accessEntry": {"desiredState": "ENABLED"},
    }


@BOTH_PATHS
def test_update_an_unknown_environment(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_compute_environment("away", region="eu-west-1")

    for reference in ("nope", "away"):
        with pytest.raises(
            client.exceptions.ClientException, match=f"ComputeEnvironment {reference} not found."
        ):
            client.update_compute_environment(computeEnvironment=reference, state="DISABLED")


# DeleteComputeEnvironment


@BOTH_PATHS
def test_delete_a_disabled_environment(fake: FakeBatch, client: BaseClient) -> None:
    environment = fake.add_compute_environment("ce", tags={"k": "v"})
    client.update_compute_environment(computeEnvironment="ce", state="DISABLED")

    response = client.delete_compute_environment(computeEnvironment=environment.arn)

    assert set(response) == {"ResponseMetadata"}
    assert client.describe_compute_environments()["computeEnvironments"] == []
    assert fake.compute_environments == []
    with pytest.raises(client.exceptions.ClientException):
        client.list_tags_for_resource(resourceArn=environment.arn)
    # Its name is free again.
    client.create_compute_environment(computeEnvironmentName="ce", type="UNMANAGED")


def test_an_enabled_environment_is_not_deleted(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_compute_environment("ce")

    detail = refused(batch.delete_compute_environment, computeEnvironment="ce")

    assert detail == "ComputeEnvironment ce must be DISABLED before it can be deleted."
    assert [environment.name for environment in fake.compute_environments] == ["ce"]


@BOTH_PATHS
def test_an_environment_a_queue_uses_is_not_deleted(fake: FakeBatch, client: BaseClient) -> None:
    fake.add_compute_environment("ce", state="DISABLED")
    fake.add_compute_environment("other", state="DISABLED")
    fake.add_queue("q", compute_environments=["ce"])

    with pytest.raises(ClientError) as raised:
        client.delete_compute_environment(computeEnvironment="ce")
    client.update_job_queue(
        jobQueue="q", computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "other"}]
    )
    client.delete_compute_environment(computeEnvironment="ce")

    # Observed word for word, without the "Error executing request" envelope.
    assert raised.value.response["Error"] == {
        "Code": "ClientException",
        "Message": "Cannot delete, found existing JobQueue relationship",
    }
    assert [environment.name for environment in fake.compute_environments] == ["other"]


@BOTH_PATHS
def test_deleting_an_unknown_environment_is_answered_200(
    fake: FakeBatch, client: BaseClient
) -> None:
    fake.add_compute_environment("away", region="eu-west-1", state="DISABLED")

    response = client.delete_compute_environment(computeEnvironment="away")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert len(fake.compute_environments) == 1


# Effect on jobs: a DISABLED compute environment places none


@BOTH_PATHS
def test_jobs_wait_while_every_environment_of_their_queue_is_disabled(
    fake: FakeBatch, client: BaseClient
) -> None:
    fake.add_compute_environment("ce")
    fake.add_queue("q", compute_environments=["ce"])
    waiting = fake.add_job("q", status="RUNNABLE")
    running = fake.add_job("q", status="RUNNING")
    client.update_compute_environment(computeEnvironment="ce", state="DISABLED")

    moved = fake.advance()
    fake.run_all()

    # "Jobs in a STARTING or RUNNING state continue to progress normally."
    assert moved == []
    assert fake.get_job(waiting.job_id).status == "RUNNABLE"
    assert fake.get_job(running.job_id).status == "SUCCEEDED"
    with pytest.raises(ValueError, match="every compute environment of its queue q is DISABLED"):
        fake.advance(waiting.job_id)

    client.update_compute_environment(computeEnvironment="ce", state="ENABLED")
    [started] = fake.advance()

    assert (started.job_id, started.status) == (waiting.job_id, "STARTING")


def test_one_enabled_environment_is_enough(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_compute_environment("off", state="DISABLED")
    fake.add_compute_environment("on")
    fake.add_queue("q", compute_environments=["off", "on"])
    fake.add_queue("held", compute_environments=["off"])
    free, held = fake.add_job("q", status="RUNNABLE"), fake.add_job("held", status="RUNNABLE")

    fake.advance()

    assert fake.get_job(free.job_id).status == "STARTING"
    assert fake.get_job(held.job_id).status == "RUNNABLE"
    # The test may still move a held job itself.
    assert fake.set_status(held.job_id, "RUNNING").status == "RUNNING"


def test_an_array_child_waits_too(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_compute_environment("ce", state="DISABLED")
    fake.add_queue("q", compute_environments=["ce"])
    parent = fake.add_array_job("q", size=2, child_statuses=["RUNNABLE", "STARTING"])

    fake.advance()

    assert [child.status for child in fake.get_job(parent.job_id).children] == [
        "RUNNABLE",
        "RUNNING",
    ]


def test_values_stored_unchecked_do_not_break_an_update(fake: FakeBatch) -> None:
    from botocore.config import Config

    unvalidated = boto3.client(
        "batch", region_name=fake.region, config=Config(parameter_validation=False)
    )
    unvalidated.create_compute_environment(
        computeEnvironmentName="odd",
        type="MANAGED",
        computeResources={
            "type": "EC2",
            "maxvCpus": 8,
            "minvCpus": "2",
            "desiredvCpus": "x",
            "instanceRole": "ecsInstanceRole",
            "subnets": [SUBNET],
        },
    )

    unvalidated.update_compute_environment(
        computeEnvironment="odd", computeResources={"desiredvCpus": 4}
    )

    # (Describing it would show the strings CreateComputeEnvironment stored unchecked.)
    [environment] = fake.compute_environments
    assert environment.properties["computeResources"]["desiredvCpus"] == 4
