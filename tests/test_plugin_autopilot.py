"""The marker alone turns the fake on; fake_batch_block refuses Batch calls made outside a fake;
bad marker values get a clean error. Run through pytester, as the plugin's other tests are."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

# A conftest for the runs below: every socket connection and DNS lookup is refused and counted,
# and each test's own count is checked at its teardown.
NO_SOCKETS = """
    import socket

    import pytest

    ATTEMPTS = []


    def refuse(*args, **kwargs):
        ATTEMPTS.append(args)
        raise AssertionError(f"a socket was opened: {args!r}")


    @pytest.fixture(autouse=True)
    def no_sockets(monkeypatch):
        for owner, name in (
            (socket.socket, "connect"),
            (socket.socket, "connect_ex"),
            (socket, "create_connection"),
            (socket, "getaddrinfo"),
        ):
            monkeypatch.setattr(owner, name, refuse)
        yield
        assert ATTEMPTS == []
"""

# A Batch call as code under test makes it, with a before-send handler that shows whether the
# request got as far as the HTTP layer (where it would leave for AWS).
CALL = """
    import boto3


    class ReachedTheHttpLayer(Exception):
        pass


    def reached(**_):
        raise ReachedTheHttpLayer


    def job_queues():
        client = boto3.client(
            "batch", region_name="us-east-1",
            aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
        )
        client.meta.events.register("before-send.batch", reached)
        return client.describe_job_queues()["jobQueues"]
