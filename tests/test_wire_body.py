"""The wire path's body is exactly ``json.dumps`` of the response, however the fake assembles it.

ListJobs builds its wire body from JSON texts kept per job (see ``_operations/listing.py``); these
tests compare it with ``json.dumps`` of the same reply, through ``FakeBatch.serve`` (what the wire
path and the HTTP endpoint send), and through a real client on the wire path.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from pytest_fakebatch import FakeBatch


def seeded() -> FakeBatch:
    fake = FakeBatch(seed=11)
    fake.clock.set(1_700_000_000_000)  # two fakes seeded alike hold the same jobs
    fake.add_jobs(5, "q", status="RUNNING")
    fake.add_jobs(3, "q", status="SUCCEEDED", job_name="done")
    fake.add_array_job("q", size=3, child_statuses="RUNNING")
    fake.add_multinode_job("q", num_nodes=2)
    return fake


REQUESTS: list[dict[str, Any]] = [
    {"jobQueue": "q"},
    {"jobQueue": "q", "maxResults": 2},
    {"jobQueue": "q", "jobStatus": "SUCCEEDED"},
    {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["done"]}]},
    {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["*"]}]},
]


@pytest.mark.parametrize("request_body", REQUESTS, ids=json.dumps)
def test_the_wire_body_is_json_dumps_of_the_reply(request_body: dict[str, Any]) -> None:
    fake = seeded()
    bodies = []
    with fake:
        for _ in range(3):  # rendered afresh, then from the kept summaries and texts
            reply = fake.serve("ListJobs", fake.region, json.dumps(request_body))
            bodies.append((reply.wire_body(), json.dumps(reply.body).encode()))
        parent = next(job for job in fake.jobs if job.array_size is not None)
        fake.complete(f"{parent.job_id}:0")  # the parent's statusSummary changes
        reply = fake.serve("ListJobs", fake.region, json.dumps({"jobQueue": "q"}))
        bodies.append((reply.wire_body(), json.dumps(reply.body).encode()))

    for wire, dumped in bodies:
        assert wire == dumped
    assert json.loads(bodies[0][0])["jobSummaryList"]


def test_a_page_read_after_its_jobs_changed_still_says_what_was_listed() -> None:
    """The wire body may be read after the lock is released: it holds the page as listed."""
    fake = seeded()
    with fake:
        first = fake.serve("ListJobs", fake.region, json.dumps({"jobQueue": "q"}))
        running = [job for job in fake.jobs if job.status == "RUNNING" and job.parent_id is None]
        fake.complete(running[0].job_id)
        fake.serve("ListJobs", fake.region, json.dumps({"jobQueue": "q", "jobStatus": "SUCCEEDED"}))
        listed = json.loads(first.wire_body())["jobSummaryList"]

    assert [summary["status"] for summary in listed] == ["RUNNING"] * len(listed)
    assert running[0].job_id in [summary["jobId"] for summary in listed]


def test_a_wire_client_gets_what_a_fast_client_gets() -> None:
    answers = []
    for wire in (False, True):
        fake = seeded()
        with fake:
            client = boto3.client("batch", region_name=fake.region)
            for _ in range(2):
                response = client.list_jobs(jobQueue="q", maxResults=3)
                response.pop("ResponseMetadata")
                answers.append((wire, response))

    fast = [response for wire, response in answers if not wire]
    on_the_wire = [response for wire, response in answers if wire]
    assert fast == on_the_wire


@pytest.mark.parametrize("wire", [False, True], ids=["fast path", "wire path"])
def test_the_call_log_shows_each_page_as_it_was_answered(wire: bool) -> None:
    """The log keeps the jobs listed and renders them when read: what it shows must be what the
    caller got, even after the jobs moved on."""
    answered = []
    requests: list[dict[str, Any]] = [
        {"jobQueue": "q"},
        {"jobQueue": "q", "maxResults": 2},
        {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["done"]}]},
    ]
    with FakeBatch(seed=11, wire=wire) as fake:
        fake.clock.set(1_700_000_000_000)
        fake.add_jobs(3, "q", status="RUNNING")
        fake.add_jobs(2, "q", status="SUCCEEDED", job_name="done")
        fake.add_array_job("q", size=2, child_statuses="RUNNING")
        client = boto3.client("batch", region_name=fake.region)
        for request in requests:
            response = client.list_jobs(**request)
            response.pop("ResponseMetadata")
            answered.append(response)
        fake.run_all()  # every job listed changes, array children and parents included

    logged = [call.response for call in fake.get_calls("ListJobs")]
    assert logged == answered
    assert logged[0]["jobSummaryList"][0]["status"] == "RUNNING"
    assert all("startedAt" not in summary for summary in logged[2]["jobSummaryList"])
    assert fake.get_calls("ListJobs")[1].response is not fake.get_calls("ListJobs")[1].response
