"""``python -m pytest_fakebatch serve``: the standalone server, started as a user starts it, driven
through the Batch API and the control API, and stopped by a signal."""

from __future__ import annotations

import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config

from tests.endpoint_helpers import request

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

URL = re.compile(r"^http://127\.0\.0\.1:(\d+)$")


class Served:
    """A ``serve`` process and the first line it printed."""

    def __init__(self, *arguments: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pytest_fakebatch", "serve", *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.first_line = self._first_line()

    def _first_line(self) -> str:
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=60):
                self.process.kill()
                pytest.fail(f"serve printed nothing in 60 s: {self.process.communicate()}")
        return self.process.stdout.readline().rstrip("\n")

    def stop(self, signal_number: int) -> tuple[int, str, str]:
        self.process.send_signal(signal_number)
        status = self.process.wait(timeout=30)
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        # Read through the same buffered files as the first line (communicate would skip
        # what readline buffered).
        return status, self.process.stdout.read(), self.process.stderr.read()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def serve() -> Iterator[Any]:
    started: list[Served] = []

    def start(*arguments: str) -> Served:
        started.append(Served(*arguments))
        return started[-1]

    yield start
    for served in started:
        served.kill()


def batch_client(url: str, region: str = "us-east-1") -> Any:
    return boto3.client(
        "batch",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}),
    )


def setup_queue(batch: Any, account_id: str = "123456789012") -> None:
    """Compute environment ``ce``, queue ``q`` on it, and job definition ``d``."""
    batch.create_compute_environment(
        computeEnvironmentName="ce",
        type="UNMANAGED",
        serviceRole=f"arn:aws:iam::{account_id}:role/batch",
    )
    batch.create_job_queue(
        jobQueueName="q",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "ce"}],
    )
    batch.register_job_definition(
        jobDefinitionName="d",
        type="container",
        containerProperties={
            "image": "busybox",
            "command": ["true"],
            "resourceRequirements": [
                {"type": "VCPU", "value": "1"},
                {"type": "MEMORY", "value": "512"},
            ],
        },
    )


