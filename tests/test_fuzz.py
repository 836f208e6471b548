"""Fuzz: random, type-valid but semantically wrong requests to every operation the fake implements.

Requests are drawn from botocore's own input shape for each operation, so an operation added to the
fake is fuzzed without changes here. Whatever the values, only the service's errors
(``ClientException``, ``ServerException``, ``TooManyRequestsException``) or botocore's
``ParamValidationError`` may come back: never a crash inside the fake, an unsupported-operation
error, or a response that does not match botocore's output shape (conftest checks every one).

Strings mix free text (a small alphabet with unicode, and empty) with the enum's values, with
names, ids, ARNs and a next token of the jobs each example seeds, so requests also get past the
first checks and reach deeper ones, and with hostile values: numbers in strings too long for
Python's ``int()`` (over 4,300 digits) where the service reads a number (a revision, a time filter,
a resource value, a node range), and integers at and past the 32- and 64-bit limits.

The operations are those botocore's model has and the fake answers (``OPERATIONS``), found at run
time: an operation added to the fake is fuzzed without changes here. The default run spends a
fixed budget of requests across them (``BUDGET``), so the suite stays fast as operations are
added; ``tests/test_fuzz_long.py`` (marked ``slow``, left out of the default run) sends 100,000.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pytest_fakebatch import FakeBatch
from pytest_fakebatch._operations import OPERATIONS
from tests.model_support import SINCE_LOWEST_BOTOCORE

if TYPE_CHECKING:
    from botocore.client import BaseClient
    from botocore.model import Shape

#: The error codes Batch sends (its modeled errors, and throttling).
SERVICE_ERRORS = frozenset({"ClientException", "ServerException", "TooManyRequestsException"})
SEED = 6
REGION = "us-east-1"
ALPHABET = "aZ09-_:/*. é中\N{PILE OF POO}\x00"
#: Words the API reference gives meaning to where the model says only "string" (filter names).
WORDS = (
    "JOB_NAME",
    "JOB_DEFINITION",
    "BEFORE_CREATED_AT",
    "AFTER_CREATED_AT",
    "SHARE_IDENTIFIER",
    "train*",
    "*",
    "0",
    "99999999999999999999999",
    # Numbers in strings too long for int() (Python refuses over 4,300 digits).
    "9" * 4400,
    "0" * 4400 + "7",
    "train:" + "9" * 4400,
    "arn:aws:batch:us-east-1:123456789012:job-definition/train:" + "9" * 4400,
    "1:" + "9" * 4400,
    "VCPU",
    "MEMORY",
)
MAX_DEPTH = 5  # nesting a recursive shape may reach before it stops growing


def seed_jobs(fake: FakeBatch) -> None:
    """The same few jobs in every example: the seed fixes their ids."""
    fake.add_jobs(3, "q", job_name="train", share_identifier="s1")
    fake.add_job("q", status="SUCCEEDED", job_definition="train")
    fake.add_array_job("q", size=2, child_statuses=["RUNNING", "FAILED"])
    fake.add_multinode_job("q", num_nodes=2)
    fake.add_queue("empty")


@functools.cache
def hints() -> tuple[str, ...]:
    """Strings the seeded fake gives meaning to: a queue's name and ARN, the array and multi-node
    jobs' ids, a job name and job definition, a createdAt and a real next token."""
    with FakeBatch(seed=SEED) as fake:
        seed_jobs(fake)
        client = boto3.client("batch", region_name=REGION)
        token = client.list_jobs(jobQueue="q", maxResults=1)["nextToken"]
        queue = fake.queues[0]
        job = fake.jobs[0]
        parents = [job.job_id for job in fake.jobs if job.array_size or job.num_nodes]
        return (
            *WORDS,
            token,
            queue.name,
            queue.arn,
            *parents,
            job.job_name,
            job.job_definition,
            job.job_definition.rpartition("/")[2].rpartition(":")[0],
            str(job.created_at),
        )


def from_shape(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of any type botocore's model allows for ``shape``: type-valid, meaning aside."""
    kind = shape.type_name
    if kind == "structure":
        members = {} if depth > MAX_DEPTH else shape.members  # type: ignore[attr-defined]
        required = set(shape.required_members)  # type: ignore[attr-defined]
        strategies = {name: from_shape(member, depth + 1) for name, member in members.items()}
        return _structures(
            {name: value for name, value in strategies.items() if name in required},
            {name: value for name, value in strategies.items() if name not in required},
        )
    if kind == "list":
        size = 0 if depth > MAX_DEPTH else 3
        return st.lists(from_shape(shape.member, depth + 1), max_size=size)  # type: ignore[attr-defined]
    if kind == "map":
        size = 0 if depth > MAX_DEPTH else 3
        return st.dictionaries(
            from_shape(shape.key, depth + 1),  # type: ignore[attr-defined]
            from_shape(shape.value, depth + 1),  # type: ignore[attr-defined]
            max_size=size,
        )
    if kind == "string":
        # Known values twice as often as free text, so that requests get past the first checks.
        known = st.sampled_from(shape.enum or hints())  # type: ignore[attr-defined]
        return st.one_of(st.text(ALPHABET, max_size=12), known, known)
    if kind in ("integer", "long"):
        return st.one_of(
            st.integers(-3, 10),
            st.integers(),
            st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 2**62, 2**63, -(2**63), 10**18]),
        )
    if kind == "boolean":
        return st.booleans()
    if kind in ("float", "double"):
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "timestamp":
        return st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))
    if kind == "blob":
        return st.binary(max_size=8)
    raise NotImplementedError(f"no strategy for {shape.name} of type {kind}")