"""


@pytest.fixture(autouse=True)
def _no_aws_settings(clean_aws_environment: None) -> None:
    """Autouse, so it runs before the fixtures that set variables for one test."""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:hypothesispytest", *args)


def _project(pytester: pytest.Pytester, tests: str) -> None:
    pytester.makeconftest(NO_SOCKETS)
    pytester.makepyfile(batch_call=CALL, test_it=tests)


def test_the_marker_alone_activates_the_fake_for_a_test_class_and_module(
    pytester: pytest.Pytester,
) -> None:
    _project(
        pytester,
        """
        import pytest

        from batch_call import job_queues
        from pytest_fakebatch import _routing

        pytestmark = pytest.mark.fake_batch(region="eu-west-1")


        def test_module_marked():
            fake = _routing.active_fake()
            assert fake is not None and fake.region == "eu-west-1"
            fake.add_queue("q")
            assert len(job_queues()) == 0  # the client is in us-east-1: another region's queue


        @pytest.mark.fake_batch(seed=7)
        class TestClassMarked:
            def test_it(self):
                fake = _routing.active_fake()
                assert fake is not None and fake.seed == 7
                fake.add_queue("q", region="us-east-1")
                assert len(job_queues()) == 1


        @pytest.mark.fake_batch(autorun="poll")
        def test_function_marked(request):
            fake = _routing.active_fake()
            assert fake is not None and fake.autorun == "poll"
            assert "fake_batch" in request.fixturenames
            assert request.getfixturevalue("fake_batch") is fake


        def test_named_and_marked(fake_batch):
            assert _routing.active_fake() is fake_batch
        """,
    )

    result = run(pytester, "-v")

    result.assert_outcomes(passed=4)


def test_a_test_with_neither_marker_nor_fixture_is_untouched(pytester: pytest.Pytester) -> None:
    _project(
        pytester,
        """
        import pytest

        from batch_call import ReachedTheHttpLayer, job_queues
        from pytest_fakebatch import _routing


        def test_unmarked():
            assert _routing.active_fake() is None
            with pytest.raises(ReachedTheHttpLayer):
                job_queues()
        """,
    )

    result = run(pytester)

    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("how", ["ini", "option"])
def test_fake_batch_block_refuses_a_call_made_outside_a_fake(
    pytester: pytest.Pytester, how: str
) -> None:
    _project(
        pytester,
        """
        import pytest

        from batch_call import job_queues


        def test_unmarked():
            job_queues()


        @pytest.mark.fake_batch
        def test_marked():
            assert job_queues() == []
        """,
    )
    args = ["-ra"]
    if how == "ini":
        pytester.makeini("[pytest]\nfake_batch_block = true\n")
    else:
        args.append("--fake-batch-block")

    result = run(pytester, *args)

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E *pytest_fakebatch.exceptions.BlockedCallError: pytest-fakebatch blocked the AWS "
            "Batch call 'DescribeJobQueues': no FakeBatch is active, and fake_batch_block = true (or "
            "--fake-batch-block) refuses Batch calls made outside a fake. *",
            "FAILED test_it.py::test_unmarked - pytest_fakebatch.exceptions.BlockedCall*",
        ]
    )
    result.stdout.no_fnmatch_line("*ReachedTheHttpLayer*")


def test_fake_batch_block_lets_a_call_to_a_loopback_endpoint_through(
    pytester: pytest.Pytester,
) -> None:
    """A standalone server on this machine is no AWS: the block lets such a call go, and it
    arrives (a listening socket here accepts it), while the same call to AWS is refused before
    any connection is made."""
    pytester.makepyfile(
        test_it="""
        import socket

        import boto3
        import pytest
        from botocore.config import Config

        from pytest_fakebatch.exceptions import BlockedCallError

        CONFIG = Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=0.5)


        @pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
        def test_loopback(host):
            with socket.create_server(("127.0.0.1", 0)) as server:
                server.settimeout(5)
                port = server.getsockname()[1]
                client = boto3.client(
                    "batch", region_name="us-east-1", endpoint_url=f"http://{host}:{port}",
                    config=CONFIG, aws_access_key_id="k", aws_secret_access_key="s",
                )
                with pytest.raises(Exception) as raised:  # no answer comes: a read timeout
                    client.describe_job_queues()
                assert not isinstance(raised.value, BlockedCallError)
                connection, _ = server.accept()  # the request arrived
                connection.close()


        def test_aws(monkeypatch):
            def refuse(*args, **kwargs):
                raise AssertionError(f"a connection was attempted: {args!r}")

            monkeypatch.setattr(socket, "getaddrinfo", refuse)
            monkeypatch.setattr(socket, "create_connection", refuse)
            client = boto3.client(
                "batch", region_name="us-east-1", config=CONFIG,
                aws_access_key_id="k", aws_secret_access_key="s",
            )
            with pytest.raises(BlockedCallError):
                client.describe_job_queues()
        """,
    )

    result = run(pytester, "--fake-batch-block")

    result.assert_outcomes(passed=3)


def test_fake_batch_block_is_off_by_default_and_can_be_turned_off(
    pytester: pytest.Pytester,
) -> None:
    _project(
        pytester,
        """
        import pytest

        from batch_call import ReachedTheHttpLayer, job_queues


        def test_unmarked():
            with pytest.raises(ReachedTheHttpLayer):
                job_queues()
        """,
    )
    pytester.makeini("[pytest]\nfake_batch_block = false\n")

    assert run(pytester).ret == 0


def test_fake_batch_block_refuses_a_call_made_at_exit(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    report = tmp_path / "at-exit.txt"
    pytester.makepyfile(batch_call=CALL)
    pytester.makepyfile(
        test_it=textwrap.dedent(
            f"""
            import atexit

            import pytest

            from batch_call import job_queues


            def at_exit():  # as Metaflow registers one, to kill its job
                try:
                    job_queues()
                except Exception as error:
                    with open({str(report)!r}, "w") as file:
                        file.write(f"{{type(error).__name__}}: {{error}}")


            @pytest.mark.fake_batch
            def test_registers_a_hook():
                atexit.register(at_exit)
                assert job_queues() == []
            """
        )
    )

    result = pytester.runpytest_subprocess("-p", "no:randomly", "--fake-batch-block")

    result.assert_outcomes(passed=1)
    assert report.read_text().startswith(
        "BlockedCallError: pytest-fakebatch blocked the AWS Batch call 'DescribeJobQueues'"
    )


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("autorun='fast'", "TypeError: @pytest.mark.fake_batch: autorun must be None, 'poll' *"),
        ("region='Mars'", "ValueError: @pytest.mark.fake_batch: region must be an AWS region *"),
        ("sleep='never'", "ValueError: @pytest.mark.fake_batch: sleep must be 'real' or 'fake'*"),
        ("visibility_lag=-1", "ValueError: @pytest.mark.fake_batch: visibility_lag must be 0 *"),
    ],
)
@pytest.mark.parametrize("named", [True, False], ids=["fixture", "marker-alone"])
def test_a_bad_marker_value_gets_a_clean_error(
    pytester: pytest.Pytester, marker: str, message: str, named: bool
) -> None:
    pytester.makepyfile(
        test_bad=f"""
        import pytest

        @pytest.mark.fake_batch({marker})
        def test_bad({"fake_batch" if named else ""}):
            pass
        """
    )

    result = run(pytester, "-ra", "-vv")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"E   {message}", f"ERROR test_bad.py::test_bad - {message}"])
    # The error is the test author's: the plugin's and the fake's frames are hidden.
    result.stdout.no_fnmatch_line("*pytest_fakebatch/*.py*")
