"""Memory of a big store, and what walking all of it adds. Prints figures, never asserts them.

Run from the repository root with the dev virtualenv::

    python bench/memory.py            # 1,000,000 jobs, a few minutes
    python bench/memory.py --quick    # 100,000 jobs

Figures:

* bytes a job, measured with ``tracemalloc`` while seeding 100,000 jobs (the Python allocations
  the fake still holds afterwards: jobs, their strings, the store's dict and index entries); the
  goal is under 500 bytes;
* the process RSS grown by seeding the big queue, per job (allocator overhead included);
* the RSS grown by walking the whole big queue, page by page (``maxResults=100``) through a real
  botocore client on the fast path, then as the wire path answers it (``serve`` and the JSON
  bytes), against the RSS after seeding (the goal: at most 10%). A walk renders every summary, keeps the latest 20,000 rendered, and logs
  every call.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
import tracemalloc
from typing import Any

import botocore
import botocore.session

from pytest_fakebatch import FakeBatch

QUEUE = "bench"
PAGE = 100
BYTES_GOAL = 500
WALK_GOAL = 0.10


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def traced_bytes_per_job(jobs: int) -> float:
    fake = FakeBatch(seed=1)
    fake.add_jobs(1, QUEUE)  # the queue and job definition exist beforehand
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    added = fake.add_jobs(jobs, QUEUE)
    del added  # the returned list is the caller's, not the fake's
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / jobs


def walk(client: Any, fake: FakeBatch) -> tuple[int, int, float]:
    """Every page of the queue: (pages, jobs listed, seconds)."""
    pages = listed = 0
    token = None
    start = time.perf_counter()
    with fake:
        while True:
            extra = {"nextToken": token} if token else {}
            response = client.list_jobs(jobQueue=QUEUE, maxResults=PAGE, **extra)
            pages += 1
            listed += len(response["jobSummaryList"])
            token = response.get("nextToken")
            if not token:
                break
    return pages, listed, time.perf_counter() - start


def wire_walk(fake: FakeBatch) -> tuple[int, int, float]:
    """The same walk as the wire path answers it: ``FakeBatch.serve`` and the reply's JSON bytes
    (what the wire path hands botocore, and the HTTP endpoint sends), without botocore's parsing."""
    pages = listed = 0
    token = None
    start = time.perf_counter()
    with fake:
        while True:
            request = {"jobQueue": QUEUE, "maxResults": PAGE}
            if token:
                request["nextToken"] = token
            reply = fake.serve("ListJobs", fake.region, json.dumps(request))
            body = json.loads(reply.wire_body())
            pages += 1
            listed += len(body["jobSummaryList"])
            token = body.get("nextToken")
            if not token:
                break
    return pages, listed, time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="100,000 jobs instead of 1,000,000")
    quick = parser.parse_args(argv).quick
    big = 100_000 if quick else 1_000_000
    print(
        f"memory: CPython {platform.python_version()}, botocore {botocore.__version__}, "
        f"{platform.system()} {platform.machine()}"
    )
    per_job = traced_bytes_per_job(100_000)
    print(
        f"  tracemalloc, seeding 100,000 jobs: {per_job:,.0f} B a job "
        f"[goal under {BYTES_GOAL} B: {'met' if per_job < BYTES_GOAL else 'MISSED'}]"
    )
    gc.collect()
    session = botocore.session.get_session()
    client = session.create_client(
        "batch", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    fake = FakeBatch(seed=2)
    rss_start = rss_bytes()
    start = time.perf_counter()
    fake.add_jobs(big, QUEUE)
    seeded_in = time.perf_counter() - start
    gc.collect()
    rss_seeded = rss_bytes()
    print(
        f"  seeding {big:,} jobs: {seeded_in:.1f} s, RSS +{(rss_seeded - rss_start) / 2**20:,.0f} "
        f"MiB = {(rss_seeded - rss_start) / big:,.0f} B a job (allocator overhead included)"
    )
    for wire in (False, True):
        rss_before = rss_bytes()
        pages, listed, seconds = wire_walk(fake) if wire else walk(client, fake)
        gc.collect()
        grown = rss_bytes() - rss_before
        share = grown / rss_seeded
        if listed != big:
            sys.exit(f"the walk listed {listed:,} jobs, not {big:,}")
        print(
            f"  walking all {big:,} jobs on the {'wire' if wire else 'fast'} path: {pages:,} "
            f"pages in {seconds:.1f} s, RSS +{grown / 2**20:,.1f} MiB = {share:.1%} of the RSS "
            f"after seeding ({rss_seeded / 2**20:,.0f} MiB) "
            f"[goal at most {WALK_GOAL:.0%}: {'met' if share <= WALK_GOAL else 'MISSED'}]"
        )


if __name__ == "__main__":
    main()