def _structures(
    required: dict[str, st.SearchStrategy[Any]], optional: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """The required members and a few optional ones: a set's size leans small, so requests often
    give one member of a group where the service wants exactly one (ListJobs's selectors)."""
    if not optional:
        return st.fixed_dictionaries(required)
    pick = st.sampled_from(sorted(optional))
    one = st.sets(pick, min_size=1, max_size=1)
    names = st.one_of(one, one, st.sets(pick, max_size=2), st.sets(pick))
    return names.flatmap(
        lambda chosen: st.fixed_dictionaries(
            {**required, **{name: optional[name] for name in sorted(chosen)}}
        )
    )


@functools.cache
def batch_model() -> Any:
    return botocore.session.get_session().get_service_model("batch")


def fuzzed_operations() -> list[str]:
    """Every operation of botocore's Batch model that the fake answers, found at run time."""
    return sorted(set(OPERATIONS) & set(batch_model().operation_names))


#: Requests the default run sends in all (each operation gets its share, on each of the four
#: paths and validation settings), and the fewest examples an operation gets on each.
BUDGET = 4000
VARIANTS = 4
MIN_EXAMPLES = 10


def examples_each() -> int:
    return max(MIN_EXAMPLES, BUDGET // (VARIANTS * len(fuzzed_operations())))


@functools.cache
def requests(operation: str) -> st.SearchStrategy[dict[str, Any]]:
    model = batch_model().operation_model(operation)
    if model.input_shape is None:
        return st.just({})
    return from_shape(model.input_shape)  # type: ignore[return-value]


@functools.cache
def fuzz_client(validate: bool) -> BaseClient:
    """One client per kind for the whole module (explicit keys: made while no fake is active)."""
    return boto3.client(
        "batch",
        region_name=REGION,
        aws_access_key_id="FUZZ",
        aws_secret_access_key="FUZZ",  # a dummy: the fake turns signing off
        config=Config(parameter_validation=validate, retries={"total_max_attempts": 1}),
    )


@pytest.mark.parametrize("operation", fuzzed_operations())
@pytest.mark.parametrize("wire", [pytest.param(False, id="fast"), pytest.param(True, id="wire")])
@pytest.mark.parametrize(
    "validate", [pytest.param(True, id="validated"), pytest.param(False, id="unvalidated")]
)
@settings(max_examples=examples_each(), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_wrong_requests_get_only_the_service_errors(
    operation: str, wire: bool, validate: bool, data: st.DataObject
) -> None:
    """With validation off (a client made with ``parameter_validation=False``), whatever botocore
    would have refused reaches the fake, which must refuse it the service's way."""
    request = data.draw(requests(operation), label="request")
    outcome = send(operation, wire, validate, request)
    event(outcome)


def send(operation: str, wire: bool, validate: bool, request: dict[str, Any]) -> str:
    """Send one request to a freshly seeded fake; its outcome (``ok``, ``ParamValidationError``
    or the service's error code). Fails on anything else: a crash, an unsupported operation, a
    response that does not match botocore's output shape, a call the call log missed."""
    client = fuzz_client(validate)
    with FakeBatch(seed=SEED, wire=wire) as fake:
        seed_jobs(fake)
        outcome, response = "ok", {}
        try:
            getattr(client, xform_name(operation))(**request)
        except ParamValidationError:
            outcome = "ParamValidationError"
            assert validate, "a client that does not validate raised ParamValidationError"
        except ClientError as error:
            outcome, response = error.response["Error"]["Code"], error.response
        assert outcome in {"ok", "ParamValidationError", *SERVICE_ERRORS}, response
        if outcome in SERVICE_ERRORS:
            assert 400 <= response["ResponseMetadata"]["HTTPStatusCode"] < 600, response
        # Each call reaches the call log once, refused or not (botocore's refusals never leave it).
        assert len(fake.calls) == (0 if outcome == "ParamValidationError" else 1)
    return outcome


def test_every_implemented_operation_is_in_the_service_model() -> None:
    """The fuzz test draws requests from botocore's model: each operation must be there, so
    that every operation the fake answers is fuzzed (an older botocore's model lacks the
    operations AWS added since; its clients cannot call them)."""
    assert set(OPERATIONS) <= set(batch_model().operation_names) | SINCE_LOWEST_BOTOCORE
