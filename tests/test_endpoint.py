"""The HTTP endpoint: the fake_batch_server fixture, and AWS's REST-JSON protocol over a socket.

In-process botocore clients are answered by an active fake before they reach the network, so the
tests that drive the endpoint with botocore here serve a fake that is not active (the client
then sends real, SigV4-signed HTTP requests); clients in other processes are in
test_endpoint_clients.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_fakebatch import FakeBatch, UnsupportedOperationError
from pytest_fakebatch._http_routes import route_table
from pytest_fakebatch._operations import OPERATIONS
from pytest_fakebatch._server import FakeBatchServer
from tests.endpoint_helpers import request
from tests.future_model import FUTURE_METHOD_AND_URI, FUTURE_OPERATION, future_environment
from tests.model_support import SINCE_LOWEST_BOTOCORE

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from botocore.client import BaseClient
    from botocore.model import Shape

MODEL = botocore.session.get_session().get_service_model("batch")
FROZEN_AT = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def http_client(server: FakeBatchServer, region: str | None = None) -> BaseClient:
    """A botocore client that reaches ``server`` over HTTP (its fake must not be active)."""
    return boto3.client(
        "batch",
        endpoint_url=server.endpoint_url,
        region_name=region or server.fake.region,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="any-secret-the-endpoint-never-checks",
        config=Config(retries={"total_max_attempts": 1}),
    )


@pytest.fixture
def served() -> Iterator[FakeBatchServer]:
    """A server over a fake that is not active, so that botocore here sends real HTTP."""
    with FakeBatchServer(FakeBatch(seed=3)) as server:
        yield server
    assert server.errors == []


# The fixture


def test_the_fixture_serves_the_tests_fake(fake_batch: FakeBatch, fake_batch_server: Any) -> None:
    assert fake_batch_server.fake is fake_batch
    port = fake_batch_server.port
    assert port > 0
    assert fake_batch_server.endpoint_url == f"http://127.0.0.1:{port}"
    assert fake_batch_server.env == {
        "AWS_ENDPOINT_URL_BATCH": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": fake_batch_server.env["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": fake_batch_server.env["AWS_SECRET_ACCESS_KEY"],
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }
    # Dummies, never a real key the test machine has.
    assert fake_batch_server.env["AWS_ACCESS_KEY_ID"] != os.environ.get("REAL_AWS_ACCESS_KEY_ID")
    job = fake_batch.add_job("q", status="RUNNABLE")

    answer = request(
        fake_batch_server.endpoint_url,
        "POST",
        "/v1/listjobs",
        {"jobQueue": "q", "jobStatus": "RUNNABLE"},
    )

    assert answer.status == 200
    assert [summary["jobId"] for summary in answer.json()["jobSummaryList"]] == [job.job_id]
    [logged] = fake_batch.get_calls("ListJobs")
    assert logged.params == {"jobQueue": "q", "jobStatus": "RUNNABLE"}


@pytest.mark.fake_batch(region="eu-west-2", account_id="210987654321", seed=77)
def test_the_fixture_takes_the_markers_options(fake_batch_server: Any) -> None:
    fake = fake_batch_server.fake
    assert (fake.region, fake.account_id, fake.seed) == ("eu-west-2", "210987654321", 77)
    assert (
        fake_batch_server.env["AWS_REGION"]
        == fake_batch_server.env["AWS_DEFAULT_REGION"]
        == "eu-west-2"
    )
    fake.add_queue("q")

    answer = request(fake_batch_server.endpoint_url, "POST", "/v1/describejobqueues", {})

    [queue] = answer.json()["jobQueues"]
    assert queue["jobQueueArn"] == "arn:aws:batch:eu-west-2:210987654321:job-queue/q"


def test_the_fixture_frees_its_port_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import json, socket, urllib.request
        PORTS = []

        def test_serves(fake_batch_server):
            PORTS.append(fake_batch_server.port)
            with urllib.request.urlopen(fake_batch_server.endpoint_url + "/_fakebatch/health") as r:
                assert json.load(r)["status"] == "ok"

        def test_after(fake_batch):
            with socket.socket() as probe:
                assert probe.connect_ex(("127.0.0.1", PORTS[0])) != 0
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_each_xdist_worker_has_its_own_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os, json, urllib.request
        import pytest

        @pytest.mark.parametrize("n", range(4))
        def test_serves(fake_batch_server, n, tmp_path_factory):
            worker = os.environ["PYTEST_XDIST_WORKER"]
            fake_batch_server.fake.add_job("q", job_name=worker)
            body = json.dumps({"jobQueue": "q"}).encode()
            with urllib.request.urlopen(fake_batch_server.endpoint_url + "/v1/listjobs", body) as r:
                [summary] = json.load(r)["jobSummaryList"]
            assert summary["jobName"] == worker
            record = tmp_path_factory.getbasetemp().parent / f"served-{worker}-{n}"
            record.write_text(str(os.getpid()))
        """
    )
    result = pytester.runpytest(
        "-n", "2", "-p", "no:randomly", f"--basetemp={pytester.path / 'tmp'}"
    )
    result.assert_outcomes(passed=4)
    records = sorted(pytester.path.rglob("served-*"))
    workers = {path.name.split("-")[1]: path.read_text() for path in records}
    assert len(records) == 4
    assert set(workers) == {"gw0", "gw1"}  # both workers served, each from its own process
    assert len(set(workers.values())) == 2


