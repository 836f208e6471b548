"""The store under threads: jobs seeded, submitted and moved while other threads walk paginated
listings.

The guarantee (issue 6): the fake's state sits behind one re-entrant lock, and the active fake is
process-wide, so code under test may call Batch from worker threads while the test seeds more jobs
and moves them. Then no job is lost, a paginated walk never lists a job twice, a walk sees every job
that was there when it began and is still in the status it asked for, each job is listed in a
status it really was in, the call log holds one call per request, and nothing is raised but the
service's own errors (and the test API's ValueError for a move a job can no longer make).

Threads seed jobs (add_jobs, add_array_job), submit them (SubmitJob: plain, array and dependent
jobs), move them (fake.advance for one job or all, fake.complete, fake.set_status, CancelJob,
TerminateJob) and walk listings. No job has a retry strategy, so a job's status only moves forward:
a job in the same status at the start and the end of a walk was in it throughout.

Each thread makes its own boto3 session and client inside the thread, as boto3 recommends (only
botocore's warmed, read-only model loader is shared, to keep the set-up quick). Threads
never assert: they record what went wrong, and the test asserts on the records once all have ended.
Each thread has a fixed amount of work (walkers also walk until the deadline), so the whole module
takes a few seconds.
"""

from __future__ import annotations

import functools
import random
import sys
import threading
import time
import traceback
from collections import Counter
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

import attrs
import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from pytest_fakebatch import FakeBatch, Job

if TYPE_CHECKING:
    from collections.abc import Callable

    from botocore.client import BaseClient
    from botocore.loaders import Loader

PATHS = [pytest.param(False, id="fast"), pytest.param(True, id="wire")]
QUEUES = ("alpha", "beta", "gamma")
STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
NAMES = ("train", "Train-2", "test", "eval")
DEFINITIONS = ("def-a", "def-b")
SHARES = (None, "s1", "s2")
ORDER = {status: position for position, status in enumerate(STATUSES)}
SEEDERS = 2
SUBMITTERS = 2
MOVERS = 2
WALKERS = 4
SECONDS = 0.6  # per test: walkers start no new walk after it, unless others still work
JOBS_PER_SEEDER = 150  # at least; an add_jobs call adds up to 5 at once
SUBMITS_PER_SUBMITTER = 60  # a fifth of them array jobs
MOVES_PER_MOVER = 150
WALKS_PER_WALKER = 60
JOIN_TIMEOUT = 60.0
SWITCH_INTERVAL = 1e-5  # seconds; CPython's default is 0.005


class Query(NamedTuple):
    """One ListJobs query, and a reference for which jobs it lists."""

    queue: str
    status: str | None = None
    filter_name: str | None = None
    filter_value: str = ""

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"jobQueue": self.queue}
        if self.status is not None:
            params["jobStatus"] = self.status
        if self.filter_name is not None:
            params["filters"] = [{"name": self.filter_name, "values": [self.filter_value]}]
        return params

    def lists(self, job: Job) -> bool:
        if job.parent_id is not None or not job.job_queue.endswith(f":job-queue/{self.queue}"):
            return False
        status_matches = job.status == (self.status or "RUNNING")
        value = self.filter_value
        if self.filter_name is None:
            return status_matches
        if self.filter_name == "SHARE_IDENTIFIER":  # the one filter that keeps jobStatus
            return status_matches and job.share_identifier == value
        if self.filter_name == "JOB_NAME":  # any status; case-insensitive prefix
            return job.job_name.lower().startswith(value.rstrip("*").lower())
        if self.filter_name == "JOB_DEFINITION":  # any status; every revision of the name
            return job.job_definition.rpartition("/")[2].rpartition(":")[0] == value
        assert self.filter_name == "AFTER_CREATED_AT"
        return job.created_at > int(value)


