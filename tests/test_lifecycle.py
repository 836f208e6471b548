"""The job lifecycle the test drives: set_status, advance, complete and run_all; dependencies,
retries, array and multi-node jobs; the clock and timestamps; ListJobs agreeing with DescribeJobs
as jobs move. Jobs are submitted and inspected through a real client."""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch
from pytest_fakebatch._lifecycle import DEPENDENCY_FAILED
from pytest_fakebatch.models import JOB_STATUSES
from tests.job_helpers import (
    EXITED,
    describe,
    exact,
    listed,
    register,
    register_multinode,
    submit,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

    from pytest_fakebatch.models import JobStatus

T0 = 1_700_000_000_000
ALL = ", ".join(JOB_STATUSES)
UNFINISHED: list[JobStatus] = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"]


@pytest.fixture
def fake() -> Iterator[FakeBatch]:
    """A fake with queue ``q`` and job definition ``d``, its clock frozen at T0."""
    with FakeBatch(seed=21) as fake:
        fake.add_queue("q")
        fake.add_job_definition("d")
        fake.clock.set(T0)
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


def at(seconds: float) -> int:
    return T0 + round(seconds * 1000)


def status(batch: BaseClient, job_id: str) -> str:
    return str(describe(batch, job_id)["status"])


def statuses(fake: FakeBatch, parent_id: str) -> list[str]:
    return [child.status for child in fake.get_job(parent_id).children]


def retrying(batch: BaseClient, attempts: int = 3, **strategy: Any) -> None:
    """Job definition ``d`` again (revision 2), with a retry strategy."""
    register(batch, "d", retryStrategy={"attempts": attempts, **strategy})


# set_status


LATER = [
    (before, after)
    for before, after in itertools.combinations(JOB_STATUSES, 2)
    if before not in ("SUCCEEDED", "FAILED")
]


@pytest.mark.parametrize(("before", "after"), LATER)
def test_set_status_moves_to_any_later_status(
    batch: BaseClient, fake: FakeBatch, before: JobStatus, after: JobStatus
) -> None:
    job = fake.add_job("q", status=before)
    fake.clock.advance(1)

    moved = fake.set_status(job.job_id, after)

    assert moved.status == after
    assert status(batch, job.job_id) == after
    assert listed(batch, "q", after) == [job.job_id]
    assert listed(batch, "q", before) == []


EARLIER_OR_SAME = [
    (before, after)
    for before, after in itertools.product(UNFINISHED, JOB_STATUSES)
    if JOB_STATUSES.index(after) <= JOB_STATUSES.index(before)
]


@pytest.mark.parametrize(("before", "after"), EARLIER_OR_SAME)
def test_set_status_refuses_to_go_back(
    batch: BaseClient, fake: FakeBatch, before: JobStatus, after: JobStatus
) -> None:
    job = fake.add_job("q", status=before)
    allowed = ", ".join(JOB_STATUSES[JOB_STATUSES.index(before) + 1 :])

    message = f"job {job.job_id} is {before}; it can move to {allowed}, not {after}"
    with pytest.raises(ValueError, match=exact(message)):
        fake.set_status(job.job_id, after)

    assert fake.get_job(job.job_id) == job


@pytest.mark.parametrize("wrong", ["DONE", "running", "", "CANCELLED"])
def test_set_status_names_the_statuses(fake: FakeBatch, wrong: str) -> None:
    job = fake.add_job("q", status="RUNNABLE")

    message = f"status must be one of {ALL}; got {wrong!r}"
    with pytest.raises(ValueError, match=exact(message)):
        fake.set_status(job.job_id, wrong)  # type: ignore[arg-type]


@pytest.mark.parametrize("finished", ["SUCCEEDED", "FAILED"])
@pytest.mark.parametrize("action", ["set_status", "advance", "complete"])
def test_finished_jobs_never_change(fake: FakeBatch, finished: JobStatus, action: str) -> None:
    job = fake.add_job("q", status=finished)
    args = ("FAILED",) if action == "set_status" else ()

    message = f"job {job.job_id} is {finished}: finished jobs never change"
    with pytest.raises(ValueError, match=exact(message)):
        getattr(fake, action)(job.job_id, *args)

    assert fake.get_job(job.job_id) == job


def test_set_status_refuses_an_array_parent(fake: FakeBatch) -> None:
    parent = fake.add_array_job("q", size=2, child_statuses="RUNNABLE")

    message = (
        f"job {parent.job_id} is an array parent: its status follows its children "
        f"({parent.job_id}:0 and so on); move them, or advance() / complete() the parent"
    )
    with pytest.raises(ValueError, match=exact(message)):
        fake.set_status(parent.job_id, "SUCCEEDED")


@pytest.mark.parametrize("action", ["set_status", "advance", "complete"])
def test_nodes_move_with_their_job(fake: FakeBatch, action: str) -> None:
    job = fake.add_multinode_job("q", num_nodes=2, status="RUNNABLE")
    args = ("RUNNING",) if action == "set_status" else ()

    message = f"job {job.job_id}#1 is a node: nodes move with their multi-node job {job.job_id}"
    with pytest.raises(ValueError, match=exact(message)):
        getattr(fake, action)(f"{job.job_id}#1", *args)


@pytest.mark.parametrize("action", ["set_status", "advance", "complete"])
def test_unknown_job_ids(fake: FakeBatch, action: str) -> None:
    args = ("RUNNING",) if action == "set_status" else ()

    with pytest.raises(ValueError, match=exact("the fake has no job with id 'no-such-job'")):
        getattr(fake, action)("no-such-job", *args)
    with pytest.raises(TypeError, match=exact("job_id must be a job id string, not 42")):
        getattr(fake, action)(42, *args)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"status": "RUNNING", "reason": 5}, TypeError, "reason must be a string or None, not 5"),
        ({"status": "FAILED", "exit_code": "1"}, TypeError, "exit_code must be an int, not '1'"),
        ({"status": "FAILED", "exit_code": True}, TypeError, "exit_code must be an int, not True"),
        ({"status": "FAILED", "exit_code": 1.0}, TypeError, "exit_code must be an int, not 1.0"),
        (
            {"status": "RUNNING", "exit_code": 0},
            ValueError,
            "a RUNNING job has not finished; it has no exit code",
        ),
        (
            {"status": "SUCCEEDED", "exit_code": 3},
            ValueError,
            "a SUCCEEDED job exits with code 0, not 3",
        ),
    ],
)
def test_set_status_bad_arguments(
    fake: FakeBatch, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    job = fake.add_job("q", status="RUNNABLE")

    with pytest.raises(error) as raised:
        fake.set_status(job.job_id, **kwargs)

    assert str(raised.value) == message
    assert fake.get_job(job.job_id) == job


def test_set_status_succeeded_runs_the_job_first(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    fake.clock.advance(3)

    job = fake.set_status(job_id, "SUCCEEDED")

    assert (job.started_at, job.stopped_at, job.exit_code) == (at(3), at(3), 0)
    detail = describe(batch, job_id)
    assert detail["statusReason"] == EXITED
    assert [(a["startedAt"], a["container"]["exitCode"]) for a in detail["attempts"]] == [
        (at(3), 0)
    ]


def test_set_status_failed_before_running_never_started(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    fake.clock.advance(1)

    job = fake.set_status(job_id, "FAILED")

    assert (job.started_at, job.stopped_at, job.exit_code, job.attempts) == (None, at(1), None, ())


def test_set_status_failed_while_running_exits_1(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    fake.set_status(job_id, "RUNNING")
    fake.clock.advance(4)

    job = fake.set_status(job_id, "FAILED")

    assert (job.started_at, job.stopped_at, job.exit_code) == (T0, at(4), 1)
    assert describe(batch, job_id)["attempts"][0]["container"]["exitCode"] == 1


def test_set_status_failed_with_an_exit_code_runs_the_job(
    batch: BaseClient, fake: FakeBatch
) -> None:
    job_id = submit(batch)
    fake.set_status(job_id, "RUNNABLE")
    fake.clock.advance(2)

    job = fake.set_status(job_id, "FAILED", exit_code=137, reason="OutOfMemoryError")

    assert (job.started_at, job.stopped_at, job.exit_code) == (at(2), at(2), 137)
    assert job.status_reason == "OutOfMemoryError"
    assert [attempt.exit_code for attempt in job.attempts] == [137]


def test_set_status_reason_for_an_unfinished_status(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)

    fake.set_status(job_id, "RUNNABLE", reason="Waiting for capacity")

    assert describe(batch, job_id)["statusReason"] == "Waiting for capacity"


def test_set_status_failed_never_retries(batch: BaseClient, fake: FakeBatch) -> None:
    retrying(batch, attempts=5)
    job_id = submit(batch)
    fake.set_status(job_id, "RUNNING")

    job = fake.set_status(job_id, "FAILED", exit_code=2)

    assert (job.status, len(job.attempts)) == ("FAILED", 1)


def test_jobs_returned_are_snapshots(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)

    runnable = fake.set_status(job_id, "RUNNABLE")
    running = fake.set_status(job_id, "RUNNING")

    assert (runnable.status, running.status) == ("RUNNABLE", "RUNNING")
    assert fake.get_job(job_id) == running


# advance


def test_advance_without_dependencies(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    seen = []

    for _ in range(3):
        fake.clock.advance(1)
        (moved,) = fake.advance(job_id)
        seen.append((moved.status, moved.started_at))

    # "If there are no dependencies, the job is moved to RUNNABLE." (user guide, job states)
    assert seen == [("RUNNABLE", None), ("STARTING", None), ("RUNNING", at(3))]
    assert describe(batch, job_id)["startedAt"] == at(3)
    message = f"job {job_id} is RUNNING; end it with complete() or set_status()"
    with pytest.raises(ValueError, match=exact(message)):
        fake.advance(job_id)


def test_advance_with_dependencies(batch: BaseClient, fake: FakeBatch) -> None:
    first, second = submit(batch, "first"), submit(batch, "second")
    job_id = submit(batch, dependsOn=[{"jobId": first}, {"jobId": second}])

    assert [job.status for job in fake.advance(job_id)] == ["PENDING"]
    fake.set_status(first, "SUCCEEDED")
    message = (
        f"job {job_id} is PENDING on its dependencies: {first} (SUCCEEDED), {second} (SUBMITTED)"
    )
    with pytest.raises(ValueError, match=exact(message)):
        fake.advance(job_id)

    assert status(batch, job_id) == "PENDING"

    fake.complete(second)

    assert [job.status for job in fake.advance(job_id)] == ["RUNNABLE"]


def test_a_dependency_that_already_succeeded(batch: BaseClient, fake: FakeBatch) -> None:
    done = fake.add_job("q", status="SUCCEEDED")
    job_id = submit(batch, dependsOn=[{"jobId": done.job_id}])

    assert [job.status for job in fake.advance(job_id)] == ["RUNNABLE"]


@pytest.mark.parametrize("other", ["SUBMITTED", "RUNNING", "SUCCEEDED"])
def test_a_failed_dependency_fails_the_job(
    batch: BaseClient, fake: FakeBatch, other: JobStatus
) -> None:
    failed = fake.add_job("q", status="FAILED")
    unrelated = fake.add_job("q", status=other)
    job_id = submit(batch, dependsOn=[{"jobId": unrelated.job_id}, {"jobId": failed.job_id}])
    fake.advance(job_id)
    fake.clock.advance(1)

    # "If any of the job dependencies fail, the dependent job automatically transitions from
    # PENDING to FAILED." (user guide, job dependencies)
    (moved,) = fake.advance(job_id)

    assert (moved.status, moved.status_reason, moved.stopped_at) == (
        "FAILED",
        DEPENDENCY_FAILED,
        at(1),
    )
    detail = describe(batch, job_id)
    for absent in ("startedAt",):
        assert absent not in detail
    assert detail["attempts"] == []  # observed: [] until an attempt ended


def test_advance_every_job(batch: BaseClient, fake: FakeBatch) -> None:
    submitted = submit(batch, "submitted")
    runnable = fake.add_job("q", status="RUNNABLE").job_id
    starting = fake.add_job("q", status="STARTING").job_id
    fake.add_job("q", status="RUNNING")
    fake.add_job("q", status="SUCCEEDED")
    waiting = submit(batch, "waiting", dependsOn=[{"jobId": submitted}])
    fake.advance(waiting)
    parent_id = submit(batch, "array", arrayProperties={"size": 2})
    register_multinode(batch, "mnp", 2)
    multinode = submit(batch, "mnp", definition="mnp")

    moved = fake.advance()

    assert sorted((job.job_id, job.status) for job in moved) == sorted(
        [
            (submitted, "RUNNABLE"),
            (runnable, "STARTING"),
            (starting, "RUNNING"),
            (f"{parent_id}:0", "RUNNABLE"),
            (f"{parent_id}:1", "RUNNABLE"),
            (multinode, "RUNNABLE"),
        ]
    )
    assert status(batch, parent_id) == "PENDING"
    assert {node.status for node in fake.get_job(multinode).nodes} == {"RUNNABLE"}


def test_advance_with_nothing_to_move(fake: FakeBatch) -> None:
    fake.add_job("q", status="RUNNING")
    fake.add_job("q", status="FAILED")

    assert fake.advance() == []


def test_advance_an_array_parent_advances_its_children(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 3})
    fake.set_status(f"{parent_id}:2", "RUNNING")

    moved = fake.advance(parent_id)

    assert [(job.job_id, job.status) for job in moved] == [
        (f"{parent_id}:0", "RUNNABLE"),
        (f"{parent_id}:1", "RUNNABLE"),
    ]
    assert statuses(fake, parent_id) == ["RUNNABLE", "RUNNABLE", "RUNNING"]


def test_advance_a_finished_array_parent(fake: FakeBatch) -> None:
    parent = fake.add_array_job("q", size=2, child_statuses="SUCCEEDED")

    message = f"array job {parent.job_id} is SUCCEEDED: finished jobs never change"
    with pytest.raises(ValueError, match=exact(message)):
        fake.advance(parent.job_id)


# complete, and retries


def test_complete_a_running_job(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    fake.set_status(job_id, "RUNNING")
    fake.clock.advance(10)

    job = fake.complete(job_id)

    assert (job.status, job.exit_code, job.started_at, job.stopped_at) == (
        "SUCCEEDED",
        0,
        T0,
        at(10),
    )
    assert status(batch, job_id) == "SUCCEEDED"


def test_complete_runs_a_job_that_has_not_started(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    fake.clock.advance(1)

    job = fake.complete(job_id, exit_code=3, reason="Task failed")

    assert (job.status, job.exit_code, job.status_reason) == ("FAILED", 3, "Task failed")
    assert (job.started_at, job.stopped_at) == (at(1), at(1))
    assert [attempt.exit_code for attempt in job.attempts] == [3]


def test_complete_waits_for_dependencies(batch: BaseClient, fake: FakeBatch) -> None:
    upstream = fake.add_job("q", status="RUNNING").job_id
    job_id = submit(batch, dependsOn=[{"jobId": upstream}])

    message = f"job {job_id} cannot run before its dependencies succeed: {upstream} (RUNNING)"
    with pytest.raises(ValueError, match=exact(message)):
        fake.complete(job_id)

    assert status(batch, job_id) == "SUBMITTED"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"exit_code": True}, TypeError, "exit_code must be an int, not True"),
        ({"exit_code": "0"}, TypeError, "exit_code must be an int, not '0'"),
        ({"exit_code": None}, TypeError, "exit_code must be an int, not None"),
        ({"reason": 1}, TypeError, "reason must be a string or None, not 1"),
    ],
)
def test_complete_bad_arguments(
    fake: FakeBatch, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    job = fake.add_job("q", status="RUNNING")

    with pytest.raises(error) as raised:
        fake.complete(job.job_id, **kwargs)

    assert str(raised.value) == message
    assert fake.get_job(job.job_id) == job


def test_a_failed_attempt_is_retried(batch: BaseClient, fake: FakeBatch) -> None:
    retrying(batch, attempts=3)
    job_id = submit(batch)
    fake.set_status(job_id, "RUNNING")
    fake.clock.advance(5)

    job = fake.complete(job_id, exit_code=1)

    assert job.status == "RUNNABLE"
    detail = describe(batch, job_id)
    for absent in ("startedAt", "stoppedAt", "statusReason"):
        assert absent not in detail
    assert [
        (a["startedAt"], a["stoppedAt"], a["container"]["exitCode"]) for a in detail["attempts"]
    ] == [(T0, at(5), 1)]
    assert listed(batch, "q", "RUNNABLE") == [job_id]
    assert listed(batch, "q", "FAILED") == []


def test_retries_run_out(batch: BaseClient, fake: FakeBatch) -> None:
    retrying(batch, attempts=3)
    job_id = submit(batch)

    ends = []
    for exit_code in (1, 2, 3):
        fake.clock.advance(1)
        ends.append(fake.complete(job_id, exit_code=exit_code).status)

    assert ends == ["RUNNABLE", "RUNNABLE", "FAILED"]
    detail = describe(batch, job_id)
    assert [a["container"]["exitCode"] for a in detail["attempts"]] == [1, 2, 3]
    assert [a["startedAt"] for a in detail["attempts"]] == [at(1), at(2), at(3)]
    assert (detail["startedAt"], detail["stoppedAt"], detail["container"]["exitCode"]) == (
        at(3),
        at(3),
        3,
    )


def test_a_retry_that_succeeds(batch: BaseClient, fake: FakeBatch) -> None:
    retrying(batch, attempts=2)
    job_id = submit(batch)
    fake.complete(job_id, exit_code=1)
    fake.clock.advance(1)

    job = fake.complete(job_id)

    assert (job.status, [attempt.exit_code for attempt in job.attempts]) == ("SUCCEEDED", [1, 0])
    assert job.started_at == at(1)


def test_the_request_retry_strategy_wins(batch: BaseClient, fake: FakeBatch) -> None:
    retrying(batch, attempts=3)
    job_id = submit(batch, retryStrategy={"attempts": 1})

    assert fake.complete(job_id, exit_code=1).status == "FAILED"


@pytest.mark.parametrize(
    ("rules", "exit_code", "reason", "expected"),
    [
        # "If none of the listed conditions match, then the job is retried."
        ([{"action": "EXIT", "onExitCode": "2"}], 2, None, "FAILED"),
        ([{"action": "EXIT", "onExitCode": "2"}], 3, None, "RUNNABLE"),
        ([{"action": "EXIT", "onExitCode": "2"}], 21, None, "RUNNABLE"),
        # A trailing * matches a prefix.
        (
            [{"action": "RETRY", "onExitCode": "1*"}, {"action": "EXIT", "onReason": "*"}],
            13,
            None,
            "RUNNABLE",
        ),
        (
            [{"action": "RETRY", "onExitCode": "1*"}, {"action": "EXIT", "onReason": "*"}],
            2,
            None,
            "FAILED",
        ),
        ([{"action": "EXIT", "onExitCode": "*"}], 255, None, "FAILED"),
        # Actions are not case sensitive.
        ([{"action": "exit", "onExitCode": "1"}], 1, None, "FAILED"),
        # The status reason of the attempt.
        (
            [
                {"action": "RETRY", "onStatusReason": "Host EC2*"},
                {"action": "EXIT", "onReason": "*"},
            ],
            1,
            "Host EC2 (instance i-0abc) terminated.",
            "RUNNABLE",
        ),
        (
            [
                {"action": "RETRY", "onStatusReason": "Host EC2*"},
                {"action": "EXIT", "onReason": "*"},
            ],
            1,
            "Essential container in task exited",
            "FAILED",
        ),
        # The first matching rule decides.
        (
            [{"action": "EXIT", "onExitCode": "1"}, {"action": "RETRY", "onExitCode": "1"}],
            1,
            None,
            "FAILED",
        ),
        (
            [{"action": "RETRY", "onExitCode": "1"}, {"action": "EXIT", "onExitCode": "1"}],
            1,
            None,
            "RUNNABLE",
        ),
        # Every condition of a rule must match.
        ([{"action": "EXIT", "onExitCode": "1", "onStatusReason": "OOM*"}], 1, None, "RUNNABLE"),
        (
            [{"action": "EXIT", "onExitCode": "1", "onStatusReason": "OOM*"}],
            1,
            "OOM killed",
            "FAILED",
        ),
    ],
)
def test_evaluate_on_exit(
    batch: BaseClient,
    fake: FakeBatch,
    rules: list[dict[str, str]],
    exit_code: int,
    reason: str | None,
    expected: str,
) -> None:
    retrying(batch, attempts=2, evaluateOnExit=rules)
    job_id = submit(batch)

    job = fake.complete(job_id, exit_code=exit_code, reason=reason)

    assert job.status == expected
    assert len(job.attempts) == 1


def test_run_all_succeeds_a_retried_job(batch: BaseClient, fake: FakeBatch) -> None:
    retrying(batch, attempts=2)
    job_id = submit(batch)
    fake.complete(job_id, exit_code=1)

    fake.run_all()

    assert [attempt.exit_code for attempt in fake.get_job(job_id).attempts] == [1, 0]


# Array jobs


def test_array_parent_status_follows_its_children(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 3})
    seen = [status(batch, parent_id)]

    fake.advance(f"{parent_id}:0")
    seen.append(status(batch, parent_id))
    fake.complete(f"{parent_id}:0")
    fake.complete(f"{parent_id}:1", exit_code=1)
    seen.append(status(batch, parent_id))
    fake.complete(f"{parent_id}:2")
    seen.append(status(batch, parent_id))

    assert seen == ["SUBMITTED", "PENDING", "PENDING", "FAILED"]
    assert listed(batch, "q", "FAILED") == [parent_id]


def test_complete_an_array_parent(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 3})
    fake.set_status(f"{parent_id}:1", "FAILED")
    fake.clock.advance(2)

    parent = fake.complete(parent_id)

    assert parent.status == "FAILED"
    assert statuses(fake, parent_id) == ["SUCCEEDED", "FAILED", "SUCCEEDED"]
    assert parent.stopped_at == at(2)
    message = f"array job {parent_id} is FAILED: finished jobs never change"
    with pytest.raises(ValueError, match=exact(message)):
        fake.complete(parent_id)


def test_complete_an_array_parent_with_an_exit_code(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 2})

    parent = fake.complete(parent_id, exit_code=2)

    assert parent.status == "FAILED"
    assert [child.exit_code for child in parent.children] == [2, 2]


