"""Hostile input never crashes the fake: every request gets a result or the service's error, and
every mistake by a test author a TypeError or ValueError saying what was wrong.

The places a request or a factory value becomes a number, a date or an index, each with the
values that used to crash them (numbers in strings too long for ``int()``, moments past year
9999, infinities), then Hypothesis throwing extreme values at them on both paths.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_fakebatch import FakeBatch
from pytest_fakebatch._clock import MAX_MS, MIN_MS
from tests.helpers import client_error_detail

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from botocore.client import BaseClient

#: Longer than Python's int() takes from a string (4,300 digits).
LONG = "9" * 5000
PATHS = [pytest.param(False, id="fast"), pytest.param(True, id="wire")]
CONTAINER = {
    "image": "busybox",
    "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "8"}],
}


@pytest.fixture(params=PATHS)
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=16, wire=request.param) as fake:
        fake.add_queue("q")
        fake.add_job_definition("d")
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def detail_of(call: Callable[..., Any], **params: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call(**params)
    return client_error_detail(raised.value)


# Numbers in strings too long for int()


@pytest.mark.parametrize("value", [LONG, "0" * 5000 + "1", "0" * 5000])
def test_time_filters_with_very_long_numbers(
    batch: BaseClient, fake: FakeBatch, value: str
) -> None:
    jobs = fake.add_jobs(3, "q", created_at=1_700_000_000_000)
    huge = value.lstrip("0") != "" and value.lstrip("0") != "1"

    def listed(name: str) -> set[str]:
        response = batch.list_jobs(jobQueue="q", filters=[{"name": name, "values": [value]}])
        return {summary["jobId"] for summary in response["jobSummaryList"]}

    everything = {job.job_id for job in jobs}
    assert listed("BEFORE_CREATED_AT") == (everything if huge else set())
    assert listed("AFTER_CREATED_AT") == (set() if huge else everything)


@pytest.mark.parametrize("reference", [f"d:{LONG}", f"d:{'0' * 5000}1"])
def test_revisions_with_very_long_numbers(batch: BaseClient, reference: str) -> None:
    assert detail_of(batch.submit_job, jobName="j", jobQueue="q", jobDefinition=reference) == (
        f"JobDefinition {reference} not found."
    )
    assert detail_of(batch.deregister_job_definition, jobDefinition=reference) == (
        f"JobDefinition {reference} not found."
    )
    assert batch.describe_job_definitions(jobDefinitions=[reference])["jobDefinitions"] == []


def test_a_revision_arn_with_a_very_long_number(batch: BaseClient, fake: FakeBatch) -> None:
    arn = fake.job_definitions[0].arn.rpartition(":")[0] + ":" + LONG

    assert detail_of(batch.submit_job, jobName="j", jobQueue="q", jobDefinition=arn) == (
        f"JobDefinition {arn} not found."
    )


@pytest.mark.parametrize("kind", ["VCPU", "MEMORY"])
def test_resource_values_with_very_long_numbers(batch: BaseClient, kind: str) -> None:
    requirements = {"VCPU": "1", "MEMORY": "8", kind: LONG}
    container = {
        "image": "busybox",
        "resourceRequirements": [{"type": t, "value": v} for t, v in requirements.items()],
    }

    batch.register_job_definition(
        jobDefinitionName="big", type="container", containerProperties=container
    )

    [described] = batch.describe_job_definitions(jobDefinitionName="big")["jobDefinitions"]
    assert {"type": kind, "value": LONG} in described["containerProperties"]["resourceRequirements"]


def test_a_memory_of_many_zeros_is_below_the_minimum(batch: BaseClient) -> None:
    container = {
        "image": "busybox",
        "resourceRequirements": [
            {"type": "VCPU", "value": "1"},
            {"type": "MEMORY", "value": "0" * 5000},
        ],
    }

    assert detail_of(
        batch.register_job_definition,
        jobDefinitionName="zero",
        type="container",
        containerProperties=container,
    ) == ("Memory must be at least 4 MiB, got 0.")


# Moments the fake cannot answer at


@pytest.mark.parametrize("moment", [MIN_MS, 0, MAX_MS])
def test_the_clock_at_either_end_of_what_can_be_answered(
    batch: BaseClient, fake: FakeBatch, moment: int
) -> None:
    fake.clock.set(moment)

    response = batch.describe_job_queues()
    job = batch.submit_job(jobName="j", jobQueue="q", jobDefinition="d")

    date = response["ResponseMetadata"]["HTTPHeaders"]["date"]
    assert date.endswith("GMT")
    assert ("9999" in date) == (moment == MAX_MS)
    [detail] = batch.describe_jobs(jobs=[job["jobId"]])["jobs"]
    assert detail["createdAt"] >= moment


@pytest.mark.parametrize(
    "moment", [MAX_MS + 1, 2**62, MIN_MS - 1, -(2**62), pytest.param(10**5000, id="10**5000")]
)
def test_clock_set_refuses_a_moment_that_cannot_be_answered(fake: FakeBatch, moment: int) -> None:
    with pytest.raises(ValueError, match=r"^Clock.set\(\) must be epoch milliseconds from year 1"):
        fake.clock.set(moment)


@pytest.mark.parametrize("seconds", [math.inf, -math.inf, math.nan])
def test_clock_advance_refuses_what_is_not_finite(fake: FakeBatch, seconds: float) -> None:
    with pytest.raises(ValueError, match="takes a finite number of seconds"):
        fake.clock.advance(seconds)


@pytest.mark.parametrize("seconds", [1e300, 10**20, pytest.param(10**5000, id="10**5000"), MAX_MS])
def test_clock_advance_refuses_to_pass_year_9999(fake: FakeBatch, seconds: float) -> None:
    before = fake.clock.now_ms()

    with pytest.raises(ValueError, match="past year 9999"):
        fake.clock.advance(seconds)
    assert fake.clock.now_ms() - before < 60_000  # unchanged (the real clock may have ticked)


def test_clock_advance_to_the_last_moment(batch: BaseClient, fake: FakeBatch) -> None:
    fake.clock.set(MAX_MS - 1000)

    fake.clock.advance(1)

    assert fake.clock.now_ms() == MAX_MS
    assert batch.list_jobs(jobQueue="q")["jobSummaryList"] == []


# The test author's values


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: f.add_job(created_at=MAX_MS + 1), "created_at must be epoch milliseconds"),
        (lambda f: f.add_job(created_at=10**5000), "not <an int of about 5,000 digits>"),
        (
            lambda f: f.add_job(status="RUNNING", started_at=-(2**70)),
            "started_at must be epoch milliseconds",
        ),
        (lambda f: f.add_job(status="FAILED", exit_code=2**31), "exit_code must be a 32-bit"),
        (lambda f: f.add_queue("p", priority=10**40), "priority must be a 32-bit integer"),
        (lambda f: f.add_array_job(size=10**5000), "got <an int of about 5,000 digits>"),
        (lambda f: f.add_job(job_definition=f"d:{LONG}"), "revision must be a number"),
        (lambda f: f.add_job(job_definition="d:²"), "revision must be a number"),
        (
            lambda f: f.add_compute_environment(
                "ce", compute_resources={"type": "FARGATE", "maxvCpus": 10**5000}
            ),
            "a value the API's JSON cannot carry",
        ),
        (
            lambda f: f.add_job_definition(
                "n", container_properties={**CONTAINER, "memory": math.nan}
            ),
            "a value the API's JSON cannot carry",
        ),
        (lambda f: FakeBatch(retention=10**400), "retention must be finite seconds"),
        (lambda f: FakeBatch(retention=1e307), "retention must be finite seconds"),
        (lambda f: FakeBatch(rate_limit=10**400), "rate_limit must be a positive number"),
        (lambda f: FakeBatch(rate_limit=math.nan), "rate_limit must be a positive number"),
        (lambda f: FakeBatch(seed=10**5000), "seed must have at most 4,300 digits"),
    ],
)
def test_factories_refuse_values_no_answer_could_carry(
    fake: FakeBatch, call: Callable[[FakeBatch], Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(fake)


def test_exit_codes_of_moves_are_32_bit(fake: FakeBatch) -> None:
    job = fake.add_job("q", status="RUNNING")

    with pytest.raises(ValueError, match="exit_code must be a 32-bit integer"):
        fake.complete(job.job_id, exit_code=-(2**31) - 1)
    with pytest.raises(ValueError, match="exit_code must be a 32-bit integer"):
        fake.set_status(job.job_id, "FAILED", exit_code=10**5000)
    assert fake.complete(job.job_id, exit_code=-(2**31)).exit_code == -(2**31)


# Hypothesis: extreme values at each place, on both paths

EXTREME_TEXT = st.one_of(
    st.text(st.sampled_from("0123456789"), min_size=1, max_size=6000),
    st.builds(lambda n, d: "0" * n + d, st.integers(0, 6000), st.sampled_from("0123456789")),
    st.text(max_size=30),
    # Signs, exponents, spaces, underscores, and digits int() takes but the service does not
    # (fullwidth, Arabic-Indic, superscript).
    st.sampled_from(
        ["-1", "1e9", "\uff11\uff12", "\u0663", "\u00b2", " 1", "1 ", "+1", "0x10", "1_000", ""]
    ),
)
EXTREME_INT = st.one_of(
    st.integers(),
    st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 2**62, 2**63, -(2**63) - 1, 10**18]),
)
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def answered(call: Callable[..., Any], **params: Any) -> str:
    """``ok``, or the service's error code: anything else fails the test."""
    try:
        call(**params)
    except ClientError as error:
        refused = error
    else:
        return "ok"
    assert refused.response["Error"]["Code"] == "ClientException", refused.response
    assert refused.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return "ClientException"