def queries(after: int) -> list[Query]:
    found = []
    for queue in QUEUES:
        found += [
            Query(queue),
            Query(queue, "SUCCEEDED"),
            Query(queue, "PENDING"),
            Query(queue, None, "JOB_NAME", "train*"),
            Query(queue, "FAILED", "SHARE_IDENTIFIER", "s1"),
            Query(queue, None, "JOB_DEFINITION", "def-b"),
            Query(queue, None, "AFTER_CREATED_AT", str(after)),
        ]
    return found


class Record:
    """What the threads saw, shared between them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids: list[str] = []  # every job seeded or submitted: parents and their children
        self.submitted: list[str] = []  # the jobs SubmitJob created (parents only)
        self.problems: list[str] = []  # a walk that listed a job twice, missed or invented one
        self.rejections: list[str] = []  # the service's ClientException
        self.errors: list[str] = []  # anything else raised in a thread
        self.requests: Counter[str] = Counter()  # Batch requests made, by operation
        self.moves = 0  # test moves the fake made
        self.refused_moves = 0  # test moves it refused (ValueError): the job had moved on
        self.walks = 0

    def run(self, body: Callable[[], None]) -> None:
        try:
            body()
        except ClientError as error:
            target = (
                self.rejections if error.response["Error"]["Code"] == "ClientException" else None
            )
            with self.lock:
                (self.errors if target is None else target).append(traceback.format_exc())
        except BaseException:  # reported by the test, in the main thread
            with self.lock:
                self.errors.append(traceback.format_exc())


@functools.cache
def _loader() -> Loader:
    """botocore's model loader, warmed once: a new session loads the models in ~150 ms."""
    session = botocore.session.Session()
    session.create_client("batch", region_name="us-east-1")
    return session.get_component("data_loader")  # type: ignore[no-any-return]


def new_client(region: str) -> BaseClient:
    """A session and client of the calling thread's own (a boto3 Session is not thread-safe); only
    the loader's read-only cache of models is shared, to keep the set-up quick."""
    session = botocore.session.Session()
    session.register_component("data_loader", _loader())
    return boto3.session.Session(botocore_session=session).client("batch", region_name=region)


def walk(
    client: BaseClient, params: dict[str, Any], page_size: int, requests: Counter[str]
) -> list[dict[str, Any]]:
    """The summaries a paginated walk lists; each page counts as a ListJobs request."""
    paginator = client.get_paginator("list_jobs")
    pages = paginator.paginate(**params, PaginationConfig={"PageSize": page_size})
    summaries = []
    for page in pages:
        requests["ListJobs"] += 1
        summaries += page["jobSummaryList"]
    return summaries


Begin: TypeAlias = "Callable[[], float]"
"""Called by a thread once it is set up: waits for all the others, returns the shared deadline."""


def run_threads(targets: list[Callable[[Begin], None]], record: Record) -> None:
    """Run each target in its own thread; a target sets up, then calls begin() before its work."""
    _loader()  # warmed here, not by all the threads at once
    deadline: list[float] = []
    interval = sys.getswitchinterval()

    def start_all() -> None:
        # Switch threads far more often than every 5 ms, so races show up within the deadline
        # (only once the threads are set up: creating clients is slow at this rate).
        sys.setswitchinterval(SWITCH_INTERVAL)
        deadline.append(time.monotonic() + SECONDS)

    barrier = threading.Barrier(len(targets), action=start_all)

    def begin() -> float:
        barrier.wait()
        return deadline[0]

    def thread_body(target: Callable[[Begin], None]) -> Callable[[], None]:
        def body() -> None:
            record.run(lambda: target(begin))

        return body

    threads = [threading.Thread(target=thread_body(target), daemon=True) for target in targets]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(JOIN_TIMEOUT)
    finally:
        sys.setswitchinterval(interval)
    assert not [thread for thread in threads if thread.is_alive()], "a thread did not finish"


