"""Every operation in botocore's Batch model, called with a minimal valid request, on the fast and
the wire path, with the network refused and botocore's HTTP layer failing if reached.

Each call either gets the fake's answer (a response, or a ClientError with one of Batch's modeled
error codes) or, for an operation the fake does not implement, raises UnsupportedOperationError
naming the operation and listing the supported ones; nothing else. The operations answered are
exactly those in ``pytest_fakebatch._operations.OPERATIONS``, so an operation added to either
botocore's model or the fake is checked here without changes.

A minimal request holds the input shape's required members only: strings that name the seeded
queue, job definition and job where the member's name says what it refers to (so that supported
operations mostly succeed, and their responses meet conftest's output-shape check), an enum's
first value, integers and lengths within the model's bounds, one element in each required list
or map, and the required members of nested structures.
"""

from __future__ import annotations

import functools
import socket
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import boto3
import botocore.endpoint
import botocore.session
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_fakebatch import FakeBatch, UnsupportedOperationError
from pytest_fakebatch._operations import DELIBERATELY_UNSUPPORTED, OPERATIONS
from tests.future_model import FUTURE_OPERATION
from tests.model_support import SINCE_LOWEST_BOTOCORE

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from botocore.awsrequest import AWSPreparedRequest
    from botocore.client import BaseClient
    from botocore.model import Shape

REGION = "us-east-1"
QUEUE = "q"
DEFINITION = "d"
MODEL = botocore.session.get_session().get_service_model("batch")
OPERATION_NAMES = sorted(MODEL.operation_names)
#: The error codes Batch's model declares for its operations (ClientException, ServerException).
BATCH_ERRORS = frozenset(
    shape.name for name in OPERATION_NAMES for shape in MODEL.operation_model(name).error_shapes
)
#: What the fake logs for a call it does not implement (it never reaches botocore).
UNSUPPORTED_CODE = "pytest-fakebatch:UnsupportedOperation"

PATHS = [
    pytest.param(False, id="fast", marks=pytest.mark.fake_batch(allow_unsupported=True)),
    pytest.param(True, id="wire", marks=pytest.mark.fake_batch(wire=True, allow_unsupported=True)),
]


@functools.cache
def batch_client() -> BaseClient:
    """One client for the module (explicit dummy keys: it may be made while no fake is active);
    no retries, so each call is one request."""
    return boto3.client(
        "batch",
        region_name=REGION,
        aws_access_key_id="MINIMAL",
        aws_secret_access_key="MINIMAL",  # a dummy: the fake turns signing off
        config=Config(retries={"total_max_attempts": 1}),
    )