def test_complete_a_sequential_array(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 3}, dependsOn=[{"type": "SEQUENTIAL"}])

    parent = fake.complete(parent_id)

    assert parent.status == "SUCCEEDED"
    assert statuses(fake, parent_id) == ["SUCCEEDED"] * 3


def test_complete_a_sequential_array_with_a_failure(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 2}, dependsOn=[{"type": "SEQUENTIAL"}])

    message = (
        f"job {parent_id}:1 cannot run before its dependencies succeed: {parent_id}:0 (SUBMITTED)"
    )
    with pytest.raises(ValueError, match=exact(message)):
        fake.complete(parent_id, exit_code=1)

    assert statuses(fake, parent_id) == ["SUBMITTED", "SUBMITTED"]


def test_sequential_children_run_one_after_another(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 3}, dependsOn=[{"type": "SEQUENTIAL"}])

    fake.advance(parent_id)
    first = statuses(fake, parent_id)
    fake.complete(f"{parent_id}:0")
    fake.advance(parent_id)
    second = statuses(fake, parent_id)

    # "each child array job completes sequentially, starting at index 0"
    assert first == ["RUNNABLE", "PENDING", "PENDING"]
    assert second == ["SUCCEEDED", "RUNNABLE", "PENDING"]
    with pytest.raises(ValueError, match=f"{parent_id}:2 is PENDING on its dependencies"):
        fake.advance(f"{parent_id}:2")


