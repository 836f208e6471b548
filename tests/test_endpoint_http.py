"""Bad HTTP never stops the endpoint nor changes the store: each case gets the error AWS would
send, or an HTTP error with a clear message, and the server answers the next request as before.

Raw sockets and http.client, against a server over a fake that is not active.
"""

from __future__ import annotations

import json
import re
import threading
import time
from typing import TYPE_CHECKING

import pytest

from pytest_fakebatch import FakeBatch
from pytest_fakebatch._server import MAX_BODY, FakeBatchServer
from tests.endpoint_helpers import (
    connect,
    parse_raw,
    raw_exchange,
    raw_socket,
    read,
    read_until_closed,
    request,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

JSON_PARSING = {"__type": "ClientException", "message": "An error occurred during JSON parsing"}


@pytest.fixture
def served() -> Iterator[FakeBatchServer]:
    fake = FakeBatch(seed=5)
    fake.add_jobs(3, "q", status="RUNNING")
    with FakeBatchServer(fake, timeout=5) as server:
        yield server
    assert server.errors == []


def still_serving(server: FakeBatchServer) -> None:
    """The server answers a good request, and the store holds what it held before."""
    answer = request(server.endpoint_url, "POST", "/v1/listjobs", {"jobQueue": "q"})
    assert answer.status == 200, answer
    assert len(answer.json()["jobSummaryList"]) == len(server.fake.jobs) == 3


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"jobQueue": "q"',
        b"[]",
        b'"jobQueue"',
        b"null",
        b'{"jobQueue": NaN}',
        b"\xff\xfe{}",
        '{"jobQueue": "q"}'.encode("utf-16"),
        b"\xef\xbb\xbf" + b'{"jobQueue": "q"}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"maxResults": 1' + b"0" * 5000 + b"}",
    ],
    ids=[
        "truncated",
        "unclosed",
        "array",
        "string",
        "null",
        "nan",
        "not-utf8",
        "utf16",
        "utf8-bom",
        "deep",
        "huge-int",
    ],
)
def test_a_body_that_is_not_a_json_object_gets_a_client_exception(
    served: FakeBatchServer, body: bytes
) -> None:
    answer = request(served.endpoint_url, "POST", "/v1/listjobs", body)

    assert answer.status == 400
    assert answer.headers["x-amzn-errortype"] == "ClientException"
    assert answer.headers["x-amzn-requestid"]
    assert answer.json() == JSON_PARSING
    assert served.fake.calls == []  # never reached the fake
    still_serving(served)


@pytest.mark.parametrize("body", [b"", b"  \r\n\t "])
def test_an_empty_or_blank_body_has_no_members(served: FakeBatchServer, body: bytes) -> None:
    answer = request(served.endpoint_url, "POST", "/v1/describejobqueues", body)

    assert answer.status == 200, answer
    assert [queue["jobQueueName"] for queue in answer.json()["jobQueues"]] == ["q"]
    assert served.fake.calls[-1].params == {}


def test_members_of_the_wrong_type_get_the_fakes_client_exception(served: FakeBatchServer) -> None:
    answer = request(
        served.endpoint_url, "POST", "/v1/listjobs", {"jobQueue": "q", "maxResults": "ten"}
    )

    assert answer.status == 400
    assert "Invalid type for maxResults: expected an integer." in answer.json()["message"]
    still_serving(served)


def test_an_unknown_path_is_a_404_naming_it(served: FakeBatchServer) -> None:
    answer = request(served.endpoint_url, "POST", "/v1/listjob", b"{}")

    assert answer.status == 404
    assert answer.headers["x-amzn-errortype"] == "UnknownOperationException"
    assert "no AWS Batch operation at POST /v1/listjob" in answer.json()["message"]
    still_serving(served)


def test_a_known_path_with_the_wrong_method_is_a_405(served: FakeBatchServer) -> None:
    answer = request(served.endpoint_url, "PUT", "/v1/tags/arn%3Aaws%3Abatch", b"{}")

    assert answer.status == 405
    assert answer.headers["allow"] == "DELETE, GET, POST"
    assert (
        answer.json()["message"]
        == "/v1/tags/arn%3Aaws%3Abatch takes DELETE or GET or POST, not PUT"
    )
    still_serving(served)


