"""GetJobQueueSnapshot's cost against one 100-job ListJobs page on the same queue.

    python bench/queue_snapshot.py            # 100,000 RUNNABLE jobs per queue
    python bench/queue_snapshot.py --quick    # 10,000

Prints the best of several rounds for each case and its ratio to the ListJobs page; asserts
nothing about timings. A FIFO queue's front reads only the oldest jobs of each status and array;
a fair-share queue's reads every RUNNABLE job (each share's order needs them all).
"""

from __future__ import annotations

import sys
import time
from typing import Any

import boto3

from pytest_fakebatch import FakeBatch

ROUNDS = 5


def best(call: Any) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    count = 10_000 if "--quick" in sys.argv else 100_000
    with FakeBatch(seed=1) as fake:
        policy = fake.add_scheduling_policy("fair")
        fake.add_queue("fair", scheduling_policy_arn=policy.arn)
        fake.add_job_definition("d", scheduling_priority=1)
        for share in range(10):
            fake.add_jobs(count // 10, "fair", status="RUNNABLE", share_identifier=f"s{share}")
            fake.add_jobs(5, "fair", status="RUNNING", share_identifier=f"s{share}")
        fake.add_jobs(count, "fifo", status="RUNNABLE")
        fake.add_jobs(50, "fifo", status="RUNNING")
        client = boto3.client("batch", region_name=fake.region)
        page = best(lambda: client.list_jobs(jobQueue="fifo", jobStatus="RUNNABLE", maxResults=100))
        print(f"{count:,} RUNNABLE jobs per queue")
        print(f"  list_jobs, one 100-job page:     {page * 1000:8.2f} ms  (1.0x)")
        for queue in ("fifo", "fair"):
            took = best(lambda queue=queue: client.get_job_queue_snapshot(jobQueue=queue))
            print(
                f"  get_job_queue_snapshot ({queue}):   {took * 1000:8.2f} ms  ({took / page:.1f}x)"
            )


if __name__ == "__main__":
    main()