def test_a_server_failure_fails_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_fails(fake_batch_server):
            fake_batch_server.errors.append("Traceback: something broke in the server")
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*the fake_batch_server's HTTP server failed (a bug in pytest-fakebatch):",
            "Traceback: something broke in the server",
        ]
    )


# The protocol


def test_every_routed_operation_is_in_the_model_and_every_answered_one_routed() -> None:
    routes = route_table().operations
    assert set(routes) == set(MODEL.operation_names)
    # An older botocore's model lacks the operations AWS added since: no route reaches them.
    assert set(OPERATIONS) <= set(routes) | SINCE_LOWEST_BOTOCORE
    for name, (method, uri) in routes.items():
        assert (
            route_table().match(method, uri.replace("{resourceArn}", "arn%3Ax")).operation == name
        )


def test_a_signed_request_is_answered_in_its_credential_scopes_region(
    served: FakeBatchServer,
) -> None:
    served.fake.add_queue("here", region="eu-central-1")

    listed = http_client(served, region="eu-central-1").describe_job_queues()

    assert [queue["jobQueueName"] for queue in listed["jobQueues"]] == ["here"]
    assert http_client(served, region="us-east-1").describe_job_queues()["jobQueues"] == []


def test_an_unsigned_request_is_answered_in_the_fakes_region(served: FakeBatchServer) -> None:
    queue = served.fake.add_queue("default-region")

    answer = request(served.endpoint_url, "POST", "/v1/describejobqueues", b"")

    assert answer.status == 200
    assert [found["jobQueueArn"] for found in answer.json()["jobQueues"]] == [queue.arn]


