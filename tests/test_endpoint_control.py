"""The control API under /_fakebatch/: each route does what the Python method of its name does,
and a bad control request gets a 400 (or 404, 405) with a message, never a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.endpoint_helpers import Response, request

if TYPE_CHECKING:
    from pytest_fakebatch import FakeBatch


def control(server: Any, method: str, name: str, body: Any = None) -> Response:
    return request(server.endpoint_url, method, f"/_fakebatch/{name}", body)


def test_health_names_the_fake(fake_batch: FakeBatch, fake_batch_server: Any) -> None:
    answer = control(fake_batch_server, "GET", "health")

    assert answer.status == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {
        "status": "ok",
        "region": fake_batch.region,
        "accountId": fake_batch.account_id,
        "seed": fake_batch.seed,
        "autorun": getattr(fake_batch, "autorun", None),
    }


def test_advance_moves_one_job_or_every_job(fake_batch: FakeBatch, fake_batch_server: Any) -> None:
    first, second = fake_batch.add_jobs(2, "q", status="SUBMITTED")

    one = control(fake_batch_server, "POST", "advance", {"jobId": first.job_id})
    every = control(fake_batch_server, "POST", "advance", b"")

    assert one.status == every.status == 200
    assert one.json() == {
        "jobs": [{"jobId": first.job_id, "jobName": first.job_name, "status": "RUNNABLE"}]
    }
    assert {job["jobId"]: job["status"] for job in every.json()["jobs"]} == {
        first.job_id: "STARTING",
        second.job_id: "RUNNABLE",
    }
    assert fake_batch.get_job(first.job_id).status == "STARTING"


def test_complete_ends_a_job_with_its_exit_code(
    fake_batch: FakeBatch, fake_batch_server: Any
) -> None:
    job = fake_batch.add_job("q", status="RUNNING")

    answer = control(
        fake_batch_server,
        "POST",
        "complete",
        {"jobId": job.job_id, "exitCode": 3, "reason": "boom"},
    )

    assert answer.status == 200
    shown = answer.json()["job"]
    assert (shown["jobId"], shown["status"], shown["exitCode"]) == (job.job_id, "FAILED", 3)
    assert fake_batch.get_job(job.job_id).status == "FAILED"


def test_set_status_moves_a_job_with_a_reason(
    fake_batch: FakeBatch, fake_batch_server: Any
) -> None:
    job = fake_batch.add_job("q", status="RUNNABLE")

    answer = control(
        fake_batch_server,
        "POST",
        "set_status",
        {"jobId": job.job_id, "status": "FAILED", "reason": "Host EC2 terminated"},
    )

    assert answer.status == 200
    assert answer.json()["job"]["statusReason"] == "Host EC2 terminated"
    moved = fake_batch.get_job(job.job_id)
    assert (moved.status, moved.status_reason) == ("FAILED", "Host EC2 terminated")


def test_run_all_runs_every_job_to_its_end(fake_batch: FakeBatch, fake_batch_server: Any) -> None:
    jobs = fake_batch.add_jobs(3, "q", status="SUBMITTED")

    answer = control(fake_batch_server, "POST", "run_all", {})

    assert (answer.status, answer.json()) == (200, {})
    assert {fake_batch.get_job(job.job_id).status for job in jobs} == {"SUCCEEDED"}


def test_calls_lists_the_call_log_as_json(fake_batch: FakeBatch, fake_batch_server: Any) -> None:
    request(fake_batch_server.endpoint_url, "POST", "/v1/listjobs", {"jobQueue": "missing"})
    request(fake_batch_server.endpoint_url, "POST", "/v1/describejobqueues", {})

    every = control(fake_batch_server, "GET", "calls").json()["calls"]
    only = control(fake_batch_server, "GET", "calls?operation=list_jobs").json()["calls"]

    assert [call["operation"] for call in every] == ["ListJobs", "DescribeJobQueues"]
    assert every[1] == {
        "operation": "DescribeJobQueues",
        "params": {},
        "response": {"jobQueues": []},
        "error": None,
    }
    assert only == every[:1]
    assert only[0]["params"] == {"jobQueue": "missing"}
    assert only[0]["response"] is None
    assert only[0]["error"]["code"] == "ClientException"
    assert "JobQueue missing not found." in only[0]["error"]["message"]


def test_reset_empties_the_store_and_the_log(fake_batch: FakeBatch, fake_batch_server: Any) -> None:
    fake_batch.add_jobs(2, "q")
    request(fake_batch_server.endpoint_url, "POST", "/v1/describejobqueues", {})

    answer = control(fake_batch_server, "POST", "reset")

    assert (answer.status, answer.json()) == (200, {})
    assert fake_batch.jobs == fake_batch.queues == fake_batch.calls == []
    assert control(fake_batch_server, "GET", "calls").json() == {"calls": []}


@pytest.mark.parametrize(
    ("method", "name", "body", "status", "message"),
    [
        ("POST", "complete", {"exitCode": 0}, 400, "complete: missing member 'jobId'"),
        (
            "POST",
            "complete",
            {"jobid": "x"},
            400,
            "complete: unknown member 'jobid'; it takes 'jobId', 'exitCode', 'reason'",
        ),
        (
            "POST",
            "complete",
            {"jobId": "nope"},
            400,
            "complete: the fake has no job with id 'nope'",
        ),
        ("POST", "advance", b"{not json", 400, "advance: the body is not valid JSON"),
        ("POST", "advance", b"[1]", 400, "advance: the body must be a JSON object, not [1]"),
        (
            "POST",
            "run_all",
            {"now": True},
            400,
            "run_all: unknown member 'now'; it takes no members",
        ),
        ("GET", "run_all", None, 405, "/_fakebatch/run_all takes POST, not GET"),
        ("POST", "health", None, 405, "/_fakebatch/health takes GET, not POST"),
        ("GET", "calls?operation=ListJob", None, 400, "calls: 'ListJob' is not a Batch operation"),
        (
            "GET",
            "calls?op=ListJobs",
            None,
            400,
            "calls: unknown query parameter 'op'; it takes 'operation'",
        ),
    ],
)
def test_a_bad_control_request_gets_an_error_with_a_message(
    fake_batch_server: Any, method: str, name: str, body: Any, status: int, message: str
) -> None:
    answer = control(fake_batch_server, method, name, body)

    assert answer.status == status
    assert answer.json()["message"].startswith(message)
    assert control(fake_batch_server, "GET", "health").status == 200


def test_set_status_with_a_bad_status_gets_the_fakes_message(
    fake_batch: FakeBatch, fake_batch_server: Any
) -> None:
    job = fake_batch.add_job("q", status="RUNNABLE")

    answer = control(
        fake_batch_server, "POST", "set_status", {"jobId": job.job_id, "status": "DONE"}
    )

    assert answer.status == 400
    assert "'DONE'" in answer.json()["message"]
    assert fake_batch.get_job(job.job_id).status == "RUNNABLE"


def test_an_unknown_control_route_lists_the_routes(fake_batch_server: Any) -> None:
    answer = control(fake_batch_server, "POST", "runall")

    assert answer.status == 404
    assert answer.json()["message"] == (
        "no control route '/_fakebatch/runall'; the control API has POST /_fakebatch/run_all, "
        "POST /_fakebatch/advance, POST /_fakebatch/complete, POST /_fakebatch/set_status, "
        "POST /_fakebatch/reset, POST /_fakebatch/outcome, POST /_fakebatch/autorun, "
        "GET /_fakebatch/calls, GET /_fakebatch/health"
    )


# autorun and outcome (the autopilot's, through the control API)


def test_autorun_is_set_and_read_through_the_control_api(
    fake_batch: FakeBatch, fake_batch_server: Any
) -> None:
    job = fake_batch.add_job("q", status="SUBMITTED")

    turned_on = control(fake_batch_server, "POST", "autorun", {"autorun": "poll"})
    for _ in range(3):  # each read takes one scheduler step
        request(fake_batch_server.endpoint_url, "POST", "/v1/describejobs", {"jobs": [job.job_id]})
    timed = control(fake_batch_server, "POST", "autorun", {"autorun": 30})
    turned_off = control(fake_batch_server, "POST", "autorun", {"autorun": None})

    assert (turned_on.status, turned_on.json()) == (200, {"autorun": "poll"})
    assert fake_batch.get_job(job.job_id).status == "RUNNING"
    assert (timed.status, timed.json()) == (200, {"autorun": 30.0})
    assert (turned_off.status, turned_off.json()) == (200, {"autorun": None})
    assert fake_batch.autorun is None
    assert control(fake_batch_server, "GET", "health").json()["autorun"] is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"autorun": "often"},
            "autorun: autorun must be None, 'poll' or a positive number of seconds, not 'often'",
        ),
        ({"autorun": -1}, "autorun: autorun must be a positive, finite number of seconds, not -1"),
        ({}, 'autorun: the body must be {"autorun": "poll" | seconds | null}, not {}'),
        (
            {"autorun": "poll", "now": 1},
            'autorun: the body must be {"autorun": "poll" | seconds | null}',
        ),
    ],
)
def test_a_bad_autorun_is_a_400(
    fake_batch: FakeBatch, fake_batch_server: Any, body: Any, message: str
) -> None:
    answer = control(fake_batch_server, "POST", "autorun", body)

    assert answer.status == 400
    assert answer.json()["message"].startswith(message)
    assert fake_batch.autorun is None


def test_outcome_rules_set_through_the_control_api_decide_how_jobs_end(
    fake_batch: FakeBatch, fake_batch_server: Any
) -> None:
    load, report = (
        fake_batch.add_job("q", job_name="load-1", status="SUBMITTED"),
        fake_batch.add_job("q", job_name="report", status="SUBMITTED"),
    )

    answer = control(
        fake_batch_server,
        "POST",
        "outcome",
        {
            "jobName": "load*",
            "exitCode": 1,
            "statusReason": "Out of disk",
            "containerReason": "OutOfMemoryError",
        },
    )
    control(fake_batch_server, "POST", "run_all")

    assert (answer.status, answer.json()) == (200, {})
    failed = fake_batch.get_job(load.job_id)
    assert (failed.status, failed.exit_code, failed.status_reason) == ("FAILED", 1, "Out of disk")
    assert fake_batch.get_job(report.job_id).status == "SUCCEEDED"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"exitCode": 1}, "outcome: outcome() needs job_name or job_definition (or both)"),
        (
            {"jobName": "x", "exit_code": 1},
            "outcome: unknown member 'exit_code'; it takes 'jobName', 'jobDefinition', 'exitCode', 'statusReason', 'containerReason', 'runsFor'",
        ),
        ({"jobName": "x", "exitCode": "one"}, "outcome: exit_code must be an int, not 'one'"),
    ],
)
def test_a_bad_outcome_is_a_400(fake_batch_server: Any, body: Any, message: str) -> None:
    answer = control(fake_batch_server, "POST", "outcome", body)

    assert answer.status == 400
    assert answer.json()["message"].startswith(message)


def test_reset_keeps_autorun_and_forgets_outcome_rules(
    fake_batch: FakeBatch, fake_batch_server: Any
) -> None:
    control(fake_batch_server, "POST", "autorun", {"autorun": "poll"})
    control(fake_batch_server, "POST", "outcome", {"jobName": "*", "exitCode": 2})

    control(fake_batch_server, "POST", "reset")
    job = fake_batch.add_job("q", status="SUBMITTED")
    fake_batch.run_all()

    assert fake_batch.autorun == "poll"
    assert fake_batch.get_job(job.job_id).status == "SUCCEEDED"


def test_the_moves_show_service_jobs_too(fake_batch: FakeBatch, fake_batch_server: Any) -> None:
    job = fake_batch.add_job("q", status="SUBMITTED")
    service_job = fake_batch.add_service_job(status="SUBMITTED")
    moved = {"jobId": service_job.job_id}

    every = control(fake_batch_server, "POST", "advance", b"")
    running = control(fake_batch_server, "POST", "set_status", {**moved, "status": "RUNNING"})
    done = control(fake_batch_server, "POST", "complete", moved)

    assert {shown["jobId"]: shown["status"] for shown in every.json()["jobs"]} == {
        job.job_id: "RUNNABLE",
        service_job.job_id: "RUNNABLE",
    }
    assert running.json()["job"]["status"] == "RUNNING"
    assert done.json() == {
        "job": {
            "jobId": service_job.job_id,
            "jobName": service_job.job_name,
            "status": "SUCCEEDED",
            "statusReason": "Job completed successfully",
        }
    }
