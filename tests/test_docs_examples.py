"""The examples of docs/seeding.md, docs/property-testing.md, docs/asserting-calls.md,
docs/retries.md, docs/async.md and docs/lifecycle.md, run; and the messages docs/usage.md quotes.

Each example is copied here as it appears on its page; every test first checks that the page still
shows it word for word, then runs it, so a change that breaks an example breaks a test, and so does
editing an example on the page without editing it here. Examples that need the plugin (marker,
options, header, failure report) run through ``pytester``; the others run in this process.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from hypothesis import given, settings

from pytest_fakebatch import FakeBatch, UnhandledCallError, UnsupportedOperationError
from pytest_fakebatch import strategies as fbst
from pytest_fakebatch._operations import OPERATIONS
from pytest_fakebatch.plugin import fake_batch_options, per_test_seed

if TYPE_CHECKING:
    from botocore.client import BaseClient

DOCS = Path(__file__).resolve().parent.parent / "docs"


def shown(page: str, example: str) -> str:
    """``example`` (dedented, stripped), after checking that docs/``page`` shows it as it is."""
    text = textwrap.dedent(example).strip("\n")
    assert text in (DOCS / page).read_text(), f"docs/{page} no longer shows:\n{text}"
    return text


def run_code(page: str, example: str, **names: Any) -> dict[str, Any]:
    """Run an example shown on ``page`` in a fresh namespace holding ``names``; return it."""
    namespace: dict[str, Any] = {"__name__": "docs_example", **names}
    exec(compile(shown(page, example), f"docs/{page}", "exec"), namespace)
    return namespace


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess("-p", "no:randomly", *args)


def assert_lines_in_order(output: str, expected: str) -> None:
    """Every line of ``expected`` is a whole line of ``output``, in the same order."""
    lines = output.splitlines()
    position = 0
    for line in expected.splitlines():
        try:
            position = lines.index(line, position) + 1
        except ValueError:
            pytest.fail(f"line not found (in order): {line!r}\n\noutput:\n{output}")


# docs/seeding.md

SEEDING = "seeding.md"

HEADER_LINE = "fake_batch: run seed 1234 (reproduce with --fake-batch-seed=1234)"

MARKER_EXAMPLE = """
import pytest

@pytest.mark.fake_batch(seed=42)
def test_with_a_fixed_seed(fake_batch):
    assert fake_batch.seed == 42
"""

OUTSIDE_PYTEST_EXAMPLE = """
from pytest_fakebatch import FakeBatch

first = FakeBatch(seed=7).add_job("q")
again = FakeBatch(seed=7).add_job("q")

assert (first.job_id, first.job_name) == (again.job_id, again.job_name)
"""

FIXED_TIMES_EXAMPLE = """
def test_with_fixed_times(fake_batch):
    fake_batch.clock.set(1_700_000_000_000)    # epoch milliseconds
    job = fake_batch.add_job("q")
    assert job.created_at == 1_700_000_000_000
"""

NIGHTLY_EXAMPLE = """
import boto3


def failed_jobs(queue):  # the code under test
    client = boto3.client("batch", region_name="us-east-1")
    return client.list_jobs(jobQueue=queue)["jobSummaryList"]  # forgot jobStatus="FAILED"


def test_failed_jobs(fake_batch):
    fake_batch.add_job("nightly", job_name="train")
    fake_batch.add_jobs(2, "nightly", status="FAILED")

    found = len(failed_jobs("nightly"))

    assert found == 2
"""

NIGHTLY_OUTPUT = """
============================= test session starts ==============================
fake_batch: run seed 1234 (reproduce with --fake-batch-seed=1234)
collected 1 item

test_nightly.py F                                                        [100%]

=================================== FAILURES ===================================
_______________________________ test_failed_jobs _______________________________
test_nightly.py:15: in test_failed_jobs
    assert found == 2
E   assert 1 == 2
---------------------------------- fake_batch ----------------------------------
seed: 3776743885
Batch calls (1):
  1. ListJobs(jobQueue='nightly') -> ok
jobs (3):
  job id                                name          queue    status
  a49e5fe6-4589-45ae-86f7-35b759c630ec  train         nightly  RUNNING
  aecd9f2b-d12b-4de6-9176-87430390b5aa  job-25093e1f  nightly  FAILED
  e5db1f36-3b89-443e-b657-16c7b65e8dfc  job-2c4fd9ac  nightly  FAILED
=========================== short test summary info ============================
FAILED test_nightly.py::test_failed_jobs - assert 1 == 2
"""


def test_the_header_line_as_shown(pytester: pytest.Pytester) -> None:
    shown(SEEDING, HEADER_LINE)
    pytester.makepyfile("def test_nothing():\n    pass\n")

    result = run(pytester, "--fake-batch-seed=1234")

    assert HEADER_LINE in result.stdout.lines


def test_the_per_test_seed_formula() -> None:
    shown(SEEDING, "(run_seed ^ zlib.crc32(nodeid.encode())) & 0xFFFFFFFF")
    shown(SEEDING, "Run again with `--fake-batch-seed=1234`, the test gets seed 3776743885")

    assert per_test_seed(1234, "test_nightly.py::test_failed_jobs") == 3776743885


def test_marker_and_fixed_times_examples_pass(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_marker=shown(SEEDING, MARKER_EXAMPLE), test_times=shown(SEEDING, FIXED_TIMES_EXAMPLE)
    )

    run(pytester).assert_outcomes(passed=2)


def test_the_seed_outside_pytest() -> None:
    run_code(SEEDING, OUTSIDE_PYTEST_EXAMPLE)


def test_the_failure_report_as_shown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_nightly=shown(SEEDING, NIGHTLY_EXAMPLE))
    expected = shown(SEEDING, NIGHTLY_OUTPUT)
    shown(SEEDING, "`pytest --fake-batch-seed=1234 --tb=short` prints")

    short = run(pytester, "--fake-batch-seed=1234", "--tb=short")
    long = run(pytester, "--fake-batch-seed=1234")

    short.assert_outcomes(failed=1)
    assert_lines_in_order(short.stdout.str(), expected)
    shown(
        SEEDING, "(`fake_batch = FakeBatch(region='us-east-1', ..., seed=3776743885, wire=False)`)"
    )
    assert (
        "fake_batch = FakeBatch(region='us-east-1', account_id='123456789012', "
        "seed=3776743885, wire=False)"
    ) in long.stdout.lines


@pytest.mark.parametrize(
    ("page_text", "make_config"),
    [
        pytest.param(
            "```ini\n[pytest]\nfake_batch_report = false\n```",
            lambda p: p.makeini("[pytest]\nfake_batch_report = false\n"),
            id="pytest.ini",
        ),
        pytest.param(
            "```toml\n[tool.pytest.ini_options]\nfake_batch_report = false\n```",
            lambda p: p.makepyprojecttoml("[tool.pytest.ini_options]\nfake_batch_report = false\n"),
            id="pyproject.toml",
        ),
        pytest.param("`pytest -o fake_batch_report=false`", None, id="-o"),
    ],
)
def test_the_report_turned_off_as_shown(
    pytester: pytest.Pytester, page_text: str, make_config: Any
) -> None:
    shown(SEEDING, page_text)
    pytester.makepyfile(test_nightly=shown(SEEDING, NIGHTLY_EXAMPLE))
    if make_config is None:
        args = ["-o", "fake_batch_report=false"]
    else:
        make_config(pytester)
        args = []

    result = run(pytester, *args)

    result.assert_outcomes(failed=1)
    result.stdout.no_fnmatch_line("*- fake_batch -*")


# docs/property-testing.md

PROPERTIES = "property-testing.md"

FAKE_IN_THE_BODY_EXAMPLE = """
import boto3
from hypothesis import given, settings

