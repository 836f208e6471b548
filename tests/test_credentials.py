"""Credentials and environment: while a fake is active nothing real can sign, and nothing is resolved
over the network or by running a process; afterwards the environment is exactly as it was.
"""

from __future__ import annotations

import json
import os
import textwrap
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
import pytest
from awscli.clidriver import create_clidriver

from pytest_fakebatch import FakeBatch
from tests.helpers import record_requests

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from botocore.awsrequest import AWSPreparedRequest
    from botocore.client import BaseClient


@pytest.fixture(autouse=True)
def _no_aws_settings(clean_aws_environment: None) -> None:
    """Autouse, so it runs before the fixtures that set variables for one test."""


# What a developer's shell or a CI runner might hold (AWS's documented example values).
REAL_KEY = "AKIAIOSFODNN7EXAMPLE"
REAL_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REAL_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"
PROCESS_KEY = "AKIAPROCESSEXAMPLE00"

CONTAINER_VARIABLES = (
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
)

# Environments a test may start from; the fake must leave each exactly as it found it.
PRESETS: dict[str, dict[str, str]] = {
    "nothing": {},
    "real-keys": {"AWS_ACCESS_KEY_ID": REAL_KEY, "AWS_SECRET_ACCESS_KEY": REAL_SECRET},
    "session-and-profile": {
        "AWS_ACCESS_KEY_ID": REAL_KEY,
        "AWS_SECRET_ACCESS_KEY": REAL_SECRET,
        "AWS_SESSION_TOKEN": REAL_TOKEN,
        "AWS_SECURITY_TOKEN": REAL_TOKEN,
        "AWS_PROFILE": "p",
        "AWS_DEFAULT_PROFILE": "p",
    },
    "container": {
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/0f6e5c84",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.2/v2/credentials/0f6e5c84",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-token",
    },
    "web-identity": {
        "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/token",
        "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci",
        "AWS_ROLE_SESSION_NAME": "ci",
    },
    "region-and-metadata": {
        "AWS_DEFAULT_REGION": "eu-north-1",
        "AWS_EC2_METADATA_DISABLED": "false",
    },
    "empty-values": {"AWS_DEFAULT_REGION": "", "AWS_ACCESS_KEY_ID": "", "AWS_PROFILE": ""},
}


@pytest.fixture
def real_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", REAL_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", REAL_TOKEN)


@pytest.fixture
def process_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Profile ``p`` whose keys come from a ``credential_process``; returns the file it creates."""
    marker = tmp_path / "credential-process-ran"
    script = tmp_path / "credential-process"
    script.write_text(
        "#!/bin/sh\n"
        f'touch "{marker}"\n'
        f'echo \'{{"Version": 1, "AccessKeyId": "{PROCESS_KEY}", "SecretAccessKey": "s"}}\'\n'
    )
    script.chmod(0o755)
    config = tmp_path / "aws-config"
    config.write_text(f"[profile p]\ncredential_process = {script}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    return marker


def credential_headers(request: AWSPreparedRequest) -> dict[str, str]:
    """The request's headers that carry or reveal credentials, lower-cased, as text."""
    found = {}
    for name, value in request.headers.items():
        text = value.decode() if isinstance(value, bytes) else str(value)
        if name.lower() in ("authorization", "x-amz-security-token") or REAL_KEY in text:
            found[name.lower()] = text
    return found


def access_key(client: BaseClient) -> str | None:
    """The access key the client would sign with: the credentials botocore resolved for it."""
    credentials = client._request_signer._credentials
    return None if credentials is None else credentials.get_frozen_credentials().access_key


# While a fake is active


@pytest.mark.usefixtures("real_keys")
def test_while_active_the_environment_holds_dummy_credentials_and_metadata_is_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in CONTAINER_VARIABLES:
        monkeypatch.setenv(name, PRESETS["container"][name])
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "false")

    with FakeBatch():
        environment = dict(os.environ)
        resolved = botocore.session.get_session().get_credentials()

    assert environment["AWS_ACCESS_KEY_ID"] not in ("", REAL_KEY)
    assert environment["AWS_SECRET_ACCESS_KEY"] not in ("", REAL_SECRET)
    assert "AWS_SESSION_TOKEN" not in environment
    assert environment["AWS_EC2_METADATA_DISABLED"].lower() == "true"
    assert [name for name in CONTAINER_VARIABLES if name in environment] == []
    # botocore's own credential chain finds the dummy keys and nothing else.
    assert resolved is not None
    frozen = resolved.get_frozen_credentials()
    assert (frozen.access_key, frozen.token) == (environment["AWS_ACCESS_KEY_ID"], None)


