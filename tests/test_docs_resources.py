"""The examples of docs/resources.md, run.

As in test_docs_examples.py: each example is copied here as the page shows it; a test first checks
that the page still shows it word for word, then runs it in this process.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_fakebatch import FakeBatch

if TYPE_CHECKING:
    from botocore.client import BaseClient

PAGE = Path(__file__).resolve().parent.parent / "docs" / "resources.md"


def shown(example: str) -> str:
    text = textwrap.dedent(example).strip("\n")
    assert text in PAGE.read_text(), f"docs/resources.md no longer shows:\n{text}"
    return text


def run_code(example: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    exec(compile(shown(example), "docs/resources.md", "exec"), namespace)
    return namespace


def run_example_test(example: str, fake_batch: FakeBatch, batch_client: BaseClient) -> None:
    """Run the one test function ``example`` defines, with the fixtures it asks for."""
    namespace = run_code(example)
    [test] = [value for name, value in namespace.items() if name.startswith("test_")]
    fixtures = {"fake_batch": fake_batch, "batch_client": batch_client}

    test(**{name: fixtures[name] for name in inspect.signature(test).parameters})


FACTORIES_EXAMPLE = """
import boto3


def test_the_nightly_queue_runs_on_spot(fake_batch):
    spot = fake_batch.add_compute_environment(
        "spot",
        compute_resources={
            "type": "SPOT",
            "maxvCpus": 64,
            "instanceRole": "ecsInstanceRole",
            "subnets": ["subnet-220c0e0a"],
        },
    )
    fake_batch.add_queue("nightly", priority=10, compute_environments=["spot"], tags={"team": "ml"})
    fake_batch.add_job_definition(
        "train",
        container_properties={
            "image": "registry.example.com/train:1.4",
            "command": ["python", "train.py", "Ref::epochs"],
            "resourceRequirements": [
                {"type": "VCPU", "value": "4"},
                {"type": "MEMORY", "value": "8192"},
            ],
        },
        parameters={"epochs": "10"},
        retry_strategy={"attempts": 3},
    )
    client = boto3.client("batch", region_name="us-east-1")

    [queue] = client.describe_job_queues(jobQueues=["nightly"])["jobQueues"]
    [train] = client.describe_job_definitions(jobDefinitionName="train")["jobDefinitions"]

    assert queue["computeEnvironmentOrder"] == [{"order": 1, "computeEnvironment": spot.arn}]
    assert queue["tags"] == {"team": "ml"}
    assert train["retryStrategy"] == {"attempts": 3}
"""

ENSURE_QUEUE_EXAMPLE = """
def ensure_queue(client, name, compute_environment):  # the code under test
    if client.describe_job_queues(jobQueues=[name])["jobQueues"]:
        return False
    client.create_job_queue(
        jobQueueName=name,
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": compute_environment}],
    )
    return True


def test_ensure_queue_creates_the_queue_once(fake_batch, batch_client):
    fake_batch.add_compute_environment("spot")

    assert ensure_queue(batch_client, "nightly", "spot") is True
    assert ensure_queue(batch_client, "nightly", "spot") is False
    fake_batch.assert_called("CreateJobQueue", jobQueueName="nightly")
"""

DEREGISTER_EXAMPLE = """
def test_register_then_deregister(fake_batch, batch_client):
    container = {"image": "busybox", "vcpus": 1, "memory": 512}
    for _ in range(2):
        batch_client.register_job_definition(
            jobDefinitionName="render", type="container", containerProperties=container
        )

    batch_client.deregister_job_definition(jobDefinition="render:1")

    active = batch_client.describe_job_definitions(jobDefinitionName="render", status="ACTIVE")
    assert [d["revision"] for d in active["jobDefinitions"]] == [2]
"""

TAGS_EXAMPLE = """
import pytest


