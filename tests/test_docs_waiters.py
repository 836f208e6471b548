"""The examples of docs/waiters.md, run as the page shows them (each Python block, taken from the
page itself), through pytester since they use the fixture and the marker."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from pytest_fakebatch import FakeBatch

PAGE = Path(__file__).resolve().parent.parent / "docs" / "waiters.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(), re.S)


def _block(first_line: str) -> str:
    """The page's Python block that starts with ``first_line``."""
    found = [block for block in _blocks() if block.startswith(first_line)]
    assert len(found) == 1, f"docs/waiters.md has {len(found)} blocks starting {first_line!r}"
    return found[0]


@pytest.fixture(autouse=True)
def _no_aws_settings(clean_aws_environment: None) -> None:
    """No AWS settings from the machine running the suite."""


def run(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    pytester.makepyfile(test_example=source)
    return pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:hypothesispytest")


def test_the_botocore_waiter_examples(pytester: pytest.Pytester) -> None:
    waiter = _block("import boto3\nimport botocore.waiter")
    failing = _block("from botocore.exceptions import WaiterError")

    result = run(pytester, waiter + "\n\n" + failing)

    result.assert_outcomes(passed=2)


def test_the_time_sleep_loop_example(pytester: pytest.Pytester) -> None:
    result = run(pytester, _block("import time\n"))

    result.assert_outcomes(passed=1)


def test_the_aiobotocore_example(pytester: pytest.Pytester) -> None:
    pytest.importorskip("aiobotocore")

    result = run(pytester, _block("import asyncio\n"))

    result.assert_outcomes(passed=1)


def test_the_outcome_example(pytester: pytest.Pytester) -> None:
    example = _block('@pytest.mark.fake_batch(autorun="poll")\ndef test_a_failed_load')

    result = run(pytester, "import boto3\nimport pytest\n\n\n" + example)

    result.assert_outcomes(passed=1)


def test_the_outcome_signature_as_shown() -> None:
    shown = " ".join(_block("fake_batch.outcome(").split())
    parameters = []
    for parameter in list(inspect.signature(FakeBatch.outcome).parameters.values())[1:]:
        if parameter.kind is parameter.KEYWORD_ONLY and "*" not in parameters:
            parameters.append("*")
        parameters.append(f"{parameter.name}={parameter.default!r}")

    assert shown == f"fake_batch.outcome({', '.join(parameters)})"


def test_every_block_is_run_or_checked() -> None:
    # A new example on the page needs a test above.
    assert len(_blocks()) == 6
