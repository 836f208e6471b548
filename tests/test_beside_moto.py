"""The fake beside moto: the fake answers Batch, moto the rest, and moto never sees a Batch request
the fake answered (issue 14, "Beside moto").

moto adds its handler to every botocore session's ``before-send`` event; botocore runs every
``before-send`` handler of a request and keeps the first answer, so on the wire path moto would
otherwise also execute each Batch request, creating ECS clusters and EC2 instances of its own.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

moto = pytest.importorskip("moto")

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/batch-service"


@contextlib.contextmanager
def moto_outside(fake: FakeBatch) -> Iterator[None]:
    with moto.mock_aws(config={"batch": {"use_docker": False}}), fake:
        yield


@contextlib.contextmanager
def moto_inside(fake: FakeBatch) -> Iterator[None]:
    with fake, moto.mock_aws(config={"batch": {"use_docker": False}}):
        yield


NESTINGS = {"mock_aws outside the fake": moto_outside, "mock_aws inside the fake": moto_inside}
FAKES: dict[str, Callable[[], FakeBatch]] = {
    "fast path": FakeBatch,
    "wire path": lambda: FakeBatch(wire=True),
    "injected 500s": FakeBatch,  # faults take the wire path
    "rate limit": lambda: FakeBatch(rate_limit=1000.0),  # as does a rate limit
}


def use_batch(client: Any) -> str:
    """What a workflow does with Batch: an environment, a queue, a definition, a job."""
    environment = client.create_compute_environment(
        computeEnvironmentName="env", type="UNMANAGED", state="ENABLED", serviceRole=ROLE
    )
    client.create_job_queue(
        jobQueueName="queue",
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[
            {"order": 1, "computeEnvironment": environment["computeEnvironmentArn"]}
        ],
    )
    client.register_job_definition(
        jobDefinitionName="definition",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128},
    )
    job_id: str = client.submit_job(jobName="job", jobQueue="queue", jobDefinition="definition")[
        "jobId"
    ]
    return job_id


def moto_state(session: boto3.Session) -> dict[str, list[Any]]:
    """What moto holds for Batch, and what its Batch backend creates in ECS and EC2."""
    batch = session.client("batch", region_name=REGION)
    ecs = session.client("ecs", region_name=REGION)
    ec2 = session.client("ec2", region_name=REGION)
    return {
        "compute environments": batch.describe_compute_environments()["computeEnvironments"],
        "job queues": batch.describe_job_queues()["jobQueues"],
        "job definitions": batch.describe_job_definitions()["jobDefinitions"],
        "ecs clusters": ecs.list_clusters()["clusterArns"],
        "ec2 reservations": ec2.describe_instances()["Reservations"],
    }


@pytest.mark.parametrize("kind", FAKES)
@pytest.mark.parametrize("nesting", NESTINGS)
def test_moto_never_sees_a_batch_request_the_fake_answers(nesting: str, kind: str) -> None:
    fake = FAKES[kind]()
    if kind == "injected 500s":
        fake.inject_fault(error="ServerException", times=2)
    with moto.mock_aws(config={"batch": {"use_docker": False}}):
        session = boto3.Session()
        with NESTINGS[nesting](fake):
            uses_wire = fake.answers_on_the_wire("CreateComputeEnvironment")
            batch = boto3.Session().client("batch", region_name=REGION)
            job_id = use_batch(batch)
            # moto answers the rest meanwhile.
            s3 = boto3.Session().client("s3", region_name=REGION)
            s3.create_bucket(Bucket="results")
            s3.put_object(Bucket="results", Key="out", Body=b"done")
            listed = batch.list_jobs(jobQueue="queue", jobStatus="SUBMITTED")["jobSummaryList"]
        # Still inside mock_aws: moto answers Batch now, and must know nothing of what the fake did.
        seen_by_moto = moto_state(session)
        body = session.client("s3", region_name=REGION).get_object(Bucket="results", Key="out")

    assert [summary["jobId"] for summary in listed] == [job_id]
    assert fake.get_job(job_id).job_name == "job"
    assert uses_wire is (kind != "fast path")
    errors = [call.error.code for call in fake.calls if call.error is not None]
    assert errors == (["ServerException"] * 2 if kind == "injected 500s" else [])
    assert seen_by_moto == {key: [] for key in seen_by_moto}
    assert body["Body"].read() == b"done"


def test_moto_answers_batch_again_once_the_fake_ends() -> None:
    """The control: the same requests, with no fake active, do reach moto's Batch backend."""
    with moto.mock_aws(config={"batch": {"use_docker": False}}):
        session = boto3.Session()
        iam = session.client("iam", region_name=REGION)
        role = iam.create_role(RoleName="batch-service", AssumeRolePolicyDocument="{}")
        assert role["Role"]["Arn"] == ROLE
        with FakeBatch(wire=True):
            pass
        use_batch(session.client("batch", region_name=REGION))
        seen_by_moto = moto_state(session)

    assert [e["computeEnvironmentName"] for e in seen_by_moto["compute environments"]] == ["env"]
    assert len(seen_by_moto["ecs clusters"]) == 1


@pytest.mark.parametrize("wire", [False, True], ids=["fast path", "wire path"])
def test_no_other_before_send_handler_sees_what_the_fake_answers(wire: bool) -> None:
    """Any library's handler, not only moto's; botocore's own (adaptive retry mode's rate
    limiter) still run: see the retries page's adaptive example, tested in test_docs_examples."""
    seen: list[str] = []

    def record(request: Any, **_: Any) -> None:
        seen.append(request.url)

    client = boto3.Session().client("batch", region_name=REGION)
    client.meta.events.register_first("before-send", record)
    client.meta.events.register_last("before-send.batch.ListJobs", record)
    with FakeBatch(wire=wire) as fake:
        fake.add_job(job_queue="q")
        listed = client.list_jobs(jobQueue="q")["jobSummaryList"]

    assert len(listed) == 1
    assert seen == []


def test_the_usage_page_example_passes(pytester: pytest.Pytester) -> None:
    page = (Path(__file__).parent.parent / "docs" / "usage.md").read_text()
    section = page.split("## Beside moto", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    pytester.makepyfile(test_example=example)

    result = pytester.runpytest_inprocess("-p", "no:randomly")

    result.assert_outcomes(passed=1)
