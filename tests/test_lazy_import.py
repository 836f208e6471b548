"""Loading the plugin imports no botocore, and the import order cannot keep a client from the fake.

Each case runs in a fresh interpreter, since what is imported, and when, is the point.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pathlib import Path

HEAVY = ("botocore", "boto3", "aiobotocore", "attr", "attrs")


def run_script(script: str, tmp_path: Path) -> Any:
    """Run ``script`` in a fresh interpreter, offline, and return the JSON it prints last."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "PYTEST_")) or name == "AWS_DATA_PATH"
    }
    environment.update(
        {
            "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "AWS_DEFAULT_REGION": "us-east-1",
            # A request the fake does not answer fails at once instead of reaching AWS.
            "AWS_ENDPOINT_URL_BATCH": "http://127.0.0.1:9",
            "AWS_MAX_ATTEMPTS": "1",
        }
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


def test_loading_the_plugin_imports_neither_botocore_nor_the_fake(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        f"""
        import sys

        def test_nothing_heavy_is_loaded():
            loaded = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
            assert loaded == []
            assert "pytest_fakebatch.plugin" in sys.modules
            assert "pytest_fakebatch._fake" not in sys.modules
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:hypothesispytest")

    result.assert_outcomes(passed=1)


def test_importing_the_package_or_the_plugin_imports_no_botocore(tmp_path: Path) -> None:
    loaded = run_script(
        textwrap.dedent(
            f"""
            import json, sys
            import pytest
            import pytest_fakebatch, pytest_fakebatch.plugin, pytest_fakebatch.models
            print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY[:3]!r})))
            """
        ),
        tmp_path,
    )

    assert loaded == []


# Every way code under test makes a Batch client; each lists one queue and reports what it saw.
CLIENT_MAKERS = """
import asyncio, contextlib, io, json

def make_clients():
    import boto3, botocore.session
    from aiobotocore.session import get_session as aio_session
    return {
        "boto3.client": boto3.client("batch"),
        "boto3.Session": boto3.Session().client("batch"),
        "botocore session": botocore.session.get_session().create_client("batch"),
        "aiobotocore": aio_session(),
    }

def listed(name, client):
    try:
        if name == "aiobotocore":
            async def call():
                async with client.create_client("batch") as aio:
                    return await aio.list_jobs(jobQueue="q")
            response = asyncio.run(call())
        else:
            response = client.list_jobs(jobQueue="q")
        return [summary["jobId"] for summary in response["jobSummaryList"]]
    except Exception as error:
        return type(error).__name__

def listed_by_the_cli():
    from awscli.clidriver import create_clidriver
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = create_clidriver().main(["batch", "list-jobs", "--job-queue", "q"])
    if status:
        return f"exit {status}"
    return [summary["jobId"] for summary in json.loads(out.getvalue())["jobSummaryList"]]

def report(fake, before, wire):
    job = fake.add_job(job_queue="q")
    seen = {}
    for when, clients in (("before", before), ("during", make_clients())):
        for name, client in clients.items():
            seen[f"{name}, made {when} activation"] = listed(name, client) == [job.job_id]
    seen["aws cli"] = listed_by_the_cli() == [job.job_id]
    return seen
"""

IMPORT_ORDERS = {
    "plugin first": ["import pytest_fakebatch.plugin", "import boto3, aiobotocore.session"],
    "botocore package first": [
        "import botocore",
        "import pytest_fakebatch.plugin",
        "import boto3, aiobotocore.session",
    ],
    "boto3 and aiobotocore first": [
        "import boto3, aiobotocore.session",
        "import pytest_fakebatch.plugin",
    ],
    "botocore.handlers first": [
        "import botocore.handlers",
        "import pytest_fakebatch.plugin",
        "import boto3, aiobotocore.session",
    ],
    "the fake only (no plugin)": ["from pytest_fakebatch import FakeBatch", "import boto3"],
}


@pytest.mark.parametrize(
    ("order", "wire"),
    [
        *((order, False) for order in IMPORT_ORDERS),
        ("plugin first", True),
        ("boto3 and aiobotocore first", True),
    ],
)
def test_every_client_is_answered_whatever_the_import_order(
    order: str, wire: bool, tmp_path: Path
) -> None:
    main = f"""
