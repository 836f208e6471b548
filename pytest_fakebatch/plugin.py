"""pytest glue: options, the ``fake_batch`` marker, the fixtures, seeds and failure reports.

pytest loads this module in every run of every project that has the package installed, so it
imports nothing heavy: not botocore (``_routing`` installs its handlers when botocore is first
imported), and not ``_fake`` until a test asks for a fake.
"""

from __future__ import annotations

import functools
import inspect
import zlib
from typing import TYPE_CHECKING, Any

import pytest

from . import _block
from ._report import failure_section
from ._routing import ENVIRONMENT
from .exceptions import UnhandledCallError
from .factories import random_seed

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    import botocore.session
    from botocore.client import BaseClient

    from ._fake import FakeBatch
    from ._server import FakeBatchServer

_RUN_SEED = pytest.StashKey[int]()
_FAKE = pytest.StashKey["FakeBatch"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fake_batch", "pytest-fakebatch")
    group.addoption(
        "--fake-batch-seed",
        type=int,
        default=None,
        metavar="N",
        help="Run seed for generated job ids and names (default: pytest-randomly's seed, or random).",
    )
    group.addoption(
        "--fake-batch-block",
        action="store_true",
        default=None,
        help="Make any AWS Batch call made while no fake is active fail at once (as the "
        "fake_batch_block ini option does).",
    )
    parser.addini(
        "fake_batch_block",
        type="bool",
        default=False,
        help="Make any AWS Batch call made while no fake is active (in a test without the fake, "
        "or after the tests) fail at once instead of reaching AWS.",
    )
    parser.addini(
        "fake_batch_report",
        type="bool",
        default=True,
        help="Add a 'fake_batch' section (Batch calls and jobs) to the report of a failed test.",
    )


def pytest_configure(config: pytest.Config) -> None:
    _block.push(bool(config.getoption("fake_batch_block") or config.getini("fake_batch_block")))
    # The keywords and defaults come from FakeBatch's signature, so the help cannot fall behind;
    # reading it imports the fake, so only `pytest --markers`, which shows them, pays for that.
    keywords = "**options"
    if getattr(config.option, "markers", False):
        keywords = ", ".join(
            f"{name}={parameter.default!r}"
            for name, parameter in inspect.signature(_fake_class()).parameters.items()
        )
    config.addinivalue_line(
        "markers",
        f"fake_batch({keywords}): configure the fake_batch fixture; the closest marker wins.",
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    _block.pop()  # the outermost session's setting stays, for atexit hooks


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test (class, module) marked fake_batch gets the fixture as if it named it, last.
    for item in items:
        names = getattr(item, "fixturenames", None)
        marked = item.get_closest_marker("fake_batch") is not None
        if marked and names is not None and "fake_batch" not in names:
            names.append("fake_batch")


def run_seed(config: pytest.Config) -> int:
    """The run's seed: --fake-batch-seed, else pytest-randomly's, else one drawn for this run.

    xdist workers receive the controller's, so every process agrees.
    """
    if _RUN_SEED not in config.stash:
        seed = config.getoption("fake_batch_seed")
        if seed is None:
            seed = getattr(config, "workerinput", {}).get("fake_batch_seed")
        if seed is None:
            randomly = getattr(config.option, "randomly_seed", None)
            seed = randomly if isinstance(randomly, int) else random_seed()
        config.stash[_RUN_SEED] = seed
    return config.stash[_RUN_SEED]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:  # pytest-xdist
    node.workerinput["fake_batch_seed"] = run_seed(node.config)


def pytest_report_header(config: pytest.Config) -> str:
    seed = run_seed(config)
    return f"fake_batch: run seed {seed} (reproduce with --fake-batch-seed={seed})"


def per_test_seed(run: int, nodeid: str) -> int:
    """A test's seed: the run seed mixed with its node id, so it does not depend on other tests."""
    return (run ^ zlib.crc32(nodeid.encode())) & 0xFFFFFFFF


def fake_batch_options(marker: pytest.Mark | None) -> dict[str, Any]:
    """The FakeBatch keywords a ``fake_batch`` marker gives, checked."""
    __tracebackhide__ = True
    if marker is None:
        return {}
    keywords = _fake_keywords()
    if marker.args:
        raise TypeError(
            f"@pytest.mark.fake_batch takes keyword arguments only ({', '.join(keywords)}); "
            f"got positional {marker.args!r}"
        )
    unknown = sorted(set(marker.kwargs) - set(keywords))
    if unknown:
        raise TypeError(
            f"@pytest.mark.fake_batch got unknown keyword {', '.join(map(repr, unknown))}; "
            f"it takes {', '.join(keywords)}"
        )
    return dict(marker.kwargs)


@pytest.fixture
def fake_batch(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    """An active FakeBatch: every AWS Batch call made during the test is answered by it."""
    __tracebackhide__ = True
    options = fake_batch_options(request.node.get_closest_marker("fake_batch"))
    if options.get("seed") is None:
        options["seed"] = per_test_seed(run_seed(request.config), request.node.nodeid)
    if "monkeypatch" in request.fixturenames:
        # The test or one of its fixtures monkeypatches: the fake's environment goes through the
        # same monkeypatch, so that undoing, last in first out, restores the original even when
        # the test sets the same variables. Other tests skip that fixture's cost: activation
        # saves and restores the environment itself.
        monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
        for name, value in ENVIRONMENT.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
    try:
        fake = _fake_class()(**options)
    except (TypeError, ValueError) as error:
        # A bad marker value is the test author's: shown without the fake's own frames.
        kind = TypeError if isinstance(error, TypeError) else ValueError
        raise kind(f"@pytest.mark.fake_batch: {error}") from None
    with fake:
        request.node.stash[_FAKE] = fake
        yield fake
    if fake.unsupported_calls and not fake.allow_unsupported:
        raise UnhandledCallError(fake.unsupported_calls)


@pytest.fixture
def fake_batch_server(fake_batch: FakeBatch) -> Iterator[FakeBatchServer]:
    """The test's ``fake_batch`` served over HTTP on 127.0.0.1, on a free port: ``endpoint_url``
    for clients in other processes or languages, ``env`` for a child process's environment."""
    __tracebackhide__ = True
    from ._server import FakeBatchServer  # loaded by the tests that use it, not with the plugin

    with FakeBatchServer(fake_batch) as server:
        yield server
    if server.errors:
        pytest.fail(
            "the fake_batch_server's HTTP server failed (a bug in pytest-fakebatch):\n"
            + "\n".join(server.errors),
            pytrace=False,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    fake = item.stash.get(_FAKE, None)
    if report.failed and fake is not None and item.config.getini("fake_batch_report"):
        report.sections.append(("fake_batch", failure_section(fake)))
    if call.when == "teardown" and _FAKE in item.stash:
        del item.stash[_FAKE]  # items live all session: let the fake and its jobs go
    return report


@pytest.fixture
def batch_client(fake_batch: FakeBatch) -> BaseClient:
    """A botocore Batch client in the fake's region, answered by the fake."""
    return _session().create_client("batch", region_name=fake_batch.region)


@functools.cache
def _session() -> botocore.session.Session:
    # One session for every batch_client: a new one reloads botocore's endpoint data (~0.1 s).
    # Batch clients made while a fake is active get dummy keys, so its credentials never matter.
    import botocore.session

    return botocore.session.get_session()


def _fake_class() -> type[FakeBatch]:
    from ._fake import FakeBatch  # imported on first use: see the module's docstring

    return FakeBatch


@functools.cache
def _fake_keywords() -> tuple[str, ...]:
    return tuple(inspect.signature(_fake_class()).parameters)
