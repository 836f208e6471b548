"""Helpers shared by the job API and lifecycle tests (SubmitJob, DescribeJobs, CancelJob,
TerminateJob, and the fake's set_status / advance / complete / run_all)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import client_error_detail

if TYPE_CHECKING:
    from collections.abc import Callable

    from botocore.client import BaseClient

#: A container as RegisterJobDefinition takes it: the least the service accepts.
CONTAINER: dict[str, Any] = {
    "image": "busybox",
    "command": ["echo", "hello"],
    "resourceRequirements": [
        {"type": "VCPU", "value": "1"},
        {"type": "MEMORY", "value": "512"},
    ],
}
#: The statusReason of a job whose container exited (seeded and completed jobs alike).
EXITED = "Essential container in task exited"


def register(client: BaseClient, name: str, **properties: Any) -> str:
    """Register a container job definition (``properties`` added to the request); its ARN."""
    properties.setdefault("containerProperties", CONTAINER)
    response = client.register_job_definition(
        jobDefinitionName=name, type="container", **properties
    )
    return str(response["jobDefinitionArn"])


def register_multinode(client: BaseClient, name: str, num_nodes: int, main_node: int = 0) -> str:
    response = client.register_job_definition(
        jobDefinitionName=name,
        type="multinode",
        nodeProperties={
            "numNodes": num_nodes,
            "mainNode": main_node,
            "nodeRangeProperties": [{"targetNodes": "0:", "container": CONTAINER}],
        },
    )
    return str(response["jobDefinitionArn"])


def submit(
    client: BaseClient, name: str = "job", queue: str = "q", definition: str = "d", **params: Any
) -> str:
    """Submit a job; its id."""
    response = client.submit_job(jobName=name, jobQueue=queue, jobDefinition=definition, **params)
    return str(response["jobId"])


def describe(client: BaseClient, job_id: str) -> dict[str, Any]:
    """The one JobDetail DescribeJobs returns for ``job_id``."""
    jobs = client.describe_jobs(jobs=[job_id])["jobs"]
    assert len(jobs) == 1, jobs
    return dict(jobs[0])


def rejected(client: BaseClient, call: Callable[..., Any], **params: Any) -> str:
    """The detail of the ClientException ``call(**params)`` raises, its envelope checked."""
    __tracebackhide__ = True
    with pytest.raises(client.exceptions.ClientException) as raised:
        call(**params)
    return client_error_detail(raised.value)


def exact(message: str) -> str:
    """A ``pytest.raises`` match pattern for exactly ``message``."""
    return f"^{re.escape(message)}$"


def listed(client: BaseClient, queue: str, status: str) -> list[str]:
    """The ids ListJobs returns for one status of a queue, every page."""
    paginator = client.get_paginator("list_jobs")
    pages = paginator.paginate(jobQueue=queue, jobStatus=status)
    return [summary["jobId"] for page in pages for summary in page["jobSummaryList"]]
