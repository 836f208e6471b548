"""The consumable resources and quota shares section of docs/resources.md: its example runs, and
the factory signatures it shows are the factories'."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pytest

from pytest_fakebatch import FakeBatch
from tests.test_docs_resources import PAGE, run_code

if TYPE_CHECKING:
    from botocore.client import BaseClient

LICENCE_EXAMPLE = """
def test_one_licence_runs_the_jobs_one_at_a_time(fake_batch, batch_client):
    fake_batch.add_consumable_resource("solver-licence", total_quantity=1)
    fake_batch.add_queue("nightly")
    batch_client.register_job_definition(
        jobDefinitionName="solve",
        type="container",
        containerProperties={"image": "solver", "vcpus": 1, "memory": 512},
        consumableResourceProperties={
            "consumableResourceList": [{"consumableResource": "solver-licence", "quantity": 1}]
        },
    )
    first, second = (
        batch_client.submit_job(jobName=name, jobQueue="nightly", jobDefinition="solve")["jobId"]
        for name in ("first", "second")
    )

    fake_batch.advance()  # both RUNNABLE
    fake_batch.advance()  # the first takes the licence; the second waits
    assert [fake_batch.get_job(j).status for j in (first, second)] == ["STARTING", "RUNNABLE"]
    licence = batch_client.describe_consumable_resource(consumableResource="solver-licence")
    assert (licence["inUseQuantity"], licence["availableQuantity"]) == (1, 0)

    fake_batch.run_all()  # the first finishes and lets go; then the second runs
    assert [fake_batch.get_job(j).status for j in (first, second)] == ["SUCCEEDED", "SUCCEEDED"]
"""


def test_the_licence_example_passes(fake_batch: FakeBatch, batch_client: BaseClient) -> None:
    namespace = run_code(LICENCE_EXAMPLE)

    namespace["test_one_licence_runs_the_jobs_one_at_a_time"](fake_batch, batch_client)

    assert fake_batch.consumable_resources[0].in_use_quantity == 0


@pytest.mark.parametrize(
    ("factory", "start"),
    [
        ("add_consumable_resource", 'fake_batch.add_consumable_resource(\n    "licences",'),
        ("add_quota_share", 'fake_batch.add_quota_share(\n    "team-a",'),
    ],
)
def test_the_factory_signatures_as_shown(factory: str, start: str) -> None:
    text = PAGE.read_text()
    begin = text.index(start)
    block = text[begin : text.index("\n)\n", begin)]
    shown = re.findall(r"^    (\w+)=(.*?),?(?:\s+#.*)?$", block, re.MULTILINE)
    parameters = [
        p
        for p in inspect.signature(getattr(FakeBatch, factory)).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]

    assert [name for name, _ in shown] == [p.name for p in parameters]
    for (name, default), parameter in zip(shown, parameters, strict=True):
        if parameter.default is not inspect.Parameter.empty:
            expected = parameter.default
            if isinstance(expected, Mapping):
                expected = dict(expected)
            assert ast.literal_eval(default) == expected, name