@pytest.fixture
def offline(no_network: list[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """No connection and no DNS lookup (conftest's no_network), no socket created at all, and
    botocore's HTTP layer fails if reached."""
    reached: list[str] = []

    def refuse(self: botocore.endpoint.Endpoint, request: AWSPreparedRequest) -> Any:
        reached.append(request.url)
        raise AssertionError(f"botocore's HTTP layer was reached: {request.url}")

    class NoSocket(socket.socket):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            reached.append(f"socket{args!r}")
            raise AssertionError(f"a test created a socket: {args!r}")

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", refuse)
    monkeypatch.setattr(socket, "socket", NoSocket)
    yield reached
    assert reached == [], f"requests reached botocore's HTTP layer or a socket: {reached}"


def seed(fake: FakeBatch) -> dict[str, str]:
    """A queue, a job definition and a job; returns strings by the member names that refer to
    them (a list member, such as DescribeJobs's ``jobs``, gets one element of its hint)."""
    job = fake.add_job(QUEUE, job_definition=DEFINITION)
    queue = fake.queues[0]
    return {
        "jobQueue": QUEUE,
        "jobDefinition": DEFINITION,
        "jobId": job.job_id,
        "jobs": job.job_id,
        "resourceArn": queue.arn,
        "jobName": "minimal-job",
        "jobQueueName": "minimal-queue",
        "jobDefinitionName": "minimal-definition",
        "computeEnvironmentName": "minimal-environment",
        "computeEnvironment": "minimal-environment",
        "reason": "a minimal request",
    }


def minimal(shape: Shape, name: str, hints: dict[str, str]) -> Any:
    """The smallest plausible value botocore's validation accepts for ``shape``."""
    kind = shape.type_name
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if kind == "structure":
        return {
            member: minimal(shape.members[member], member, hints)  # type: ignore[attr-defined]
            for member in shape.required_members  # type: ignore[attr-defined]
        }
    if kind == "list":
        return [minimal(shape.member, name, hints)]  # type: ignore[attr-defined]
    if kind == "map":
        key = minimal(shape.key, "key", hints)  # type: ignore[attr-defined]
        return {key: minimal(shape.value, "value", hints)}  # type: ignore[attr-defined]
    if kind == "string":
        if shape.enum:  # type: ignore[attr-defined]
            return shape.enum[0]  # type: ignore[attr-defined]
        text = hints.get(name, f"minimal-{name}")
        text = text.ljust(low or 0, "x")
        return text if high is None else text[:high]
    if kind in ("integer", "long"):
        value = max(low if low is not None else 1, 0)
        return value if high is None else min(value, high)
    if kind == "boolean":
        return False
    if kind in ("float", "double"):
        return 1.0
    if kind == "timestamp":
        return datetime(2024, 1, 1, tzinfo=timezone.utc)
    if kind == "blob":
        return b"x"
    raise NotImplementedError(f"no minimal value for {shape.name} of type {kind}")


def minimal_request(operation: str, hints: dict[str, str]) -> dict[str, Any]:
    shape = MODEL.operation_model(operation).input_shape
    return {} if shape is None else minimal(shape, operation, hints)  # type: ignore[no-any-return]


def call(operation: str, request: dict[str, Any]) -> tuple[str, Any]:
    """Make one call: ("answered", response), ("refused", error code) or ("unsupported", error)."""
    method = getattr(batch_client(), xform_name(operation))
    try:
        return "answered", method(**request)
    except ClientError as error:
        return "refused", error.response["Error"]["Code"]
    except UnsupportedOperationError as error:
        return "unsupported", error


def check_unsupported(error: UnsupportedOperationError, operation: str) -> None:
    """The error names the operation and lists the supported ones."""
    assert error.operation == operation
    assert error.supported == tuple(sorted(OPERATIONS))
    message = str(error)
    assert repr(operation) in message
    assert f"Supported operations: {', '.join(sorted(OPERATIONS))}." in message


def test_every_implemented_operation_is_in_the_model() -> None:
    # An operation newer than the installed botocore is answered but cannot be called.
    assert set(OPERATIONS) <= set(OPERATION_NAMES) | SINCE_LOWEST_BOTOCORE
    assert {"ClientException", "ServerException"} == BATCH_ERRORS


def assert_every_operation_is_accounted_for(model_operations: Iterable[str]) -> None:
    """Each operation of a Batch model is answered by the fake or deliberately unsupported."""
    left_out = sorted(set(model_operations) - set(OPERATIONS) - DELIBERATELY_UNSUPPORTED)
    assert set(model_operations) <= set(OPERATIONS) | DELIBERATELY_UNSUPPORTED, (
        f"botocore's Batch model has operations the fake neither answers nor lists in "
        f"_operations.DELIBERATELY_UNSUPPORTED: {left_out}; implement them, or list them there "
        f"(and on the fidelity page) if the fake must never answer them"
    )


def test_every_operation_in_the_model_is_answered_or_deliberately_unsupported() -> None:
    assert not DELIBERATELY_UNSUPPORTED & set(OPERATIONS), "answered and unsupported at once"
    assert_every_operation_is_accounted_for(OPERATION_NAMES)


def test_an_operation_a_newer_model_gains_fails_that_check(future_model: Path) -> None:
    """The check above, against a newer botocore's model (tests/future_model.py), as a session
    created now loads it: it fails, naming the operation."""
    newer = botocore.session.Session().get_service_model("batch")
    assert set(newer.operation_names) == set(OPERATION_NAMES) | {FUTURE_OPERATION}

    with pytest.raises(AssertionError) as raised:
        assert_every_operation_is_accounted_for(newer.operation_names)

    assert f"DELIBERATELY_UNSUPPORTED: [{FUTURE_OPERATION!r}];" in str(raised.value)


@pytest.mark.parametrize("wire", PATHS)
@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_each_operation_is_answered_or_unsupported_in_process(
    fake_batch: FakeBatch, operation: str, wire: bool, offline: list[str]
) -> None:
    assert fake_batch.wire is wire
    request = minimal_request(operation, seed(fake_batch))

    outcome, result = call(operation, request)

    if operation in OPERATIONS:
        assert outcome in ("answered", "refused"), result
        if outcome == "refused":
            assert result in BATCH_ERRORS
        else:
            assert result["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert fake_batch.unsupported_calls == []
        [logged] = fake_batch.calls
        assert logged.operation == operation
        assert (logged.error is None) == (outcome == "answered")
    else:
        assert outcome == "unsupported", result
        check_unsupported(result, operation)
        assert fake_batch.unsupported_calls == [operation]
        [logged] = fake_batch.calls
        assert logged.operation == operation
        assert logged.error is not None
        assert logged.error.code == UNSUPPORTED_CODE


@pytest.mark.parametrize("wire", [pytest.param(False, id="fast"), pytest.param(True, id="wire")])
def test_the_fake_answers_exactly_its_operations(wire: bool, offline: list[str]) -> None:
    """Every operation in turn, in one fake: those answered are OPERATIONS' keys, and
    unsupported_calls lists each of the others, in the order they were called."""
    answered, unsupported = set(), []
    with FakeBatch(seed=6, wire=wire, allow_unsupported=True) as fake:
        hints = seed(fake)
        for operation in OPERATION_NAMES:
            outcome, result = call(operation, minimal_request(operation, hints))
            if outcome == "unsupported":
                check_unsupported(result, operation)
                unsupported.append(operation)
            else:
                assert outcome == "answered" or result in BATCH_ERRORS, (operation, result)
                answered.add(operation)
        assert fake.unsupported_calls == unsupported
        assert [logged.operation for logged in fake.calls] == OPERATION_NAMES
    assert answered == set(OPERATIONS) & set(OPERATION_NAMES)  # the ones this botocore can call
    assert unsupported == [name for name in OPERATION_NAMES if name not in OPERATIONS]
