"""Whether the scheduler may place a RUNNABLE job: compute environment states.

"If the state is DISABLED, then the Batch scheduler doesn't attempt to place jobs within the
environment. Jobs in a STARTING or RUNNING state continue to progress normally."
(API_UpdateComputeEnvironment, state). A RUNNABLE job whose queue has compute environments, none
of them ENABLED, therefore stays RUNNABLE when the lifecycle's scheduler steps (``advance``,
``run_all``); a test that moves it itself (``set_status``, ``complete``) still can. A queue without
compute environments (as ``add_queue`` and ``add_job`` make them) holds nothing back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _arns

if TYPE_CHECKING:
    from ._store import Store
    from .models import Job, JobQueue


def held_by(store: Store, job: Job) -> JobQueue | None:
    """The queue whose compute environments are all DISABLED, if that holds ``job`` back."""
    queue = store.find_queue(_arns.region_of(job.job_queue), job.job_queue)
    if queue is None:
        return None  # its queue was deleted: nothing to place it on, nothing to hold it
    order = queue.properties.get("computeEnvironmentOrder") or ()
    if not order:
        return None
    for entry in order:
        environment = store.find_compute_environment(queue.region, entry["computeEnvironment"])
        if environment is None or environment.state == "ENABLED":
            return None
    return queue