def test_run_all_runs_a_sequential_array_in_order(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 4}, dependsOn=[{"type": "SEQUENTIAL"}])

    fake.run_all()

    children = fake.get_job(parent_id).children
    assert [child.status for child in children] == ["SUCCEEDED"] * 4
    for earlier, later in itertools.pairwise(children):
        assert earlier.stopped_at is not None
        assert later.started_at is not None
        assert earlier.stopped_at <= later.started_at


def test_a_failed_child_fails_the_rest_of_a_sequential_array(
    batch: BaseClient, fake: FakeBatch
) -> None:
    parent_id = submit(batch, arrayProperties={"size": 3}, dependsOn=[{"type": "SEQUENTIAL"}])
    fake.complete(f"{parent_id}:0", exit_code=1)

    fake.run_all()

    children = fake.get_job(parent_id).children
    assert [(c.status, c.status_reason) for c in children] == [
        ("FAILED", EXITED),
        ("FAILED", DEPENDENCY_FAILED),
        ("FAILED", DEPENDENCY_FAILED),
    ]
    assert status(batch, parent_id) == "FAILED"


def test_n_to_n_children_wait_for_their_counterpart(batch: BaseClient, fake: FakeBatch) -> None:
    upstream = submit(batch, "upstream", arrayProperties={"size": 3})
    downstream = submit(
        batch,
        "downstream",
        arrayProperties={"size": 3},
        dependsOn=[{"jobId": upstream, "type": "N_TO_N"}],
    )
    fake.advance(downstream)
    fake.complete(f"{upstream}:1")
    fake.complete(f"{upstream}:2", exit_code=1)

    fake.advance(downstream)

    # "each index child of this job must wait for the corresponding index child of each
    # dependency to complete before it can begin"
    assert statuses(fake, downstream) == ["PENDING", "RUNNABLE", "FAILED"]
    assert fake.get_job(f"{downstream}:2").status_reason == DEPENDENCY_FAILED
    fake.run_all()
    assert statuses(fake, downstream) == ["SUCCEEDED", "SUCCEEDED", "FAILED"]
    assert (status(batch, upstream), status(batch, downstream)) == ("FAILED", "FAILED")