from pytest_fakebatch import FakeBatch
before = make_clients()  # sessions and clients made before the fake is active
with FakeBatch(wire={wire!r}) as fake:
    seen = report(fake, before, {wire!r})
print(json.dumps(seen))
"""
    seen = run_script("\n".join([*IMPORT_ORDERS[order], CLIENT_MAKERS, main]), tmp_path)

    assert seen == dict.fromkeys(seen, True)
    assert len(seen) == 9


def test_botocore_imported_while_a_fake_is_active_is_routed(tmp_path: Path) -> None:
    first = """
import sys
from pytest_fakebatch import FakeBatch
fake = FakeBatch()
assert "botocore" not in sys.modules, sorted(sys.modules)
"""
    main = """
with fake:
    seen = report(fake, {}, False)
print(json.dumps(seen))
"""
    seen = run_script("\n".join([first, CLIENT_MAKERS, main]), tmp_path)

    assert seen == dict.fromkeys(seen, True)
    assert len(seen) == 5


@pytest.mark.parametrize(
    ("block", "fake_loaded", "pending"),
    [(False, False, False), (True, False, True), (False, True, True)],
    ids=["unused", "block", "fake-loaded"],
)
def test_the_import_hook_is_dropped_at_exit_only_where_nothing_needs_it(
    tmp_path: Path, block: bool, fake_loaded: bool, pending: bool
) -> None:
    # A finder left in sys.meta_path slows the interpreter's exit. The block still needs it, and
    # so does a fake that may yet be activated (its clients made before that must be answered).
    state = run_script(
        textwrap.dedent(
            f"""
            import atexit, json, sys

            def report():  # registered first, so it runs after the package's own exit hook
                from pytest_fakebatch import _after_import
                print(json.dumps({{
                    "pending": _after_import.pending("botocore.handlers"),
                    "botocore": "botocore" in sys.modules,
                }}))

            atexit.register(report)
            import pytest_fakebatch.plugin
            from pytest_fakebatch import _block
            _block.push({block})
            if {fake_loaded}:
                from pytest_fakebatch import FakeBatch
            """
        ),
        tmp_path,
    )

    assert state == {"pending": pending, "botocore": False}


def test_a_fake_made_at_exit_answers_a_client_made_before_it(tmp_path: Path) -> None:
    outcome = run_script(
        textwrap.dedent(
            """
            import atexit, json

            def use_a_fake():  # runs after the package's exit hook dropped the import hook
                from pytest_fakebatch import FakeBatch
                import botocore.session  # first imported here

                client = botocore.session.get_session().create_client("batch")
                with FakeBatch() as fake:
                    fake.add_queue("q")
                    print(json.dumps(client.list_jobs(jobQueue="q")["jobSummaryList"]))

            atexit.register(use_a_fake)
            import pytest_fakebatch.plugin
            """
        ),
        tmp_path,
    )

    assert outcome == []


def test_a_call_at_exit_that_first_imports_botocore_is_still_blocked(tmp_path: Path) -> None:
    outcome = run_script(
        textwrap.dedent(
            """
            import atexit, json

            def call_batch():  # runs after the package's exit hook; botocore is first imported here
                import botocore.session
                client = botocore.session.get_session().create_client(
                    "batch", endpoint_url="https://batch.us-east-1.amazonaws.com"
                )
                try:
                    client.list_jobs(jobQueue="q")
                    print(json.dumps("answered"))
                except Exception as error:
                    print(json.dumps(type(error).__name__))

            atexit.register(call_batch)
            import pytest_fakebatch.plugin
            from pytest_fakebatch import _block
            _block.push(True)
            """
        ),
        tmp_path,
    )

    assert outcome == "BlockedCallError"