from pytest_fakebatch import FakeBatch
from pytest_fakebatch import strategies as fbst


def job_names_in(queue, status):  # the code under test
    client = boto3.client("batch", region_name="us-east-1")
    pages = client.get_paginator("list_jobs").paginate(jobQueue=queue, jobStatus=status)
    return [summary["jobName"] for page in pages for summary in page["jobSummaryList"]]


@settings(deadline=None)
@given(kwargs=fbst.jobs(job_queue="nightly"))
def test_a_job_is_listed_under_its_status(kwargs):
    with FakeBatch(seed=0) as fake:
        job = fake.add_job(**kwargs)

        assert job_names_in("nightly", job.status) == [job.job_name]
"""

STORES_EXAMPLE = """
import boto3
from hypothesis import given, settings

from pytest_fakebatch import strategies as fbst


def running_count(queue):  # the code under test
    client = boto3.client("batch", region_name="us-east-1")
    pages = client.get_paginator("list_jobs").paginate(
        jobQueue=queue, PaginationConfig={"PageSize": 5}
    )
    return sum(len(page["jobSummaryList"]) for page in pages)


@settings(deadline=None, max_examples=25)
@given(store=fbst.stores())
def test_running_count(store):
    with store:
        for queue in store.queues:
            expected = [
                job
                for job in store.jobs
                if job.job_queue == queue.arn and job.parent_id is None and job.status == "RUNNING"
            ]

            assert running_count(queue.name) == len(expected)
"""

REQUESTS_EXAMPLE = """
import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_fakebatch import strategies as fbst


def list_all(client, **request):  # the code under test: follows nextToken by hand
    summaries = []
    while True:
        response = client.list_jobs(**request)
        summaries += response["jobSummaryList"]
        if not response.get("nextToken"):
            return summaries
        request["nextToken"] = response["nextToken"]


@settings(deadline=None, max_examples=25)
@given(data=st.data(), store=fbst.stores(max_jobs=15))
def test_list_all_agrees_with_the_paginator(data, store):
    request = data.draw(fbst.list_jobs_requests(fake=store))
    with store:
        client = boto3.client("batch", region_name=store.region)
        pages = client.get_paginator("list_jobs").paginate(**request)
        expected = [summary["jobId"] for page in pages for summary in page["jobSummaryList"]]

        assert [summary["jobId"] for summary in list_all(client, **request)] == expected


@settings(deadline=None, max_examples=25)
@given(data=st.data(), store=fbst.stores(max_jobs=5))
def test_list_all_raises_what_the_service_raises(data, store):
    request = data.draw(fbst.list_jobs_requests(valid=False, fake=store))
    with store:
        client = boto3.client("batch", region_name=store.region)

        with pytest.raises(client.exceptions.ClientException):
            list_all(client, **request)
"""

FROM_TYPE_EXAMPLE = """
from hypothesis import given
from hypothesis import strategies as st

from pytest_fakebatch import Job


@given(job=st.from_type(Job))
def test_finished_jobs_have_an_exit_code(job):
    assert (job.exit_code is not None) == (job.status in ("SUCCEEDED", "FAILED"))
"""


def test_the_fake_built_in_the_body() -> None:
    run_code(PROPERTIES, FAKE_IN_THE_BODY_EXAMPLE)["test_a_job_is_listed_under_its_status"]()


def test_fixed_keywords() -> None:
    strategy = eval(shown(PROPERTIES, 'fbst.jobs(status="FAILED", job_queue="nightly")'))

    @settings(max_examples=20)
    @given(kwargs=strategy)
    def check(kwargs: dict[str, Any]) -> None:
        assert (kwargs["status"], kwargs["job_queue"]) == ("FAILED", "nightly")
        assert FakeBatch(seed=0).add_job(**kwargs).status == "FAILED"

    check()


def test_the_stores_example() -> None:
    run_code(PROPERTIES, STORES_EXAMPLE)["test_running_count"]()


def test_the_requests_examples() -> None:
    namespace = run_code(PROPERTIES, REQUESTS_EXAMPLE)

    namespace["test_list_all_agrees_with_the_paginator"]()
    namespace["test_list_all_raises_what_the_service_raises"]()


def test_the_from_type_example() -> None:
    run_code(PROPERTIES, FROM_TYPE_EXAMPLE)["test_finished_jobs_have_an_exit_code"]()


def test_a_bad_strategy_argument_as_shown() -> None:
    shown(
        PROPERTIES,
        "`fbst.array_jobs(max_size=1)` raises `max_size must be from 2 to 10,000, not 1`",
    )

    with pytest.raises(ValueError, match=re.escape("max_size must be from 2 to 10,000, not 1")):
        fbst.array_jobs(max_size=1)


def test_the_fixture_in_a_given_test_fails_the_health_check(pytester: pytest.Pytester) -> None:
    shown(PROPERTIES, "`FailedHealthCheck` (\"uses a function-scoped fixture 'fake_batch'\")")
    pytester.makepyfile(
        """
        from hypothesis import given
        from pytest_fakebatch import strategies as fbst

        @given(kwargs=fbst.jobs())
        def test_with_the_fixture(fake_batch, kwargs):
            fake_batch.add_job(**kwargs)
        """
    )

    result = run(pytester)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*FailedHealthCheck*uses a function-scoped fixture 'fake_batch'*"])


# docs/asserting-calls.md

CALLS = "asserting-calls.md"

LOG_EXAMPLE = """
def test_the_log_holds_the_request(fake_batch, batch_client):
    fake_batch.add_jobs(3, "q")
    pages = batch_client.get_paginator("list_jobs").paginate(
        jobQueue="q", PaginationConfig={"PageSize": 2}
    )
    list(pages)

    first, second = fake_batch.calls
    token = first.response["nextToken"]
    assert first.params == {"jobQueue": "q", "maxResults": 2}
    assert second.params == {"jobQueue": "q", "maxResults": 2, "nextToken": token}
    assert second.response["jobSummaryList"][0]["jobId"] == fake_batch.jobs[0].job_id