def test_a_credential_scope_with_no_valid_region_is_refused(served: FakeBatchServer) -> None:
    authorization = (
        "AWS4-HMAC-SHA256 Credential=AKID/20260101/not a region/batch/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )

    answer = request(
        served.endpoint_url, "POST", "/v1/listjobs", {}, {"Authorization": authorization}
    )

    assert answer.status == 403
    assert answer.headers["x-amzn-errortype"] == "InvalidSignatureException"
    assert answer.json() == {
        "message": "Credential should be scoped to a valid region, not 'not a region'."
    }
    assert served.fake.calls == []


def test_errors_are_the_wire_paths_bytes(served: FakeBatchServer) -> None:
    answer = request(served.endpoint_url, "POST", "/v1/listjobs", {"jobQueue": "missing"})

    assert answer.status == 400
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-amzn-errortype"] == "ClientException"
    request_id = answer.headers["x-amzn-requestid"]
    assert answer.json() == {
        "__type": "ClientException",
        "message": f"Error executing request, Exception : JobQueue missing not found., RequestId: {request_id}",
    }
    [logged] = served.fake.calls
    assert logged.error is not None
    assert logged.error.code == "ClientException"


def test_the_tagging_routes_carry_their_members_in_the_url(served: FakeBatchServer) -> None:
    queue = served.fake.add_queue("tagged")
    client = http_client(served)

    client.tag_resource(resourceArn=queue.arn, tags={"team": "data", "tier": "gold", "x": "y"})
    client.untag_resource(resourceArn=queue.arn, tagKeys=["tier", "x"])

    assert client.list_tags_for_resource(resourceArn=queue.arn)["tags"] == {"team": "data"}
    assert [call.operation for call in served.fake.calls] == [
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
    ]
    assert served.fake.calls[1].params == {"resourceArn": queue.arn, "tagKeys": ["tier", "x"]}


# A server and a client whose botocore's Batch model has an operation the fake does not know: a
# process of their own, which loads that model from its start (the route table is read from the
# model once per process), as a newer botocore would be.
NEWER_BOTOCORE_SERVER = """
import http.client, json
import boto3
from botocore.exceptions import ClientError
from pytest_fakebatch import FakeBatch
from pytest_fakebatch._http_routes import route_table
from pytest_fakebatch._server import FakeBatchServer

with FakeBatchServer(FakeBatch(seed=3)) as server:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("POST", "/v1/describefuturethings", body=b'{"thingName": "raw"}')
    answer = connection.getresponse()
    raw = [answer.status, answer.getheader("x-amzn-errortype"), json.loads(answer.read())]
    connection.close()
    client = boto3.client(
        "batch",
        endpoint_url=server.endpoint_url,
        region_name=server.fake.region,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="any-secret-the-endpoint-never-checks",
    )  # botocore's default retries: a 501 is not retried
    try:
        client.describe_future_things(maxResults=7)
        refused = None
    except ClientError as error:
        refused = [
            error.response["ResponseMetadata"]["HTTPStatusCode"],
            error.response["ResponseMetadata"]["RetryAttempts"],
            error.response["Error"]["Code"],
            error.response["Error"]["Message"],
        ]
    print(json.dumps({
        "route": route_table().operations.get("DescribeFutureThings"),
        "raw": raw,
        "client": refused,
        "unsupported_calls": server.fake.unsupported_calls,
        "logged": [[call.operation, call.params, call.error.code] for call in server.fake.calls],
        "errors": server.errors,
    }))
"""


def test_an_operation_the_fake_does_not_answer_is_logged_and_refused(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", NEWER_BOTOCORE_SERVER],
        env=future_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    outcome = json.loads(completed.stdout)
    message = str(UnsupportedOperationError(FUTURE_OPERATION, OPERATIONS))
    assert outcome["route"] == list(FUTURE_METHOD_AND_URI)  # the table is the model's
    assert outcome["raw"] == [501, "UnsupportedOperation", {"message": message}]
    assert outcome["client"] == [501, 0, "UnsupportedOperation", message]
    assert outcome["unsupported_calls"] == [FUTURE_OPERATION, FUTURE_OPERATION]
    assert outcome["logged"] == [
        [FUTURE_OPERATION, {"thingName": "raw"}, "pytest-fakebatch:UnsupportedOperation"],
        [FUTURE_OPERATION, {"maxResults": 7}, "pytest-fakebatch:UnsupportedOperation"],
    ]
    assert outcome["errors"] == []


def test_a_paginator_walks_every_page_over_http(served: FakeBatchServer) -> None:
    jobs = served.fake.add_jobs(23, "q", status="RUNNABLE")
    paginator = http_client(served).get_paginator("list_jobs")

    pages = list(
        paginator.paginate(jobQueue="q", jobStatus="RUNNABLE", PaginationConfig={"PageSize": 5})
    )

    assert [len(page["jobSummaryList"]) for page in pages] == [5, 5, 5, 5, 3]
    walked = [summary["jobId"] for page in pages for summary in page["jobSummaryList"]]
    assert sorted(walked) == sorted(job.job_id for job in jobs)


def test_reset_empties_the_fake_and_keeps_the_server(served: FakeBatchServer) -> None:
    fake = served.fake
    fake.add_job("q")
    client = http_client(served)
    client.describe_job_queues()

    answer = request(served.endpoint_url, "POST", "/_fakebatch/reset", b"")

    assert (answer.status, answer.json()) == (200, {})
    assert (fake.jobs, fake.queues, fake.calls) == ([], [], [])
    assert (fake.region, fake.seed) == ("us-east-1", 3)
    assert client.describe_job_queues()["jobQueues"] == []
    job = fake.add_job("q")  # the fake works as before, with ids it never gave
    assert client.list_jobs(jobQueue="q")["jobSummaryList"][0]["jobId"] == job.job_id


# Every operation: the same answer over HTTP as in-process


def minimal(shape: Shape, name: str, hints: dict[str, str]) -> Any:
    """A small value botocore's validation accepts (see test_every_operation.py)."""
    kind = shape.type_name
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if kind == "structure":
        members = shape.members  # type: ignore[attr-defined]
        return {m: minimal(members[m], m, hints) for m in shape.required_members}  # type: ignore[attr-defined]
    if kind == "list":
        return [minimal(shape.member, name, hints)]  # type: ignore[attr-defined]
    if kind == "map":
        return {minimal(shape.key, "key", hints): minimal(shape.value, "value", hints)}  # type: ignore[attr-defined]
    if kind == "string":
        if shape.enum:  # type: ignore[attr-defined]
            return shape.enum[0]  # type: ignore[attr-defined]
        text = hints.get(name, f"minimal-{name}").ljust(low or 0, "x")
        return text if high is None else text[:high]
    if kind in ("integer", "long"):
        value = max(low if low is not None else 1, 0)
        return value if high is None else min(value, high)
    if kind in ("float", "double"):
        return 1.0
    return False  # boolean


def seeded(fake: FakeBatch) -> dict[str, str]:
    fake.clock.set(FROZEN_AT)
    job = fake.add_job("q", job_definition="d")
    return {
        "jobQueue": "q",
        "jobDefinition": "d",
        "jobId": job.job_id,
        "jobs": job.job_id,
        "resourceArn": fake.queues[0].arn,
        "jobName": "minimal-job",
        "jobQueueName": "minimal-queue",
        "jobDefinitionName": "minimal-definition",
        "computeEnvironmentName": "minimal-environment",
        "computeEnvironment": "minimal-environment",
        "reason": "a minimal request",
    }


def outcome(client: Any, operation: str, params: dict[str, Any]) -> tuple[str, Any]:
    try:
        response = getattr(client, xform_name(operation))(**params)
    except ClientError as error:
        return "refused", (error.response["Error"], error.response.get("message"))
    response.pop("ResponseMetadata")
    return "answered", response


def logged(call: Any) -> tuple[Any, ...]:
    """A logged call, less the idempotency tokens botocore draws afresh for each request."""
    shape = MODEL.operation_model(call.operation).input_shape
    drawn = {
        name
        for name, member in (shape.members.items() if shape is not None else ())  # type: ignore[attr-defined]
        if member.metadata.get("idempotencyToken")
    }
    params = {name: value for name, value in call.params.items() if name not in drawn}
    return call.operation, params, call.response, call.error


def test_every_operation_gets_the_same_answer_over_http_as_in_process() -> None:
    """Two fakes seeded alike, their clocks frozen: every operation the fake answers that the
    installed botocore can call, called in turn with a minimal request, gets the same response or error (request ids included) and
    leaves the same call log, whether botocore's hooks answer it or the endpoint does."""
    in_process, over_http = FakeBatch(seed=11, wire=True), FakeBatch(seed=11)
    hints, _ = seeded(in_process), seeded(over_http)
    operations = sorted(set(OPERATIONS) & set(MODEL.operation_names))
    assert set(OPERATIONS) - set(operations) <= SINCE_LOWEST_BOTOCORE
    local = boto3.client(
        "batch",
        region_name="us-east-1",
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}),
    )
    with in_process:
        expected = {
            op: outcome(local, op, minimal(MODEL.operation_model(op).input_shape, op, hints))
            for op in operations
        }
    with FakeBatchServer(over_http) as server:
        remote = http_client(server)
        got = {
            op: outcome(remote, op, minimal(MODEL.operation_model(op).input_shape, op, hints))
            for op in operations
        }
    assert server.errors == []
    assert got == expected
    assert list(map(logged, over_http.calls)) == list(map(logged, in_process.calls))
    assert any(kind == "answered" for kind, _ in got.values())


def test_a_json_body_round_trips_unicode(served: FakeBatchServer) -> None:
    served.fake.add_queue("q")
    served.fake.add_job_definition("d")
    tags = {"note": "café ☕"}
    body = json.dumps({"jobName": "ok", "jobQueue": "q", "jobDefinition": "d", "tags": tags})

    answer = request(served.endpoint_url, "POST", "/v1/submitjob", body.encode())

    assert answer.status == 200
    [logged] = served.fake.calls
    assert logged.params["tags"] == tags
    described = http_client(served).describe_jobs(jobs=[answer.json()["jobId"]])
    assert described["jobs"][0]["tags"] == tags
