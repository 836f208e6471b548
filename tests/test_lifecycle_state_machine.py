"""The job lifecycle as a state machine: random sequences of requests and test moves, checked
after every step against the service's own answers and a small reference model.

Steps: SubmitJob (plain jobs, array jobs of 2-4 children, dependsOn on existing jobs, SEQUENTIAL
and N_TO_N for arrays, with and without a retryStrategy), seeded multi-node jobs, fake.advance()
for every job or one, fake.complete() with exit code 0 or not, fake.set_status() to a later
status (and to a refused one), CancelJob, TerminateJob, DescribeJobs, paginated ListJobs walks
with small pages, and the fake clock (frozen) moving forward, or back: a test may set it anywhere.

After every step (one DescribeJobs for every job, and paginated walks of the queue's statuses):
- every job is still there (retention None: nothing ages out), in exactly one status: the queue's
  listings of the seven statuses are disjoint and together hold every top-level job;
- each listed summary agrees with DescribeJobs (status, createdAt, startedAt, stoppedAt,
  statusReason, exit code, an array job's child counts);
- each job's status, attempts, isCancelled and isTerminated, and the statusReason it finished
  with, are those the reference model (the lifecycle rules, written out below) predicts;
- timestamps: createdAt <= startedAt <= stoppedAt, attempts in order and only added to, and no
  timestamp a job shows is earlier than one it showed before;
- a SUCCEEDED or FAILED job's JobDetail never changes again;
- an array parent's status is AWS's rule over its children's, and its statusSummary counts them;
  a multi-node job's nodes show its status, timestamps, reason and attempts;
- a test move the fake refuses (ValueError) changes nothing.

A status is walked again after a step that changed one of its jobs, and one more in turn (each
at least every seventh step), which keeps a step to a few requests; the list_jobs rule walks
everything, children and nodes included. The client is made once for the module; each run of the
machine makes its own FakeBatch, with a frozen clock and a fixed seed.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import TYPE_CHECKING, Any, NamedTuple

import boto3
import pytest
from botocore.config import Config
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pytest_fakebatch import FakeBatch

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from botocore.client import BaseClient

REGION = "us-east-1"
QUEUE = "q"
DEFINITION = "d"
START = 1_700_000_000_000  # epoch ms the clock is frozen at
STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
ORDER = {status: position for position, status in enumerate(STATUSES)}
FINISHED = frozenset({"SUCCEEDED", "FAILED"})
CANCELLABLE = frozenset({"SUBMITTED", "PENDING", "RUNNABLE"})
CONTAINER_EXITED = "Essential container in task exited"
DEPENDENCY_FAILED = "Dependent Job failed"
SUMMARY_FIELDS = ("status", "createdAt", "startedAt", "stoppedAt", "statusReason")
PAGE_SIZE = 4  # the walks after every step; the list_jobs rule draws smaller ones
MAX_DESCRIBED = 100
RETRY_STRATEGIES: tuple[dict[str, Any] | None, ...] = (
    {"attempts": 2},
    None,
    {"attempts": 1},
    # Exit code 2 is final; any other is retried while attempts last.
    {"attempts": 3, "evaluateOnExit": [{"onExitCode": "2", "action": "EXIT"}]},
    # Exit codes starting with 1 are retried; every other matches the catch-all and fails.
    {
        "attempts": 3,
        "evaluateOnExit": [
            {"onExitCode": "1*", "action": "RETRY"},
            {"onReason": "*", "action": "exit"},
        ],
    },
)
EXIT_CODES = (0, 0, 1, 2, 10)
#: How far the clock moves before a step, in seconds: mostly not at all; negative sets it back.
CLOCK_STEPS = (0, 0, 0, 2, 60, -60)
REASONS = (None, "oom", "Essential container in task exited")


@functools.cache
def machine_client() -> BaseClient:
    """One client for every run (explicit dummy keys: it is made while no fake is active)."""
    return boto3.client(
        "batch",
        region_name=REGION,
        aws_access_key_id="MACHINE",
        aws_secret_access_key="MACHINE",  # a dummy: the fake turns signing off
        config=Config(retries={"total_max_attempts": 1}),
    )


def chunks(ids: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def glob(pattern: str | None, value: str) -> bool:
    """evaluateOnExit patterns: exact, or a prefix when they end with * (API RetryStrategy)."""
    if pattern is None:
        return True
    return value.startswith(pattern[:-1]) if pattern.endswith("*") else value == pattern


def retried(strategy: dict[str, Any] | None, attempts: int, exit_code: int, reason: str) -> bool:
    """Whether a failed attempt (the ``attempts``-th) is retried: attempts left, and the first
    evaluateOnExit rule that matches says RETRY (none matching: retry)."""
    if strategy is None or attempts >= strategy["attempts"]:
        return False
    for condition in strategy.get("evaluateOnExit", ()):
        if (
            glob(condition.get("onExitCode"), str(exit_code))
            and glob(condition.get("onStatusReason"), reason)
            and glob(condition.get("onReason"), "")
        ):
            return bool(condition["action"].upper() == "RETRY")
    return True


class Step(NamedTuple):
    """A move advance() makes: the status a job goes to, and the statusReason it ends with."""

    status: str
    reason: str | None = None


def parent_status(children: list[str]) -> str:
    """AWS's rule for an array parent (user guide, array jobs)."""
    if all(status == "SUBMITTED" for status in children):
        return "SUBMITTED"
    if any(status not in FINISHED for status in children):
        return "PENDING"
    return "FAILED" if "FAILED" in children else "SUCCEEDED"