def test_every_child_waits_for_a_plain_dependency(batch: BaseClient, fake: FakeBatch) -> None:
    upstream = submit(batch, "upstream")
    parent_id = submit(batch, arrayProperties={"size": 2}, dependsOn=[{"jobId": upstream}])

    fake.advance(parent_id)
    waiting = statuses(fake, parent_id)
    fake.complete(upstream)
    fake.advance(parent_id)

    assert waiting == ["PENDING", "PENDING"]
    assert statuses(fake, parent_id) == ["RUNNABLE", "RUNNABLE"]


def test_a_job_waits_for_a_whole_array(batch: BaseClient, fake: FakeBatch) -> None:
    parent_id = submit(batch, arrayProperties={"size": 2})
    job_id = submit(batch, dependsOn=[{"jobId": parent_id}])
    fake.advance(job_id)
    fake.complete(f"{parent_id}:0")

    with pytest.raises(ValueError, match="is PENDING on its dependencies"):
        fake.advance(job_id)
    fake.complete(f"{parent_id}:1", exit_code=1)
    fake.advance(job_id)

    assert fake.get_job(job_id).status_reason == DEPENDENCY_FAILED


# Multi-node jobs


def test_nodes_mirror_their_job(batch: BaseClient, fake: FakeBatch) -> None:
    register_multinode(batch, "mnp", 3, main_node=1)
    job_id = submit(batch, definition="mnp")

    for _ in range(3):
        fake.clock.advance(1)
        fake.advance(job_id)
    running = [describe(batch, f"{job_id}#{i}")["status"] for i in range(3)]
    fake.clock.advance(1)
    fake.complete(job_id, exit_code=4)

    assert running == ["RUNNING"] * 3
    job = fake.get_job(job_id)
    assert [
        (node.status, node.exit_code, node.started_at, node.stopped_at) for node in job.nodes
    ] == [("FAILED", 4, at(3), at(4))] * 3
    assert [
        s["jobId"]
        for s in batch.list_jobs(multiNodeJobId=job_id, jobStatus="FAILED")["jobSummaryList"]
    ] == [f"{job_id}#{i}" for i in range(3)]


