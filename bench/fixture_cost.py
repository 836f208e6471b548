"""What the ``fake_batch`` fixture costs a suite. Prints figures, never asserts them.

Run from the repository root with the dev virtualenv::

    python bench/fixture_cost.py             # 5 runs of each suite of 1,000 tests, about a minute
    python bench/fixture_cost.py --runs 2 --tests 300   # rougher

Four suites of ``--tests`` tests each run under pytest in subprocesses, interleaved, ``--runs``
times; a conftest times the test loop in CPU time (``pytest_runtestloop``: every test's setup, call and
teardown, without pytest's start-up and collection), and the CPU time of the whole run is
printed too:

* ``bare``: tests that do nothing;
* ``fixture``: each test requests ``fake_batch`` and makes no call (the fixture's setup and
  teardown, without a client);
* ``fake``: each test requests ``fake_batch`` and makes one call (``describe_job_queues``) with a
  botocore client made once per module;
* ``canned``: each test makes the same call with the same kind of client, answered by a canned
  ``before-call`` handler a fixture registers and removes: botocore's floor for a stubbed call.

The figures: the fixture's setup plus teardown per test, ``(fixture - bare) / (tests - 1)`` over
every test but the first (the first pays, once a process, for importing botocore and the fake; it
is printed apart), the goal being under 1 ms, and the ``fake`` suite against the ``canned`` one (the goal: at most 1.3x), as
medians over runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import botocore

CONFTEST = """
import os, time
import pytest

_marks = []


def pytest_runtest_logfinish(nodeid, location):
    if not _marks:
        _marks.append(time.process_time())  # the first test done: one-time imports are behind


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session):
    start = time.process_time()
    try:
        return (yield)
    finally:
        end = time.process_time()
        with open(os.environ["BENCH_LOOP_OUT"], "w") as out:
            out.write(f"{end - start} {end - _marks[0]}")
"""

SUITES = {
    "bare": """
def test_{n}():
    pass
""",
    "fixture": """
def test_{n}(fake_batch):
    pass
""",
    "fake": """
def test_{n}(fake_batch):
    assert CLIENT.describe_job_queues()["jobQueues"] == []
""",
    "canned": """
def test_{n}(canned_batch):
    assert CLIENT.describe_job_queues()["jobQueues"] == []
""",
}

HEADER = """
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse

CLIENT = botocore.session.get_session().create_client(
    "batch", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
)
HEADERS = {"content-type": "application/json", "x-amzn-requestid": "canned"}


class Raw:
    def stream(self, **_):
        yield b"{}"


@pytest.fixture
def canned_batch():
    def answer(params, **_):
        http = AWSResponse(params["url"], 200, HEADERS, Raw())
        metadata = {"RequestId": "canned", "HTTPStatusCode": 200, "HTTPHeaders": dict(HEADERS)}
        return http, {"jobQueues": [], "ResponseMetadata": {**metadata, "RetryAttempts": 0}}

    CLIENT.meta.events.register("before-call.batch.DescribeJobQueues", answer)
    yield
    CLIENT.meta.events.unregister("before-call.batch.DescribeJobQueues", answer)
"""

SETUP_GOAL_MS = 1.0
SUITE_GOAL = 1.3


def write_suite(directory: Path, name: str, tests: int) -> Path:
    suite = directory / name
    suite.mkdir()
    (suite / "conftest.py").write_text(CONFTEST)
    per_file = 100
    for first in range(0, tests, per_file):
        body = "".join(SUITES[name].format(n=n) for n in range(first, min(first + per_file, tests)))
        (suite / f"test_{first:05d}.py").write_text(HEADER + body)
    return suite


def run_suite(suite: Path, tests: int) -> tuple[float, float, float]:
    """CPU seconds of the test loop and of the whole run (user and system): unlike wall time, not
    charged with the time other processes on a shared machine hold the cores. The first: every
    test but the first (whose setup imports botocore and the fake, once a process)."""
    out = suite / "loop.txt"
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPYCACHEPREFIX": str(suite.parent / "pycache"),
        "BENCH_LOOP_OUT": str(out),
        "PYTEST_ADDOPTS": "",
    }
    command = [
        *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"),
        *("-p", "no:xdist", "-W", "ignore::DeprecationWarning"),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(
        command, cwd=suite, env=env, capture_output=True, text=True, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if completed.returncode != 0 or f"{tests} passed" not in completed.stdout:
        sys.exit(f"{suite.name}: pytest failed\n{completed.stdout[-3000:]}\n{completed.stderr}")
    loop, after_first = map(float, out.read_text().split())
    return after_first, wall, loop - after_first


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tests", type=int, default=1000)
    args = parser.parse_args(argv)
    loops: dict[str, list[float]] = {name: [] for name in SUITES}
    walls: dict[str, list[float]] = {name: [] for name in SUITES}
    firsts: dict[str, list[float]] = {name: [] for name in SUITES}
    with tempfile.TemporaryDirectory() as temporary:
        suites = {name: write_suite(Path(temporary), name, args.tests) for name in SUITES}
        for suite in suites.values():
            run_suite(suite, args.tests)  # warm-up: bytecode caches
        for _ in range(args.runs):
            for name, suite in suites.items():
                loop, wall, first = run_suite(suite, args.tests)
                loops[name].append(loop)
                walls[name].append(wall)
                firsts[name].append(first)
    loop = {name: statistics.median(times) for name, times in loops.items()}
    wall = {name: statistics.median(times) for name, times in walls.items()}
    print(
        f"fixture cost: CPython {platform.python_version()}, botocore {botocore.__version__}; "
        f"{args.tests} tests a suite, median of {args.runs} interleaved runs"
    )
    per_test = args.tests - 1
    for name in SUITES:
        print(
            f"  {name:<8} tests 2 to {args.tests}: {loop[name]:6.2f} s "
            f"({loop[name] / per_test * 1e3:5.2f} ms a test; min {min(loops[name]):.2f} s); "
            f"first test {statistics.median(firsts[name]) * 1e3:6.1f} ms; "
            f"whole run {wall[name]:6.2f} s"
        )
    setup = (loop["fixture"] - loop["bare"]) / per_test * 1e3
    print(
        f"  fake_batch setup + teardown, no client: {setup:.2f} ms a test "
        f"[goal under {SETUP_GOAL_MS:g} ms: {'met' if setup < SETUP_GOAL_MS else 'MISSED'}]"
    )
    ratio = loop["fake"] / loop["canned"]
    whole = wall["fake"] / wall["canned"]
    print("  (all CPU time of the pytest process, user and system)")
    print(
        f"  fake suite / canned suite: {ratio:.2f}x (test loops), {whole:.2f}x (whole runs, CPU) "
        f"[goal at most {SUITE_GOAL:g}x: {'met' if max(ratio, whole) <= SUITE_GOAL else 'MISSED'}]"
    )


if __name__ == "__main__":
    main()
