"""How near botocore's floor can any fake answer get? Prints figures, never asserts them.

Run from the repository root with the dev virtualenv::

    python bench/least_work.py          # full run, about half a minute
    python bench/least_work.py --quick  # smoke run; rough figures

Issue 16 asks for a 100-job ``ListJobs`` page at most 1.2x botocore's floor that hands out fresh
copies (``bench/list_jobs.py`` case 3b), and for ``SubmitJob`` at most 1.2x its floor
(``bench/job_api.py``). Those floors answer from a canned response: they look nothing up, make no
request id, keep no call log and, for ``SubmitJob``, store no job. This script puts a bound on
what any fake that does answer can reach. It times, through the same real botocore client and
interleaved with the floors, the fake as it is and the fake with ``serve`` replaced by the least
work its answer needs, written inline in one function:

- ``ListJobs``: decode the request, a request id and the clock, find the queue and its RUNNING
  keys, slice the page, look each job's summary up and copy it (nested dict included), make the
  next token, log the call (the jobs listed) and build the reply. No type checks, no filters, no
  statuses but RUNNING, no pagination from a token, no faults, no autopilot.
- ``SubmitJob``: decode the request, a request id and the clock, find the queue and the latest
  revision of the definition, a job id, a ``Job`` with the definition's container, store it, log
  a copy of the answer and build the reply. No checks of any kind, no overrides, no arrays.

The stand-ins use the fake's internals (``_store``, ``_ids``): this is an experiment that bounds
the goal, not a way to answer; the fake's tests never do this.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import sys
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import botocore
from job_api import canned_client
from list_jobs import (
    FULL,
    PAGE,
    QUEUE,
    QUICK,
    SEED,
    Case,
    canned_before_call_client,
    capture_page,
    check_page,
    make_client,
    run_rounds,
    us,
)

# Importing the package installs its handlers into botocore's BUILTIN_HANDLERS: before any session.
from pytest_fakebatch import FakeBatch
from pytest_fakebatch._calls import Call
from pytest_fakebatch._operations._summaries import LoggedPage
from pytest_fakebatch._pagination import encode, fingerprint
from pytest_fakebatch._render import Reply
from pytest_fakebatch.models import Job

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager

DEFINITION = "bench-def"
_decode = json.JSONDecoder().decode


# The two stand-ins repeat their first steps on purpose: each is one function, inline, so that
# no call of its own adds to what it measures.


def least_list_jobs(fake: FakeBatch) -> Callable[..., Reply]:
    """``serve`` for a first ``ListJobs`` page of RUNNING jobs, doing the least the answer needs."""

    def serve(operation: str, region: str, body: bytes, url: str = "") -> Reply:
        params = _decode(body.decode())
        store = fake._store
        with store.lock:
            request_id, now = fake._ids.request_id(), fake.clock.now_ms()
            queue = store.find_queue(region, params["jobQueue"])
            assert queue is not None
            keys = store.queue_index(queue).keys("RUNNING")
            page = keys[max(0, len(keys) - params["maxResults"]) :]
            page.reverse()
            prefix = queue.arn.partition(":job-queue/")[0] + ":job/"
            token = encode(fingerprint(operation, region, queue.arn), page[-1])
            cached = store.summary_cache.get
            summaries, listed = [], []
            for _, job_id in page:
                entry = cached(job_id)
                assert entry is not None  # warmed up: every summary is cached
                assert type(entry.nested) is str
                fresh = entry.summary.copy()
                fresh[entry.nested] = fresh[entry.nested].copy()
                summaries.append(fresh)
                listed.append(entry.job)
            logged = LoggedPage(store, listed, prefix, {}, False, token)
            fake.calls.append(Call(operation, params, logged))
            return Reply(200, request_id, now, {"jobSummaryList": summaries, "nextToken": token})

    return serve


def least_submit_job(fake: FakeBatch) -> Callable[..., Reply]:
    """``serve`` for ``SubmitJob``, doing the least that stores the job and answers."""

    def serve(operation: str, region: str, body: bytes, url: str = "") -> Reply:
        params = _decode(body.decode())
        store = fake._store
        with store.lock:
            request_id, now = fake._ids.request_id(), fake.clock.now_ms()
            queue = store.find_queue(region, params["jobQueue"])
            definition = store.latest_job_definition(region, params["jobDefinition"])
            assert queue is not None
            assert definition is not None
            container = dict(definition.properties["containerProperties"])
            job_id = store.ids.job_id()
            job = Job(
                job_id=job_id,
                job_name=params["jobName"],
                job_queue=queue.arn,
                job_definition=definition.arn,
                status="SUBMITTED",
                created_at=store.next_created_at(),
                spec=MappingProxyType({"container": container}),
            )
            store.add_job(job)
            answer = {"jobArn": job.job_arn, "jobName": job.job_name, "jobId": job_id}
            fake.calls.append(Call(operation, params, dict(answer)))
            return Reply(200, request_id, now, answer)

    return serve


def serving(
    fake: FakeBatch, serve: Callable[..., Reply] | None = None
) -> Callable[[], AbstractContextManager[object]]:
    """A case's context: ``fake`` active, answering through ``serve`` if given (else as it does)."""

    @contextlib.contextmanager
    def context() -> Iterator[FakeBatch]:
        if serve is not None:
            fake.serve = serve
        try:
            with fake:
                yield fake
        finally:
            if serve is not None:
                del fake.serve
            fake.calls.clear()  # both fake cases alike: the log of a long run grows without bound

    return context


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smoke run with rough figures")
    settings = QUICK if parser.parse_args(argv).quick else FULL

    fake = FakeBatch(seed=SEED)
    fake.add_jobs(10 * PAGE, QUEUE, status="RUNNING")
    fake.add_job_definition(DEFINITION)
    client = make_client()
    page = capture_page(client, fake)  # also renders and caches the page's summaries
    submit = {"jobName": "bench", "jobQueue": QUEUE, "jobDefinition": DEFINITION}
    with fake:
        submitted = client.submit_job(**submit)
    fresh_floor = canned_before_call_client(page, fresh=True)
    submit_floor = canned_client("SubmitJob", submitted)

    def list_page() -> Any:
        return client.list_jobs(jobQueue=QUEUE, maxResults=PAGE)

    list_cases = (
        Case("fake, fast path", list_page, serving(fake)),
        Case("least work, inline", list_page, serving(fake, least_list_jobs(fake))),
        Case(
            "floor (3b): canned, fresh copies",
            lambda: fresh_floor.list_jobs(jobQueue=QUEUE, maxResults=PAGE),
        ),
    )
    submit_cases = (
        Case("fake, fast path", lambda: client.submit_job(**submit), serving(fake)),
        Case(
            "least work, inline",
            lambda: client.submit_job(**submit),
            serving(fake, least_submit_job(fake)),
        ),
        Case("floor: canned", lambda: submit_floor.submit_job(**submit)),
    )
    for case in list_cases:
        with case.context():
            response: Any = case.call()
        check_page(case.label, response)
        if [s["jobId"] for s in response["jobSummaryList"]] != [
            s["jobId"] for s in page.parsed["jobSummaryList"]
        ]:
            sys.exit(f"{case.label}: the page differs from the fast path's")
    run_rounds([*list_cases, *submit_cases], settings)

    print(
        f"pytest-fakebatch least-work bound: CPython {platform.python_version()}, "
        f"botocore {botocore.__version__}, {'quick' if settings is QUICK else 'full'} run\n"
        "each figure: min and median over rounds of the mean call time (CPU time); the ratio "
        "uses the minima, with the median of per-round ratios beside it"
    )
    for title, cases in (("ListJobs, 100-job page", list_cases), ("SubmitJob", submit_cases)):
        floor = cases[-1]
        print(f"\n{title}")
        for case in cases:
            ratio = case.best / floor.best
            print(
                f"  {case.label:<34} min {us(case.best)}  median {us(case.median)}"
                f"  = {ratio:.2f}x floor (per round {case.paired_ratio(floor):.2f}x)"
            )


if __name__ == "__main__":
    main()
