"""The examples of docs/service-jobs.md, run as a user would run them: through pytester, with the
plugin's fake_batch and batch_client fixtures."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

PAGE = Path(__file__).parent.parent / "docs" / "service-jobs.md"


def test_the_pages_examples_pass(pytester: pytest.Pytester) -> None:
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), re.DOTALL)
    assert len(blocks) == 2
    pytester.makepyfile("\n\n".join(blocks))

    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=2)
