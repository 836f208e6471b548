"""pytest glue: the ``fake_batch`` marker and the ``fake_batch`` and ``batch_client`` fixtures."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import botocore.session
import pytest

from ._fake import FakeBatch

if TYPE_CHECKING:
    from collections.abc import Iterator

    from botocore.client import BaseClient

_FAKE_KEYWORDS = tuple(inspect.signature(FakeBatch).parameters)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fake_batch(region='us-east-1', account_id='123456789012', seed=None, wire=False): "
        "configure the fake_batch fixture; the closest marker wins.",
    )


def fake_batch_options(marker: pytest.Mark | None) -> dict[str, Any]:
    """The FakeBatch keywords a ``fake_batch`` marker gives, checked."""
    __tracebackhide__ = True
    if marker is None:
        return {}
    if marker.args:
        raise TypeError(
            f"@pytest.mark.fake_batch takes keyword arguments only ({', '.join(_FAKE_KEYWORDS)}); "
            f"got positional {marker.args!r}"
        )
    unknown = sorted(set(marker.kwargs) - set(_FAKE_KEYWORDS))
    if unknown:
        raise TypeError(
            f"@pytest.mark.fake_batch got unknown keyword {', '.join(map(repr, unknown))}; "
            f"it takes {', '.join(_FAKE_KEYWORDS)}"
        )
    return dict(marker.kwargs)


@pytest.fixture
def fake_batch(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    """An active FakeBatch: every AWS Batch call made during the test is answered by it."""
    __tracebackhide__ = True
    options = fake_batch_options(request.node.get_closest_marker("fake_batch"))
    with FakeBatch(**options) as fake:
        yield fake


@pytest.fixture
def batch_client(fake_batch: FakeBatch) -> BaseClient:
    """A botocore Batch client in the fake's region, answered by the fake."""
    session = botocore.session.get_session()
    return session.create_client("batch", region_name=fake_batch.region)