@HYPOTHESIS
@given(value=EXTREME_TEXT, name=st.sampled_from(["BEFORE_CREATED_AT", "AFTER_CREATED_AT"]))
def test_any_time_filter_value_is_answered(
    batch: BaseClient, fake: FakeBatch, value: str, name: str
) -> None:
    filters = [{"name": name, "values": [value]}]
    answered(batch.list_jobs, jobQueue="q", filters=filters)


@HYPOTHESIS
@given(revision=EXTREME_TEXT)
def test_any_revision_is_answered(batch: BaseClient, revision: str) -> None:
    reference = f"d:{revision}"
    answered(batch.submit_job, jobName="j", jobQueue="q", jobDefinition=reference)
    answered(batch.deregister_job_definition, jobDefinition=reference)
    answered(batch.describe_job_definitions, jobDefinitions=[reference])


@HYPOTHESIS
@given(vcpu=EXTREME_TEXT, memory=EXTREME_TEXT, fargate=st.booleans())
def test_any_resource_value_is_answered(
    batch: BaseClient, vcpu: str, memory: str, fargate: bool
) -> None:
    container = {
        "image": "busybox",
        "resourceRequirements": [
            {"type": "VCPU", "value": vcpu},
            {"type": "MEMORY", "value": memory},
        ],
    }
    answered(
        batch.register_job_definition,
        jobDefinitionName="r",
        type="container",
        containerProperties=container,
        platformCapabilities=["FARGATE" if fargate else "EC2"],
    )