"""

GET_CALLS_EXAMPLE = """
fake_batch.get_calls()                                 # every call
fake_batch.get_calls("ListJobs")                       # every ListJobs call
fake_batch.get_calls("list_jobs", jobStatus="FAILED")  # only those that asked for FAILED jobs
fake_batch.get_calls(jobQueue="nightly")               # any operation with that jobQueue
"""

GET_CALL_NONE = """
expected exactly one call matching ListJobs(jobQueue='b'), found 0:
  (none)
All Batch calls:
  1. ListJobs(jobQueue='a') -> ok
"""

GET_CALL_SEVERAL = """
expected exactly one call matching a call with jobQueue='a', found 2:
  1. ListJobs(jobQueue='a') -> ok
  2. ListJobs(jobQueue='a', jobStatus='FAILED') -> ok
All Batch calls:
  1. ListJobs(jobQueue='a') -> ok
  2. ListJobs(jobQueue='a', jobStatus='FAILED') -> ok
"""

ASSERT_CALLED_EXAMPLE = """
def test_asks_for_runnable_jobs(fake_batch, batch_client):
    fake_batch.add_queue("a")
    batch_client.list_jobs(jobQueue="a", jobStatus="FAILED")
    batch_client.list_jobs(jobQueue="a")

    fake_batch.assert_called("ListJobs", jobQueue="a", jobStatus="RUNNABLE")
"""

ASSERT_CALLED_MESSAGE = """
expected a call matching ListJobs(jobQueue='a', jobStatus='RUNNABLE'), but none was made.
ListJobs was called with:
  1. ListJobs(jobQueue='a', jobStatus='FAILED') -> ok
       jobStatus: expected 'RUNNABLE', got 'FAILED'
  2. ListJobs(jobQueue='a') -> ok
       jobStatus: expected 'RUNNABLE', got (not given)
"""

NOT_CALLED_AT_ALL = """
expected a call matching SubmitJob(jobName='x'), but none was made.
SubmitJob was not called. All Batch calls:
  1. ListJobs(jobQueue='a') -> ClientException: Error executing request, Exception : JobQueue a not found., RequestId: <request id>
"""

NO_CALLS = """
expected a call matching ListJobs(), but none was made.
ListJobs was not called. All Batch calls:
  (none)
"""

ASSERT_NOT_CALLED_MESSAGE = """
expected no call matching ListJobs(), found 1:
  1. ListJobs(jobQueue='a') -> ok
"""

UNSUPPORTED_EXAMPLE = """
import pytest
from pytest_fakebatch import UnsupportedOperationError

@pytest.mark.fake_batch(allow_unsupported=True)  # else the test fails again at teardown
def test_future_things_are_not_supported(fake_batch, batch_client):
    with pytest.raises(UnsupportedOperationError):
        batch_client.describe_future_things(maxResults=5)

    call = fake_batch.get_call("DescribeFutureThings")
    assert call.params == {"maxResults": 5}
    assert call.error.code == "pytest-fakebatch:UnsupportedOperation"
"""

# Run after the example, in the same file: what else the page says of the logged call.
UNSUPPORTED_EXAMPLE_CHECKS = """


@pytest.mark.fake_batch(allow_unsupported=True)
def test_the_call_is_logged_with_the_error_the_code_got(fake_batch, batch_client):
    test_future_things_are_not_supported(fake_batch, batch_client)
    with pytest.raises(UnsupportedOperationError) as raised:
        batch_client.describe_future_things()

    assert fake_batch.unsupported_calls == ["DescribeFutureThings", "DescribeFutureThings"]
    assert [call.operation for call in fake_batch.calls] == fake_batch.unsupported_calls
    assert [call.response for call in fake_batch.calls] == [None, None]
    assert fake_batch.calls[-1].error.message == str(raised.value)
