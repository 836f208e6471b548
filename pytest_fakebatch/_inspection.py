"""Reading the fake's jobs back for a test: the bodies of FakeBatch's inspection helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _seeding

if TYPE_CHECKING:
    from ._store import Store
    from .models import Job


def jobs_in(store: Store, region: str, queue: object, status: object) -> list[Job]:
    """The top-level jobs of a queue (name in ``region``, or ARN), oldest first, in ``status``."""
    if not isinstance(queue, str):
        raise TypeError(f"queue must be a queue name or ARN, not {queue!r}")
    if status is not None:
        _seeding.check_status(status)
    found = store.find_queue(region if not queue.startswith("arn:") else _region(queue), queue)
    if found is None:
        known = ", ".join(repr(q.name if q.region == region else q.arn) for q in store.queues())
        raise ValueError(
            f"the fake has no job queue {queue!r} in {region}; its queues: {known or '(none)'}"
        )
    jobs = [store.jobs[job_id] for job_id in store.queue_job_ids(found)]
    # The queue's index is sorted by createdAt; the order they were added is the store's.
    order = {job_id: position for position, job_id in enumerate(store.jobs)}
    jobs.sort(key=lambda job: order[job.job_id])
    return [job for job in jobs if status is None or job.status == status]


def _region(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 else ""