@HYPOTHESIS
@given(target=EXTREME_TEXT, num_nodes=EXTREME_INT)
def test_any_node_range_is_answered(batch: BaseClient, target: str, num_nodes: int) -> None:
    answered(
        batch.register_job_definition,
        jobDefinitionName="m",
        type="multinode",
        nodeProperties={
            "numNodes": num_nodes,
            "mainNode": 0,
            "nodeRangeProperties": [{"targetNodes": target, "container": CONTAINER}],
        },
    )
    answered(
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="m",
        nodeOverrides={"nodePropertyOverrides": [{"targetNodes": target}]},
    )


@HYPOTHESIS
@given(
    size=EXTREME_INT,
    priority=EXTREME_INT,
    seconds=EXTREME_INT,
    attempts=EXTREME_INT,
    max_results=EXTREME_INT,
)
def test_any_integer_is_answered(
    batch: BaseClient,
    size: int,
    priority: int,
    seconds: int,
    attempts: int,
    max_results: int,
) -> None:
    answered(
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="d",
        arrayProperties={"size": size},
        schedulingPriorityOverride=priority,
        timeout={"attemptDurationSeconds": seconds},
        retryStrategy={"attempts": attempts},
    )
    answered(batch.list_jobs, jobQueue="q", maxResults=max_results)
    answered(batch.describe_job_queues, maxResults=max_results)
    answered(
        batch.create_job_queue, jobQueueName="p", priority=priority, computeEnvironmentOrder=[]
    )


@HYPOTHESIS
@given(
    reference=st.one_of(
        EXTREME_TEXT, st.builds("arn:aws:batch:us-east-1:123456789012:job/{}".format, EXTREME_TEXT)
    )
)
def test_any_job_reference_is_answered(batch: BaseClient, reference: str) -> None:
    answered(batch.describe_jobs, jobs=[reference])
    answered(batch.list_jobs, arrayJobId=reference)
    answered(batch.list_jobs, multiNodeJobId=reference)
    answered(
        batch.submit_job,
        jobName="j",
        jobQueue="q",
        jobDefinition="d",
        dependsOn=[{"jobId": reference}],
    )


@HYPOTHESIS
@given(moment=st.one_of(st.integers(), st.integers(MIN_MS, MAX_MS)))
def test_any_clock_is_answered_or_refused_up_front(
    batch: BaseClient, fake: FakeBatch, moment: int
) -> None:
    try:
        fake.clock.set(moment)
    except ValueError:
        assert not MIN_MS <= moment <= MAX_MS
        return
    answered(batch.submit_job, jobName="j", jobQueue="q", jobDefinition="d")
    response = batch.list_jobs(jobQueue="q", jobStatus="SUBMITTED")
    assert response["jobSummaryList"]


@HYPOTHESIS
@given(seconds=st.one_of(st.floats(), st.integers()))
def test_any_advance_moves_the_clock_or_is_refused_up_front(
    batch: BaseClient, fake: FakeBatch, seconds: float
) -> None:
    try:
        fake.clock.advance(seconds)
    except ValueError:
        return
    assert MIN_MS <= fake.clock.now_ms() <= MAX_MS
    answered(batch.describe_job_queues)