"""


def failure_message(check: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(AssertionError) as raised:
        check(*args, **kwargs)
    return str(raised.value)


def test_the_log_example(fake_batch: FakeBatch, batch_client: BaseClient) -> None:
    run_code(CALLS, LOG_EXAMPLE)["test_the_log_holds_the_request"](fake_batch, batch_client)


def test_the_get_calls_lines(fake_batch: FakeBatch, batch_client: BaseClient) -> None:
    fake_batch.add_queue("nightly")
    batch_client.list_jobs(jobQueue="nightly", jobStatus="FAILED")

    run_code(CALLS, GET_CALLS_EXAMPLE, fake_batch=fake_batch)

    assert len(fake_batch.get_calls("list_jobs", jobStatus="FAILED")) == 1


def test_get_call_messages_as_shown(fake_batch: FakeBatch, batch_client: BaseClient) -> None:
    fake_batch.add_queue("a")
    batch_client.list_jobs(jobQueue="a")

    assert failure_message(fake_batch.get_call, "ListJobs", jobQueue="b") == shown(
        CALLS, GET_CALL_NONE
    )
    batch_client.list_jobs(jobQueue="a", jobStatus="FAILED")
    assert failure_message(fake_batch.get_call, jobQueue="a") == shown(CALLS, GET_CALL_SEVERAL)


def test_assert_called_message_as_shown(fake_batch: FakeBatch, batch_client: BaseClient) -> None:
    example = run_code(CALLS, ASSERT_CALLED_EXAMPLE)["test_asks_for_runnable_jobs"]

    message = failure_message(example, fake_batch, batch_client)

    assert message == shown(CALLS, ASSERT_CALLED_MESSAGE)


def test_assert_called_messages_without_the_operation_as_shown(
    fake_batch: FakeBatch, batch_client: BaseClient
) -> None:
    assert failure_message(fake_batch.assert_called, "ListJobs") == shown(CALLS, NO_CALLS)
    with pytest.raises(batch_client.exceptions.ClientException):
        batch_client.list_jobs(jobQueue="a")

    message = failure_message(fake_batch.assert_called, "SubmitJob", jobName="x")

    error = fake_batch.get_call("ListJobs").error
    assert error is not None
    request_id = error.message.rpartition("RequestId: ")[2]
    assert message.replace(request_id, "<request id>") == shown(CALLS, NOT_CALLED_AT_ALL)


def test_assert_not_called_message_as_shown(
    fake_batch: FakeBatch, batch_client: BaseClient
) -> None:
    fake_batch.add_queue("a")
    batch_client.list_jobs(jobQueue="a")

    message = failure_message(fake_batch.assert_not_called, "ListJobs")

    assert message == shown(CALLS, ASSERT_NOT_CALLED_MESSAGE)
    fake_batch.assert_not_called("SubmitJob")


@pytest.mark.parametrize("method", ["get_calls", "get_call", "assert_called", "assert_not_called"])
def test_snake_case_parameters_are_refused(
    fake_batch: FakeBatch, batch_client: BaseClient, method: str
) -> None:
    message = (
        "parameters are matched as the service received them, in camelCase: use jobQueue=..., "
        "not job_queue=..."
    )
    shown(CALLS, "`TypeError: parameters are matched as the service received them, in camelCase:")
    fake_batch.add_queue("q")
    batch_client.list_jobs(jobQueue="q")

    with pytest.raises(TypeError) as raised:
        getattr(fake_batch, method)("ListJobs", job_queue="q")

    assert str(raised.value) == message


def test_the_unsupported_operation_example(pytester: pytest.Pytester, future_model: Path) -> None:
    """Run in a process whose botocore has the newer model from its start, as a user's newer
    botocore would (this process loaded botocore's model long before the test began)."""
    pytester.makepyfile(shown(CALLS, UNSUPPORTED_EXAMPLE) + UNSUPPORTED_EXAMPLE_CHECKS)

    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=2)  # and no error at teardown: both tests are marked


# docs/retries.md

RETRIES = "retries.md"

INJECT_FAULT_SIGNATURE = """
fake_batch.inject_fault(operation=None, *, error="TooManyRequestsException", times=1, after=0, message=None)
"""

SLEPT_FIXTURE = '''
import botocore.endpoint
import pytest


@pytest.fixture
def slept(monkeypatch):
    """botocore's back-off delays, recorded instead of slept."""
    delays = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", delays.append)
    return delays
'''

STANDARD_EXAMPLES = """
import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

STANDARD = Config(retries={"mode": "standard", "total_max_attempts": 3})


def test_throttling_is_retried_until_it_passes(fake_batch, slept):
    fake_batch.add_job("nightly")
    fake_batch.inject_fault("ListJobs", times=2)
    client = boto3.client("batch", region_name="us-east-1", config=STANDARD)

    response = client.list_jobs(jobQueue="nightly")

    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(response["jobSummaryList"]) == 1
    assert len(slept) == 2
    assert [call.error.code if call.error else "ok" for call in fake_batch.calls] == [
        "TooManyRequestsException",
        "TooManyRequestsException",
        "ok",
    ]


def test_throttling_past_the_retries_raises_what_aws_sends(fake_batch, slept):
    fake_batch.add_queue("nightly")
    fake_batch.inject_fault("ListJobs", times=3)
    client = boto3.client("batch", region_name="us-east-1", config=STANDARD)

    with pytest.raises(ClientError) as raised:
        client.list_jobs(jobQueue="nightly")

    response = raised.value.response
    assert response["Error"] == {"Code": "TooManyRequestsException", "Message": "Too Many Requests"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert response["ResponseMetadata"]["RetryAttempts"] == 2


def test_server_errors_are_retried_then_raised(fake_batch, slept):
    fake_batch.add_queue("nightly")
    fake_batch.inject_fault("ListJobs", error="ServerException", times=5)
    client = boto3.client("batch", region_name="us-east-1", config=STANDARD)

    with pytest.raises(client.exceptions.ServerException):
        client.list_jobs(jobQueue="nightly")

    assert len(fake_batch.get_calls("ListJobs")) == 3  # two faults are left over


def test_a_client_exception_is_not_retried(fake_batch, slept):
    fake_batch.add_queue("nightly")
    fake_batch.inject_fault(error="ClientException", message="Queue is being updated.")
    client = boto3.client("batch", region_name="us-east-1", config=STANDARD)

    with pytest.raises(client.exceptions.ClientException) as raised:
        client.list_jobs(jobQueue="nightly")

    assert "Exception : Queue is being updated., RequestId: " in str(raised.value)
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert slept == []
"""

AFTER_EXAMPLE = """
def test_throttling_on_the_second_page(fake_batch, slept):
    fake_batch.add_jobs(3, "nightly")
    fake_batch.inject_fault("ListJobs", after=1, times=1)
    client = boto3.client("batch", region_name="us-east-1", config=STANDARD)

    pages = client.get_paginator("list_jobs").paginate(
        jobQueue="nightly", PaginationConfig={"PageSize": 2}
    )

    assert sum(len(page["jobSummaryList"]) for page in pages) == 3
    first, throttled, retried = fake_batch.get_calls("ListJobs")
    assert throttled.error.code == "TooManyRequestsException"
    assert throttled.params == retried.params  # the retry resends the same token
"""

