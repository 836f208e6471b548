"""autorun and outcome: jobs move on their own, through the lifecycle's own moves, as the clock or
the code's polling says; outcome rules decide how their attempts end."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch
from tests.helpers import PATHS

if TYPE_CHECKING:
    from botocore.client import BaseClient

TIMEOUT_REASON = "Job attempt duration exceeded timeout"


def _client(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def _status(client: BaseClient, job_id: str) -> str:
    return str(client.describe_jobs(jobs=[job_id])["jobs"][0]["status"])


def _detail(client: BaseClient, job_id: str) -> dict[str, Any]:
    jobs: list[dict[str, Any]] = client.describe_jobs(jobs=[job_id])["jobs"]
    return jobs[0]


def _submit(client: BaseClient, name: str, **params: Any) -> str:
    params = {"jobQueue": "q", "jobDefinition": "d", **params}
    return str(client.submit_job(jobName=name, **params)["jobId"])


@pytest.fixture
def resources(fake_batch: FakeBatch) -> FakeBatch:
    fake_batch.add_queue("q")
    fake_batch.add_job_definition("d")
    return fake_batch


# autorun="poll"


@pytest.mark.parametrize("wire", PATHS)
@pytest.mark.fake_batch(autorun="poll")
def test_poll_each_read_takes_one_step(resources: FakeBatch, wire: bool) -> None:
    client = _client(resources)
    job_id = _submit(client, "train")

    seen = [_status(client, job_id) for _ in range(6)]

    assert seen == ["RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]
    job = resources.get_job(job_id)
    assert job.exit_code == 0
    assert job.started_at is not None
    assert job.stopped_at is not None


@pytest.mark.fake_batch(autorun="poll")
def test_poll_only_reads_of_jobs_take_a_step(resources: FakeBatch) -> None:
    client = _client(resources)
    job_id = _submit(client, "train")

    for _ in range(5):
        client.describe_job_queues()
        client.describe_job_definitions()

    assert resources.get_job(job_id).status == "SUBMITTED"
    client.list_jobs(jobQueue="q")
    assert resources.get_job(job_id).status == "RUNNABLE"


@pytest.mark.fake_batch(autorun="poll")
def test_poll_honours_dependencies(resources: FakeBatch) -> None:
    client = _client(resources)
    first = _submit(client, "extract")
    second = _submit(client, "load", dependsOn=[{"jobId": first}])

    history = []
    for _ in range(9):
        jobs = client.describe_jobs(jobs=[first, second])["jobs"]
        history.append(tuple(job["status"] for job in jobs))

    assert history == [
        ("RUNNABLE", "PENDING"),
        ("STARTING", "PENDING"),
        ("RUNNING", "PENDING"),
        ("SUCCEEDED", "PENDING"),
        ("SUCCEEDED", "RUNNABLE"),
        ("SUCCEEDED", "STARTING"),
        ("SUCCEEDED", "RUNNING"),
        ("SUCCEEDED", "SUCCEEDED"),
        ("SUCCEEDED", "SUCCEEDED"),
    ]
    assert resources.get_job(second).started_at >= resources.get_job(first).stopped_at  # type: ignore[operator]


@pytest.mark.fake_batch(autorun="poll")
def test_outcome_drives_a_dependency_chain_to_dependent_job_failed(resources: FakeBatch) -> None:
    resources.outcome("load", exit_code=1, status_reason="load failed")
    client = _client(resources)
    extract = _submit(client, "extract")
    load = _submit(client, "load", dependsOn=[{"jobId": extract}])
    report = _submit(client, "report", dependsOn=[{"jobId": load}])

    for _ in range(20):
        jobs = client.describe_jobs(jobs=[extract, load, report])["jobs"]
        if all(job["status"] in ("SUCCEEDED", "FAILED") for job in jobs):
            break

    by_name = {job["jobName"]: job for job in jobs}
    assert by_name["extract"]["status"] == "SUCCEEDED"
    assert (by_name["load"]["status"], by_name["load"]["statusReason"]) == (
        "FAILED",
        "load failed",
    )
    assert by_name["load"]["container"]["exitCode"] == 1
    assert (by_name["report"]["status"], by_name["report"]["statusReason"]) == (
        "FAILED",
        "Dependent Job failed",
    )


@pytest.mark.fake_batch(autorun="poll")
def test_poll_retries_as_the_retry_strategy_says(resources: FakeBatch) -> None:
    resources.outcome("flaky", exit_code=3)
    client = _client(resources)
    job_id = _submit(client, "flaky", retryStrategy={"attempts": 2})

    seen = [_status(client, job_id) for _ in range(9)]

    assert seen == [
        "RUNNABLE",
        "STARTING",
        "RUNNING",
        "RUNNABLE",  # the first attempt exited 3: another one
        "STARTING",
        "RUNNING",
        "FAILED",
        "FAILED",
        "FAILED",
    ]
    detail = _detail(client, job_id)
    assert [attempt["container"]["exitCode"] for attempt in detail["attempts"]] == [3, 3]


@pytest.mark.fake_batch(autorun="poll")
def test_poll_runs_array_children(resources: FakeBatch) -> None:
    client = _client(resources)
    parent = _submit(client, "sweep", arrayProperties={"size": 3})
    child = f"{parent}:1"

    for _ in range(6):
        client.describe_jobs(jobs=[parent])

    assert _status(client, parent) == "SUCCEEDED"
    assert _status(client, child) == "SUCCEEDED"


@pytest.mark.fake_batch(autorun="poll")
def test_poll_with_runs_for_waits_for_the_clock(resources: FakeBatch) -> None:
    resources.outcome("slow", runs_for=120)
    resources.clock.set(1_700_000_000_000)
    client = _client(resources)
    job_id = _submit(client, "slow")

    assert [_status(client, job_id) for _ in range(5)] == ["RUNNABLE", "STARTING", "RUNNING"] + [
        "RUNNING"
    ] * 2
    resources.clock.advance(119)
    assert _status(client, job_id) == "RUNNING"
    resources.clock.advance(1)
    detail = _detail(client, job_id)
    assert detail["status"] == "SUCCEEDED"
    assert detail["stoppedAt"] - detail["startedAt"] == 120_000


# autorun=<seconds>


@pytest.mark.fake_batch(autorun=10)
def test_seconds_one_step_per_period_of_the_clock(resources: FakeBatch) -> None:
    resources.clock.set(1_700_000_000_000)
    client = _client(resources)
    job_id = _submit(client, "train")
    created = resources.get_job(job_id).created_at

    seen = []
    for _ in range(5):
        seen.append(_status(client, job_id))
        resources.clock.advance(10)
    assert seen == ["SUBMITTED", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED"]
    job = resources.get_job(job_id)
    assert job.started_at == created + 30_000  # dated when it fell due, not when it was read
    assert job.stopped_at == created + 40_000


@pytest.mark.fake_batch(autorun=10)
def test_seconds_catch_up_in_one_call_dates_each_step(resources: FakeBatch) -> None:
    resources.clock.set(1_700_000_000_000)
    client = _client(resources)
    first = _submit(client, "extract")
    second = _submit(client, "load", dependsOn=[{"jobId": first}])

    resources.clock.advance(3600)
    jobs = {job["jobName"]: job for job in client.describe_jobs(jobs=[first, second])["jobs"]}

    assert jobs["extract"]["status"] == jobs["load"]["status"] == "SUCCEEDED"
    assert jobs["extract"]["stoppedAt"] - jobs["extract"]["createdAt"] == 40_000
    # load waited PENDING, then took its steps once extract had finished.
    assert jobs["load"]["startedAt"] > jobs["extract"]["stoppedAt"]
    assert jobs["load"]["stoppedAt"] < jobs["extract"]["createdAt"] + 120_000


@pytest.mark.fake_batch(autorun=10)
def test_seconds_runs_for_and_the_inspection_methods_catch_up(resources: FakeBatch) -> None:
    resources.outcome(job_definition="d", runs_for=600, exit_code=2)
    resources.clock.set(1_700_000_000_000)
    client = _client(resources)
    job_id = _submit(client, "train")

    resources.clock.advance(300)
    assert resources.get_job(job_id).status == "RUNNING"
    resources.clock.advance(330)
    job = resources.get_job(job_id)
    assert (job.status, job.exit_code) == ("FAILED", 2)
    assert job.stopped_at - job.started_at == 600_000  # type: ignore[operator]


def test_seconds_follow_the_real_clock() -> None:
    with FakeBatch(autorun=0.001, seed=1) as fake:
        fake.add_queue("q")
        fake.add_job_definition("d")
        client = _client(fake)
        job_id = _submit(client, "quick")
        event = threading.Event()
        while _status(client, job_id) != "SUCCEEDED":
            event.wait(0.002)


# Timeouts


@pytest.mark.parametrize("wire", PATHS)
@pytest.mark.fake_batch(autorun=5)
def test_a_job_running_past_its_timeout_fails_and_is_not_retried(
    resources: FakeBatch, wire: bool
) -> None:
    resources.outcome("stuck", runs_for=3600)
    resources.clock.set(1_700_000_000_000)
    client = _client(resources)
    job_id = _submit(
        client, "stuck", timeout={"attemptDurationSeconds": 60}, retryStrategy={"attempts": 3}
    )

    resources.clock.advance(3600 * 2)
    detail = _detail(client, job_id)

    assert detail["status"] == "FAILED"
    assert detail["statusReason"] == TIMEOUT_REASON
    assert detail["stoppedAt"] - detail["startedAt"] == 60_000
    assert len(detail["attempts"]) == 1
    assert detail["attempts"][0]["statusReason"] == TIMEOUT_REASON
    assert detail["attempts"][0]["container"]["exitCode"] == 137


@pytest.mark.fake_batch(autorun=5)
def test_a_failed_attempt_within_the_timeout_is_retried(resources: FakeBatch) -> None:
    resources.outcome("flaky", exit_code=1, runs_for=30)
    resources.clock.set(1_700_000_000_000)
    client = _client(resources)
    job_id = _submit(
        client, "flaky", timeout={"attemptDurationSeconds": 60}, retryStrategy={"attempts": 2}
    )

    resources.clock.advance(600)
    detail = _detail(client, job_id)

    assert detail["status"] == "FAILED"
    assert [a["statusReason"] for a in detail["attempts"]] == [
        "Essential container in task exited"
    ] * 2
    # The second attempt started over: its own 30 s, not cut by the first one's time.
    assert all(a["stoppedAt"] - a["startedAt"] == 30_000 for a in detail["attempts"])


@pytest.mark.fake_batch(autorun="poll")
def test_poll_ends_a_timed_out_attempt_at_its_timeout(resources: FakeBatch) -> None:
    resources.outcome("stuck", runs_for=3600)
    resources.clock.set(1_700_000_000_000)
    client = _client(resources)
    job_id = _submit(client, "stuck", timeout={"attemptDurationSeconds": 60})

    for _ in range(3):
        client.list_jobs(jobQueue="q")
    assert _status(client, job_id) == "RUNNING"
    resources.clock.advance(61)
    detail = _detail(client, job_id)

    assert (detail["status"], detail["statusReason"]) == ("FAILED", TIMEOUT_REASON)
    assert detail["stoppedAt"] - detail["startedAt"] == 60_000


def test_run_all_applies_outcomes_and_timeouts(resources: FakeBatch) -> None:
    resources.outcome("load*", exit_code=4, container_reason="OutOfMemoryError: Container killed")
    resources.outcome("load-small", exit_code=0)  # later rules win
    resources.outcome("stuck", runs_for=600)
    client = _client(resources)
    big = _submit(client, "LOAD-big")  # JOB_NAME patterns ignore case
    small = _submit(client, "load-small")
    stuck = _submit(client, "stuck", timeout={"attemptDurationSeconds": 60})
    other = _submit(client, "other")

    resources.run_all()

    assert resources.get_job(big).exit_code == 4
    assert _detail(client, big)["container"]["reason"] == "OutOfMemoryError: Container killed"
    assert resources.get_job(small).status == "SUCCEEDED"
    assert resources.get_job(stuck).status_reason == TIMEOUT_REASON
    assert resources.get_job(other).status == "SUCCEEDED"


def test_outcome_by_job_definition_name_and_arn(resources: FakeBatch) -> None:
    second = resources.add_job_definition("d")  # revision 2
    resources.outcome(job_definition=second.arn, exit_code=9)
    client = _client(resources)
    on_first = _submit(client, "a", jobDefinition="d:1")
    on_second = _submit(client, "b", jobDefinition="d:2")

    resources.run_all()

    assert resources.get_job(on_first).exit_code == 0
    assert resources.get_job(on_second).exit_code == 9


def test_the_container_reason_is_what_on_reason_matches(resources: FakeBatch) -> None:
    resources.outcome("oom", exit_code=137, container_reason="OutOfMemoryError: Container killed")
    client = _client(resources)
    job_id = _submit(
        client,
        "oom",
        retryStrategy={
            "attempts": 3,
            "evaluateOnExit": [
                {"onReason": "OutOfMemoryError*", "action": "EXIT"},
                {"onReason": "*", "action": "RETRY"},
            ],
        },
    )

    resources.run_all()

    job = resources.get_job(job_id)
    assert job.status == "FAILED"
    assert len(job.attempts) == 1


# Setting autorun, checking values


def test_autorun_is_a_property_set_from_any_thread(resources: FakeBatch) -> None:
    assert resources.autorun is None
    client = _client(resources)
    job_id = _submit(client, "train")
    assert _status(client, job_id) == "SUBMITTED"

    thread = threading.Thread(target=setattr, args=(resources, "autorun", "poll"))
    thread.start()
    thread.join()

    assert resources.autorun == "poll"
    assert _status(client, job_id) == "RUNNABLE"
    resources.autorun = None
    assert _status(client, job_id) == "RUNNABLE"
    resources.autorun = 30
    assert resources.autorun == 30.0


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (
            "fast",
            TypeError,
            "autorun must be None, 'poll' or a positive number of seconds, not 'fast'",
        ),
        (True, TypeError, "not True"),
        (0, ValueError, "autorun must be a positive, finite number of seconds, not 0"),
        (-5, ValueError, "not -5"),
        (float("nan"), ValueError, "not nan"),
        (float("inf"), ValueError, "not inf"),
    ],
)
def test_bad_autorun_values(value: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        FakeBatch(autorun=value)  # type: ignore[arg-type]
    fake = FakeBatch()
    with pytest.raises(error):
        fake.autorun = value  # type: ignore[assignment]
    assert fake.autorun is None


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((), {}, TypeError, "outcome() needs job_name or job_definition"),
        ((5,), {}, TypeError, "job_name must be a pattern string or None, not 5"),
        (("",), {}, ValueError, "job_name must not be empty"),
        (
            (None, "arn:aws:batch:us-east-1:123456789012:job-definition/d*"),
            {},
            ValueError,
            "an ARN names one revision and takes no '*'",
        ),
        (("a",), {"exit_code": "1"}, TypeError, "exit_code must be an int, not '1'"),
        (("a",), {"status_reason": 3}, TypeError, "status_reason must be a string or None"),
        (("a",), {"container_reason": b"x"}, TypeError, "container_reason must be a string"),
        (("a",), {"runs_for": -1}, ValueError, "runs_for must be finite seconds, 0 or more"),
        (("a",), {"runs_for": "1"}, TypeError, "runs_for must be a number of seconds or None"),
    ],
)
def test_bad_outcome_values(
    args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    fake = FakeBatch()
    with pytest.raises(error) as raised:
        fake.outcome(*args, **kwargs)
    assert message in str(raised.value)


@pytest.mark.fake_batch(autorun=10)
def test_seconds_run_arrays_child_by_child_and_multinode_jobs_as_one(resources: FakeBatch) -> None:
    resources.clock.set(1_700_000_000_000)
    resources.add_job_definition("mnp", type="multinode")
    client = _client(resources)
    array = _submit(client, "sweep", arrayProperties={"size": 3}, dependsOn=[])
    sequential = _submit(
        client, "chain", arrayProperties={"size": 3}, dependsOn=[{"type": "SEQUENTIAL"}]
    )
    nodes = _submit(client, "mpi", jobDefinition="mnp")

    resources.clock.advance(3600)
    jobs = {
        job["jobName"]: job for job in client.describe_jobs(jobs=[array, sequential, nodes])["jobs"]
    }

    assert {name: job["status"] for name, job in jobs.items()} == dict.fromkeys(
        ("sweep", "chain", "mpi"), "SUCCEEDED"
    )
    children = client.describe_jobs(jobs=[f"{sequential}:{i}" for i in range(3)])["jobs"]
    # SEQUENTIAL: each child started after the one before it finished.
    assert children[1]["startedAt"] > children[0]["stoppedAt"]
    assert children[2]["startedAt"] > children[1]["stoppedAt"]
    node = client.describe_jobs(jobs=[f"{nodes}#0"])["jobs"][0]
    assert node["status"] == "SUCCEEDED"


@pytest.mark.fake_batch(autorun=10)
def test_seconds_a_job_moved_by_hand_goes_on_from_there(resources: FakeBatch) -> None:
    resources.clock.set(1_700_000_000_000)
    client = _client(resources)
    job_id = _submit(client, "train")
    resources.clock.advance(5)

    resources.set_status(job_id, "STARTING")  # by hand, between two ticks
    resources.clock.advance(9)
    assert _status(client, job_id) == "STARTING"  # its 10 s count from the move
    resources.clock.advance(1)
    assert _status(client, job_id) == "RUNNING"
