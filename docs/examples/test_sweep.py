"""Tests of sweep.py, with pytest-fakebatch's ``fake_batch`` fixture.

Nothing runs and nothing waits. run_sweep's ``sleep`` is replaced by a scheduler that, at each
poll, moves the fake's clock forward and takes the next step the test planned (a job succeeds, a
child fails, nothing happens), and its ``clock`` reads the fake's clock, so the sweep's deadline
passes in fake time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sweep import STOP_REASON, Failure, SweepResult, run_sweep

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_fakebatch import FakeBatch

    Step = Callable[[dict[str, str]], object]

START = 1_700_000_000_000  # the fake's clock, frozen: epoch milliseconds
VALUES = ["0.001", "0.01", "0.1", "1"]  # one array child each
EXITED = "Essential container in task exited"


@pytest.fixture
def batch(fake_batch: FakeBatch, monkeypatch: pytest.MonkeyPatch) -> FakeBatch:
    """The fake, holding the queue and job definition the sweep submits to."""
    # run_sweep calls boto3.client("batch") with no region: give it the fake's, whatever the
    # machine running the tests has configured.
    monkeypatch.setenv("AWS_DEFAULT_REGION", fake_batch.region)
    fake_batch.clock.set(START)
    fake_batch.add_queue("sweeps")
    fake_batch.add_job_definition("train")
    return fake_batch


def submitted(fake_batch: FakeBatch) -> dict[str, str]:
    """The ids of the jobs the sweep submitted, by stage: "prepare", "sweep", "collect"."""
    return {
        job.job_name.rpartition("-")[2]: job.job_id
        for job in fake_batch.jobs
        if job.parent_id is None  # not the array's children
    }


class Scheduler:
    """run_sweep's ``sleep``: moves the fake's clock on, then takes the next planned step."""

    def __init__(self, fake_batch: FakeBatch, steps: tuple[Step, ...]) -> None:
        self.fake_batch = fake_batch
        self.steps = list(steps)
        self.slept: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.fake_batch.clock.advance(seconds)
        if self.steps:
            self.steps.pop(0)(submitted(self.fake_batch))


def sweep(
    fake_batch: FakeBatch, *steps: Step, timeout: float = 600
) -> tuple[SweepResult, Scheduler]:
    scheduler = Scheduler(fake_batch, steps)
    result = run_sweep(
        "lr",
        VALUES,
        job_queue="sweeps",
        job_definition="train",
        timeout=timeout,
        poll_interval=30,
        sleep=scheduler,
        clock=lambda: fake_batch.clock.now_ms() / 1000,
    )
    return result, scheduler


def test_every_job_succeeds(batch: FakeBatch) -> None:
    result, scheduler = sweep(batch, lambda jobs: batch.run_all())

    assert result.succeeded
    assert result.status == {"prepare": "SUCCEEDED", "sweep": "SUCCEEDED", "collect": "SUCCEEDED"}
    assert result.children == dict.fromkeys(range(4), "SUCCEEDED")
    assert (result.failures, result.cancelled, result.terminated) == ([], [], [])
    assert scheduler.slept == [30]  # one poll found them submitted, the next finished


def test_the_jobs_are_chained(batch: FakeBatch) -> None:
    sweep(batch, lambda jobs: batch.run_all())

    jobs = submitted(batch)
    batch.assert_called(
        "SubmitJob",
        jobName="lr-sweep",
        arrayProperties={"size": 4},
        dependsOn=[{"jobId": jobs["prepare"]}],
    )
    batch.assert_called("SubmitJob", jobName="lr-collect", dependsOn=[{"jobId": jobs["sweep"]}])


def test_the_sweep_waits_for_each_stage(batch: FakeBatch) -> None:
    result, scheduler = sweep(
        batch,
        lambda jobs: batch.complete(jobs["prepare"]),
        lambda jobs: batch.complete(jobs["sweep"]),  # every child, exit code 0
        lambda jobs: batch.complete(jobs["collect"]),
    )

    assert result.succeeded
    assert scheduler.slept == [30, 30, 30]
    jobs = submitted(batch)
    # The clock is frozen, and moved only by the scheduler: each job ended at the poll that ended it.
    assert batch.get_job(jobs["prepare"]).stopped_at == START + 30_000
    assert batch.get_job(f"{jobs['sweep']}:3").stopped_at == START + 60_000
    assert batch.get_job(jobs["collect"]).stopped_at == START + 90_000


def test_a_failed_prepare_fails_everything_after_it(batch: FakeBatch) -> None:
    def prepare_fails(jobs: dict[str, str]) -> None:
        batch.complete(jobs["prepare"], exit_code=1)
        batch.run_all()

    result, _ = sweep(batch, prepare_fails)

    assert result.status == {"prepare": "FAILED", "sweep": "FAILED", "collect": "FAILED"}
    assert result.children == dict.fromkeys(range(4), "FAILED")
    assert result.failures == [Failure(i, "Dependent Job failed", []) for i in range(4)]
    assert batch.get_job(submitted(batch)["collect"]).status_reason == "Dependent Job failed"
    batch.assert_not_called("CancelJob")
    batch.assert_not_called("TerminateJob")


def test_a_child_is_retried_then_fails(batch: FakeBatch) -> None:
    def child_2_keeps_failing(jobs: dict[str, str]) -> None:
        batch.complete(jobs["prepare"])
        for _ in range(3):  # run_sweep's default: attempts=3
            batch.complete(f"{jobs['sweep']}:2", exit_code=1)
        batch.run_all()

    result, _ = sweep(batch, child_2_keeps_failing)

    assert result.status == {"prepare": "SUCCEEDED", "sweep": "FAILED", "collect": "FAILED"}
    assert result.children == {0: "SUCCEEDED", 1: "SUCCEEDED", 2: "FAILED", 3: "SUCCEEDED"}
    assert result.failures == [Failure(2, EXITED, [1, 1, 1])]


def test_a_bad_parameter_is_not_retried(batch: FakeBatch) -> None:
    def child_1_has_a_bad_value(jobs: dict[str, str]) -> None:
        batch.complete(jobs["prepare"])
        batch.complete(f"{jobs['sweep']}:1", exit_code=2)  # evaluateOnExit: EXIT
        batch.run_all()

    result, _ = sweep(batch, child_1_has_a_bad_value)

    assert result.failures == [Failure(1, EXITED, [2])]


def test_stragglers_are_stopped_at_the_deadline(batch: FakeBatch) -> None:
    def some_children_stall(jobs: dict[str, str]) -> None:
        batch.complete(jobs["prepare"])
        batch.complete(f"{jobs['sweep']}:0")
        batch.set_status(f"{jobs['sweep']}:1", "RUNNING")
        batch.set_status(f"{jobs['sweep']}:2", "STARTING")
        batch.set_status(f"{jobs['sweep']}:3", "RUNNABLE")
        batch.advance(jobs["collect"])  # PENDING: the array has not finished

    result, scheduler = sweep(batch, some_children_stall, timeout=600)

    jobs = submitted(batch)
    child = f"{jobs['sweep']}:{{}}".format
    assert sum(scheduler.slept) == 600
    assert result.terminated == [child(1), child(2)]
    assert result.cancelled == [child(3), jobs["collect"]]
    batch.assert_called("TerminateJob", jobId=child(1), reason=STOP_REASON)
    batch.assert_called("CancelJob", jobId=jobs["collect"], reason=STOP_REASON)
    assert result.status == {"prepare": "SUCCEEDED", "sweep": "FAILED", "collect": "FAILED"}
    assert result.children == {0: "SUCCEEDED", 1: "FAILED", 2: "FAILED", 3: "FAILED"}
    assert [job.is_terminated for job in map(batch.get_job, (child(1), child(2)))] == [True, True]
    collect = batch.get_job(jobs["collect"])
    assert (collect.is_cancelled, collect.status_reason) == (True, STOP_REASON)
    assert collect.stopped_at == START + 600_000


def test_nothing_starts_before_the_deadline(batch: FakeBatch) -> None:
    result, _ = sweep(batch, timeout=120)  # no step: the queue never gets capacity

    jobs = submitted(batch)
    assert result.cancelled == [
        jobs["prepare"],
        *(f"{jobs['sweep']}:{index}" for index in range(4)),
        jobs["collect"],
    ]
    assert result.terminated == []
    batch.assert_not_called("TerminateJob")
    assert set(result.status.values()) == {"FAILED"}
    assert result.failures == [Failure(i, STOP_REASON, []) for i in range(4)]
