"""Seeding the fake: add_queue, add_job_definition, add_job(s), get_job, jobs."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from pytest_fakebatch import FakeBatch, Job

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
def fake() -> FakeBatch:
    # Seeding needs no activation: the factories only fill the store.
    fake = FakeBatch(seed=3)
    fake.clock.set(1_000_000)
    return fake


def test_add_queue(fake: FakeBatch) -> None:
    queue = fake.add_queue("jobs-high_1")

    assert queue.name == "jobs-high_1"
    assert queue.arn == "arn:aws:batch:us-east-1:123456789012:job-queue/jobs-high_1"
    assert queue.region == "us-east-1"


def test_add_queue_in_other_region_and_partition(fake: FakeBatch) -> None:
    assert fake.add_queue("q", region="eu-west-1").arn == (
        "arn:aws:batch:eu-west-1:123456789012:job-queue/q"
    )
    assert fake.add_queue("q", region="cn-north-1").arn.startswith("arn:aws-cn:batch:cn-north-1:")
    assert fake.add_queue("q", region="us-gov-west-1").arn.startswith("arn:aws-us-gov:batch:")


def test_add_queue_twice_is_an_error(fake: FakeBatch) -> None:
    fake.add_queue("q")

    with pytest.raises(ValueError, match="a job queue named 'q' already exists in us-east-1"):
        fake.add_queue("q")


@pytest.mark.parametrize("name", ["", "has space", "x" * 129, "slash/name", "dot.name"])
def test_bad_resource_names(fake: FakeBatch, name: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"invalid queue name {name!r}")):
        fake.add_queue(name)
    with pytest.raises(ValueError, match=re.escape(f"invalid job definition name {name!r}")):
        fake.add_job_definition(name)


def test_job_definition_revisions(fake: FakeBatch) -> None:
    first = fake.add_job_definition("train")
    second = fake.add_job_definition("train")

    assert (first.name, first.revision, second.revision) == ("train", 1, 2)
    assert second.arn == "arn:aws:batch:us-east-1:123456789012:job-definition/train:2"


def test_job_definition_references(fake: FakeBatch) -> None:
    first = fake.add_job_definition("train")
    second = fake.add_job_definition("train")

    assert fake.add_job(job_definition="train").job_definition == second.arn
    assert fake.add_job(job_definition="train:1").job_definition == first.arn
    assert fake.add_job(job_definition=first.arn).job_definition == first.arn
    assert fake.add_job(job_definition="new").job_definition.endswith(":job-definition/new:1")
    assert fake.add_job().job_definition.endswith(":job-definition/default:1")


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("train:9", "job definition 'train' has no revision 9 in us-east-1 (it has 1)"),
        ("train:x", "job definition revision must be a number: 'train:x'"),
        (
            "arn:aws:batch:us-east-1:123456789012:job-queue/train",
            "is not a job-definition ARN",
        ),
        (
            "arn:aws:batch:us-east-1:999999999999:job-definition/train:1",
            "belongs to account 999999999999, not 123456789012",
        ),
        (
            "arn:aws:batch:eu-west-1:123456789012:job-definition/train:1",
            "is in region eu-west-1, not us-east-1; pass region= to add it there",
        ),
    ],
)
def test_bad_job_definition_references(fake: FakeBatch, reference: str, message: str) -> None:
    fake.add_job_definition("train")

    with pytest.raises(ValueError, match=re.escape(message)):
        fake.add_job(job_definition=reference)


def test_queue_by_arn_creates_it(fake: FakeBatch) -> None:
    arn = "arn:aws:batch:us-east-1:123456789012:job-queue/by-arn"

    job = fake.add_job(arn)

    assert job.job_queue == arn
    with pytest.raises(ValueError, match="already exists"):
        fake.add_queue("by-arn")


def test_job_fields_and_arns(fake: FakeBatch) -> None:
    job = fake.add_job("q", job_name="nightly", share_identifier="teamA")

    assert UUID4.match(job.job_id)
    assert uuid.UUID(job.job_id).version == 4
    assert job.job_arn == f"arn:aws:batch:us-east-1:123456789012:job/{job.job_id}"
    assert job.job_queue == "arn:aws:batch:us-east-1:123456789012:job-queue/q"
    assert job.job_name == "nightly"
    assert job.share_identifier == "teamA"
    assert fake.get_job(job.job_id) == job
    assert fake.jobs == [job]


def test_jobs_are_immutable(fake: FakeBatch) -> None:
    job = fake.add_job()

    with pytest.raises(AttributeError):
        job.status = "FAILED"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            "SUBMITTED",
            {"started_at": None, "stopped_at": None, "exit_code": None, "status_reason": None},
        ),
        (
            "PENDING",
            {"started_at": None, "stopped_at": None, "exit_code": None, "status_reason": None},
        ),
        (
            "RUNNABLE",
            {"started_at": None, "stopped_at": None, "exit_code": None, "status_reason": None},
        ),
        (
            "STARTING",
            {"started_at": None, "stopped_at": None, "exit_code": None, "status_reason": None},
        ),
        (
            "RUNNING",
            {"started_at": 1_000_000, "stopped_at": None, "exit_code": None, "status_reason": None},
        ),
        (
            "SUCCEEDED",
            {
                "started_at": 1_000_000,
                "stopped_at": 1_000_000,
                "exit_code": 0,
                "status_reason": "Essential container in task exited",
            },
        ),
        (
            "FAILED",
            {
                "started_at": 1_000_000,
                "stopped_at": 1_000_000,
                "exit_code": 1,
                "status_reason": "Essential container in task exited",
            },
        ),
    ],
)
def test_values_follow_the_status(fake: FakeBatch, status: str, expected: dict[str, Any]) -> None:
    job = fake.add_job(status=status)  # type: ignore[arg-type]

    assert job.status == status
    assert job.created_at == 1_000_000
    assert {key: getattr(job, key) for key in expected} == expected


def test_explicit_timestamps_are_kept(fake: FakeBatch) -> None:
    job = fake.add_job(
        status="SUCCEEDED",
        created_at=1_700_000_000_010,
        started_at=1_700_000_000_020,
        stopped_at=1_700_000_000_030,
    )

    assert (job.created_at, job.started_at, job.stopped_at) == (
        1_700_000_000_010,
        1_700_000_000_020,
        1_700_000_000_030,
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"status": "RUNNABLE", "started_at": 5},
            "a RUNNABLE job has not started yet; it cannot have started_at",
        ),
        (
            {"status": "RUNNING", "stopped_at": 5},
            "a RUNNING job has not finished; it cannot have stopped_at",
        ),
        (
            {"status": "PENDING", "exit_code": 0},
            "a PENDING job has not finished; it cannot have exit_code",
        ),
        ({"status": "SUCCEEDED", "exit_code": 2}, "a SUCCEEDED job exits with code 0, not 2"),
        ({"created_at": 0, "started_at": -5}, "started_at (-5) is before created_at (0)"),
        (
            {"status": "FAILED", "created_at": 0, "started_at": 10, "stopped_at": 5},
            "stopped_at (5) is before started_at (10)",
        ),
        (
            {"status": "DONE"},
            "status must be one of SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING",
        ),
        ({"job_name": "-leading-hyphen"}, "invalid job name '-leading-hyphen'"),
        ({"region": "mars"}, "region must be an AWS region name such as 'us-east-1', not 'mars'"),
    ],
)
def test_inconsistent_values_are_rejected(
    fake: FakeBatch, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        fake.add_job(**kwargs)
    assert fake.jobs == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"job_queue": 3}, "job_queue must be a queue name or ARN, not 3"),
        ({"job_name": b"x"}, "job name must be a string, not b'x'"),
        (
            {"created_at": 1.5},
            "created_at must be an int (epoch milliseconds for timestamps), not 1.5",
        ),
        ({"created_at": True}, "created_at must be an int"),
        ({"status_reason": 1}, "status_reason must be a string or None, not 1"),
        ({"job_definition": 2}, "job_definition must be a name, name:revision or ARN, not 2"),
    ],
)
def test_wrong_types_are_type_errors(fake: FakeBatch, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        fake.add_job(**kwargs)


def test_created_at_strictly_increases_with_a_frozen_clock(fake: FakeBatch) -> None:
    jobs = fake.add_jobs(5)

    assert [job.created_at for job in jobs] == [1_000_000 + i for i in range(5)]
    fake.clock.advance(1)
    assert fake.add_job().created_at == 1_001_000


def test_add_jobs_generates_distinct_names_unless_given(fake: FakeBatch) -> None:
    named = fake.add_jobs(3, job_name="same")
    generated = fake.add_jobs(20)

    assert {job.job_name for job in named} == {"same"}
    assert len({job.job_name for job in generated}) == 20
    assert all(re.fullmatch(r"job-[0-9a-f]{8}", job.job_name) for job in generated)
    assert len({job.job_id for job in named + generated}) == 23


@pytest.mark.parametrize("count", [-1, 1.0, True, "3"])
def test_add_jobs_count_must_be_a_whole_number(fake: FakeBatch, count: Any) -> None:
    with pytest.raises(ValueError, match="count must be a whole number of jobs"):
        fake.add_jobs(count)


def test_add_zero_jobs(fake: FakeBatch) -> None:
    assert fake.add_jobs(0) == []


def test_same_seed_same_ids_and_names() -> None:
    def seeded(seed: int) -> list[tuple[str, str]]:
        fake = FakeBatch(seed=seed)
        return [(job.job_id, job.job_name) for job in fake.add_jobs(5, "q")]

    assert seeded(11) == seeded(11)
    assert seeded(11) != seeded(12)


def test_unseeded_fakes_differ_and_report_their_seed() -> None:
    first, second = FakeBatch(), FakeBatch()

    assert first.seed != second.seed
    assert [j.job_id for j in FakeBatch(seed=first.seed).add_jobs(2)] == [
        j.job_id for j in first.add_jobs(2)
    ]


def test_get_job_unknown(fake: FakeBatch) -> None:
    with pytest.raises(ValueError, match="the fake has no job with id 'nope'"):
        fake.get_job("nope")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"region": "moon-1"}, ValueError, "region must be an AWS region name"),
        ({"account_id": "123"}, ValueError, "account_id must be a string of 12 digits, not '123'"),
        ({"account_id": 123456789012}, ValueError, "account_id must be a string of 12 digits"),
        ({"seed": "1"}, TypeError, "seed must be an int or None, not '1'"),
        ({"wire": 1}, TypeError, "wire must be True or False, not 1"),
    ],
)
def test_constructor_checks(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        FakeBatch(**kwargs)


def test_account_id_shapes_arns() -> None:
    fake = FakeBatch(account_id="000011112222", region="ap-southeast-2")

    job: Job = fake.add_job("q")

    assert job.job_arn.startswith("arn:aws:batch:ap-southeast-2:000011112222:job/")
