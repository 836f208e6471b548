"""ListJobs: selectors, status, filters, ordering and pagination.

Every detail string marked "chosen" below has no known real-service wording: it follows the verified
error envelope and says what was wrong (docs/fidelity.md lists them all).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, Any

import attrs

from .. import _pagination
from .._errors import client_exception
from .._render import job_summary
from ._filters import parse_filters

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .._store import JobIndex, SortKey, Store
    from ..models import Job, JobStatus

from ..models import JOB_STATUSES

#: "If neither parameter is used, then ListJobs returns up to 1000 results" (API_ListJobs).
PAGE_CAP = 1000
#: "When --filters is used, Batch returns up to 100 values" (API_ListJobs).
FILTERED_PAGE_CAP = 100
_SELECTORS = ("jobQueue", "arrayJobId", "multiNodeJobId")
SELECTOR_DETAIL = "You must specify only one of jobQueue, arrayJobId or multiNodeJobId."  # chosen
TOKEN_DETAIL = (  # chosen
    "Invalid nextToken: use the token a previous ListJobs call with the same parameters returned."
)


def list_jobs(store: Store, region: str, params: Mapping[str, Any]) -> dict[str, Any]:
    selectors = [name for name in _SELECTORS if name in params]
    if len(selectors) != 1:
        raise client_exception(SELECTOR_DETAIL)
    filter_ = parse_filters(params.get("filters"))
    status = _job_status(params.get("jobStatus"))
    scope = _scope(store, region, selectors[0], params[selectors[0]])
    if scope.children:
        filter_ = None  # "The filter doesn't apply to child jobs in an array or MNP jobs."

    if filter_ is None or filter_.combines_with_status:
        status = (
            status or "RUNNING"
        )  # "If you don't specify a status, only RUNNING jobs are returned."
        keys = scope.index.by_status[status]
    else:
        status = None  # other filters: "jobStatus is ignored and jobs with any status are returned"
        keys = scope.index.all
    limit = _page_size(params.get("maxResults"), PAGE_CAP if filter_ is None else FILTERED_PAGE_CAP)
    query = _pagination.fingerprint(
        "ListJobs", region, selectors[0], scope.identity, status, filter_
    )

    low, high = (0, len(keys)) if filter_ is None else filter_.key_range(keys)
    token = params.get("nextToken")
    if token:  # "" asks for the first page, as AWS ParallelCluster's awsbstat sends it
        try:
            last = _pagination.decode(token, _pagination.fingerprint(*query))
            high = min(high, bisect_left(keys, last))
        except _pagination.InvalidToken:
            raise client_exception(TOKEN_DETAIL) from None
    matches = None if filter_ is None else filter_.matches
    if matches is None:
        begin = max(low, high - limit)
        page = keys[begin:high]
        page.reverse()
        more = begin > low
    else:
        page, more = _scan(keys, low, high, limit, matches, scope.job_for)

    job_for = scope.job_for
    summaries = _Renderer(store, scope.job_arn_prefix).summaries([job_for(key[1]) for key in page])
    if filter_ is not None and filter_.name == "JOB_NAME":
        _drop_started_at_of_succeeded(summaries)
    result: dict[str, Any] = {"jobSummaryList": summaries}
    if more:
        result["nextToken"] = _pagination.encode(_pagination.fingerprint(*query), page[-1])
    return result


@attrs.frozen
class _Scope:
    """The jobs one selector lists: a queue's (parents only) or one parent's children."""

    index: JobIndex
    identity: str
    job_for: Callable[[Any], Job]
    """From the second part of a sort key to the job."""
    children: bool
    job_arn_prefix: str


def _scope(store: Store, region: str, selector: str, value: str) -> _Scope:
    if selector == "jobQueue":
        queue = store.find_queue(region, value)
        if queue is None:
            # Chosen: the only real "not found" text for a queue, SubmitJob's (base2genomics/batchit#13).
            raise client_exception(f"JobQueue {value} not found.")
        return _Scope(
            store.queue_index(queue),
            queue.arn,
            store.jobs.__getitem__,
            False,
            _job_arn_prefix(queue.arn),
        )
    job = store.jobs.get(value)
    index = None if job is None or _region_of(job) != region else store.child_index(job.job_id)
    array = selector == "arrayJobId"
    if job is None or index is None or (job.array_size is not None) != array:
        kind = "array" if array else "multi-node parallel"
        raise client_exception(f"No {kind} job found with id {value}.")  # chosen
    job_for = _child_lookup(store, job.job_id, ":" if array else "#")
    return _Scope(index, job.job_id, job_for, True, _job_arn_prefix(job.job_queue))


def _job_arn_prefix(queue_arn: str) -> str:
    # arn:<partition>:batch:<region>:<account>:job-queue/<name> -> ...:<account>:job/
    return queue_arn.partition(":job-queue/")[0] + ":job/"


def _scan(
    keys: list[SortKey],
    low: int,
    high: int,
    limit: int,
    matches: Callable[[Job], bool],
    job_for: Callable[[Any], Job],
) -> tuple[list[SortKey], bool]:
    """Newest-first matches below ``high``, stopping as soon as the page is full.

    A full page carries a token unless the scan reached the bottom, so a filtered walk may end
    with an empty page (which has no token) rather than scan the rest of the queue to find out.
    """
    page: list[SortKey] = []
    position = high
    while position > low and len(page) < limit:
        position -= 1
        key = keys[position]
        if matches(job_for(key[1])):
            page.append(key)
    return page, len(page) == limit and position > low


class _Renderer:
    """Summaries for one listing, reusing what earlier listings rendered for the same job.

    A job is immutable, so its summary is rendered once and cached against the job object. The
    fake never changes a rendered summary; the caller gets copies (see ``copy_response``). Array
    parents are rendered afresh: their statusSummary follows their children.
    """

    def __init__(self, store: Store, job_arn_prefix: str) -> None:
        self._store = store
        self._cache = store.summary_cache
        self._prefix = job_arn_prefix

    def summaries(self, jobs: list[Job]) -> list[dict[str, Any]]:
        cache = self._cache
        result = []
        for job in jobs:
            cached = cache.get(job.job_id)
            if cached is None or cached[0] is not job:
                summary = job_summary(job, self._prefix, self._status_summary)
                if job.array_size is None:
                    cache[job.job_id] = (job, summary)
                result.append(summary)
            else:
                result.append(cached[1])
        return result

    def _status_summary(self, parent_id: str) -> dict[str, int]:
        children = self._store.child_index(parent_id)
        assert children is not None
        return {status: len(children.by_status[status]) for status in JOB_STATUSES}


def copy_response(body: dict[str, Any]) -> dict[str, Any]:
    """A ListJobs response the caller may change freely: every summary and nested dict copied.

    Faster than a generic deep copy, which matters on the fast path: it knows the shape.
    """
    summaries = []
    for summary in body["jobSummaryList"]:
        copy = summary.copy()
        if "container" in copy:
            copy["container"] = copy["container"].copy()
        if "nodeProperties" in copy:
            copy["nodeProperties"] = copy["nodeProperties"].copy()
        if "arrayProperties" in copy:
            properties = copy["arrayProperties"] = copy["arrayProperties"].copy()
            if "statusSummary" in properties:
                properties["statusSummary"] = properties["statusSummary"].copy()
        summaries.append(copy)
    return {**body, "jobSummaryList": summaries}


def _drop_started_at_of_succeeded(summaries: list[dict[str, Any]]) -> None:
    # Observed: with the JOB_NAME filter, SUCCEEDED jobs come back without startedAt, while a
    # listing by jobStatus includes it, "no matter of what api client we use" (boto/boto3#3315).
    for position, summary in enumerate(summaries):
        if summary["status"] == "SUCCEEDED" and "startedAt" in summary:
            summaries[position] = {k: v for k, v in summary.items() if k != "startedAt"}


def _region_of(job: Job) -> str:
    return job.job_queue.split(":", 4)[3]


def _child_lookup(store: Store, parent_id: str, separator: str) -> Callable[[Any], Job]:
    """Children are keyed by negated index; this maps a key back to the child job."""
    jobs = store.jobs

    def child(negated_index: int) -> Job:
        return jobs[f"{parent_id}{separator}{-negated_index}"]

    return child


def _job_status(status: Any) -> JobStatus | None:
    if status is None or status in JOB_STATUSES:
        return status  # type: ignore[no-any-return]
    raise client_exception(  # chosen
        f"Invalid jobStatus: {status}. Valid values: {', '.join(JOB_STATUSES)}."
    )


def _page_size(max_results: int | None, cap: int) -> int:
    if max_results is None:
        return cap
    if max_results < 1:
        # Chosen: the documented minimum is 1.
        raise client_exception(f"maxResults must be at least 1, got {max_results}.")
    return min(max_results, cap)  # "returns up to": larger values are clamped (chosen)