def test_tags_follow_the_queue(fake_batch, batch_client):
    queue = fake_batch.add_queue("old", tags={"owner": "ml"})
    batch_client.tag_resource(resourceArn=queue.arn, tags={"expires": "2026-01-01"})

    tags = batch_client.list_tags_for_resource(resourceArn=queue.arn)["tags"]
    assert tags == {"owner": "ml", "expires": "2026-01-01"}

    with pytest.raises(batch_client.exceptions.ClientException):
        batch_client.delete_job_queue(jobQueue="old")  # still ENABLED
    batch_client.update_job_queue(jobQueue="old", state="DISABLED")
    batch_client.delete_job_queue(jobQueue="old")
    with pytest.raises(batch_client.exceptions.ClientException):
        batch_client.list_tags_for_resource(resourceArn=queue.arn)
"""

DEFAULT_CONTAINER_SHOWN = """
{
  "image": "busybox",
  "command": ["echo", "hello"],
  "resourceRequirements": [{"value": "1", "type": "VCPU"}, {"value": "2048", "type": "MEMORY"}],
  "volumes": [], "environment": [], "mountPoints": [], "ulimits": [], "secrets": []
}
"""

DEFAULT_COMPUTE_RESOURCES_SHOWN = """
{
  "type": "EC2", "instanceRole": "ecsInstanceRole", "subnets": ["subnet-220c0e0a"],
  "allocationStrategy": "BEST_FIT_PROGRESSIVE", "minvCpus": 0, "maxvCpus": 256, "desiredvCpus": 0,
  "instanceTypes": ["optimal"]
}
"""


@pytest.mark.parametrize(
    "example", [FACTORIES_EXAMPLE, ENSURE_QUEUE_EXAMPLE, DEREGISTER_EXAMPLE, TAGS_EXAMPLE]
)
def test_the_examples_pass(fake_batch: FakeBatch, batch_client: BaseClient, example: str) -> None:
    run_example_test(example, fake_batch, batch_client)


def test_the_call_log_line_as_shown(fake_batch: FakeBatch, batch_client: BaseClient) -> None:
    queue = fake_batch.add_queue("old", tags={"expires": "2026-01-01"})
    batch_client.untag_resource(resourceArn=queue.arn, tagKeys=["expires"])
    line = shown(
        'fake_batch.assert_called("UntagResource", resourceArn=queue.arn, tagKeys=["expires"])'
    )

    exec(line, {"fake_batch": fake_batch, "queue": queue})


def test_the_default_container_is_shown(fake_batch: FakeBatch, batch_client: BaseClient) -> None:
    fake_batch.add_job_definition("d")

    [described] = batch_client.describe_job_definitions()["jobDefinitions"]

    assert described["containerProperties"] == json.loads(shown(DEFAULT_CONTAINER_SHOWN))


@pytest.mark.parametrize(
    ("factory", "shown_signature"),
    [
        ("add_queue", 'fake_batch.add_queue(\n    "nightly",'),
        ("add_job_definition", 'fake_batch.add_job_definition(\n    "train",'),
        ("add_compute_environment", 'fake_batch.add_compute_environment(\n    "spot",'),
    ],
)
def test_the_factory_signatures_as_shown(factory: str, shown_signature: str) -> None:
    start = PAGE.read_text().index(shown_signature)
    block = PAGE.read_text()[start : PAGE.read_text().index("\n)\n", start) + 2]
    # The keywords shown, with their defaults, are the factory's, in order.
    shown_keywords = [
        (name, ast.literal_eval(default))
        for name, default in re.findall(r"^    (\w+)=([^,]+),", block, re.MULTILINE)
    ]
    parameters = [
        (p.name, p.default)
        for p in inspect.signature(getattr(FakeBatch, factory)).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]

    assert shown_keywords == parameters


def test_the_default_compute_resources_are_shown(
    fake_batch: FakeBatch, batch_client: BaseClient
) -> None:
    fake_batch.add_compute_environment("ce")

    [described] = batch_client.describe_compute_environments()["computeEnvironments"]

    assert described["computeResources"] == json.loads(shown(DEFAULT_COMPUTE_RESOURCES_SHOWN))
