"""Hypothesis strategies for property tests against the fake (``pip install pytest-fakebatch[hypothesis]``).

Build the fake inside the test body: the function-scoped ``fake_batch`` fixture is shared by every
example Hypothesis runs, so jobs would pile up across examples::

    from hypothesis import given
    from pytest_fakebatch import FakeBatch, strategies as fbst

    @given(kwargs=fbst.jobs())
    def test_lists_what_was_added(kwargs):
        with FakeBatch(seed=0) as fake:
            job = fake.add_job(**kwargs)
            ...

Nothing here imports botocore until a strategy is drawn from (``stores()`` builds a FakeBatch).
"""

from __future__ import annotations

import string
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from . import _arns, _seeding
from .models import (
    ARRAY_PARENT_STATUSES,
    CONTAINER_EXITED,
    FINISHED_STATUSES,
    JOB_STATUSES,
    STARTED_STATUSES,
    Job,
    JobStatus,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ._fake import FakeBatch

__all__ = [
    "DEFAULT_STATUS_WEIGHTS",
    "array_jobs",
    "job_names",
    "job_objects",
    "job_statuses",
    "jobs",
    "list_jobs_requests",
    "multinode_jobs",
    "stores",
]

_NAME_CHARACTERS = string.ascii_letters + string.digits + "-_"
_QUEUES = ("default", "high-priority", "low_priority")
_DEFINITIONS = ("default", "train", "evaluate")
_SHARES = ("teamA", "teamB")
# Around a fixed moment, so timestamps tie and cross the created-at filters' bounds often.
_EPOCH_MS = 1_700_000_000_000
_FILTER_NAMES = ("JOB_NAME", "JOB_DEFINITION", "BEFORE_CREATED_AT", "AFTER_CREATED_AT")


def job_names(max_size: int = 128) -> st.SearchStrategy[str]:
    """Names SubmitJob accepts: up to 128 letters, digits, hyphens and underscores, the first
    a letter or digit."""
    if not 1 <= max_size <= 128:
        raise ValueError(f"max_size must be from 1 to 128, not {max_size!r}")
    first = st.sampled_from(string.ascii_letters + string.digits)
    rest = st.text(_NAME_CHARACTERS, max_size=max_size - 1)
    return st.builds(str.__add__, first, rest)


def job_statuses() -> st.SearchStrategy[JobStatus]:
    """One of the seven job statuses."""
    return st.sampled_from(JOB_STATUSES)


def _timestamps() -> st.SearchStrategy[int]:
    return st.integers(_EPOCH_MS - 50, _EPOCH_MS + 50)


@st.composite
def _job_kwargs(draw: st.DrawFn, fixed: dict[str, Any]) -> dict[str, Any]:
    status = fixed.get("status", draw(job_statuses()))
    kwargs: dict[str, Any] = {
        "job_queue": draw(st.sampled_from(_QUEUES)),
        "job_name": draw(st.one_of(st.none(), job_names(max_size=24))),
        "status": status,
        "job_definition": draw(st.sampled_from(_DEFINITIONS)),
        "share_identifier": draw(st.one_of(st.none(), st.sampled_from(_SHARES))),
    }
    # Timestamps are drawn after the fixed ones they follow: created <= started <= stopped.
    later = [fixed[name] for name in ("started_at", "stopped_at") if fixed.get(name) is not None]
    if "created_at" in fixed:
        created = fixed["created_at"]
    elif later:  # a fixed later time needs a creation time before it, not the clock's now
        created = min(later) - draw(st.integers(0, 5_000))
    else:
        created = draw(st.one_of(st.none(), _timestamps()))
    kwargs["created_at"] = created
    if created is not None and status in STARTED_STATUSES:
        stopped_fixed = fixed.get("stopped_at")
        gap = st.integers(0, 5_000 if stopped_fixed is None else max(0, stopped_fixed - created))
        started = fixed.get("started_at", created + draw(gap))
        kwargs["started_at"] = started
        if status in FINISHED_STATUSES and started is not None:
            kwargs["stopped_at"] = fixed.get("stopped_at", started + draw(st.integers(0, 5_000)))
    if status == "FAILED":
        kwargs["exit_code"] = draw(st.integers(1, 255))
        kwargs["status_reason"] = draw(st.sampled_from([CONTAINER_EXITED, "OutOfMemoryError"]))
    kwargs.update(fixed)
    return kwargs


def jobs(**fixed: Any) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword sets for ``FakeBatch.add_job``, consistent with their status.

    Keywords given here are fixed in every set: ``jobs(status="RUNNING", job_queue="q")``.
    """
    return _job_kwargs(fixed)


@st.composite
def _array_kwargs(draw: st.DrawFn, max_size: int) -> dict[str, Any]:
    size = draw(st.integers(2, max_size))
    kwargs: dict[str, Any] = {
        "job_queue": draw(st.sampled_from(_QUEUES)),
        "size": size,
        "job_name": draw(st.one_of(st.none(), job_names(max_size=24))),
        "created_at": draw(st.one_of(st.none(), _timestamps())),
    }
    if draw(st.booleans()):
        kwargs["child_statuses"] = draw(st.lists(job_statuses(), min_size=size, max_size=size))
    else:
        kwargs["status"] = draw(st.sampled_from(ARRAY_PARENT_STATUSES))
    return kwargs


def array_jobs(max_size: int = 20) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword sets for ``FakeBatch.add_array_job`` (sizes from 2 to ``max_size``)."""
    if not 2 <= max_size <= 10_000:
        raise ValueError(f"max_size must be from 2 to 10,000, not {max_size!r}")
    return _array_kwargs(max_size)


@st.composite
def _multinode_kwargs(draw: st.DrawFn, max_nodes: int) -> dict[str, Any]:
    num_nodes = draw(st.integers(1, max_nodes))
    main_node = draw(st.integers(0, num_nodes - 1))
    status = draw(job_statuses())
    others = st.sampled_from(
        [s for s in JOB_STATUSES if s not in FINISHED_STATUSES]
        if status not in FINISHED_STATUSES
        else JOB_STATUSES
    )
    node_statuses = [status if i == main_node else draw(others) for i in range(num_nodes)]
    return {
        "job_queue": draw(st.sampled_from(_QUEUES)),
        "num_nodes": num_nodes,
        "main_node": main_node,
        "status": status,
        "node_statuses": node_statuses,
        "created_at": draw(st.one_of(st.none(), _timestamps())),
    }


def multinode_jobs(max_nodes: int = 8) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword sets for ``FakeBatch.add_multinode_job`` (1 to ``max_nodes`` nodes)."""
    if not 1 <= max_nodes <= 1000:
        raise ValueError(f"max_nodes must be from 1 to 1,000, not {max_nodes!r}")
    return _multinode_kwargs(max_nodes)


#: Queue names ``stores()`` uses, in order: the first ``queues`` of them.
_STORE_QUEUES = (*_QUEUES, *(f"queue-{number}" for number in range(4, 11)))
#: The default weights of the statuses ``stores()`` draws: RUNNING (the status a listing shows
#: when none is asked for) four times as often as each other, so queues often hold more than a page of it.
DEFAULT_STATUS_WEIGHTS: Mapping[JobStatus, float] = MappingProxyType(
    {status: 4.0 if status == "RUNNING" else 1.0 for status in JOB_STATUSES}
)


def _weighted(weights: Mapping[JobStatus, float]) -> st.SearchStrategy[JobStatus]:
    # Each status repeated in proportion to its weight (to a hundredth), drawn uniformly.
    scale = 100 / sum(weights.values())
    pool = [status for status, weight in weights.items() for _ in range(round(weight * scale))]
    return st.sampled_from(pool)


@st.composite
def _stores(
    draw: st.DrawFn,
    min_jobs: int,
    max_jobs: int,
    queues: int,
    weights: Mapping[JobStatus, float],
    seed: int | None,
    wire: bool,
) -> FakeBatch:
    from ._fake import FakeBatch  # imports botocore: only once a store is drawn

    fake = FakeBatch(seed=draw(st.integers(0, 2**32 - 1)) if seed is None else seed, wire=wire)
    fake.clock.set(_EPOCH_MS)
    names = _STORE_QUEUES[:queues]
    for queue in names:
        fake.add_queue(queue)
    statuses = _weighted(weights)
    # The first queue is the busiest (twice as likely as each other), as a default queue is.
    queue_names = st.sampled_from([names[0], *names])
    kinds = st.sampled_from(["job", "jobs", "jobs", "array", "multinode"])
    wanted = draw(st.integers(min_jobs, max_jobs))
    added = 0
    while added < wanted:
        kind = draw(kinds)
        fixed: dict[str, Any] = {"job_queue": draw(queue_names)}
        if kind in ("job", "jobs"):
            fixed["status"] = draw(statuses)
            kwargs = draw(jobs(**fixed))
            # Several jobs alike, as a test seeds a busy queue: listings reach a second page.
            room = min(10, wanted - added)
            count = draw(st.integers(2, room)) if kind == "jobs" and room >= 2 else 1
            if count > 1:
                fake.add_jobs(count, **kwargs)
            else:
                fake.add_job(**kwargs)
            added += max(count, 1)
        elif kind == "array":
            fake.add_array_job(**{**draw(array_jobs(max_size=5)), **fixed})
            added += 1
        else:
            fake.add_multinode_job(**{**draw(multinode_jobs(max_nodes=4)), **fixed})
            added += 1
    return fake


def stores(
    max_jobs: int = 30,
    *,
    min_jobs: int = 0,
    queues: int = 3,
    status_weights: Mapping[JobStatus, float] | None = None,
    seed: int | None = None,
    wire: bool = False,
) -> st.SearchStrategy[FakeBatch]:
    """A FakeBatch, not yet active, holding from ``min_jobs`` to ``max_jobs`` random jobs,
    array jobs and multi-node jobs (each counts as one) in ``queues`` queues (1 to 10: ``default``,
    ``high-priority``, ``low_priority``, then ``queue-4`` and on).

    Plain jobs take their status by ``status_weights`` (a weight per status; those left out are
    never drawn; default ``DEFAULT_STATUS_WEIGHTS``, RUNNING four times as often as each other),
    and come alone or several alike, so a queue often holds more than a page of one status.

    Activate it in the test body: ``with store: ...``.
    """
    for label, value in (("max_jobs", max_jobs), ("min_jobs", min_jobs), ("queues", queues)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{label} must be an int, not {value!r}")
    if max_jobs < 0:
        raise ValueError(f"max_jobs must be 0 or more, not {max_jobs!r}")
    if not 0 <= min_jobs <= max_jobs:
        raise ValueError(f"min_jobs must be from 0 to max_jobs ({max_jobs}), not {min_jobs!r}")
    if not 1 <= queues <= len(_STORE_QUEUES):
        raise ValueError(f"queues must be from 1 to {len(_STORE_QUEUES)}, not {queues!r}")
    weights = DEFAULT_STATUS_WEIGHTS if status_weights is None else dict(status_weights)
    for status, weight in weights.items():
        _seeding.check_status(status)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight >= 0:
            raise ValueError(f"the weight of {status} must be a number, 0 or more, not {weight!r}")
    if not any(weights.values()):
        raise ValueError(f"status_weights must give some status a positive weight: {weights!r}")
    return _stores(min_jobs, max_jobs, queues, weights, seed, wire)


def _valid_filter() -> st.SearchStrategy[list[dict[str, Any]]]:
    values = {
        "JOB_NAME": st.one_of(job_names(max_size=8), job_names(max_size=4).map(lambda n: n + "*")),
        "JOB_DEFINITION": st.one_of(st.sampled_from(_DEFINITIONS), st.just("tr*")),
        "BEFORE_CREATED_AT": _timestamps().map(str),
        "AFTER_CREATED_AT": _timestamps().map(str),
        "SHARE_IDENTIFIER": st.sampled_from(_SHARES),
    }
    return st.one_of(*(value.map(_one_filter(name)) for name, value in values.items()))


def _one_filter(name: str) -> Callable[[str], list[dict[str, Any]]]:
    def make(value: str) -> list[dict[str, Any]]:
        return [{"name": name, "values": [value]}]

    return make


@st.composite
def _valid_request(draw: st.DrawFn, fake: FakeBatch | None) -> dict[str, Any]:
    selectors: list[tuple[str, list[str]]] = [("jobQueue", list(_QUEUES))]
    if fake is not None:
        selectors = [
            ("jobQueue", [queue.name for queue in fake.queues if queue.region == fake.region])
        ]
        parents = fake.jobs
        selectors.append(("arrayJobId", [j.job_id for j in parents if j.array_size is not None]))
        selectors.append(("multiNodeJobId", [j.job_id for j in parents if j.num_nodes is not None]))
    name, choices = draw(st.sampled_from([s for s in selectors if s[1]]))
    request: dict[str, Any] = {name: draw(st.sampled_from(choices))}
    if draw(st.booleans()):
        request["jobStatus"] = draw(job_statuses())
    if draw(st.booleans()):
        request["filters"] = draw(_valid_filter())
    if draw(st.booleans()):
        request["maxResults"] = draw(st.integers(1, 1_000))
    return request


def _defects() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({"jobQueue": None, "arrayJobId": None, "multiNodeJobId": None}),
        st.just({"arrayJobId": "00000000-0000-4000-8000-000000000000"}),
        st.just({"multiNodeJobId": "00000000-0000-4000-8000-000000000000"}),
        st.text(_NAME_CHARACTERS, min_size=1, max_size=8).map(
            lambda q: {"jobQueue": f"missing-{q}"}
        ),
        st.text(string.ascii_letters, min_size=1, max_size=10)
        .filter(lambda s: s not in JOB_STATUSES)
        .map(lambda s: {"jobStatus": s}),
        st.integers(max_value=0).map(lambda n: {"maxResults": n}),
        st.text(string.ascii_letters, min_size=1, max_size=20).map(lambda t: {"nextToken": t}),
        st.just(
            {
                "filters": [
                    {"name": "JOB_NAME", "values": ["a"]},
                    {"name": "JOB_NAME", "values": ["b"]},
                ]
            }
        ),
        st.just({"filters": [{"name": "JOB_NAME", "values": ["a", "b"]}]}),
        st.sampled_from(["job_name", "STATUS", "Job_Name", ""]).map(
            lambda n: {"filters": [{"name": n, "values": ["a"]}]}
        ),
        st.sampled_from(_FILTER_NAMES).map(lambda n: {"filters": [{"name": n, "values": []}]}),
        st.sampled_from(["soon", "1.5", "-1"]).map(
            lambda v: {"filters": [{"name": "AFTER_CREATED_AT", "values": [v]}]}
        ),
        st.just(
            {
                "filters": [
                    {
                        "name": "JOB_DEFINITION",
                        "values": ["arn:aws:batch:us-east-1:123456789012:job-definition/train*"],
                    }
                ]
            }
        ),
    )


def list_jobs_requests(
    valid: bool = True, fake: FakeBatch | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword sets for ``client.list_jobs`` that the service accepts (``valid=True``) or rejects
    with a ClientException (``valid=False``). All pass botocore's own parameter validation.

    Valid requests name the queues ``stores()`` makes; pass ``fake`` to draw queue names and array
    and multi-node job ids from it instead. Invalid ones carry exactly one defect.
    """
    base = _valid_request(fake)
    if valid:
        return base
    no_filters = base.map(
        lambda r: {k: v for k, v in r.items() if k not in ("filters", "nextToken")}
    )
    return st.builds(
        lambda request, defect: {k: v for k, v in {**request, **defect}.items() if v is not None},
        no_filters,
        _defects(),
    )


def job_objects() -> st.SearchStrategy[Job]:
    """Standalone Job objects consistent with their status (what ``st.from_type(Job)`` draws)."""

    def build(kwargs: dict[str, Any], job_id: Any) -> Job:
        # The same checks and defaults as FakeBatch.add_job, without a fake to hold the job.
        region, account = "us-east-1", "123456789012"
        return Job(
            job_id=str(job_id),
            job_name=kwargs["job_name"] or "job",
            job_queue=_arns.queue_arn(region, account, kwargs["job_queue"]),
            job_definition=_arns.job_definition_arn(region, account, kwargs["job_definition"], 1),
            share_identifier=kwargs["share_identifier"],
            **_seeding.lifecycle(
                kwargs["status"],
                kwargs["created_at"] or _EPOCH_MS,
                kwargs.get("started_at"),
                kwargs.get("stopped_at"),
                kwargs.get("status_reason"),
                kwargs.get("exit_code"),
            ),
        )

    return st.builds(build, jobs(), st.uuids(version=4))
