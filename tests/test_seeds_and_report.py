"""Run seeds, per-test seeds and the failure report, through pytester."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from pytest_fakebatch.plugin import per_test_seed

if TYPE_CHECKING:
    from pathlib import Path

RECORDING_TESTS = """
import json, os, pytest

def record(fake_batch, request):
    jobs = fake_batch.add_jobs(2, "q")
    line = {"test": request.node.name, "seed": fake_batch.seed,
            "jobs": [[j.job_id, j.job_name] for j in jobs]}
    with open(os.environ["RECORD_TO"], "a") as out:
        out.write(json.dumps(line) + "\\n")

def test_one(fake_batch, request):
    record(fake_batch, request)

def test_two(fake_batch, request):
    record(fake_batch, request)

@pytest.mark.fake_batch(seed=42)
def test_marked(fake_batch, request):
    record(fake_batch, request)
"""


def recorded(path: Path) -> dict[str, dict[str, object]]:
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    path.unlink()
    return {line["test"]: line for line in lines}


@pytest.fixture
def record_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "record.jsonl"
    monkeypatch.setenv("RECORD_TO", str(path))
    return path


def test_header_shows_the_run_seed_and_how_to_reproduce(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")

    given = pytester.runpytest("-p", "no:randomly", "--fake-batch-seed=1234")
    drawn = pytester.runpytest("-p", "no:randomly")

    given.stdout.fnmatch_lines(
        ["fake_batch: run seed 1234 (reproduce with --fake-batch-seed=1234)"]
    )
    drawn.stdout.re_match_lines(
        [r"fake_batch: run seed (\d+) \(reproduce with --fake-batch-seed=\1\)"]
    )


def test_same_run_seed_same_ids_whatever_runs_and_in_any_order(
    pytester: pytest.Pytester, record_to: Path
) -> None:
    pytester.makepyfile(test_recording=RECORDING_TESTS)

    pytester.runpytest("-p", "no:randomly", "--fake-batch-seed=7").assert_outcomes(passed=3)
    first = recorded(record_to)
    pytester.runpytest("-p", "randomly", "--randomly-seed=99", "--fake-batch-seed=7")
    shuffled = recorded(record_to)
    pytester.runpytest("-p", "no:randomly", "--fake-batch-seed=7", "-k", "two")
    alone = recorded(record_to)
    pytester.runpytest("-p", "no:randomly", "--fake-batch-seed=8")
    other_seed = recorded(record_to)

    assert first == shuffled
    assert alone["test_two"] == first["test_two"]
    assert first["test_one"]["jobs"] != first["test_two"]["jobs"]
    assert other_seed["test_one"]["jobs"] != first["test_one"]["jobs"]
    assert first["test_one"]["seed"] == per_test_seed(7, "test_recording.py::test_one")


def test_the_marker_seed_wins(pytester: pytest.Pytester, record_to: Path) -> None:
    pytester.makepyfile(test_recording=RECORDING_TESTS)

    pytester.runpytest("-p", "no:randomly", "--fake-batch-seed=7", "-k", "marked")
    seven = recorded(record_to)
    pytester.runpytest("-p", "no:randomly", "--fake-batch-seed=8", "-k", "marked")
    eight = recorded(record_to)

    assert seven["test_marked"]["seed"] == eight["test_marked"]["seed"] == 42
    assert seven["test_marked"]["jobs"] == eight["test_marked"]["jobs"]


def test_pytest_randomly_seed_is_the_run_seed(pytester: pytest.Pytester, record_to: Path) -> None:
    pytester.makepyfile(test_recording=RECORDING_TESTS)

    result = pytester.runpytest("-p", "randomly", "--randomly-seed=555", "-k", "one")
    by_randomly = recorded(record_to)
    pytester.runpytest("-p", "no:randomly", "--fake-batch-seed=555", "-k", "one")
    by_option = recorded(record_to)

    result.stdout.fnmatch_lines(["fake_batch: run seed 555 (reproduce with --fake-batch-seed=555)"])
    assert by_randomly == by_option


FAILING_TEST = """
import boto3, pytest

@pytest.mark.fake_batch(seed=3)
def test_fails(fake_batch):
    fake_batch.clock.set(1_700_000_000_000)
    fake_batch.add_job("high", job_name="train")
    fake_batch.add_job("low", status="FAILED", job_name="evaluate-all")
    client = boto3.client("batch", region_name="us-east-1")
    client.list_jobs(jobQueue="high")
    with pytest.raises(client.exceptions.ClientException):
        client.list_jobs(jobQueue="missing", jobStatus="FAILED")
    assert False, "the code under test went wrong"

def test_passes(fake_batch):
    fake_batch.add_job("q")
"""


def test_a_failed_test_reports_calls_and_jobs(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAILING_TEST)

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=1, failed=1)
    job_ids = re.findall(r"^  ([0-9a-f-]{36})  ", result.stdout.str(), re.MULTILINE)
    assert len(job_ids) == 2
    result.stdout.fnmatch_lines(
        [
            "*- fake_batch -*",
            "seed: 3",
            "Batch calls (2):",
            "  1. ListJobs(jobQueue='high') -> ok",
            "  2. ListJobs(jobQueue='missing', jobStatus='FAILED') -> ClientException: Error "
            "executing request, Exception : JobQueue missing not found., RequestId: *",
            "jobs (2):",
            "  job id                                name          queue  status",
            f"  {job_ids[0]}  train         high   RUNNING",
            f"  {job_ids[1]}  evaluate-all  low    FAILED",
        ],
        consecutive=True,
    )
    assert result.stdout.str().count("- fake_batch -") == 1  # not for the passing test


def test_the_report_can_be_turned_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAILING_TEST)
    pytester.makeini("[pytest]\nfake_batch_report = false\n")

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.no_fnmatch_line("*- fake_batch -*")


def test_a_long_job_table_is_cut(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        "def test_many(fake_batch):\n    fake_batch.add_jobs(53, 'q')\n    assert False\n"
    )

    result = pytester.runpytest("-p", "no:randomly")

    result.stdout.fnmatch_lines(["jobs (53):", "  ... and 3 more"])


def test_xdist_workers_use_the_controllers_run_seed(
    pytester: pytest.Pytester, record_to: Path
) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(test_recording=RECORDING_TESTS)

    result = pytester.runpytest("-p", "no:randomly", "-n", "2")
    seeds = recorded(record_to)

    result.assert_outcomes(passed=3)
    run_seed = int(re.search(r"fake_batch: run seed (\d+)", result.stdout.str())[1])  # type: ignore[index]
    assert seeds["test_one"]["seed"] == per_test_seed(run_seed, "test_recording.py::test_one")
    assert seeds["test_two"]["seed"] == per_test_seed(run_seed, "test_recording.py::test_two")