ADAPTIVE_EXAMPLE = '''
import boto3
import botocore.retries.bucket
import pytest
from botocore.config import Config


@pytest.fixture
def no_client_rate_limit(monkeypatch):
    """Adaptive mode's client-side limiter never waits."""
    monkeypatch.setattr(
        botocore.retries.bucket.TokenBucket, "acquire", lambda self, amount=1, block=True: True
    )


def test_adaptive_mode_retries_throttling(fake_batch, slept, no_client_rate_limit):
    fake_batch.add_job("nightly")
    fake_batch.inject_fault("ListJobs", times=2)
    adaptive = Config(retries={"mode": "adaptive", "total_max_attempts": 3})
    client = boto3.client("batch", region_name="us-east-1", config=adaptive)

    response = client.list_jobs(jobQueue="nightly")

    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(fake_batch.get_calls("ListJobs")) == 3
'''

RATE_LIMIT_EXAMPLE = """
import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ONE_ATTEMPT = Config(retries={"mode": "standard", "total_max_attempts": 1})


@pytest.mark.fake_batch(rate_limit=2)
def test_the_third_call_in_a_second_is_throttled(fake_batch):
    fake_batch.clock.set(1_700_000_000_000)
    fake_batch.add_queue("nightly")
    client = boto3.client("batch", region_name="us-east-1", config=ONE_ATTEMPT)

    client.list_jobs(jobQueue="nightly")
    client.list_jobs(jobQueue="nightly")
    with pytest.raises(ClientError) as raised:
        client.list_jobs(jobQueue="nightly")
    fake_batch.clock.advance(0.5)  # half a second of fake time refills one call
    client.list_jobs(jobQueue="nightly")

    assert raised.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert [call.error.code for call in fake_batch.calls if call.error] == [
        "TooManyRequestsException"
    ]
"""

RATE_LIMIT_RETRIES_EXAMPLE = """
import boto3
import botocore.endpoint
import pytest
from botocore.config import Config


@pytest.mark.fake_batch(rate_limit=1)
def test_a_retrying_client_walks_every_page(fake_batch, monkeypatch):
    fake_batch.clock.set(1_700_000_000_000)
    monkeypatch.setattr(botocore.endpoint.time, "sleep", fake_batch.clock.advance)
    fake_batch.add_jobs(3, "nightly")
    patient = Config(retries={"mode": "standard", "total_max_attempts": 10})
    client = boto3.client("batch", region_name="us-east-1", config=patient)

    pages = client.get_paginator("list_jobs").paginate(
        jobQueue="nightly", PaginationConfig={"PageSize": 1}
    )

    assert sum(len(page["jobSummaryList"]) for page in pages) == 3
    throttled = [call for call in fake_batch.calls if call.error]
    assert throttled  # the second page was asked for in the same instant as the first
    assert {call.error.code for call in throttled} == {"TooManyRequestsException"}
"""


# docs/async.md

ASYNC = "async.md"

ASYNC_EXAMPLE = """
import asyncio

from aiobotocore.session import get_session


async def failed_job_ids(queue):  # the code under test
    session = get_session()
    async with session.create_client("batch", region_name="us-east-1") as client:
        response = await client.list_jobs(jobQueue=queue, jobStatus="FAILED")
        return [summary["jobId"] for summary in response["jobSummaryList"]]


def test_failed_job_ids(fake_batch):
    failed = fake_batch.add_job("nightly", status="FAILED")
    fake_batch.add_job("nightly", status="RUNNING")

    assert asyncio.run(failed_job_ids("nightly")) == [failed.job_id]
"""

ASYNC_PAGINATOR_EXAMPLE = """
import asyncio

from aiobotocore.session import get_session


async def all_job_ids(queue):  # the code under test
    session = get_session()
    async with session.create_client("batch", region_name="us-east-1") as client:
        paginator = client.get_paginator("list_jobs")
        pages = paginator.paginate(jobQueue=queue, PaginationConfig={"PageSize": 4})
        return [summary["jobId"] async for page in pages for summary in page["jobSummaryList"]]


def test_every_page_is_walked(fake_batch):
    jobs = fake_batch.add_jobs(10, "nightly")

    assert asyncio.run(all_job_ids("nightly")) == [job.job_id for job in reversed(jobs)]
    assert len(fake_batch.get_calls("ListJobs")) == 3
"""

ASYNC_ERRORS_EXAMPLE = """
async def queue_exists(name):  # the code under test
    async with get_session().create_client("batch", region_name="us-east-1") as client:
        try:
            await client.list_jobs(jobQueue=name)
        except client.exceptions.ClientException:
            return False
        return True
"""

ASYNC_RETRIES_EXAMPLE = """
import asyncio

from aiobotocore.session import get_session


async def list_jobs(queue):  # the code under test
    async with get_session().create_client("batch", region_name="us-east-1") as client:
        return await client.list_jobs(jobQueue=queue)


def test_async_throttling_is_retried(fake_batch, monkeypatch):
    delays = []

    async def no_sleep(seconds):
        delays.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", no_sleep)
    fake_batch.add_job("nightly")
    fake_batch.inject_fault("ListJobs", times=2)

    response = asyncio.run(list_jobs("nightly"))

    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(response["jobSummaryList"]) == 1
    assert len(delays) == 2
"""


# Any wait in real time fails an example, unless the example replaced that wait itself (as the
# pages show): botocore's back-off (time.sleep), aiobotocore's (asyncio.sleep), and adaptive mode's
# client-side limiter (a Condition.wait with a timeout).
NO_WAITING_CONFTEST = """
import asyncio
import threading
import time

import pytest


class RealWait(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_real_waiting(monkeypatch):
    real_async_sleep, real_wait = asyncio.sleep, threading.Condition.wait

    def sleep(seconds):
        if seconds > 0:
            raise RealWait(f"time.sleep({seconds!r})")

    async def async_sleep(seconds, result=None):
        if seconds > 0:
            raise RealWait(f"asyncio.sleep({seconds!r})")
        return await real_async_sleep(0, result)

    def wait(self, timeout=None):
        if timeout is not None and timeout > 0:
            raise RealWait(f"Condition.wait({timeout!r})")
        return real_wait(self, timeout)

    monkeypatch.setattr(time, "sleep", sleep)
    monkeypatch.setattr(asyncio, "sleep", async_sleep)
    monkeypatch.setattr(threading.Condition, "wait", wait)
"""