@pytest.mark.parametrize("wire", PATHS)
def test_walks_while_jobs_are_added_and_moved_lose_nothing_and_list_no_job_twice(
    wire: bool,
) -> None:
    record = Record()
    with FakeBatch(seed=6, wire=wire) as fake:
        for definition in DEFINITIONS:
            fake.add_job_definition(definition)
        for queue in QUEUES:
            fake.add_jobs(20, queue, status="RUNNING", job_name="train", share_identifier="s1")
            fake.add_jobs(10, queue, status="FAILED", job_definition="def-b")
        record.ids += [job.job_id for job in fake.jobs]
        now = fake.clock.now_ms()
        all_queries = queries(after=now)

        working: list[int] = []  # seeders, submitters and movers not done yet

        def seeder(number: int) -> Callable[[Begin], None]:
            def seed(begin: Begin) -> None:
                rng = random.Random(number)
                begin()
                added = 0
                while added < JOBS_PER_SEEDER:  # a count, not a time: slow machines seed as much
                    queue = rng.choice(QUEUES)
                    # Some jobs go in the past, below where walks under way have got to.
                    created_at = rng.choice([None, None, rng.randint(now - 5_000, now)])
                    if rng.random() < 0.2:
                        parent = fake.add_array_job(
                            queue,
                            size=rng.randint(2, 4),
                            job_name=rng.choice(NAMES),
                            job_definition=rng.choice(DEFINITIONS),
                            child_statuses=rng.choice(STATUSES),
                            created_at=created_at,
                        )
                        jobs = [parent, *parent.children]
                    else:
                        jobs = fake.add_jobs(
                            rng.randint(1, 5),
                            queue,
                            status=rng.choice(STATUSES),  # type: ignore[arg-type]
                            job_name=rng.choice(NAMES),
                            job_definition=rng.choice(DEFINITIONS),
                            share_identifier=rng.choice(SHARES),
                            created_at=created_at,
                        )
                    added += len(jobs)
                    with record.lock:
                        record.ids += [job.job_id for job in jobs]

            return seed

        def submitter(number: int) -> Callable[[Begin], None]:
            def submit(begin: Begin) -> None:
                rng = random.Random(200 + number)
                client = new_client(fake.region)
                requests: Counter[str] = Counter()
                begin()
                try:
                    for _ in range(SUBMITS_PER_SUBMITTER):
                        params: dict[str, Any] = {
                            "jobName": rng.choice(NAMES),
                            "jobQueue": rng.choice(QUEUES),
                            "jobDefinition": rng.choice(DEFINITIONS),
                        }
                        size = rng.randint(2, 4) if rng.random() < 0.2 else 0
                        with record.lock:  # any job, seeded or submitted, by any thread
                            depends = rng.sample(record.ids, rng.choice((0, 0, 1, 2)))
                        dependencies = [{"jobId": job_id} for job_id in depends]
                        if size:
                            params["arrayProperties"] = {"size": size}
                            if rng.random() < 0.3:
                                dependencies.append({"type": "SEQUENTIAL"})
                        if dependencies:
                            params["dependsOn"] = dependencies
                        requests["SubmitJob"] += 1
                        job_id = client.submit_job(**params)["jobId"]
                        with record.lock:
                            record.submitted.append(job_id)
                            record.ids += [job_id, *(f"{job_id}:{i}" for i in range(size))]
                finally:
                    with record.lock:
                        record.requests.update(requests)

            return submit

        def mover(number: int) -> Callable[[Begin], None]:
            def move(begin: Begin) -> None:
                rng = random.Random(300 + number)
                client = new_client(fake.region)
                requests: Counter[str] = Counter()
                moves = refused = 0
                begin()
                try:
                    for _ in range(MOVES_PER_MOVER):
                        with record.lock:
                            job_id = rng.choice(record.ids)
                        kind = rng.random()
                        try:
                            if kind < 0.04:
                                fake.advance()
                            elif kind < 0.3:
                                fake.advance(job_id)
                            elif kind < 0.5:
                                fake.complete(job_id, exit_code=rng.choice((0, 0, 1)))
                            elif kind < 0.7:
                                # The job may move on before set_status: then it is refused.
                                later = STATUSES[ORDER[fake.get_job(job_id).status] + 1 :]
                                fake.set_status(job_id, rng.choice(later or ("FAILED",)))  # type: ignore[arg-type]
                            elif kind < 0.85:
                                requests["CancelJob"] += 1
                                client.cancel_job(jobId=job_id, reason="stress")
                            else:
                                requests["TerminateJob"] += 1
                                client.terminate_job(jobId=job_id, reason="stress")
                            moves += 1
                        except ValueError:  # the test API's refusal of a move the job can't make
                            refused += 1
                finally:
                    with record.lock:
                        record.requests.update(requests)
                        record.moves += moves
                        record.refused_moves += refused

            return move

        def working_on(number: int, target: Callable[[Begin], None]) -> Callable[[Begin], None]:
            def work(begin: Begin) -> None:
                try:
                    target(begin)
                finally:
                    with record.lock:
                        working.remove(number)

            working.append(number)
            return work

        def walker(number: int) -> Callable[[Begin], None]:
            def walk_repeatedly(begin: Begin) -> None:
                rng = random.Random(100 + number)
                client = new_client(fake.region)
                requests: Counter[str] = Counter()
                deadline = begin()
                try:
                    for walks in range(WALKS_PER_WALKER):
                        # Walk while others work, and at least once; then until the deadline.
                        if walks and not working and time.monotonic() >= deadline:
                            break
                        query = rng.choice(all_queries)
                        before = {job.job_id: job for job in fake.jobs}
                        summaries = walk(client, query.params(), rng.choice((1, 2, 3, 7)), requests)
                        after = {job.job_id: job for job in fake.jobs}
                        problems = check_walk(query, summaries, before, after)
                        with record.lock:
                            record.problems += problems
                            record.walks += 1
                finally:
                    with record.lock:
                        record.requests.update(requests)

            return walk_repeatedly

        workers = (
            [seeder(n) for n in range(SEEDERS)]
            + [submitter(n) for n in range(SUBMITTERS)]
            + [mover(n) for n in range(MOVERS)]
        )
        run_threads(
            [working_on(n, work) for n, work in enumerate(workers)]
            + [walker(n) for n in range(WALKERS)],
            record,
        )

        assert record.errors == []
        assert record.rejections == []  # every request here is valid: none should be refused
        assert record.problems == []
        assert record.walks >= WALKERS
        ids = record.ids
        assert len(set(ids)) == len(ids)
        assert Counter(job.job_id for job in fake.jobs) == Counter(ids)
        assert len(ids) > 500, "the threads added too few jobs to stress anything"
        assert record.moves > MOVERS * MOVES_PER_MOVER // 4, "too few moves to stress anything"
        assert len(record.submitted) == SUBMITTERS * SUBMITS_PER_SUBMITTER

        # Every job is still there, in one status: DescribeJobs shows it as the fake holds it,
        # and listing each status (each array's children too) shows every job exactly once.
        client = new_client(fake.region)
        requests: Counter[str] = Counter()
        described: dict[str, str] = {}
        for start in range(0, len(ids), 100):
            requests["DescribeJobs"] += 1
            for detail in client.describe_jobs(jobs=ids[start : start + 100])["jobs"]:
                described[detail["jobId"]] = detail["status"]
        assert described == {job.job_id: job.status for job in fake.jobs}
        final = final_walk(client, fake.jobs, requests)
        assert sorted(final) == sorted(ids)
        record.requests.update(requests)

        # The call log holds one call per request, each as it was made.
        assert Counter(call.operation for call in fake.calls) == record.requests
        assert [call.error for call in fake.calls if call.error] == []
        assert sorted(call.response["jobId"] for call in fake.get_calls("SubmitJob")) == sorted(  # type: ignore[index]
            record.submitted
        )
        assert len({job.status for job in fake.jobs if job.job_id in record.submitted}) > 2