@pytest.mark.usefixtures("real_keys")
def test_the_fixture_sets_dummy_credentials(fake_batch: FakeBatch) -> None:
    assert fake_batch.active
    assert os.environ["AWS_ACCESS_KEY_ID"] not in ("", REAL_KEY)
    assert os.environ["AWS_SECRET_ACCESS_KEY"] not in ("", REAL_SECRET)
    assert "AWS_SESSION_TOKEN" not in os.environ
    assert os.environ["AWS_EC2_METADATA_DISABLED"].lower() == "true"


@pytest.mark.parametrize(
    "make_client",
    [
        pytest.param(lambda: boto3.client("batch"), id="boto3.client"),
        pytest.param(
            lambda: botocore.session.get_session().create_client("batch"), id="botocore-session"
        ),
    ],
)
def test_a_batch_client_gets_the_fakes_region_when_none_is_configured(
    make_client: Callable[[], BaseClient],
) -> None:
    with FakeBatch(region="eu-west-3") as fake:
        job = fake.add_job(job_queue="q")
        client = make_client()
        listed = client.list_jobs(jobQueue="q")["jobSummaryList"]

    assert client.meta.region_name == "eu-west-3"
    assert [summary["jobId"] for summary in listed] == [job.job_id]


def test_a_region_only_in_aws_region_still_gives_batch_clients_a_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")  # read by other SDKs; botocore ignores it

    with FakeBatch() as fake:
        client = boto3.client("batch")

    # The fake's region where botocore finds none; AWS_REGION if a botocore ever reads it.
    assert client.meta.region_name in (fake.region, "eu-west-1")


def configure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    config = tmp_path / "aws-config"
    config.write_text(text)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))


@pytest.mark.parametrize(
    ("where", "make_client"),
    [
        pytest.param("AWS_DEFAULT_REGION", lambda: boto3.client("batch"), id="environment"),
        pytest.param("[default]", lambda: boto3.client("batch"), id="default-profile"),
        pytest.param(
            "[profile p]",
            lambda: boto3.Session(profile_name="p").client("batch"),
            id="named-profile",
        ),
        pytest.param("AWS_PROFILE", lambda: boto3.Session().client("batch"), id="AWS_PROFILE"),
    ],
)
def test_a_configured_region_is_kept(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    where: str,
    make_client: Callable[[], BaseClient],
) -> None:
    # Set before the fake starts, as a developer's machine or CI runner would have it.
    if where == "AWS_DEFAULT_REGION":
        monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    elif where == "AWS_PROFILE":
        configure(tmp_path, monkeypatch, "[profile p]\nregion = ap-south-1\n")
        monkeypatch.setenv("AWS_PROFILE", "p")
    else:
        configure(tmp_path, monkeypatch, f"{where}\nregion = ap-south-1\n")

    with FakeBatch() as fake:
        during = os.environ.get("AWS_DEFAULT_REGION")
        client = make_client()
        job = fake.add_job(job_queue="q", region="ap-south-1")
        listed = client.list_jobs(jobQueue="q")["jobSummaryList"]

    assert fake.region != "ap-south-1"
    assert client.meta.region_name == "ap-south-1"
    assert [summary["jobId"] for summary in listed] == [job.job_id]
    assert during == ("ap-south-1" if where == "AWS_DEFAULT_REGION" else None)


# Afterwards


@pytest.mark.parametrize("preset", PRESETS)
def test_the_environment_is_restored_exactly(monkeypatch: pytest.MonkeyPatch, preset: str) -> None:
    for name, value in PRESETS[preset].items():
        monkeypatch.setenv(name, value)
    before = dict(os.environ)

    with FakeBatch(region="eu-west-3"):
        during = dict(os.environ)

    assert during != before  # the fake did change something, and it was undone
    assert dict(os.environ) == before


def test_the_environment_is_restored_when_the_block_raises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in PRESETS["session-and-profile"].items():
        monkeypatch.setenv(name, value)
    before = dict(os.environ)

    with pytest.raises(RuntimeError, match="code under test failed"), FakeBatch():
        raise RuntimeError("code under test failed")

    assert dict(os.environ) == before