def test_the_inject_fault_signature_as_shown() -> None:
    definition = shown(RETRIES, INJECT_FAULT_SIGNATURE).replace("fake_batch.", "def ") + ": ..."
    namespace: dict[str, Any] = {}
    exec(definition, namespace)

    def described(function: Any) -> list[tuple[str, Any, Any]]:
        parameters = inspect.signature(function).parameters.values()
        return [(p.name, p.kind, p.default) for p in parameters if p.name != "self"]

    assert described(namespace["inject_fault"]) == described(FakeBatch.inject_fault)


def test_the_retry_examples_pass_without_waiting(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(NO_WAITING_CONFTEST)
    pytester.makepyfile(
        test_retries="\n\n\n".join(
            shown(RETRIES, example)
            for example in (
                SLEPT_FIXTURE,
                STANDARD_EXAMPLES,
                AFTER_EXAMPLE,
                ADAPTIVE_EXAMPLE,
                RATE_LIMIT_EXAMPLE,
                RATE_LIMIT_RETRIES_EXAMPLE,
            )
        )
    )

    run(pytester).assert_outcomes(passed=8)


def test_the_no_waiting_check_catches_adaptive_mode_unpatched(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(NO_WAITING_CONFTEST)
    unpatched = shown(RETRIES, ADAPTIVE_EXAMPLE).replace(", no_client_rate_limit)", ")")
    pytester.makepyfile(test_retries=shown(RETRIES, SLEPT_FIXTURE) + "\n\n\n" + unpatched)

    result = run(pytester)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*RealWait: Condition.wait(*"])


def test_the_async_examples_pass_without_waiting(pytester: pytest.Pytester) -> None:
    pytest.importorskip("aiobotocore.session")
    pytester.makeconftest(NO_WAITING_CONFTEST)
    pytester.makepyfile(
        test_async_examples="\n\n\n".join(
            shown(ASYNC, example)
            for example in (ASYNC_EXAMPLE, ASYNC_PAGINATOR_EXAMPLE, ASYNC_RETRIES_EXAMPLE)
        )
    )

    run(pytester).assert_outcomes(passed=3)


def test_the_async_errors_example(fake_batch: FakeBatch) -> None:
    pytest.importorskip("aiobotocore.session")
    namespace = run_code(ASYNC, ASYNC_EXAMPLE)
    queue_exists = run_code(ASYNC, ASYNC_ERRORS_EXAMPLE, **namespace)["queue_exists"]
    fake_batch.add_queue("nightly")

    assert asyncio.run(queue_exists("nightly")) is True
    assert asyncio.run(queue_exists("nope")) is False
    assert [call.error.code if call.error else "ok" for call in fake_batch.calls] == [
        "ok",
        "ClientException",
    ]


# Run in a fresh interpreter: this process has imported aiobotocore.session long ago.
LATE_IMPORT_SCRIPT = """
import asyncio, json, sys

import aiobotocore
from botocore.exceptions import NoRegionError

from pytest_fakebatch import FakeBatch

outcome = {"session_imported_by_package": "aiobotocore.session" in sys.modules}


async def region_and_jobs():
    async with get_session().create_client("batch") as client:
        return client.meta.region_name, len((await client.list_jobs(jobQueue="q"))["jobSummaryList"])


with FakeBatch(region="eu-west-3") as fake:
    fake.add_job("q")
    from aiobotocore.session import get_session  # after the fake was entered

    try:
        outcome["late"] = asyncio.run(region_and_jobs())
    except NoRegionError:
        outcome["late"] = "NoRegionError"
    with FakeBatch(region="eu-west-3") as inner:  # a nested fake does not look again
        inner.add_job("q")
        try:
            outcome["nested"] = asyncio.run(region_and_jobs())
        except NoRegionError:
            outcome["nested"] = "NoRegionError"

with FakeBatch(region="eu-west-3") as fake:  # imported before this outermost fake
    fake.add_job("q")
    outcome["early"] = asyncio.run(region_and_jobs())

print(json.dumps(outcome))
"""


def test_the_aiobotocore_condition_as_shown(tmp_path: Path) -> None:
    pytest.importorskip("aiobotocore.session")
    shown(
        ASYNC,
        "**the module `aiobotocore.session` must have been imported when the outermost active\n"
        "fake was entered.**",
    )
    shown(ASYNC, "`import aiobotocore` alone does not import\n`aiobotocore.session`")
    shown(ASYNC, "it does\nnot look again when a nested fake is entered.")
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AWS_") and name != "BOTO_CONFIG"
    }
    environment["AWS_CONFIG_FILE"] = str(tmp_path / "no-config")
    environment["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "no-credentials")

    completed = subprocess.run(
        [sys.executable, "-c", LATE_IMPORT_SCRIPT],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(completed.stdout) == {
        "session_imported_by_package": False,
        "late": "NoRegionError",
        "nested": "NoRegionError",
        "early": ["eu-west-3", 1],
    }


# docs/lifecycle.md

LIFECYCLE = "lifecycle.md"

NOTHING_MOVES_EXAMPLE = """
import boto3


def test_a_submitted_job_waits_for_the_test(fake_batch):
    fake_batch.add_queue("nightly")
    fake_batch.add_job_definition("train")
    client = boto3.client("batch", region_name="us-east-1")

    job_id = client.submit_job(jobName="train", jobQueue="nightly", jobDefinition="train")["jobId"]
    fake_batch.clock.advance(3600)  # an hour later, nothing has run it

    [job] = client.describe_jobs(jobs=[job_id])["jobs"]
    assert job["status"] == "SUBMITTED"
"""

SET_STATUS_SIGNATURE = """
fake_batch.set_status(job_id, status, *, reason=None, exit_code=None, container_reason=None)
"""

SET_STATUS_EXAMPLE = """
def test_a_job_that_ran_out_of_memory(fake_batch):
    job = fake_batch.add_job("nightly", status="SUBMITTED")

    running = fake_batch.set_status(job.job_id, "RUNNING")
    failed = fake_batch.set_status(job.job_id, "FAILED", exit_code=137, reason="out of memory")

    assert running.started_at is not None
    assert (failed.exit_code, failed.status_reason) == (137, "out of memory")
    assert len(failed.attempts) == 1
"""

ADVANCE_EXAMPLE = """
def test_one_step_at_a_time(fake_batch):
    job = fake_batch.add_job("nightly", status="SUBMITTED")

    statuses = [fake_batch.advance(job.job_id)[0].status for _ in range(3)]

    assert statuses == ["RUNNABLE", "STARTING", "RUNNING"]
"""

COMPLETE_SIGNATURE = """
fake_batch.complete(job_id, *, exit_code=0, reason=None, container_reason=None)
"""

COMPLETE_EXAMPLE = """
def test_a_job_without_a_retry_strategy_fails_at_once(fake_batch):
    job = fake_batch.add_job("nightly", status="RUNNABLE")

    done = fake_batch.complete(job.job_id, exit_code=1)

    assert (done.status, done.exit_code) == ("FAILED", 1)
    assert done.status_reason == "Essential container in task exited"
"""

DEPENDENCIES_EXAMPLE = """
import boto3


def test_a_failed_job_fails_the_jobs_that_depend_on_it(fake_batch):
    fake_batch.add_queue("nightly")
    fake_batch.add_job_definition("etl")
    client = boto3.client("batch", region_name="us-east-1")
    extract = client.submit_job(jobName="extract", jobQueue="nightly", jobDefinition="etl")["jobId"]
    load = client.submit_job(
        jobName="load", jobQueue="nightly", jobDefinition="etl", dependsOn=[{"jobId": extract}]
    )["jobId"]

    fake_batch.advance()
    assert fake_batch.get_job(load).status == "PENDING"  # waiting for extract
    fake_batch.complete(extract, exit_code=1)
    fake_batch.run_all()

    [job] = client.describe_jobs(jobs=[load])["jobs"]
    assert (job["status"], job["statusReason"]) == ("FAILED", "Dependent Job failed")
    assert "startedAt" not in job  # it never ran
"""

RETRIES_EXAMPLE = """
RETRY_ON_HOST_LOSS = {
    "attempts": 3,
    "evaluateOnExit": [
        {"onStatusReason": "Host EC2*", "action": "RETRY"},
        {"onReason": "*", "action": "EXIT"},
    ],
}


def test_only_a_lost_host_is_retried(fake_batch, batch_client):
    fake_batch.add_queue("nightly")
    fake_batch.add_job_definition("train")
    job_id = batch_client.submit_job(
        jobName="train", jobQueue="nightly", jobDefinition="train", retryStrategy=RETRY_ON_HOST_LOSS
    )["jobId"]

    again = fake_batch.complete(job_id, exit_code=1, reason="Host EC2 (instance i-0abc) terminated.")
    failed = fake_batch.complete(job_id, exit_code=1)  # the container's own failure

    assert again.status == "RUNNABLE"
    assert failed.status == "FAILED"
    [job] = batch_client.describe_jobs(jobs=[job_id])["jobs"]
    assert [attempt["container"]["exitCode"] for attempt in job["attempts"]] == [1, 1]
"""

CANCEL_EXAMPLE = """
def test_a_running_job_must_be_terminated(fake_batch, batch_client):
    queued = fake_batch.add_job("nightly", status="RUNNABLE")
    running = fake_batch.add_job("nightly", status="RUNNING")

    batch_client.cancel_job(jobId=queued.job_id, reason="not needed")
    batch_client.cancel_job(jobId=running.job_id, reason="not needed")  # too late: no effect
    assert fake_batch.get_job(queued.job_id).status == "FAILED"
    assert fake_batch.get_job(running.job_id).status == "RUNNING"

    batch_client.terminate_job(jobId=running.job_id, reason="not needed")
    stopped = fake_batch.get_job(running.job_id)
    assert (stopped.status, stopped.status_reason, stopped.is_terminated) == (
        "FAILED",
        "not needed",
        True,
    )
"""

ARRAY_EXAMPLE = """
def test_the_parent_follows_its_children(fake_batch):
    parent = fake_batch.add_array_job("nightly", size=3, child_statuses="SUBMITTED")
    first, second, _ = (child.job_id for child in parent.children)

    fake_batch.advance(first)
    assert fake_batch.get_job(parent.job_id).status == "PENDING"
    fake_batch.complete(second, exit_code=1)
    fake_batch.complete(parent.job_id)  # every child not finished yet, with exit code 0

    assert fake_batch.get_job(parent.job_id).status == "FAILED"
"""

MULTINODE_EXAMPLE = """
def test_nodes_move_with_their_job(fake_batch):
    job = fake_batch.add_multinode_job("nightly", num_nodes=2, status="RUNNABLE")

    fake_batch.complete(job.job_id, exit_code=3)

    nodes = fake_batch.get_job(job.job_id).nodes
    assert [(node.status, node.exit_code) for node in nodes] == [("FAILED", 3), ("FAILED", 3)]
"""

CLOCK_EXAMPLE = """
def test_timestamps_come_from_the_clock(fake_batch):
    fake_batch.clock.set(1_700_000_000_000)  # frozen, in epoch milliseconds
    job = fake_batch.add_job("nightly", status="SUBMITTED")
    fake_batch.clock.advance(30)
    fake_batch.set_status(job.job_id, "RUNNING")
    fake_batch.clock.advance(90)

    done = fake_batch.complete(job.job_id)

    assert (done.created_at, done.started_at, done.stopped_at) == (
        1_700_000_000_000,
        1_700_000_030_000,
        1_700_000_120_000,
    )
"""

RETENTION_EXAMPLE = """
import pytest


@pytest.mark.fake_batch(retention=60)  # seconds; or a timedelta; None: for ever
def test_finished_jobs_are_forgotten(fake_batch, batch_client):
    fake_batch.clock.set(1_700_000_000_000)
    job = fake_batch.add_job("nightly", status="RUNNING")
    fake_batch.complete(job.job_id)

    fake_batch.clock.advance(60)  # kept for the whole period
    assert batch_client.describe_jobs(jobs=[job.job_id])["jobs"]
    fake_batch.clock.advance(1)
    assert batch_client.describe_jobs(jobs=[job.job_id])["jobs"] == []
    assert batch_client.list_jobs(jobQueue="nightly", jobStatus="SUCCEEDED")["jobSummaryList"] == []
"""

LIFECYCLE_EXAMPLES = (
    NOTHING_MOVES_EXAMPLE,
    SET_STATUS_EXAMPLE,
    ADVANCE_EXAMPLE,
    COMPLETE_EXAMPLE,
    DEPENDENCIES_EXAMPLE,
    RETRIES_EXAMPLE,
    CANCEL_EXAMPLE,
    ARRAY_EXAMPLE,
    MULTINODE_EXAMPLE,
    CLOCK_EXAMPLE,
    RETENTION_EXAMPLE,
)


def test_the_lifecycle_examples_pass(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_lifecycle="\n\n\n".join(shown(LIFECYCLE, example) for example in LIFECYCLE_EXAMPLES)
    )

    run(pytester).assert_outcomes(passed=len(LIFECYCLE_EXAMPLES))


@pytest.mark.parametrize(
    ("signature", "method"),
    [
        pytest.param(SET_STATUS_SIGNATURE, FakeBatch.set_status, id="set_status"),
        pytest.param(COMPLETE_SIGNATURE, FakeBatch.complete, id="complete"),
    ],
)
def test_the_lifecycle_signatures_as_shown(signature: str, method: Any) -> None:
    definition = shown(LIFECYCLE, signature).replace("fake_batch.", "def ") + ": ..."
    namespace: dict[str, Any] = {}
    exec(definition, namespace)

    def described(function: Any) -> list[tuple[str, Any, Any]]:
        parameters = inspect.signature(function).parameters.values()
        return [(p.name, p.kind, p.default) for p in parameters if p.name != "self"]

    assert described(namespace[method.__name__]) == described(method)


def test_the_set_status_error_as_shown(fake_batch: FakeBatch) -> None:
    shown(LIFECYCLE, "finished job (`finished jobs never change`)")
    message = shown(
        LIFECYCLE,
        "job <id> is RUNNABLE; it can move to STARTING, RUNNING, SUCCEEDED, FAILED, not SUBMITTED",
    )
    job = fake_batch.add_job("nightly", status="RUNNABLE")

    with pytest.raises(ValueError, match=re.escape(message.replace("<id>", job.job_id))):
        fake_batch.set_status(job.job_id, "SUBMITTED")
    fake_batch.complete(job.job_id)
    with pytest.raises(ValueError, match="finished jobs never change"):
        fake_batch.set_status(job.job_id, "FAILED")


def test_an_unknown_job_to_cancel_as_shown(fake_batch: FakeBatch, batch_client: BaseClient) -> None:
    shown(LIFECYCLE, "a `jobId` the fake does not know is answered HTTP 200 with an\nempty body")
    job = fake_batch.add_job("q", status="RUNNABLE")

    for operation in (batch_client.cancel_job, batch_client.terminate_job):
        response = operation(jobId="nope", reason="not needed")

        assert set(response) == {"ResponseMetadata"}
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert fake_batch.get_job(job.job_id).status == "RUNNABLE"


def test_the_worked_example_is_collected() -> None:
    shown(LIFECYCLE, "[`docs/examples/sweep.py`](examples/sweep.py)")
    shown(LIFECYCLE, "[`docs/examples/test_sweep.py`](examples/test_sweep.py)")
    root = DOCS.parent
    testpaths = re.search(r"^testpaths = (.*)$", (root / "pyproject.toml").read_text(), re.M)

    assert (DOCS / "examples" / "sweep.py").is_file()
    assert (DOCS / "examples" / "test_sweep.py").is_file()
    assert testpaths is not None
    assert "docs/examples" in json.loads(testpaths.group(1))


# docs/usage.md

USAGE = "usage.md"

UNSUPPORTED_SECTION = re.compile(
    r"^## Operations the fake does not support\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL
)

UNHANDLED_MESSAGE = """
code under test called Batch operations pytest-fakebatch does not implement; each call failed with UnsupportedOperationError and was not sent to AWS:
  - DescribeFutureThings
If the test expects that, mark it @pytest.mark.fake_batch(allow_unsupported=True).
"""


def unsupported_section() -> str:
    found = UNSUPPORTED_SECTION.search((DOCS / USAGE).read_text())
    assert found is not None, f"docs/{USAGE} has no 'Operations the fake does not support' section"
    return found.group(1)


def test_the_supported_operations_as_listed() -> None:
    bullets = re.findall(r"^- [a-z ]+: (.*?)(?=^- |^\n)", unsupported_section(), re.M | re.S)
    listed = re.findall(r"`([A-Za-z]+)`", "".join(bullets))

    assert sorted(listed) == sorted(OPERATIONS), (
        f"docs/{USAGE} lists the supported operations {sorted(listed)}, but the fake implements "
        f"{sorted(OPERATIONS)}: update the list and the error message under it"
    )


@pytest.mark.fake_batch(allow_unsupported=True)
def test_the_unsupported_operation_message_as_shown(
    fake_batch: FakeBatch, future_model: Path
) -> None:
    # A client of the newer botocore the page names, with the operation the fake does not know.
    client = boto3.client("batch", region_name=fake_batch.region)
    with pytest.raises(UnsupportedOperationError) as raised:
        client.describe_future_things()

    message = str(raised.value)
    assert raised.value.operation == "DescribeFutureThings"
    assert "Supported operations: CancelJob, " in message  # the list is the fake's, computed
    assert f"{', '.join(sorted(OPERATIONS))}." in message
    assert fake_batch.unsupported_calls == ["DescribeFutureThings"]
    assert f"```text\n{message}\n```" in unsupported_section(), (
        f"docs/{USAGE} must quote the message as the fake prints it now:\n{message}"
    )


def test_the_unhandled_calls_message_as_shown() -> None:
    expected = shown(USAGE, UNHANDLED_MESSAGE)

    assert str(UnhandledCallError(["DescribeFutureThings"])) == expected


def test_the_unknown_marker_keyword_message_as_shown() -> None:
    message = (
        "@pytest.mark.fake_batch got unknown keyword 'regoin'; it takes region, account_id, seed, "
        "wire, rate_limit, allow_unsupported, retention, autorun, sleep, visibility_lag"
    )
    shown(USAGE, f"`TypeError: {message}`")

    with pytest.raises(TypeError) as raised:
        fake_batch_options(pytest.mark.fake_batch(regoin="eu-west-1").mark)

    assert str(raised.value) == message


# README.md


def test_the_readme_example_passes(pytester: pytest.Pytester) -> None:
    readme = (DOCS.parent / "README.md").read_text()
    example = readme.split("## Example\n\n```python\n", 1)[1].split("```", 1)[0]
    pytester.makepyfile(test_readme=example)

    run(pytester).assert_outcomes(passed=2)
