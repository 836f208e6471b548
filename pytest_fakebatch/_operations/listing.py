"""ListJobs: selectors, status, filters, ordering and pagination.

Every detail string marked "chosen" below has no known real-service wording: it follows the verified
error envelope and says what was wrong (docs/fidelity.md lists them all).
"""

from __future__ import annotations

from bisect import bisect_left
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import _arns, _pagination
from .._errors import client_exception
from ..models import JOB_STATUSES
from ._answer import Answer
from ._checks import Shape, check_types
from ._filters import parse_filters
from ._job_refs import job_in_region
from ._summaries import page_of

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .._store import JobIndex, SortKey, Store
    from ..models import JobStatus

#: "If neither parameter is used, then ListJobs returns up to 1000 results" (API_ListJobs).
PAGE_CAP = 1000
#: "When --filters is used, Batch returns up to 100 values" (API_ListJobs).
FILTERED_PAGE_CAP = 100
_SELECTORS = ("jobQueue", "arrayJobId", "multiNodeJobId")
SELECTOR_DETAIL = "You must specify only one of jobQueue, arrayJobId or multiNodeJobId."  # chosen
TOKEN_DETAIL = (  # chosen
    "Invalid nextToken: use the token a previous ListJobs call with the same parameters returned."
)


# The request's members and their types in botocore's model. botocore checks them before sending,
# unless a client turns parameter_validation off: then the service is the one to refuse them.
_MEMBER_TYPES: dict[str, Shape] = {
    "jobQueue": str,
    "arrayJobId": str,
    "multiNodeJobId": str,
    "jobStatus": str,
    "maxResults": int,
    "nextToken": str,
    "filters": list,
}


def list_jobs(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    check_types(params, _MEMBER_TYPES)
    selectors = [name for name in _SELECTORS if name in params]
    if len(selectors) != 1:
        raise client_exception(SELECTOR_DETAIL)
    filter_ = parse_filters(params.get("filters"))
    status = _job_status(params.get("jobStatus"))
    scope = _scope(store, region, selectors[0], params[selectors[0]])
    if scope.job_id is not None:  # an array's children or a job's nodes
        filter_ = None  # "The filter doesn't apply to child jobs in an array or MNP jobs."

    if filter_ is None or filter_.combines_with_status:
        # "If you don't specify a status, only RUNNING jobs are returned."
        status = status or "RUNNING"
        keys = scope.job_index.keys(status)
    else:
        status = None  # other filters: "jobStatus is ignored and jobs with any status are returned"
        keys = scope.job_index.keys(None)
    limit = _page_size(params.get("maxResults"), PAGE_CAP if filter_ is None else FILTERED_PAGE_CAP)
    query = ("ListJobs", region, selectors[0], scope.identity, status, filter_)

    low, high = (0, len(keys)) if filter_ is None else filter_.key_range(keys)
    token = params.get("nextToken")
    if token:  # "" asks for the first page, as AWS ParallelCluster's awsbstat sends it
        try:
            tiebreak_type = str if scope.job_id is None else int
            last = _pagination.decode(token, _pagination.fingerprint(*query), tiebreak_type)
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
        jobs, job_id = store.jobs, scope.job_id or _second
        page, more = _scan(keys, low, high, limit, lambda key: matches(jobs[job_id(key)]))

    token = _pagination.encode(_pagination.fingerprint(*query), page[-1]) if more else None
    # A queue's keys end with the job id; children's with a negated index.
    job_id = _JOB_ID if scope.job_id is None else scope.job_id
    by_name = filter_ is not None and filter_.name == "JOB_NAME"  # changes SUCCEEDED summaries
    summaries, logged = page_of(store, scope.job_arn_prefix, map(job_id, page), by_name, token)
    body: dict[str, Any] = {"jobSummaryList": summaries}
    if token is not None:
        body["nextToken"] = token
    return Answer(body, logged, logged.json_text)


class _Scope(NamedTuple):
    """The jobs one selector lists: a queue's (parents only) or one parent's children."""

    job_index: JobIndex
    identity: str
    job_id: Callable[[Any], str] | None
    """From a child's sort key to its id; None for a queue, whose keys end with the job id."""
    job_arn_prefix: str


def _scope(store: Store, region: str, selector: str, value: str) -> _Scope:
    if selector == "jobQueue":
        queue = store.find_queue(region, value)
        if queue is None:
            # Chosen: the only real "not found" text for a queue, SubmitJob's (base2genomics/batchit#13).
            raise client_exception(f"JobQueue {value} not found.")
        return _Scope(store.queue_index(queue), queue.arn, None, _arns.job_arn_prefix(queue.arn))
    job = job_in_region(store, region, value)  # an id or a job ARN
    index = None if job is None else store.child_index(job.job_id)
    array = selector == "arrayJobId"
    if job is None or index is None or (job.array_size is not None) != array:
        kind = "array" if array else "multi-node parallel"
        raise client_exception(f"No {kind} job found with id {value}.")  # chosen
    child_id = _child_id(job.job_id, ":" if array else "#")
    return _Scope(index, job.job_id, child_id, _arns.job_arn_prefix(job.job_queue))


def _scan(
    keys: list[SortKey], low: int, high: int, limit: int, matches: Callable[[Any], bool]
) -> tuple[list[SortKey], bool]:
    """Newest-first matches below ``high``: the page, and whether another match follows it.

    The scan stops at the first match past a full page, so only a page with more to come carries
    a token, as on an unfiltered listing. Finding that out costs at most what the next, empty,
    page would have cost: the scan to the bottom.
    """
    page: list[SortKey] = []
    position = high
    while position > low:
        position -= 1
        key = keys[position]
        if matches(key):
            if len(page) == limit:
                return page, True
            page.append(key)
    return page, False


def _second(key: Any) -> str:
    return key[1]  # type: ignore[no-any-return]


_JOB_ID: Callable[[Any], str] = itemgetter(1)  # a queue's key (created_at, job_id); in C


def _child_id(parent_id: str, separator: str) -> Callable[[Any], str]:
    """Children are keyed ``(created_at, -index)``; this maps a key back to the child's id."""

    def child_id(key: Any) -> str:
        return f"{parent_id}{separator}{-key[1]}"

    return child_id


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
