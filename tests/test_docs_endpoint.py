"""The examples of docs/endpoint.md, run (each first checked to be on the page word for word)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGE = (DOCS / "endpoint.md").read_text()


def example(first_line: str) -> str:
    """The fenced code block of docs/endpoint.md that starts with ``first_line``."""
    blocks = re.findall(r"```(?:python|console|yaml)\n(.*?)```", PAGE, flags=re.DOTALL)
    [found] = [block for block in blocks if block.startswith(first_line)]
    return found


def test_the_fixture_example_runs(pytester: pytest.Pytester) -> None:
    script = example("# scripts/cancel_stuck.py")
    test = example("import os\nimport subprocess")
    pytester.mkdir("scripts")
    pytester.path.joinpath("scripts", "cancel_stuck.py").write_text(script)
    pytester.makepyfile(test_cancel_stuck=test)

    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_the_server_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code = example("from pytest_fakebatch import FakeBatch, FakeBatchServer")

    exec(compile(code, "docs/endpoint.md", "exec"), {})

    url, env = capsys.readouterr().out.split(" ", 1)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
    assert "'AWS_ENDPOINT_URL_BATCH': 'http://127.0.0.1:" in env


def test_the_serve_example_shows_what_serve_prints() -> None:
    shown = example("$ pytest-fakebatch serve --port 4566 --seed 1 --autorun poll")
    assert shown.splitlines()[1:] == [
        "http://127.0.0.1:4566",
        "pytest-fakebatch: AWS Batch in us-east-1 for account 123456789012, seed 1; control API "
        "at http://127.0.0.1:4566/_fakebatch/; stop with Ctrl-C or SIGTERM",
    ]


def test_the_control_routes_on_the_page_are_the_servers() -> None:
    from pytest_fakebatch._control import ROUTES

    listed = re.findall(r"^\| `(GET|POST) /_fakebatch/(\w+)`", PAGE, flags=re.MULTILINE)
    assert sorted(listed) == sorted((verb, route) for route, verb in ROUTES.items())