def check_walk(
    query: Query, summaries: list[dict[str, Any]], before: dict[str, Job], after: dict[str, Job]
) -> list[str]:
    """What is wrong with one walk, given every job before and after it: jobs listed twice,
    jobs missed, jobs listed that do not belong, or in a status they were never in."""
    problems = []
    listed = [summary["jobId"] for summary in summaries]
    twice = sorted(job_id for job_id, seen in Counter(listed).items() if seen > 1)
    if twice:
        problems.append(f"{query}: listed twice: {twice}")
    lost = sorted({*listed, *before} - set(after))
    if lost:
        return [*problems, f"{query}: jobs lost: {lost[:5]}"]
    # Listed throughout: statuses only move forward, so a job in the status asked for at the
    # start and at the end was in it all along.
    wanted = {
        job_id for job_id, job in before.items() if query.lists(job) and query.lists(after[job_id])
    }
    missed = sorted(wanted - set(listed))
    if missed:
        problems.append(f"{query}: missed {len(missed)} of {len(wanted)}: {missed[:5]}")
    # Listed in the status its summary shows: one the query asks for, and one the job was in.
    strangers = sorted(
        summary["jobId"]
        for summary in summaries
        if not query.lists(attrs.evolve(after[summary["jobId"]], status=summary["status"]))
    )
    if strangers:
        problems.append(f"{query}: listed jobs it should not: {strangers[:5]}")
    never = sorted(
        summary["jobId"]
        for summary in summaries
        if not (
            ORDER[before[summary["jobId"]].status if summary["jobId"] in before else "SUBMITTED"]
            <= ORDER[summary["status"]]
            <= ORDER[after[summary["jobId"]].status]
        )
    )
    if never:
        problems.append(f"{query}: listed in a status the job was not in: {never[:5]}")
    return problems