def timestamps(detail: dict[str, Any]) -> list[int]:
    """Every timestamp a JobDetail shows: its own and its attempts'."""
    found = [detail[field] for field in ("createdAt", "startedAt", "stoppedAt") if field in detail]
    for attempt in detail.get("attempts", ()):
        found += [attempt[field] for field in ("startedAt", "stoppedAt") if field in attempt]
    return found


class LifecycleMachine(RuleBasedStateMachine):
    wire = False

    def __init__(self) -> None:
        super().__init__()
        self.client = machine_client()
        self.fake = FakeBatch(seed=6, wire=self.wire, retention=None)
        self.fake.__enter__()
        self.fake.clock.set(START)
        self.fake.add_queue(QUEUE)
        self.fake.add_job_definition(DEFINITION)
        self.top: list[str] = []  # top-level jobs, in the order they were submitted
        self.ids: list[str] = []  # every job, array children and nodes included
        self.children: dict[str, list[str]] = {}  # array parent -> its children, by index
        self.nodes: dict[str, str] = {}  # node -> its multi-node job, whose status it mirrors
        self.depends: dict[str, list[tuple[str | None, str | None]]] = {}  # top-level jobs
        self.retry: dict[str, dict[str, Any] | None] = {}  # every job
        self.seen: dict[str, dict[str, Any]] = {}  # JobDetail after the last step
        # The reference model, for jobs that move themselves (not array parents, not nodes).
        self.status: dict[str, str] = {}
        self.attempts: dict[str, int] = {}
        self.cancelled: set[str] = set()  # marked by CancelJob while waiting on dependencies
        self.cancel_reasons: dict[str, str] = {}
        self.reasons: dict[str, str | None] = {}  # the statusReason a job finished with
        self.flags: dict[str, set[str]] = {}  # isCancelled, isTerminated; parents included
        self.last_created_at = 0
        # What the last walk of each status listed, and how many steps were checked.
        self.listings: dict[str, list[str]] = {status: [] for status in STATUSES}
        self.checks = 0

    def teardown(self) -> None:
        self.fake.__exit__(None, None, None)

    # The reference model's rules (docs: lifecycle; the AWS user guide's job states)

    def dependencies(self, job_id: str) -> list[str]:
        parent, _, index = job_id.partition(":")
        if not index:
            return [dependency for dependency, _ in self.depends[job_id] if dependency]
        ids = []
        for dependency, kind in self.depends[parent]:
            if kind == "SEQUENTIAL":
                if int(index) > 0:
                    ids.append(f"{parent}:{int(index) - 1}")
            elif kind == "N_TO_N":
                ids.append(f"{dependency}:{index}")
            else:
                assert dependency is not None
                ids.append(dependency)
        return ids

    def status_of(self, job_id: str, statuses: dict[str, str] | None = None) -> str:
        """A job's status in the model; an array parent's follows its children, and a node's
        is its multi-node job's."""
        statuses = self.status if statuses is None else statuses
        job_id = self.nodes.get(job_id, job_id)
        if job_id in self.children:
            return parent_status([statuses[child] for child in self.children[job_id]])
        return statuses[job_id]

    def next_step(self, job_id: str, statuses: dict[str, str]) -> Step | None:
        """Where advance() takes a job, and for FAILED why (None: it waits), given every job's
        status."""
        status = statuses[job_id]
        if status in FINISHED:
            return None
        if status in ("SUBMITTED", "PENDING"):
            waited = [
                self.status_of(dependency, statuses) for dependency in self.dependencies(job_id)
            ]
            if job_id in self.cancelled and all(s in FINISHED for s in waited):
                # CancelJob marked it: it fails once its dependencies finished.
                return Step("FAILED", self.cancel_reasons[job_id])
            if all(s == "SUCCEEDED" for s in waited):
                return Step("RUNNABLE")
            if status == "SUBMITTED":
                return Step("PENDING")
            return Step("FAILED", DEPENDENCY_FAILED) if "FAILED" in waited else None
        following = {"RUNNABLE": "STARTING", "STARTING": "RUNNING"}.get(status)
        return None if following is None else Step(following)

    def steps(self, job_ids: list[str]) -> dict[str, Step]:
        """Where advance() takes each of these jobs, all from where every job is now."""
        before = dict(self.status)
        steps = {job_id: self.next_step(job_id, before) for job_id in job_ids}
        return {job_id: step for job_id, step in steps.items() if step is not None}

    def take(self, steps: dict[str, Step]) -> None:
        for job_id, step in steps.items():
            if step.status in FINISHED:
                self.finish(job_id, step.status, step.reason)
            else:
                self.status[job_id] = step.status

    def can_run(self, job_id: str, succeeding: frozenset[str] = frozenset()) -> bool:
        """Whether complete() may run a job: it is past PENDING, or its dependencies succeeded
        (or succeed with it: ``succeeding``) and CancelJob has not marked it."""
        if self.status[job_id] not in ("SUBMITTED", "PENDING"):
            return True
        return job_id not in self.cancelled and all(
            self.status_of(dependency) == "SUCCEEDED" or dependency in succeeding
            for dependency in self.dependencies(job_id)
        )

    def ends_attempt(self, job_id: str, exit_code: int, reason: str | None) -> None:
        """complete(): the attempt ends; a retry sends the job back to RUNNABLE."""
        self.attempts[job_id] += 1
        reason = CONTAINER_EXITED if reason is None else reason
        if exit_code == 0:
            self.finish(job_id, "SUCCEEDED", reason)
        elif retried(self.retry[job_id], self.attempts[job_id], exit_code, reason):
            self.status[job_id] = "RUNNABLE"
        else:
            self.finish(job_id, "FAILED", reason)

    def moves_alone(self, job_id: str) -> bool:
        """Whether the test can move a job itself: not an array parent, not a node."""
        return job_id not in self.children and job_id not in self.nodes

    def finish(self, job_id: str, status: str, reason: str | None) -> None:
        """The model's job finishes, with this statusReason for good."""
        self.status[job_id] = status
        self.reasons[job_id] = reason

    def movable(self, job_id: str) -> list[str]:
        """The jobs a move of ``job_id`` acts on: itself, or an array parent's children."""
        return self.children.get(job_id, [job_id])

    # Calls

    def describe(self, ids: list[str]) -> list[dict[str, Any]]:
        details = []
        for chunk in chunks(ids, MAX_DESCRIBED):
            details += self.client.describe_jobs(jobs=chunk)["jobs"]
        return details

    def describe_all(self) -> dict[str, dict[str, Any]]:
        details = self.describe(self.ids)
        listed = [detail["jobId"] for detail in details]
        assert listed == self.ids, "DescribeJobs lost jobs, or changed their order"
        return dict(zip(listed, details, strict=True))

    def walk(self, page_size: int, **params: Any) -> list[dict[str, Any]]:
        paginator = self.client.get_paginator("list_jobs")
        pages = paginator.paginate(**params, PaginationConfig={"PageSize": page_size})
        summaries = [summary for page in pages for summary in page["jobSummaryList"]]
        listed = [summary["jobId"] for summary in summaries]
        assert len(set(listed)) == len(listed), f"a walk listed a job twice: {params}"
        return summaries

    def pick(self, data: st.DataObject, fits: Callable[[str], bool]) -> str:
        """A job to move: three times in four one the move applies to (if there is one), else
        any job, so that the fake's refusals are exercised too."""
        fitting = [job_id for job_id in self.ids if fits(job_id)]
        if fitting and data.draw(st.integers(0, 3), label="fitting job"):
            return data.draw(st.sampled_from(fitting), label="job")
        return data.draw(st.sampled_from(self.ids), label="job")

    def unfinished(self, job_id: str) -> bool:
        return self.status_of(job_id) not in FINISHED

    def refused(self, call: Any) -> None:
        """The fake must refuse with ValueError and change nothing."""
        with pytest.raises(ValueError):  # noqa: PT011 - the messages are the fake's to word
            call()
        assert self.describe_all() == self.seen, "a refused move changed jobs"

    # Rules: submitting

    @rule(
        name=st.sampled_from(["train", "Eval-2", "x"]),
        data=st.data(),
        retry=st.sampled_from(RETRY_STRATEGIES),
        clock=st.sampled_from(CLOCK_STEPS),
    )
    def submit_job(
        self, name: str, data: st.DataObject, retry: dict[str, Any] | None, clock: int
    ) -> None:
        self.move_clock(clock)
        depends = (
            data.draw(st.lists(st.sampled_from(self.ids), max_size=2), label="dependsOn")
            if self.ids
            else []
        )
        self.submit(name, [(job_id, None) for job_id in depends], retry, None)

    @rule(
        data=st.data(), retry=st.sampled_from(RETRY_STRATEGIES), clock=st.sampled_from(CLOCK_STEPS)
    )
    def submit_array_job(
        self, data: st.DataObject, retry: dict[str, Any] | None, clock: int
    ) -> None:
        self.move_clock(clock)
        sizes = sorted({len(children) for children in self.children.values()})
        n_to_n = sizes and data.draw(st.booleans(), label="N_TO_N")
        size = data.draw(st.sampled_from(sizes) if n_to_n else st.integers(2, 4), label="size")
        depends: list[tuple[str | None, str | None]] = []
        if n_to_n:
            same = [job_id for job_id, children in self.children.items() if len(children) == size]
            depends.append((data.draw(st.sampled_from(same), label="N_TO_N on"), "N_TO_N"))
        if data.draw(st.booleans(), label="SEQUENTIAL"):
            depends.append((None, "SEQUENTIAL"))
        if self.ids:
            for job_id in data.draw(st.lists(st.sampled_from(self.ids), max_size=2), label="on"):
                depends.append((job_id, None))
        self.submit("array", depends, retry, size)

    def submit(
        self,
        name: str,
        depends: list[tuple[str | None, str | None]],
        retry: dict[str, Any] | None,
        size: int | None,
    ) -> None:
        params: dict[str, Any] = {"jobName": name, "jobQueue": QUEUE, "jobDefinition": DEFINITION}
        if depends:
            params["dependsOn"] = [
                {key: value for key, value in (("jobId", job_id), ("type", kind)) if value}
                for job_id, kind in depends
            ]
        if retry is not None:
            params["retryStrategy"] = retry
        if size is not None:
            params["arrayProperties"] = {"size": size}
        job_id = self.client.submit_job(**params)["jobId"]
        assert job_id not in self.ids
        self.top.append(job_id)
        self.depends[job_id] = depends
        children = [] if size is None else [f"{job_id}:{index}" for index in range(size)]
        if children:
            self.children[job_id] = children
        self.ids += [job_id, *children]
        for new in [job_id, *children]:
            self.flags[new] = set()
        for new in children or [job_id]:  # the model tracks jobs that move themselves
            self.retry[new] = retry
            self.status[new] = "SUBMITTED"
            self.attempts[new] = 0
        detail = self.describe([job_id])[0]
        # Under a frozen clock, each job is still created later than the one before.
        assert detail["createdAt"] > self.last_created_at
        self.last_created_at = detail["createdAt"]

    @rule(num_nodes=st.integers(1, 3), clock=st.sampled_from(CLOCK_STEPS))
    def seed_multinode_job(self, num_nodes: int, clock: int) -> None:
        """A multi-node job seeded SUBMITTED: it moves like any job, its nodes with it."""
        self.move_clock(clock)
        job = self.fake.add_multinode_job(QUEUE, num_nodes=num_nodes, status="SUBMITTED")
        nodes = [node.job_id for node in job.nodes]
        assert nodes == [f"{job.job_id}#{index}" for index in range(num_nodes)]
        self.top.append(job.job_id)
        self.ids += [job.job_id, *nodes]
        self.nodes.update(dict.fromkeys(nodes, job.job_id))
        self.depends[job.job_id] = []
        self.retry[job.job_id] = None
        self.status[job.job_id] = "SUBMITTED"
        self.attempts[job.job_id] = 0
        self.flags[job.job_id] = set()
        assert job.created_at > self.last_created_at
        self.last_created_at = job.created_at

    # Rules: the test's moves

    @rule(clock=st.sampled_from(CLOCK_STEPS))
    def advance_all(self, clock: int) -> None:
        self.move_clock(clock)
        steps = self.steps([job_id for job_id in self.ids if self.moves_alone(job_id)])
        moved = self.fake.advance()
        assert {job.job_id: job.status for job in moved} == {j: s.status for j, s in steps.items()}
        self.take(steps)

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), clock=st.sampled_from(CLOCK_STEPS))
    def advance_one(self, data: st.DataObject, clock: int) -> None:
        """One job a step, or each child of an array job; a job that cannot move is refused."""
        self.move_clock(clock)
        job_id = self.pick(
            data, lambda job: job not in self.nodes and bool(self.steps(self.movable(job)))
        )
        steps = {} if job_id in self.nodes else self.steps(self.movable(job_id))
        if not steps:
            self.refused(lambda: self.fake.advance(job_id))
            return
        moved = self.fake.advance(job_id)
        assert {job.job_id: job.status for job in moved} == {j: s.status for j, s in steps.items()}
        self.take(steps)

    @precondition(lambda self: self.ids)
    @rule(
        data=st.data(),
        exit_code=st.sampled_from(EXIT_CODES),
        reason=st.sampled_from(REASONS),
        clock=st.sampled_from(CLOCK_STEPS),
    )
    def complete(self, data: st.DataObject, exit_code: int, reason: str | None, clock: int) -> None:
        self.move_clock(clock)
        job_id = self.pick(
            data,
            lambda job: (
                self.unfinished(job)
                and (job in self.children or (self.moves_alone(job) and self.can_run(job)))
            ),
        )
        ending = [
            child
            for child in self.movable(job_id)
            if self.moves_alone(child) and self.status[child] not in FINISHED
        ]
        # An array's children end together: with exit code 0, one waiting on a sibling that
        # succeeds in the same call (SEQUENTIAL) runs too.
        succeeding = frozenset(ending if job_id in self.children and exit_code == 0 else ())
        if not ending or not all(self.can_run(child, succeeding) for child in ending):
            self.refused(lambda: self.fake.complete(job_id, exit_code=exit_code, reason=reason))
            return
        self.fake.complete(job_id, exit_code=exit_code, reason=reason)
        for child in ending:
            self.ends_attempt(child, exit_code, reason)

    @precondition(lambda self: self.ids)
    @rule(
        data=st.data(),
        with_exit_code=st.booleans(),
        reason=st.sampled_from(REASONS),
        clock=st.sampled_from(CLOCK_STEPS),
    )
    def set_status(
        self, data: st.DataObject, with_exit_code: bool, reason: str | None, clock: int
    ) -> None:
        self.move_clock(clock)
        job_id = self.pick(data, lambda job: self.unfinished(job) and self.moves_alone(job))
        status = self.status_of(job_id)
        later = STATUSES[ORDER[status] + 1 :]
        legal = self.moves_alone(job_id) and status not in FINISHED
        target = data.draw(st.sampled_from(later if legal else STATUSES), label="status")
        exit_code = None
        if with_exit_code and target in FINISHED:
            exit_code = 0 if target == "SUCCEEDED" else data.draw(st.integers(1, 255))
        if not legal:
            self.refused(lambda: self.fake.set_status(job_id, target))  # type: ignore[arg-type]
            return
        job = self.fake.set_status(job_id, target, reason=reason, exit_code=exit_code)  # type: ignore[arg-type]
        assert job.status == target
        # An attempt is recorded when the job ends one: it succeeds, fails with an exit code, or
        # fails while RUNNING (a FAILED job that never started has none).
        ended = target == "SUCCEEDED" or (
            target == "FAILED" and (exit_code is not None or status == "RUNNING")
        )
        if ended:
            self.attempts[job_id] += 1
        if target in FINISHED:
            # An ended attempt's reason defaults to the container's; a job that never started
            # fails with the reason given, if any.
            self.finish(job_id, target, CONTAINER_EXITED if ended and reason is None else reason)
        else:
            self.status[job_id] = target

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), back=st.booleans())
    def set_status_refused(self, data: st.DataObject, back: bool) -> None:
        """The same or an earlier status is refused, as is any move of a finished job."""
        job_id = data.draw(st.sampled_from(self.ids), label="job")
        status = self.status_of(job_id)
        earlier = STATUSES[: ORDER[status] + (0 if back and status != "SUBMITTED" else 1)]
        target = data.draw(st.sampled_from(earlier), label="status")
        self.refused(lambda: self.fake.set_status(job_id, target))  # type: ignore[arg-type]

    # Rules: requests that move jobs

    @precondition(lambda self: self.ids)
    @rule(
        data=st.data(),
        reason=st.sampled_from(["stop", "no longer needed"]),
        clock=st.sampled_from(CLOCK_STEPS),
    )
    def cancel_job(self, data: st.DataObject, reason: str, clock: int) -> None:
        self.move_clock(clock)
        job_id = self.pick(data, lambda job: self.status_of(job) in CANCELLABLE)
        self.client.cancel_job(jobId=job_id, reason=reason)
        job_id = self.nodes.get(job_id, job_id)  # cancelling a node cancels its job
        ending = self.movable(job_id) if self.unfinished(job_id) else []
        # Children are cancelled in order: a SEQUENTIAL child sees its sibling cancelled first.
        newly_cancelled = False
        for child in ending:
            status = self.status[child]
            if status not in CANCELLABLE:
                continue
            newly_cancelled |= "isCancelled" not in self.flags[child]
            self.flags[child].add("isCancelled")
            if status == "PENDING" and not all(
                self.status_of(dependency) in FINISHED for dependency in self.dependencies(child)
            ):
                # "A PENDING job is canceled after all dependency jobs are completed."
                self.cancelled.add(child)
                self.cancel_reasons[child] = reason
            else:
                self.finish(child, "FAILED", reason)
        # "The array parent job is canceled when all child jobs are completed": an array job is
        # marked when this request cancelled one of its children.
        if job_id in self.children and newly_cancelled:
            self.flags[job_id].add("isCancelled")

    @precondition(lambda self: self.ids)
    @rule(
        data=st.data(),
        reason=st.sampled_from(["terminated", "too slow"]),
        clock=st.sampled_from(CLOCK_STEPS),
    )
    def terminate_job(self, data: st.DataObject, reason: str, clock: int) -> None:
        self.move_clock(clock)
        job_id = self.pick(data, self.unfinished)
        self.client.terminate_job(jobId=job_id, reason=reason)
        job_id = self.nodes.get(job_id, job_id)  # terminating a node terminates its job
        if self.unfinished(job_id):
            self.flags[job_id].add("isTerminated")
        for child in self.movable(job_id):
            status = self.status[child]
            if status == "RUNNING":  # a STARTING job has not run: it ends with no attempt
                self.attempts[child] += 1
            if status not in FINISHED:
                self.flags[child].add("isTerminated")
                self.finish(child, "FAILED", reason)

    # Rules: the clock

    @rule(seconds=st.sampled_from([0, 0.001, 0.5, 2, 60]))
    def clock_advances(self, seconds: float) -> None:
        self.fake.clock.advance(seconds)

    @rule(seconds=st.sampled_from([1, 60, 3600]))
    def clock_set_back(self, seconds: int) -> None:
        """A test may set the clock anywhere, earlier too: jobs' timestamps still never go back."""
        self.move_clock(-seconds)

    def move_clock(self, seconds: float) -> None:
        """Forward with advance(); back by setting it (advance() refuses to go back)."""
        if seconds >= 0:
            self.fake.clock.advance(seconds)
        else:
            self.fake.clock.set(self.fake.clock.now_ms() + round(seconds * 1000))

    # Rules: reading

    @precondition(lambda self: self.ids)
    @rule(data=st.data())
    def describe_jobs(self, data: st.DataObject) -> None:
        """Unknown ids are left out, duplicates described once, in request order."""
        asked = data.draw(
            st.lists(st.sampled_from([*self.ids, "no-such-job", "no-such-job:0"]), max_size=8),
            label="jobs",
        )
        described = [detail["jobId"] for detail in self.client.describe_jobs(jobs=asked)["jobs"]]
        known = set(self.ids)
        assert described == [job_id for job_id in dict.fromkeys(asked) if job_id in known]

    @rule(page_size=st.integers(1, 3), status=st.sampled_from([None, *STATUSES]))
    def list_jobs(self, page_size: int, status: str | None) -> None:
        """Small pages: a queue's listing (no jobStatus: RUNNING only), each array's children
        and each multi-node job's nodes."""
        details = self.describe_all()
        params = {"jobQueue": QUEUE} if status is None else {"jobQueue": QUEUE, "jobStatus": status}
        listed = {s["jobId"] for s in self.walk(page_size, **params)}
        wanted = status or "RUNNING"
        assert listed == {job_id for job_id in self.top if details[job_id]["status"] == wanted}
        for parent, children in self.children.items():
            params = {"arrayJobId": parent, "jobStatus": wanted}
            summaries = self.walk(page_size, **params)
            for summary in summaries:
                agree(summary, details[summary["jobId"]])
            # Listed in index order (all share the parent's createdAt).
            assert [s["jobId"] for s in summaries] == [
                child for child in children if details[child]["status"] == wanted
            ]
        for job_id in dict.fromkeys(self.nodes.values()):
            params = {"multiNodeJobId": job_id, "jobStatus": wanted}
            summaries = self.walk(page_size, **params)
            for summary in summaries:
                agree(summary, details[summary["jobId"]])
            nodes = [node for node, owner in self.nodes.items() if owner == job_id]
            assert [s["jobId"] for s in summaries] == (
                nodes if details[job_id]["status"] == wanted else []
            )

    # After every step

    @invariant()
    def jobs_are_consistent(self) -> None:
        details = self.describe_all()
        for job_id, detail in details.items():
            self.check_job(job_id, detail, self.seen.get(job_id))
        for parent, children in self.children.items():
            statuses = [details[child]["status"] for child in children]
            assert details[parent]["status"] == parent_status(statuses), parent
            counts = Counter(statuses)
            summary = details[parent]["arrayProperties"]["statusSummary"]
            assert summary == {status: counts[status] for status in STATUSES}, parent
        for node, job_id in self.nodes.items():
            # "The started, stoppedAt, statusReason and exit information of the job are
            # populated from the main node" (user guide): a node shows what its job does.
            for field in ("status", "startedAt", "stoppedAt", "statusReason"):
                assert details[node].get(field) == details[job_id].get(field), (node, field)
            # Each node has its own log streams.
            assert without_log_streams(details[node]) == without_log_streams(details[job_id])
        # Each top-level job is listed in exactly one status, the one DescribeJobs shows, and
        # its summary agrees. A status is walked again when a job in it changed, before or after
        # the step, and one more in turn, so that each is walked at least every seventh step.
        self.checks += 1
        walked = {STATUSES[self.checks % len(STATUSES)]}
        for job_id in self.top:
            before, after = self.seen.get(job_id), details[job_id]
            if before != after:
                walked |= {after["status"]} | (set() if before is None else {before["status"]})
        for status in sorted(walked, key=ORDER.__getitem__):
            summaries = self.walk(PAGE_SIZE, jobQueue=QUEUE, jobStatus=status)
            for summary in summaries:
                agree(summary, details[summary["jobId"]])
            self.listings[status] = [summary["jobId"] for summary in summaries]
        listed = Counter(job_id for ids in self.listings.values() for job_id in ids)
        assert listed == Counter(self.top), "a job listed in no status, or in two"
        for status, ids in self.listings.items():
            assert all(details[job_id]["status"] == status for job_id in ids), status
        self.seen = details

    def check_job(self, job_id: str, detail: dict[str, Any], before: dict[str, Any] | None) -> None:
        status = detail["status"]
        assert status == self.status_of(job_id), f"{job_id}: model says {self.status_of(job_id)}"
        created, started, stopped = (detail.get(f) for f in ("createdAt", "startedAt", "stoppedAt"))
        assert started is None or created <= started, detail
        assert stopped is None or max(created, started or created) <= stopped, detail
        attempts = detail.get("attempts", [])
        # A RUNNING job has a startedAt; a finished one may keep its last run's; no other job has
        # one (an array parent runs nothing itself).
        if status == "RUNNING":
            assert started is not None, detail
        elif status not in FINISHED or job_id in self.children:
            assert started is None, detail
        model = self.nodes.get(job_id, job_id)  # a node mirrors its multi-node job
        flags = {flag for flag in ("isCancelled", "isTerminated") if detail.get(flag)}
        assert flags == self.flags[model], f"{job_id}: flags"
        if job_id not in self.children:
            assert len(attempts) == self.attempts[model], f"{job_id}: attempts"
        if status in FINISHED and model in self.reasons:
            assert detail.get("statusReason") == self.reasons[model], f"{job_id}: statusReason"
        previous_stop = created
        for attempt in attempts:
            if "startedAt" in attempt:
                assert previous_stop <= attempt["startedAt"] <= attempt["stoppedAt"], attempts
            assert previous_stop <= attempt["stoppedAt"], attempts
            previous_stop = attempt["stoppedAt"]
        if status == "RUNNING":
            assert previous_stop <= started, f"{job_id} started before its last attempt ended"
        elif started is not None:
            assert started == attempts[-1]["startedAt"], (
                f"{job_id}: startedAt is not its last run's"
            )
        if before is None:
            return
        if before["status"] in FINISHED:
            assert detail == before, f"finished job {job_id} changed"
            return
        assert detail["createdAt"] == before["createdAt"]
        assert attempts[: len(before.get("attempts", []))] == before.get("attempts", [])
        latest = max(timestamps(before))
        for field in ("startedAt", "stoppedAt"):
            if field in detail and detail[field] != before.get(field):
                assert detail[field] >= latest, f"{job_id}: {field} went back"
        if ORDER[status] < ORDER[before["status"]]:
            # Only a retry goes back (to RUNNABLE), and it records the attempt that ended.
            assert status == "RUNNABLE", (before["status"], status)
            assert len(attempts) > len(before.get("attempts", []))


