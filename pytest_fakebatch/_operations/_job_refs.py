"""Finding the job a request names: by its id or by its ARN.

Every operation that takes a job id takes the job's ARN too (torchx describes and cancels jobs by
the ``jobArn`` of their summaries, and nodes by ``<jobArn>#<node>``): an array child's ARN is its
parent's plus ``:<index>``, a node's plus ``#<index>``, as their ids are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _arns

if TYPE_CHECKING:
    from .._store import Store
    from ..models import Job


def job_id_of(store: Store, region: str, reference: str) -> str:
    """The job id ``reference`` names: itself, or the id inside a job ARN of this region and the
    fake's account (another region's or account's ARN names no job here, so it is returned as
    given and looked up as an id, which finds nothing)."""
    if not reference.startswith("arn:"):
        return reference
    parts = _arns.parse(reference)
    if (
        parts is None
        or parts["kind"] != "job"
        or parts["region"] != region
        or parts["account"] != store.account_id
        or parts["partition"] != _arns.partition(region)
    ):
        return reference
    return parts["rest"]


def job_in_region(store: Store, region: str, reference: str) -> Job | None:
    """The job a job id or job ARN names, if the client's region has it."""
    job = store.jobs.get(job_id_of(store, region, reference))
    if job is None or _arns.region_of(job.job_queue) != region:
        return None
    return job


def is_job_arn(reference: str) -> bool:
    """Whether ``reference`` is shaped like a job ARN (found or not)."""
    parts = _arns.parse(reference)
    return parts is not None and parts["kind"] == "job"
