"""Shared test set-up.

Every Batch response any test receives through botocore is checked against botocore's output shape
for its operation (as botocore's Stubber checks canned responses), by a handler that every botocore
session made during the tests carries.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING, Any

import botocore.handlers
import botocore.session
import pytest
from botocore.validate import ParamValidator
from hypothesis import settings

from pytest_fakebatch import _routing
from tests.future_model import write_future_model
from tests.helpers import AsyncClient

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from botocore.client import BaseClient
    from botocore.model import OperationModel

    from pytest_fakebatch import FakeBatch

# Shared two-core machines stall now and then: a slow example is not a failure here (the suite
# measures no time). Examples that create botocore clients take tens of milliseconds.
settings.register_profile("pytest-fakebatch", deadline=None)
settings.load_profile("pytest-fakebatch")

_validated: list[str] = []


def _validate_output_shape(parsed: dict[str, Any], model: OperationModel, **_: Any) -> None:
    if "Error" in parsed or model.output_shape is None:
        return
    body = {key: value for key, value in parsed.items() if key != "ResponseMetadata"}
    report = ParamValidator().validate(body, model.output_shape)
    # The model marks JobDetail.startedAt required, yet "it's when the job transitioned from the
    # STARTING state to the RUNNING state" (API_JobDetail): a job that has not run has none, and
    # the service leaves it out. botocore never enforces required output members. The same
    # holds for DescribeServiceJob's startedAt (a service job starts once RUNNING).
    report._errors = [
        error
        for error in report._errors
        if not (
            model.name in ("DescribeJobs", "DescribeServiceJob")
            and error[0] == "missing required field"
            and error[2]["required_name"] == "startedAt"
        )
    ]
    if report.has_errors():
        raise AssertionError(
            f"{model.name} response does not match botocore's output shape:\n"
            f"{report.generate_report()}"
        )
    _validated.append(model.name)


botocore.handlers.BUILTIN_HANDLERS.append(("after-call.batch", _validate_output_shape))


@pytest.fixture
def validated_operations() -> list[str]:
    """The operations whose responses the output-shape check passed during this test."""
    _validated.clear()
    return _validated


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Make every socket connection and DNS lookup fail; yields the attempts made."""
    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args[1:] if args else kwargs))
        raise NetworkUsed(f"a test tried to use the network: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == [], f"network was used: {attempts}"


@pytest.fixture(autouse=True)
def nothing_leaks() -> Iterator[None]:
    """Every test leaves the environment, botocore's handlers and the fake's routing as it found
    them (this fixture is set up first and torn down last, after every other fixture)."""
    environment = _environment()
    handlers = list(botocore.handlers.BUILTIN_HANDLERS)
    create_client = botocore.session.Session.create_client
    yield
    assert _environment() == environment, "the test changed the environment"
    assert handlers == botocore.handlers.BUILTIN_HANDLERS, "botocore's handlers changed"
    assert botocore.session.Session.create_client is create_client, "create_client still patched"
    assert _routing.active_fake() is None, "a FakeBatch is still active"


def _environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != "PYTEST_CURRENT_TEST"}


@pytest.fixture
def clean_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AWS settings from the developer's machine: no variables, no config files, fresh boto3."""
    import boto3

    for name in list(os.environ):
        if name.startswith("AWS_") and name != "AWS_DATA_PATH":  # set by awscli on import
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)


@pytest.fixture
def future_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A newer botocore's Batch model, with an operation the fake does not know (see
    tests/future_model.py), for the rest of the test: AWS_DATA_PATH names it, and boto3's default
    session is a fresh one that loads it (so does any botocore session created from now on)."""
    import boto3

    data_path = write_future_model(tmp_path / "future-model")
    monkeypatch.setenv("AWS_DATA_PATH", str(data_path))
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    return data_path


@pytest.fixture(params=["botocore", "aiobotocore"])
def client(fake: FakeBatch, request: pytest.FixtureRequest) -> Iterator[BaseClient]:
    """A Batch client in the module's ``fake``'s region: boto3's, then aiobotocore's behind the
    same synchronous calls (see helpers.AsyncClient)."""
    import boto3

    if request.param == "botocore":
        yield boto3.client("batch", region_name=fake.region)
        return
    pytest.importorskip("aiobotocore")
    async_client = AsyncClient(fake.region)
    yield async_client  # type: ignore[misc]
    async_client.close()