def without_log_streams(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """A JobDetail's attempts, without their log stream names."""
    return [
        {
            **attempt,
            "container": {
                key: value
                for key, value in attempt.get("container", {}).items()
                if key != "logStreamName"
            },
        }
        for attempt in detail.get("attempts", [])
    ]


def agree(summary: dict[str, Any], detail: dict[str, Any]) -> None:
    """A JobSummary shows what the JobDetail does. Array parents' summaries carry no startedAt
    or stoppedAt (observed), nor do summaries of jobs that never started."""
    for field in SUMMARY_FIELDS:
        if field in summary:
            assert summary[field] == detail.get(field), (field, summary, detail)
    for field in ("status", "createdAt", "statusReason"):
        assert (field in summary) == (field in detail), (field, summary, detail)
    if "exitCode" in summary.get("container", {}):
        assert summary["container"]["exitCode"] == detail.get("container", {}).get("exitCode"), (
            detail
        )
    if "statusSummary" in summary.get("arrayProperties", {}):
        counts = detail["arrayProperties"]["statusSummary"]
        assert summary["arrayProperties"]["statusSummary"] == counts, (summary, detail)
    if "size" not in detail.get("arrayProperties", {}):
        assert ("startedAt" in summary) == ("startedAt" in detail), (summary, detail)
        if "startedAt" in detail:
            assert ("stoppedAt" in summary) == ("stoppedAt" in detail), (summary, detail)


MACHINE_SETTINGS = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("wire", [pytest.param(False, id="fast"), pytest.param(True, id="wire")])
def test_lifecycle_state_machine(wire: bool) -> None:
    machine = type("Machine", (LifecycleMachine,), {"wire": wire})
    run_state_machine_as_test(
        machine,
        settings=MACHINE_SETTINGS if not wire else settings(MACHINE_SETTINGS, max_examples=10),
    )
