"""ListJobs benchmark for pytest-fakebatch: prints figures, never asserts them.

Run from the repository root with the dev virtualenv::

    python bench/list_jobs.py            # full run, about a minute
    python bench/list_jobs.py --quick    # smoke run, under ten seconds; figures are rough

Every call goes through a real botocore Batch client (explicit dummy keys, us-east-1). Costs are
reported as ratios against a baseline measured in the same process, next to the absolute numbers:

* call cost of a 100-job page: the fake's fast path and wire path, botocore's own floor (a canned
  ``before-call`` answer and a canned ``before-send`` answer) and moto (when importable), against
  the canned ``before-call`` floor;
* the fast path's page time with 1,000,000 jobs in the queue, against 1,000 jobs;
* seconds and bytes per job to seed 100,000 jobs.

Timed cases are interleaved in many short rounds, so load from other tenants of a shared machine
hits every case alike; each figure is the minimum (and the median) over rounds of the mean call
time in a round. Ratios use the minimum; the median over rounds of the ratio within a round is
printed next to it, and a target counts as met (or missed) only when both agree.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any

import botocore
import botocore.session
from botocore.awsrequest import AWSResponse, HeadersDict

# Importing the package installs its handlers into botocore.handlers.BUILTIN_HANDLERS, so it must
# come before any botocore session is created (pytest does this through the entry point).
from pytest_fakebatch import FakeBatch

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager

    from botocore.awsrequest import AWSPreparedRequest

# botocore-stubs type a client as BaseClient, which declares none of Batch's methods.
BaseClient = Any

REGION = "us-east-1"
ACCESS_KEY, SECRET_KEY = "BENCHDUMMYACCESSKEY0", "bench-dummy-secret"
PAGE = 100
QUEUE = "bench"
SEED = 20240601

# Targets (issue 2, "Performance"; DESIGN.md, "Performance").
FAST_VS_FLOOR_TARGET = 1.5  # fast path within 1.5x of the canned before-call floor
MOTO_VS_FAST_TARGET = 10.0  # fast path at least 10x faster than moto
SCALING_TARGET = 1.3  # page at 1,000,000 jobs within 1.3x of the page at 1,000 jobs
SEED_SECONDS_TARGET = 1.0  # seeding 100,000 jobs takes about a second
BYTES_PER_JOB_TARGET = 1024  # a job costs well under 1 KB


@dataclass(frozen=True)
class Settings:
    rounds: int  # interleaved rounds per group of cases
    batch_seconds: float  # time one case runs per round (sets the number of calls)
    warmup_calls: int
    big_queue: int  # the "1,000,000 jobs" queue
    seed_jobs: int  # the "100,000 jobs" seeding measurement
    seed_repeats: int
    moto_jobs: int


FULL = Settings(
    rounds=30,
    batch_seconds=0.04,
    warmup_calls=30,
    big_queue=1_000_000,
    seed_jobs=100_000,
    seed_repeats=3,
    moto_jobs=PAGE,
)
QUICK = Settings(
    rounds=6,
    batch_seconds=0.01,
    warmup_calls=5,
    big_queue=10_000,
    seed_jobs=5_000,
    seed_repeats=1,
    moto_jobs=PAGE,
)


# Timing


@dataclass(eq=False)
class Case:
    """One thing to time: a call, made inside a context (an active FakeBatch, a moto mock...)."""

    label: str
    call: Callable[[], object]
    context: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext
    samples: list[float] = field(default_factory=list)  # microseconds per call, one per round
    number: int = 1

    @property
    def best(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def paired_ratio(self, baseline: Case) -> float:
        """Median over rounds of this case's time over the baseline's in the same round."""
        ratios = [a / b for a, b in zip(self.samples, baseline.samples, strict=True)]
        return statistics.median(ratios)


#: The CPU time this thread spends: on a shared machine, the time other tenants' processes hold
#: the cores does not count, where wall time would charge it to whichever case was running.
cpu_clock = time.thread_time


def run_rounds(cases: list[Case], settings: Settings) -> None:
    """Warm every case up, size its batch, then time the cases in turn, round after round."""
    for case in cases:
        with case.context():
            for _ in range(settings.warmup_calls):
                case.call()
            timings = []
            for _ in range(3):  # the least of three: one garbage collection must not size it
                start = cpu_clock()
                for _ in range(settings.warmup_calls):
                    case.call()
                timings.append((cpu_clock() - start) / settings.warmup_calls)
        case.number = max(3, round(settings.batch_seconds / min(timings)))
    for _ in range(settings.rounds):
        for case in cases:
            with case.context():
                case.call()  # one untimed call after (re)entering the context
                start = cpu_clock()
                for _ in range(case.number):
                    case.call()
                elapsed = cpu_clock() - start
            case.samples.append(elapsed / case.number * 1e6)


# Clients and canned answers


def make_client(service: str = "batch", session: Any = None) -> BaseClient:
    """A client in a fresh botocore session by default (handlers registered on it stay local)."""
    session = session or botocore.session.Session()
    return session.create_client(
        service, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )


def list_page(client: BaseClient, queue: str = QUEUE, **extra: Any) -> Callable[[], object]:
    def call() -> object:
        return client.list_jobs(jobQueue=queue, maxResults=PAGE, **extra)

    return call


def register(client: BaseClient, event: str, handler: Callable[..., object]) -> None:
    """Register an event handler on one client; a handler that answers returns its answer."""
    client.meta.events.register(event, handler)


class CannedRaw:
    """The ``raw`` of an AWSResponse: botocore reads the body through ``stream()``."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@dataclass(frozen=True)