def test_an_unknown_method_and_a_malformed_request_line_get_json_errors(
    served: FakeBatchServer,
) -> None:
    unknown = parse_raw(
        raw_exchange(served.endpoint_url, b"BREW /v1/listjobs HTTP/1.1\r\nHost: x\r\n\r\n")
    )
    garbage = parse_raw(raw_exchange(served.endpoint_url, b"GARBAGE\r\n\r\n"))
    long_header = parse_raw(
        raw_exchange(
            served.endpoint_url, b"POST /v1/listjobs HTTP/1.1\r\nX: " + b"a" * 70_000 + b"\r\n\r\n"
        )
    )

    assert unknown.status == 501
    assert json.loads(unknown.body) == {"message": "pytest-fakebatch: Unsupported method ('BREW')"}
    assert garbage.status == 400
    assert "Bad request" in json.loads(garbage.body)["message"]
    assert long_header.status == 431
    still_serving(served)


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(
    served: FakeBatchServer,
) -> None:
    with raw_socket(served.endpoint_url) as sock:
        sock.sendall(
            b"POST /v1/submitjob HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {MAX_BODY + 1}\r\n\r\n".encode()
            + b'{"jobName": "'
        )
        answer = parse_raw(read_until_closed(sock))

    assert answer.status == 413
    assert answer.headers["connection"] == "close"
    assert json.loads(answer.body)["message"] == (
        f"the request body is larger than this server's limit of {MAX_BODY} bytes"
    )
    still_serving(served)


def test_a_chunked_body_is_read_and_one_over_the_limit_refused() -> None:
    fake = FakeBatch(seed=1)
    fake.add_queue("q")
    with FakeBatchServer(fake, max_body=64) as server:
        body = b'{"jobQueues": ["q"]}'
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        head = b"POST /v1/describejobqueues HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        answered = parse_raw(raw_exchange(server.endpoint_url, head + chunked))
        too_big = parse_raw(
            raw_exchange(server.endpoint_url, head + b"41\r\n" + b"x" * 65 + b"\r\n0\r\n\r\n")
        )
        bad_size = parse_raw(raw_exchange(server.endpoint_url, head + b"zz\r\n"))
    assert answered.status == 200
    assert [queue["jobQueueName"] for queue in json.loads(answered.body)["jobQueues"]] == ["q"]
    assert too_big.status == 413
    assert bad_size.status == 400
    assert json.loads(bad_size.body)["message"] == "bad chunk size b'zz'"
    assert [call.operation for call in fake.calls] == ["DescribeJobQueues"]
    assert server.errors == []


@pytest.mark.parametrize("length", ["ten", "-1", "9" * 30])
def test_a_bad_content_length_is_a_400(served: FakeBatchServer, length: str) -> None:
    answer = parse_raw(
        raw_exchange(
            served.endpoint_url,
            f"POST /v1/listjobs HTTP/1.1\r\nContent-Length: {length}\r\n\r\n".encode(),
        )
    )

    assert answer.status == 400
    assert (
        json.loads(answer.body)["message"]
        == f"Content-Length must be a number of bytes, not {length!r}"
    )
    still_serving(served)


def test_a_client_that_hangs_up_mid_body_changes_nothing(served: FakeBatchServer) -> None:
    submit = json.dumps({"jobName": "never", "jobQueue": "q", "jobDefinition": "d"}).encode()
    with raw_socket(served.endpoint_url) as sock:
        sock.sendall(
            b"POST /v1/submitjob HTTP/1.1\r\nHost: x\r\n"
            + f"Content-Length: {len(submit)}\r\n\r\n".encode()
            + submit[:10]
        )

    still_serving(served)
    assert served.fake.calls[:-1] == []  # only still_serving's ListJobs reached the fake


def test_a_client_that_hangs_up_before_its_answer_leaves_the_server_serving(
    served: FakeBatchServer,
) -> None:
    served.fake.add_job_definition("d")
    submit = json.dumps({"jobName": "orphan", "jobQueue": "q", "jobDefinition": "d"}).encode()
    for _ in range(20):
        with raw_socket(served.endpoint_url) as sock:
            sock.sendall(
                b"POST /v1/submitjob HTTP/1.1\r\nHost: x\r\n"
                + f"Content-Length: {len(submit)}\r\n\r\n".encode()
                + submit
            )
    # Each request was whole, so the fake answered it as AWS would have; nobody read the answer.
    deadline = time.monotonic() + 10
    while len(served.fake.calls) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [call.operation for call in served.fake.calls] == ["SubmitJob"] * 20
    assert all(call.error is None for call in served.fake.calls)
    answer = request(
        served.endpoint_url, "POST", "/v1/listjobs", {"jobQueue": "q", "jobStatus": "SUBMITTED"}
    )
    assert len(answer.json()["jobSummaryList"]) == 20


