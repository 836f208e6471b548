"""Routing: which Batch calls the fake answers, and that botocore is untouched when no fake is active.

Every case runs through real clients (boto3, botocore, the AWS CLI in-process) on the fast path
(``before-call``) and the wire path (``before-send``, ``wire=True``), with the network refused.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import boto3
import botocore.endpoint
import botocore.exceptions
import botocore.handlers
import botocore.session
import pytest
from awscli.clidriver import create_clidriver
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.config import Config
from botocore.stub import Stubber

from pytest_fakebatch import FakeBatch, UnsupportedOperationError
from tests.future_model import FUTURE_METHOD, FUTURE_OPERATION
from tests.helpers import PATHS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from botocore.awsrequest import AWSPreparedRequest
    from botocore.client import BaseClient


@pytest.fixture(autouse=True)
def _no_aws_settings(clean_aws_environment: None) -> None:
    """Autouse, so it runs before the fixtures that set variables for one test."""


# Real-looking keys a developer's shell might hold (AWS's documented example key pair).
REAL_KEY = "AKIAIOSFODNN7EXAMPLE"
REAL_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

# The operation a newer botocore's Batch model has and the fake does not know (the future_model
# fixture, tests/future_model.py): the fake answers every operation of the installed model.
UNSUPPORTED = (FUTURE_METHOD, FUTURE_OPERATION)

ENVELOPE = re.compile(
    r"Error executing request, Exception : (?P<detail>.+), RequestId: (?P<id>\S+)"
)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def offline(no_network: list[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """No socket, no DNS, and botocore's HTTP layer (``Endpoint._send``) fails if reached."""
    reached: list[str] = []

    def refuse(self: botocore.endpoint.Endpoint, request: AWSPreparedRequest) -> Any:
        reached.append(request.url)
        raise AssertionError(f"botocore's HTTP layer was reached: {request.url}")

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", refuse)
    yield reached
    assert reached == [], f"requests reached botocore's HTTP layer: {reached}"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[AWSPreparedRequest]:
    """Batch requests that botocore created for its HTTP layer (``request-created``, where it
    signs them), on any session made now. Not ``before-send``: while a fake is active, no handler
    but the fake's sees that event for a Batch request (see test_beside_moto.py).

    Added to botocore's built-in handlers like the plugin's own, so the AWS CLI's sessions carry it;
    boto3's default session is made afresh so that it does too.
    """
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    requests: list[AWSPreparedRequest] = []

    def record(request: AWSPreparedRequest, **_: Any) -> None:
        requests.append(request)

    handlers = [
        *botocore.handlers.BUILTIN_HANDLERS,
        ("request-created.batch", record, botocore.handlers.REGISTER_LAST),
    ]
    monkeypatch.setattr(botocore.handlers, "BUILTIN_HANDLERS", handlers)
    return requests


class _Raw:
    """The ``raw`` of an AWSResponse: botocore reads the body through ``stream()``."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


CANNED = {"jobSummaryList": [{"jobId": "canned-job", "jobName": "from-the-http-layer"}]}


def canned_http_layer(client: BaseClient) -> list[AWSPreparedRequest]:
    """Stand in for HTTP on this client: record each request and answer it with ``CANNED``."""
    seen: list[AWSPreparedRequest] = []

    def answer(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        seen.append(request)
        headers = HTTPHeaders.from_dict(
            {"x-amzn-requestid": "canned-request", "content-type": "application/json"}
        )
        return AWSResponse(request.url, 200, headers, _Raw(json.dumps(CANNED).encode()))

    client.meta.events.register("before-send.batch", answer)
    return seen


def ids(response: dict[str, Any]) -> list[str]:
    return [summary["jobId"] for summary in response["jobSummaryList"]]


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the AWS CLI in this process; return its exit status, stdout and stderr."""
    capsys.readouterr()
    status = create_clidriver().main([*args, "--output", "json"])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# The ways code under test gets a Batch client. Each lists a queue and returns the job ids.


