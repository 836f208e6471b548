"""strategies.stores(): min_jobs, queues, status weights, and listings long enough to need a
second page, so a property test catches code that forgets nextToken."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from pytest_fakebatch import strategies as fbst
from tests.test_docs_examples import PROPERTIES, STORES_EXAMPLE, run_code

if TYPE_CHECKING:
    from pytest_fakebatch import FakeBatch, Job


def _top_level(store: FakeBatch) -> list[Job]:
    return [job for job in store.jobs if job.parent_id is None]


def _most_running_in_one_queue(store: FakeBatch) -> int:
    return max(len(store.jobs_in(queue.name, status="RUNNING")) for queue in store.queues)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(store=fbst.stores(max_jobs=12, min_jobs=8, queues=5))
def test_min_jobs_and_queues(store: FakeBatch) -> None:
    assert 8 <= len(_top_level(store)) <= 12
    assert [queue.name for queue in store.queues] == [
        "default",
        "high-priority",
        "low_priority",
        "queue-4",
        "queue-5",
    ]


@settings(max_examples=30, deadline=None)
@given(store=fbst.stores(max_jobs=10, queues=1, status_weights={"FAILED": 1, "SUBMITTED": 0}))
def test_status_weights_choose_the_plain_jobs_statuses(store: FakeBatch) -> None:
    plain = [job for job in _top_level(store) if job.array_size is None and job.num_nodes is None]
    assert {job.status for job in plain} <= {"FAILED"}
    assert {job.queue_name for job in store.jobs} <= {"default"}


def test_the_default_often_reaches_a_second_page() -> None:
    most: list[int] = []

    @settings(max_examples=100, deadline=None, derandomize=True, database=None)
    @given(store=fbst.stores())
    def sample(store: FakeBatch) -> None:
        most.append(_most_running_in_one_queue(store))

    sample()

    # A page of 5 RUNNING jobs (the docs' example) is overflowed in a good share of examples.
    assert len(most) == 100
    assert sum(count > 5 for count in most) >= 25


def test_the_docs_property_test_catches_a_forgotten_next_token() -> None:
    """A mutation test: the docs' stores example, run against code that reads only the first
    page, must fail within its own 25 examples."""
    # The example's settings inherit the profile loaded when it is defined: no shrinking (the
    # failure is all this test needs), no database (each run finds it afresh), and derandomized:
    # about a third of the default stores overflow a page, so 25 random examples miss every one
    # only rarely, but rarely is not never (it happened once in a CI-like run); a fixed sequence
    # makes this test say the same thing every time.
    previous = settings.default
    settings.register_profile(
        "generate-only",
        parent=previous,
        phases=[Phase.generate],
        database=None,
        derandomize=True,
    )
    settings.load_profile("generate-only")
    try:
        namespace = run_code(PROPERTIES, STORES_EXAMPLE)
    finally:
        settings.register_profile("restored", parent=previous)
        settings.load_profile("restored")

    def first_page_only(queue: str) -> int:  # forgets nextToken
        client = boto3.client("batch", region_name="us-east-1")
        return len(client.list_jobs(jobQueue=queue, maxResults=5)["jobSummaryList"])

    namespace["test_running_count"]()  # the example passes against the code as written
    namespace["running_count"] = first_page_only

    with pytest.raises(AssertionError):
        namespace["test_running_count"]()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"min_jobs": 5, "max_jobs": 4},
            ValueError,
            "min_jobs must be from 0 to max_jobs (4), not 5",
        ),
        ({"min_jobs": -1}, ValueError, "min_jobs must be from 0 to max_jobs (30), not -1"),
        ({"queues": 0}, ValueError, "queues must be from 1 to 10, not 0"),
        ({"queues": 11}, ValueError, "queues must be from 1 to 10, not 11"),
        ({"queues": 2.0}, TypeError, "queues must be an int, not 2.0"),
        ({"status_weights": {"DONE": 1}}, ValueError, "status must be one of"),
        ({"status_weights": {"RUNNING": -1}}, ValueError, "the weight of RUNNING must be a number"),
        ({"status_weights": {"RUNNING": 0}}, ValueError, "must give some status a positive weight"),
    ],
)
def test_bad_stores_arguments(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        fbst.stores(**kwargs)
