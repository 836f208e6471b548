"""Job API benchmark for pytest-fakebatch: SubmitJob, DescribeJobs and CancelJob. Prints figures,
never asserts them.

Run from the repository root with the dev virtualenv::

    python bench/job_api.py            # full run, about twenty seconds
    python bench/job_api.py --quick    # smoke run, a few seconds; figures are rough

Each operation goes through a real botocore Batch client, on the fake's fast path, and against
botocore's floor for the same call: a canned ``before-call`` answer (the fake's own response,
captured once) on a client of its own. Cases are interleaved in short rounds, as in
``bench/list_jobs.py``, and each figure is the minimum over rounds of the mean call time in a round,
with the median next to it. The "added" column is what the fake costs on top of botocore: the
fake's time minus the floor's, the part of a call that is the fake's own work.
"""

from __future__ import annotations

import argparse
import copy
import platform
import sys
from typing import Any

import botocore
from botocore.awsrequest import AWSResponse, HeadersDict
from list_jobs import CannedRaw, Case, make_client, register, run_rounds, us

# Importing the package installs its handlers into botocore's BUILTIN_HANDLERS: before any session.
from pytest_fakebatch import FakeBatch

BaseClient = Any
SEED = 20241126
QUEUE, DEFINITION = "bench", "bench-def"
DESCRIBED = 100  # DescribeJobs' maximum


class Settings:
    def __init__(self, *, rounds: int, batch_seconds: float, warmup_calls: int) -> None:
        self.rounds = rounds
        self.batch_seconds = batch_seconds
        self.warmup_calls = warmup_calls


FULL = Settings(rounds=20, batch_seconds=0.04, warmup_calls=50)
QUICK = Settings(rounds=4, batch_seconds=0.01, warmup_calls=10)


def canned_client(operation: str, parsed: dict[str, Any]) -> BaseClient:
    """botocore's floor for one operation: validation and serialisation, then a canned answer
    whose body is a fresh deep copy on every call (any real answer is the caller's to change)."""
    client = make_client()
    body = {key: value for key, value in parsed.items() if key != "ResponseMetadata"}
    headers = HeadersDict(parsed["ResponseMetadata"]["HTTPHeaders"])

    def answer(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        http = AWSResponse(params["url"], 200, headers, CannedRaw(b"{}"))
        return http, {**copy.deepcopy(body), "ResponseMetadata": parsed["ResponseMetadata"]}

    register(client, f"before-call.batch.{operation}", answer)
    return client


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run with rough figures")
    settings = QUICK if parser.parse_args(argv).quick else FULL

    fake = FakeBatch(seed=SEED)
    fake.add_queue(QUEUE)
    fake.add_job_definition(DEFINITION)
    client = make_client()
    submit = {"jobName": "bench", "jobQueue": QUEUE, "jobDefinition": DEFINITION}
    with fake:
        ids = [client.submit_job(**submit)["jobId"] for _ in range(DESCRIBED)]
        for job_id in ids:  # describe finished jobs: the richest details (attempts, exit code)
            fake.complete(job_id)
        submitted = client.submit_job(**submit)
        described = client.describe_jobs(jobs=ids)
        cancelled = client.cancel_job(jobId=submitted["jobId"], reason="bench")
    if len(described["jobs"]) != DESCRIBED:
        sys.exit(f"describe_jobs returned {len(described['jobs'])} jobs, not {DESCRIBED}")

    def cancel_one() -> object:
        job_id = client.submit_job(**submit)["jobId"]  # untimed share: the same in both cases
        return client.cancel_job(jobId=job_id, reason="bench")

    floors = {
        "SubmitJob": canned_client("SubmitJob", submitted),
        "DescribeJobs": canned_client("DescribeJobs", described),
        "CancelJob": canned_client("CancelJob", cancelled),
    }
    cases = [
        (
            Case("fake: submit_job", lambda: client.submit_job(**submit), lambda: fake),
            Case("floor: submit_job", lambda: floors["SubmitJob"].submit_job(**submit)),
        ),
        (
            Case(
                f"fake: describe_jobs, {DESCRIBED} ids",
                lambda: client.describe_jobs(jobs=ids),
                lambda: fake,
            ),
            Case(
                f"floor: describe_jobs, {DESCRIBED} ids",
                lambda: floors["DescribeJobs"].describe_jobs(jobs=ids),
            ),
        ),
        (
            Case("fake: submit_job + cancel_job", cancel_one, lambda: fake),
            Case(
                "floor: submit_job + cancel_job",
                lambda: (
                    floors["SubmitJob"].submit_job(**submit),
                    floors["CancelJob"].cancel_job(jobId=ids[0], reason="bench"),
                ),
            ),
        ),
    ]
    run_rounds([case for pair in cases for case in pair], settings)  # type: ignore[arg-type]

    print(
        f"pytest-fakebatch job API benchmark: CPython {platform.python_version()}, "
        f"botocore {botocore.__version__}, {'quick' if settings is QUICK else 'full'} run"
    )
    print(f"{'case':<40} {'min':>12} {'median':>12} {'vs floor':>9} {'added':>9}")
    for fake_case, floor in cases:
        ratio = fake_case.best / floor.best
        added = fake_case.best - floor.best
        for case in (floor, fake_case):
            extra = f" {ratio:>8.2f}x {added:>6.0f} us" if case is fake_case else ""
            print(f"{case.label:<40} {us(case.best)} {us(case.median)}{extra}")


if __name__ == "__main__":
    main()
