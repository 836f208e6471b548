"""Which jobs hold which consumable resources, and whether a job may start.

A job whose ``consumableResourceProperties`` (its job definition's, with SubmitJob's override; kept
in ``Job.spec``) name consumable resources holds those quantities while it is STARTING or RUNNING:
"Resources are locked once the job moves to STARTING and are then unlocked when the job moves to
SUCCEEDED or FAILED" (user guide, resource-aware scheduling). A REPLENISHABLE resource gets the
quantity back when the job lets go; a NON_REPLENISHABLE one loses it from its total for good.
The scheduler does not start a job until every resource it needs has the quantity available: the
job waits in RUNNABLE.

Each instance of a job holds its own quantity: a plain job, a multi-node job (once, not per node),
each child of an array job (never the array parent). Jobs seeded with ``add_job`` require nothing.

The lifecycle calls in here; ``moved`` is the one hook that sees every stored move, and costs a
dict lookup for a job that requires nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from . import _arns

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ._store import Store
    from .models import ConsumableResource, Job, JobStatus

#: Where a job's requirement is kept in its spec, as DescribeJobs shows it.
SPEC_KEY: Final = "consumableResourceProperties"
#: Statuses in which a job holds its consumable resources.
HOLDING: Final[frozenset[str]] = frozenset({"STARTING", "RUNNING"})
#: Statuses a job may start from.
_WAITING: Final[frozenset[str]] = frozenset({"SUBMITTED", "PENDING", "RUNNABLE"})


def find(store: Store, region: str, reference: str) -> ConsumableResource | None:
    """The consumable resource a name or ARN names, as a client in ``region`` sees it."""
    if reference.startswith("arn:"):
        resource = store.consumable_resources.get(reference)
        return resource if resource is not None and resource.region == region else None
    return store.consumable_resources.get(resource_arn(store, region, reference))


def resource_arn(store: Store, region: str, name: str) -> str:
    return _arns.arn(region, store.account_id, f"consumable-resource/{name}")


def requirements(job: Job) -> list[tuple[str, int]]:
    """What one instance of ``job`` requires: (name or ARN as given, quantity) pairs."""
    spec = job.spec
    if not spec or job.array_size is not None or job.node_index is not None:
        return []
    properties: Any = spec.get(SPEC_KEY)
    if not properties:
        return []
    return [
        (entry["consumableResource"], entry["quantity"])
        for entry in properties.get("consumableResourceList") or ()
    ]


def shortfall(store: Store, job: Job) -> str | None:
    """Why ``job`` cannot take its resources now (None: it can)."""
    region = _arns.region_of(job.job_queue)
    for reference, quantity in requirements(job):
        resource = find(store, region, reference)
        if resource is None:
            return f"consumable resource {reference} does not exist (it was deleted)"
        if quantity > resource.available_quantity:
            return (
                f"it needs {quantity} of consumable resource {resource.name}, which has "
                f"{resource.available_quantity} available"
            )
    return None


def can_start(store: Store, job: Job) -> bool:
    return not requirements(job) or shortfall(store, job) is None


def check_can_start(store: Store, job: Job, action: str) -> None:
    """A ValueError for the test that asked a job to start (``action``) when its consumable
    resources are not available: the scheduler would keep it RUNNABLE."""
    reason = shortfall(store, job) if requirements(job) else None
    if reason is not None:
        raise ValueError(
            f"job {job.job_id} cannot {action}: {reason}. It stays {job.status} until the "
            "quantity is free: finish a job that holds it, or raise the total with "
            "UpdateConsumableResource"
        )


def check_set_status(store: Store, job: Job, status: JobStatus, exit_code: int | None) -> None:
    """set_status starts a waiting job when it moves it to STARTING, RUNNING or SUCCEEDED, or to
    FAILED with an exit code (it ran): then its resources must be available."""
    starts = status in ("STARTING", "RUNNING", "SUCCEEDED") or (
        status == "FAILED" and exit_code is not None
    )
    if job.status in _WAITING and starts:
        check_can_start(store, job, f"move to {status}")


def check_runs(store: Store, jobs: Iterable[Job]) -> None:
    """complete(): each job, in turn, runs (if it has not started) and ends. A ValueError unless
    every one can take its resources when its turn comes, counting what the jobs before it gave
    back (REPLENISHABLE) or used up (NON_REPLENISHABLE)."""
    available: dict[str, int] = {}
    for job in jobs:
        needs = requirements(job)
        if not needs:
            continue
        region = _arns.region_of(job.job_queue)
        held = job.status in HOLDING
        for reference, quantity in needs:
            resource = find(store, region, reference)
            if resource is None:
                if not held:
                    check_can_start(store, job, "run")  # says it does not exist
                continue
            left = available.setdefault(resource.arn, resource.available_quantity)
            holds = store.consumable_holders.get(resource.arn, {}).get(job.job_id)
            if not held:
                if quantity > left:
                    raise ValueError(
                        f"job {job.job_id} cannot run: it needs {quantity} of consumable "
                        f"resource {resource.name}, which has {left} available then. It stays "
                        f"{job.status} until the quantity is free: finish a job that holds it, "
                        "or raise the total with UpdateConsumableResource"
                    )
                if resource.resource_type == "NON_REPLENISHABLE":
                    available[resource.arn] = left - quantity
            elif holds is not None and resource.resource_type == "REPLENISHABLE":
                available[resource.arn] = left + holds


def moved(store: Store, old: Job, new: Job) -> None:
    """Account for one stored move: a job that starts takes its resources, one that stops
    running (finished, or back to RUNNABLE for a retry) lets them go; a move that runs and ends
    the job at once (set_status, complete) does both."""
    if not new.spec or SPEC_KEY not in new.spec:
        return
    was, now = old.status in HOLDING, new.status in HOLDING
    ran_through = not was and not now and len(new.attempts) > len(old.attempts)
    if (not was and now) or ran_through:
        _take(store, new)
    if (was and not now) or ran_through:
        _give_back(store, new)


def _take(store: Store, job: Job) -> None:
    region = _arns.region_of(job.job_queue)
    for reference, quantity in requirements(job):
        resource = find(store, region, reference)
        if resource is None:
            continue  # checked before the move; a deleted resource holds nothing
        holders = store.consumable_holders.setdefault(resource.arn, {})
        if job.job_id not in holders:
            holders[job.job_id] = quantity
            _replace(store, resource, resource.in_use_quantity + quantity, resource.total_quantity)


def _give_back(store: Store, job: Job) -> None:
    region = _arns.region_of(job.job_queue)
    for reference, _ in requirements(job):
        resource = find(store, region, reference)
        if resource is None:
            continue
        # Only what this job took from this resource: one deleted and created again since the
        # job started never had it ("this will be ignored when the jobs complete").
        quantity = store.consumable_holders.get(resource.arn, {}).pop(job.job_id, None)
        if quantity is None:
            continue
        total = resource.total_quantity
        if resource.resource_type == "NON_REPLENISHABLE":
            total -= quantity
        _replace(store, resource, resource.in_use_quantity - quantity, total)


def _replace(store: Store, resource: ConsumableResource, in_use: int, total: int) -> None:
    store.consumable_resources[resource.arn] = attrs.evolve(
        resource, in_use_quantity=in_use, total_quantity=total
    )
