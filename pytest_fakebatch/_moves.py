"""The bodies of FakeBatch's moves (set_status, advance, complete, run_all): a job id is a batch
job's, moved by ``_lifecycle``, or a service job's, moved by ``_service_job_lifecycle``.

The caller holds the store's lock and has expired and caught up first (see FakeBatch._catch_up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _lifecycle
from . import _service_job_lifecycle as _service_jobs

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._store import Store
    from .models import Job, JobStatus, ServiceJob, ServiceJobStatus


def set_status(
    store: Store,
    job_id: str,
    status: JobStatus | ServiceJobStatus,
    *,
    reason: str | None,
    exit_code: int | None,
    container_reason: str | None,
) -> Job | ServiceJob:
    """FakeBatch.set_status."""
    if _service_jobs.is_service_job(store, job_id):
        _no_container_reason(job_id, container_reason)
        if exit_code is not None:
            raise ValueError(f"{job_id} is a service job: it has no exit code; leave exit_code out")
        return _service_jobs.set_status(store, job_id, str(status), reason=reason)
    return _lifecycle.set_status(
        store,
        job_id,
        status,  # type: ignore[arg-type]  # SCHEDULED, a service job's: refused there
        reason=reason,
        exit_code=exit_code,
        container_reason=container_reason,
    )


def advance(store: Store, job_id: str | None) -> list[Job | ServiceJob]:
    """FakeBatch.advance: one job, or every job (batch jobs first, then service jobs)."""
    if job_id is None or _service_jobs.is_service_job(store, job_id):
        moved: list[Job | ServiceJob] = []
        if job_id is None:
            moved.extend(_lifecycle.advance(store, None))
        moved.extend(_service_jobs.advance(store, job_id))
        return moved
    return [*_lifecycle.advance(store, job_id)]


def complete(
    store: Store,
    job_id: str,
    *,
    exit_code: int,
    reason: str | None,
    container_reason: str | None,
) -> Job | ServiceJob:
    """FakeBatch.complete."""
    if _service_jobs.is_service_job(store, job_id):
        _no_container_reason(job_id, container_reason)
        return _service_jobs.complete(store, job_id, exit_code=exit_code, reason=reason)
    return _lifecycle.complete(
        store, job_id, exit_code=exit_code, reason=reason, container_reason=container_reason
    )


def run_all(store: Store, ending: Callable[[Job, int], Job] | None) -> None:
    """FakeBatch.run_all: batch jobs (their attempts ended by ``ending``), then service jobs."""
    _lifecycle.run_all(store, ending)
    _service_jobs.run_all(store)


def _no_container_reason(job_id: str, container_reason: str | None) -> None:
    if container_reason is not None:
        raise ValueError(
            f"{job_id!r} is a service job: it runs no container, so it takes no container_reason"
        )
