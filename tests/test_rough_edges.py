"""The rough edges a new user hit: seconds taken for milliseconds, queue ARNs compared with names,
camelCase keywords, an operation suggested twice."""

from __future__ import annotations

import re

import pytest

from pytest_fakebatch import FakeBatch


@pytest.mark.parametrize("created_at", [1_700_000_000, 1, 99_999_999_999])
def test_a_created_at_in_seconds_is_refused(created_at: int) -> None:
    fake = FakeBatch()
    message = (
        f"created_at={created_at!r} looks like seconds since the epoch: timestamps are epoch "
        f"milliseconds (created_at={created_at * 1000!r} is that moment in milliseconds)"
    )
    for add in (
        lambda: fake.add_job(created_at=created_at),
        lambda: fake.add_jobs(2, created_at=created_at),
        lambda: fake.add_array_job(size=2, created_at=created_at),
        lambda: fake.add_multinode_job(num_nodes=2, created_at=created_at),
    ):
        with pytest.raises(ValueError, match=re.escape(message)):
            add()
    assert fake.jobs == []


@pytest.mark.parametrize("created_at", [0, 100_000_000_000, 1_700_000_000_000])
def test_milliseconds_are_taken(created_at: int) -> None:
    assert FakeBatch().add_job(created_at=created_at).created_at == created_at


def test_jobs_in_a_queue_by_name_or_arn() -> None:
    fake = FakeBatch()
    etl = fake.add_queue("etl")
    first = fake.add_job("etl", status="RUNNING", created_at=1_700_000_002_000)
    second = fake.add_job("etl", status="FAILED", created_at=1_700_000_001_000)
    array = fake.add_array_job("etl", size=2)
    fake.add_job("other")
    fake.add_job("etl", region="eu-west-1")  # another region's queue of the same name

    assert fake.jobs_in("etl") == [first, second, fake.get_job(array.job_id)]
    assert fake.jobs_in(etl.arn) == fake.jobs_in("etl")
    assert fake.jobs_in("etl", status="FAILED") == [second]
    assert [job.queue_name for job in fake.jobs_in("etl")] == ["etl"] * 3
    assert [job.job_id for job in fake.jobs if job.queue_name == "etl"] == [
        first.job_id,
        second.job_id,
        array.job_id,
        f"{array.job_id}:0",
        f"{array.job_id}:1",
        fake.jobs[-1].job_id,  # eu-west-1's etl: the name alone does not say the region
    ]
    eu = fake.jobs_in("arn:aws:batch:eu-west-1:123456789012:job-queue/etl")
    assert [job.job_id for job in eu] == [fake.jobs[-1].job_id]


def test_jobs_in_refuses_what_it_cannot_find() -> None:
    fake = FakeBatch()
    fake.add_queue("etl")

    with pytest.raises(
        ValueError, match=r"the fake has no job queue 'elt' in us-east-1; its queues: 'etl'"
    ):
        fake.jobs_in("elt")
    with pytest.raises(ValueError, match="status must be one of"):
        fake.jobs_in("etl", status="DONE")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="queue must be a queue name or ARN, not 3"):
        fake.jobs_in(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda fake: fake.add_job(jobName="x"),
            "add_job() got an unexpected keyword argument 'jobName'; the fake's factories take "
            "snake_case keywords: use job_name=...",
        ),
        (
            lambda fake: fake.add_jobs(2, jobQueue="q"),
            "add_jobs() got an unexpected keyword argument 'jobQueue'; the fake's factories take "
            "snake_case keywords: use job_queue=...",
        ),
        (
            lambda fake: fake.add_job_definition("d", containerProperties={}),
            "use container_properties=...",
        ),
        (lambda fake: fake.add_queue("q", computeEnvironments=[]), "use compute_environments=..."),
        (lambda fake: fake.add_array_job(arraySize=2), "'arraySize'; it takes job_queue, size,"),
        (lambda fake: fake.outcome("x", exitCode=1), "use exit_code=..."),
        (lambda fake: fake.add_job(job_nmae="x"), "'job_nmae'; did you mean job_name=...?"),
        (lambda fake: fake.add_compute_environment("c", zzz=1), "'zzz'; it takes name, region"),
    ],
)
def test_unknown_factory_keywords_get_a_hint(call: object, message: str) -> None:
    with pytest.raises(TypeError) as raised:
        call(FakeBatch())  # type: ignore[operator]
    assert message in str(raised.value)


def test_the_hint_keeps_other_type_errors() -> None:
    with pytest.raises(TypeError, match="created_at must be an int"):
        FakeBatch().add_job(created_at="soon")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        (
            "ListJob",
            "'ListJob' is not a Batch operation; did you mean 'ListJobs' or 'ListServiceJobs' "
            "or 'SubmitJob'?",
        ),
        ("list_job", "'list_job' is not a Batch operation; did you mean 'list_jobs' or "),
    ],
)
def test_did_you_mean_names_each_operation_once(operation: str, message: str) -> None:
    with pytest.raises(TypeError) as raised:
        FakeBatch().get_calls(operation)
    text = str(raised.value)
    assert text.startswith(message)
    suggested = re.findall(r"'(\w+)'", text.partition("did you mean")[2])
    names = {name.replace("_", "").lower() for name in suggested}
    assert len(names) == len(suggested)
