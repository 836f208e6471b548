"""HTTP endpoint benchmark for pytest-fakebatch: prints figures and ratios, never asserts them.

Run from the repository root with the dev virtualenv and the bench extra (moto[server])::

    python bench/endpoint.py            # full run, about a minute
    python bench/endpoint.py --quick    # smoke run, about fifteen seconds; figures are rough

What it measures, in one run on one machine:

* requests per second over HTTP for a 100-job ListJobs page and for SubmitJob, with 1 and with 8
  concurrent clients, against the fake's endpoint (``FakeBatchServer``) and against moto's
  ``ThreadedMotoServer`` (Batch in moto's simple mode, no Docker), both serving from a thread of
  this process; printed with the ratio fake / moto (the goal: at least 5x on the page);
* the cost a test pays for the ``fake_batch_server`` fixture: starting and stopping the server
  beside an active fake, in-process, and the same seen by pytest itself (a run of tests that ask
  for ``fake_batch_server`` against a run of tests that ask for ``fake_batch`` only).

The clients are separate processes (so their own work does not take the servers' GIL), each on one
kept-alive connection, sending the same pre-built request (with a SigV4-shaped Authorization header,
which moto needs to tell the service and neither server checks) as fast as answers come back. Cases
are interleaved over rounds and each keeps its best round, because the machines this runs on are
shared and noisy; compare ratios, not absolute numbers, across machines.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.synchronize import Barrier

REGION = "us-east-1"
ACCOUNT = "123456789012"
AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=BENCHDUMMYKEY/20260101/us-east-1/batch/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64
)
PAGE = json.dumps({"jobQueue": "bench", "jobStatus": "SUCCEEDED"}).encode()
SUBMIT = json.dumps(
    {"jobName": "bench", "jobQueue": "bench", "jobDefinition": "bench-def"}
).encode()
PAGE_SIZE = 100


# Clients (each in a process of its own)


def client_loop(
    port: int, path: str, body: bytes, seconds: float, ready: Barrier, results: Any
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Content-Type": "application/json",
        "Authorization": AUTHORIZATION,
        "X-Amz-Date": "20260101T000000Z",
    }
    ready.wait()
    count = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            results.put(("error", f"{response.status} {answer[:200]!r}"))
            return
        count += 1
    connection.close()
    results.put(("count", count))


def throughput(
    port: int, path: str, body: bytes, clients: int, seconds: float
) -> tuple[float, float]:
    """Requests per second answered with 200 by the server at ``port``, ``clients`` at once, and
    the CPU seconds this process (the server's) spent per request meanwhile."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(clients + 1)
    results = context.Queue()
    processes = [
        context.Process(target=client_loop, args=(port, path, body, seconds, ready, results))
        for _ in range(clients)
    ]
    for process in processes:
        process.start()
    ready.wait()  # every client connected and imported: start the clock together
    cpu = time.process_time()
    total = 0
    for _ in processes:
        kind, value = results.get(timeout=seconds + 120)
        if kind == "error":
            raise RuntimeError(f"{path}: the server answered {value}")
        total += value
    cpu = time.process_time() - cpu
    for process in processes:
        process.join()
    return total / seconds, cpu / total


# Servers


def start_fake() -> tuple[Any, Callable[[], None]]:
    from pytest_fakebatch import FakeBatch
    from pytest_fakebatch._server import FakeBatchServer

    fake = FakeBatch(seed=1)
    fake.add_queue("bench")
    fake.add_job_definition("bench-def")
    fake.add_jobs(PAGE_SIZE, "bench", status="SUCCEEDED")
    server = FakeBatchServer(fake).start()
    check_page(server.port)
    return server.port, server.stop


def start_moto() -> tuple[Any, Callable[[], None]]:
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    port = server.get_host_and_port()[1]
    url = f"http://127.0.0.1:{port}"
    # Moto's simple Batch (jobs succeed at once, no Docker).
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("POST", "/moto-api/config", json.dumps({"batch": {"use_docker": False}}))
    assert connection.getresponse().status == 201
    session = boto3.Session(
        aws_access_key_id="BENCHDUMMYKEY", aws_secret_access_key="x", region_name=REGION
    )
    iam = session.client("iam", endpoint_url=url)
    role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    batch = session.client("batch", endpoint_url=url)
    batch.create_compute_environment(
        computeEnvironmentName="bench", type="UNMANAGED", serviceRole=role
    )
    batch.create_job_queue(
        jobQueueName="bench",
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "bench"}],
    )
    batch.register_job_definition(
        jobDefinitionName="bench-def",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128},
    )
    for _ in range(PAGE_SIZE):
        batch.submit_job(jobName="bench", jobQueue="bench", jobDefinition="bench-def")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # moto runs each job in a thread of its own
        listed = batch.list_jobs(jobQueue="bench", jobStatus="SUCCEEDED")["jobSummaryList"]
        if len(listed) == PAGE_SIZE:
            break
        time.sleep(0.1)
    check_page(port)
    return port, server.stop