def run_serve(*arguments: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """``serve`` run to its end (a refusal, or ``--help``), its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "pytest_fakebatch", "serve", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=check,
    )


def test_serve_is_driven_over_http_and_stops_on_sigterm(serve: Any) -> None:
    served = serve(
        "--port", "0", "--seed", "5", "--region", "eu-north-1", "--account-id", "111122223333"
    )
    match = URL.match(served.first_line)
    assert match, served.first_line
    url = served.first_line
    batch = batch_client(url, region="eu-north-1")

    health = request(url, "GET", "/_fakebatch/health").json()
    setup_queue(batch, account_id="111122223333")
    first = batch.submit_job(jobName="first", jobQueue="q", jobDefinition="d")["jobId"]
    second = batch.submit_job(
        jobName="second", jobQueue="q", jobDefinition="d", dependsOn=[{"jobId": first}]
    )["jobId"]
    ran = request(url, "POST", "/_fakebatch/run_all", b"")
    described = batch.describe_jobs(jobs=[first, second])["jobs"]
    calls = request(url, "GET", "/_fakebatch/calls?operation=SubmitJob").json()["calls"]
    completed = request(url, "POST", "/_fakebatch/complete", {"jobId": "missing"})

    assert health == {
        "status": "ok",
        "region": "eu-north-1",
        "accountId": "111122223333",
        "seed": 5,
        "autorun": None,
    }
    assert ran.status == 200
    assert {job["jobName"]: job["status"] for job in described} == {
        "first": "SUCCEEDED",
        "second": "SUCCEEDED",
    }
    assert described[0]["jobArn"].startswith("arn:aws:batch:eu-north-1:111122223333:job/")
    assert [call["params"]["jobName"] for call in calls] == ["first", "second"]
    assert (completed.status, completed.json()) == (
        400,
        {"message": "complete: the fake has no job with id 'missing'"},
    )

    status, out, err = served.stop(signal.SIGTERM)

    assert status == 0, err
    assert out.splitlines()[-1] == "pytest-fakebatch: stopped"
    assert err == ""
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", int(match[1]))) != 0


def test_serve_stops_on_sigint_with_status_0(serve: Any) -> None:
    served = serve("--port", "0")
    assert URL.match(served.first_line), served.first_line

    status, out, _ = served.stop(signal.SIGINT)

    assert status == 0
    assert "control API at http://127.0.0.1:" in out


def test_serve_warns_when_it_binds_beyond_loopback(serve: Any) -> None:
    served = serve("--host", "0.0.0.0", "--port", "0")

    assert re.match(r"^http://0\.0\.0\.0:\d+$", served.first_line), served.first_line
    status, _, err = served.stop(signal.SIGTERM)
    assert status == 0
    assert err.startswith(
        "pytest-fakebatch: warning: serving on 0.0.0.0, not a loopback address: the fake has no authentication"
    )


def test_serve_refuses_bad_options_and_a_busy_port(serve: Any) -> None:
    bad_region = run_serve("--region", "moon-1")
    bad_autorun = run_serve("--autorun", "often")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        taken = run_serve("--port", str(busy.getsockname()[1]))

    assert bad_region.returncode == 2
    assert (
        "region must be an AWS region name such as 'us-east-1', not 'moon-1'" in bad_region.stderr
    )
    assert bad_autorun.returncode == 2
    assert "expected 'poll' or a number of seconds, not 'often'" in bad_autorun.stderr
    assert taken.returncode == 1
    assert taken.stdout == ""
    assert f"cannot serve on 127.0.0.1 port {port}" in taken.stderr


def test_the_console_script_is_declared() -> None:
    from pathlib import Path

    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert "\n[project.scripts]\n" in pyproject
    assert '\npytest-fakebatch = "pytest_fakebatch.__main__:main"\n' in pyproject
    help_text = run_serve("--help", check=True).stdout
    assert help_text.startswith("usage: pytest-fakebatch serve [-h] [--host HOST] [--port PORT]")
    assert "--autorun poll|SECONDS" in help_text


def poll_until_finished(batch: Any, job_ids: list[str], polls: int) -> dict[str, dict[str, Any]]:
    """What a workflow engine does: describe its jobs until each has finished."""
    for _ in range(polls):
        jobs = {job["jobId"]: job for job in batch.describe_jobs(jobs=job_ids)["jobs"]}
        if all(job["status"] in ("SUCCEEDED", "FAILED") for job in jobs.values()):
            return jobs
    pytest.fail(f"jobs still unfinished after {polls} polls: {jobs}")


def test_serve_with_autorun_poll_runs_a_polled_workflow_to_its_end(serve: Any) -> None:
    served = serve("--port", "0", "--seed", "8", "--autorun", "poll")
    url = served.first_line
    batch = batch_client(url)
    setup_queue(batch)
    rule = request(
        url,
        "POST",
        "/_fakebatch/outcome",
        {"jobName": "flaky", "exitCode": 3, "statusReason": "bad input"},
    )

    extract = batch.submit_job(jobName="extract", jobQueue="q", jobDefinition="d")["jobId"]
    transform = batch.submit_job(
        jobName="transform", jobQueue="q", jobDefinition="d", dependsOn=[{"jobId": extract}]
    )["jobId"]
    fanout = batch.submit_job(
        jobName="fanout",
        jobQueue="q",
        jobDefinition="d",
        arrayProperties={"size": 3},
        dependsOn=[{"jobId": transform}],
    )["jobId"]
    flaky = batch.submit_job(jobName="flaky", jobQueue="q", jobDefinition="d")["jobId"]
    after = batch.submit_job(
        jobName="after-flaky", jobQueue="q", jobDefinition="d", dependsOn=[{"jobId": flaky}]
    )["jobId"]
    jobs = poll_until_finished(batch, [extract, transform, fanout, flaky, after], polls=100)

    assert rule.status == 200
    assert {jobs[job_id]["jobName"]: jobs[job_id]["status"] for job_id in jobs} == {
        "extract": "SUCCEEDED",
        "transform": "SUCCEEDED",
        "fanout": "SUCCEEDED",
        "flaky": "FAILED",
        "after-flaky": "FAILED",
    }
    assert jobs[transform]["startedAt"] >= jobs[extract]["stoppedAt"]
    assert jobs[fanout]["arrayProperties"]["statusSummary"]["SUCCEEDED"] == 3
    assert jobs[flaky]["statusReason"] == "bad input"
    assert jobs[flaky]["container"]["exitCode"] == 3
    status, _, err = served.stop(signal.SIGTERM)
    assert status == 0, err


def test_serve_with_autorun_seconds_moves_jobs_as_real_time_passes(serve: Any) -> None:
    served = serve("--port", "0", "--autorun", "0.25")
    batch = batch_client(served.first_line)
    setup_queue(batch)
    job_id = batch.submit_job(jobName="timed", jobQueue="q", jobDefinition="d")["jobId"]

    polled = []
    for _ in range(600):  # a step every quarter of a second, polled every 20 ms (12 s at most)
        polled.append(batch.describe_jobs(jobs=[job_id])["jobs"][0]["status"])
        if polled[-1] == "SUCCEEDED":
            break
        time.sleep(0.02)

    order = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED"]
    assert polled[-1] == "SUCCEEDED"
    assert polled[0] != "SUCCEEDED"  # it took time: seen moving, not finished at once
    assert [order.index(status) for status in polled] == sorted(order.index(s) for s in polled)
    assert served.stop(signal.SIGTERM)[0] == 0


def test_the_console_script_serves_and_stops_on_sigterm() -> None:
    script = shutil.which("pytest-fakebatch")
    if script is None:
        pytest.skip("the pytest-fakebatch command is not installed (pip install -e . installs it)")
    process = subprocess.Popen(
        [script, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline().rstrip("\n")
        assert URL.match(first_line), first_line
        assert request(first_line, "GET", "/_fakebatch/health").json()["status"] == "ok"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
