"""Finding the job a request names: by its id or by its ARN.

CancelJob, TerminateJob and their bulk forms take "the Batch job ID"; real clients send job ARNs
too (torchx cancels by a listing's ``jobArn``, and by ``<jobArn>#<node>``). A job's ARN is
``arn:<partition>:batch:<region>:<account>:job/<id>``, the id of an array child or a node
included (``<id>:<index>``, ``<id>#<index>``), so either names the same job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _arns

if TYPE_CHECKING:
    from .._store import Store
    from ..models import Job


def find_job(store: Store, region: str, reference: str) -> Job | None:
    """The job ``reference`` (an id or a job ARN) names, as a client in ``region`` sees it; None
    for an unknown job, a job of another region or account, or an ARN of another resource."""
    job_id = reference
    if reference.startswith("arn:"):
        parts = _arns.parse(reference)
        if parts is None or parts["kind"] != "job" or parts["account"] != store.account_id:
            return None
        job_id = parts["rest"]
    job = store.jobs.get(job_id)
    if job is None or _arns.region_of(job.job_queue) != region:
        return None
    if reference is not job_id and job.job_arn != reference:
        return None  # another partition's ARN
    return job


def is_job_arn(reference: str) -> bool:
    """Whether ``reference`` is shaped like a job ARN (found or not)."""
    parts = _arns.parse(reference)
    return parts is not None and parts["kind"] == "job"
