"""ListJobs."""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, Any

from .. import _pagination
from .._errors import client_exception
from .._render import job_summary
from ..models import JOB_STATUSES, JobStatus

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .._store import Store

#: "If neither parameter is used, then ListJobs returns up to 1000 results" (API_ListJobs).
PAGE_CAP = 1000
_SELECTORS = ("jobQueue", "arrayJobId", "multiNodeJobId")

# Error details below marked "chosen" have no known real-service wording (see docs/fidelity.md);
# they follow the verified envelope and say what was wrong.
SELECTOR_DETAIL = (  # chosen
    "You must specify only one of jobQueue, arrayJobId or multiNodeJobId."
)


def list_jobs(store: Store, region: str, params: Mapping[str, Any]) -> dict[str, Any]:
    selectors = [name for name in _SELECTORS if name in params]
    if len(selectors) != 1:
        raise client_exception(SELECTOR_DETAIL)
    if "filters" in params:
        raise NotImplementedError("ListJobs filters")
    status = _job_status(params)
    limit = _page_size(params)
    if selectors[0] != "jobQueue":
        job_id = params[selectors[0]]
        raise client_exception(f"Job {job_id} not found.")  # chosen

    queue = store.find_queue(region, params["jobQueue"])
    if queue is None:
        # Chosen: the only real "not found" text for a queue, from SubmitJob (base2genomics/batchit#13).
        raise client_exception(f"JobQueue {params['jobQueue']} not found.")
    keys = store.queue_index(queue).by_status[status]
    query = _pagination.fingerprint("ListJobs", region, "jobQueue", queue.arn, status)

    end = len(keys)
    token = params.get("nextToken")
    if token:  # "" means the first page, as AWS ParallelCluster's awsbstat sends it
        try:
            end = bisect_left(keys, _pagination.decode(token, query))
        except _pagination.InvalidToken:
            raise client_exception(  # chosen
                "Invalid nextToken: use the token a previous ListJobs call with the same "
                "parameters returned."
            ) from None
    begin = max(0, end - limit)
    page = keys[begin:end]
    page.reverse()
    result: dict[str, Any] = {"jobSummaryList": [job_summary(store.jobs[key[1]]) for key in page]}
    if begin > 0:
        result["nextToken"] = _pagination.encode(query, page[-1])
    return result


def _job_status(params: Mapping[str, Any]) -> JobStatus:
    status = params.get("jobStatus")
    if status is None:
        return "RUNNING"  # "If you don't specify a status, only RUNNING jobs are returned."
    if status not in JOB_STATUSES:
        raise client_exception(  # chosen
            f"Invalid jobStatus: {status}. Valid values: {', '.join(JOB_STATUSES)}."
        )
    return status  # type: ignore[no-any-return]


def _page_size(params: Mapping[str, Any]) -> int:
    max_results: int | None = params.get("maxResults")
    if max_results is None:
        return PAGE_CAP
    if max_results < 1:
        raise client_exception(  # chosen; the documented minimum is 1
            f"maxResults must be at least 1, got {max_results}."
        )
    return min(max_results, PAGE_CAP)  # "returns up to": larger values are clamped (chosen)
