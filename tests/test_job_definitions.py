"""RegisterJobDefinition, DescribeJobDefinitions and DeregisterJobDefinition through real clients,
and the add_job_definition factory.

Tests that take ``client`` run with botocore's and aiobotocore's clients; those marked
``BOTH_PATHS`` run on the fast and the wire path. The refusals run on the fast path.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config

from pytest_fakebatch import FakeBatch
from tests.helpers import refused

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

BOTH_PATHS = pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
ARN = "arn:aws:batch:us-east-1:123456789012:job-definition"
# Observed: what a real answer fills in (terraform-provider-aws, container_properties_test.go).
EMPTY_LISTS = {
    "command": [],
    "volumes": [],
    "environment": [],
    "mountPoints": [],
    "ulimits": [],
    "resourceRequirements": [],
    "secrets": [],
}
CONTAINER = {
    "image": "busybox",
    "command": ["sleep", "30"],
    "resourceRequirements": [{"type": "VCPU", "value": "2"}, {"type": "MEMORY", "value": "512"}],
}
DEFAULT_CONTAINER = {
    **EMPTY_LISTS,
    "image": "busybox",
    "command": ["echo", "hello"],
    "resourceRequirements": [{"value": "1", "type": "VCPU"}, {"value": "2048", "type": "MEMORY"}],
}


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=12, wire=getattr(request, "param", False)) as fake:
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def register(batch: BaseClient, name: str = "render", **params: Any) -> dict[str, Any]:
    request = {"jobDefinitionName": name, "type": "container", "containerProperties": CONTAINER}
    return batch.register_job_definition(**{**request, **params})  # type: ignore[no-any-return]


def names_and_revisions(response: dict[str, Any]) -> list[str]:
    return [f"{d['jobDefinitionName']}:{d['revision']}" for d in response["jobDefinitions"]]


# Registering and describing


@BOTH_PATHS
def test_register_then_describe(fake: FakeBatch, client: BaseClient) -> None:
    registered = client.register_job_definition(
        jobDefinitionName="render",
        type="container",
        containerProperties=CONTAINER,
        parameters={"size": "large"},
        retryStrategy={"attempts": 3, "evaluateOnExit": [{"onExitCode": "1", "action": "EXIT"}]},
        timeout={"attemptDurationSeconds": 60},
        propagateTags=True,
        platformCapabilities=["EC2"],
        schedulingPriority=5,
        tags={"team": "ml"},
    )
    described = client.describe_job_definitions(jobDefinitionName="render")

    assert {k: v for k, v in registered.items() if k != "ResponseMetadata"} == {
        "jobDefinitionName": "render",
        "jobDefinitionArn": f"{ARN}/render:1",
        "revision": 1,
    }
    assert described["jobDefinitions"] == [
        {
            "jobDefinitionName": "render",
            "jobDefinitionArn": f"{ARN}/render:1",
            "revision": 1,
            "status": "ACTIVE",
            "type": "container",
            "containerProperties": {**EMPTY_LISTS, **CONTAINER},
            "parameters": {"size": "large"},
            "retryStrategy": {
                "attempts": 3,
                "evaluateOnExit": [{"onExitCode": "1", "action": "EXIT"}],
            },
            "timeout": {"attemptDurationSeconds": 60},
            "propagateTags": True,
            "platformCapabilities": ["EC2"],
            "schedulingPriority": 5,
            "containerOrchestrationType": "ECS",
            "tags": {"team": "ml"},
        }
    ]
    assert [(d.name, d.revision, d.status) for d in fake.job_definitions] == [
        ("render", 1, "ACTIVE")
    ]


def test_each_registration_is_the_next_revision(fake: FakeBatch, batch: BaseClient) -> None:
    fake.add_job_definition("render")

    second = register(batch)
    third = register(batch, containerProperties={**CONTAINER, "image": "alpine"})

    assert (second["revision"], third["revision"]) == (2, 3)
    assert third["jobDefinitionArn"] == f"{ARN}/render:3"
    described = batch.describe_job_definitions(jobDefinitions=["render:3"])["jobDefinitions"]
    assert described[0]["containerProperties"]["image"] == "alpine"


def test_a_minimal_registration_is_described_with_the_service_s_defaults(
    fake: FakeBatch, batch: BaseClient
) -> None:
    register(batch, containerProperties={"image": "busybox", "vcpus": 1, "memory": 128})

    [described] = batch.describe_job_definitions()["jobDefinitions"]

    assert described == {
        "jobDefinitionName": "render",
        "jobDefinitionArn": f"{ARN}/render:1",
        "revision": 1,
        "status": "ACTIVE",
        "type": "container",
        "parameters": {},
        "containerProperties": {"image": "busybox", "vcpus": 1, "memory": 128, **EMPTY_LISTS},
        "containerOrchestrationType": "ECS",
    }


def test_multinode_definitions(fake: FakeBatch, batch: BaseClient) -> None:
    nodes = {
        "numNodes": 4,
        "mainNode": 0,
        "nodeRangeProperties": [
            {"targetNodes": "0", "container": {"image": "main", "vcpus": 2, "memory": 1024}},
            {"targetNodes": "1:", "container": CONTAINER},
        ],
    }

    batch.register_job_definition(jobDefinitionName="mpi", type="multinode", nodeProperties=nodes)
    [described] = batch.describe_job_definitions()["jobDefinitions"]

    assert described["type"] == "multinode"
    assert described["nodeProperties"]["nodeRangeProperties"][1]["container"] == {
        **EMPTY_LISTS,
        **CONTAINER,
    }
    assert "containerProperties" not in described


@pytest.mark.parametrize(
    ("body", "orchestration"),
    [
        ({"ecsProperties": {"taskProperties": [{"containers": [{"image": "busybox"}]}]}}, "ECS"),
        ({"eksProperties": {"podProperties": {"containers": [{"image": "busybox"}]}}}, "EKS"),
    ],
)
def test_ecs_and_eks_properties_are_stored_as_given(
    fake: FakeBatch, batch: BaseClient, body: dict[str, Any], orchestration: str
) -> None:
    batch.register_job_definition(jobDefinitionName="d", type="container", **body)

    [described] = batch.describe_job_definitions()["jobDefinitions"]

    key = next(iter(body))
    assert described[key] == body[key]
    assert described["containerOrchestrationType"] == orchestration


def test_fargate_takes_fractions_of_a_vcpu(fake: FakeBatch, batch: BaseClient) -> None:
    container = {
        "image": "busybox",
        "resourceRequirements": [
            {"type": "VCPU", "value": "0.25"},
            {"type": "MEMORY", "value": "512"},
        ],
    }

    register(batch, containerProperties=container, platformCapabilities=["FARGATE"])

    assert batch.describe_job_definitions()["jobDefinitions"][0]["platformCapabilities"] == [
        "FARGATE"
    ]


# Choosing what to describe


def test_describe_filters(fake: FakeBatch, batch: BaseClient) -> None:
    first = fake.add_job_definition("render")
    fake.add_job_definition("render", status="INACTIVE")
    third = fake.add_job_definition("render")
    other = fake.add_job_definition("train")
    fake.add_job_definition("render", region="eu-west-1")

    def described(**params: Any) -> list[str]:
        return names_and_revisions(batch.describe_job_definitions(**params))

    assert described() == ["render:1", "render:2", "render:3", "train:1"]
    assert described(jobDefinitionName="render") == ["render:1", "render:2", "render:3"]
    assert described(status="ACTIVE") == ["render:1", "render:3", "train:1"]
    assert described(status="INACTIVE") == ["render:2"]
    assert described(status="active") == []
    assert described(jobDefinitionName="render", status="ACTIVE") == ["render:1", "render:3"]
    assert described(jobDefinitions=[other.arn, "render:1", first.arn]) == ["render:1", "train:1"]
    assert described(jobDefinitions=["render:9", "nope:1", f"{ARN}/render:7"]) == []
    # "the job definition name must include the revision number" (boto/boto3#2908)
    assert described(jobDefinitions=["render"]) == []
    assert described(jobDefinitions=[third.arn], status="INACTIVE") == []
    assert described(jobDefinitionName="missing") == []


@BOTH_PATHS
def test_the_paginator_walks_every_revision_once(fake: FakeBatch, client: BaseClient) -> None:
    for n in range(12):
        fake.add_job_definition(f"d{n % 3}")

    pages = list(
        client.get_paginator("describe_job_definitions").paginate(
            jobDefinitionName="d1", PaginationConfig={"PageSize": 3}
        )
    )
    everything = client.get_paginator("describe_job_definitions").paginate(
        PaginationConfig={"PageSize": 5, "MaxItems": 7}
    )

    assert [names_and_revisions(page) for page in pages] == [["d1:1", "d1:2", "d1:3"], ["d1:4"]]
    full = everything.build_full_result()
    assert len(full["jobDefinitions"]) == 7
    rest = client.get_paginator("describe_job_definitions").paginate(
        PaginationConfig={"PageSize": 5, "StartingToken": full["NextToken"]}
    )
    remaining = rest.build_full_result()["jobDefinitions"]
    assert len(remaining) == 5
    assert {d["jobDefinitionArn"] for d in full["jobDefinitions"] + remaining} == {
        d.arn for d in fake.job_definitions
    }


def test_tokens_belong_to_their_query(fake: FakeBatch, batch: BaseClient) -> None:
    for _ in range(3):
        fake.add_job_definition("d")
    token = batch.describe_job_definitions(maxResults=1)["nextToken"]
    detail = (
        "Invalid nextToken: use the token a previous DescribeJobDefinitions call with the same "
        "parameters returned."
    )

    assert refused(batch.describe_job_definitions, status="ACTIVE", nextToken=token) == detail
    assert refused(batch.describe_job_definitions, nextToken="x" * 600) == detail
    assert refused(batch.describe_job_definitions, maxResults=101) == (
        "maxResults must be between 1 and 100, got 101."
    )


# Deregistering


@BOTH_PATHS
def test_deregister_by_name_and_revision_or_arn(fake: FakeBatch, client: BaseClient) -> None:
    first = fake.add_job_definition("render")
    second = fake.add_job_definition("render")

    client.deregister_job_definition(jobDefinition="render:1")
    client.deregister_job_definition(jobDefinition=second.arn)
    client.deregister_job_definition(jobDefinition=first.arn)  # again: nothing changes

    statuses = [
        (d["revision"], d["status"])
        for d in client.describe_job_definitions(jobDefinitionName="render")["jobDefinitions"]
    ]
    assert statuses == [(1, "INACTIVE"), (2, "INACTIVE")]
    assert [d.status for d in fake.job_definitions] == ["INACTIVE", "INACTIVE"]
    third = client.register_job_definition(
        jobDefinitionName="render", type="container", containerProperties=CONTAINER
    )
    assert third["revision"] == 3


@pytest.mark.parametrize(
    ("reference", "detail"),
    [
        (
            "render",
            "Invalid jobDefinition: render. Use name:revision or the job definition's ARN.",
        ),
        ("render:2", "JobDefinition render:2 not found."),
        ("render:x", "JobDefinition render:x not found."),
        (f"{ARN}/render:2", f"JobDefinition {ARN}/render:2 not found."),
        (f"{ARN}/render", f"JobDefinition {ARN}/render not found."),
    ],
)
def test_deregister_refusals(
    fake: FakeBatch, batch: BaseClient, reference: str, detail: str
) -> None:
    fake.add_job_definition("render")

    assert refused(batch.deregister_job_definition, jobDefinition=reference) == detail
    assert fake.job_definitions[0].status == "ACTIVE"


def test_a_definition_of_another_region_is_unknown(fake: FakeBatch) -> None:
    definition = fake.add_job_definition("render")
    away = boto3.client("batch", region_name="eu-west-1")

    assert refused(away.deregister_job_definition, jobDefinition=definition.arn) == (
        f"JobDefinition {definition.arn} not found."
    )
    assert away.describe_job_definitions(jobDefinitions=["render:1"])["jobDefinitions"] == []


# What the service refuses


def container(**changes: Any) -> dict[str, Any]:
    return {"containerProperties": {**CONTAINER, **changes}}


def requirements(*pairs: tuple[str, str]) -> dict[str, Any]:
    return container(resourceRequirements=[{"type": t, "value": v} for t, v in pairs])


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        # Verbatim from real responses.
        (requirements(("MEMORY", "512")), "vCPU is not provided."),
        (
            requirements(("VCPU", "1.0"), ("MEMORY", "512")),
            "Value 1.0 for type VCPU in resourceRequirement is not valid. "
            "Please provide a numeric value.",
        ),
        ({"retryStrategy": {}}, "RetryAttempts must be provided with retry strategy"),
        (
            {"retryStrategy": {"evaluateOnExit": []}},
            "RetryAttempts must be provided with retry strategy",
        ),
        # Chosen wording.
        (requirements(("VCPU", "1")), "Memory is not provided."),
        (
            requirements(("VCPU", "two"), ("MEMORY", "512")),
            "Value two for type VCPU in resourceRequirement is not valid. "
            "Please provide a numeric value.",
        ),
        (
            requirements(("VCPU", "1"), ("MEMORY", "1.5")),
            "Value 1.5 for type MEMORY in resourceRequirement is not valid. "
            "Please provide a numeric value.",
        ),
        (
            {"containerProperties": {**CONTAINER, "vcpus": 2}},
            "VCPU is given both in resourceRequirements and as vcpus; give it once.",
        ),
        (
            {"containerProperties": {**CONTAINER, "memory": 2}},
            "MEMORY is given both in resourceRequirements and as memory; give it once.",
        ),
        (
            {"containerProperties": {"image": "i", "vcpus": 0, "memory": 128}},
            "vCPU must be at least 1, got 0.",
        ),
        (
            {"containerProperties": {"image": "i", "vcpus": 1, "memory": 3}},
            "Memory must be at least 4 MiB, got 3.",
        ),
        (
            {
                "containerProperties": {"image": "i", "vcpus": 1, "memory": 128},
                "platformCapabilities": ["FARGATE"],
            },
            "vCPU is not provided.",
        ),
        (
            requirements(("VCPU", "1"), ("MEMORY", "512"), ("CPU", "1")),
            "Invalid resourceRequirements type: CPU. Valid values: GPU, VCPU, MEMORY.",
        ),
        (
            {"retryStrategy": {"attempts": 11}},
            "Retry attempts must be from 1 to 10, got 11.",
        ),
        (
            {"retryStrategy": {"attempts": 0}},
            "Retry attempts must be from 1 to 10, got 0.",
        ),
        (
            {"retryStrategy": {"attempts": 2, "evaluateOnExit": [{"action": "RETRY"}] * 6}},
            "evaluateOnExit takes up to 5 conditions, got 6.",
        ),
        (
            {"retryStrategy": {"attempts": 2, "evaluateOnExit": [{"action": "again"}]}},
            "Invalid evaluateOnExit action: again. Valid values: RETRY, EXIT.",
        ),
        (
            {"timeout": {"attemptDurationSeconds": 59}},
            "attemptDurationSeconds must be at least 60, got 59.",
        ),
        ({"schedulingPriority": 10_000}, "schedulingPriority must be from 0 to 9999, got 10000."),
        ({"jobDefinitionName": "a b"}, "Job definition name should match valid pattern"),
        ({"type": "batch"}, "Invalid type: batch. Valid values: container, multinode."),
        (
            {"platformCapabilities": ["LAMBDA"]},
            "Invalid platformCapabilities: LAMBDA. Valid values: EC2, FARGATE.",
        ),
        (
            {"containerProperties": None},
            "A container job definition needs containerProperties, ecsProperties or eksProperties.",
        ),
        (
            {"eksProperties": {"podProperties": {}}},
            "Only one of containerProperties, ecsProperties, eksProperties and nodeProperties "
            "can be given; got containerProperties, eksProperties.",
        ),
        ({"type": "multinode"}, "A multinode job definition needs nodeProperties."),
        (
            {"type": "multinode", "platformCapabilities": ["FARGATE"]},
            "multinode job definitions are not supported on Fargate.",
        ),
        (
            {
                "type": "multinode",
                "containerProperties": None,
                "nodeProperties": {
                    "numNodes": 2,
                    "mainNode": 2,
                    "nodeRangeProperties": [{"targetNodes": "0:"}],
                },
            },
            "mainNode must be a node index from 0 to 1, got 2.",
        ),
        (
            {
                "type": "multinode",
                "containerProperties": None,
                "nodeProperties": {
                    "numNodes": 2,
                    "mainNode": 0,
                    "nodeRangeProperties": [
                        {"targetNodes": "0:", "container": {"image": "i", "vcpus": 1}}
                    ],
                },
            },
            "Memory is not provided.",
        ),
        ({"tags": {"team": "aws:ml"}}, "Tag values starting with aws: are reserved: aws:ml"),
        (
            {"tags": {"team": "v" * 257}},
            f"Tag values must be at most 256 characters long: {'v' * 257}",
        ),
    ],
)
def test_register_refusals(
    fake: FakeBatch, batch: BaseClient, params: dict[str, Any], detail: str
) -> None:
    request = {"jobDefinitionName": "render", "type": "container", **container(), **params}
    request = {key: value for key, value in request.items() if value is not None}

    assert refused(batch.register_job_definition, **request) == detail
    assert fake.job_definitions == []


# The factory


def test_add_job_definition_defaults_to_a_runnable_container(
    fake: FakeBatch, batch: BaseClient
) -> None:
    job = fake.add_job("q")  # registers "default" on the way
    fake.add_job_definition("plain")

    described = batch.describe_job_definitions()["jobDefinitions"]

    assert [d["jobDefinitionArn"] for d in described] == [job.job_definition, f"{ARN}/plain:1"]
    for definition in described:
        assert definition["containerProperties"] == DEFAULT_CONTAINER
        assert (definition["type"], definition["parameters"]) == ("container", {})


def test_add_job_definition_with_everything(fake: FakeBatch, batch: BaseClient) -> None:
    definition = fake.add_job_definition(
        "render",
        container_properties=CONTAINER,
        parameters={"size": "large"},
        retry_strategy={"attempts": 2},
        timeout={"attemptDurationSeconds": 120},
        propagate_tags=True,
        platform_capabilities=["EC2"],
        scheduling_priority=3,
        tags={"team": "ml"},
    )
    [described] = batch.describe_job_definitions()["jobDefinitions"]

    assert definition.properties["retryStrategy"] == {"attempts": 2}
    assert described["containerProperties"] == {**EMPTY_LISTS, **CONTAINER}
    assert (described["parameters"], described["timeout"]) == (
        {"size": "large"},
        {"attemptDurationSeconds": 120},
    )
    assert (described["propagateTags"], described["schedulingPriority"]) == (True, 3)
    assert described["tags"] == {"team": "ml"}


def test_add_job_definition_multinode_default(fake: FakeBatch, batch: BaseClient) -> None:
    definition = fake.add_job_definition("mpi", type="multinode")

    [described] = batch.describe_job_definitions()["jobDefinitions"]

    assert definition.type == "multinode"
    assert described["nodeProperties"] == {
        "numNodes": 2,
        "mainNode": 0,
        "nodeRangeProperties": [{"targetNodes": "0:", "container": DEFAULT_CONTAINER}],
    }


def test_add_job_definition_inactive(fake: FakeBatch, batch: BaseClient) -> None:
    definition = fake.add_job_definition("old", status="INACTIVE")

    assert definition.status == "INACTIVE"
    assert names_and_revisions(batch.describe_job_definitions(status="INACTIVE")) == ["old:1"]


@pytest.mark.parametrize(
    ("keywords", "error", "message"),
    [
        (
            {"container_properties": {"image": "i", "memory": 128}},
            ValueError,
            "invalid job definition 'd': vCPU is not provided.",
        ),
        (
            {"retry_strategy": {"attempts": 20}},
            ValueError,
            "invalid job definition 'd': Retry attempts must be from 1 to 10, got 20.",
        ),
        ({"type": "array"}, ValueError, "type must be 'container' or 'multinode', not 'array'"),
        ({"status": "DELETED"}, ValueError, "status must be 'ACTIVE' or 'INACTIVE', not 'DELETED'"),
        ({"container_properties": "busybox"}, TypeError, "container_properties must be a mapping"),
        ({"propagate_tags": "yes"}, TypeError, "propagate_tags must be True, False or None"),
        ({"scheduling_priority": 1.5}, TypeError, "scheduling_priority must be an int, not 1.5"),
        ({"platform_capabilities": "EC2"}, TypeError, "platform_capabilities must be a list"),
        ({"tags": {"aws:k": "v"}}, ValueError, "invalid tags: Tag keys starting with aws:"),
    ],
)
def test_add_job_definition_refuses_bad_values(
    fake: FakeBatch, keywords: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        fake.add_job_definition("d", **keywords)
    assert fake.job_definitions == []


@pytest.mark.parametrize(
    ("container", "expected"),
    [
        ({"image": "i", "vcpus": "x", "memory": 4}, "containerProperties.vcpus"),
        ({"image": "i", "vcpus": 1, "memory": "4"}, "containerProperties.memory"),
        (
            {"image": "i", "resourceRequirements": [{"type": ["VCPU"], "value": "1"}]},
            "containerProperties.resourceRequirements[].type",
        ),
    ],
)
def test_unvalidated_values_of_the_wrong_type_are_refused(
    fake: FakeBatch, container: dict[str, Any], expected: str
) -> None:
    unchecked = boto3.client(
        "batch", region_name=fake.region, config=Config(parameter_validation=False)
    )

    detail = refused(
        unchecked.register_job_definition,
        jobDefinitionName="d",
        type="container",
        containerProperties=container,
    )

    assert detail.startswith(f"Invalid type for {expected}: expected ")
    assert fake.job_definitions == []
