"""The autopilot: a policy of the job lifecycle that moves jobs on its own (``autorun``), decides
how their attempts end (``outcome``) and hides new jobs from reads for a while (``visibility_lag``).

It is not a second scheduler. Each move is one of the lifecycle's own (``_lifecycle.advance`` for
a scheduler step, ``_lifecycle.end_attempt`` for a RUNNING job's attempt); the autopilot only
decides when they run and with which exit code. The fake's clock stays the only source of time:

- ``autorun="poll"``: before each request that reads jobs, every job takes one step, as
  ``advance()`` with no id does, and a job RUNNING before that request ends its attempt (once
  ``runs_for`` seconds of the clock passed, for an outcome that sets it).
- ``autorun=<seconds>``: each job takes one step per that many seconds of the clock (RUNNING lasts
  ``runs_for`` instead when an outcome sets it), caught up lazily whenever the fake is called, each
  step dated at the moment it was due.

Every method runs under the store's lock (the caller holds it).
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import attrs

from . import _lifecycle
from . import _service_job_lifecycle as _service_jobs
from ._operations._answer import Answer
from ._operations._filters import Filter
from .models import FINISHED_STATUSES

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._store import Store
    from .models import Job, JobStatus

Autorun: TypeAlias = "Literal['poll'] | float | None"

#: The reason AWS gives an attempt it ended for running past ``timeout.attemptDurationSeconds``
#: (observed: see docs/fidelity.md); such a job "isn't retried" (API_JobTimeout, user guide).
TIMEOUT_REASON: Final = "Job attempt duration exceeded timeout"
#: The exit code of a timed-out container: AWS sends SIGTERM, then SIGKILL after 30 seconds
#: (user guide, job timeouts); 128 + 9, as public reports of timed-out jobs show.
TIMEOUT_EXIT_CODE: Final = 137

#: Requests that read jobs: under ``autorun="poll"`` each takes the scheduler one step first.
JOB_READS: Final = frozenset(
    {"DescribeJobs", "ListJobs", "GetJobQueueSnapshot", "DescribeServiceJob", "ListServiceJobs"}
)
#: Requests a job hidden by ``visibility_lag`` is left out of.
_LAGGING_READS: Final = frozenset({"DescribeJobs", "ListJobs"})


def check_autorun(value: object) -> Autorun:
    """``autorun`` as given, checked: None, ``"poll"`` or a positive number of seconds."""
    if value is None or value == "poll":
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"autorun must be None, 'poll' or a positive number of seconds, not {value!r}"
        )
    if not 0 < value < math.inf:  # also refuses NaN
        raise ValueError(f"autorun must be a positive, finite number of seconds, not {value!r}")
    return float(value)


def check_visibility_lag(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"visibility_lag must be a number of read calls (an int), not {value!r}")
    if value < 0:
        raise ValueError(f"visibility_lag must be 0 or more read calls, not {value!r}")
    return value


@attrs.frozen
class Outcome:
    """How the attempts of matching jobs end (``FakeBatch.outcome``)."""

    job_name: str | None
    job_definition: str | None
    exit_code: int
    status_reason: str | None
    container_reason: str | None
    runs_for_ms: int | None
    matches: Callable[[Job], bool] = attrs.field(eq=False, repr=False)


def outcome(
    job_name: object,
    job_definition: object,
    exit_code: object,
    status_reason: object,
    container_reason: object,
    runs_for: object,
) -> Outcome:
    """An outcome rule, its values checked as a test author's (TypeError / ValueError)."""
    if job_name is None and job_definition is None:
        raise TypeError(
            "outcome() needs job_name or job_definition (or both): the patterns, as the "
            "JOB_NAME and JOB_DEFINITION filters of ListJobs take them, of the jobs it is for"
        )
    tests: list[Callable[[Job], bool]] = []
    for filter_name, label, pattern in (
        ("JOB_NAME", "job_name", job_name),
        ("JOB_DEFINITION", "job_definition", job_definition),
    ):
        if pattern is None:
            continue
        if not isinstance(pattern, str):
            raise TypeError(f"{label} must be a pattern string or None, not {pattern!r}")
        if not pattern:
            raise ValueError(f"{label} must not be empty")
        if filter_name == "JOB_DEFINITION" and pattern.startswith("arn:") and "*" in pattern:
            raise ValueError(
                f"job_definition {pattern!r}: an ARN names one revision and takes no '*' (as the "
                "JOB_DEFINITION filter); use the name, or name* for a prefix"
            )
        matcher = Filter(filter_name, pattern).matches
        assert matcher is not None
        tests.append(matcher)
    if isinstance(exit_code, bool) or not isinstance(exit_code, int):
        raise TypeError(f"exit_code must be an int, not {exit_code!r}")
    for label, value in (("status_reason", status_reason), ("container_reason", container_reason)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{label} must be a string or None, not {value!r}")
    runs_for_ms = None
    if runs_for is not None:
        if isinstance(runs_for, bool) or not isinstance(runs_for, (int, float)):
            raise TypeError(f"runs_for must be a number of seconds or None, not {runs_for!r}")
        if not 0 <= runs_for < math.inf:
            raise ValueError(f"runs_for must be finite seconds, 0 or more, not {runs_for!r}")
        runs_for_ms = round(runs_for * 1000)
    return Outcome(
        job_name,  # type: ignore[arg-type]
        job_definition,  # type: ignore[arg-type]
        exit_code,
        status_reason,  # type: ignore[arg-type]
        container_reason,  # type: ignore[arg-type]
        runs_for_ms,
        lambda job: all(test(job) for test in tests),
    )


class Autopilot:
    """One fake's autopilot: its mode, its outcome rules, and what it remembers between calls."""

    def __init__(self, store: Store, autorun: Autorun, visibility_lag: int) -> None:
        self._store = store
        self._autorun: Autorun = None
        self.outcomes: list[Outcome] = []
        self.visibility_lag = visibility_lag
        # Submitted jobs still hidden from reads: job id -> read calls left.
        self._hidden: dict[str, int] = {}
        # autorun=<seconds>: the status a job was in when the autopilot last moved it, and since
        # when (ms); and the moment it last caught up (a job moved by hand counts from then).
        self._entered: dict[str, tuple[JobStatus, int]] = {}
        self._floor = 0
        self.idle = True
        self.autorun = autorun

    @property
    def autorun(self) -> Autorun:
        return self._autorun

    @autorun.setter
    def autorun(self, value: Autorun) -> None:
        self._autorun = check_autorun(value)
        # Read by FakeBatch.serve on every call: no hook runs then (visibility_lag is fixed).
        self.idle = value is None and not self.visibility_lag
        # Jobs move from now on, not from when they were created.
        self._entered.clear()
        self._floor = self._store.clock.now_ms()

    # Hooks of FakeBatch.serve

    def before(self, operation: str) -> None:
        """Before a request is answered: catch up with the clock, or take a poll's step."""
        if self._autorun is None:
            return
        if self._autorun == "poll":
            if operation in JOB_READS:
                self._poll()
        else:
            self.catch_up()

    def after(self, operation: str, answer: Answer) -> Answer:
        """After a request was answered: start hiding a submitted job, or hide jobs from a read."""
        if operation == "SubmitJob":
            if self.visibility_lag:
                self._hidden[answer.body["jobId"]] = self.visibility_lag
            return answer
        if operation not in _LAGGING_READS or not self._hidden:
            return answer
        hidden = self._hidden
        key = "jobs" if operation == "DescribeJobs" else "jobSummaryList"

        def visible(item: dict[str, Any]) -> bool:
            # An array child (<id>:<n>) or node (<id>#<n>) is hidden with its job.
            job_id = item["jobId"].partition(":")[0].partition("#")[0]
            return job_id not in hidden

        body = {**answer.body, key: [i for i in answer.body[key] if visible(i)]}
        record = None
        if answer.record is not None:
            record = {**answer.record, key: [i for i in answer.record[key] if visible(i)]}
        for job_id in list(hidden):
            hidden[job_id] -= 1
            if not hidden[job_id]:
                del hidden[job_id]
        return Answer(body, record)

    # Outcomes

    def rule_for(self, job: Job) -> Outcome | None:
        """The last outcome rule that matches the job (later rules win)."""
        for rule in reversed(self.outcomes):
            if rule.matches(job):
                return rule
        return None

    def ending(self) -> Callable[[Job, int], Job] | None:
        """How ``run_all`` ends RUNNING jobs' attempts: by the outcome rules (None: none set)."""
        if not self.outcomes:
            return None

        def end(job: Job, at: int) -> Job:
            rule = self.rule_for(job)
            if rule is None:
                return _lifecycle.ended_attempt(job, at, 0, None)
            timeout_ms = _timeout_ms(job)
            if (
                rule.runs_for_ms is not None
                and timeout_ms is not None
                and timeout_ms < rule.runs_for_ms
            ):
                return _timed_out(job, at)
            return _lifecycle.ended_attempt(
                job,
                at,
                rule.exit_code,
                rule.status_reason,
                container_reason=rule.container_reason,
            )

        return end

    # autorun="poll"

    def _poll(self) -> None:
        store = self._store
        now = store.clock.now_ms()
        running = [
            job.job_id
            for job in store.jobs.values()
            if job.status == "RUNNING" and _lifecycle.moves_alone(job)
        ]
        running_service_jobs = [
            job.job_id for job in store.service_jobs.values() if job.status == "RUNNING"
        ]
        _lifecycle.advance(store, None)
        # Service jobs take the same step, as advance() with no id moves them too; one RUNNING
        # since the last poll ends with exit code 0 (outcome rules are for container jobs).
        _service_jobs.advance(store, None)
        for job_id in running_service_jobs:
            service_job = store.service_jobs.get(job_id)
            if service_job is not None and service_job.status == "RUNNING":
                _service_jobs.complete(store, job_id)
        for job_id in running:
            job = store.jobs.get(job_id)
            if job is None or job.status != "RUNNING":
                continue
            assert job.started_at is not None
            rule = self.rule_for(job)
            runs_for = None if rule is None else rule.runs_for_ms
            timeout_ms = _timeout_ms(job)
            if runs_for is not None and timeout_ms is not None and timeout_ms < runs_for:
                if now >= job.started_at + timeout_ms:
                    with _lifecycle.dated(job.started_at + timeout_ms):
                        self._end(job, timed_out=True)
                continue
            if runs_for is None:
                self._end(job)
            elif now >= job.started_at + runs_for:
                with _lifecycle.dated(job.started_at + runs_for):
                    self._end(job)

    # autorun=<seconds>

    def catch_up(self) -> None:
        """Take every step that fell due by the clock's now, in the order they fell due, each
        dated when it was due. A job waiting on dependencies steps on its first tick after the
        last of them finished."""
        if not isinstance(self._autorun, float):
            return
        store = self._store
        now = store.clock.now_ms()
        if now < self._floor:
            # The test set the clock back: count from the new time, as if just switched on.
            self._entered.clear()
            self._floor = now
        agenda = _Agenda(self, max(1, round(self._autorun * 1000)))
        # Only moving jobs are remembered: forget those that finished (or left) since.
        entered, self._entered = self._entered, {}
        for job in store.jobs.values():
            if _lifecycle.moves_alone(job):
                if job.job_id in entered:
                    self._entered[job.job_id] = entered[job.job_id]
                since = self._since(job)
                # Remembered, so a later catch-up counts from the same moment.
                self._entered[job.job_id] = (job.status, since)
                agenda.plan(job, since)
        while (taken := agenda.next_due(now)) is not None:
            when, job = taken
            with _lifecycle.dated(when):
                moved = self._step(job, agenda.step_ms)
            if moved is None:  # it waits on its dependencies after all
                agenda.plan(job, self._since(job))
            elif moved.status in FINISHED_STATUSES:
                self._entered.pop(job.job_id, None)
                agenda.release_waiting()  # jobs waiting on it may move on their next tick
            else:
                self._entered[job.job_id] = (moved.status, when)
                agenda.plan(moved, when)
        self._floor = max(self._floor, now)

    def _since(self, job: Job) -> int:
        """When the job entered its status, as far as the autopilot can tell."""
        if job.status == "RUNNING" and job.started_at is not None:
            return job.started_at
        entered = self._entered.get(job.job_id)
        if entered is not None and entered[0] == job.status:
            return entered[1]
        last = job.attempts[-1].stopped_at if job.attempts else 0
        # Seeded, submitted or moved by hand since the last catch-up: from then at the earliest.
        return max(job.created_at, last, self._floor)

    def _due(self, job: Job, since: int, step_ms: int) -> int | None:
        """When the job's next step falls due (None: it waits on unfinished dependencies)."""
        if job.status == "RUNNING":
            rule = self.rule_for(job)
            lasts = step_ms if rule is None or rule.runs_for_ms is None else rule.runs_for_ms
            timeout_ms = _timeout_ms(job)
            if timeout_ms is not None:
                lasts = min(lasts, timeout_ms)
            return since + lasts
        if _lifecycle.next_step(self._store, job) is None:
            return None
        # On the first tick (since + k steps) after its dependencies finished.
        ready = since
        for dependency_id in _lifecycle.dependency_ids(self._store, job):
            dependency = self._store.jobs.get(dependency_id)
            if dependency is not None and dependency.stopped_at is not None:
                ready = max(ready, dependency.stopped_at)
        ticks = max(1, -(-(ready - since) // step_ms))
        return since + ticks * step_ms

    def _step(self, job: Job, step_ms: int) -> Job | None:
        """One step of the job, now due: the job as it is now, or None if it waits."""
        if job.status == "RUNNING":
            assert job.started_at is not None
            timeout_ms = _timeout_ms(job)
            rule = self.rule_for(job)
            lasts = step_ms if rule is None or rule.runs_for_ms is None else rule.runs_for_ms
            timed_out = timeout_ms is not None and timeout_ms < lasts
            return self._end(job, timed_out=timed_out)
        if _lifecycle.next_step(self._store, job) is None:
            return None
        _lifecycle.advance(self._store, job.job_id)
        return self._store.jobs[job.job_id]

    def _end(self, job: Job, *, timed_out: bool = False) -> Job:
        """End a RUNNING job's attempt as its outcome says (exit code 0 without one)."""
        if timed_out:
            return _lifecycle.end_attempt(
                self._store, job.job_id, TIMEOUT_EXIT_CODE, TIMEOUT_REASON, retry=False
            )
        rule = self.rule_for(job)
        if rule is None:
            return _lifecycle.end_attempt(self._store, job.job_id, 0, None)
        return _lifecycle.end_attempt(
            self._store,
            job.job_id,
            rule.exit_code,
            rule.status_reason,
            container_reason=rule.container_reason,
        )


def _timeout_ms(job: Job) -> int | None:
    """The job's attempt duration limit (``timeout.attemptDurationSeconds``), in ms."""
    timeout = job.spec.get("timeout")
    seconds = None if not timeout else timeout.get("attemptDurationSeconds")
    return None if seconds is None else int(seconds) * 1000


def _timed_out(job: Job, at: int) -> Job:
    return _lifecycle.ended_attempt(job, at, TIMEOUT_EXIT_CODE, TIMEOUT_REASON, retry=False)


class _Agenda:
    """One catch-up's steps to come: a heap of (when due, order, job id), and the jobs waiting on
    dependencies (with since when), planned again whenever a job finishes."""

    def __init__(self, autopilot: Autopilot, step_ms: int) -> None:
        self._autopilot = autopilot
        self.step_ms = step_ms
        self._due: list[tuple[int, int, str]] = []
        self._waiting: dict[str, int] = {}
        self._order = 0

    def plan(self, job: Job, since: int) -> None:
        when = self._autopilot._due(job, since, self.step_ms)
        if when is None:
            self._waiting[job.job_id] = since
        else:
            heapq.heappush(self._due, (when, self._order, job.job_id))
            self._order += 1

    def next_due(self, now: int) -> tuple[int, Job] | None:
        """The next step due by ``now``, and its job as it is (None: nothing more is due)."""
        jobs = self._autopilot._store.jobs
        while self._due and self._due[0][0] <= now:
            when, _, job_id = heapq.heappop(self._due)
            job = jobs.get(job_id)
            if job is not None and _lifecycle.moves_alone(job):
                return when, job
        return None

    def release_waiting(self) -> None:
        jobs = self._autopilot._store.jobs
        waiting, self._waiting = self._waiting, {}
        for job_id, since in waiting.items():
            job = jobs.get(job_id)
            if job is not None and _lifecycle.moves_alone(job):
                self.plan(job, since)
