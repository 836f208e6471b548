"""DescribeJobs details real Batch clients read: jobs named by ARN (torchx), the members AWS
always returns (attempts, parameters, dependsOn, tags), EKS jobs' merged eksProperties, a
multi-node node's container and its node range's overrides (Metaflow), container reasons, and
SEQUENTIAL on a job that is not an array job. Every test runs on the fast and the wire path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch
from tests.job_helpers import CONTAINER, EXITED, describe, register, submit

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

T0 = 1_700_000_000_000
PULL_ERROR = "CannotPullContainerError: pull image manifest has been retried 5 time(s)"


@pytest.fixture(params=[False, True], ids=["fast", "wire"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    """A fake with queue ``q`` and job definition ``d``, its clock frozen at T0."""
    with FakeBatch(seed=14, wire=request.param) as fake:
        fake.add_queue("q")
        fake.add_job_definition("d")
        fake.clock.set(T0)
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


# Job ARNs wherever a job id is taken


def test_describe_by_arn_as_torchx_does(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch, "trainer")
    [summary] = batch.list_jobs(
        jobQueue="q", filters=[{"name": "JOB_NAME", "values": ["trainer"]}]
    )["jobSummaryList"]

    [by_arn] = batch.describe_jobs(jobs=[summary["jobArn"]])["jobs"]

    assert by_arn == describe(batch, job_id)
    assert by_arn["jobId"] == job_id


def test_a_job_named_by_id_and_by_arn_is_described_once(batch: BaseClient) -> None:
    job_id = submit(batch)
    arn = describe(batch, job_id)["jobArn"]

    jobs = batch.describe_jobs(jobs=[arn, job_id, arn])["jobs"]

    assert [job["jobId"] for job in jobs] == [job_id]


def test_children_and_nodes_by_arn(batch: BaseClient, fake: FakeBatch) -> None:
    array = fake.add_array_job("q", size=2)
    multinode = fake.add_multinode_job("q", num_nodes=2)

    jobs = batch.describe_jobs(jobs=[f"{array.job_arn}:1", f"{multinode.job_arn}#0"])["jobs"]

    assert [job["jobId"] for job in jobs] == [f"{array.job_id}:1", f"{multinode.job_id}#0"]
    assert [job["jobArn"] for job in jobs] == [f"{array.job_arn}:1", f"{multinode.job_arn}#0"]


def test_an_arn_of_another_region_or_account_names_no_job(
    batch: BaseClient, fake: FakeBatch
) -> None:
    job = fake.add_job("q")
    other_region = job.job_arn.replace(":us-east-1:", ":eu-west-1:")
    other_account = job.job_arn.replace(":123456789012:", ":210987654321:")
    queue_arn = fake.queues[0].arn

    jobs = batch.describe_jobs(jobs=[other_region, other_account, queue_arn, "arn:aws:batch"])

    assert jobs["jobs"] == []


def test_list_children_and_nodes_by_arn(batch: BaseClient, fake: FakeBatch) -> None:
    array = fake.add_array_job("q", size=3)
    multinode = fake.add_multinode_job("q", num_nodes=2)

    children = batch.list_jobs(arrayJobId=array.job_arn)["jobSummaryList"]
    nodes = batch.list_jobs(multiNodeJobId=multinode.job_arn)["jobSummaryList"]

    assert sorted(child["jobId"] for child in children) == [
        f"{array.job_id}:{index}" for index in range(3)
    ]
    assert sorted(node["jobId"] for node in nodes) == [f"{multinode.job_id}#{i}" for i in (0, 1)]


def test_depends_on_by_arn(batch: BaseClient, fake: FakeBatch) -> None:
    upstream = submit(batch, "upstream")
    upstream_arn = describe(batch, upstream)["jobArn"]

    job_id = submit(batch, "downstream", dependsOn=[{"jobId": upstream_arn}])
    fake.advance(job_id)

    detail = describe(batch, job_id)
    assert detail["dependsOn"] == [{"jobId": upstream}]  # the job it names, by id
    assert detail["status"] == "PENDING"
    fake.complete(upstream)
    fake.advance(job_id)
    assert describe(batch, job_id)["status"] == "RUNNABLE"


# Members AWS returns even when empty


def test_a_plain_submitted_job_has_the_empty_members(batch: BaseClient) -> None:
    detail = describe(batch, submit(batch))

    # Observed in captured answers for SUBMITTED jobs (aws-parallelcluster); tags chosen.
    assert (detail["attempts"], detail["parameters"], detail["dependsOn"], detail["tags"]) == (
        [],
        {},
        [],
        {},
    )


def test_array_parents_children_and_seeded_jobs_have_them_too(
    batch: BaseClient, fake: FakeBatch
) -> None:
    array = fake.add_array_job("q", size=2, status="SUBMITTED")
    seeded = fake.add_job("q", status="RUNNABLE")

    for job_id in (array.job_id, f"{array.job_id}:0", seeded.job_id):
        detail = describe(batch, job_id)
        assert detail["attempts"] == []
        assert detail["parameters"] == {}
        assert detail["dependsOn"] == []
        assert detail["tags"] == {}


def test_tags_of_a_tagged_job(batch: BaseClient) -> None:
    assert describe(batch, submit(batch, tags={"team": "ml"}))["tags"] == {"team": "ml"}


# SEQUENTIAL on a job that is not an array job


def test_sequential_on_a_plain_job_is_accepted_and_orders_nothing(
    batch: BaseClient, fake: FakeBatch
) -> None:
    job_id = submit(batch, dependsOn=[{"type": "SEQUENTIAL"}])

    assert describe(batch, job_id)["dependsOn"] == [{"type": "SEQUENTIAL"}]
    fake.advance(job_id)
    assert describe(batch, job_id)["status"] == "RUNNABLE"  # nothing to wait for


def test_sequential_with_a_job_id_on_a_plain_job_waits_for_that_job(
    batch: BaseClient, fake: FakeBatch
) -> None:
    upstream = submit(batch, "upstream")
    job_id = submit(batch, dependsOn=[{"jobId": upstream, "type": "SEQUENTIAL"}])

    fake.advance(job_id)

    assert describe(batch, job_id)["status"] == "PENDING"
    assert describe(batch, job_id)["dependsOn"] == [{"jobId": upstream, "type": "SEQUENTIAL"}]


# EKS jobs

EKS = {
    "podProperties": {
        "containers": [
            {
                "name": "main",
                "image": "busybox",
                "command": ["sleep", "60"],
                "env": [{"name": "STAGE", "value": "dev"}],
                "resources": {"limits": {"cpu": "1", "memory": "1024Mi"}},
            },
            {"name": "sidecar", "image": "envoy"},
        ],
        "metadata": {"labels": {"team": "ml"}},
    }
}


def test_an_eks_job_shows_its_eks_properties(batch: BaseClient) -> None:
    batch.register_job_definition(jobDefinitionName="k", type="container", eksProperties=EKS)

    detail = describe(batch, submit(batch, definition="k"))

    assert detail["eksProperties"] == EKS
    assert "container" not in detail


def test_eks_properties_override_is_merged_in(batch: BaseClient) -> None:
    batch.register_job_definition(jobDefinitionName="k", type="container", eksProperties=EKS)

    job_id = submit(
        batch,
        definition="k",
        eksPropertiesOverride={
            "podProperties": {
                "containers": [
                    {
                        "name": "main",
                        "command": ["python", "run.py"],
                        "args": ["--fast"],
                        "env": [{"name": "STAGE", "value": "prod"}, {"name": "RUN", "value": "7"}],
                    },
                    {"name": "sidecar", "image": "envoy:2"},
                ],
                "metadata": {"labels": {"run": "7"}},
            }
        },
    )

    pod = describe(batch, job_id)["eksProperties"]["podProperties"]
    main, sidecar = pod["containers"]
    assert (main["command"], main["args"], main["image"]) == (
        ["python", "run.py"],
        ["--fast"],
        "busybox",
    )
    # Merged by name: "add new environment variables ... or override the existing" ones.
    assert main["env"] == [{"name": "STAGE", "value": "prod"}, {"name": "RUN", "value": "7"}]
    assert main["resources"] == EKS["podProperties"]["containers"][0]["resources"]  # kept
    assert sidecar == {"name": "sidecar", "image": "envoy:2"}
    assert pod["metadata"]["labels"] == {"team": "ml", "run": "7"}


def test_env_overrides_keep_the_definition_s_other_variables(batch: BaseClient) -> None:
    batch.register_job_definition(jobDefinitionName="k", type="container", eksProperties=EKS)

    job_id = submit(
        batch,
        definition="k",
        eksPropertiesOverride={
            "podProperties": {
                "containers": [{"name": "main", "env": [{"name": "N", "value": "1"}]}]
            }
        },
    )

    [main, _] = describe(batch, job_id)["eksProperties"]["podProperties"]["containers"]
    assert main["env"] == [{"name": "STAGE", "value": "dev"}, {"name": "N", "value": "1"}]


def test_an_override_without_a_name_overrides_the_container_in_its_place(
    batch: BaseClient,
) -> None:
    batch.register_job_definition(jobDefinitionName="k", type="container", eksProperties=EKS)

    job_id = submit(
        batch,
        definition="k",
        eksPropertiesOverride={"podProperties": {"containers": [{"image": "busybox:2"}]}},
    )

    containers = describe(batch, job_id)["eksProperties"]["podProperties"]["containers"]
    assert [container["image"] for container in containers] == ["busybox:2", "envoy"]


@pytest.mark.parametrize(
    ("override", "detail"),
    [
        (
            {"podProperties": {"containers": [{"name": "nope", "image": "x"}]}},
            "eksPropertiesOverride containers: no container named nope in the job definition.",
        ),
        (
            {"podProperties": {"containers": [{}, {}, {"image": "x"}]}},
            "eksPropertiesOverride containers: the job definition has no container 2.",
        ),
    ],
)
def test_eks_overrides_that_name_no_container(
    batch: BaseClient, override: dict[str, Any], detail: str
) -> None:
    batch.register_job_definition(jobDefinitionName="k", type="container", eksProperties=EKS)

    with pytest.raises(batch.exceptions.ClientException, match=detail):
        submit(batch, definition="k", eksPropertiesOverride=override)


def test_eks_override_on_a_container_job_is_refused(batch: BaseClient) -> None:
    with pytest.raises(batch.exceptions.ClientException, match="eksPropertiesOverride applies"):
        submit(batch, eksPropertiesOverride={"podProperties": {"containers": [{"image": "x"}]}})


# Multi-node jobs: the nodes' containers and their ranges' overrides (Metaflow's shape)

MAIN = {**CONTAINER, "command": ["main"]}
WORKER = {**CONTAINER, "command": ["worker"]}


def register_ranges(batch: BaseClient, num_nodes: int = 4) -> None:
    batch.register_job_definition(
        jobDefinitionName="mnp",
        type="multinode",
        nodeProperties={
            "numNodes": num_nodes,
            "mainNode": 0,
            "nodeRangeProperties": [
                {"targetNodes": "0:0", "container": MAIN},
                {"targetNodes": "1:", "container": WORKER},
            ],
        },
    )


def test_a_node_has_its_range_s_container(batch: BaseClient, fake: FakeBatch) -> None:
    register_ranges(batch)
    job_id = submit(batch, definition="mnp")
    fake.set_status(job_id, "RUNNING")

    main, worker = describe(batch, f"{job_id}#0"), describe(batch, f"{job_id}#3")

    assert main["container"]["command"] == ["main"]
    assert worker["container"]["command"] == ["worker"]
    # torchx reads a RUNNING node's log stream.
    assert main["container"]["logStreamName"].startswith("mnp/default/")
    assert main["container"]["logStreamName"] != worker["container"]["logStreamName"]


def test_node_property_overrides_show_in_the_nodes_and_the_parent(
    batch: BaseClient, fake: FakeBatch
) -> None:
    register_ranges(batch, num_nodes=2)
    environment = [{"name": "MF_PARALLEL_NUM_NODES", "value": "3"}]
    job_id = submit(
        batch,
        definition="mnp",
        nodeOverrides={
            "numNodes": 3,
            "nodePropertyOverrides": [
                {
                    "targetNodes": "0:0",
                    "containerOverrides": {"command": ["step", "main"], "environment": environment},
                },
                {
                    "targetNodes": "1:2",
                    "containerOverrides": {
                        "command": ["step", "worker"],
                        "environment": environment,
                    },
                },
            ],
        },
    )

    nodes = [describe(batch, f"{job_id}#{index}")["container"] for index in range(3)]
    assert [node["command"] for node in nodes] == [
        ["step", "main"],
        ["step", "worker"],
        ["step", "worker"],
    ]
    assert all(node["environment"] == environment for node in nodes)
    parent = describe(batch, job_id)["nodeProperties"]
    assert parent["numNodes"] == 3
    assert [
        (r["targetNodes"], r["container"]["command"]) for r in parent["nodeRangeProperties"]
    ] == [("0:0", ["step", "main"]), ("1:", ["step", "worker"])]
    assert "container" not in describe(batch, job_id)


def test_an_override_of_part_of_a_range_splits_it(batch: BaseClient) -> None:
    register_ranges(batch, num_nodes=4)

    job_id = submit(
        batch,
        definition="mnp",
        nodeOverrides={
            "nodePropertyOverrides": [
                {"targetNodes": "2", "containerOverrides": {"command": ["special"]}}
            ]
        },
    )

    ranges = describe(batch, job_id)["nodeProperties"]["nodeRangeProperties"]
    assert [(r["targetNodes"], r["container"]["command"]) for r in ranges] == [
        ("0:0", ["main"]),
        ("1:1", ["worker"]),
        ("2:2", ["special"]),
        ("3:3", ["worker"]),
    ]


def test_nested_ranges_the_narrower_wins(batch: BaseClient) -> None:
    # "You can nest node ranges (for example, 0:10 and 4:5). In this case, the 4:5 range
    # properties override the 0:10 properties." (NodeRangeProperty)
    batch.register_job_definition(
        jobDefinitionName="nested",
        type="multinode",
        nodeProperties={
            "numNodes": 3,
            "mainNode": 0,
            "nodeRangeProperties": [
                {"targetNodes": "0:2", "container": WORKER},
                {"targetNodes": "1:1", "container": MAIN},
            ],
        },
    )

    job_id = submit(batch, definition="nested")

    commands = [describe(batch, f"{job_id}#{i}")["container"]["command"] for i in range(3)]
    assert commands == [["worker"], ["main"], ["worker"]]


@pytest.mark.parametrize("target", ["a:b", "1-2", "", "1:2:3", "9" * 5000])
def test_a_target_range_that_is_not_one_is_refused(batch: BaseClient, target: str) -> None:
    register_ranges(batch)

    with pytest.raises(batch.exceptions.ClientException, match="Invalid targetNodes"):
        submit(
            batch,
            definition="mnp",
            nodeOverrides={
                "nodePropertyOverrides": [
                    {"targetNodes": target, "containerOverrides": {"command": ["x"]}}
                ]
            },
        )


def test_node_overrides_on_a_container_job_are_refused(batch: BaseClient) -> None:
    with pytest.raises(batch.exceptions.ClientException, match="nodeOverrides apply only"):
        submit(
            batch,
            nodeOverrides={
                "nodePropertyOverrides": [{"targetNodes": "0:", "containerOverrides": {}}]
            },
        )


def test_a_seeded_multinode_job_s_nodes_have_containers(batch: BaseClient, fake: FakeBatch) -> None:
    register_ranges(batch, num_nodes=2)

    job = fake.add_multinode_job("q", num_nodes=5, job_definition="mnp", status="RUNNING")

    commands = [describe(batch, f"{job.job_id}#{i}")["container"]["command"] for i in range(5)]
    assert commands == [["main"], *[["worker"]] * 4]


# Container reasons


def test_set_status_with_a_container_reason(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)

    fake.set_status(job_id, "FAILED", reason="Task failed to start", container_reason=PULL_ERROR)

    detail = describe(batch, job_id)
    assert detail["statusReason"] == "Task failed to start"
    assert detail["container"]["reason"] == PULL_ERROR
    [attempt] = detail["attempts"]
    assert attempt["container"]["reason"] == PULL_ERROR
    assert "exitCode" not in attempt["container"]  # it never ran its command


def test_complete_with_a_container_reason(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)

    fake.complete(job_id, exit_code=137, container_reason="OutOfMemoryError: Container killed")

    detail = describe(batch, job_id)
    assert (detail["status"], detail["statusReason"]) == ("FAILED", EXITED)
    assert detail["container"]["reason"] == "OutOfMemoryError: Container killed"
    assert detail["container"]["exitCode"] == 137


def test_on_reason_retries_by_the_container_reason(batch: BaseClient, fake: FakeBatch) -> None:
    register(
        batch,
        "retried",
        retryStrategy={
            "attempts": 3,
            "evaluateOnExit": [
                {"onReason": "CannotPullContainerError*", "action": "RETRY"},
                {"onReason": "*", "action": "EXIT"},
            ],
        },
    )
    job_id = submit(batch, definition="retried")

    fake.complete(job_id, exit_code=1, container_reason=PULL_ERROR)
    assert describe(batch, job_id)["status"] == "RUNNABLE"
    fake.complete(job_id, exit_code=1, container_reason="OutOfMemoryError: Container killed")
    assert describe(batch, job_id)["status"] == "FAILED"


def test_add_job_with_a_container_reason(batch: BaseClient, fake: FakeBatch) -> None:
    job = fake.add_job("q", status="FAILED", container_reason=PULL_ERROR)

    detail = describe(batch, job.job_id)

    assert detail["container"]["reason"] == PULL_ERROR
    assert detail["attempts"][0]["container"]["reason"] == PULL_ERROR


@pytest.mark.parametrize("status", ["RUNNING", "RUNNABLE"])
def test_a_container_reason_needs_a_finished_job(fake: FakeBatch, status: str) -> None:
    job = fake.add_job("q", status="SUBMITTED")

    with pytest.raises(ValueError, match="has no container_reason"):
        fake.set_status(job.job_id, status, container_reason="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="has no container_reason"):
        fake.add_job("q", status=status, container_reason="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="container_reason must be a string or None, not 5"):
        fake.complete(job.job_id, container_reason=5)  # type: ignore[arg-type]