def test_a_slow_client_neither_blocks_others_nor_stays_for_ever() -> None:
    fake = FakeBatch(seed=2)
    with FakeBatchServer(fake, timeout=0.5) as server:
        slow = raw_socket(server.endpoint_url)
        slow.sendall(b"POST /v1/describejobqueues HTTP/1.1\r\nHost: x\r\nContent-Le")  # and stops
        for _ in range(5):  # others are answered meanwhile
            assert (
                request(server.endpoint_url, "POST", "/v1/describejobqueues", b"{}").status == 200
            )
        # The server closes it after its timeout (the socket's own 10 s timeout would fail this).
        assert read_until_closed(slow) == b""
        slow.close()
        idle = connect(server.endpoint_url)
        idle.request("POST", "/v1/describejobqueues", b"{}")
        assert read(idle).status == 200  # a kept-alive connection, then idle past the timeout
        time.sleep(0.8)
        assert idle.sock is not None
        assert idle.sock.recv(1) == b""
        idle.close()
    assert server.errors == []


def test_many_clients_at_once_each_get_their_answers_and_the_store_stays_whole() -> None:
    """16 threads, each on its own kept-alive connection, submit 25 jobs and list between
    submissions: every job is stored once, every call is logged, every listing is whole."""
    fake = FakeBatch(seed=9)
    fake.add_queue("q")
    fake.add_job_definition("d")
    failures: list[str] = []
    submitted: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = connect(server.endpoint_url)
        try:
            for index in range(25):
                body = json.dumps(
                    {"jobName": f"c{number}-{index}", "jobQueue": "q", "jobDefinition": "d"}
                )
                connection.request("POST", "/v1/submitjob", body)
                answer = read(connection)
                if answer.status != 200:
                    failures.append(repr(answer))
                    return
                with lock:
                    submitted.append(answer.json()["jobId"])
                connection.request(
                    "POST",
                    "/v1/listjobs",
                    json.dumps({"jobQueue": "q", "jobStatus": "SUBMITTED", "maxResults": 1000}),
                )
                listed = read(connection)
                if listed.status != 200 or not listed.json()["jobSummaryList"]:
                    failures.append(repr(listed))
                    return
        except Exception as error:  # reported below; a thread's exception would be lost
            failures.append(repr(error))
        finally:
            connection.close()

    with FakeBatchServer(fake) as server:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    assert server.errors == []
    assert len(submitted) == len(set(submitted)) == 400
    assert sorted(job.job_id for job in fake.jobs) == sorted(submitted)
    assert len(fake.get_calls("SubmitJob")) == 400
    assert len(fake.get_calls("ListJobs")) == 400


def test_stopping_closes_kept_alive_connections() -> None:
    server = FakeBatchServer(FakeBatch(seed=4)).start()
    connection = connect(server.endpoint_url)
    connection.request("GET", "/_fakebatch/health")
    assert read(connection).status == 200

    server.stop()

    assert connection.sock is not None
    assert connection.sock.recv(1) == b""
    connection.close()
    assert not server.running
    server.stop()  # stopping twice does nothing


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"port": -1}, "port must be a whole number from 0 to 65535, not -1"),
        ({"port": "4566"}, "port must be a whole number from 0 to 65535, not '4566'"),
        ({"max_body": 0}, "max_body must be a positive number of bytes, not 0"),
        ({"timeout": 0}, "timeout must be a positive number of seconds, not 0"),
    ],
)
def test_bad_server_options_are_refused_at_once(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        FakeBatchServer(FakeBatch(), **options)  # type: ignore[arg-type]


def test_expect_100_continue_gets_a_continue_or_an_early_413(served: FakeBatchServer) -> None:
    body = b'{"jobQueue": "q"}'
    head = b"POST /v1/listjobs HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n"
    with raw_socket(served.endpoint_url) as sock:
        sock.sendall(head + f"Content-Length: {len(body)}\r\n\r\n".encode())
        interim = sock.recv(1024)
        sock.sendall(body)
        final = parse_raw(read_until_closed(sock))
    refused = parse_raw(
        raw_exchange(served.endpoint_url, head + f"Content-Length: {MAX_BODY + 1}\r\n\r\n".encode())
    )

    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert final.status == 200
    assert len(json.loads(final.body)["jobSummaryList"]) == 3
    assert refused.status == 413
    still_serving(served)


def test_an_ipv6_loopback_host_is_served() -> None:
    try:
        server = FakeBatchServer(FakeBatch(seed=1), host="::1").start()
    except OSError as unavailable:
        pytest.skip(f"no IPv6 loopback here: {unavailable}")
    try:
        assert server.endpoint_url == f"http://[::1]:{server.port}"
        answer = request(server.endpoint_url, "GET", "/_fakebatch/health")
        assert answer.json()["status"] == "ok"
    finally:
        server.stop()
