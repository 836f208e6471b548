"""The long fuzz: 100,000 requests across every operation the fake answers, on both paths,
with botocore's validation on and off (see test_fuzz for how requests are drawn).

Marked ``slow`` and left out of the default run (``-m "not slow"`` in the project's addopts). Run
it with ``python -m pytest -m slow tests/test_fuzz_long.py -p no:randomly -s``; the environment
variable ``FAKEBATCH_FUZZ_REQUESTS`` changes the number of requests. It counts every request
that does not end in a result or a service error (a crash) and shows the count, and the outcome
of each operation, before it fails on the first crashes.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.test_fuzz import fuzzed_operations, requests, send

REQUESTS = int(os.environ.get("FAKEBATCH_FUZZ_REQUESTS", "100000"))


@pytest.mark.slow
def test_a_long_fuzz_never_crashes() -> None:
    operations = fuzzed_operations()
    outcomes: Counter[tuple[str, str]] = Counter()
    crashes: list[tuple[str, bool, bool, dict[str, Any], str]] = []

    @settings(
        max_examples=REQUESTS,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # count every request; no shrinking to hide the others
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def one_request(data: st.DataObject) -> None:
        operation = data.draw(st.sampled_from(operations), label="operation")
        wire, validate = data.draw(st.booleans()), data.draw(st.booleans())
        request = data.draw(requests(operation), label="request")
        try:
            outcome = send(operation, wire, validate, request)
        except Exception as error:  # a crash: counted, and the fuzz goes on
            crashes.append((operation, wire, validate, request, repr(error)[:2000]))
            outcome = "CRASH"
        outcomes[operation, outcome] += 1

    one_request()

    sent = sum(outcomes.values())
    print(f"\nlong fuzz: {sent} requests, {len(operations)} operations, {len(crashes)} crashes")
    for (operation, outcome), count in sorted(outcomes.items()):
        print(f"  {operation:32} {outcome:28} {count}")
    sys.stdout.flush()
    assert sent >= REQUESTS * 0.9, f"only {sent} of {REQUESTS} requests were sent"
    assert not crashes, crashes[:3]