def via_boto3_client(queue: str, region: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    return ids(boto3.client("batch", region_name=region).list_jobs(jobQueue=queue))


def via_boto3_session(queue: str, region: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    client = boto3.Session().client("batch", region_name=region)
    return ids(client.list_jobs(jobQueue=queue))


def via_botocore_session(queue: str, region: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    client = botocore.session.get_session().create_client("batch", region_name=region)
    return ids(client.list_jobs(jobQueue=queue))


def via_aws_cli(queue: str, region: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    status, out, err = run_cli(
        capsys, "batch", "list-jobs", "--job-queue", queue, "--region", region
    )
    assert status == 0, err
    return ids(json.loads(out))


LISTERS = [
    pytest.param(via_boto3_client, id="boto3.client"),
    pytest.param(via_boto3_session, id="boto3.Session"),
    pytest.param(via_botocore_session, id="botocore-session"),
    pytest.param(via_aws_cli, id="aws-cli"),
]


@pytest.mark.parametrize("wire", PATHS)
@pytest.mark.parametrize("lister", LISTERS)
def test_batch_calls_are_answered_by_the_fake(
    fake_batch: FakeBatch,
    wire: bool,
    lister: Callable[[str, str, pytest.CaptureFixture[str]], list[str]],
    offline: list[str],
    sent: list[AWSPreparedRequest],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert fake_batch.wire is wire
    running = fake_batch.add_jobs(3, job_queue="q")
    fake_batch.add_job(job_queue="q", status="SUCCEEDED")

    listed = lister("q", fake_batch.region, capsys)

    assert listed == [job.job_id for job in reversed(running)]
    # The fast path answers before botocore prepares an HTTP request; the wire path answers it.
    assert [request.url for request in sent] == (
        [f"https://batch.{fake_batch.region}.amazonaws.com/v1/listjobs"] if wire else []
    )


@pytest.mark.parametrize("wire", PATHS)
def test_calls_from_worker_threads_are_answered(
    fake_batch: FakeBatch, wire: bool, offline: list[str]
) -> None:
    jobs = fake_batch.add_jobs(2, job_queue="q")
    client = boto3.client("batch", region_name=fake_batch.region)

    with ThreadPoolExecutor(max_workers=4) as pool:
        listings = list(pool.map(lambda _: ids(client.list_jobs(jobQueue="q")), range(8)))

    assert listings == [[job.job_id for job in reversed(jobs)]] * 8


@pytest.mark.parametrize(
    ("wire", "credentials"),
    [(False, "from-environment"), (True, "none")],
    ids=["fast-environment-keys", "wire-no-keys"],
)
def test_a_client_made_when_the_test_module_is_imported_is_answered(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    no_network: list[str],
    credentials: str,
    wire: bool,
) -> None:
    if credentials == "from-environment":
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", REAL_SECRET)
    else:
        # No keys anywhere; keep botocore's credential chain off the metadata service at import.
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    pytester.makepyfile(
        test_module_client=f"""
        import boto3
        import pytest

        CLIENT = boto3.client("batch", region_name="us-east-1")  # made at import, before the fake

        @pytest.mark.fake_batch(wire={wire})
        def test_lists(fake_batch):
            assert fake_batch.wire is {wire}
            jobs = fake_batch.add_jobs(2, job_queue="q")
            listed = [s["jobId"] for s in CLIENT.list_jobs(jobQueue="q")["jobSummaryList"]]
            assert listed == [job.job_id for job in reversed(jobs)]
        """
    )

    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:hypothesispytest")

    result.assert_outcomes(passed=1)


def test_the_network_guard_catches_a_call_that_leaves_the_process(
    monkeypatch: pytest.MonkeyPatch, no_network: list[str]
) -> None:
    """The control for every ``offline`` test: without a fake, the same call does reach a socket."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", REAL_SECRET)
    client = boto3.client(
        "batch", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
    )

    with pytest.raises(botocore.exceptions.BotoCoreError):
        client.list_jobs(jobQueue="q")

    assert no_network, "the call should have tried to resolve or connect"
    no_network.clear()


def test_outside_a_fake_botocore_behaves_as_without_the_plugin(
    monkeypatch: pytest.MonkeyPatch, offline: list[str]
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", REAL_SECRET)
    client = botocore.session.get_session().create_client("batch", region_name="us-east-1")
    seen = canned_http_layer(client)

    response = client.list_jobs(jobQueue="q")

    assert ids(response) == ["canned-job"]
    assert response["ResponseMetadata"]["RequestId"] == "canned-request"
    [request] = seen
    assert request.url == "https://batch.us-east-1.amazonaws.com/v1/listjobs"
    assert json.loads(request.body) == {"jobQueue": "q"}
    # Signed with the environment's keys, as botocore does on its own.
    authorization = request.headers["Authorization"]
    authorization = authorization.decode() if isinstance(authorization, bytes) else authorization
    assert authorization.startswith(f"AWS4-HMAC-SHA256 Credential={REAL_KEY}/")
    assert not [name for name in request.headers if "fakebatch" in name.lower()]


@pytest.mark.parametrize("wire", [False, True], ids=["fast", "wire"])
def test_a_client_reaches_the_http_layer_before_and_after_a_fake_but_not_during_it(
    monkeypatch: pytest.MonkeyPatch, offline: list[str], wire: bool
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", REAL_SECRET)
    client = boto3.client("batch", region_name="us-east-1")
    seen = canned_http_layer(client)

    assert ids(client.list_jobs(jobQueue="q")) == ["canned-job"]
    with FakeBatch(wire=wire) as fake:
        job = fake.add_job(job_queue="q")
        during = client.list_jobs(jobQueue="q")
        seen_during = len(seen) - 1
    after = client.list_jobs(jobQueue="q")

    assert ids(during) == [job.job_id]
    assert during["ResponseMetadata"]["RequestId"] != "canned-request"
    if not wire:
        assert seen_during == 0  # the fast path answers before any request is built
    assert ids(after) == ["canned-job"]
    assert len(seen) == seen_during + 2


# Only the wire path goes through botocore's retry handling: it must not retry the failure.
@pytest.mark.parametrize(
    ("wire", "retry_mode"),
    [
        pytest.param(
            False, "legacy", id="fast", marks=pytest.mark.fake_batch(allow_unsupported=True)
        ),
        *(
            pytest.param(
                True,
                mode,
                id=f"wire-{mode}",
                marks=pytest.mark.fake_batch(wire=True, allow_unsupported=True),
            )
            for mode in ("legacy", "standard", "adaptive")
        ),
    ],
)
def test_an_unsupported_operation_fails_in_process_and_is_never_sent(
    fake_batch: FakeBatch, wire: bool, retry_mode: str, offline: list[str], future_model: Path
) -> None:
    method, operation = UNSUPPORTED
    client = boto3.client(
        "batch", region_name=fake_batch.region, config=Config(retries={"mode": retry_mode})
    )
    seen = canned_http_layer(client)

    with pytest.raises(UnsupportedOperationError) as info:
        getattr(client, method)()

    error = info.value
    assert error.operation == operation
    assert "ListJobs" in error.supported
    assert operation not in error.supported
    message = str(error)
    assert repr(operation) in message
    assert f"Supported operations: {', '.join(error.supported)}." in message
    assert seen == []  # never reached the (stand-in) HTTP layer, on either path
    assert fake_batch.unsupported_calls == [operation]  # failed once: botocore did not retry it
    # The fake still answers what it supports.
    job = fake_batch.add_job(job_queue="q")
    assert ids(client.list_jobs(jobQueue="q")) == [job.job_id]


@pytest.mark.parametrize("inner_wire", [False, True], ids=["inner-fast", "inner-wire"])
def test_nested_fakes_inner_answers_then_outer_again(inner_wire: bool, offline: list[str]) -> None:
    with FakeBatch(seed=1) as outer:
        outer_job = outer.add_job(job_queue="outer-q")
        client = boto3.client("batch", region_name="us-east-1")
        with FakeBatch(seed=2, wire=inner_wire) as inner:
            inner_job = inner.add_job(job_queue="inner-q")
            assert inner.active
            assert not outer.active
            assert ids(client.list_jobs(jobQueue="inner-q")) == [inner_job.job_id]
            with pytest.raises(client.exceptions.ClientException, match="outer-q"):
                client.list_jobs(jobQueue="outer-q")
        assert outer.active
        assert not inner.active
        assert ids(client.list_jobs(jobQueue="outer-q")) == [outer_job.job_id]
        with pytest.raises(client.exceptions.ClientException, match="inner-q"):
            client.list_jobs(jobQueue="inner-q")
    assert not outer.active


@pytest.mark.parametrize("wire", PATHS)
def test_a_client_in_another_region_does_not_see_the_queue(
    fake_batch: FakeBatch, wire: bool, offline: list[str]
) -> None:
    assert fake_batch.region == "us-east-1"
    home_job = fake_batch.add_job(job_queue="q")
    home = boto3.client("batch", region_name="us-east-1")
    away = boto3.client("batch", region_name="eu-west-1")

    assert ids(home.list_jobs(jobQueue="q")) == [home_job.job_id]
    with pytest.raises(away.exceptions.ClientException, match="JobQueue q not found"):
        away.list_jobs(jobQueue="q")

    away_job = fake_batch.add_job(job_queue="q", region="eu-west-1")
    assert ids(away.list_jobs(jobQueue="q")) == [away_job.job_id]
    assert ids(home.list_jobs(jobQueue="q")) == [home_job.job_id]


def test_the_aws_cli_region_option_picks_the_region(
    fake_batch: FakeBatch, capsys: pytest.CaptureFixture[str], offline: list[str]
) -> None:
    fake_batch.add_job(job_queue="q")  # in the fake's region, us-east-1
    cli = create_clidriver()
    args = ["batch", "list-jobs", "--job-queue", "q", "--region", "eu-west-1", "--output", "json"]
    capsys.readouterr()

    status = cli.main(args)
    out, err = capsys.readouterr()

    assert (status, out) == (255, "")
    assert "(ClientException)" in err
    assert "JobQueue q not found" in err

    away = fake_batch.add_job(job_queue="q", region="eu-west-1")
    status = cli.main(args)
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert ids(json.loads(out)) == [away.job_id]


@pytest.mark.parametrize("wire", PATHS)
def test_an_active_stubber_wins_over_the_fake(
    fake_batch: FakeBatch, wire: bool, offline: list[str]
) -> None:
    job = fake_batch.add_job(job_queue="q")
    client = boto3.client("batch", region_name=fake_batch.region)
    stubber = Stubber(client)
    stubber.add_response("list_jobs", CANNED, {"jobQueue": "q"})

    with stubber:
        stubbed = client.list_jobs(jobQueue="q")
        stubber.assert_no_pending_responses()
    unstubbed = client.list_jobs(jobQueue="q")

    assert ids(stubbed) == ["canned-job"]
    assert ids(unstubbed) == [job.job_id]


@pytest.mark.parametrize("wire", PATHS)
def test_a_before_call_handler_of_the_tests_own_wins_over_the_fake(
    fake_batch: FakeBatch, wire: bool, offline: list[str]
) -> None:
    """A handler on the fast path's own event, ``before-call.batch``, runs first only because the
    fake registers its fast path last. (The Stubber's ``before-call.*.*`` is a more specific event,
    which botocore calls before ``before-call.batch`` whatever the order of registration.)"""
    job = fake_batch.add_job(job_queue="q")
    client = boto3.client("batch", region_name=fake_batch.region)
    canned = (AWSResponse("", 200, HTTPHeaders(), _Raw(b"{}")), {**CANNED, "ResponseMetadata": {}})

    def answer(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        return canned

    client.meta.events.register("before-call.batch", answer)
    answered = client.list_jobs(jobQueue="q")
    client.meta.events.unregister("before-call.batch", answer)

    assert ids(answered) == ["canned-job"]
    assert ids(client.list_jobs(jobQueue="q")) == [job.job_id]


@pytest.mark.parametrize("wire", PATHS)
def test_response_metadata_carries_request_id_status_and_headers(
    fake_batch: FakeBatch, wire: bool, batch_client: BaseClient, offline: list[str]
) -> None:
    fake_batch.add_job(job_queue="q")

    first = batch_client.list_jobs(jobQueue="q")["ResponseMetadata"]
    second = batch_client.list_jobs(jobQueue="q")["ResponseMetadata"]

    headers = {name.lower(): value for name, value in first["HTTPHeaders"].items()}
    assert first["HTTPStatusCode"] == 200
    assert first["RetryAttempts"] == 0
    assert UUID.fullmatch(first["RequestId"])
    assert headers["x-amzn-requestid"] == first["RequestId"]
    assert headers["content-type"] == "application/json"
    assert parsedate_to_datetime(headers["date"]).tzinfo is not None
    assert "x-amzn-errortype" not in headers
    assert second["RequestId"] != first["RequestId"]


@pytest.mark.parametrize("wire", PATHS)
def test_errors_raise_client_exception_in_the_aws_envelope(
    fake_batch: FakeBatch, wire: bool, batch_client: BaseClient, offline: list[str]
) -> None:
    with pytest.raises(batch_client.exceptions.ClientException) as info:
        batch_client.list_jobs(jobQueue="missing")

    response = info.value.response
    metadata = response["ResponseMetadata"]
    headers = {name.lower(): value for name, value in metadata["HTTPHeaders"].items()}
    message = response["Error"]["Message"]
    envelope = ENVELOPE.fullmatch(message)
    assert envelope, message
    assert "missing" in envelope["detail"]
    assert envelope["id"] == metadata["RequestId"]
    assert UUID.fullmatch(metadata["RequestId"])
    assert headers["x-amzn-requestid"] == metadata["RequestId"]
    assert response["Error"]["Code"] == "ClientException"
    assert headers["x-amzn-errortype"] == "ClientException"
    assert metadata["HTTPStatusCode"] == 400
    assert metadata["RetryAttempts"] == 0
    assert str(info.value) == (
        f"An error occurred (ClientException) when calling the ListJobs operation: {message}"
    )


ATTACH_SCRIPT = """
import boto3, socket
from botocore.config import Config
early = boto3.Session().client("batch", region_name="us-east-1")  # before the plugin is imported
other = boto3.Session().client(
    "batch", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
)

def refuse(*args, **kwargs):
    raise OSError("network used")

socket.socket.connect = refuse
socket.getaddrinfo = refuse

from pytest_fakebatch import FakeBatch

with FakeBatch() as fake:
    job = fake.add_job("q")
    FakeBatch.attach(early)
    FakeBatch.attach(early)  # twice: still one set of handlers
    assert [s["jobId"] for s in early.list_jobs(jobQueue="q")["jobSummaryList"]] == [job.job_id]
    assert len(fake.calls) == 1
    try:
        other.list_jobs(jobQueue="q")
    except Exception as error:
        print("unattached:", type(error).__name__)
    try:
        FakeBatch.attach(boto3.Session().client("s3", region_name="us-east-1"))
    except ValueError as error:
        print(error)
print("ok")
"""


def test_attach_routes_a_client_made_before_the_plugin_was_imported(tmp_path: Path) -> None:
    script = tmp_path / "attach.py"
    script.write_text(ATTACH_SCRIPT)
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "y",
        "PYTEST_ADDOPTS": "",
    }

    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "unattached: EndpointConnectionError",
        "attach() takes a Batch client, not a s3 client",
        "ok",
    ]