def test_nested_fakes_restore_the_environment_level_by_level(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in PRESETS["session-and-profile"].items():
        monkeypatch.setenv(name, value)
    before = dict(os.environ)

    with FakeBatch(region="eu-west-3"):
        outer = dict(os.environ)
        with FakeBatch(region="eu-west-1"):
            pass
        after_inner = dict(os.environ)

    assert after_inner == outer
    assert dict(os.environ) == before


@pytest.mark.parametrize("preset", ["nothing", "session-and-profile", "container"])
def test_the_fixture_restores_the_environment_exactly(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, preset: str
) -> None:
    for name, value in PRESETS[preset].items():
        monkeypatch.setenv(name, value)
    pytester.makeconftest(
        """
        import os
        import pytest

        def snapshot():
            # pytest itself moves PYTEST_CURRENT_TEST from one test phase to the next.
            return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}

        @pytest.fixture(autouse=True)  # autouse: set up before fake_batch, torn down after it
        def environment_guard():
            before = snapshot()
            yield before
            after = snapshot()
            changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
            print(f"changed after the test: {changed}")
        """
    )
    pytester.makepyfile(
        """
        import os

        def test_with_fake(environment_guard, fake_batch):
            assert fake_batch.active
            assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
            assert os.environ != environment_guard
        """
    )

    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:hypothesispytest", "-s")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*changed after the test: []"])


# Real credentials are never used


MAKERS: dict[str, Callable[[], BaseClient]] = {
    "boto3.client": lambda: boto3.client("batch", region_name="us-east-1"),
    "boto3.Session": lambda: boto3.Session().client("batch", region_name="us-east-1"),
    "session-with-keys": lambda: boto3.Session(
        aws_access_key_id=REAL_KEY, aws_secret_access_key=REAL_SECRET
    ).client("batch", region_name="us-east-1"),
    "botocore-session": lambda: botocore.session.get_session().create_client(
        "batch", region_name="us-east-1"
    ),
    "client-with-keys": lambda: boto3.client(
        "batch",
        region_name="us-east-1",
        aws_access_key_id=REAL_KEY,
        aws_secret_access_key=REAL_SECRET,
        aws_session_token=REAL_TOKEN,
    ),
}


def test_the_capture_sees_a_signed_request_outside_a_fake(real_keys: None) -> None:
    """The control for the tests below: the same capture does see real keys when no fake is on."""
    client = MAKERS["boto3.client"]()
    requests = record_requests(client, first=True)

    class NotSent(Exception):
        pass

    def stop(**_: Any) -> Any:
        raise NotSent

    client.meta.events.register_last("before-send.batch", stop)
    with pytest.raises(NotSent):
        client.list_jobs(jobQueue="q")

    [request] = requests
    headers = credential_headers(request)
    assert headers["authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={REAL_KEY}/")
    assert headers["x-amz-security-token"] == REAL_TOKEN


@pytest.mark.usefixtures("real_keys", "no_network")
@pytest.mark.parametrize(
    ("maker", "created"),
    [
        *((maker, "during") for maker in MAKERS),
        # Made before the fake: these hold the real keys, from the environment or given.
        ("boto3.client", "before"),
        ("client-with-keys", "before"),
    ],
)
def test_the_wire_path_sends_no_credentials(maker: str, created: str) -> None:
    fake = FakeBatch(wire=True)
    client = MAKERS[maker]() if created == "before" else None
    with fake:
        client = client or MAKERS[maker]()
        requests = record_requests(client, first=True)
        job = fake.add_job(job_queue="q")
        listed = client.list_jobs(jobQueue="q")["jobSummaryList"]

    assert [summary["jobId"] for summary in listed] == [job.job_id]
    [request] = requests
    assert credential_headers(request) == {}
    assert REAL_KEY.encode() not in (request.body or b"")


@pytest.mark.usefixtures("real_keys")
# A client given its own keys keeps them (they still never sign: see the wire test above).
@pytest.mark.parametrize("maker", [maker for maker in MAKERS if maker != "client-with-keys"])
def test_a_client_made_during_the_fake_resolves_the_dummy_credentials(maker: str) -> None:
    with FakeBatch():
        dummy = os.environ["AWS_ACCESS_KEY_ID"]
        client = MAKERS[maker]()

    assert access_key(client) == dummy
    assert client._request_signer._credentials.token is None