class CannedPage:
    """A page exactly as the fake answers it: parsed dict, wire body and headers."""

    parsed: dict[str, Any]
    body: bytes
    headers: dict[str, str]


def capture_page(client: BaseClient, fake: FakeBatch) -> CannedPage:
    with fake:
        parsed = client.list_jobs(jobQueue=QUEUE, maxResults=PAGE)
    parsed = copy.deepcopy(parsed)
    wire = {key: value for key, value in parsed.items() if key != "ResponseMetadata"}
    headers = dict(parsed["ResponseMetadata"]["HTTPHeaders"])
    return CannedPage(parsed, json.dumps(wire).encode(), headers)


def headers_of(page: CannedPage) -> Any:
    """The page's headers as AWSResponse keeps them (the stubs expect urllib3's type)."""
    return HeadersDict(page.headers)


def canned_before_call_client(page: CannedPage, *, fresh: bool = False) -> BaseClient:
    """botocore's floor for the fast path: validation and serialisation, then a canned parse.

    With ``fresh``, every call hands out new copies of the summaries (nested dicts included), as
    any real answer must: the cost of allocating a page, without computing anything.
    """
    client = make_client()
    # Each summary with the keys of its nested dicts, found once, so copying does nothing else.
    shapes = [
        (summary, tuple(key for key, value in summary.items() if isinstance(value, dict)))
        for summary in page.parsed["jobSummaryList"]
    ]

    def answer(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        http = AWSResponse(params["url"], 200, headers_of(page), CannedRaw(page.body))
        if not fresh:
            return http, page.parsed
        summaries = []
        for summary, nested in shapes:
            copy = summary.copy()
            for key in nested:
                copy[key] = copy[key].copy()
            summaries.append(copy)
        return http, {**page.parsed, "jobSummaryList": summaries}

    register(client, "before-call.batch.ListJobs", answer)
    return client


def canned_before_send_client(page: CannedPage, *, signed: bool) -> BaseClient:
    """botocore's floor for the wire path: the full request pipeline, then parsing real bytes."""
    client = make_client()

    def answer(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, headers_of(page), CannedRaw(page.body))

    register(client, "before-send.batch.ListJobs", answer)
    if not signed:
        # What the fake does on its wire path: no SigV4 signature (choose-signer -> UNSIGNED).
        register(client, "choose-signer.batch.ListJobs", lambda **_: botocore.UNSIGNED)
    return client


def check_page(label: str, response: Any, expected: int = PAGE) -> None:
    """Correctness, not timing: every case must really return a full page."""
    got = len(response["jobSummaryList"])
    if got != expected:
        sys.exit(f"{label}: expected {expected} job summaries, got {got}")


def job_ids(response: Any) -> list[str]:
    return [summary["jobId"] for summary in response["jobSummaryList"]]


# Reporting


def us(value: float) -> str:
    return f"{value:9.1f} us"


def verdict(case: Case, baseline: Case, target: float, *, at_most: bool) -> str:
    """Met or missed by both estimators (ratio of the mins, median of per-round ratios), or unsure."""
    ratios = (case.best / baseline.best, case.paired_ratio(baseline))
    met = [ratio <= target if at_most else ratio >= target for ratio in ratios]
    outcome = "met" if all(met) else "MISSED" if not any(met) else "unsure, the estimators disagree"
    return f"target {'<=' if at_most else '>='} {target:g}x: {outcome}"


def print_case(case: Case, note: str = "") -> None:
    print(
        f"  {case.label:<50} min {us(case.best)}  median {us(case.median)}"
        f"  ({case.number} calls x {len(case.samples)} rounds){note}"
    )


def rss_bytes() -> int | None:
    """Resident set size (Linux /proc only)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


# Sections


def call_costs(settings: Settings) -> tuple[Case, Case]:
    """(1)-(4): the fake's two paths against botocore's floor. Returns (floor, fast path)."""
    fake = FakeBatch(seed=SEED)
    fake.add_jobs(10 * PAGE, QUEUE, status="RUNNING")
    wire_fake = FakeBatch(seed=SEED, wire=True)
    wire_fake.add_jobs(10 * PAGE, QUEUE, status="RUNNING")

    fast_client = make_client()
    wire_client = make_client()
    page = capture_page(fast_client, fake)
    floor_call = canned_before_call_client(page)
    floor_send = canned_before_send_client(page, signed=True)
    floor_send_unsigned = canned_before_send_client(page, signed=False)

    fast = Case("(1) fake, fast path (before-call)", list_page(fast_client), lambda: fake)
    wire = Case("(2) fake, wire path (before-send)", list_page(wire_client), lambda: wire_fake)
    canned_call = Case("(3) canned before-call (floor)", list_page(floor_call))
    canned_fresh = Case(
        "(3b) canned before-call, fresh summary copies",
        list_page(canned_before_call_client(page, fresh=True)),
    )
    canned_send = Case("(4) canned before-send, SigV4-signed", list_page(floor_send))
    canned_send_unsigned = Case("(4b) canned before-send, unsigned", list_page(floor_send_unsigned))
    cases = [fast, wire, canned_call, canned_fresh, canned_send, canned_send_unsigned]
    for case in cases:
        with case.context():
            response: Any = case.call()
        check_page(case.label, response)
        if case in (canned_fresh, canned_send, canned_send_unsigned):
            # Parsed off the wire, the canned body must give back the fast path's page.
            same = response == {**page.parsed, "ResponseMetadata": response["ResponseMetadata"]}
        else:  # the wire fake is a second store: same seed, so same job ids in the same order
            same = job_ids(response) == job_ids(page.parsed)
        if not same:
            sys.exit(f"{case.label}: the page differs from the fast path's")

    print(
        f"\nListJobs: one {PAGE}-job page (maxResults={PAGE}, first page of a queue of "
        f"{10 * PAGE:,} RUNNING jobs),\nthrough a real botocore client; microseconds per call"
    )
    run_rounds(cases, settings)
    floor = canned_call.best
    for case in cases:
        ratio = case.best / floor
        note = f"  = {ratio:5.2f}x floor (per round {case.paired_ratio(canned_call):5.2f}x)"
        if case is fast:
            note += f"  [{verdict(fast, canned_call, FAST_VS_FLOOR_TARGET, at_most=True)}]"
        print_case(case, note)
    print(
        "  the canned answers are the fake's own page (same summaries, nextToken and headers); "
        "(3b) hands out\n  new copies of the summaries on every call, the allocation any real "
        "answer pays; (4) signs with\n  SigV4 as against AWS, (4b) skips signing as the fake's "
        "wire path does"
    )
    return canned_call, fast


def moto_cost(settings: Settings, floor: Case, fast: Case) -> None:
    """(5): moto's mock_aws with the Docker-free Batch backend."""
    try:
        from moto import mock_aws
    except ImportError:
        print("  (5) moto: skipped, moto is not importable (pip install -e '.[bench]')")
        return
    # One mock for the whole section: entering mock_aws resets moto's state. The clients are
    # created inside it, after importing moto, so they carry moto's before-send handler.
    with mock_aws(config={"batch": {"use_docker": False}}):
        session = botocore.session.Session()
        iam = make_client("iam", session)
        client = make_client("batch", session)
        role = iam.create_role(RoleName="bench-batch", AssumeRolePolicyDocument="{}")
        environment = client.create_compute_environment(
            computeEnvironmentName="bench",
            type="UNMANAGED",
            state="ENABLED",
            serviceRole=role["Role"]["Arn"],
        )
        client.create_job_queue(
            jobQueueName=QUEUE,
            state="ENABLED",
            priority=1,
            computeEnvironmentOrder=[
                {"order": 1, "computeEnvironment": environment["computeEnvironmentArn"]}
            ],
        )
        client.register_job_definition(
            jobDefinitionName="bench",
            type="container",
            containerProperties={"image": "busybox", "vcpus": 1, "memory": 128},
        )
        for index in range(settings.moto_jobs):
            client.submit_job(jobName=f"job-{index}", jobQueue=QUEUE, jobDefinition="bench")
        # moto's list_jobs returns every status when jobStatus is absent; list the status its
        # Docker-free backend leaves the jobs in (SUCCEEDED), so the page holds exactly them.
        everything = client.list_jobs(jobQueue=QUEUE)["jobSummaryList"]
        statuses = Counter(summary["status"] for summary in everything)
        status = statuses.most_common(1)[0][0]
        moto = Case(
            f"(5) moto {version_of('moto')}, mock_aws, use_docker off",
            list_page(client, jobStatus=status),
        )
        check_page(moto.label, moto.call(), expected=statuses[status])
        if statuses[status] != PAGE:
            print(f"  note: moto listed {statuses[status]} summaries, not {PAGE}")
        # The fast path again, interleaved with moto, for a ratio measured under the same load.
        # Its client predates the moto import, and the fake answers before any moto handler.
        fast_again = Case("(1) fast path, interleaved with (5)", fast.call, fast.context)
        run_rounds([fast_again, moto], settings)
    print_case(moto, f"  = {moto.best / floor.best:5.2f}x floor")
    print_case(fast_again)
    ratio = moto.best / fast_again.best
    print(
        f"  moto listed {PAGE} jobs submitted through the API, all {status} "
        f"(list_jobs(jobQueue, jobStatus={status!r}, maxResults={PAGE}); moto ignores "
        f"maxResults)\n  moto / fast path = {ratio:.1f}x (per round "
        f"{moto.paired_ratio(fast_again):.1f}x)  "
        f"[{verdict(moto, fast_again, MOTO_VS_FAST_TARGET, at_most=False)}]"
    )


def walk_to(client: BaseClient, jobs_before: int) -> str:
    """The nextToken after ``jobs_before`` jobs, reached by walking the listing page by page."""
    token = ""
    seen = 0
    while seen < jobs_before:
        extra = {"nextToken": token} if token else {}
        response = client.list_jobs(jobQueue=QUEUE, maxResults=PAGE, **extra)
        seen += len(response["jobSummaryList"])
        token = response["nextToken"]
    return token


def scaling(settings: Settings, client: BaseClient) -> None:
    """The fast path's page time with a small and a big queue: first page, and one mid-walk."""
    small = FakeBatch(seed=SEED)
    small.add_jobs(1_000, QUEUE, status="RUNNING")
    big = FakeBatch(seed=SEED)
    gc.collect()
    rss_before = rss_bytes()
    start = time.perf_counter()
    big.add_jobs(settings.big_queue, QUEUE, status="RUNNING")
    seeded_in = time.perf_counter() - start
    rss_seeded = rss_bytes()

    with small:
        small_token = walk_to(client, 1_000 // 2)
    start = time.perf_counter()
    with big:
        big_token = walk_to(client, settings.big_queue // 2)
    walked_in = time.perf_counter() - start
    gc.collect()
    rss_walked = rss_bytes()

    small_first = Case("1,000 jobs, first page", list_page(client), lambda: small)
    small_middle = Case(
        "1,000 jobs, page after 500 (nextToken)",
        list_page(client, nextToken=small_token),
        lambda: small,
    )
    big_first = Case(f"{settings.big_queue:,} jobs, first page", list_page(client), lambda: big)
    big_middle = Case(
        f"{settings.big_queue:,} jobs, page after {settings.big_queue // 2:,} (nextToken)",
        list_page(client, nextToken=big_token),
        lambda: big,
    )
    # Filtered pages: a JOB_NAME prefix every job matches (the scan stops once the page is full) and
    # a BEFORE_CREATED_AT bound in the middle of the queue (found by bisection).
    name_filter = [{"name": "JOB_NAME", "values": ["job-*"]}]
    small_name = Case(
        "1,000 jobs, JOB_NAME=job-* filter", list_page(client, filters=name_filter), lambda: small
    )
    big_name = Case(
        f"{settings.big_queue:,} jobs, JOB_NAME=job-* filter",
        list_page(client, filters=name_filter),
        lambda: big,
    )
    small_before = Case(
        "1,000 jobs, BEFORE_CREATED_AT=middle filter",
        list_page(client, filters=_before_middle(small)),
        lambda: small,
    )
    big_before = Case(
        f"{settings.big_queue:,} jobs, BEFORE_CREATED_AT=middle filter",
        list_page(client, filters=_before_middle(big)),
        lambda: big,
    )
    cases = [small_first, small_middle, big_first, big_middle]
    cases += [small_name, big_name, small_before, big_before]
    for case in cases:
        with case.context():
            check_page(case.label, case.call())

    print(f"\nFast path, {PAGE}-job page, by queue size (microseconds per call)")
    run_rounds(cases, settings)
    baseline = small_first.best
    for case in cases:
        print_case(
            case,
            f"  = {case.best / baseline:5.2f}x (per round {case.paired_ratio(small_first):5.2f}x)",
        )
    for big_case, small_case in (
        (big_first, small_first),
        (big_middle, small_middle),
        (big_name, small_name),
        (big_before, small_before),
    ):
        print(
            f"  {big_case.label} / {small_case.label}: {big_case.best / small_case.best:.2f}x "
            f"(per round {big_case.paired_ratio(small_case):.2f}x)  "
            f"[{verdict(big_case, small_case, SCALING_TARGET, at_most=True)}]"
        )
    pages = settings.big_queue // 2 // PAGE
    seeded = f"  seeding the {settings.big_queue:,}-job queue: {seeded_in:.1f} s"
    walked = f"  walking to its middle: {pages:,} pages in {walked_in:.1f} s"
    if (
        rss_before is not None
        and rss_seeded is not None
        and rss_walked is not None
        and settings.big_queue >= 100_000
    ):
        grown = rss_seeded - rss_before
        seeded += f", RSS +{grown / 2**20:,.0f} MiB ({grown / settings.big_queue:,.0f} B/job)"
        grown = rss_walked - rss_seeded
        walked += (
            f", RSS +{grown / 2**20:,.0f} MiB ({grown / (pages * PAGE):,.0f} B per job listed)"
        )
    print(f"{seeded}\n{walked}")


def _before_middle(fake: FakeBatch) -> list[dict[str, Any]]:
    """A BEFORE_CREATED_AT filter whose bound is the createdAt of the queue's middle job."""
    jobs = fake.jobs
    return [{"name": "BEFORE_CREATED_AT", "values": [str(jobs[len(jobs) // 2].created_at)]}]


def seeding(settings: Settings) -> None:
    """Seconds and bytes per job for add_jobs(n) into one queue (time and memory measured apart)."""
    n = settings.seed_jobs
    print(f"\nSeeding {n:,} RUNNING jobs with fake.add_jobs({n:,}, {QUEUE!r})")
    times = []
    for _ in range(settings.seed_repeats):
        fake = FakeBatch(seed=SEED)
        fake.add_jobs(1, QUEUE)  # the queue and job definition exist beforehand
        gc.collect()
        start = time.perf_counter()
        fake.add_jobs(n, QUEUE)
        times.append(time.perf_counter() - start)
        del fake
        gc.collect()
    best = min(times)
    print(
        f"  time:   min {best:.2f} s, median {statistics.median(times):.2f} s of "
        f"{len(times)} = {best / n * 1e6:.1f} us/job;  "
        f"{best * 100_000 / n:.2f} s per 100,000 jobs  [target about {SEED_SECONDS_TARGET:g} s]"
    )

    fake = FakeBatch(seed=SEED)
    fake.add_jobs(1, QUEUE)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    jobs = fake.add_jobs(n, QUEUE)
    del jobs  # the returned list is the caller's, not the fake's
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per_job = (after - before) / n
    print(
        f"  memory: {per_job:,.0f} B/job ({(after - before) / 2**20:,.1f} MiB for {n:,}), measured "
        f"with tracemalloc: Python allocations still held by the fake after seeding (jobs, their "
        f"strings, the store's dict and index entries)  "
        f"[target well under {BYTES_PER_JOB_TARGET} B: {'met' if per_job < 1024 else 'MISSED'}]"
    )
    del fake


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: few rounds, small queues; rough figures"
    )
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    started = time.perf_counter()
    print(
        f"pytest-fakebatch {version_of('pytest-fakebatch')} ListJobs benchmark"
        f"{' (--quick: rough figures)' if args.quick else ''}\n"
        f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; Python {platform.python_version()}"
        f" ({platform.python_implementation()}); botocore {botocore.__version__}; "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs\n"
        f"each figure: min and median over {settings.rounds} interleaved rounds of the mean call "
        f"time; ratios use the min\n(per round: the median over rounds of the ratio within a "
        f"round; a target is met or missed only when both ratios agree)"
    )
    # Made before moto is imported, which adds a before-send handler to every later session.
    scaling_client = make_client()
    floor, fast = call_costs(settings)
    moto_cost(settings, floor, fast)
    scaling(settings, scaling_client)
    seeding(settings)
    print(f"\ntotal run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