def final_walk(client: BaseClient, jobs: list[Job], requests: Counter[str]) -> list[str]:
    """Every job, listed: each queue by status, and each array job's children by their status."""
    listed = [
        summary["jobId"]
        for queue in QUEUES
        for status in STATUSES
        for summary in walk(client, {"jobQueue": queue, "jobStatus": status}, 100, requests)
    ]
    for parent in jobs:
        if parent.array_size is not None:
            for status in sorted({child.status for child in parent.children}):
                params = {"arrayJobId": parent.job_id, "jobStatus": status}
                listed += [summary["jobId"] for summary in walk(client, params, 100, requests)]
    return listed


CALLERS = 8
CALLS_PER_CALLER = 40


@pytest.mark.parametrize("wire", PATHS)
def test_the_call_log_records_every_call_once_under_threads(wire: bool) -> None:
    record = Record()
    made: list[list[tuple[str, int, str | None]]] = [[] for _ in range(CALLERS)]
    with FakeBatch(seed=6, wire=wire) as fake:
        fake.add_jobs(3, "q")

        def caller(number: int) -> Callable[[Begin], None]:
            def call(begin: Begin) -> None:
                client = new_client(fake.region)
                begin()
                for index in range(CALLS_PER_CALLER):
                    # A distinct maxResults tells each call apart in the log; every third call
                    # names a missing queue, so failed calls are counted too.
                    max_results = number * 1_000 + index + 1
                    queue = "q" if index % 3 else f"missing-{number}"
                    try:
                        client.list_jobs(jobQueue=queue, maxResults=max_results)
                        outcome = None
                    except ClientError as error:
                        outcome = error.response["Error"]["Code"]
                    made[number].append((queue, max_results, outcome))

            return call

        run_threads([caller(n) for n in range(CALLERS)], record)
        logged = [
            (call.params["jobQueue"], call.params["maxResults"], call.error and call.error.code)
            for call in fake.get_calls()
        ]

    assert record.errors == []
    assert all(len(calls) == CALLS_PER_CALLER for calls in made)
    assert [outcome for calls in made for _, _, outcome in calls].count("ClientException") == (
        CALLERS * len(range(0, CALLS_PER_CALLER, 3))
    )
    assert len(logged) == CALLERS * CALLS_PER_CALLER
    assert Counter(logged) == Counter(call for calls in made for call in calls)
    # Each thread's calls are logged in the order it made them.
    for number, calls in enumerate(made):
        assert [call for call in logged if call[1] // 1_000 == number] == calls
