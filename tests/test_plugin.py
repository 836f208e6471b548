"""The pytest glue: fixtures, the marker, the entry point; run through ``pytester`` where it shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

import boto3
import pytest

import pytest_fakebatch.plugin
from pytest_fakebatch import FakeBatch
from tests.helpers import PATHS, record_requests

if TYPE_CHECKING:
    from pathlib import Path

    from botocore.client import BaseClient


@pytest.fixture(autouse=True)
def _no_aws_settings(clean_aws_environment: None) -> None:
    """Autouse, so it runs before the fixtures that set variables for one test."""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """pytest in this process, without plugins that only slow it down or reorder its output."""
    return pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:hypothesispytest", *args)


# Fixtures


def test_the_fixture_is_an_active_fake_during_the_test(fake_batch: FakeBatch) -> None:
    assert isinstance(fake_batch, FakeBatch)
    assert fake_batch.active
    job = fake_batch.add_job(job_queue="q")
    client = boto3.client("batch", region_name=fake_batch.region)
    assert [s["jobId"] for s in client.list_jobs(jobQueue="q")["jobSummaryList"]] == [job.job_id]


def test_the_fixture_is_inactive_after_the_test(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import botocore.session
        import pytest

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_teardown(item):
            result = yield
            fake = item.funcargs["fake_batch"]
            client = botocore.session.get_session().create_client(
                "batch", region_name="us-east-1",
                aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
            )
            client.meta.events.register(
                "before-send.batch", lambda request, **_: print("reached the HTTP layer") or 1 / 0
            )
            try:
                client.list_jobs(jobQueue="q")
            except ZeroDivisionError:
                pass
            print(f"after {item.name}: active={fake.active}")
            return result
        """
    )
    pytester.makepyfile(
        """
        def test_uses_the_fixture(fake_batch):
            fake_batch.add_job(job_queue="q")
            assert fake_batch.active
        """
    )

    result = run(pytester, "-s")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*reached the HTTP layer", "after test_uses_the_fixture: active=False"], consecutive=True
    )


@pytest.mark.parametrize("wire", PATHS)
def test_batch_client_is_a_batch_client_in_the_fakes_region_answered_by_it(
    batch_client: BaseClient, fake_batch: FakeBatch, wire: bool
) -> None:
    assert fake_batch.wire is wire
    assert batch_client.meta.service_model.service_name == "batch"
    assert batch_client.meta.region_name == fake_batch.region
    sent = record_requests(batch_client)
    job = fake_batch.add_job(job_queue="q")

    listed = batch_client.list_jobs(jobQueue="q")["jobSummaryList"]

    assert [summary["jobId"] for summary in listed] == [job.job_id]
    assert len(sent) == (1 if wire else 0)


@pytest.mark.fake_batch(region="eu-west-2")
def test_batch_client_follows_the_marker_region(
    batch_client: BaseClient, fake_batch: FakeBatch
) -> None:
    assert fake_batch.region == "eu-west-2"
    assert batch_client.meta.region_name == "eu-west-2"


# The marker


@pytest.mark.fake_batch(region="ap-southeast-2", account_id="210987654321", seed=42, wire=True)
def test_marker_keywords_reach_the_fake(fake_batch: FakeBatch) -> None:
    assert (fake_batch.region, fake_batch.account_id, fake_batch.seed, fake_batch.wire) == (
        "ap-southeast-2",
        "210987654321",
        42,
        True,
    )
    queue = fake_batch.add_queue("q")
    assert queue.arn == "arn:aws:batch:ap-southeast-2:210987654321:job-queue/q"
    # The seed is the one given: the same ids as a fake built with it directly.
    assert fake_batch.add_job(job_queue="q").job_id == FakeBatch(seed=42).add_job().job_id
    client = boto3.client("batch", region_name="ap-southeast-2")
    sent = record_requests(client)
    assert client.list_jobs(jobQueue="q")["jobSummaryList"]
    assert len(sent) == 1


