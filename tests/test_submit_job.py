"""SubmitJob through real clients: what it accepts, what it refuses (in AWS's words and envelope),
and what the job it makes looks like to DescribeJobs, ListJobs and ListTagsForResource."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from awscli.clidriver import create_clidriver
from botocore.config import Config

from pytest_fakebatch import FakeBatch
from tests.helpers import record_requests
from tests.job_helpers import (
    CONTAINER,
    describe,
    listed,
    register,
    register_multinode,
    rejected,
    submit,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

POLICY = "arn:aws:batch:us-east-1:123456789012:scheduling-policy/fair"


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    """A fake with queue ``q`` and job definition ``d`` (revision 1); fast path unless a test
    parametrizes it indirectly with ``wire``."""
    with FakeBatch(seed=5, wire=getattr(request, "param", False)) as fake:
        fake.add_queue("q")
        fake.add_job_definition("d")
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


# The round trip, on every path and client


@pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
def test_submit_describe_cancel_round_trip(fake: FakeBatch, client: BaseClient) -> None:
    fake.clock.set(1_700_000_000_000)

    response = client.submit_job(jobName="nightly-report", jobQueue="q", jobDefinition="d")
    job_id = response["jobId"]

    assert response["jobName"] == "nightly-report"
    assert response["jobArn"] == f"arn:aws:batch:us-east-1:123456789012:job/{job_id}"
    detail = describe(client, job_id)
    assert detail["status"] == "SUBMITTED"
    assert detail["createdAt"] == 1_700_000_000_000
    assert detail["jobQueue"] == "arn:aws:batch:us-east-1:123456789012:job-queue/q"
    assert detail["jobDefinition"] == "arn:aws:batch:us-east-1:123456789012:job-definition/d:1"

    fake.clock.advance(5)
    assert (
        client.cancel_job(jobId=job_id, reason="not needed")["ResponseMetadata"]["HTTPStatusCode"]
        == 200
    )

    detail = describe(client, job_id)
    assert (detail["status"], detail["statusReason"]) == ("FAILED", "not needed")
    assert detail["isCancelled"] is True
    assert detail["stoppedAt"] == 1_700_000_005_000
    assert "startedAt" not in detail
    # An unknown job: HTTP 200 and an empty body, as AWS answers (aws/aws-cli#2551).
    assert set(client.cancel_job(jobId="no-such-job", reason="not needed")) == {"ResponseMetadata"}
    assert [call.operation for call in fake.get_calls()] == [
        "SubmitJob",
        "DescribeJobs",
        "CancelJob",
        "DescribeJobs",
        "CancelJob",
    ]


def test_the_wire_path_sends_real_requests_for_the_job_operations() -> None:
    with FakeBatch(seed=5, wire=True) as fake:
        fake.add_queue("q")
        fake.add_job_definition("d")
        batch = boto3.client("batch", region_name=fake.region)
        sent = record_requests(batch)

        job_id = submit(batch)
        describe(batch, job_id)
        batch.terminate_job(jobId=job_id, reason="stop")

    assert [request.url.rpartition("/")[2] for request in sent] == [
        "submitjob",
        "describejobs",
        "terminatejob",
    ]
    assert json.loads(sent[0].body) == {"jobName": "job", "jobQueue": "q", "jobDefinition": "d"}
    assert fake.get_job(job_id).is_terminated


def test_the_aws_cli_submits_and_describes(
    fake: FakeBatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def cli(*args: str) -> Any:
        capsys.readouterr()
        status = create_clidriver().main(["batch", *args, "--output", "json"])
        out, err = capsys.readouterr()
        assert status == 0, err
        return json.loads(out)

    submitted = cli(
        "submit-job",
        "--job-name",
        "from-the-cli",
        "--job-queue",
        "q",
        "--job-definition",
        "d",
        "--array-properties",
        "size=2",
    )
    described = cli("describe-jobs", "--jobs", submitted["jobId"], f"{submitted['jobId']}:1")

    assert submitted["jobName"] == "from-the-cli"
    assert [(job["jobId"], job["status"]) for job in described["jobs"]] == [
        (submitted["jobId"], "SUBMITTED"),
        (f"{submitted['jobId']}:1", "SUBMITTED"),
    ]
    assert described["jobs"][0]["arrayProperties"]["size"] == 2
    assert described["jobs"][1]["arrayProperties"] == {"index": 1}


# Job names


@pytest.mark.parametrize("name", ["a", "7", "A" * 128, "nightly_report-2024", "0-_"])
def test_valid_job_names(batch: BaseClient, name: str) -> None:
    job_id = submit(batch, name)

    assert describe(batch, job_id)["jobName"] == name


@pytest.mark.parametrize(
    "name", ["", "-leading-hyphen", "_leading_underscore", "A" * 129, "a b", "a.b", "é", "job\n"]
)
def test_invalid_job_names(batch: BaseClient, fake: FakeBatch, name: str) -> None:
    detail = rejected(batch, batch.submit_job, jobName=name, jobQueue="q", jobDefinition="d")

    assert detail == "Job name should match valid pattern"
    assert fake.jobs == []


# Job queues


def test_queue_by_name_or_arn(batch: BaseClient, fake: FakeBatch) -> None:
    queue = fake.add_queue("by-arn")

    by_name = submit(batch, "one", queue="by-arn")
    by_arn = submit(batch, "two", queue=queue.arn)

    assert describe(batch, by_name)["jobQueue"] == describe(batch, by_arn)["jobQueue"] == queue.arn
    assert listed(batch, "by-arn", "SUBMITTED") == [by_arn, by_name]


@pytest.mark.parametrize(
    "queue",
    [
        "missing",
        "arn:aws:batch:us-east-1:123456789012:job-queue/missing",
        # The queue exists, but in another region than the client's.
        "arn:aws:batch:eu-west-1:123456789012:job-queue/elsewhere",
        "elsewhere",
    ],
)
def test_unknown_queue(batch: BaseClient, fake: FakeBatch, queue: str) -> None:
    fake.add_queue("elsewhere", region="eu-west-1")

    detail = rejected(batch, batch.submit_job, jobName="j", jobQueue=queue, jobDefinition="d")

    assert detail == f"JobQueue {queue} not found."


def test_a_disabled_queue_takes_no_jobs(batch: BaseClient, fake: FakeBatch) -> None:
    batch.update_job_queue(jobQueue="q", state="DISABLED")

    detail = rejected(batch, batch.submit_job, jobName="j", jobQueue="q", jobDefinition="d")

    assert detail == "JobQueue q is not in ENABLED state."
    batch.update_job_queue(jobQueue="q", state="ENABLED")
    assert describe(batch, submit(batch))["status"] == "SUBMITTED"


# Job definitions


def test_job_definition_by_name_takes_the_latest_revision(batch: BaseClient) -> None:
    register(batch, "d", parameters={"revision": "2"})
    third = register(batch, "d", parameters={"revision": "3"})

    detail = describe(batch, submit(batch, definition="d"))

    assert detail["jobDefinition"] == third
    assert detail["parameters"] == {"revision": "3"}


@pytest.mark.parametrize(
    "reference",
    ["d:2", "arn:aws:batch:us-east-1:123456789012:job-definition/d:2"],
)
def test_job_definition_by_revision_or_arn(batch: BaseClient, reference: str) -> None:
    second = register(batch, "d", parameters={"revision": "2"})
    register(batch, "d", parameters={"revision": "3"})

    detail = describe(batch, submit(batch, definition=reference))

    assert detail["jobDefinition"] == second
    assert detail["parameters"] == {"revision": "2"}


def test_job_definition_arn_without_a_revision_takes_the_latest_active_one(
    batch: BaseClient,
) -> None:
    second = register(batch, "d", parameters={"revision": "2"})
    third = register(batch, "d", parameters={"revision": "3"})
    arn = "arn:aws:batch:us-east-1:123456789012:job-definition/d"

    assert describe(batch, submit(batch, definition=arn))["jobDefinition"] == third

    batch.deregister_job_definition(jobDefinition=third)
    assert describe(batch, submit(batch, definition=arn))["jobDefinition"] == second


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (
            "arn:aws:batch:us-east-1:123456789012:job-definition/nope",
            "JobDefinition arn:aws:batch:us-east-1:123456789012:job-definition/nope not found.",
        ),
        (
            "arn:aws:batch:us-east-1:999999999999:job-definition/d",
            "JobDefinition arn:aws:batch:us-east-1:999999999999:job-definition/d not found.",
        ),
        (
            "arn:aws:batch:eu-west-1:123456789012:job-definition/away",
            "JobDefinition arn:aws:batch:eu-west-1:123456789012:job-definition/away not found.",
        ),
        ("nope", "JobDefinition name nope does not exist or is not in ACTIVE status"),
        ("d:9", "JobDefinition d:9 not found."),
        ("d:0", "JobDefinition d:0 not found."),
        ("d:latest", "JobDefinition d:latest not found."),
        ("d:", "JobDefinition d: not found."),
        ("d:\u00b2", "JobDefinition d:\u00b2 not found."),  # a digit to isdigit(), not to int()
        (
            "arn:aws:batch:us-east-1:123456789012:job-definition/d:9",
            "JobDefinition arn:aws:batch:us-east-1:123456789012:job-definition/d:9 not found.",
        ),
        (
            "arn:aws:batch:eu-west-1:123456789012:job-definition/away:1",
            "JobDefinition arn:aws:batch:eu-west-1:123456789012:job-definition/away:1 not found.",
        ),
        ("away", "JobDefinition name away does not exist or is not in ACTIVE status"),
    ],
)
def test_unknown_job_definition(
    batch: BaseClient, fake: FakeBatch, reference: str, expected: str
) -> None:
    fake.add_job_definition("away", region="eu-west-1")

    detail = rejected(batch, batch.submit_job, jobName="j", jobQueue="q", jobDefinition=reference)

    assert detail == expected


def test_inactive_revisions_are_not_submittable(batch: BaseClient) -> None:
    if "deregister_job_definition" not in batch.meta.method_to_api_mapping:
        pytest.skip("botocore has no DeregisterJobDefinition")
    second = register(batch, "d")
    batch.deregister_job_definition(jobDefinition="d:2")

    # The name takes the latest ACTIVE revision; the INACTIVE one is refused by revision or ARN.
    by_name = describe(batch, submit(batch, definition="d"))
    assert by_name["jobDefinition"].endswith("job-definition/d:1")
    for reference in ("d:2", second):
        detail = rejected(
            batch, batch.submit_job, jobName="j", jobQueue="q", jobDefinition=reference
        )
        assert detail == f"JobDefinition {reference} not found."

    batch.deregister_job_definition(jobDefinition="d:1")
    detail = rejected(batch, batch.submit_job, jobName="j", jobQueue="q", jobDefinition="d")
    assert detail == "JobDefinition name d does not exist or is not in ACTIVE status"


def test_a_job_keeps_its_revision_after_deregistration(batch: BaseClient) -> None:
    job_id = submit(batch)
    batch.deregister_job_definition(jobDefinition="d:1")

    detail = describe(batch, job_id)

    assert detail["jobDefinition"].endswith("job-definition/d:1")
    assert detail["container"]["image"] == "busybox"


# Array jobs


@pytest.mark.parametrize("size", [2, 5])
def test_array_job_has_children(batch: BaseClient, fake: FakeBatch, size: int) -> None:
    parent_id = submit(batch, arrayProperties={"size": size})

    parent = fake.get_job(parent_id)
    assert [child.job_id for child in parent.children] == [
        f"{parent_id}:{index}" for index in range(size)
    ]
    assert {child.status for child in parent.children} == {"SUBMITTED"}
    detail = describe(batch, parent_id)
    assert detail["arrayProperties"]["size"] == size
    assert detail["arrayProperties"]["statusSummary"]["SUBMITTED"] == size
    children = batch.list_jobs(arrayJobId=parent_id, jobStatus="SUBMITTED")["jobSummaryList"]
    assert [summary["jobId"] for summary in children] == [child.job_id for child in parent.children]


def test_the_largest_array(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 10_000})

    assert len(fake.get_job(parent_id).children) == 10_000
    assert describe(batch, f"{parent_id}:9999")["arrayProperties"] == {"index": 9999}


@pytest.mark.parametrize("size", [0, 1, 10_001, -3])
def test_array_size_out_of_range(batch: BaseClient, fake: FakeBatch, size: int) -> None:
    detail = rejected(
        batch,
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="d",
        arrayProperties={"size": size},
    )

    assert detail == f"Array size must be from 2 to 10000, got {size}."
    assert fake.jobs == []


def test_array_properties_without_size_is_a_plain_job(batch: BaseClient) -> None:
    detail = describe(batch, submit(batch, arrayProperties={}))

    assert "arrayProperties" not in detail


def test_no_array_of_multinode_jobs(batch: BaseClient) -> None:
    register_multinode(batch, "mnp", 2)

    detail = rejected(
        batch,
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="mnp",
        arrayProperties={"size": 2},
    )

    assert detail == "Array jobs are not supported for multi-node parallel job definitions."


# Multi-node parallel jobs


def test_multinode_job_has_nodes(batch: BaseClient, fake: FakeBatch) -> None:
    register_multinode(batch, "mnp", 3, main_node=1)

    job_id = submit(batch, definition="mnp")

    job = fake.get_job(job_id)
    assert [(node.job_id, node.is_main_node) for node in job.nodes] == [
        (f"{job_id}#0", False),
        (f"{job_id}#1", True),
        (f"{job_id}#2", False),
    ]
    detail = describe(batch, job_id)
    assert (detail["nodeProperties"]["numNodes"], detail["nodeProperties"]["mainNode"]) == (3, 1)
    nodes = batch.list_jobs(multiNodeJobId=job_id, jobStatus="SUBMITTED")["jobSummaryList"]
    assert [summary["jobId"] for summary in nodes] == [node.job_id for node in job.nodes]


def test_node_overrides_change_the_node_count(batch: BaseClient, fake: FakeBatch) -> None:
    register_multinode(batch, "mnp", 4, main_node=1)

    job_id = submit(batch, definition="mnp", nodeOverrides={"numNodes": 2})

    assert [node.node_index for node in fake.get_job(job_id).nodes] == [0, 1]
    assert describe(batch, job_id)["nodeProperties"]["numNodes"] == 2


@pytest.mark.parametrize(
    ("num_nodes", "expected"),
    [(0, "numNodes must be from 1 to 1000."), (1, "mainNode 1 must be less than numNodes 1.")],
)
def test_node_overrides_must_fit(batch: BaseClient, num_nodes: int, expected: str) -> None:
    register_multinode(batch, "mnp", 4, main_node=1)

    detail = rejected(
        batch,
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="mnp",
        nodeOverrides={"numNodes": num_nodes},
    )

    assert detail == expected


def test_container_overrides_need_a_container(batch: BaseClient) -> None:
    register_multinode(batch, "mnp", 2)

    detail = rejected(
        batch,
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="mnp",
        containerOverrides={"command": ["true"]},
    )

    assert detail == (
        "containerOverrides apply only to jobs whose job definition has containerProperties."
    )


# Dependencies


def test_depends_on_is_shown_as_given(batch: BaseClient) -> None:
    first, second = submit(batch, "first"), submit(batch, "second")

    job_id = submit(batch, dependsOn=[{"jobId": first}, {"jobId": second}])

    assert describe(batch, job_id)["dependsOn"] == [{"jobId": first}, {"jobId": second}]


def test_up_to_twenty_dependencies(batch: BaseClient, fake: FakeBatch) -> None:
    dependencies = [{"jobId": job.job_id} for job in fake.add_jobs(21, "q")]

    job_id = submit(batch, dependsOn=dependencies[:20])
    detail = rejected(
        batch,
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="d",
        dependsOn=dependencies,
    )

    assert len(describe(batch, job_id)["dependsOn"]) == 20
    assert detail == "A job can depend on up to 20 jobs, got 21."


@pytest.mark.parametrize("kind", ["unknown", "other-region"])
def test_a_dependency_must_exist_in_the_region(
    batch: BaseClient, fake: FakeBatch, kind: str
) -> None:
    missing = "no-such-job"
    if kind == "other-region":
        missing = fake.add_job("q", region="eu-west-1").job_id

    detail = rejected(
        batch,
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="d",
        dependsOn=[{"jobId": missing}],
    )

    assert detail == f"Dependent job {missing} not found."


def test_a_dependency_on_an_array_child(batch: BaseClient) -> None:
    parent_id = submit(batch, arrayProperties={"size": 2})

    job_id = submit(batch, dependsOn=[{"jobId": f"{parent_id}:1"}])

    assert describe(batch, job_id)["dependsOn"] == [{"jobId": f"{parent_id}:1"}]


@pytest.mark.parametrize(
    ("dependency", "array", "expected"),
    [
        # SEQUENTIAL on a job that is not an array job is accepted: tests/test_job_details.py.
        (
            {"jobId": "{plain}", "type": "N_TO_N"},
            False,
            "Dependency type N_TO_N is only allowed for array jobs.",
        ),
        (
            {"jobId": "{plain}", "type": "ALL"},
            True,
            "Invalid dependency type: ALL. Valid values: N_TO_N, SEQUENTIAL.",
        ),
        (
            {"jobId": "{plain}", "type": "SEQUENTIAL"},
            True,
            "A SEQUENTIAL dependency is on the array's own children: give no jobId.",
        ),
        ({}, False, "A dependency needs a jobId."),
        ({"type": "N_TO_N"}, True, "A dependency needs a jobId."),
        ({"jobId": ""}, False, "A dependency needs a jobId."),
        (
            {"jobId": "{plain}", "type": "N_TO_N"},
            True,
            "An N_TO_N dependency must be on an array job of the same size (3); {plain} is not.",
        ),
        (
            {"jobId": "{pair}", "type": "N_TO_N"},
            True,
            "An N_TO_N dependency must be on an array job of the same size (3); {pair} is not.",
        ),
    ],
)
def test_dependency_rules(
    batch: BaseClient,
    fake: FakeBatch,
    dependency: dict[str, str],
    array: bool,
    expected: str,
) -> None:
    ids = {"plain": submit(batch, "a"), "pair": submit(batch, "b", arrayProperties={"size": 2})}
    dependency = {key: value.format(**ids) for key, value in dependency.items()}
    extra: dict[str, Any] = {"arrayProperties": {"size": 3}} if array else {}

    detail = rejected(
        batch,
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="d",
        dependsOn=[dependency],
        **extra,
    )

    assert detail == expected.format(**ids)
    assert len(fake.jobs) == 1 + 3  # a, and b with its two children: nothing was added


def test_array_dependency_types(batch: BaseClient) -> None:
    upstream = submit(batch, "upstream", arrayProperties={"size": 3})

    job_id = submit(
        batch,
        arrayProperties={"size": 3},
        dependsOn=[{"type": "SEQUENTIAL"}, {"jobId": upstream, "type": "N_TO_N"}],
    )

    assert describe(batch, job_id)["dependsOn"] == [
        {"type": "SEQUENTIAL"},
        {"jobId": upstream, "type": "N_TO_N"},
    ]


# Fair-share queues


def test_share_identifier_only_with_a_scheduling_policy(batch: BaseClient) -> None:
    detail = rejected(
        batch, batch.submit_job, jobName="j", jobQueue="q", jobDefinition="d", shareIdentifier="a"
    )

    assert (
        detail
        == "shareIdentifier is only allowed for job queues with a scheduling policy; q has none."
    )


def test_share_identifier_required_with_a_scheduling_policy(
    batch: BaseClient, fake: FakeBatch
) -> None:
    fake.add_scheduling_policy("fair")
    fake.add_queue("fair", scheduling_policy_arn=POLICY)

    with pytest.raises(batch.exceptions.ClientException) as raised:
        batch.submit_job(jobName="j", jobQueue="fair", jobDefinition="d")
    job_id = submit(batch, queue="fair", shareIdentifier="teamA", schedulingPriorityOverride=10)

    # Observed wording, without the usual envelope (boto/boto3#3158).
    assert raised.value.response["Error"]["Message"] == "shareIdentifier must be specified."
    described = describe(batch, job_id)
    assert (described["shareIdentifier"], described["schedulingPriority"]) == ("teamA", 10)
    summary = batch.list_jobs(jobQueue="fair", jobStatus="SUBMITTED")["jobSummaryList"][0]
    assert summary["shareIdentifier"] == "teamA"


@pytest.mark.parametrize("priority", [0, 9999])
def test_scheduling_priority_bounds(batch: BaseClient, priority: int) -> None:
    assert (
        describe(batch, submit(batch, schedulingPriorityOverride=priority))["schedulingPriority"]
        == priority
    )


@pytest.mark.parametrize("priority", [-1, 10_000])
def test_scheduling_priority_out_of_range(batch: BaseClient, priority: int) -> None:
    detail = rejected(
        batch,
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="d",
        schedulingPriorityOverride=priority,
    )

    assert detail == "schedulingPriorityOverride must be from 0 to 9999."


# Retry strategy and timeout


def test_retry_strategy_of_the_request_overrides_the_definition(batch: BaseClient) -> None:
    register(batch, "d", retryStrategy={"attempts": 2})

    from_definition = describe(batch, submit(batch, "a"))
    overridden = describe(batch, submit(batch, "b", retryStrategy={"attempts": 5}))

    assert from_definition["retryStrategy"] == {"attempts": 2}
    assert overridden["retryStrategy"] == {"attempts": 5}


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ({"attempts": 0}, "Retry attempts must be from 1 to 10, got 0."),
        ({"attempts": 11}, "Retry attempts must be from 1 to 10, got 11."),
        ({}, "RetryAttempts must be provided with retry strategy"),
        (
            {"evaluateOnExit": [{"action": "EXIT", "onExitCode": "1"}]},
            "RetryAttempts must be provided with retry strategy",
        ),
        (
            {"attempts": 2, "evaluateOnExit": [{"action": "EXIT", "onExitCode": "1"}] * 6},
            "evaluateOnExit takes up to 5 conditions, got 6.",
        ),
        (
            {"attempts": 2, "evaluateOnExit": [{"action": "STOP", "onExitCode": "1"}]},
            "Invalid evaluateOnExit action: STOP. Valid values: RETRY, EXIT.",
        ),
    ],
)
def test_retry_strategy_rules(batch: BaseClient, strategy: dict[str, Any], expected: str) -> None:
    detail = rejected(
        batch,
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="d",
        retryStrategy=strategy,
    )

    assert detail == expected


def test_evaluate_on_exit_actions_are_not_case_sensitive(batch: BaseClient) -> None:
    strategy = {"attempts": 3, "evaluateOnExit": [{"action": "exit", "onExitCode": "2"}] * 5}

    assert describe(batch, submit(batch, retryStrategy=strategy))["retryStrategy"] == strategy


def test_timeout(batch: BaseClient) -> None:
    detail = rejected(
        batch,
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="d",
        timeout={"attemptDurationSeconds": 59},
    )
    job_id = submit(batch, timeout={"attemptDurationSeconds": 60})

    assert detail == "attemptDurationSeconds must be at least 60, got 59."
    assert describe(batch, job_id)["timeout"] == {"attemptDurationSeconds": 60}


# Tags


def test_tags_are_listed_for_the_job(batch: BaseClient) -> None:
    response = batch.submit_job(
        jobName="j", jobQueue="q", jobDefinition="d", tags={"team": "data", "cost": "42"}
    )

    listed_tags = batch.list_tags_for_resource(resourceArn=response["jobArn"])["tags"]

    assert listed_tags == {"team": "data", "cost": "42"}
    assert describe(batch, response["jobId"])["tags"] == {"team": "data", "cost": "42"}


def test_a_job_without_tags_has_none(batch: BaseClient) -> None:
    response = batch.submit_job(jobName="j", jobQueue="q", jobDefinition="d")

    assert batch.list_tags_for_resource(resourceArn=response["jobArn"])["tags"] == {}
    assert describe(batch, response["jobId"])["tags"] == {}


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({f"k{i}": "v" for i in range(51)}, "A resource can have up to 50 tags."),
        ({"aws:owner": "me"}, "Tag keys starting with aws: are reserved: aws:owner"),
        ({"AWS:Owner": "me"}, "Tag keys starting with aws: are reserved: AWS:Owner"),
        ({"owner": "aws:me"}, "Tag values starting with aws: are reserved: aws:me"),
        ({"k" * 129: "v"}, f"Tag keys must be 1 to 128 characters long: {'k' * 129}"),
        ({"k": "v" * 257}, f"Tag values must be at most 256 characters long: {'v' * 257}"),
    ],
)
def test_tag_rules(batch: BaseClient, fake: FakeBatch, tags: dict[str, str], expected: str) -> None:
    detail = rejected(
        batch, batch.submit_job, jobName="j", jobQueue="q", jobDefinition="d", tags=tags
    )

    assert detail == expected
    assert fake.jobs == []


def test_fifty_tags_are_fine(batch: BaseClient) -> None:
    tags = {f"k{i}": "v" for i in range(50)}

    assert describe(batch, submit(batch, tags=tags))["tags"] == tags


# What the request fixes for the job


def test_parameters_are_merged_over_the_definitions(batch: BaseClient) -> None:
    register(batch, "d", parameters={"input": "s3://a", "mode": "fast"})

    job_id = submit(batch, parameters={"mode": "slow", "output": "s3://b"})

    assert describe(batch, job_id)["parameters"] == {
        "input": "s3://a",
        "mode": "slow",
        "output": "s3://b",
    }


def test_container_overrides(batch: BaseClient) -> None:
    register(
        batch,
        "d",
        containerProperties={
            **CONTAINER,
            "environment": [{"name": "STAGE", "value": "dev"}, {"name": "KEEP", "value": "1"}],
        },
    )

    job_id = submit(
        batch,
        containerOverrides={
            "command": ["python", "main.py"],
            "environment": [{"name": "STAGE", "value": "prod"}, {"name": "NEW", "value": "2"}],
            "resourceRequirements": [{"type": "MEMORY", "value": "4096"}],
        },
    )

    container = describe(batch, job_id)["container"]
    assert container["command"] == ["python", "main.py"]
    assert sorted((e["name"], e["value"]) for e in container["environment"]) == [
        ("KEEP", "1"),
        ("NEW", "2"),
        ("STAGE", "prod"),
    ]
    assert sorted((r["type"], r["value"]) for r in container["resourceRequirements"]) == [
        ("MEMORY", "4096"),
        ("VCPU", "1"),
    ]
    assert container["image"] == "busybox"


def test_created_at_is_the_clock_and_strictly_increasing(
    batch: BaseClient, fake: FakeBatch
) -> None:
    fake.clock.set(1_800_000_000_000)

    ids = [submit(batch, f"j{i}") for i in range(3)]

    assert [describe(batch, job_id)["createdAt"] for job_id in ids] == [
        1_800_000_000_000,
        1_800_000_000_001,
        1_800_000_000_002,
    ]
    assert listed(batch, "q", "SUBMITTED") == ids[::-1]


def test_a_submitted_job_never_moves_by_itself(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)

    fake.clock.advance(3600)

    assert describe(batch, job_id)["status"] == "SUBMITTED"
    assert fake.get_job(job_id).status == "SUBMITTED"


def test_ids_are_seeded() -> None:
    def submitted_ids() -> list[str]:
        with FakeBatch(seed=99) as fake:
            fake.add_queue("q")
            fake.add_job_definition("d")
            batch = boto3.client("batch", region_name=fake.region)
            return [submit(batch, f"j{i}") for i in range(3)]

    first, second = submitted_ids(), submitted_ids()

    assert first == second
    assert len(set(first)) == 3


# Requests botocore would not send (a client with parameter validation off)


SUBMIT = {"jobName": "j", "jobQueue": "q", "jobDefinition": "d"}


@pytest.fixture
def unchecked(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region, config=Config(parameter_validation=False))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"jobName": "j", "jobDefinition": "d"}, "jobQueue is required."),
        ({"jobName": "j", "jobQueue": "q"}, "jobDefinition is required."),
        ({"jobQueue": "q", "jobDefinition": "d"}, "Job name should match valid pattern"),
        (
            {"jobName": 5, "jobQueue": "q", "jobDefinition": "d"},
            "Invalid type for jobName: expected a string.",
        ),
        (
            {"jobName": "j", "jobQueue": 5, "jobDefinition": "d"},
            "Invalid type for jobQueue: expected a string.",
        ),
        (
            {"jobName": "j", "jobQueue": "q", "jobDefinition": "d", "parameters": {"a": 1}},
            "Invalid parameters: values must be strings.",
        ),
        (
            {
                "jobName": "j",
                "jobQueue": "q",
                "jobDefinition": "d",
                "arrayProperties": {"size": "3"},
            },
            "Invalid type for arrayProperties.size: expected an integer.",
        ),
        (
            {
                "jobName": "j",
                "jobQueue": "q",
                "jobDefinition": "d",
                "retryStrategy": {"attempts": "2"},
            },
            "Invalid type for retryStrategy.attempts: expected an integer.",
        ),
        (
            {
                "jobName": "j",
                "jobQueue": "q",
                "jobDefinition": "d",
                "timeout": {"attemptDurationSeconds": "90"},
            },
            "Invalid type for timeout.attemptDurationSeconds: expected an integer.",
        ),
        (
            {**SUBMIT, "dependsOn": [{"jobId": ["x"]}]},
            "Invalid type for dependsOn[].jobId: expected a string.",
        ),
        (
            {**SUBMIT, "containerOverrides": {"environment": [{"name": ["x"], "value": "v"}]}},
            "Invalid type for containerOverrides.environment[].name: expected a string.",
        ),
        (
            {
                **SUBMIT,
                "containerOverrides": {"resourceRequirements": [{"type": [], "value": "1"}]},
            },
            "Invalid type for containerOverrides.resourceRequirements[].type: expected a string.",
        ),
        (
            {**SUBMIT, "nodeOverrides": {"numNodes": 1.5}},
            "Invalid type for nodeOverrides.numNodes: expected an integer.",
        ),
        (
            {
                **SUBMIT,
                "retryStrategy": {
                    "attempts": 2,
                    "evaluateOnExit": [{"action": "RETRY", "onExitCode": 1}],
                },
            },
            "Invalid type for retryStrategy.evaluateOnExit[].onExitCode: expected a string.",
        ),
        (
            {
                **SUBMIT,
                "retryStrategy": {
                    "attempts": 2,
                    "evaluateOnExit": [{"action": "RETRY", "onExitCode": "1a"}],
                },
            },
            "Invalid evaluateOnExit onExitCode: 1a.",
        ),
    ],
)
def test_unvalidated_requests(
    unchecked: BaseClient, fake: FakeBatch, params: dict[str, Any], expected: str
) -> None:
    assert rejected(unchecked, unchecked.submit_job, **params) == expected
    assert fake.jobs == []