def check_page(port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request(
        "POST",
        "/v1/listjobs",
        PAGE,
        {"Authorization": AUTHORIZATION, "Content-Type": "application/json"},
    )
    answer = json.loads(connection.getresponse().read())
    found = len(answer["jobSummaryList"])
    if found != PAGE_SIZE:
        raise RuntimeError(f"a page holds {found} jobs, not {PAGE_SIZE}: {answer!r:.300}")


# The fixture's cost


def fixture_cost_in_process(repeats: int) -> tuple[float, float, float]:
    """Seconds to start and stop a server beside an active fake (min and median over repeats),
    and the first request's extra cost in a process (botocore's model loaded for the routes)."""
    from pytest_fakebatch import FakeBatch
    from pytest_fakebatch._server import FakeBatchServer

    first_request = time.perf_counter()
    with FakeBatch(seed=1) as fake, FakeBatchServer(fake) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port)
        connection.request("POST", "/v1/describejobqueues", b"{}")
        connection.getresponse().read()
        connection.close()
    first_request = time.perf_counter() - first_request
    bare, served = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        with FakeBatch(seed=1):
            pass
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        with FakeBatch(seed=1) as fake, FakeBatchServer(fake):
            pass
        served.append(time.perf_counter() - started)
    added = [with_server - without for with_server, without in zip(served, bare, strict=True)]
    return min(added), statistics.median(added), first_request


def fixture_cost_in_pytest(tests: int) -> tuple[float, float]:
    """Seconds of setup and teardown per test (medians), measured by running pytest: with
    fake_batch_server, and with fake_batch alone."""
    module = textwrap.dedent(
        f"""
        import pytest

        @pytest.mark.parametrize("n", range({tests}))
        def test_plain(fake_batch, n):
            pass

        @pytest.mark.parametrize("n", range({tests}))
        def test_served(fake_batch_server, n):
            pass
        """
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "test_fixture_cost.py")
        path.write_text(module)
        report = Path(folder, "durations.json")
        conftest = textwrap.dedent(
            f"""
            import json
            DURATIONS = {{}}
            def pytest_runtest_logreport(report):
                if report.when in ("setup", "teardown"):
                    DURATIONS.setdefault(report.nodeid, 0.0)
                    DURATIONS[report.nodeid] += report.duration
            def pytest_sessionfinish(session):
                with open({str(report)!r}, "w") as out:
                    json.dump(DURATIONS, out)
            """
        )
        Path(folder, "conftest.py").write_text(conftest)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:randomly",
                "-p",
                "no:cacheprovider",
                str(path),
            ],
            cwd=folder,
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        durations = json.loads(report.read_text())
    plain = [seconds for nodeid, seconds in durations.items() if "test_plain" in nodeid]
    served = [seconds for nodeid, seconds in durations.items() if "test_served" in nodeid][1:]
    return statistics.median(served), statistics.median(plain)


# Report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: rough figures")
    options = parser.parse_args(argv)
    rounds, seconds = (1, 0.5) if options.quick else (3, 2.0)
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs{load}"
    )
    print(f"{rounds} round(s) of {seconds} s per case; the best round of each case is kept\n")

    # First, while botocore's Batch model has not been read in this process.
    added_min, added_median, first = fixture_cost_in_process(50 if options.quick else 300)
    servers = {"fake": start_fake(), "moto": start_moto()}
    cases = [
        (f"ListJobs, {PAGE_SIZE}-job page", "/v1/listjobs", PAGE),
        ("SubmitJob", "/v1/submitjob", SUBMIT),
    ]
    rates: dict[tuple[str, str, int], float] = {}
    cpu: dict[tuple[str, str, int], float] = {}
    try:
        for _ in range(rounds):
            for label, path, body in cases:
                for clients in (1, 8):
                    for name, (port, _stop) in servers.items():
                        rate, cpu_per_request = throughput(port, path, body, clients, seconds)
                        key = (label, name, clients)
                        rates[key] = max(rates.get(key, 0.0), rate)
                        cpu[key] = min(cpu.get(key, float("inf")), cpu_per_request)
    finally:
        for _port, stop in servers.values():
            stop()

    print("requests per second (higher is better), best round:")
    print(f"{'case':<28}{'clients':>8}{'fake':>10}{'moto':>10}{'fake/moto':>11}")
    for label, _path, _body in cases:
        for clients in (1, 8):
            fake, moto = rates[(label, "fake", clients)], rates[(label, "moto", clients)]
            goal = "  (goal >= 5x)" if label.startswith("ListJobs") else ""
            print(f"{label:<28}{clients:>8}{fake:>10.0f}{moto:>10.0f}{fake / moto:>10.1f}x{goal}")
    print("\nserver CPU per request (lower is better; steadier than req/s on a busy machine):")
    print(f"{'case':<28}{'clients':>8}{'fake ms':>10}{'moto ms':>10}{'moto/fake':>11}")
    for label, _path, _body in cases:
        for clients in (1, 8):
            fake, moto = cpu[(label, "fake", clients)], cpu[(label, "moto", clients)]
            print(
                f"{label:<28}{clients:>8}{fake * 1000:>10.2f}{moto * 1000:>10.2f}{moto / fake:>10.1f}x"
            )

    print(
        f"\nserver start+stop beside an active fake, in-process: {added_min * 1000:.2f} ms min, "
        f"{added_median * 1000:.2f} ms median (goal: fixture setup+teardown < 20 ms)"
    )
    print(
        f"a process's first request (botocore's model read for the routes): {first * 1000:.0f} ms, once"
    )
    served, plain = fixture_cost_in_pytest(50 if options.quick else 200)
    print(
        f"under pytest, setup+teardown a test (median): fake_batch_server {served * 1000:.2f} ms, "
        f"fake_batch alone {plain * 1000:.2f} ms (goal: < 20 ms)"
    )


if __name__ == "__main__":
    main()