@pytest.mark.usefixtures("real_keys")
def test_the_batch_client_fixture_has_the_dummy_credentials(batch_client: BaseClient) -> None:
    assert access_key(batch_client) == os.environ["AWS_ACCESS_KEY_ID"]
    assert access_key(batch_client) != REAL_KEY


# Credential providers never run


def test_the_credential_process_runs_without_a_fake(process_profile: Path) -> None:
    """The control for the tests below: the profile does run its process when no fake is on."""
    client = boto3.Session(profile_name="p").client("batch", region_name="us-east-1")

    assert process_profile.exists()
    assert access_key(client) == PROCESS_KEY


def profile_session_client() -> BaseClient:
    return boto3.Session(profile_name="p").client("batch")


def aws_profile_client() -> BaseClient:
    # AWS_PROFILE=p was set before the fake started; the code under test names no profile.
    return boto3.client("batch")


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("wire", [False, True], ids=["fast", "wire"])
@pytest.mark.parametrize(
    "make_client",
    [
        pytest.param(profile_session_client, id="profile_name"),
        pytest.param(aws_profile_client, id="AWS_PROFILE"),
    ],
)
def test_a_profiles_credential_process_never_runs(
    process_profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_client: Callable[[], BaseClient],
    wire: bool,
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "p")

    with FakeBatch(wire=wire) as fake:
        job = fake.add_job(job_queue="q")
        client = make_client()
        listed = client.list_jobs(jobQueue="q")["jobSummaryList"]

    assert [summary["jobId"] for summary in listed] == [job.job_id]
    assert not process_profile.exists(), "the profile's credential_process ran"
    assert access_key(client) != PROCESS_KEY


@pytest.mark.usefixtures("no_network")
def test_the_aws_cli_with_a_profile_never_runs_its_credential_process(
    process_profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No --region and none in the profile: the CLI's client gets the fake's region.
    with FakeBatch(region="eu-west-3", wire=True) as fake:
        job = fake.add_job(job_queue="q")
        capsys.readouterr()
        status = create_clidriver().main(
            ["--profile", "p", "batch", "list-jobs", "--job-queue", "q", "--output", "json"]
        )
        out, err = capsys.readouterr()

    assert status == 0, err
    assert [summary["jobId"] for summary in json.loads(out)["jobSummaryList"]] == [job.job_id]
    assert not process_profile.exists(), "the profile's credential_process ran"


@pytest.mark.parametrize(
    "test_setting_keys",
    [
        """
        def test_sets_keys(monkeypatch, fake_batch):
            monkeypatch.setenv("AWS_ACCESS_KEY_ID", "set-by-the-test")
        """,
        """
        def test_sets_keys(fake_batch, monkeypatch):
            monkeypatch.setenv("AWS_ACCESS_KEY_ID", "set-by-the-test")
        """,
        """
        import pytest

        @pytest.fixture
        def keys(monkeypatch):
            return monkeypatch

        def test_sets_keys(fake_batch, keys):
            keys.setenv("AWS_ACCESS_KEY_ID", "set-by-the-test")
        """,
        """
        import pytest

        @pytest.mark.fake_batch
        def test_sets_keys(monkeypatch):
            monkeypatch.setenv("AWS_ACCESS_KEY_ID", "set-by-the-test")
        """,
        """
        import os

        def test_sets_keys(fake_batch):
            os.environ["AWS_ACCESS_KEY_ID"] = "set-by-the-test"
        """,
        """
        def test_sets_keys(fake_batch, request):
            monkeypatch = request.getfixturevalue("monkeypatch")
            monkeypatch.setenv("AWS_ACCESS_KEY_ID", "set-by-the-test")
        """,
    ],
    ids=["monkeypatch-first", "fake-first", "in-a-fixture", "marker", "os-environ", "dynamic"],
)
def test_setting_credentials_during_the_fixture_leaks_nothing(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, test_setting_keys: str
) -> None:
    pytester.makepyfile(
        test_a=textwrap.dedent(test_setting_keys),
        test_b="""
        import os

        def test_after():
            assert os.environ.get("AWS_ACCESS_KEY_ID") == "original"
        """,
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "original")

    pytester.runpytest("-p", "no:randomly", "-p", "no:hypothesispytest").assert_outcomes(passed=2)
