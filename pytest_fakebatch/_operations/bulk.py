"""CancelJobs and TerminateJobs: CancelJob and TerminateJob for up to 50 jobs at once.

"Batch reports the result for each job individually in the response. Jobs that were processed
successfully are reported in the successful list. Jobs that encountered errors are reported in
the errors list. The response returns an HTTP status code of 200 even when some jobs encountered
errors ... Jobs that can't be found are treated as successfully processed." (API_CancelJobs,
API_TerminateJobs). A request-wide problem (the reason, more than 50 jobs) is still a
ClientException. Every detail string marked "chosen" has no known real-service wording
(docs/fidelity.md lists them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from .. import _lifecycle
from .._errors import client_exception
from ._checks import answer, check_types, required
from ._job_refs import is_job_arn, job_in_region
from .jobs import check_reason, stopped_unit

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .._store import Store
    from ..models import Job
    from ._answer import Answer

#: "An array of up to 50 Batch job IDs" (CancelJobsRequest.jobs, TerminateJobsRequest.jobs).
MAX_JOBS: Final = 50
#: CancelJobsErrorDetail.code: "ValidationException - A job identifier in the request is
#: malformed or isn't valid."
MALFORMED: Final = "ValidationException"


def cancel_jobs(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    return _stop_each(store, region, params, _lifecycle.cancel)


def terminate_jobs(store: Store, region: str, params: Mapping[str, Any]) -> Answer:
    return _stop_each(store, region, params, _lifecycle.terminate)


def _stop_each(
    store: Store,
    region: str,
    params: Mapping[str, Any],
    stop: Callable[[Store, Job, str], None],
) -> Answer:
    check_types(params, {"jobs": [str], "reason": str})
    references, reason = required(params, "jobs"), required(params, "reason")
    if not reason:
        # As CancelJob and TerminateJob refuse an empty reason (observed, getmoto/moto#5394).
        raise client_exception("reason must not be empty.")  # wording chosen
    check_reason(reason)
    if len(references) > MAX_JOBS:
        raise client_exception(  # chosen
            f"jobs takes up to {MAX_JOBS} job IDs, got {len(references)}."
        )
    successful: list[str] = []
    errors: list[dict[str, str]] = []
    # Each job once, in the order given (chosen); each result names the job as the request did.
    for reference in dict.fromkeys(references):
        if not _well_formed(reference):
            errors.append(
                {
                    "job": reference,
                    "code": MALFORMED,
                    "message": f"Invalid job identifier: {reference}",  # chosen
                }
            )
            continue
        job = job_in_region(store, region, reference)
        if job is not None:
            stop(store, stopped_unit(store, job), reason)
        successful.append(reference)
    return answer({"successful": successful, "errors": errors})


def _well_formed(reference: str) -> bool:
    """A job id or a job ARN: not blank, and if an ARN, a Batch job's (chosen)."""
    if not reference.strip():
        return False
    return not reference.startswith("arn:") or is_job_arn(reference)