# run_all


def test_run_all_follows_a_chain(batch: BaseClient, fake: FakeBatch) -> None:
    first = submit(batch, "first")
    second = submit(batch, "second", dependsOn=[{"jobId": first}])
    third = submit(batch, "third", dependsOn=[{"jobId": second}])
    alone = submit(batch, "alone")

    fake.run_all()

    jobs = [fake.get_job(job_id) for job_id in (first, second, third, alone)]
    assert [job.status for job in jobs] == ["SUCCEEDED"] * 4
    for upstream, downstream in itertools.pairwise(jobs[:3]):
        assert upstream.stopped_at is not None
        assert downstream.started_at is not None
        assert upstream.stopped_at <= downstream.started_at
    assert listed(batch, "q", "SUCCEEDED") == [alone, third, second, first]


def test_run_all_fails_what_depends_on_a_failure(batch: BaseClient, fake: FakeBatch) -> None:
    first = submit(batch, "first")
    second = submit(batch, "second", dependsOn=[{"jobId": first}])
    third = submit(batch, "third", dependsOn=[{"jobId": second}])
    alone = submit(batch, "alone")
    fake.set_status(first, "FAILED", exit_code=1)

    fake.run_all()

    details = {
        d["jobId"]: d for d in batch.describe_jobs(jobs=[first, second, third, alone])["jobs"]
    }
    assert [(details[j]["status"], details[j]["statusReason"]) for j in (second, third)] == [
        ("FAILED", DEPENDENCY_FAILED)
    ] * 2
    assert "startedAt" not in details[third]
    assert details[alone]["status"] == "SUCCEEDED"


