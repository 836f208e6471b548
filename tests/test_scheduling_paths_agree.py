"""The fast and the wire path agree on random sequences of the scheduling-policy, compute
environment, bulk-stop and snapshot operations (responses and errors alike)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_fakebatch import FakeBatch
from tests.model_support import requires

ARN = "arn:aws:batch:us-east-1:123456789012:scheduling-policy"
STATUSES = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"]
#: Placeholders replaced by a seeded job's id or ARN (the same in both runs: same seed).
JOB_REFERENCES = ["job:0", "job:1", "job:2", "arn:0", "arn:1", "nope", ""]

fairshare = st.fixed_dictionaries(
    {},
    optional={
        "shareDecaySeconds": st.integers(-1, 604_801),
        "computeReservation": st.integers(-1, 100),
        "shareDistribution": st.lists(
            st.fixed_dictionaries(
                {"shareIdentifier": st.sampled_from(["a", "a*", "b", "c*", "x*y"])},
                optional={"weightFactor": st.sampled_from([0.00001, 0.5, 1.0, 2.0, 1000.0])},
            ),
            max_size=3,
        ),
    },
)
policy_arns = st.sampled_from([f"{ARN}/fair", f"{ARN}/p", f"{ARN}/q", "p"])

calls = st.one_of(
    st.tuples(
        st.just("create_scheduling_policy"),
        st.fixed_dictionaries(
            {"name": st.sampled_from(["p", "q", "fair", "bad name"])},
            optional={"fairsharePolicy": fairshare},
        ),
    ),
    st.tuples(
        st.just("list_scheduling_policies"),
        st.fixed_dictionaries(
            {},
            optional={
                "maxResults": st.integers(0, 3),
                "nextToken": st.sampled_from(["previous", "garbage"]),
            },
        ),
    ),
    st.tuples(
        st.just("describe_scheduling_policies"),
        st.fixed_dictionaries({"arns": st.lists(policy_arns, max_size=3)}),
    ),
    st.tuples(
        st.just("update_scheduling_policy"),
        st.fixed_dictionaries({"arn": policy_arns}, optional={"fairsharePolicy": fairshare}),
    ),
    st.tuples(st.just("delete_scheduling_policy"), st.fixed_dictionaries({"arn": policy_arns})),
    st.tuples(
        st.sampled_from(["cancel_jobs", "terminate_jobs"]),
        st.fixed_dictionaries(
            {
                "jobs": st.lists(st.sampled_from(JOB_REFERENCES), max_size=4),
                "reason": st.sampled_from(["stop", ""]),
            }
        ),
    ),
    st.tuples(
        st.sampled_from(["cancel_job", "terminate_job"]),
        st.fixed_dictionaries(
            {"jobId": st.sampled_from(JOB_REFERENCES), "reason": st.just("stop")}
        ),
    ),
    st.tuples(
        st.just("get_job_queue_snapshot"),
        st.fixed_dictionaries({"jobQueue": st.sampled_from(["fair", "fifo", "missing"])}),
    ),
    st.tuples(
        st.just("list_jobs"),
        st.fixed_dictionaries(
            {"jobQueue": st.sampled_from(["fair", "fifo"]), "jobStatus": st.sampled_from(STATUSES)}
        ),
    ),
    st.tuples(
        st.just("update_compute_environment"),
        st.fixed_dictionaries(
            {"computeEnvironment": st.sampled_from(["ce", "spare", "missing"])},
            optional={
                "state": st.sampled_from(["ENABLED", "DISABLED", "OFF"]),
                "computeResources": st.fixed_dictionaries(
                    {},
                    optional={
                        "minvCpus": st.integers(0, 8),
                        "maxvCpus": st.integers(0, 300),
                        "desiredvCpus": st.integers(0, 8),
                        "instanceTypes": st.just(["c5"]),
                    },
                ),
            },
        ),
    ),
    st.tuples(
        st.just("delete_compute_environment"),
        st.fixed_dictionaries({"computeEnvironment": st.sampled_from(["ce", "spare", "missing"])}),
    ),
    st.tuples(
        st.just("submit_job"),
        st.fixed_dictionaries(
            {
                "jobName": st.just("j"),
                "jobQueue": st.sampled_from(["fair", "fifo"]),
                "jobDefinition": st.just("d"),
            },
            optional={
                "shareIdentifier": st.sampled_from(["a", "b1"]),
                "schedulingPriorityOverride": st.integers(0, 9),
            },
        ),
    ),
)
job_statuses = st.lists(st.sampled_from(STATUSES), min_size=3, max_size=8)


def run(wire: bool, statuses: list[str], sequence: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    with FakeBatch(seed=31, wire=wire) as fake:
        fake.clock.set(1_700_000_000_000)
        fake.add_compute_environment("ce")
        fake.add_compute_environment("spare", state="DISABLED")
        fake.add_queue("fifo", compute_environments=["ce"])
        policy = fake.add_scheduling_policy("fair", fairshare_policy={})
        fake.add_queue("fair", scheduling_policy_arn=policy.arn)
        fake.add_job_definition("d")
        jobs = [
            fake.add_job(
                "fair" if number % 2 else "fifo",
                status=status,  # type: ignore[arg-type]
                job_definition="d",
                share_identifier=("a" if number % 3 else "b") if number % 2 else None,
            )
            for number, status in enumerate(statuses)
        ]
        references = {
            **{f"job:{n}": job.job_id for n, job in enumerate(jobs)},
            **{f"arn:{n}": job.job_arn for n, job in enumerate(jobs)},
        }
        client = boto3.client("batch", region_name=fake.region)
        results: list[Any] = []
        token: str | None = None
        for method, params in sequence:
            request = dict(params)
            if "jobs" in request:
                request["jobs"] = [references.get(r, r) for r in request["jobs"]]
            if "jobId" in request:
                request["jobId"] = references.get(request["jobId"], request["jobId"])
            if request.get("nextToken") == "previous":
                if token is None:
                    del request["nextToken"]
                else:
                    request["nextToken"] = token
            try:
                response = getattr(client, method)(**request)
            except ClientError as error:
                results.append(("error", error.response))
            else:
                results.append(("ok", response))
                if method == "list_scheduling_policies":
                    token = response.get("nextToken", token)
            fake.clock.advance(1)
        results.append([(job.job_id, job.status, job.is_cancelled) for job in fake.jobs])
        return results


@requires("CancelJobs", "TerminateJobs")
@settings(max_examples=60, deadline=None)
@given(statuses=job_statuses, sequence=st.lists(calls, min_size=1, max_size=8))
def test_fast_and_wire_paths_agree(
    statuses: list[str], sequence: list[tuple[str, dict[str, Any]]]
) -> None:
    assert run(False, statuses, sequence) == run(True, statuses, sequence)