def test_the_closest_marker_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.fake_batch(region="eu-west-1", seed=1)

        def test_module_marker(fake_batch):
            assert (fake_batch.region, fake_batch.seed, fake_batch.wire) == ("eu-west-1", 1, False)

        @pytest.mark.fake_batch(region="eu-west-2", seed=2, wire=True)
        class TestClassMarker:
            def test_class_marker(self, fake_batch):
                assert (fake_batch.region, fake_batch.seed, fake_batch.wire) == (
                    "eu-west-2", 2, True
                )

            @pytest.mark.fake_batch(region="eu-west-3", seed=3)
            def test_function_marker(self, fake_batch):
                # The closest marker is used whole: wire is not inherited from the class.
                assert (fake_batch.region, fake_batch.seed, fake_batch.wire) == (
                    "eu-west-3", 3, False
                )

        def test_no_marker_of_its_own(fake_batch):
            assert fake_batch.region == "eu-west-1"
        """
    )

    result = run(pytester, "-v")

    result.assert_outcomes(passed=4)


def test_an_unknown_marker_keyword_is_a_type_error_naming_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_misspelt="""
        import pytest

        @pytest.mark.fake_batch(regoin="eu-west-1")
        def test_misspelt(fake_batch):
            pass
        """
    )

    result = run(pytester, "-ra", "-vv")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "E   TypeError: *'regoin'*",
            "ERROR test_misspelt.py::test_misspelt - TypeError: *'regoin'*",
        ]
    )
    # The error is the test author's: the plugin's own frames are hidden from the report.
    result.stdout.no_fnmatch_line("*pytest_fakebatch/*.py*")


def test_positional_marker_arguments_are_a_type_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_positional="""
        import pytest

        @pytest.mark.fake_batch("eu-west-1")
        def test_positional(fake_batch):
            pass
        """
    )

    result = run(pytester, "-ra", "-vv")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "E   TypeError: *keyword arguments only*'eu-west-1'*",
            "ERROR test_positional.py::test_positional - TypeError: *keyword arguments only*",
        ]
    )


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_batch(seed=5)
        def test_marked(fake_batch):
            assert fake_batch.seed == 5
        """
    )

    strict = run(pytester, "--strict-markers")
    listed = run(pytester, "--markers")

    strict.assert_outcomes(passed=1)
    listed.stdout.fnmatch_lines(
        [
            "@pytest.mark.fake_batch(region='us-east-1', account_id='123456789012', seed=None, "
            "wire=False, rate_limit=None, allow_unsupported=False, "
            "retention=datetime.timedelta(days=7), autorun=None, sleep='real', "
            "visibility_lag=0): *"
        ]
    )


# Installation


def test_the_plugin_is_the_pytest11_entry_point_named_fake_batch(
    pytester: pytest.Pytester,
) -> None:
    [entry_point] = [ep for ep in entry_points(group="pytest11") if ep.name == "fake_batch"]
    assert entry_point.value == "pytest_fakebatch.plugin"
    assert entry_point.load() is pytest_fakebatch.plugin
    assert entry_point.dist is not None
    assert entry_point.dist.name == "pytest-fakebatch"

    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = run(pytester, "--trace-config")

    result.stdout.fnmatch_lines(
        [
            "PLUGIN registered: <module 'pytest_fakebatch.plugin' from '*plugin.py'>",
            "active plugins:",
            "*fake_batch * : *plugin.py",
        ]
    )
    result.stdout.fnmatch_lines(["plugins: *fakebatch-*"])


def test_fake_batch_works_as_a_context_manager_outside_pytest(tmp_path: Path) -> None:
    """A plain script: boto3's default session exists before the fake is imported."""
    script = textwrap.dedent(
        """
        import json
        import os

        import boto3

        boto3.client("batch", region_name="us-east-1")  # the default session exists from here

        from pytest_fakebatch import FakeBatch

        before = dict(os.environ)
        with FakeBatch(seed=7) as fake:
            job = fake.add_job(job_queue="q")
            active_inside = fake.active
            response = boto3.client("batch").list_jobs(jobQueue="q")
        print(json.dumps({
            "job": job.job_id,
            "listed": [summary["jobId"] for summary in response["jobSummaryList"]],
            "active_inside": active_inside,
            "active_after": fake.active,
            "environment_restored": dict(os.environ) == before,
        }))
        """
    )
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "PYTEST_")) or name == "AWS_DATA_PATH"
    }
    environment["AWS_CONFIG_FILE"] = str(tmp_path / "aws-config")
    environment["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "aws-credentials")
    # Keys for the default session made before the fake, so it never asks the metadata service.
    environment["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE"
    environment["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    completed = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    outcome = json.loads(completed.stdout)
    assert outcome["listed"] == [outcome["job"]]
    assert outcome["active_inside"] is True
    assert outcome["active_after"] is False
    assert outcome["environment_restored"] is True


SWALLOWING_TEST = """
import boto3, pytest

def test_swallows(fake_batch):
    client = boto3.client("batch", region_name="us-east-1")
    for _ in range(2):
        try:
            client.describe_future_things()
        except Exception:
            pass

@pytest.mark.fake_batch(allow_unsupported=True)
def test_expects_it(fake_batch):
    client = boto3.client("batch", region_name="us-east-1")
    try:
        client.describe_future_things()
    except Exception:
        pass
"""


def test_a_swallowed_unsupported_call_fails_the_test_at_teardown(
    pytester: pytest.Pytester, future_model: Path
) -> None:
    """With a newer botocore, whose model has an operation the fake does not know."""
    pytester.makepyfile(SWALLOWING_TEST)

    result = pytester.runpytest("-p", "no:randomly", "-p", "no:hypothesispytest")

    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_swallows*"])
    result.stdout.fnmatch_lines(
        [
            "E   pytest_fakebatch.exceptions.UnhandledCallError: code under test called Batch "
            "operations pytest-fakebatch does not implement; each call failed with "
            "UnsupportedOperationError and was not sent to AWS:",
            "      - DescribeFutureThings",
            "      - DescribeFutureThings",
            "    If the test expects that, mark it @pytest.mark.fake_batch(allow_unsupported=True).",
        ],
        consecutive=True,
    )
    result.stdout.no_fnmatch_line("*ERROR at teardown of test_expects_it*")