def test_run_all_finishes_everything(batch: BaseClient, fake: FakeBatch) -> None:
    for status_ in UNFINISHED:
        fake.add_job("q", status=status_)
    fake.add_array_job("q", size=3, child_statuses=["RUNNABLE", "RUNNING", "SUBMITTED"])
    fake.add_multinode_job("q", num_nodes=2, status="STARTING")

    fake.run_all()

    assert {job.status for job in fake.jobs} == {"SUCCEEDED"}
    assert listed(batch, "q", "RUNNING") == []


def test_run_all_with_nothing_to_run(fake: FakeBatch) -> None:
    fake.run_all()

    assert fake.jobs == []


# ListJobs agrees with DescribeJobs


def test_listing_follows_every_move(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    seen = []

    for _ in range(3):
        fake.clock.advance(1)
        fake.advance(job_id)
        seen.append(where(batch, job_id))
    fake.clock.advance(1)
    fake.complete(job_id)
    seen.append(where(batch, job_id))

    assert seen == ["RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED"]
    summary = batch.list_jobs(jobQueue="q", jobStatus="SUCCEEDED")["jobSummaryList"][0]
    detail = describe(batch, job_id)
    for key in ("status", "createdAt", "startedAt", "stoppedAt", "statusReason", "jobDefinition"):
        assert summary[key] == detail[key], key
    assert summary["container"]["exitCode"] == detail["container"]["exitCode"] == 0


def where(batch: BaseClient, job_id: str) -> str:
    """The one status listing ``job_id`` appears in; checks DescribeJobs says the same."""
    found = [s for s in JOB_STATUSES if job_id in listed(batch, "q", s)]
    assert len(found) == 1, found
    assert status(batch, job_id) == found[0]
    return found[0]


def test_a_job_moved_to_succeeded_leaves_the_running_listing(
    batch: BaseClient, fake: FakeBatch
) -> None:
    jobs = [job.job_id for job in fake.add_jobs(3, "q", status="RUNNING")]

    fake.complete(jobs[1])

    # ListJobs without jobStatus lists RUNNING jobs.
    by_default = [s["jobId"] for s in batch.list_jobs(jobQueue="q")["jobSummaryList"]]
    assert by_default == listed(batch, "q", "RUNNING") == [jobs[2], jobs[0]]
    assert listed(batch, "q", "SUCCEEDED") == [jobs[1]]
    assert describe(batch, jobs[1])["status"] == "SUCCEEDED"


def test_a_paginated_walk_while_jobs_move(batch: BaseClient, fake: FakeBatch) -> None:
    jobs = [job.job_id for job in fake.add_jobs(30, "q", status="RUNNING")]
    moved_away: set[str] = set()
    seen: list[str] = []
    token = None
    pages = 0

    while True:
        params: dict[str, Any] = {"jobQueue": "q", "jobStatus": "RUNNING", "maxResults": 4}
        if token:
            params["nextToken"] = token
        response = batch.list_jobs(**params)
        seen.extend(summary["jobId"] for summary in response["jobSummaryList"])
        pages += 1
        # Between pages: finish a job already seen and one not yet seen (the oldest, listed
        # last), and start new ones (newer than every job the walk has yet to list).
        done = [job_id for job_id in seen if job_id not in moved_away][:1]
        done += [job_id for job_id in jobs if job_id not in seen and job_id not in moved_away][:1]
        for job_id in done:
            fake.complete(job_id)
            moved_away.add(job_id)
        fake.add_job("q", status="RUNNING")
        fake.set_status(fake.add_job("q", status="RUNNABLE").job_id, "RUNNING")
        token = response.get("nextToken")
        if not token:
            break

    assert pages > 3
    assert len(seen) == len(set(seen)), "a job was listed twice"
    stayed = [job_id for job_id in jobs if job_id not in moved_away]
    assert stayed
    assert set(stayed) <= set(seen)
    assert [job_id for job_id in seen if job_id in stayed] == stayed[::-1]


# The clock and timestamps


def test_a_frozen_clock_gives_exact_timestamps(batch: BaseClient, fake: FakeBatch) -> None:
    fake.clock.set(T0 + 500)
    job_id = submit(batch)
    fake.clock.advance(1.5)
    fake.advance(job_id)
    fake.clock.advance(1.5)
    fake.set_status(job_id, "RUNNING")
    fake.clock.advance(60)

    fake.complete(job_id)

    detail = describe(batch, job_id)
    assert (detail["createdAt"], detail["startedAt"], detail["stoppedAt"]) == (
        T0 + 500,
        T0 + 3500,
        T0 + 63_500,
    )


def test_the_clock_follows_real_time_by_default() -> None:
    with FakeBatch(seed=1) as live:
        live.add_queue("q")
        live.add_job_definition("d")
        before = time.time_ns() // 1_000_000
        job_id = submit(boto3.client("batch", region_name=live.region))
        after = time.time_ns() // 1_000_000
        live.clock.advance(3600)
        job = live.complete(job_id)

    assert before <= job.created_at <= after
    assert job.started_at is not None
    assert job.started_at >= before + 3_600_000


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda clock: clock.advance(-1),
            ValueError,
            "the clock only moves forward; got -1 seconds",
        ),
        (
            lambda clock: clock.advance("1"),
            TypeError,
            "Clock.advance() takes a number of seconds, not '1'",
        ),
        (
            lambda clock: clock.set(1.5),
            TypeError,
            "Clock.set() takes epoch milliseconds as an int, not 1.5",
        ),
    ],
)
def test_bad_clock_arguments(
    fake: FakeBatch, call: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        call(fake.clock)

    assert str(raised.value) == message


def test_timestamps_never_go_backwards(batch: BaseClient, fake: FakeBatch) -> None:
    job_id = submit(batch)
    fake.clock.set(T0 - 60_000)  # a minute before the job was created
    fake.advance(job_id)
    fake.advance(job_id)
    fake.advance(job_id)
    fake.clock.set(T0 - 120_000)

    job = fake.complete(job_id)

    assert job.started_at is not None
    assert job.stopped_at is not None
    assert job.created_at <= job.started_at <= job.stopped_at
    assert job.created_at == T0


def test_retried_attempts_never_go_backwards(batch: BaseClient, fake: FakeBatch) -> None:
    retrying(batch, attempts=3)
    job_id = submit(batch)
    fake.clock.set(T0 + 20_000)
    fake.complete(job_id, exit_code=1)
    fake.clock.set(T0 + 10_000)

    job = fake.complete(job_id)

    first, second = job.attempts
    assert first.stopped_at == T0 + 20_000
    assert second.started_at is not None
    assert first.stopped_at <= second.started_at <= second.stopped_at


def test_an_array_parent_completed_with_the_clock_set_back(
    batch: BaseClient, fake: FakeBatch
) -> None:
    parent_id = submit(batch, arrayProperties={"size": 2})
    fake.clock.set(T0 + 50_000)
    fake.set_status(f"{parent_id}:1", "RUNNING")
    fake.clock.set(T0 + 10_000)

    parent = fake.complete(parent_id)

    for child in parent.children:
        assert child.started_at is not None
        assert child.stopped_at is not None
        assert child.created_at <= child.started_at <= child.stopped_at
    assert parent.stopped_at == T0 + 50_000


def test_created_at_keeps_increasing_when_the_clock_is_set_back(
    batch: BaseClient, fake: FakeBatch
) -> None:
    first = submit(batch, "first")
    fake.clock.set(T0 - 1_000_000)

    second = submit(batch, "second")

    assert describe(batch, second)["createdAt"] == describe(batch, first)["createdAt"] + 1
    assert listed(batch, "q", "SUBMITTED") == [second, first]


def test_advancing_an_array_parent_whose_children_cannot_move_is_an_error(
    batch: BaseClient, fake: FakeBatch
) -> None:
    parent_id = submit(batch, arrayProperties={"size": 2})
    for child in range(2):
        fake.set_status(f"{parent_id}:{child}", "RUNNING")

    with pytest.raises(ValueError, match=f"no child of array job {parent_id} can move") as raised:
        fake.advance(parent_id)

    assert "RUNNING" in str(raised.value)


def test_run_all_finishes_a_long_sequential_array_in_index_order(
    batch: BaseClient, fake: FakeBatch
) -> None:
    # Big enough that a run_all doing one child per pass (quadratic) would take minutes.
    size = 2000
    parent_id = submit(batch, arrayProperties={"size": size}, dependsOn=[{"type": "SEQUENTIAL"}])

    fake.clock.set(T0 + 1)  # one moment for every step: the order shows in the attempts alone
    fake.run_all()

    parent = fake.get_job(parent_id)
    assert parent.status == "SUCCEEDED"
    assert [child.status for child in parent.children] == ["SUCCEEDED"] * size
    assert all(len(child.attempts) == 1 for child in parent.children)


def test_a_seeded_job_follows_its_job_definition(batch: BaseClient, fake: FakeBatch) -> None:
    fake.add_job_definition("retried", retry_strategy={"attempts": 2}, parameters={"day": "monday"})
    job = fake.add_job("q", job_definition="retried", status="RUNNING")

    again = fake.complete(job.job_id, exit_code=1)
    detail = describe(batch, job.job_id)

    assert again.status == "RUNNABLE"
    assert detail["retryStrategy"] == {"attempts": 2}
    assert detail["parameters"] == {"day": "monday"}
    assert fake.complete(job.job_id, exit_code=1).status == "FAILED"
